package daemon

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"iter"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	gosync "sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nayose/nayose/config"
	"github.com/nayose/nayose/connectors"
	"github.com/nayose/nayose/notify"
	"github.com/nayose/nayose/store"
	"github.com/nayose/nayose/store/storetest"
	"github.com/nayose/nayose/sync/engine"
	"github.com/prometheus/client_golang/prometheus"
)

// slowStream blocks in its first page until released or cancelled.
type slowStream struct {
	starts  atomic.Int32
	release chan struct{}
}

func (s *slowStream) Name() string { return "customers" }

func (s *slowStream) Pages(ctx context.Context, cursor string) iter.Seq2[connectors.Page, error] {
	return func(yield func(connectors.Page, error) bool) {
		s.starts.Add(1)
		select {
		case <-s.release:
			yield(connectors.Page{Identities: []connectors.Identity{{ExternalID: "1", FullName: "山田 花子"}}, Cursor: "1"}, nil)
		case <-ctx.Done():
			yield(connectors.Page{}, ctx.Err())
		}
	}
}

type streams []connectors.Stream

func (s streams) Streams() []connectors.Stream { return s }

// panicSource panics outside any stream, in the engine's hands.
type panicSource struct{}

func (panicSource) Streams() []connectors.Stream { panic("bad source") }

func conn(t *testing.T, name, spec string, src connectors.Source) connectors.Connector {
	t.Helper()
	sched, err := config.ParseSchedule(spec)
	if err != nil {
		t.Fatal(err)
	}
	return connectors.Connector{
		Config: config.Connector{Name: name, Type: "test", Schedule: sched, Timeout: config.Duration(time.Minute), RunOnStart: true},
		Source: src,
	}
}

// syncBuffer is a log sink safe for the daemon's goroutines.
type syncBuffer struct {
	mu gosync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestDaemon_SlowJobNeverOverlapsItself(t *testing.T) {
	db := storetest.Open(t, store.SQLite)
	s := &slowStream{release: make(chan struct{})}
	c := conn(t, "slow", "@every 1h", streams{s})
	logs := &syncBuffer{}
	d := New(Options{Runner: engine.New(engine.Options{DB: db}), DB: db, Connectors: []connectors.Connector{c}, Logger: slog.New(slog.NewTextHandler(logs, nil))})
	ctx := context.Background()
	first := make(chan struct{})
	go func() { d.runJob(ctx, c); close(first) }()
	waitFor(t, "the first run to start", func() bool { return s.starts.Load() == 1 })
	d.runJob(ctx, c) // the scheduler fires again while the first run is going
	if got := s.starts.Load(); got != 1 {
		t.Errorf("stream started %d times, want 1", got)
	}
	if !strings.Contains(logs.String(), "previous run still going") {
		t.Errorf("no skip logged:\n%s", logs)
	}
	close(s.release)
	<-first
	d.runJob(ctx, c)
	if got := s.starts.Load(); got != 2 {
		t.Errorf("after the first run ended, starts = %d, want 2", got)
	}
}

func TestDaemon_PanicInJobIsLoggedAndDaemonLivesOn(t *testing.T) {
	db := storetest.Open(t, store.SQLite)
	logs := &syncBuffer{}
	bad := conn(t, "bad", "@every 1h", panicSource{})
	d := New(Options{Runner: engine.New(engine.Options{DB: db}), DB: db, Connectors: []connectors.Connector{bad}, Logger: slog.New(slog.NewTextHandler(logs, nil))})
	d.runJob(context.Background(), bad)
	d.runJob(context.Background(), bad) // the flag was released despite the panic
	if n := strings.Count(logs.String(), "job panicked"); n != 2 {
		t.Errorf("panics logged %d times, want 2:\n%s", n, logs)
	}
}

func TestDaemon_StopsPromptlyWithNothingHalfWritten(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := &slowStream{release: make(chan struct{})}
		reg := prometheus.NewRegistry()
		d := New(Options{
			Runner:     engine.New(engine.Options{DB: db, Metrics: engine.NewMetrics(reg)}),
			DB:         db,
			Connectors: []connectors.Connector{conn(t, "slow", "* * * * *", streams{s})},
			Listen:     "127.0.0.1:0",
			Gatherer:   reg,
			Location:   time.UTC,
		})
		ctx, stop := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- d.Run(ctx) }()
		waitFor(t, "the run on start", func() bool { return s.starts.Load() == 1 })

		get := func(path string) (int, string) {
			resp, err := http.Get("http://" + d.Addr() + path)
			if err != nil {
				t.Fatalf("GET %s: %v", path, err)
			}
			defer resp.Body.Close()
			b, _ := io.ReadAll(resp.Body)
			return resp.StatusCode, string(b)
		}
		if code, _ := get("/healthz"); code != 200 {
			t.Errorf("/healthz = %d", code)
		}
		if code, _ := get("/readyz"); code != 200 {
			t.Errorf("/readyz = %d", code)
		}

		stopped := time.Now()
		stop()
		select {
		case err := <-done:
			if err != nil {
				t.Fatalf("Run: %v", err)
			}
		case <-time.After(15 * time.Second):
			t.Fatal("daemon did not stop within 15s")
		}
		if took := time.Since(stopped); took > 5*time.Second {
			t.Errorf("stopping took %s", took)
		}
		var runs []store.SyncRun
		db.Gorm.Find(&runs)
		if len(runs) != 1 || runs[0].Status != store.RunCanceled || runs[0].FinishedAt == nil {
			t.Errorf("runs = %+v, want one canceled and finished", runs)
		}
		var n int64
		db.Gorm.Model(&store.Identity{}).Count(&n)
		if n != 0 {
			t.Errorf("identities = %d after a cancelled page, want 0", n)
		}
		mfs, _ := reg.Gather()
		found := false
		for _, mf := range mfs {
			if mf.GetName() == "nayose_sync_runs_total" {
				found = true
			}
		}
		if !found {
			t.Error("nayose_sync_runs_total not exported")
		}
	})
}

func TestDaemon_MetricsEndpointServesNayoseMetrics(t *testing.T) {
	db := storetest.Open(t, store.SQLite)
	reg := prometheus.NewRegistry()
	e := engine.New(engine.Options{DB: db, Metrics: engine.NewMetrics(reg)})
	s := &slowStream{release: make(chan struct{})}
	close(s.release)
	c := conn(t, "shop", "@daily", streams{s})
	if _, err := e.Run(context.Background(), c); err != nil {
		t.Fatal(err)
	}
	d := New(Options{Runner: e, DB: db, Gatherer: reg})
	rec := httptest.NewRecorder()
	d.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	for _, want := range []string{
		`nayose_sync_runs_total{connector="shop",status="succeeded",stream="customers"} 1`,
		`nayose_sync_records_total{connector="shop",outcome="written",stream="customers"} 1`,
		`nayose_sync_last_success_timestamp_seconds{connector="shop",stream="customers"}`,
	} {
		if !strings.Contains(rec.Body.String(), want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
}

// failingStream fails at once, as a vendor outage would.
type failingStream struct{}

func (failingStream) Name() string { return "orders" }

func (failingStream) Pages(ctx context.Context, cursor string) iter.Seq2[connectors.Page, error] {
	return func(yield func(connectors.Page, error) bool) {
		yield(connectors.Page{}, errors.New("vendor answered 503"))
	}
}

func TestDaemon_FailedRunIsAlerted(t *testing.T) {
	db := storetest.Open(t, store.SQLite)
	var out syncBuffer
	c := conn(t, "pos", "@hourly", streams{failingStream{}})
	d := New(Options{Runner: engine.New(engine.Options{DB: db}), DB: db, Connectors: []connectors.Connector{c},
		Notifier: &notify.Console{W: &out}, Location: time.UTC})
	d.runJob(context.Background(), c)
	for _, want := range []string{"sync_failed: pos/orders failed after 0 records", "error: vendor answered 503", "next run:"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("alert lacks %q:\n%s", want, out.String())
		}
	}
}

// Tasks run on their schedule, AfterSync after each connector run, and
// services until the daemon stops, which waits for them.
func TestDaemon_TasksAfterSyncAndServices(t *testing.T) {
	db := storetest.Open(t, store.SQLite)
	sched, err := config.ParseSchedule("@every 1s")
	if err != nil {
		t.Fatal(err)
	}
	var tasks, afterSync atomic.Int32
	var serviceStopped atomic.Bool
	c := conn(t, "pos", "@hourly", streams{failingStream{}})
	d := New(Options{Runner: engine.New(engine.Options{DB: db}), DB: db, Connectors: []connectors.Connector{c}, Location: time.UTC,
		Tasks: []Task{
			{Name: "count", Schedule: sched, Run: func(context.Context) error { tasks.Add(1); return nil }},
			{Name: "busy", Schedule: sched, Run: func(context.Context) error { return fmt.Errorf("elsewhere: %w", engine.ErrBusy) }},
		},
		AfterSync: func(context.Context) { afterSync.Add(1) },
		Services:  []func(context.Context){func(ctx context.Context) { <-ctx.Done(); serviceStopped.Store(true) }},
	})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- d.Run(ctx) }()
	waitFor(t, "a task run and the after-sync hook", func() bool { return tasks.Load() >= 1 && afterSync.Load() >= 1 })
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if !serviceStopped.Load() {
		t.Error("Run returned before its service stopped")
	}
}
