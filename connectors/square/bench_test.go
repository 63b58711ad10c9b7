package square_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"runtime"
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
// run upserts the same rows with raw multi-row INSERT ... ON DUPLICATE KEY
// UPDATE statements. engine/raw is the share of raw speed the engine keeps;
// peak heap is sampled while the engine runs. It needs
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
			var peak uint64
			for range b.N {
				b.StopTimer()
				reset(b, db)
				runtime.GC()
				stop := sampleHeap()
				b.StartTimer()
				start := time.Now()
				res, err := engine.New(engine.Options{DB: db}).Run(context.Background(), conn)
				if err != nil {
					b.Fatal(err)
				}
				engineTime += time.Since(start)
				peak = max(peak, stop())
				b.StopTimer()
				records = 0
				for _, s := range res.Streams {
					records += s.Written
				}

				// The same rows, straight into the tables.
				idents, acts := collect(b, src)
				reset(b, db)
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
			b.ReportMetric(0, "ns/op")
		})
	}
}

func reset(tb testing.TB, db *store.DB) {
	tb.Helper()
	for _, t := range []string{"customers", "customer_identities", "activities", "customer_aliases", "merge_events", "sync_runs",
		"sync_state", "rejected_records", "match_keys", "match_components", "match_reviews", "match_overrides"} {
		if err := db.Gorm.Exec("DELETE FROM " + t).Error; err != nil {
			tb.Fatal(err)
		}
	}
}

// collect reads every page of every stream, outside the engine.
func collect(tb testing.TB, src connectors.Source) ([]connectors.Identity, []connectors.Activity) {
	var idents []connectors.Identity
	var acts []connectors.Activity
	for _, s := range src.Streams() {
		for page, err := range s.Pages(context.Background(), "") {
			if err != nil {
				tb.Fatal(err)
			}
			idents = append(idents, page.Identities...)
			acts = append(acts, page.Activities...)
		}
	}
	return idents, acts
}

// rawUpsert writes identities and activities with 500-row INSERT ... ON
// DUPLICATE KEY UPDATE statements: no normalizing, no resolution, no
// customers.
func rawUpsert(tb testing.TB, db *store.DB, idents []connectors.Identity, acts []connectors.Activity) {
	tb.Helper()
	now := time.Now().UTC()
	exec := func(head string, cols int, rows [][]any, update string) {
		tuple := "(" + strings.TrimSuffix(strings.Repeat("?, ", cols), ", ") + ")"
		for lo := 0; lo < len(rows); lo += 500 {
			part := rows[lo:min(lo+500, len(rows))]
			args := make([]any, 0, len(part)*cols)
			for _, r := range part {
				args = append(args, r...)
			}
			q := head + strings.TrimSuffix(strings.Repeat(tuple+", ", len(part)), ", ") + " ON DUPLICATE KEY UPDATE " + update
			if _, err := db.SQL.Exec(q, args...); err != nil {
				tb.Fatal(err)
			}
		}
	}
	var rows [][]any
	for _, id := range idents {
		emails, _ := json.Marshal(id.Emails)
		phones, _ := json.Marshal(id.Phones)
		raw := string(id.Raw)
		if raw == "" {
			raw = "{}"
		}
		rows = append(rows, []any{"sq", "square", id.ExternalID, id.FullName, id.FamilyName, id.GivenName, string(emails), string(phones), raw, now, now})
	}
	exec("INSERT INTO customer_identities (source, source_type, external_id, full_name, family_name, given_name, emails, phones, raw, first_seen_at, last_seen_at) VALUES ",
		11, rows, "full_name = VALUES(full_name), emails = VALUES(emails), phones = VALUES(phones), raw = VALUES(raw), last_seen_at = VALUES(last_seen_at)")
	rows = rows[:0]
	for _, a := range acts {
		raw := string(a.Raw)
		if raw == "" {
			raw = "{}"
		}
		rows = append(rows, []any{"sq", "square", a.ExternalID, string(a.Kind), a.OccurredAt.UTC(), a.Amount, a.Currency, a.Summary, raw, now, now})
	}
	exec("INSERT INTO activities (source, source_type, external_id, kind, occurred_at, amount, currency, summary, raw, created_at, updated_at) VALUES ",
		11, rows, "occurred_at = VALUES(occurred_at), amount = VALUES(amount), summary = VALUES(summary), raw = VALUES(raw), updated_at = VALUES(updated_at)")
}

// sampleHeap samples the heap in use every 50ms until the returned func is
// called, which returns the largest sample.
func sampleHeap() func() uint64 {
	var peak atomic.Uint64
	done, stopped := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(stopped)
		t := time.NewTicker(50 * time.Millisecond)
		defer t.Stop()
		for {
			var m runtime.MemStats
			runtime.ReadMemStats(&m)
			if m.HeapInuse > peak.Load() {
				peak.Store(m.HeapInuse)
			}
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	}()
	return func() uint64 { close(done); <-stopped; return peak.Load() }
}
