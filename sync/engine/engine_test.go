package engine_test

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nayose/nayose/config"
	"github.com/nayose/nayose/connectors"
	"github.com/nayose/nayose/store"
	"github.com/nayose/nayose/store/storetest"
	"github.com/nayose/nayose/sync/engine"
)

// pagedStream yields its pages from the cursor on, the cursor being the
// index of the next page. failAt, when >0, makes the stream fail instead of
// yielding page failAt (0-based) once.
type pagedStream struct {
	name   string
	pages  []connectors.Page
	failAt atomic.Int32
	// started records the cursor each run began at.
	started []string
	block   chan struct{} // when set, each page waits for it
	panics  bool
	// throttleAt, when >0, makes the stream stop as partial (the vendor's
	// rate limit outlasted its budget) instead of yielding that page, once.
	throttleAt atomic.Int32
}

func (s *pagedStream) Name() string { return s.name }

func (s *pagedStream) Pages(ctx context.Context, cursor string) iter.Seq2[connectors.Page, error] {
	return func(yield func(connectors.Page, error) bool) {
		s.started = append(s.started, cursor)
		if s.panics {
			panic("connector bug")
		}
		from := 0
		if cursor != "" {
			from, _ = strconv.Atoi(cursor)
		}
		for i := from; i < len(s.pages); i++ {
			if s.block != nil {
				select {
				case <-s.block:
				case <-ctx.Done():
					yield(connectors.Page{}, ctx.Err())
					return
				}
			}
			if f := s.failAt.Load(); f > 0 && int(f) == i {
				s.failAt.Store(0)
				yield(connectors.Page{}, errors.New("vendor returned 500"))
				return
			}
			if f := s.throttleAt.Load(); f > 0 && int(f) == i {
				s.throttleAt.Store(0)
				yield(connectors.Page{}, fmt.Errorf("%w: vendor: still rate limited after 5m", connectors.ErrPartial))
				return
			}
			p := s.pages[i]
			p.Cursor = strconv.Itoa(i + 1)
			if !yield(p, nil) {
				return
			}
		}
	}
}

type source []connectors.Stream

func (s source) Streams() []connectors.Stream { return s }

func connector(name string, streams ...connectors.Stream) connectors.Connector {
	return connectors.Connector{
		Config: config.Connector{Name: name, Type: "test", Timeout: config.Duration(time.Minute)},
		Source: source(streams),
	}
}

func newEngine(db *store.DB) *engine.Engine {
	return engine.New(engine.Options{DB: db})
}

func person(id, name, email, phone string) connectors.Identity {
	return connectors.Identity{ExternalID: id, FullName: name, Emails: nonEmpty(email), Phones: nonEmpty(phone), Raw: []byte(`{"id":"` + id + `"}`)}
}

func withKana(id connectors.Identity, kana string) connectors.Identity {
	id.NameKana = kana
	return id
}

func nonEmpty(s string) []string {
	if s == "" {
		return nil
	}
	return []string{s}
}

func purchase(id, customer string, yen int64, at string) connectors.Activity {
	t, err := time.Parse(time.RFC3339, at)
	if err != nil {
		panic(err)
	}
	return connectors.Activity{ExternalID: id, Kind: connectors.KindPurchase, IdentityExternalID: customer, OccurredAt: t, Amount: &yen, Currency: "JPY", Summary: "item " + id}
}

func count(t *testing.T, db *store.DB, table string, where ...any) int64 {
	t.Helper()
	var n int64
	q := db.Gorm.Table(table)
	if len(where) > 0 {
		q = q.Where(where[0], where[1:]...)
	}
	if err := q.Count(&n).Error; err != nil {
		t.Fatalf("counting %s: %v", table, err)
	}
	return n
}

// runUntilFirstPage starts a run of c and returns once its first page is
// committed; the run's result arrives on the channel.
func runUntilFirstPage(t *testing.T, db *store.DB, ctx context.Context, c connectors.Connector) <-chan engine.Result {
	t.Helper()
	done := make(chan engine.Result, 1)
	go func() { res, _ := newEngine(db).Run(ctx, c); done <- res }()
	deadline := time.Now().Add(10 * time.Second)
	for count(t, db, "sync_state") == 0 {
		if time.Now().After(deadline) {
			t.Fatal("first page never committed")
		}
		time.Sleep(5 * time.Millisecond)
	}
	return done
}

func run(t *testing.T, e *engine.Engine, c connectors.Connector) engine.Result {
	t.Helper()
	res, err := e.Run(context.Background(), c)
	if err != nil {
		t.Fatalf("run: %v", err)
	}
	return res
}

func TestSync_IdempotentResync(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		customers := &pagedStream{name: "customers", pages: []connectors.Page{
			{Identities: []connectors.Identity{person("1", "佐藤 太郎", "taro@example.jp", "090-1234-5678"), person("2", "鈴木 花子", "hanako@example.jp", "")}},
			{Identities: []connectors.Identity{person("3", "高橋 一郎", "", "03-1234-5678")}},
		}}
		purchases := &pagedStream{name: "purchases", pages: []connectors.Page{
			{Activities: []connectors.Activity{purchase("s1", "1", 1200, "2024-03-15T05:00:00Z"), purchase("s2", "1", 800, "2024-04-01T05:00:00Z"), purchase("s3", "2", 5000, "2024-04-02T05:00:00Z")}},
		}}
		// A month after the purchases: Taro is a repeat customer, not yet dormant.
		e := engine.New(engine.Options{DB: db, Now: func() time.Time { return time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC) }})
		c := connector("shop", customers, purchases)
		for i := range 2 {
			customers.started, purchases.started = nil, nil
			res := run(t, e, c)
			if got := res.Streams[0].Written; got != 3 {
				t.Errorf("run %d: customers written = %d, want 3", i, got)
			}
			// Reset cursors so the second run re-reads everything.
			db.Gorm.Exec("DELETE FROM sync_state")
		}
		if n := count(t, db, "customers"); n != 3 {
			t.Errorf("customers = %d, want 3", n)
		}
		if n := count(t, db, "customer_identities"); n != 3 {
			t.Errorf("identities = %d, want 3", n)
		}
		if n := count(t, db, "activities"); n != 3 {
			t.Errorf("activities = %d, want 3", n)
		}
		var taro store.Customer
		db.Gorm.Where("email = ?", "taro@example.jp").First(&taro)
		if taro.PurchaseCount != 2 || taro.GrossSales != 2000 || taro.NetSales != 2000 || taro.LifecycleStage != "repeat" || taro.Phone != "+819012345678" {
			t.Errorf("taro = %+v, want 2 purchases, 2000 JPY, repeat, +819012345678", taro)
		}
		if taro.LastPurchaseAt == nil || !taro.LastPurchaseAt.Equal(time.Date(2024, 4, 1, 5, 0, 0, 0, time.UTC)) {
			t.Errorf("taro last purchase = %v, want 2024-04-01 05:00 UTC", taro.LastPurchaseAt)
		}
		if n := count(t, db, "sync_runs", "status = ?", store.RunSucceeded); n != 4 {
			t.Errorf("succeeded runs = %d, want 4", n)
		}
	})
}

func TestSync_ResumesFromCommittedCursor(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		var pages []connectors.Page
		for p := range 5 {
			var ids []connectors.Identity
			for i := range 10 {
				n := p*10 + i
				ids = append(ids, person(fmt.Sprint(n), fmt.Sprintf("客 %d", n), fmt.Sprintf("c%d@example.jp", n), ""))
			}
			pages = append(pages, connectors.Page{Identities: ids})
		}
		s := &pagedStream{name: "customers", pages: pages}
		s.failAt.Store(3) // pages 0,1,2 commit, then the vendor fails
		e := newEngine(db)
		res, err := e.Run(context.Background(), connector("crm", s))
		if err == nil {
			t.Fatal("first run succeeded, want the injected failure")
		}
		if got := res.Streams[0]; got.Status != store.RunFailed || got.Pages != 3 {
			t.Fatalf("first run = %+v, want failed after 3 pages", got)
		}
		if n := count(t, db, "customer_identities"); n != 30 {
			t.Fatalf("after failure identities = %d, want the 30 committed", n)
		}
		res = run(t, e, connector("crm", s))
		if s.started[1] != "3" {
			t.Errorf("second run started at cursor %q, want 3", s.started[1])
		}
		if res.Streams[0].Pages != 2 {
			t.Errorf("second run pages = %d, want 2", res.Streams[0].Pages)
		}
		if n := count(t, db, "customer_identities"); n != 50 {
			t.Errorf("identities = %d, want 50", n)
		}
		if n := count(t, db, "customers"); n != 50 {
			t.Errorf("customers = %d, want 50", n)
		}
		var failed store.SyncRun
		db.Gorm.Where("status = ?", store.RunFailed).First(&failed)
		if failed.Error == "" || failed.CursorAfter != "3" || failed.RecordsWritten != 30 {
			t.Errorf("failed run = %+v, want error, cursor 3, 30 written", failed)
		}
	})
}

func TestSync_SameEmailOrPhoneIsOneCustomer(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEngine(db)
		// Two customers, then a record that shares the email of one and the
		// phone of the other: all three are one person, the older id survives.
		run(t, e, connector("pos", &pagedStream{name: "customers", pages: []connectors.Page{
			{Identities: []connectors.Identity{withKana(person("a", "佐藤 太郎", "TARO@sato-mail.jp ", ""), "さとう たろう"), person("b", "サトウ タロウ", "", "+81 90-2468-1357")}},
		}}))
		var before []store.Customer
		db.Gorm.Order("id").Find(&before)
		if len(before) != 2 {
			t.Fatalf("customers before = %d, want 2", len(before))
		}
		run(t, e, connector("mail", &pagedStream{name: "members", pages: []connectors.Page{
			{Identities: []connectors.Identity{person("m1", "Taro Sato", "taro@sato-mail.jp", "０９０（２４６８）１３５７")}},
		}}))
		var after []store.Customer
		db.Gorm.Find(&after)
		if len(after) != 1 || after[0].ID != before[0].ID {
			t.Fatalf("customers after = %+v, want only id %d", after, before[0].ID)
		}
		if after[0].IdentityCount != 3 || after[0].Email != "taro@sato-mail.jp" || after[0].Phone != "+819024681357" {
			t.Errorf("survivor = %+v", after[0])
		}
		var alias store.Alias
		if err := db.Gorm.First(&alias).Error; err != nil || alias.RetiredID != before[1].ID || alias.CustomerID != before[0].ID {
			t.Errorf("alias = %+v (%v), want %d -> %d", alias, err, before[1].ID, before[0].ID)
		}
		// The retired customer's merge is explained: rule, score, and the
		// field evidence of the pair that joined it (its phone).
		var ev store.MergeEvent
		err := db.Gorm.Where("other_customer_id = ?", before[1].ID).First(&ev).Error
		if err != nil || ev.Action != "merge" || ev.Rule != "score" || ev.Actor != "auto" || ev.Score == nil || *ev.Score < 15 ||
			!strings.Contains(ev.Evidence, `"phone":{"level":"exact"`) {
			t.Errorf("merge event = %+v (%v)", ev, err)
		}
		// The new record's joining is explained too.
		if n := count(t, db, "merge_events", "identity_id IS NOT NULL AND action = ?", "merge"); n != 1 {
			t.Errorf("merge events for joining records = %d, want 1", n)
		}
		if n := count(t, db, "customer_identities", "customer_id <> ?", before[0].ID); n != 0 {
			t.Errorf("%d identities left on a retired customer", n)
		}
	})
}

func TestSync_ActivityBeforeItsIdentityIsKept(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEngine(db)
		sales := &pagedStream{name: "purchases", pages: []connectors.Page{{Activities: []connectors.Activity{
			purchase("s1", "c9", 3000, "2024-05-01T01:00:00Z"),
			purchase("s2", "", 500, "2024-05-01T02:00:00Z"), // walk-in, no customer
		}}}}
		run(t, e, connector("pos", sales))
		if n := count(t, db, "activities", "customer_id IS NOT NULL"); n != 1 {
			t.Errorf("linked activities = %d, want 1", n)
		}
		if n := count(t, db, "activities", "customer_id IS NULL"); n != 1 {
			t.Errorf("anonymous activities = %d, want 1", n)
		}
		run(t, e, connector("pos", &pagedStream{name: "customers", pages: []connectors.Page{
			{Identities: []connectors.Identity{person("c9", "田中 美咲", "misaki@example.jp", "")}},
		}}))
		var c store.Customer
		db.Gorm.First(&c)
		if c.DisplayName != "田中 美咲" || c.PurchaseCount != 1 || c.GrossSales != 3000 || count(t, db, "customers") != 1 {
			t.Errorf("customer = %+v, want 田中 美咲 with the earlier purchase", c)
		}
	})
}

func TestSync_BadRecordsAreRejectedAndTheRunGoesOn(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEngine(db)
		s := &pagedStream{name: "customers", pages: []connectors.Page{{
			Identities: []connectors.Identity{person("", "名無し", "", ""), person("ok", "良い 人", "", "")},
			Rejects:    []connectors.Reject{{ExternalID: "7", Location: "customers.csv:9", Field: "生年月日", Reason: `"1985/13/01" is not a date: month 13`}},
		}}}
		res := run(t, e, connector("csvs", s))
		if got := res.Streams[0]; got.Rejected != 2 || got.Written != 1 {
			t.Errorf("result = %+v, want 2 rejected, 1 written", got)
		}
		var rej []store.RejectedRecord
		db.Gorm.Order("id").Find(&rej)
		if len(rej) != 2 || rej[0].Location != "customers.csv:9" || rej[0].Field != "生年月日" || rej[1].Reason != "record has no id" {
			t.Errorf("rejects = %+v", rej)
		}
	})
}

func TestSync_RawThatIsNotJSONIsStoredEmpty(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		bad := person("c1", "田中 美咲", "misaki@example.jp", "")
		bad.Raw = []byte(`{"id":"c1",`)
		sale := purchase("s1", "c1", 3000, "2024-05-01T01:00:00Z")
		sale.Raw = []byte(`{"id":"s1"}`)
		broken := purchase("s2", "c1", 500, "2024-05-02T01:00:00Z")
		broken.Raw = []byte("not json")
		s := &pagedStream{name: "customers", pages: []connectors.Page{{
			Identities: []connectors.Identity{bad},
			Activities: []connectors.Activity{sale, broken},
		}}}
		if got := run(t, newEngine(db), connector("pos", s)).Streams[0]; got.Written != 3 {
			t.Errorf("result = %+v, want 3 written", got)
		}
		var idents []store.Identity
		var acts []store.Activity
		db.Gorm.Find(&idents)
		db.Gorm.Order("external_id").Find(&acts)
		if len(idents) != 1 || idents[0].Raw != "{}" {
			t.Errorf("identity raw = %+v, want {}", idents)
		}
		if len(acts) != 2 || acts[0].Raw != `{"id":"s1"}` || acts[1].Raw != "{}" {
			t.Errorf("activities raw = %+v, want the valid one kept and {} for the other", acts)
		}
	})
}

func TestSync_ConnectorPanicFailsOnlyItsRun(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEngine(db)
		bad := &pagedStream{name: "broken", panics: true}
		good := &pagedStream{name: "customers", pages: []connectors.Page{{Identities: []connectors.Identity{person("1", "A", "", "")}}}}
		res, err := e.Run(context.Background(), connector("x", bad, good))
		if err == nil || res.Streams[0].Status != store.RunFailed {
			t.Fatalf("panicking stream = %+v, %v; want failed", res.Streams, err)
		}
		if res.Streams[1].Status != store.RunSucceeded {
			t.Errorf("stream after the panic = %+v, want succeeded", res.Streams[1])
		}
	})
}

func TestSync_SecondRunWhileFirstHoldsTheLeaseIsBusy(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		block := make(chan struct{})
		slow := &pagedStream{name: "customers", block: block, pages: []connectors.Page{{Identities: []connectors.Identity{person("1", "A", "", "")}}}}
		// Two engines stand for two daemons on one database.
		first, second := newEngine(db), newEngine(db)
		done := make(chan error, 1)
		go func() { _, err := first.Run(context.Background(), connector("slow", slow)); done <- err }()
		deadline := time.Now().Add(10 * time.Second)
		for count(t, db, "sync_runs") == 0 {
			if time.Now().After(deadline) {
				t.Fatal("first run never started")
			}
			time.Sleep(5 * time.Millisecond)
		}
		res, err := second.Run(context.Background(), connector("slow", slow))
		if !errors.Is(err, engine.ErrBusy) || !res.Busy {
			t.Errorf("second run: %v, busy=%v; want ErrBusy", err, res.Busy)
		}
		close(block)
		if err := <-done; err != nil {
			t.Fatalf("first run: %v", err)
		}
		if _, err := second.Run(context.Background(), connector("slow", slow)); err != nil {
			t.Errorf("run after release: %v", err)
		}
	})
}

func TestSync_CancelStopsBetweenPagesAndRecordsIt(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		block := make(chan struct{}, 1)
		s := &pagedStream{name: "customers", block: block, pages: []connectors.Page{
			{Identities: []connectors.Identity{person("1", "A", "", "")}},
			{Identities: []connectors.Identity{person("2", "B", "", "")}},
		}}
		block <- struct{}{} // let exactly one page through
		ctx, cancel := context.WithCancel(context.Background())
		done := runUntilFirstPage(t, db, ctx, connector("c", s))
		cancel()
		res := <-done
		if res.Streams[0].Status != store.RunCanceled || res.Streams[0].Pages != 1 {
			t.Errorf("result = %+v, want canceled after 1 page", res.Streams[0])
		}
		var st store.SyncState
		db.Gorm.First(&st)
		if st.Cursor != "1" {
			t.Errorf("cursor = %q, want 1", st.Cursor)
		}
		if n := count(t, db, "sync_runs", "status = ?", store.RunCanceled); n != 1 {
			t.Errorf("canceled runs = %d, want 1", n)
		}
	})
}

func TestSync_ThrottledPastBudgetIsPartialAndResumes(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEngine(db)
		var pages []connectors.Page
		for p := range 4 {
			pages = append(pages, connectors.Page{Identities: []connectors.Identity{person(fmt.Sprint(p), fmt.Sprintf("客 %d", p), "", "")}})
		}
		s := &pagedStream{name: "customers", pages: pages}
		s.throttleAt.Store(2)
		res, err := e.Run(context.Background(), connector("vendor", s))
		if err != nil || res.Err() != nil {
			t.Fatalf("a partial run is not a failure: %v / %v", err, res.Err())
		}
		if st := res.Streams[0]; st.Status != store.RunPartial || st.Pages != 2 || st.Err == nil {
			t.Fatalf("stream = %+v, want partial after 2 pages with its reason", st)
		}
		if n := count(t, db, "sync_runs", "status = ? AND error LIKE ?", store.RunPartial, "%rate limited%"); n != 1 {
			t.Errorf("partial runs recorded with their reason = %d", n)
		}
		run(t, e, connector("vendor", s))
		if s.started[1] != "2" {
			t.Errorf("next run started at %q, want the committed cursor 2", s.started[1])
		}
		if n := count(t, db, "customer_identities"); n != 4 {
			t.Errorf("identities = %d, want 4", n)
		}
	})
}

func TestSync_CustomersLeftStaleByAStoppedRunAreRebuiltByTheNext(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		block := make(chan struct{}, 1)
		s := &pagedStream{name: "sales", block: block, pages: []connectors.Page{
			{Identities: []connectors.Identity{person("1", "佐藤 太郎", "taro@example.jp", "")},
				Activities: []connectors.Activity{purchase("o1", "1", 1200, "2026-01-05T10:00:00Z")}},
			{Activities: []connectors.Activity{purchase("o2", "1", 800, "2026-02-05T10:00:00Z")}},
		}}
		block <- struct{}{} // one page, then the daemon stops
		ctx, cancel := context.WithCancel(context.Background())
		done := runUntilFirstPage(t, db, ctx, connector("pos", s))
		cancel()
		<-done

		// The page committed its sale and marked its customer; the row
		// itself waits for the rebuild that the stopping run skipped.
		if n := count(t, db, "stale_customers"); n != 1 {
			t.Fatalf("stale customers after the stopped run = %d, want 1", n)
		}
		var c store.Customer
		db.Gorm.First(&c)
		if c.PurchaseCount != 0 || c.DisplayName != "" {
			t.Fatalf("customer rebuilt by a stopped run: %+v", c)
		}

		// Any later run rebuilds it, even one of another connector.
		run(t, newEngine(db), connector("other", &pagedStream{name: "empty"}))
		db.Gorm.First(&c)
		if c.PurchaseCount != 1 || c.GrossSales != 1200 || c.DisplayName != "佐藤 太郎" || c.Email != "taro@example.jp" {
			t.Errorf("customer after the next run = %+v, want rebuilt from its identity and one sale", c)
		}
		if n := count(t, db, "stale_customers"); n != 0 {
			t.Errorf("stale customers left = %d", n)
		}

		// The stopped run resumes and its second sale counts.
		block <- struct{}{}
		run(t, newEngine(db), connector("pos", s))
		db.Gorm.First(&c)
		if c.PurchaseCount != 2 || c.GrossSales != 2000 {
			t.Errorf("customer after resuming = %d sales, %d yen; want 2, 2000", c.PurchaseCount, c.GrossSales)
		}
	})
}

// A sale names its customer through the identity it belongs to. The engine
// remembers identities between pages; when a split moves one to another
// customer, whether by this engine or by another daemon sharing the
// database, the next sale must follow it.
func TestSync_SaleFollowsItsIdentityAfterASplitByAnyone(t *testing.T) {
	for _, by := range []string{"same engine", "another engine"} {
		t.Run(by, func(t *testing.T) {
			storetest.Each(t, func(t *testing.T, db *store.DB) {
				a := newEngine(db)
				splitter := a
				if by == "another engine" {
					splitter = newEngine(db)
				}
				// The CRM knew her first: her customer stays with that record.
				run(t, a, connector("crm", &pagedStream{name: "contacts", pages: []connectors.Page{
					{Identities: []connectors.Identity{person("k1", "田中 美咲", "Misaki.Tanaka@gmail.com", "09038614472")}},
				}}))
				run(t, a, connector("pos", &pagedStream{name: "customers", pages: []connectors.Page{
					{Identities: []connectors.Identity{person("c1", "田中 美咲", "misaki.tanaka@gmail.com", "090-3861-4472")}},
				}}))
				run(t, a, connector("pos", &pagedStream{name: "sales-1", pages: []connectors.Page{
					{Activities: []connectors.Activity{purchase("s1", "c1", 1000, "2024-05-01T01:00:00Z")}},
				}}))
				var c1 store.Identity
				if err := db.Gorm.Where("source = ? AND external_id = ?", "pos", "c1").Take(&c1).Error; err != nil {
					t.Fatal(err)
				}
				if n := count(t, db, "customers"); n != 1 {
					t.Fatalf("customers = %d before the split, want 1", n)
				}
				moved, err := splitter.Split(context.Background(), c1.ID, engine.Decision{Note: "two people"})
				if err != nil {
					t.Fatal(err)
				}
				run(t, a, connector("pos", &pagedStream{name: "sales-2", pages: []connectors.Page{
					{Activities: []connectors.Activity{purchase("s2", "c1", 2000, "2024-06-01T01:00:00Z")}},
				}}))
				var s2 store.Activity
				if err := db.Gorm.Where("external_id = ?", "s2").Take(&s2).Error; err != nil {
					t.Fatal(err)
				}
				if s2.CustomerID == nil || *s2.CustomerID != moved {
					t.Errorf("sale after the split belongs to customer %v, want %d (where c1 moved)", s2.CustomerID, moved)
				}
				var c store.Customer
				db.Gorm.Where("id = ?", moved).Take(&c)
				if c.PurchaseCount != 2 || c.GrossSales != 3000 {
					t.Errorf("split customer: %d purchases, %d gross; want both sales, 3000", c.PurchaseCount, c.GrossSales)
				}
			})
		})
	}
}
