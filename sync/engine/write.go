package engine

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"maps"
	"strings"
	"time"

	"github.com/go-sql-driver/mysql"
	"github.com/nayose/nayose/connectors"
	"github.com/nayose/nayose/store"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// sourceInfo says where a page came from.
type sourceInfo struct {
	name   string // connector name
	typ    string // connector type
	stream string
}

// resolutionLock is the sync_locks row every page transaction updates
// first. Linking must see every identity committed before it decides, so
// page writes are serialized across goroutines and across daemons sharing
// the database; fetching from vendors still runs in parallel.
const resolutionLock = "identity_resolution"

// inChunk bounds the values in one IN (...) list. MySQL and MariaDB
// estimate a list of fewer than 200 values (eq_range_index_dive_limit) by
// diving into the index, and a longer one from index statistics, which lag
// behind bulk changes (every identity's customer_id is set after it is
// first written) and then make the optimizer scan the whole table.
const inChunk = 100

// rangeChunk bounds an IN list on the primary key or on the key hashes
// that lead match_keys' primary key: the optimizer ranges over those
// however stale its statistics, so such lists may pass the index-dive
// limit that bounds inChunk. (Not so a unique key behind a constant
// prefix: past the limit, MariaDB reads every identity of the source.)
const rangeChunk = 500

// commitPage writes a batch of pages and the cursor after them in one
// transaction.
func (e *Engine) commitPage(ctx context.Context, src sourceInfo, run *store.SyncRun, b batch) (pageCounts, error) {
	var counts pageCounts
	err := e.withLock(ctx, src, func(w *pageWriter) error {
		var err error
		counts, err = w.commit(run, b)
		return err
	})
	return counts, err
}

// pageCounts says what became of a page's records.
type pageCounts struct {
	written  int
	rejected int
}

// withLock runs fn in one transaction that holds the identity-resolution
// lock, and runs the transaction again when the database reports a
// deadlock or a busy lock.
func (e *Engine) withLock(ctx context.Context, src sourceInfo, fn func(w *pageWriter) error) error {
	e.writeMu.Lock()
	defer e.writeMu.Unlock()
	var opts []*sql.TxOptions
	if e.db.Dialect == store.MySQL {
		// Read committed avoids gap-lock deadlocks between upserts.
		opts = append(opts, &sql.TxOptions{Isolation: sql.LevelReadCommitted})
	}
	for attempt := 1; ; attempt++ {
		var token string
		err := e.db.Gorm.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
			now := e.now()
			var err error
			if token, err = e.memo.stampLock(tx, e.holder, now); err != nil {
				return err
			}
			return fn(&pageWriter{tx: tx, e: e, src: src, now: now})
		}, opts...)
		if err == nil {
			e.memo.stamp = token
			return nil
		}
		e.memo.reset() // what the transaction noted rolled back with it
		if attempt == 4 || !retryable(err) {
			return err
		}
		e.log.Warn("retrying a transaction after a lock conflict", "connector", src.name, "stream", src.stream, "attempt", attempt, "err", err)
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(time.Duration(attempt*attempt) * 100 * time.Millisecond):
		}
	}
}

// commit writes the page, its rejects and its cursor, and counts them in
// the run.
func (w *pageWriter) commit(run *store.SyncRun, b batch) (pageCounts, error) {
	tx, src, now, page := w.tx, w.src, w.now, b.page
	n, err := w.write(page, b.rows)
	if err != nil {
		return pageCounts{}, err
	}
	if err := w.saveRejects(run.ID, w.rejects); err != nil {
		return pageCounts{}, err
	}
	updates := map[string]any{
		"pages":            gorm.Expr("pages + ?", b.pages),
		"records_read":     gorm.Expr("records_read + ?", page.Len()),
		"records_written":  gorm.Expr("records_written + ?", n),
		"records_rejected": gorm.Expr("records_rejected + ?", len(w.rejects)),
	}
	if page.Cursor != "" {
		st := store.SyncState{Connector: src.name, Stream: src.stream, Cursor: page.Cursor, RunID: run.ID, UpdatedAt: now}
		err := tx.Clauses(clause.OnConflict{
			Columns:   []clause.Column{{Name: "connector"}, {Name: "stream"}},
			DoUpdates: clause.AssignmentColumns([]string{"cursor", "run_id", "updated_at"}),
		}).Create(&st).Error
		if err != nil {
			return pageCounts{}, fmt.Errorf("saving the cursor: %w", err)
		}
		updates["cursor_after"] = page.Cursor
	}
	if err := tx.Model(&store.SyncRun{}).Where("id = ?", run.ID).Updates(updates).Error; err != nil {
		return pageCounts{}, fmt.Errorf("counting the page in its run: %w", err)
	}
	return pageCounts{written: n, rejected: len(w.rejects)}, nil
}

// lockResolution takes the identity-resolution lock in tx, stamping it
// with the holder's token.
func lockResolution(tx *gorm.DB, now time.Time, holder string) error {
	res := tx.Exec("UPDATE sync_locks SET acquired_at = ?, holder = ? WHERE name = ?", now, holder, resolutionLock)
	if res.Error != nil {
		return fmt.Errorf("taking the identity-resolution lock: %w", res.Error)
	}
	if res.RowsAffected == 0 {
		// First page ever: create the row, then lock it.
		err := tx.Clauses(clause.OnConflict{DoNothing: true}).Create(&store.Lock{Name: resolutionLock, AcquiredAt: now, ExpiresAt: now}).Error
		if err != nil {
			return fmt.Errorf("creating the identity-resolution lock: %w", err)
		}
		if err := tx.Exec("UPDATE sync_locks SET acquired_at = ?, holder = ? WHERE name = ?", now, holder, resolutionLock).Error; err != nil {
			return fmt.Errorf("taking the identity-resolution lock: %w", err)
		}
	}
	return nil
}

// retryable reports whether a failed transaction may succeed if run again.
func retryable(err error) bool {
	var me *mysql.MySQLError
	if errors.As(err, &me) {
		return me.Number == 1213 || me.Number == 1205 // deadlock, lock wait timeout
	}
	s := err.Error()
	return strings.Contains(s, "database is locked") || strings.Contains(s, "SQLITE_BUSY")
}

// pageWriter writes one page inside its transaction.
type pageWriter struct {
	tx      *gorm.DB
	e       *Engine
	src     sourceInfo
	now     time.Time
	rejects []connectors.Reject
	// rematch, set by Rematch, lists every identity to re-resolve.
	rematch []store.Identity
}

// pageIdentity is an identity of the page, or a bare one standing in for
// an identity that activities name but the page does not carry.
type pageIdentity struct {
	connectors.Identity
	placeholder bool
	// row is its stored form, prepared while the page was fetched (nil for
	// a placeholder).
	row *store.Identity
}

// identityRef is what the page needs to know of a stored identity.
type identityRef struct {
	ID         int64
	CustomerID int64
	ExternalID string
}

func (w *pageWriter) write(page connectors.Page, prepared []store.Identity) (int, error) {
	w.rejects = append(w.rejects, page.Rejects...)
	idents := w.checkIdentities(page.Identities, prepared)
	acts := w.checkActivities(page.Activities)

	// Every identity the page names: its own, and those its activities
	// belong to. An activity may arrive before its identity (a sale for a
	// customer not yet exported): a bare identity holds its place and is
	// filled in when the identity arrives.
	names := make([]string, 0, len(idents))
	inPage := make(map[string]bool, len(idents))
	for _, id := range idents {
		names = append(names, id.ExternalID)
		inPage[id.ExternalID] = true
	}
	carried := len(names)
	for _, a := range acts {
		if a.IdentityExternalID != "" && !inPage[a.IdentityExternalID] {
			inPage[a.IdentityExternalID] = true
			names = append(names, a.IdentityExternalID)
			idents = append(idents, pageIdentity{Identity: connectors.Identity{ExternalID: a.IdentityExternalID}, placeholder: true})
		}
	}
	// The page's own identities are read whole, to tell what changed; those
	// only its activities name need just their ids and customers.
	existing, before, err := w.storedIdentities(names[:carried])
	if err != nil {
		return 0, err
	}
	named, err := w.lookupIdentities(names[carried:])
	if err != nil {
		return 0, err
	}
	maps.Copy(existing, named)
	rows := make([]store.Identity, 0, len(idents))
	for _, id := range idents {
		if id.placeholder && existing[id.ExternalID].ID != 0 {
			continue // already stored: nothing to fill in
		}
		row := w.identityRow(id)
		row.CustomerID = existing[id.ExternalID].CustomerID
		rows = append(rows, row)
	}
	if err := w.upsertIdentities(rows); err != nil {
		return 0, err
	}
	// Stored identities keep their ids and customers through the upsert:
	// only the new ones are read back for their ids.
	var added []string
	for _, name := range names {
		if _, ok := existing[name]; !ok {
			added = append(added, name)
		}
	}
	refs, err := w.lookupIdentities(added)
	if err != nil {
		return 0, err
	}
	maps.Copy(refs, existing)
	// Only identities that are new or whose matched fields changed need
	// resolving: a re-run of the same data changes nothing.
	var changed []store.Identity
	for _, row := range rows {
		prev, ok := before[row.ExternalID]
		if ok && sameRecord(prev, resolveRecord(&row)) {
			continue
		}
		row.ID = refs[row.ExternalID].ID
		changed = append(changed, row)
	}
	res := newResolver(w)
	res.fresh = make(map[int64]bool, len(added))
	for _, name := range added {
		res.fresh[refs[name].ID] = true
	}
	if err := res.run(changed, nil); err != nil {
		return 0, err
	}
	touched := res.touched
	for ext, ref := range refs {
		if c, ok := res.customer[ref.ID]; ok {
			ref.CustomerID = c
			refs[ext] = ref
		}
		w.e.memo.noteRef(w.src.name, ref)
	}
	actRows := make([]store.Activity, 0, len(acts))
	for _, a := range acts {
		row := w.activityRow(a)
		if a.IdentityExternalID != "" {
			ref := refs[a.IdentityExternalID]
			row.IdentityID, row.CustomerID = &ref.ID, &ref.CustomerID
			touched[ref.CustomerID] = true
		}
		actRows = append(actRows, row)
	}
	if err := w.upsertActivities(actRows); err != nil {
		return 0, err
	}
	if err := w.markStale(touched); err != nil {
		return 0, err
	}
	return len(rows) + len(actRows), nil
}
