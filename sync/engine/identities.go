package engine

import (
	"fmt"
	"slices"

	"github.com/nayose/nayose/mapping/resolve"
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

// storedRecords returns the matched fields of stored identities, by
// external id, as they were before the page.
func (w *pageWriter) storedRecords(existing map[string]identityRef) (map[string]resolve.Record, error) {
	ids := make([]int64, 0, len(existing))
	for _, ref := range existing {
		ids = append(ids, ref.ID)
	}
	slices.Sort(ids)
	out := make(map[string]resolve.Record, len(ids))
	for part := range slices.Chunk(ids, inChunk) {
		var rows []store.Identity
		if err := w.tx.Select(matchColumns).Where("id IN ?", part).Find(&rows).Error; err != nil {
			return nil, fmt.Errorf("reading stored identities: %w", err)
		}
		for i := range rows {
			out[rows[i].ExternalID] = resolveRecord(&rows[i])
		}
	}
	return out, nil
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
