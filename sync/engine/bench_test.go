package engine_test

import (
	"context"
	stdcsv "encoding/csv"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nayose/nayose/config"
	"github.com/nayose/nayose/connectors"
	"github.com/nayose/nayose/connectors/all"
	"github.com/nayose/nayose/mapping"
	"github.com/nayose/nayose/mapping/resolve/eval"
	"github.com/nayose/nayose/store"
	"github.com/nayose/nayose/store/storetest"
	"github.com/nayose/nayose/sync/engine"
)

// benchRows is the size of the customer export each iteration imports.
const benchRows = 20000

// writeBenchCSV writes a Japanese customer export of n rows.
func writeBenchCSV(tb testing.TB, dir string, n int) string {
	tb.Helper()
	path := filepath.Join(dir, "customers.csv")
	f, err := os.Create(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	w := stdcsv.NewWriter(f)
	w.Write([]string{"顧客番号", "氏名", "フリガナ", "メールアドレス", "電話番号", "生年月日", "郵便番号", "住所"})
	// A realistic export: the generated customers of a Japanese business,
	// about two records per person, with households, namesakes and every
	// way of writing names, phones, addresses and dates.
	for _, r := range eval.Japanese(1, n/2+n/10)[:n] {
		name := r.FullName
		if name == "" {
			name = strings.TrimSpace(r.FamilyName + " " + r.GivenName)
		}
		w.Write([]string{r.RecordID, name, r.NameKana, r.Email, r.Phone, r.Birthday, r.PostalCode, r.Address})
	}
	w.Flush()
	if err := w.Error(); err != nil {
		tb.Fatal(err)
	}
	return path
}

func benchConnector(tb testing.TB, csvPath string) connectors.Connector {
	tb.Helper()
	yaml := fmt.Sprintf(`connectors:
  - name: bench
    type: csv
    schedule: "@daily"
    options:
      customers:
        path: %s
        id_column: 顧客番号
        columns: {氏名: full_name, フリガナ: name_kana, メールアドレス: email, 電話番号: phone, 生年月日: birthday, 郵便番号: postal_code, 住所: address}
`, csvPath)
	cfg, err := config.Parse("bench.yaml", []byte(yaml), func(string) (string, bool) { return "", false })
	if err != nil {
		tb.Fatal(err)
	}
	conns, err := all.Registry().Build(cfg, nil)
	if err != nil {
		tb.Fatal(err)
	}
	return conns[0]
}

// peakHeap samples live heap bytes until stopped, and returns the peak.
func peakHeap() (stop func() uint64) {
	var peak atomic.Uint64
	done := make(chan struct{})
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	go func() {
		t := time.NewTicker(100 * time.Millisecond)
		defer t.Stop()
		for {
			metrics.Read(sample)
			if v := sample[0].Value.Uint64(); v > peak.Load() {
				peak.Store(v)
			}
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	}()
	return func() uint64 { close(done); return peak.Load() }
}

// BenchmarkCSVImport imports a customer export through the engine (parse,
// normalize, link, upsert identities, create and recompute customers,
// commit page + cursor) and, in the same run, inserts the same rows with a
// raw multi-row INSERT ... ON DUPLICATE KEY UPDATE (ON CONFLICT on SQLite).
// engine/raw is the share of raw speed the engine keeps.
func BenchmarkCSVImport(b *testing.B) {
	for _, dialect := range storetest.Dialects {
		b.Run(dialect, func(b *testing.B) {
			db := storetest.Open(b, dialect)
			path := writeBenchCSV(b, b.TempDir(), benchRows)
			conn := benchConnector(b, path)
			e := engine.New(engine.Options{DB: db})
			var engineTime, rawTime time.Duration
			var peak uint64
			b.ResetTimer()
			for range b.N {
				b.StopTimer()
				storetest.Empty(b, db)
				runtime.GC()
				stop := peakHeap()
				b.StartTimer()

				start := time.Now()
				res, err := e.Run(context.Background(), conn)
				if err != nil {
					b.Fatal(err)
				}
				engineTime += time.Since(start)
				if st := res.Streams[0]; st.Written+st.Rejected != benchRows || st.Written < benchRows*99/100 {
					b.Fatalf("written %d, rejected %d, want %d rows", st.Written, st.Rejected, benchRows)
				}
				peak = max(peak, stop())

				b.StopTimer()
				storetest.Empty(b, db)
				b.StartTimer()
				start = time.Now()
				if err := rawUpsert(db, path, db.BatchRows); err != nil {
					b.Fatal(err)
				}
				rawTime += time.Since(start)
			}
			b.StopTimer()
			recs := float64(benchRows * b.N)
			b.ReportMetric(recs/engineTime.Seconds(), "engine-rec/s")
			b.ReportMetric(recs/rawTime.Seconds(), "raw-rec/s")
			b.ReportMetric(rawTime.Seconds()/engineTime.Seconds(), "engine/raw")
			b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MiB")
			b.ReportMetric(0, "ns/op")
		})
	}
}

// rawUpsert is the baseline: read the CSV and upsert its rows straight into
// customer_identities, batch rows per statement, no linking, no customers.
func rawUpsert(db *store.DB, path string, batch int) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	r := stdcsv.NewReader(f)
	if _, err := r.Read(); err != nil {
		return err
	}
	cols := []string{"customer_id", "source", "source_type", "external_id", "full_name", "name_kana", "email", "emails", "phone", "phones",
		"birthday", "postal_code", "address", "email_key", "phone_key", "name_key", "raw", "first_seen_at", "last_seen_at"}
	var head, tail string
	if db.Dialect == store.MySQL {
		head = "INSERT INTO customer_identities (" + strings.Join(cols, ", ") + ") VALUES "
		sets := make([]string, 0, len(cols))
		for _, c := range cols[4:] {
			sets = append(sets, c+" = VALUES("+c+")")
		}
		tail = " ON DUPLICATE KEY UPDATE " + strings.Join(sets, ", ")
	} else {
		head = "INSERT INTO customer_identities (" + strings.Join(cols, ", ") + ") VALUES "
		sets := make([]string, 0, len(cols))
		for _, c := range cols[4:] {
			sets = append(sets, c+" = excluded."+c)
		}
		tail = " ON CONFLICT (source, external_id) DO UPDATE SET " + strings.Join(sets, ", ")
	}
	tuple := "(" + strings.TrimSuffix(strings.Repeat("?, ", len(cols)), ", ") + ")"
	now := time.Now().UTC()
	var args []any
	n := 0
	flush := func() error {
		if n == 0 {
			return nil
		}
		q := head + strings.TrimSuffix(strings.Repeat(tuple+", ", n), ", ") + tail
		if _, err := db.SQL.Exec(q, args...); err != nil {
			return err
		}
		args, n = args[:0], 0
		return nil
	}
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		birthday := ""
		if d, err := mapping.ParseDate(rec[5]); err == nil {
			birthday = d.String()
		}
		args = append(args, 0, "bench", "csv", rec[0], rec[1], rec[2], rec[3], `["`+rec[3]+`"]`, rec[4], `["`+rec[4]+`"]`,
			birthday, rec[6], rec[7], mapping.EmailKey(rec[3]), mapping.PhoneKey(rec[4], "JP"), mapping.NameKey(rec[1]), "{}", now, now)
		if n++; n == batch {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	return flush()
}
