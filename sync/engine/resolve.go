package engine

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/nayose/nayose/mapping/resolve"
	"github.com/nayose/nayose/store"
	"gorm.io/gorm/clause"
)

// Incremental identity resolution.
//
// The store keeps each identity's blocking keys (match_keys) and its
// component (match_components): the identities joined by pairs at or above
// the auto-merge score, guards aside. Customers never cross components. A
// page changes some identities (the seeds); the region to re-resolve is
// every component that holds a seed or an identity sharing a usable key
// with one. Resolving the region from scratch gives the clusters that
// resolving the whole store would, because any pair strong enough to join
// the region to anything else shares a key with a seed or was already in
// one of its components.
//
// A key whose holders cross the junk or block-size limit changes which
// pairs are compared, so its holders become seeds too.

// identityKey is a stored identity's resolver key: intrinsic to the
// record, so ties between equal scores never depend on arrival order.
func identityKey(source, externalID string) string { return source + "\x1f" + externalID }

// resolveRecord is an identity in the form the resolver reads.
func resolveRecord(id *store.Identity) resolve.Record {
	return resolve.Record{
		Key:        identityKey(id.Source, id.ExternalID),
		Source:     id.Source,
		FullName:   id.FullName,
		FamilyName: id.FamilyName,
		GivenName:  id.GivenName,
		NameKana:   id.NameKana,
		Emails:     parseList(id.Emails),
		Phones:     parseList(id.Phones),
		Birthday:   id.Birthday,
		PostalCode: id.PostalCode,
		Address:    id.Address,
		Company:    id.Company,
	}
}

func parseList(s string) []string {
	var out []string
	if s == "" || s == "[]" {
		return nil
	}
	_ = json.Unmarshal([]byte(s), &out) // written by jsonList
	return out
}

// matchColumns are the identity columns resolution reads.
var matchColumns = []string{"id", "customer_id", "source", "external_id", "full_name", "family_name", "given_name",
	"name_kana", "emails", "phones", "birthday", "postal_code", "address", "company"}

func sameRecord(a, b resolve.Record) bool {
	return a.FullName == b.FullName && a.FamilyName == b.FamilyName && a.GivenName == b.GivenName &&
		a.NameKana == b.NameKana && slices.Equal(a.Emails, b.Emails) && slices.Equal(a.Phones, b.Phones) &&
		a.Birthday == b.Birthday && a.PostalCode == b.PostalCode && a.Address == b.Address && a.Company == b.Company
}

// resolver re-resolves the region of the store that a set of changed
// identities touches, inside the page's transaction.
type resolver struct {
	w    *pageWriter
	opts resolve.Options
	// manual, when a person's decision started the run, names it
	// ("manual_merge", "manual_split", "never_match"); events then say so.
	manual string
	// touched collects the customers whose identities changed, to be
	// recomputed; customer maps each re-resolved identity to its customer.
	touched  map[int64]bool
	customer map[int64]int64
	// Caches for one run, inside its transaction: key counts, identities'
	// keys, and identities as loaded.
	countOf  map[resolve.Key]int
	keyCache map[int64][]resolve.Key
	identOf  map[int64]store.Identity
	// overrides caches whether any decision exists (nil: not asked yet).
	overrides *bool
	// fresh holds the identities first stored in this transaction: they
	// have no stored keys, components, reviews or customer to read.
	fresh map[int64]bool
}

func newResolver(w *pageWriter) *resolver {
	return &resolver{w: w, opts: w.e.resolveOpts, touched: map[int64]bool{}, customer: map[int64]int64{},
		countOf: map[resolve.Key]int{}, keyCache: map[int64][]resolve.Key{}, identOf: map[int64]store.Identity{}}
}

// run stores the changed identities' keys and re-resolves around them.
// Identities that did not change but are named in also (a decision's
// identities) are re-resolved too.
func (r *resolver) run(changed []store.Identity, also []int64) error {
	seeds := make(map[int64]bool, len(changed)+len(also))
	for _, id := range also {
		seeds[id] = true
	}
	newKeys := make(map[int64][]resolve.Key, len(changed))
	for i := range changed {
		rec := resolveRecord(&changed[i])
		seeds[changed[i].ID] = true
		r.identOf[changed[i].ID] = changed[i] // as just written: no need to read it back
		newKeys[changed[i].ID] = resolve.Keys(&rec, r.opts)
	}
	if len(seeds) == 0 {
		return nil
	}
	flipped, err := r.replaceKeys(newKeys)
	if err != nil {
		return err
	}
	if len(flipped) > 0 {
		holders, err := r.holders(flipped)
		if err != nil {
			return err
		}
		for _, id := range holders {
			seeds[id] = true
		}
	}
	region, reviews, err := r.region(seeds)
	if err != nil {
		return err
	}
	return r.resolveRegion(region, seeds, reviews)
}

// replaceKeys stores the identities' new keys and returns the keys whose
// holder count crossed its limit (either way).
func (r *resolver) replaceKeys(newKeys map[int64][]resolve.Key) ([]resolve.Key, error) {
	ids := slices.Sorted(maps.Keys(newKeys))
	old := make(map[int64][]resolve.Key, len(ids))
	for part := range slices.Chunk(r.stored(ids), inChunk) {
		var rows []store.MatchKey
		if err := r.w.tx.Where("identity_id IN ?", part).Find(&rows).Error; err != nil {
			return nil, fmt.Errorf("reading match keys: %w", err)
		}
		for _, k := range rows {
			old[k.IdentityID] = append(old[k.IdentityID], resolve.Key(k.KeyHash))
		}
	}
	delta := map[resolve.Key]int{}
	var rewrite []int64
	var insert []store.MatchKey
	for _, id := range ids {
		before, after := old[id], newKeys[id]
		slices.Sort(before)
		if slices.Equal(before, after) {
			continue
		}
		rewrite = append(rewrite, id)
		for _, k := range before {
			delta[k]--
		}
		for _, k := range after {
			delta[k]++
			insert = append(insert, store.MatchKey{KeyHash: int64(k), IdentityID: id})
		}
	}
	for part := range slices.Chunk(r.stored(rewrite), inChunk) {
		if err := r.w.tx.Where("identity_id IN ?", part).Delete(&store.MatchKey{}).Error; err != nil {
			return nil, fmt.Errorf("replacing match keys: %w", err)
		}
	}
	for part := range slices.Chunk(insert, r.w.e.db.BatchFor(2)) {
		if err := insertRows(r.w.tx, part); err != nil {
			return nil, fmt.Errorf("storing match keys: %w", err)
		}
	}
	for _, id := range ids {
		r.keyCache[id] = newKeys[id]
	}
	var moved []resolve.Key
	for k, d := range delta {
		if d != 0 {
			moved = append(moved, k)
		}
	}
	counts, err := r.counts(moved)
	if err != nil {
		return nil, err
	}
	var flipped []resolve.Key
	for _, k := range moved {
		limit := r.opts.Limit(k.Kind())
		after := counts[k]
		before := after - delta[k]
		if (before > limit) != (after > limit) {
			flipped = append(flipped, k)
		}
	}
	slices.Sort(flipped)
	return flipped, nil
}

// counts returns how many identities hold each key.
func (r *resolver) counts(keys []resolve.Key) (map[resolve.Key]int, error) {
	// Counts are asked for after the page's keys are written, and nothing
	// else writes keys inside the transaction: one count per key suffices.
	out := make(map[resolve.Key]int, len(keys))
	var missing []resolve.Key
	for _, k := range keys {
		if n, ok := r.countOf[k]; ok {
			out[k] = n
		} else {
			missing = append(missing, k)
			r.countOf[k] = 0 // held by none unless the query says otherwise
		}
	}
	for part := range slices.Chunk(missing, rangeChunk) {
		var rows []struct {
			KeyHash int64
			N       int
		}
		err := r.w.tx.Model(&store.MatchKey{}).Select("key_hash, COUNT(*) AS n").
			Where("key_hash IN ?", keyHashes(part)).Group("key_hash").Scan(&rows).Error
		if err != nil {
			return nil, fmt.Errorf("counting match keys: %w", err)
		}
		for _, row := range rows {
			out[resolve.Key(row.KeyHash)] = row.N
			r.countOf[resolve.Key(row.KeyHash)] = row.N
		}
	}
	return out, nil
}

// keysOf returns the stored keys of identities, by identity.
func (r *resolver) keysOf(ids []int64) (map[int64][]resolve.Key, error) {
	out := make(map[int64][]resolve.Key, len(ids))
	var missing []int64
	for _, id := range ids {
		if ks, ok := r.keyCache[id]; ok {
			out[id] = ks
		} else {
			missing = append(missing, id)
		}
	}
	for part := range slices.Chunk(missing, inChunk) {
		var rows []store.MatchKey
		if err := r.w.tx.Where("identity_id IN ?", part).Find(&rows).Error; err != nil {
			return nil, fmt.Errorf("reading match keys: %w", err)
		}
		for _, id := range part {
			r.keyCache[id] = nil
		}
		for _, k := range rows {
			r.keyCache[k.IdentityID] = append(r.keyCache[k.IdentityID], resolve.Key(k.KeyHash))
		}
		for _, id := range part {
			out[id] = r.keyCache[id]
		}
	}
	return out, nil
}

func keyHashes(keys []resolve.Key) []int64 {
	out := make([]int64, len(keys))
	for i, k := range keys {
		out[i] = int64(k)
	}
	return out
}

// holders returns the identities that hold any of keys.
func (r *resolver) holders(keys []resolve.Key) ([]int64, error) {
	var out []int64
	for part := range slices.Chunk(keys, rangeChunk) {
		var ids []int64
		if err := r.w.tx.Model(&store.MatchKey{}).Distinct("identity_id").
			Where("key_hash IN ?", keyHashes(part)).Pluck("identity_id", &ids).Error; err != nil {
			return nil, fmt.Errorf("finding holders of match keys: %w", err)
		}
		out = append(out, ids...)
	}
	return out, nil
}

// region returns the identities to re-resolve: the seeds, the identities
// sharing a usable key with a seed that score at or above the auto-merge
// score with one (directly or through others of them), their whole
// components, and every identity of the customers among them. It also
// returns the pairs for review that the seeds make with the identities
// sharing their keys.
func (r *resolver) region(seeds map[int64]bool) (map[int64]bool, []store.MatchReview, error) {
	ids := slices.Sorted(maps.Keys(seeds))
	byID, err := r.keysOf(ids)
	if err != nil {
		return nil, nil, err
	}
	var seedKeys []resolve.Key
	for _, ks := range byID {
		seedKeys = append(seedKeys, ks...)
	}
	slices.Sort(seedKeys)
	seedKeys = slices.Compact(seedKeys)
	counts, err := r.counts(seedKeys)
	if err != nil {
		return nil, nil, err
	}
	var usable []resolve.Key
	for _, k := range seedKeys {
		if counts[k] <= r.opts.Limit(k.Kind()) {
			usable = append(usable, k)
		}
	}
	sharers := maps.Clone(seeds)
	holders, err := r.holders(usable)
	if err != nil {
		return nil, nil, err
	}
	for _, id := range holders {
		sharers[id] = true
	}

	// Of the identities sharing a key, only those the seeds would join
	// matter to clustering: resolve them together and keep the seeds'
	// components. The rest are compared only for review.
	region := maps.Clone(seeds)
	var reviews []store.MatchReview
	if len(sharers) > len(seeds) {
		l, err := r.load(sharers)
		if err != nil {
			return nil, nil, err
		}
		res, err := resolve.Resolve(resolve.Input{Records: l.recs, Constraints: l.cons, Counts: l.counts}, r.opts)
		if err != nil {
			return nil, nil, fmt.Errorf("resolving identities: %w", err)
		}
		seedComps := map[int]bool{}
		for i, c := range res.Component {
			if seeds[l.idents[i].ID] {
				seedComps[c] = true
			}
		}
		for i, c := range res.Component {
			if seedComps[c] {
				region[l.idents[i].ID] = true
			}
		}
		for _, rv := range r.reviewRows(l.idents, res) {
			if seeds[rv.IdentityA] || seeds[rv.IdentityB] {
				reviews = append(reviews, rv)
			}
		}
	}

	// Close over stored components and customers until nothing is added.
	for pending := r.stored(slices.Sorted(maps.Keys(region))); len(pending) > 0; {
		var found []int64
		for part := range slices.Chunk(pending, inChunk) {
			var ids []int64
			err := r.w.tx.Raw(`SELECT mc.identity_id FROM match_components mc
 WHERE mc.component_id IN (SELECT component_id FROM match_components WHERE identity_id IN ?)
UNION
SELECT ci.id FROM customer_identities ci
 WHERE ci.customer_id IN (SELECT customer_id FROM customer_identities WHERE id IN ? AND customer_id <> 0)`, part, part).
				Scan(&ids).Error
			if err != nil {
				return nil, nil, fmt.Errorf("finding the components to re-resolve: %w", err)
			}
			found = append(found, ids...)
		}
		pending = pending[:0]
		for _, id := range found {
			if !region[id] {
				region[id] = true
				pending = append(pending, id)
			}
		}
		slices.Sort(pending)
	}
	return region, reviews, nil
}

// loaded is a set of stored identities ready to resolve.
type loaded struct {
	idents []store.Identity // by id
	recs   []resolve.Record
	counts map[resolve.Key]int
	cons   []resolve.Constraint
}

// load reads identities, the store-wide counts of their keys (so junk and
// block limits are judged on everything), and the decisions between them.
func (r *resolver) load(set map[int64]bool) (*loaded, error) {
	tx := r.w.tx
	ids := slices.Sorted(maps.Keys(set))
	l := &loaded{idents: make([]store.Identity, 0, len(ids))}
	var missing []int64
	for _, id := range ids {
		if ident, ok := r.identOf[id]; ok {
			l.idents = append(l.idents, ident)
		} else {
			missing = append(missing, id)
		}
	}
	for part := range slices.Chunk(missing, rangeChunk) {
		var rows []store.Identity
		if err := tx.Select(matchColumns).Where("id IN ?", part).Find(&rows).Error; err != nil {
			return nil, fmt.Errorf("reading identities to resolve: %w", err)
		}
		for _, row := range rows {
			r.identOf[row.ID] = row
		}
		l.idents = append(l.idents, rows...)
	}
	slices.SortFunc(l.idents, func(a, b store.Identity) int { return int(a.ID - b.ID) })
	l.recs = make([]resolve.Record, len(l.idents))
	byID := make(map[int64]int, len(l.idents))
	for i := range l.idents {
		l.recs[i] = resolveRecord(&l.idents[i])
		byID[l.idents[i].ID] = i
	}
	keysByID, err := r.keysOf(ids)
	if err != nil {
		return nil, err
	}
	// Store-wide counts matter for contact keys (a junk email is dropped
	// from the record that holds it) and for keys two loaded identities
	// share (whether they are compared); a key only one of them holds
	// makes no pair.
	held := map[resolve.Key]int{}
	for _, ks := range keysByID {
		for _, k := range ks {
			held[k]++
		}
	}
	var keys []resolve.Key
	for k, n := range held {
		if n > 1 || k.Kind().Contact() {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	counts, err := r.counts(keys)
	if err != nil {
		return nil, err
	}
	l.counts = counts
	if !r.hasOverrides() {
		return l, nil
	}
	for part := range slices.Chunk(ids, inChunk) {
		var rows []store.MatchOverride
		if err := tx.Where("identity_a IN ? OR identity_b IN ?", part, part).Find(&rows).Error; err != nil {
			return nil, fmt.Errorf("reading match decisions: %w", err)
		}
		for _, o := range rows {
			a, aok := byID[o.IdentityA]
			b, bok := byID[o.IdentityB]
			if aok && bok {
				l.cons = append(l.cons, resolve.Constraint{A: l.recs[a].Key, B: l.recs[b].Key, Never: o.Decision == store.DecisionNever})
			}
		}
	}
	return l, nil
}

// hasOverrides reports whether anyone ever recorded a decision: most
// stores have none, and then no page need look for them. A failed probe
// counts as yes.
func (r *resolver) hasOverrides() bool {
	if r.overrides == nil {
		var ids []int64
		err := r.w.tx.Model(&store.MatchOverride{}).Limit(1).Pluck("identity_a", &ids).Error
		has := err != nil || len(ids) > 0
		r.overrides = &has
	}
	return *r.overrides
}

// resolveRegion resolves the region from scratch and writes the outcome:
// components, customers of identities and activities, merges and splits
// with their evidence, and pairs for review (seedReviews adds those the
// seeds make outside the region).
func (r *resolver) resolveRegion(region, seeds map[int64]bool, seedReviews []store.MatchReview) error {
	l, err := r.load(region)
	if err != nil {
		return err
	}
	res, err := resolve.Resolve(resolve.Input{Records: l.recs, Constraints: l.cons, Counts: l.counts}, r.opts)
	if err != nil {
		return fmt.Errorf("resolving identities: %w", err)
	}
	if err := r.saveComponents(l.idents, res); err != nil {
		return err
	}
	if err := r.assignCustomers(l.idents, res); err != nil {
		return err
	}
	reviews := r.reviewRows(l.idents, res)
	for _, rv := range seedReviews {
		if !region[rv.IdentityA] || !region[rv.IdentityB] {
			reviews = append(reviews, rv)
		}
	}
	return r.saveReviews(reviews, region, seeds)
}

// saveComponents records each identity's component as its smallest
// identity id.
func (r *resolver) saveComponents(idents []store.Identity, res *resolve.Result) error {
	minID := map[int]int64{}
	for i, c := range res.Component {
		if cur, ok := minID[c]; !ok || idents[i].ID < cur {
			minID[c] = idents[i].ID
		}
	}
	rows := make([]store.MatchComponent, len(idents))
	for i := range idents {
		rows[i] = store.MatchComponent{IdentityID: idents[i].ID, ComponentID: minID[res.Component[i]]}
	}
	for part := range slices.Chunk(rows, r.w.e.db.BatchFor(2)) {
		err := insertRows(r.w.tx.Clauses(clause.OnConflict{
			Columns:   []clause.Column{{Name: "identity_id"}},
			DoUpdates: clause.AssignmentColumns([]string{"component_id"}),
		}), part)
		if err != nil {
			return fmt.Errorf("storing match components: %w", err)
		}
	}
	return nil
}

// assignCustomers gives each cluster a customer: an old customer goes to
// the cluster holding its oldest identity; a cluster given several keeps
// the oldest and retires the rest (a merge); a cluster given none gets a
// new customer (new people, or a split).
func (r *resolver) assignCustomers(idents []store.Identity, res *resolve.Result) error {
	w, touched := r.w, r.touched
	anchor := map[int64]int{} // old customer -> index of its oldest identity
	for i := range idents {
		c := idents[i].CustomerID
		if c == 0 {
			continue
		}
		touched[c] = true
		if j, ok := anchor[c]; !ok || idents[i].ID < idents[j].ID {
			anchor[c] = i
		}
	}
	given := map[int][]int64{} // cluster -> old customers it receives
	for _, c := range slices.Sorted(maps.Keys(anchor)) {
		k := res.Cluster[anchor[c]]
		given[k] = append(given[k], c)
	}
	clusters := map[int][]int{}
	for i, k := range res.Cluster {
		clusters[k] = append(clusters[k], i)
	}
	reps := slices.Sorted(maps.Keys(clusters))

	var fresh []int
	customerOf := map[int]int64{}
	for _, k := range reps {
		if cs := given[k]; len(cs) > 0 {
			customerOf[k] = cs[0]
		} else {
			fresh = append(fresh, k)
		}
	}
	if len(fresh) > 0 {
		created := make([]store.Customer, len(fresh))
		for i := range created {
			created[i] = store.Customer{LifecycleStage: "prospect", FieldSources: "{}", FirstSeenAt: &w.now}
		}
		for part := range slices.Chunk(created, w.e.db.BatchFor(len(newCustomerColumns))) {
			if err := insertRows(w.tx.Select(newCustomerColumns), part); err != nil {
				return fmt.Errorf("creating customers: %w", err)
			}
		}
		for i, k := range fresh {
			customerOf[k] = created[i].ID
		}
	}

	links := linksByRecord(res)
	var events []store.MergeEvent
	moves := map[int64]int64{} // identity -> the customer it moves to
	for _, k := range reps {
		target := customerOf[k]
		touched[target] = true
		// A new person's first record founds the customer; the others join it.
		founder := int64(-1)
		if len(given[k]) == 0 {
			founder = idents[clusters[k][0]].ID
		}
		for _, i := range clusters[k] {
			id := &idents[i]
			r.customer[id.ID] = target
			if id.CustomerID == target {
				continue
			}
			moves[id.ID] = target
			r.w.e.memo.noteCustomer(id.ID, target)
			switch {
			case id.CustomerID == 0 && len(clusters[k]) > 1 && id.ID != founder:
				// A new record joined a person: say why.
				events = append(events, r.event("merge", target, nil, &id.ID, res, links, idents, i, clusters[k]))
			case id.CustomerID != 0 && !slices.Contains(given[k], id.CustomerID):
				// Left its old customer: a split.
				old := id.CustomerID
				events = append(events, r.event("split", old, &target, &id.ID, res, links, idents, i, clusters[k]))
			}
		}
		for _, retired := range given[k][min(1, len(given[k])):] {
			// The retired customer's oldest identity says why it joined.
			other := retired
			events = append(events, r.event("merge", target, &other, nil, res, links, idents, anchor[retired], clusters[k]))
		}
	}
	if err := w.setCustomers("customer_identities", "id", moves, rangeChunk/2); err != nil {
		return err
	}
	if err := w.setCustomers("activities", "identity_id", moves, inChunk/2); err != nil {
		return err
	}
	// Retire customers that a cluster absorbed, and any left with no
	// identity at all.
	for _, k := range reps {
		cs := given[k]
		if len(cs) < 2 {
			continue
		}
		if err := w.retire(cs[0], cs[1:]); err != nil {
			return err
		}
	}
	if len(events) > 0 {
		for part := range slices.Chunk(events, w.e.db.BatchRows) {
			if err := insertRows(w.tx, part); err != nil {
				return fmt.Errorf("recording merge events: %w", err)
			}
		}
	}
	return nil
}

// newCustomerColumns are those a new customer is created with; the rest
// keep their defaults until its row is rebuilt.
var newCustomerColumns = []string{"lifecycle_stage", "field_sources", "first_seen_at", "created_at", "updated_at"}

// setCustomers sets customer_id on the rows of table whose column (the
// identity id) is a key of moves, to its value: a few statements with CASE
// rather than one per customer, of at most chunk identities each.
func (w *pageWriter) setCustomers(table, column string, moves map[int64]int64, chunk int) error {
	ids := slices.Sorted(maps.Keys(moves))
	for part := range slices.Chunk(ids, chunk) {
		var q strings.Builder
		args := make([]any, 0, 3*len(part))
		q.WriteString("UPDATE " + table + " SET customer_id = CASE " + column)
		for _, id := range part {
			q.WriteString(" WHEN ? THEN ?")
			args = append(args, id, moves[id])
		}
		q.WriteString(" END WHERE " + column + " IN ?")
		args = append(args, part)
		if err := w.tx.Exec(q.String(), args...).Error; err != nil {
			return fmt.Errorf("moving %s to their customers: %w", table, err)
		}
	}
	return nil
}

// linksByRecord indexes a result's links by the records they join.
func linksByRecord(res *resolve.Result) map[int][]int {
	out := map[int][]int{}
	for li, l := range res.Links {
		out[l.A] = append(out[l.A], li)
		out[l.B] = append(out[l.B], li)
	}
	return out
}

// event builds a merge event for record i of a cluster, explained by the
// strongest link that ties it to the rest of its cluster.
func (r *resolver) event(action string, customer int64, other, identity *int64, res *resolve.Result, links map[int][]int, idents []store.Identity, i int, cluster []int) store.MergeEvent {
	ev := store.MergeEvent{Action: action, CustomerID: customer, OtherCustomerID: other, IdentityID: identity, Actor: "auto", CreatedAt: r.w.now}

	best := -1
	for _, li := range links[i] {
		l := res.Links[li]
		if best < 0 || l.Rule == resolve.RuleManual || (res.Links[best].Rule != resolve.RuleManual && l.Score > res.Links[best].Score) {
			best = li
		}
	}
	evidence := map[string]any{}
	switch {
	case action == "split":
		ev.Rule = "guard"
		evidence["reason"] = "re-resolved: the record no longer joins its old customer (a guard or a decision keeps it apart, or its data changed)"
	case best >= 0:
		l := res.Links[best]
		ev.Rule = l.Rule
		if l.Rule == resolve.RuleManual {
			ev.Actor = "manual"
		} else {
			s := l.Score
			ev.Score = &s
		}
		evidence["identities"] = []int64{idents[l.A].ID, idents[l.B].ID}
		fields := map[string]any{}
		for _, fe := range res.Evidence(l) {
			fields[fe.Field.String()] = map[string]any{"level": fe.Level.String(), "weight": round1(fe.Weight)}
		}
		evidence["fields"] = fields
	default:
		ev.Rule = resolve.RuleScore
	}
	if r.manual != "" {
		ev.Actor, ev.Rule = "manual", r.manual
	}
	b, _ := json.Marshal(evidence)
	ev.Evidence = string(b)
	return ev
}

func round1(f float64) float64 {
	v, _ := strconv.ParseFloat(strconv.FormatFloat(f, 'f', 1, 64), 64)
	return v
}

// retire folds retired customers into survivor: their ids become aliases
// (and aliases that pointed at them now point at survivor) and their rows
// are deleted. Identities and activities have already moved.
func (w *pageWriter) retire(survivor int64, retired []int64) error {
	err := w.tx.Model(&store.Alias{}).Where("customer_id IN ?", retired).Update("customer_id", survivor).Error
	if err != nil {
		return fmt.Errorf("repointing aliases of customers %v to %d: %w", retired, survivor, err)
	}
	aliases := make([]store.Alias, len(retired))
	for i, id := range retired {
		aliases[i] = store.Alias{RetiredID: id, CustomerID: survivor, MergedAt: w.now}
	}
	if err := w.tx.Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "retired_id"}},
		DoUpdates: clause.AssignmentColumns([]string{"customer_id", "merged_at"}),
	}).Create(&aliases).Error; err != nil {
		return fmt.Errorf("recording aliases of merged customers: %w", err)
	}
	if err := w.tx.Where("id IN ?", retired).Delete(&store.Customer{}).Error; err != nil {
		return fmt.Errorf("removing merged customers: %w", err)
	}
	return nil
}

// reviewRows turns a result's reviews into rows.
func (r *resolver) reviewRows(idents []store.Identity, res *resolve.Result) []store.MatchReview {
	rows := make([]store.MatchReview, 0, len(res.Reviews))
	for _, l := range res.Reviews {
		a, b := idents[l.A].ID, idents[l.B].ID
		if a > b {
			a, b = b, a
		}
		reason := "below the auto-merge score"
		if c := l.Conflict(); c != "" {
			reason = c
		}
		fields := map[string]any{}
		for _, fe := range res.Evidence(l) {
			fields[fe.Field.String()] = map[string]any{"level": fe.Level.String(), "weight": round1(fe.Weight)}
		}
		ev, _ := json.Marshal(map[string]any{"fields": fields})
		rows = append(rows, store.MatchReview{IdentityA: a, IdentityB: b, Score: round1(l.Score), Reason: reason, Evidence: string(ev), CreatedAt: r.w.now})
	}
	return rows
}

// stored returns the ids that are not fresh: those that may have
// something stored to read or clear.
func (r *resolver) stored(ids []int64) []int64 {
	if len(r.fresh) == 0 {
		return ids
	}
	out := make([]int64, 0, len(ids))
	for _, id := range ids {
		if !r.fresh[id] {
			out = append(out, id)
		}
	}
	return out
}

// saveReviews replaces the review pairs that the region and the seeds
// decide: those with both ends in the region, and those touching a seed.
func (r *resolver) saveReviews(rows []store.MatchReview, region, seeds map[int64]bool) error {
	tx := r.w.tx
	ids := r.stored(slices.Sorted(maps.Keys(region)))
	seedIDs := r.stored(slices.Sorted(maps.Keys(seeds)))
	var stale [][]any
	for part := range slices.Chunk(ids, inChunk) {
		var pairs []store.MatchReview
		if err := tx.Select("identity_a", "identity_b").Where("identity_a IN ?", part).Find(&pairs).Error; err != nil {
			return fmt.Errorf("reading reviews: %w", err)
		}
		for _, p := range pairs {
			if region[p.IdentityB] {
				stale = append(stale, []any{p.IdentityA, p.IdentityB})
			}
		}
	}
	for part := range slices.Chunk(stale, inChunk/2) {
		if err := tx.Where("(identity_a, identity_b) IN ?", part).Delete(&store.MatchReview{}).Error; err != nil {
			return fmt.Errorf("clearing reviews: %w", err)
		}
	}
	for part := range slices.Chunk(seedIDs, inChunk) {
		if err := tx.Where("identity_a IN ? OR identity_b IN ?", part, part).Delete(&store.MatchReview{}).Error; err != nil {
			return fmt.Errorf("clearing reviews: %w", err)
		}
	}
	seen := make(map[[2]int64]bool, len(rows))
	rows = slices.DeleteFunc(rows, func(rv store.MatchReview) bool {
		k := [2]int64{rv.IdentityA, rv.IdentityB}
		dup := seen[k]
		seen[k] = true
		return dup
	})
	for part := range slices.Chunk(rows, r.w.e.db.BatchFor(6)) {
		err := insertRows(tx.Clauses(clause.OnConflict{
			Columns:   []clause.Column{{Name: "identity_a"}, {Name: "identity_b"}},
			DoUpdates: clause.AssignmentColumns([]string{"score", "reason", "evidence", "created_at"}),
		}), part)
		if err != nil {
			return fmt.Errorf("storing reviews: %w", err)
		}
	}
	return nil
}
