package engine

import (
	"testing"
	"time"

	"github.com/nayose/nayose/store"
	"github.com/nayose/nayose/store/storetest"
	"gorm.io/gorm"
)

func TestMemo_TrustedOnlyWhileTheLockBearsItsOwnStamp(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		now := time.Now().UTC()
		// stamp runs one transaction that takes the lock for m, as withLock does.
		stamp := func(m *memo, holder string) {
			t.Helper()
			var token string
			err := db.Gorm.Transaction(func(tx *gorm.DB) error {
				var err error
				token, err = m.stampLock(tx, holder, now)
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			m.stamp = token
		}
		var ours, theirs memo
		stamp(&ours, "daemon-a")
		ours.noteRef("pos", identityRef{ID: 7, CustomerID: 3, ExternalID: "c1"})
		ours.noteMarked(3)

		stamp(&ours, "daemon-a")
		if r, ok := ours.ref("pos", "c1"); !ok || r.ID != 7 || r.CustomerID != 3 || !ours.marked(3) {
			t.Fatalf("after our own transaction the memo holds %+v %v, want identity 7 of customer 3, marked", r, ok)
		}

		stamp(&theirs, "daemon-b") // another writer took the lock
		stamp(&ours, "daemon-a")
		if _, ok := ours.ref("pos", "c1"); ok || ours.marked(3) {
			t.Error("the memo was trusted after another writer took the lock")
		}
	})
}

func TestMemo_StaysBounded(t *testing.T) {
	var m memo
	for i := range memoLimit + 10 {
		m.noteRef("pos", identityRef{ID: int64(i + 1), CustomerID: int64(i + 1), ExternalID: string(rune(i))})
		m.noteMarked(int64(i + 1))
	}
	if len(m.ids) > memoLimit || len(m.customerOf) > memoLimit || len(m.stale) > memoLimit {
		t.Errorf("memo holds %d ids, %d customers, %d marks; at most %d each", len(m.ids), len(m.customerOf), len(m.stale), memoLimit)
	}
	if r, ok := m.ref("pos", string(rune(memoLimit+9))); !ok || r.ID != memoLimit+10 {
		t.Errorf("the latest identity is not remembered: %+v %v", r, ok)
	}
}
