package engine

import (
	"fmt"
	"time"

	"gorm.io/gorm"
)

// memo remembers, from one of this engine's transactions to the next,
// facts the next would otherwise read again: which identity a source's
// record is and its customer, and which customers are already marked for a
// rebuild. A sync of sales asks both for every sale.
//
// It is trusted only while nobody else has written since: every
// transaction stamps the resolution lock row with a token of its own, and
// one that finds another writer's stamp starts from an empty memo. A
// transaction that fails empties it too, since what it noted rolled back.
// Each map is bounded, so memory stays flat however large the store.
type memo struct {
	stamp string // the token our last committed transaction left
	seq   int64
	// ids gives a source's record its identity id, which never changes;
	// customerOf the identity's customer, which moves with merges and
	// splits (all through assignCustomers, which notes them).
	ids        map[memoRef]int64
	customerOf map[int64]int64
	stale      map[int64]bool // customers marked in stale_customers
}

type memoRef struct{ source, externalID string }

// memoLimit bounds each map; a full map is emptied and fills again.
const memoLimit = 1 << 17

func (m *memo) reset() {
	m.stamp, m.ids, m.customerOf, m.stale = "", nil, nil, nil
}

func (m *memo) ref(source, externalID string) (identityRef, bool) {
	id, ok := m.ids[memoRef{source, externalID}]
	if !ok {
		return identityRef{}, false
	}
	customer, ok := m.customerOf[id]
	return identityRef{ID: id, CustomerID: customer, ExternalID: externalID}, ok
}

func (m *memo) noteRef(source string, r identityRef) {
	if m.ids == nil || len(m.ids) >= memoLimit {
		m.ids = make(map[memoRef]int64)
	}
	m.ids[memoRef{source, r.ExternalID}] = r.ID
	m.noteCustomer(r.ID, r.CustomerID)
}

// noteCustomer records an identity's customer, as stored or as moved.
func (m *memo) noteCustomer(identity, customer int64) {
	if m.customerOf == nil || len(m.customerOf) >= memoLimit {
		m.customerOf = make(map[int64]int64)
	}
	m.customerOf[identity] = customer
}

func (m *memo) marked(customer int64) bool { return m.stale[customer] }

func (m *memo) noteMarked(customer int64) {
	if m.stale == nil || len(m.stale) >= memoLimit {
		m.stale = make(map[int64]bool)
	}
	m.stale[customer] = true
}

func (m *memo) unmarked(customers []int64) {
	for _, c := range customers {
		delete(m.stale, c)
	}
}

// stampLock takes the identity-resolution lock in tx and stamps it with
// the next token. It reports whether the lock still bore our last stamp,
// that is whether the memo may be trusted; when not, the memo is emptied.
func (m *memo) stampLock(tx *gorm.DB, holder string, now time.Time) (token string, err error) {
	m.seq++
	token = fmt.Sprintf("%s#%d", holder, m.seq)
	if m.stamp != "" {
		res := tx.Exec("UPDATE sync_locks SET acquired_at = ?, holder = ? WHERE name = ? AND holder = ?", now, token, resolutionLock, m.stamp)
		if res.Error != nil {
			return "", fmt.Errorf("taking the identity-resolution lock: %w", res.Error)
		}
		if res.RowsAffected == 1 {
			return token, nil
		}
	}
	m.reset()
	if err := lockResolution(tx, now, token); err != nil {
		return "", err
	}
	return token, nil
}
