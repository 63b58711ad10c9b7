package engine

import (
	"encoding/json"
	"fmt"
	"slices"

	"github.com/nayose/nayose/mapping"
	"github.com/nayose/nayose/store"
	"gorm.io/gorm/clause"
)

// lookupIdentities returns the stored identities of this connector with the
// given external ids.
func (w *pageWriter) lookupIdentities(externalIDs []string) (map[string]identityRef, error) {
	out := make(map[string]identityRef, len(externalIDs))
	for part := range slices.Chunk(externalIDs, inChunk) {
		var refs []identityRef
		err := w.tx.Model(&store.Identity{}).Select("id", "customer_id", "external_id").
			Where("source = ? AND external_id IN ?", w.src.name, part).Scan(&refs).Error
		if err != nil {
			return nil, fmt.Errorf("looking up identities: %w", err)
		}
		for _, r := range refs {
			out[r.ExternalID] = r
		}
	}
	return out, nil
}

// candidate is a stored identity that shares a match key with the page.
type candidate struct {
	ID         int64
	CustomerID int64
	Source     string
	ExternalID string
	EmailKey   string
	PhoneKey   string
}

// link decides the customer of every row: it groups the rows with the
// stored identities that share their match keys, gives each group its
// customer (the oldest when a group spans several, merging the others into
// it; a new one when it spans none), and returns the customers touched.
func (w *pageWriter) link(rows []store.Identity) (map[int64]bool, error) {
	touched := map[int64]bool{}
	stored, err := w.candidates(rows)
	if err != nil {
		return nil, err
	}
	cands := make([]mapping.Candidate, 0, len(rows)+len(stored))
	for _, r := range rows {
		cands = append(cands, mapping.Candidate{CustomerID: r.CustomerID, EmailKey: r.EmailKey, PhoneKey: r.PhoneKey})
	}
	for _, s := range stored {
		cands = append(cands, mapping.Candidate{CustomerID: s.CustomerID, EmailKey: s.EmailKey, PhoneKey: s.PhoneKey})
	}

	type plan struct {
		rows     []int // indexes into rows
		customer int64 // 0: needs a new customer
		retired  []int64
		evidence map[string][]string
	}
	var plans []*plan
	var fresh []*plan
	for _, group := range w.e.linker.Group(cands) {
		p := &plan{evidence: map[string][]string{}}
		var customers []int64
		for _, i := range group {
			if i < len(rows) {
				p.rows = append(p.rows, i)
			}
			if id := cands[i].CustomerID; id != 0 && !slices.Contains(customers, id) {
				customers = append(customers, id)
			}
		}
		if len(p.rows) == 0 {
			continue // only stored identities, already linked as they should be
		}
		slices.Sort(customers)
		if len(customers) == 0 {
			fresh = append(fresh, p)
		} else {
			p.customer, p.retired = customers[0], customers[1:]
		}
		if len(p.retired) > 0 {
			p.evidence = sharedKeys(cands, group)
		}
		plans = append(plans, p)
	}

	if len(fresh) > 0 {
		created := make([]store.Customer, len(fresh))
		for i := range created {
			created[i] = store.Customer{LifecycleStage: "prospect", FieldSources: "{}", FirstSeenAt: &w.now}
		}
		if err := w.tx.Create(&created).Error; err != nil {
			return nil, fmt.Errorf("creating customers: %w", err)
		}
		for i, p := range fresh {
			p.customer = created[i].ID
		}
	}
	for _, p := range plans {
		for _, i := range p.rows {
			rows[i].CustomerID = p.customer
		}
		touched[p.customer] = true
		if len(p.retired) > 0 {
			if err := w.merge(p.customer, p.retired, p.evidence); err != nil {
				return nil, err
			}
		}
	}
	return touched, nil
}

// candidates loads the stored identities, of any connector, that share an
// email or phone key with rows. Rows' own stored versions are left out:
// the page's version replaces them.
func (w *pageWriter) candidates(rows []store.Identity) ([]candidate, error) {
	var emails, phones []string
	self := make(map[string]bool, len(rows))
	for _, r := range rows {
		self[r.ExternalID] = true
		if r.EmailKey != "" {
			emails = append(emails, r.EmailKey)
		}
		if r.PhoneKey != "" {
			phones = append(phones, r.PhoneKey)
		}
	}
	var out []candidate
	seen := map[int64]bool{}
	for _, q := range []struct {
		column string
		keys   []string
	}{{"email_key", emails}, {"phone_key", phones}} {
		for part := range slices.Chunk(q.keys, inChunk) {
			var found []candidate
			err := w.tx.Model(&store.Identity{}).
				Select("id", "customer_id", "source", "external_id", "email_key", "phone_key").
				Where(q.column+" IN ?", part).Scan(&found).Error
			if err != nil {
				return nil, fmt.Errorf("finding identities with the same %s: %w", q.column, err)
			}
			for _, c := range found {
				if seen[c.ID] || (c.Source == w.src.name && self[c.ExternalID]) {
					continue
				}
				seen[c.ID] = true
				out = append(out, c)
			}
		}
	}
	return out, nil
}

// sharedKeys lists the match keys that join a group, as merge evidence.
func sharedKeys(cands []mapping.Candidate, group []int) map[string][]string {
	count := map[[2]string]int{}
	for _, i := range group {
		count[[2]string{"email", cands[i].EmailKey}]++
		count[[2]string{"phone", cands[i].PhoneKey}]++
	}
	out := map[string][]string{}
	for k, n := range count {
		if n > 1 && k[1] != "" {
			out[k[0]] = append(out[k[0]], k[1])
		}
	}
	for _, v := range out {
		slices.Sort(v)
	}
	return out
}

// merge folds the retired customers into survivor: their identities and
// activities move, their ids become aliases (and aliases that pointed at
// them now point at survivor), and a merge event says why.
func (w *pageWriter) merge(survivor int64, retired []int64, evidence map[string][]string) error {
	tx := w.tx
	steps := []struct {
		what string
		err  error
	}{
		{"moving identities", tx.Model(&store.Identity{}).Where("customer_id IN ?", retired).Update("customer_id", survivor).Error},
		{"moving activities", tx.Model(&store.Activity{}).Where("customer_id IN ?", retired).Update("customer_id", survivor).Error},
		{"repointing aliases", tx.Model(&store.Alias{}).Where("customer_id IN ?", retired).Update("customer_id", survivor).Error},
	}
	for _, s := range steps {
		if s.err != nil {
			return fmt.Errorf("merging customers %v into %d: %s: %w", retired, survivor, s.what, s.err)
		}
	}
	rule := "same_email"
	switch {
	case len(evidence["email"]) > 0 && len(evidence["phone"]) > 0:
		rule = "same_email_and_phone"
	case len(evidence["phone"]) > 0:
		rule = "same_phone"
	}
	ev, _ := json.Marshal(evidence)
	aliases := make([]store.Alias, len(retired))
	events := make([]store.MergeEvent, len(retired))
	for i, id := range retired {
		aliases[i] = store.Alias{RetiredID: id, CustomerID: survivor, MergedAt: w.now}
		other := id
		events[i] = store.MergeEvent{Action: "merge", CustomerID: survivor, OtherCustomerID: &other, Rule: rule, Evidence: string(ev), Actor: "auto", CreatedAt: w.now}
	}
	if err := tx.Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "retired_id"}},
		DoUpdates: clause.AssignmentColumns([]string{"customer_id", "merged_at"}),
	}).Create(&aliases).Error; err != nil {
		return fmt.Errorf("recording aliases of merged customers: %w", err)
	}
	if err := tx.Create(&events).Error; err != nil {
		return fmt.Errorf("recording merge events: %w", err)
	}
	if err := tx.Where("id IN ?", retired).Delete(&store.Customer{}).Error; err != nil {
		return fmt.Errorf("removing merged customers: %w", err)
	}
	return nil
}

var identityUpdateColumns = []string{
	"customer_id", "source_type", "full_name", "family_name", "given_name", "name_kana",
	"email", "emails", "phone", "phones", "birthday", "postal_code", "address", "company",
	"marketing_consent", "email_key", "phone_key", "name_key", "raw", "source_updated_at", "last_seen_at",
}

func (w *pageWriter) upsertIdentities(rows []store.Identity) error {
	if len(rows) == 0 {
		return nil
	}
	err := w.tx.Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "source"}, {Name: "external_id"}},
		DoUpdates: clause.AssignmentColumns(identityUpdateColumns),
	}).Omit("id").Create(&rows).Error
	if err != nil {
		return fmt.Errorf("storing identities: %w", err)
	}
	return nil
}

var activityUpdateColumns = []string{
	"customer_id", "identity_id", "source_type", "occurred_at", "amount", "currency", "summary", "raw", "updated_at",
}

func (w *pageWriter) upsertActivities(rows []store.Activity) error {
	if len(rows) == 0 {
		return nil
	}
	err := w.tx.Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "source"}, {Name: "kind"}, {Name: "external_id"}},
		DoUpdates: clause.AssignmentColumns(activityUpdateColumns),
	}).Omit("id").Create(&rows).Error
	if err != nil {
		return fmt.Errorf("storing activities: %w", err)
	}
	return nil
}
