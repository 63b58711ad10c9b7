package engine

import (
	"context"
	"database/sql/driver"
	"encoding/json"
	"fmt"
	"iter"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/nayose/nayose/connectors"
	"github.com/nayose/nayose/mapping"
	"github.com/nayose/nayose/store"
	"github.com/nayose/nayose/sync/metrics"
	"gorm.io/gorm/clause"
)

func (w *pageWriter) saveRejects(runID int64, rejects []connectors.Reject) error {
	if len(rejects) == 0 {
		return nil
	}
	rows := make([]store.RejectedRecord, len(rejects))
	for i, r := range rejects {
		rows[i] = store.RejectedRecord{
			RunID:      runID,
			Connector:  w.src.name,
			Stream:     w.src.stream,
			ExternalID: clip(r.ExternalID, 191),
			Location:   clip(r.Location, 512),
			Field:      clip(r.Field, 191),
			Reason:     r.Reason,
			Raw:        rawJSON(r.Raw),
			CreatedAt:  w.now,
		}
	}
	if err := w.tx.Create(&rows).Error; err != nil {
		return fmt.Errorf("storing rejected records: %w", err)
	}
	return nil
}

// activityTotals is one customer's activities of one kind and currency.
type activityTotals struct {
	CustomerID int64
	Kind       string
	Currency   string
	N          int
	Total      int64
	FirstAt    dbTime
	LastAt     dbTime
	// Recent counts those since the contact window's start.
	Recent int
}

// staleFlushInterval bounds how far customer rows fall behind during a long
// run: pages mark the customers they touch as stale, and the rows are
// rebuilt at the end of every stream run and at least this often during
// one.
const staleFlushInterval = 5 * time.Minute

// markStale queues the touched customers for a rebuild, in the page's
// transaction: a crash loses no mark. Those the memo knows are marked
// already are skipped.
func (w *pageWriter) markStale(touched map[int64]bool) error {
	rows := make([]store.StaleCustomer, 0, len(touched))
	for _, id := range slices.Sorted(maps.Keys(touched)) {
		if id != 0 && !w.e.memo.marked(id) {
			rows = append(rows, store.StaleCustomer{CustomerID: id, MarkedAt: w.now})
			w.e.memo.noteMarked(id)
		}
	}
	for part := range slices.Chunk(rows, w.e.db.BatchFor(2)) {
		if err := insertRows(w.tx.Clauses(clause.OnConflict{DoNothing: true}), part); err != nil {
			return fmt.Errorf("marking customers for a rebuild: %w", err)
		}
	}
	return nil
}

// staleBatch is how many stale customers one transaction rebuilds.
const staleBatch = 2000

// flushStale rebuilds every customer marked stale, a batch per
// transaction, and clears their marks.
func (e *Engine) flushStale(ctx context.Context) error {
	for {
		var n int
		err := e.withLock(ctx, sourceInfo{name: "rebuild"}, func(w *pageWriter) error {
			var ids []int64
			err := w.tx.Model(&store.StaleCustomer{}).Order("customer_id").Limit(staleBatch).Pluck("customer_id", &ids).Error
			if err != nil {
				return fmt.Errorf("reading customers to rebuild: %w", err)
			}
			n = len(ids)
			if n == 0 {
				return nil
			}
			touched := make(map[int64]bool, n)
			for _, id := range ids {
				touched[id] = true
			}
			if err := w.recompute(touched); err != nil {
				return err
			}
			for part := range slices.Chunk(ids, rangeChunk) { // its primary key
				if err := w.tx.Where("customer_id IN ?", part).Delete(&store.StaleCustomer{}).Error; err != nil {
					return fmt.Errorf("clearing rebuilt customers: %w", err)
				}
			}
			w.e.memo.unmarked(ids)
			return nil
		})
		if err != nil {
			return fmt.Errorf("rebuilding customers: %w", err)
		}
		if n < staleBatch {
			return nil
		}
	}
}

// recompute rebuilds the touched customers' rows from their identities
// (each field from the best identity that has it) and their activities.
func (w *pageWriter) recompute(touched map[int64]bool) error {
	ids := make([]int64, 0, len(touched))
	for id := range touched {
		if id != 0 {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	fig, err := w.newFigurer()
	if err != nil {
		return err
	}
	rows := make([]store.Customer, 0, len(ids))
	for part := range idGroups(ids) {
		cond, args := part.where("customer_id")
		var idents []store.Identity
		err := w.tx.Where(cond, args...).Omit("raw").Find(&idents).Error
		if err != nil {
			return fmt.Errorf("reading identities of customers: %w", err)
		}
		var totals []activityTotals
		err = w.tx.Model(&store.Activity{}).
			Select("customer_id, kind, currency, COUNT(*) AS n, COALESCE(SUM(amount), 0) AS total, MIN(occurred_at) AS first_at, MAX(occurred_at) AS last_at, "+
				"SUM(CASE WHEN occurred_at >= ? THEN 1 ELSE 0 END) AS recent", w.now.Add(-metrics.ContactWindow)).
			Where(cond, args...).Group("customer_id, kind, currency").Scan(&totals).Error
		if err != nil {
			return fmt.Errorf("totalling activities of customers: %w", err)
		}
		// Only customers that still exist are rewritten: the upsert below
		// must not bring back one merged away. created_at is never updated,
		// so it need not be read.
		var living []int64
		cond, args = part.where("id")
		if err := w.tx.Model(&store.Customer{}).Where(cond, args...).Pluck("id", &living).Error; err != nil {
			return fmt.Errorf("reading customers: %w", err)
		}
		byCustomer := make(map[int64]*store.Customer, len(living))
		for _, id := range living {
			byCustomer[id] = &store.Customer{ID: id}
		}
		identsOf := map[int64][]store.Identity{}
		for _, id := range idents {
			identsOf[id.CustomerID] = append(identsOf[id.CustomerID], id)
		}
		totalsOf := map[int64][]activityTotals{}
		for _, t := range totals {
			totalsOf[t.CustomerID] = append(totalsOf[t.CustomerID], t)
		}
		timesOf, err := fig.purchaseTimes(part, totalsOf)
		if err != nil {
			return err
		}
		for _, id := range part.ids {
			c, ok := byCustomer[id]
			if !ok {
				continue // merged away in this page
			}
			survive(c, identsOf[id], w.e.priority)
			fig.apply(c, totalsOf[id], timesOf[id])
			c.UpdatedAt = w.now
			rows = append(rows, *c)
		}
	}
	for part := range slices.Chunk(rows, w.e.db.BatchFor(len(customerUpdateColumns)+1)) {
		err := insertRows(w.tx.Clauses(clause.OnConflict{
			Columns:   []clause.Column{{Name: "id"}},
			DoUpdates: clause.AssignmentColumns(customerUpdateColumns),
		}), part)
		if err != nil {
			return fmt.Errorf("updating customers: %w", err)
		}
	}
	return nil
}

// idGroup is a run of sorted customer ids read together: by a BETWEEN
// when they are dense (most of the range is wanted; the rest is read and
// ignored), which reads the index as one range whatever its statistics,
// or else by an IN list short enough for the optimizer's index dives.
type idGroup struct {
	ids   []int64
	dense bool
}

// where returns the condition selecting the group's ids in column.
func (g idGroup) where(column string) (string, []any) {
	if g.dense {
		return column + " BETWEEN ? AND ?", []any{g.ids[0], g.ids[len(g.ids)-1]}
	}
	return column + " IN ?", []any{g.ids}
}

// idGroups splits sorted ids into groups: up to rangeChunk dense ids, or
// inChunk sparse ones.
func idGroups(ids []int64) iter.Seq[idGroup] {
	return func(yield func(idGroup) bool) {
		for len(ids) > 0 {
			n := min(rangeChunk, len(ids))
			if span := ids[n-1] - ids[0] + 1; span <= int64(2*n) {
				if !yield(idGroup{ids: ids[:n], dense: true}) {
					return
				}
			} else if n = min(inChunk, len(ids)); !yield(idGroup{ids: ids[:n]}) {
				return
			}
			ids = ids[n:]
		}
	}
}

var customerUpdateColumns = []string{
	"display_name", "name_kana", "email", "phone", "birthday", "birthday_md", "postal_code", "address", "company",
	"lifecycle_stage", "first_seen_at", "last_activity_at", "first_purchase_at", "last_purchase_at", "purchase_count",
	"gross_sales", "refund_total", "discount_total", "net_sales", "currency", "contacts_90d", "ltv",
	"rfm_recency", "rfm_frequency", "rfm_monetary", "rfm_segment", "dormant_since",
	"identity_count", "field_sources", "updated_at",
}

// survive chooses each customer field from the identities: the identity
// from the most trusted source (priority, lower first; unlisted sources
// last) that has a value wins, then the most recently updated, and
// field_sources says which source gave it.
func survive(c *store.Customer, idents []store.Identity, priority map[string]int) {
	rank := func(source string) int {
		if p, ok := priority[source]; ok {
			return p
		}
		return len(priority)
	}
	slices.SortFunc(idents, func(a, b store.Identity) int {
		if c := rank(a.Source) - rank(b.Source); c != 0 {
			return c
		}
		if c := compareTimes(b.SourceUpdatedAt, a.SourceUpdatedAt); c != 0 {
			return c
		}
		if c := b.LastSeenAt.Compare(a.LastSeenAt); c != 0 {
			return c
		}
		return int(b.ID - a.ID)
	})
	sources := map[string]string{}
	pick := func(field string, get func(store.Identity) string) string {
		for _, id := range idents {
			if v := get(id); v != "" {
				sources[field] = id.Source
				return v
			}
		}
		return ""
	}
	c.DisplayName = clip(pick("display_name", func(i store.Identity) string {
		return mapping.DisplayName(i.FullName, i.FamilyName, i.GivenName)
	}), 255)
	c.NameKana = pick("name_kana", func(i store.Identity) string { return i.NameKana })
	c.Email = pick("email", func(i store.Identity) string { return i.EmailKey })
	c.Phone = pick("phone", func(i store.Identity) string { return i.PhoneKey })
	c.PostalCode = pick("postal_code", func(i store.Identity) string { return i.PostalCode })
	c.Address = pick("address", func(i store.Identity) string { return i.Address })
	c.Company = pick("company", func(i store.Identity) string { return i.Company })
	bday := pick("birthday", func(i store.Identity) string { return i.Birthday })
	c.Birthday, c.BirthdayMD = nil, ""
	if len(bday) == 10 {
		c.BirthdayMD = bday[5:]
		if t, err := time.Parse(time.DateOnly, bday); err == nil {
			c.Birthday = &t
		}
	} else if strings.HasPrefix(bday, "--") {
		c.BirthdayMD = bday[2:]
	}
	c.IdentityCount = len(idents)
	c.FirstSeenAt = nil
	for _, id := range idents {
		if t := id.FirstSeenAt; c.FirstSeenAt == nil || t.Before(*c.FirstSeenAt) {
			c.FirstSeenAt = &t
		}
	}
	fs, _ := json.Marshal(sources)
	c.FieldSources = string(fs)
}

func compareTimes(a, b *time.Time) int {
	switch {
	case a == nil && b == nil:
		return 0
	case a == nil:
		return -1
	case b == nil:
		return 1
	default:
		return a.Compare(*b)
	}
}

// dbTime scans a time that a driver may return as time.Time or, for an
// aggregate over a DATETIME column in SQLite, as text.
type dbTime struct {
	time.Time
	Valid bool
}

// Scan implements sql.Scanner.
func (t *dbTime) Scan(v any) error {
	switch x := v.(type) {
	case nil:
		t.Valid = false
		return nil
	case time.Time:
		t.Time, t.Valid = x.UTC(), true
		return nil
	case []byte:
		return t.parse(string(x))
	case string:
		return t.parse(x)
	}
	return fmt.Errorf("cannot read %T as a time", v)
}

var dbTimeLayouts = []string{
	"2006-01-02 15:04:05.999999999-07:00",
	"2006-01-02T15:04:05.999999999-07:00",
	"2006-01-02 15:04:05.999999999",
	"2006-01-02T15:04:05.999999999Z07:00",
	"2006-01-02",
}

func (t *dbTime) parse(s string) error {
	for _, layout := range dbTimeLayouts {
		if p, err := time.Parse(layout, s); err == nil {
			t.Time, t.Valid = p.UTC(), true
			return nil
		}
	}
	return fmt.Errorf("cannot read %q as a time", s)
}

// Value implements driver.Valuer.
func (t dbTime) Value() (driver.Value, error) {
	if !t.Valid {
		return nil, nil
	}
	return t.Time, nil
}

func (t dbTime) ptr() *time.Time {
	if !t.Valid {
		return nil
	}
	v := t.Time
	return &v
}
