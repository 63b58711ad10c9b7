package engine

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/nayose/nayose/store"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// A person's decisions about who is who. Each is kept in match_overrides,
// so every later run respects it, and applied at once by re-resolving the
// identities it concerns, in one transaction with the same lock page
// writes take.

// ErrNoCustomer is returned when a decision names a customer or identity
// that does not exist.
var ErrNoCustomer = errors.New("no such customer")

// Decision is what a person decided, and who and why, for the record.
type Decision struct {
	Actor string // who decided; default "cli"
	Note  string // why, in their words
}

// Merge makes customers a and b one person: the older id survives and the
// other becomes its alias. It returns the surviving id.
func (e *Engine) Merge(ctx context.Context, a, b int64, d Decision) (int64, error) {
	var survivor int64
	err := e.decide(ctx, "manual_merge", func(w *pageWriter) ([]int64, error) {
		ca, cb, ia, ib, err := w.twoCustomers(a, b)
		if err != nil {
			return nil, err
		}
		if ca == cb {
			return nil, fmt.Errorf("customers %d and %d are already one customer (%d)", a, b, ca)
		}
		if err := w.clearOverrides(ia, ib, store.DecisionNever); err != nil {
			return nil, err
		}
		if err := w.saveOverrides([][2]int64{{ia[0], ib[0]}}, store.DecisionMerge, d); err != nil {
			return nil, err
		}
		survivor = min(ca, cb)
		return slices.Concat(ia, ib), nil
	})
	return survivor, err
}

// NeverMatch records that customers a and b are two people: no later run
// merges them, whatever new records say.
func (e *Engine) NeverMatch(ctx context.Context, a, b int64, d Decision) error {
	return e.decide(ctx, "never_match", func(w *pageWriter) ([]int64, error) {
		ca, cb, ia, ib, err := w.twoCustomers(a, b)
		if err != nil {
			return nil, err
		}
		if ca == cb {
			return nil, fmt.Errorf("customers %d and %d are one customer (%d); split an identity off instead (nayose split IDENTITY)", a, b, ca)
		}
		if err := w.clearOverrides(ia, ib, store.DecisionMerge); err != nil {
			return nil, err
		}
		var pairs [][2]int64
		for _, x := range ia {
			for _, y := range ib {
				pairs = append(pairs, [2]int64{x, y})
			}
		}
		return slices.Concat(ia, ib), w.saveOverrides(pairs, store.DecisionNever, d)
	})
}

// Split takes an identity out of its customer into a customer of its own,
// and keeps it apart from the identities it leaves. It returns the new
// customer's id.
func (e *Engine) Split(ctx context.Context, identityID int64, d Decision) (int64, error) {
	var moved int64
	err := e.decide(ctx, "manual_split", func(w *pageWriter) ([]int64, error) {
		var ident store.Identity
		err := w.tx.Select("id", "customer_id").Where("id = ?", identityID).Take(&ident).Error
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return nil, fmt.Errorf("identity %d: %w", identityID, ErrNoCustomer)
		}
		if err != nil {
			return nil, fmt.Errorf("reading identity %d: %w", identityID, err)
		}
		others, err := w.identitiesOf(ident.CustomerID)
		if err != nil {
			return nil, err
		}
		others = slices.DeleteFunc(others, func(id int64) bool { return id == identityID })
		if len(others) == 0 {
			return nil, fmt.Errorf("identity %d is the only identity of customer %d: nothing to split", identityID, ident.CustomerID)
		}
		if err := w.clearOverrides([]int64{identityID}, others, store.DecisionMerge); err != nil {
			return nil, err
		}
		pairs := make([][2]int64, len(others))
		for i, o := range others {
			pairs[i] = [2]int64{identityID, o}
		}
		// The merges that brought the identity in are undone.
		err = w.tx.Model(&store.MergeEvent{}).
			Where("action = ? AND identity_id = ? AND undone_at IS NULL", "merge", identityID).
			Update("undone_at", w.now).Error
		if err != nil {
			return nil, fmt.Errorf("marking merges of identity %d undone: %w", identityID, err)
		}
		return append(others, identityID), w.saveOverrides(pairs, store.DecisionNever, d)
	})
	if err != nil {
		return 0, err
	}
	err = e.db.Gorm.WithContext(ctx).Model(&store.Identity{}).Where("id = ?", identityID).Pluck("customer_id", &moved).Error
	return moved, err
}

// decide runs a decision in one transaction: record (which stores the
// overrides and returns the identities concerned), then re-resolve those
// identities and recompute their customers.
func (e *Engine) decide(ctx context.Context, rule string, record func(w *pageWriter) ([]int64, error)) error {
	return e.withLock(ctx, sourceInfo{name: "manual"}, func(w *pageWriter) error {
		ids, err := record(w)
		if err != nil {
			return err
		}
		r := newResolver(w)
		r.manual = rule
		if err := r.run(w.rematch, ids); err != nil {
			return err
		}
		return w.recompute(r.touched)
	})
}

// twoCustomers resolves two customer ids (aliases followed) and lists
// their identities; when they are one customer, ia and ib are its.
func (w *pageWriter) twoCustomers(a, b int64) (ca, cb int64, ia, ib []int64, err error) {
	if ca, err = w.livingCustomer(a); err != nil {
		return
	}
	if cb, err = w.livingCustomer(b); err != nil {
		return
	}
	if ia, err = w.identitiesOf(ca); err != nil {
		return
	}
	ib, err = w.identitiesOf(cb)
	return
}

// livingCustomer returns the customer id, following aliases of merged-away
// ids.
func (w *pageWriter) livingCustomer(id int64) (int64, error) {
	var n int64
	if err := w.tx.Model(&store.Customer{}).Where("id = ?", id).Count(&n).Error; err != nil {
		return 0, fmt.Errorf("reading customer %d: %w", id, err)
	}
	if n > 0 {
		return id, nil
	}
	var alias store.Alias
	err := w.tx.Where("retired_id = ?", id).Take(&alias).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return 0, fmt.Errorf("customer %d: %w", id, ErrNoCustomer)
	}
	if err != nil {
		return 0, fmt.Errorf("reading aliases of customer %d: %w", id, err)
	}
	return alias.CustomerID, nil
}

// identitiesOf returns a customer's identity ids, oldest first.
func (w *pageWriter) identitiesOf(customer int64) ([]int64, error) {
	var ids []int64
	if err := w.tx.Model(&store.Identity{}).Where("customer_id = ?", customer).Order("id").Pluck("id", &ids).Error; err != nil {
		return nil, fmt.Errorf("reading identities of customer %d: %w", customer, err)
	}
	if len(ids) == 0 {
		return nil, fmt.Errorf("customer %d has no identities", customer)
	}
	return ids, nil
}

// clearOverrides removes decisions of one kind between two sets of
// identities: a new decision replaces an old one that contradicts it.
func (w *pageWriter) clearOverrides(a, b []int64, decision string) error {
	for pa := range slices.Chunk(a, inChunk) {
		for pb := range slices.Chunk(b, inChunk) {
			err := w.tx.Where("decision = ? AND ((identity_a IN ? AND identity_b IN ?) OR (identity_a IN ? AND identity_b IN ?))",
				decision, pa, pb, pb, pa).Delete(&store.MatchOverride{}).Error
			if err != nil {
				return fmt.Errorf("clearing earlier decisions: %w", err)
			}
		}
	}
	return nil
}

func (w *pageWriter) saveOverrides(pairs [][2]int64, decision string, d Decision) error {
	actor := strings.TrimSpace(d.Actor)
	if actor == "" {
		actor = "cli"
	}
	rows := make([]store.MatchOverride, len(pairs))
	for i, p := range pairs {
		a, b := min(p[0], p[1]), max(p[0], p[1])
		rows[i] = store.MatchOverride{IdentityA: a, IdentityB: b, Decision: decision, Actor: clip(actor, 64), Note: clip(d.Note, 255), CreatedAt: w.now}
	}
	for part := range slices.Chunk(rows, w.e.db.BatchRows) {
		err := insertRows(w.tx.Clauses(clause.OnConflict{
			Columns:   []clause.Column{{Name: "identity_a"}, {Name: "identity_b"}},
			DoUpdates: clause.AssignmentColumns([]string{"decision", "actor", "note", "created_at"}),
		}), part)
		if err != nil {
			return fmt.Errorf("recording the decision: %w", err)
		}
	}
	return nil
}

// RematchResult says what a rematch did.
type RematchResult struct {
	Identities int // identities re-resolved
	Customers  int // customers after
}

// Rematch re-resolves every identity from scratch: after the match
// weights or thresholds in the config change, and to index identities that
// an older nayose stored without match keys. Decisions people made are
// kept. It runs in one transaction under the identity-resolution lock.
func (e *Engine) Rematch(ctx context.Context) (RematchResult, error) {
	var out RematchResult
	err := e.decide(ctx, "", func(w *pageWriter) ([]int64, error) {
		var all []store.Identity
		if err := w.tx.Select(matchColumns).Order("id").Find(&all).Error; err != nil {
			return nil, fmt.Errorf("reading identities: %w", err)
		}
		out.Identities = len(all)
		w.rematch = all
		return nil, nil
	})
	if err != nil {
		return out, err
	}
	var n int64
	err = e.db.Gorm.WithContext(ctx).Model(&store.Customer{}).Count(&n).Error
	out.Customers = int(n)
	return out, err
}

// Unindexed counts identities that identity resolution has not placed in a
// component: stored by a nayose older than match keys. Rematch indexes
// them.
func (e *Engine) Unindexed(ctx context.Context) (int, error) {
	var n int64
	err := e.db.Gorm.WithContext(ctx).Model(&store.Identity{}).
		Where("id NOT IN (SELECT identity_id FROM match_components)").Count(&n).Error
	return int(n), err
}
