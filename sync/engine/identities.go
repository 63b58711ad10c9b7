package engine

import (
	"fmt"
	"slices"

	"github.com/nayose/nayose/mapping/resolve"
	"github.com/nayose/nayose/store"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// lookupIdentities returns the stored identities of this connector with the
// given external ids, from the memo where it knows them.
func (w *pageWriter) lookupIdentities(externalIDs []string) (map[string]identityRef, error) {
	out := make(map[string]identityRef, len(externalIDs))
	var missing []string
	for _, ext := range externalIDs {
		if r, ok := w.e.memo.ref(w.src.name, ext); ok {
			out[ext] = r
		} else {
			missing = append(missing, ext)
		}
	}
	for part := range slices.Chunk(missing, inChunk) {
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

// storedIdentities returns the stored identities of this connector with
// the given external ids, as references and as the matched fields they
// had before the page, in one read.
func (w *pageWriter) storedIdentities(externalIDs []string) (map[string]identityRef, map[string]resolve.Record, error) {
	refs := make(map[string]identityRef, len(externalIDs))
	recs := make(map[string]resolve.Record, len(externalIDs))
	for part := range slices.Chunk(externalIDs, inChunk) {
		var rows []store.Identity
		err := w.tx.Select(matchColumns).Where("source = ? AND external_id IN ?", w.src.name, part).Find(&rows).Error
		if err != nil {
			return nil, nil, fmt.Errorf("looking up identities: %w", err)
		}
		for i := range rows {
			refs[rows[i].ExternalID] = identityRef{ID: rows[i].ID, CustomerID: rows[i].CustomerID, ExternalID: rows[i].ExternalID}
			recs[rows[i].ExternalID] = resolveRecord(&rows[i])
		}
	}
	return refs, recs, nil
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

// insertRows writes rows in one multi-row INSERT: Create would split them
// again into the configured CreateBatchSize, which suits wide rows, not a
// chunk of narrow ones sized by BatchFor.
func insertRows[T any](tx *gorm.DB, rows []T) error {
	return tx.CreateInBatches(&rows, len(rows)).Error
}
