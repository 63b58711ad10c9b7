package square_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/http/httptest"
	"os"
	"os/exec"
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
// statements, each phase starting once the server has settled.
// engine/raw is the share of raw speed the engine keeps.
//
// The fake serves from a child process (this test binary, run as
// TestServeFakeSquare), so this process's heap is the sync's alone: the
// peak heap in use (garbage included, as the process holds it) and the
// peak live heap are sampled while the engine runs. It needs
// NAYOSE_TEST_MYSQL_DSN; the 100k/300k size takes minutes:
//
//	NAYOSE_TEST_MYSQL_DSN='root@tcp(127.0.0.1:3306)/test' go test ./connectors/square -run '^$' -bench SquareSync -benchtime 1x
func BenchmarkSquareSync(b *testing.B) {
	for _, size := range []struct{ customers, orders int }{{10_000, 30_000}, {100_000, 300_000}} {
		b.Run(fmt.Sprintf("customers=%dk/orders=%dk", size.customers/1000, size.orders/1000), func(b *testing.B) {
			db := storetest.Open(b, store.MySQL)
			url := serveFakeInChild(b, size.customers, size.orders)
			src := build(b, opts(url, "page_size: 1000", "payments: false"))
			conn := connectors.Connector{Config: config.Connector{Name: "sq", Type: "square", Timeout: config.Duration(time.Hour)}, Source: src}

			var engineTime, rawTime time.Duration
			var records int
			var peak, livePeak uint64
			for range b.N {
				b.StopTimer()
				storetest.Empty(b, db)
				settle(b, db)
				runtime.GC()
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
				settle(b, db)
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
			b.ReportMetric(float64(livePeak)/(1<<20), "peak-live-MiB")
			b.ReportMetric(0, "ns/op")
		})
	}
}

// fakeSizeEnv asks TestServeFakeSquare, in a child process, to serve a
// generated account of "customers,orders".
const fakeSizeEnv = "NAYOSE_SQUARE_FAKE_SIZE"

// serveFakeInChild starts this test binary again as a Square fake holding
// a generated account and returns its URL. The child ends with the
// benchmark.
func serveFakeInChild(tb testing.TB, customers, orders int) string {
	tb.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestServeFakeSquare$", "-test.count=1", "-test.timeout=0")
	cmd.Env = append(os.Environ(), fmt.Sprintf("%s=%d,%d", fakeSizeEnv, customers, orders))
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		tb.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		tb.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		stdin.Close() // the child stops serving when its stdin closes
		if err := cmd.Wait(); err != nil {
			tb.Logf("fake Square process: %v", err)
		}
	})
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil || !strings.HasPrefix(line, "serving ") {
		tb.Fatalf("fake Square process did not start: %q %v", line, err)
	}
	return strings.TrimSpace(strings.TrimPrefix(line, "serving "))
}

// TestServeFakeSquare is the fake of serveFakeInChild: it runs only when
// asked through fakeSizeEnv, prints "serving URL" and serves until its
// stdin closes.
func TestServeFakeSquare(t *testing.T) {
	size := os.Getenv(fakeSizeEnv)
	if size == "" {
		t.Skip("runs as the benchmark's fake Square process")
	}
	var customers, orders int
	if _, err := fmt.Sscanf(size, "%d,%d", &customers, &orders); err != nil {
		t.Fatalf("%s=%q: %v", fakeSizeEnv, size, err)
	}
	sq := &squaretest.Server{AccessToken: testToken}
	sq.Generate(1, customers, orders, time.Now().AddDate(-1, 0, 0))
	ts := httptest.NewServer(sq)
	defer ts.Close()
	fmt.Printf("serving %s\n", ts.URL)
	_, _ = io.Copy(io.Discard, os.Stdin)
}

// settle waits, untimed, until the server has written out the dirty pages
// and purged the old row versions the last phase left: otherwise InnoDB
// does that work in the background of whatever is measured next, and the
// figures depend on the order of the phases. An idle MariaDB leaves dirty
// pages in memory, so the wait asks it to flush them all
// (innodb_max_dirty_pages_pct=0) and restores the setting after.
func settle(tb testing.TB, db *store.DB) {
	tb.Helper()
	if db.Dialect != store.MySQL {
		return
	}
	status := func(name string) int64 {
		var n string
		var v int64
		if err := db.SQL.QueryRow("SHOW GLOBAL STATUS LIKE ?", name).Scan(&n, &v); err != nil {
			tb.Fatalf("reading %s: %v", name, err)
		}
		return v
	}
	var pct string
	if err := db.SQL.QueryRow("SELECT @@GLOBAL.innodb_max_dirty_pages_pct").Scan(&pct); err == nil {
		if _, err := db.SQL.Exec("SET GLOBAL innodb_max_dirty_pages_pct = 0"); err == nil {
			defer db.SQL.Exec("SET GLOBAL innodb_max_dirty_pages_pct = " + pct)
		}
	}
	for deadline := time.Now().Add(2 * time.Minute); time.Now().Before(deadline); time.Sleep(250 * time.Millisecond) {
		if status("Innodb_buffer_pool_pages_dirty") < 1000 && status("Innodb_history_list_length") < 1000 {
			return
		}
	}
	tb.Log("the server was still writing out the last phase after 2 minutes")
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
