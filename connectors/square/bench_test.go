package square_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"runtime"
	"runtime/metrics"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nayose/nayose/config"
	"github.com/nayose/nayose/connectors"
	"github.com/nayose/nayose/connectors/square/squaretest"
	"github.com/nayose/nayose/store"
	"github.com/nayose/nayose/store/storetest"
	"github.com/nayose/nayose/sync/engine"
)

// BenchmarkSquareSync syncs a generated Square account (customers and their
// orders) from the fake into MariaDB through the engine, and in the same
// run upserts the same rows (the identities and activities as the engine
// stored them) with raw multi-row INSERT ... ON DUPLICATE KEY UPDATE
// statements. engine/raw is the share of raw speed the engine keeps;
// peak heap (in use, garbage included) is sampled while the engine runs,
// and sync-live is the peak live heap less the live heap before the run
// (the fake's own account, which runs in this process). It needs
// NAYOSE_TEST_MYSQL_DSN; the 100k/300k size takes minutes:
//
//	NAYOSE_TEST_MYSQL_DSN='root@tcp(127.0.0.1:3306)/test' go test ./connectors/square -run '^$' -bench SquareSync -benchtime 1x
func BenchmarkSquareSync(b *testing.B) {
	for _, size := range []struct{ customers, orders int }{{10_000, 30_000}, {100_000, 300_000}} {
		b.Run(fmt.Sprintf("customers=%dk/orders=%dk", size.customers/1000, size.orders/1000), func(b *testing.B) {
			db := storetest.Open(b, store.MySQL)
			sq := &squaretest.Server{AccessToken: testToken}
			sq.Generate(1, size.customers, size.orders, time.Now().AddDate(-1, 0, 0))
			ts := httptest.NewServer(sq)
			defer ts.Close()
			src := build(b, opts(ts.URL, "page_size: 1000", "payments: false"))
			conn := connectors.Connector{Config: config.Connector{Name: "sq", Type: "square", Timeout: config.Duration(time.Hour)}, Source: src}

			var engineTime, rawTime time.Duration
			var records int
			var peak, livePeak, base uint64
			for range b.N {
				b.StopTimer()
				storetest.Empty(b, db)
				runtime.GC()
				// The fake's generated account lives in this process: what
				// the heap holds before the run is the fake's, not the engine's.
				base = max(base, liveHeap())
				stop := sampleHeap()
				b.StartTimer()
				start := time.Now()
				res, err := engine.New(engine.Options{DB: db}).Run(context.Background(), conn)
				if err != nil {
					b.Fatal(err)
				}
				engineTime += time.Since(start)
				inuse, live := stop()
				peak, livePeak = max(peak, inuse), max(livePeak, live)
				b.StopTimer()
				records = 0
				for _, s := range res.Streams {
					records += s.Written
				}

				// The same rows, straight into the tables: the identities and
				// activities exactly as the engine stored them.
				idents, acts := storedRows(b, db)
				storetest.Empty(b, db)
				b.StartTimer()
				start = time.Now()
				rawUpsert(b, db, idents, acts)
				rawTime += time.Since(start)
			}
			b.StopTimer()
			n := float64(records * b.N)
			b.ReportMetric(n/engineTime.Seconds(), "engine-rec/s")
			b.ReportMetric(n/rawTime.Seconds(), "raw-rec/s")
			b.ReportMetric(rawTime.Seconds()/engineTime.Seconds(), "engine/raw")
			b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MiB")
			b.ReportMetric(float64(livePeak-min(base, livePeak))/(1<<20), "sync-live-MiB")
			b.ReportMetric(0, "ns/op")
		})
	}
}

// storedRows reads back the identities and activities the engine stored.
func storedRows(tb testing.TB, db *store.DB) ([]store.Identity, []store.Activity) {
	tb.Helper()
	var idents []store.Identity
	var acts []store.Activity
	if err := db.Gorm.Order("id").Find(&idents).Error; err != nil {
		tb.Fatal(err)
	}
	if err := db.Gorm.Order("id").Find(&acts).Error; err != nil {
		tb.Fatal(err)
	}
	return idents, acts
}

// rawUpsert writes identities and activities with 500-row INSERT ... ON
// DUPLICATE KEY UPDATE statements: the rows as given, with no normalizing,
// no resolution and no customers.
func rawUpsert(tb testing.TB, db *store.DB, idents []store.Identity, acts []store.Activity) {
	tb.Helper()
	exec := func(table string, cols []string, keys int, rows [][]any) {
		tuple := "(" + strings.TrimSuffix(strings.Repeat("?, ", len(cols)), ", ") + ")"
		var update []string
		for _, c := range cols[keys:] {
			update = append(update, c+" = VALUES("+c+")")
		}
		for part := range slices.Chunk(rows, 500) {
			args := make([]any, 0, len(part)*len(cols))
			for _, r := range part {
				args = append(args, r...)
			}
			q := "INSERT INTO " + table + " (" + strings.Join(cols, ", ") + ") VALUES " +
				strings.TrimSuffix(strings.Repeat(tuple+", ", len(part)), ", ") + " ON DUPLICATE KEY UPDATE " + strings.Join(update, ", ")
			if _, err := db.SQL.Exec(q, args...); err != nil {
				tb.Fatal(err)
			}
		}
	}
	rows := make([][]any, 0, len(idents))
	for _, i := range idents {
		rows = append(rows, []any{i.Source, i.ExternalID, i.CustomerID, i.SourceType, i.FullName, i.FamilyName, i.GivenName, i.NameKana,
			i.Email, i.Emails, i.Phone, i.Phones, i.Birthday, i.PostalCode, i.Address, i.Company, i.MarketingConsent,
			i.EmailKey, i.PhoneKey, i.NameKey, i.Raw, i.SourceUpdatedAt, i.FirstSeenAt, i.LastSeenAt})
	}
	exec("customer_identities", []string{"source", "external_id", "customer_id", "source_type", "full_name", "family_name", "given_name", "name_kana",
		"email", "emails", "phone", "phones", "birthday", "postal_code", "address", "company", "marketing_consent",
		"email_key", "phone_key", "name_key", "raw", "source_updated_at", "first_seen_at", "last_seen_at"}, 2, rows)
	rows = rows[:0]
	for _, a := range acts {
		rows = append(rows, []any{a.Source, a.Kind, a.ExternalID, a.CustomerID, a.IdentityID, a.SourceType, a.OccurredAt, a.Amount, a.Currency, a.Summary, a.Raw, a.CreatedAt, a.UpdatedAt})
	}
	exec("activities", []string{"source", "kind", "external_id", "customer_id", "identity_id", "source_type", "occurred_at", "amount", "currency", "summary", "raw", "created_at", "updated_at"}, 3, rows)
}

// liveHeap returns the heap that the last garbage collection found live.
func liveHeap() uint64 {
	s := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

// sampleHeap samples the heap every 50ms until the returned func is called,
// which returns the largest heap in use (garbage included, as the process
// holds it) and the largest live heap (what the program kept).
func sampleHeap() func() (inuse, live uint64) {
	var inusePeak, livePeak atomic.Uint64
	done, stopped := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(stopped)
		t := time.NewTicker(50 * time.Millisecond)
		defer t.Stop()
		for {
			var m runtime.MemStats
			runtime.ReadMemStats(&m)
			if m.HeapInuse > inusePeak.Load() {
				inusePeak.Store(m.HeapInuse)
			}
			if v := liveHeap(); v > livePeak.Load() {
				livePeak.Store(v)
			}
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	}()
	return func() (uint64, uint64) { close(done); <-stopped; return inusePeak.Load(), livePeak.Load() }
}
