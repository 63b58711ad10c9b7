package engine

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strconv"

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
}

func newResolver(w *pageWriter) *resolver {
	return &resolver{w: w, opts: w.e.resolveOpts, touched: map[int64]bool{}, customer: map[int64]int64{}}
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
	region, err := r.region(seeds)
	if err != nil {
		return err
	}
	return r.resolveRegion(region, seeds)
}

// replaceKeys stores the identities' new keys and returns the keys whose
// holder count crossed its limit (either way).
func (r *resolver) replaceKeys(newKeys map[int64][]resolve.Key) ([]resolve.Key, error) {
	ids := slices.Sorted(maps.Keys(newKeys))
	old := make(map[int64][]resolve.Key, len(ids))
	for part := range slices.Chunk(ids, inChunk) {
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
	for part := range slices.Chunk(rewrite, inChunk) {
		if err := r.w.tx.Where("identity_id IN ?", part).Delete(&store.MatchKey{}).Error; err != nil {
			return nil, fmt.Errorf("replacing match keys: %w", err)
		}
	}
	for part := range slices.Chunk(insert, r.w.e.db.BatchRows) {
		if err := r.w.tx.Create(&part).Error; err != nil {
			return nil, fmt.Errorf("storing match keys: %w", err)
		}
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
	out := make(map[resolve.Key]int, len(keys))
	for part := range slices.Chunk(keys, inChunk) {
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
	for part := range slices.Chunk(keys, inChunk) {
		var ids []int64
		if err := r.w.tx.Model(&store.MatchKey{}).Distinct("identity_id").
			Where("key_hash IN ?", keyHashes(part)).Pluck("identity_id", &ids).Error; err != nil {
			return nil, fmt.Errorf("finding holders of match keys: %w", err)
		}
		out = append(out, ids...)
	}
	return out, nil
}

// region returns the identities to re-resolve: the seeds, every identity
// sharing a usable key with a seed, their whole components, and every
// identity of the customers among them.
func (r *resolver) region(seeds map[int64]bool) (map[int64]bool, error) {
	ids := slices.Sorted(maps.Keys(seeds))
	var seedKeys []resolve.Key
	for part := range slices.Chunk(ids, inChunk) {
		var keys []int64
		if err := r.w.tx.Model(&store.MatchKey{}).Where("identity_id IN ?", part).Pluck("key_hash", &keys).Error; err != nil {
			return nil, fmt.Errorf("reading match keys: %w", err)
		}
		for _, k := range keys {
			seedKeys = append(seedKeys, resolve.Key(k))
		}
	}
	slices.Sort(seedKeys)
	seedKeys = slices.Compact(seedKeys)
	counts, err := r.counts(seedKeys)
	if err != nil {
		return nil, err
	}
	var usable []resolve.Key
	for _, k := range seedKeys {
		if counts[k] <= r.opts.Limit(k.Kind()) {
			usable = append(usable, k)
		}
	}
	region := maps.Clone(seeds)
	sharing, err := r.holders(usable)
	if err != nil {
		return nil, err
	}
	for _, id := range sharing {
		region[id] = true
	}
	// Close over components and customers until nothing is added.
	for pending := slices.Sorted(maps.Keys(region)); len(pending) > 0; {
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
				return nil, fmt.Errorf("finding the components to re-resolve: %w", err)
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
	return region, nil
}

// resolveRegion resolves the region from scratch and writes the outcome:
// components, customers of identities and activities, merges and splits
// with their evidence, and pairs for review.
func (r *resolver) resolveRegion(region, seeds map[int64]bool) error {
	tx := r.w.tx
	ids := slices.Sorted(maps.Keys(region))
	idents := make([]store.Identity, 0, len(ids))
	for part := range slices.Chunk(ids, inChunk) {
		var rows []store.Identity
		if err := tx.Select(matchColumns).Where("id IN ?", part).Find(&rows).Error; err != nil {
			return fmt.Errorf("reading identities to resolve: %w", err)
		}
		idents = append(idents, rows...)
	}
	slices.SortFunc(idents, func(a, b store.Identity) int { return int(a.ID - b.ID) })
	recs := make([]resolve.Record, len(idents))
	byID := make(map[int64]int, len(idents))
	for i := range idents {
		recs[i] = resolveRecord(&idents[i])
		byID[idents[i].ID] = i
	}

	// Key counts over the whole store, so junk and block limits are judged
	// on everything, not on the region.
	var keys []resolve.Key
	for part := range slices.Chunk(ids, inChunk) {
		var ks []int64
		if err := tx.Model(&store.MatchKey{}).Where("identity_id IN ?", part).Pluck("key_hash", &ks).Error; err != nil {
			return fmt.Errorf("reading match keys: %w", err)
		}
		for _, k := range ks {
			keys = append(keys, resolve.Key(k))
		}
	}
	slices.Sort(keys)
	counts, err := r.counts(slices.Compact(keys))
	if err != nil {
		return err
	}

	var overrides []store.MatchOverride
	for part := range slices.Chunk(ids, inChunk) {
		var rows []store.MatchOverride
		if err := tx.Where("identity_a IN ? OR identity_b IN ?", part, part).Find(&rows).Error; err != nil {
			return fmt.Errorf("reading match decisions: %w", err)
		}
		overrides = append(overrides, rows...)
	}
	var cons []resolve.Constraint
	for _, o := range overrides {
		a, aok := byID[o.IdentityA]
		b, bok := byID[o.IdentityB]
		if aok && bok {
			cons = append(cons, resolve.Constraint{A: recs[a].Key, B: recs[b].Key, Never: o.Decision == store.DecisionNever})
		}
	}

	res, err := resolve.Resolve(resolve.Input{Records: recs, Constraints: cons, Counts: counts}, r.opts)
	if err != nil {
		return fmt.Errorf("resolving identities: %w", err)
	}
	if err := r.saveComponents(idents, res); err != nil {
		return err
	}
	if err := r.assignCustomers(idents, res); err != nil {
		return err
	}
	return r.saveReviews(idents, res, region, seeds)
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
	for part := range slices.Chunk(rows, r.w.e.db.BatchRows) {
		err := r.w.tx.Clauses(clause.OnConflict{
			Columns:   []clause.Column{{Name: "identity_id"}},
			DoUpdates: clause.AssignmentColumns([]string{"component_id"}),
		}).Create(&part).Error
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
		for part := range slices.Chunk(created, w.e.db.BatchRows) {
			if err := w.tx.Create(&part).Error; err != nil {
				return fmt.Errorf("creating customers: %w", err)
			}
		}
		for i, k := range fresh {
			customerOf[k] = created[i].ID
		}
	}

	links := linksByRecord(res)
	var events []store.MergeEvent
	moves := map[int64][]int64{} // customer -> identities moving to it
	for _, k := range reps {
		target := customerOf[k]
		touched[target] = true
		for _, i := range clusters[k] {
			id := &idents[i]
			r.customer[id.ID] = target
			if id.CustomerID == target {
				continue
			}
			moves[target] = append(moves[target], id.ID)
			switch {
			case id.CustomerID == 0 && len(clusters[k]) > 1:
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
	for _, target := range slices.Sorted(maps.Keys(moves)) {
		for part := range slices.Chunk(moves[target], inChunk) {
			if err := w.tx.Model(&store.Identity{}).Where("id IN ?", part).Update("customer_id", target).Error; err != nil {
				return fmt.Errorf("moving identities to customer %d: %w", target, err)
			}
			if err := w.tx.Model(&store.Activity{}).Where("identity_id IN ?", part).Update("customer_id", target).Error; err != nil {
				return fmt.Errorf("moving activities to customer %d: %w", target, err)
			}
		}
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
			if err := w.tx.Create(&part).Error; err != nil {
				return fmt.Errorf("recording merge events: %w", err)
			}
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

// saveReviews replaces the review pairs that the region decides.
func (r *resolver) saveReviews(idents []store.Identity, res *resolve.Result, region, seeds map[int64]bool) error {
	tx := r.w.tx
	ids := slices.Sorted(maps.Keys(region))
	seedIDs := slices.Sorted(maps.Keys(seeds))
	for part := range slices.Chunk(ids, inChunk) {
		if err := tx.Where("identity_a IN ? AND identity_b IN ?", part, ids).Delete(&store.MatchReview{}).Error; err != nil {
			return fmt.Errorf("clearing reviews: %w", err)
		}
	}
	for part := range slices.Chunk(seedIDs, inChunk) {
		if err := tx.Where("identity_a IN ? OR identity_b IN ?", part, part).Delete(&store.MatchReview{}).Error; err != nil {
			return fmt.Errorf("clearing reviews: %w", err)
		}
	}
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
	for part := range slices.Chunk(rows, r.w.e.db.BatchRows) {
		err := tx.Clauses(clause.OnConflict{
			Columns:   []clause.Column{{Name: "identity_a"}, {Name: "identity_b"}},
			DoUpdates: clause.AssignmentColumns([]string{"score", "reason", "evidence", "created_at"}),
		}).Create(&part).Error
		if err != nil {
			return fmt.Errorf("storing reviews: %w", err)
		}
	}
	return nil
}
