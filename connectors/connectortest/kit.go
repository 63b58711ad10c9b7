// Package connectortest is the conformance kit: the same cases run against
// every vendor connector and its fake, through the real engine into a real
// database (SQLite and, when configured, MySQL). A connector passes when
// it syncs everything, fetches only what changed, misses nothing that
// changed during a sync or arrived late, can be re-run without effect,
// survives rate limiting and server errors, rejects a malformed record
// with its vendor id while the rest goes on, stops promptly when
// cancelled, and never logs a secret.
//
// A vendor package plugs in by implementing Vendor for its fake and
// calling Run from a test:
//
//	func TestConformance(t *testing.T) { connectortest.Run(t, squareVendor{}) }
package connectortest

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nayose/nayose/config"
	"github.com/nayose/nayose/connectors"
	"github.com/nayose/nayose/store"
	"github.com/nayose/nayose/store/storetest"
	"github.com/nayose/nayose/sync/engine"
)

// Fake is one running fake vendor, as the kit drives it. Counts are of
// records the connector is expected to import.
type Fake interface {
	// URL is the fake's base URL, to put in the connector's options.
	URL() string
	// Seed adds n people with their activities.
	Seed(n int)
	// Change modifies k existing people (and what the vendor says about
	// them) now, as a person editing them in the vendor's tool would.
	Change(k int)
	// AddLate adds a record whose change time lies before the last sync
	// (an offline sale uploaded hours later); the next sync must still
	// import it.
	AddLate()
	// Want returns how many identities and activities a complete import
	// holds.
	Want() (identities, activities int)
	// RateLimitNext makes the next n requests answer the way the vendor
	// signals rate limiting.
	RateLimitNext(n int)
	// FailNext makes the next n requests answer 500.
	FailNext(n int)
	// MalformNext makes the next page carry one malformed record and
	// returns the vendor id the reject must name.
	MalformNext() (vendorID string)
	// SetDelay makes every request take d.
	SetDelay(d time.Duration)
	// Requests counts the requests served so far.
	Requests() int
	// Close stops the fake.
	Close()
}

// PushingFake is a Fake whose vendor also pushes webhooks (LINE, Meta).
// Before each sync the kit takes the deliveries pushed since the last one
// and does what the daemon's /webhooks endpoint does: the connector
// verifies each and its events are stored for it to read.
type PushingFake interface {
	Fake
	// Deliveries returns the webhook requests pushed since the last call,
	// signed as the vendor signs them.
	Deliveries() []*http.Request
}

// Vendor describes a connector type and starts its fake.
type Vendor interface {
	// Type is the connector's `type:` name.
	Type() string
	// Register adds the connector type to r.
	Register(r *connectors.Registry)
	// Start starts an empty fake.
	Start(t testing.TB) Fake
	// Options returns the connector's `options:` block (YAML, indented
	// by nothing) pointing at baseURL, with credentials.
	Options(baseURL string) string
	// Secrets lists the credentials that no log line may show.
	Secrets() []string
}

// Run runs every conformance case against v, on each database storetest
// offers.
func Run(t *testing.T, v Vendor) {
	cases := []struct {
		name string
		fn   func(t *testing.T, h *harness)
	}{
		{"FullSync", fullSync},
		{"IncrementalFetchesOnlyChanges", incremental},
		{"LateArrivalsAreNotMissed", lateArrivals},
		{"ResyncFromScratchChangesNothing", idempotentResync},
		{"RateLimitsAndServerErrorsAreSurvived", survivesFaults},
		{"MalformedRecordIsRejectedAndTheRunGoesOn", malformed},
		{"CancellationStopsPromptly", cancellation},
	}
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				h := newHarness(t, v, db)
				defer h.fake.Close()
				c.fn(t, h)
				h.checkNoSecretLogged(t)
			})
		}
	})
}

// harness is one case's fake, database, engine and captured log.
type harness struct {
	v    Vendor
	db   *store.DB
	fake Fake
	conn connectors.Connector
	eng  *engine.Engine
	logs *lockedBuffer
}

func newHarness(t *testing.T, v Vendor, db *store.DB) *harness {
	t.Helper()
	for _, table := range []string{"customers", "customer_identities", "activities", "customer_aliases", "merge_events",
		"sync_runs", "sync_state", "rejected_records", "match_keys", "match_components", "match_reviews", "match_overrides", "webhook_events"} {
		if err := db.Gorm.Exec("DELETE FROM " + table).Error; err != nil {
			t.Fatal(err)
		}
	}
	h := &harness{v: v, db: db, logs: &lockedBuffer{}}
	h.fake = v.Start(t)
	log := slog.New(slog.NewTextHandler(h.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	yaml := fmt.Sprintf("connectors:\n  - name: conformance\n    type: %s\n    schedule: \"@hourly\"\n    timeout: 2m\n    options:\n%s",
		v.Type(), indent(v.Options(h.fake.URL()), "      "))
	cfg, err := config.Parse("conformance.yaml", []byte(yaml), func(string) (string, bool) { return "", false })
	if err != nil {
		t.Fatalf("config:\n%s\n%v", yaml, err)
	}
	reg := connectors.NewRegistry()
	v.Register(reg)
	conns, err := reg.BuildWith(cfg, connectors.BuildOptions{Logger: log, Inbox: db.Inbox()})
	if err != nil {
		t.Fatalf("building the connector: %v", err)
	}
	h.conn = conns[0]
	h.eng = engine.New(engine.Options{DB: db, Logger: log})
	return h
}

func indent(s, prefix string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	for i, l := range lines {
		lines[i] = prefix + l
	}
	return strings.Join(lines, "\n") + "\n"
}

// sync runs the connector once and fails the test unless every stream
// succeeded.
func (h *harness) sync(t *testing.T) engine.Result {
	t.Helper()
	h.deliver(t)
	res, err := h.eng.Run(context.Background(), h.conn)
	if err != nil {
		t.Fatalf("sync: %v", err)
	}
	for _, s := range res.Streams {
		if s.Status != store.RunSucceeded {
			t.Fatalf("stream %s: %s (%v)", s.Stream, s.Status, s.Err)
		}
	}
	return res
}

// deliver stores the webhooks a pushing fake sent since the last sync, as
// the daemon would.
func (h *harness) deliver(t *testing.T) {
	t.Helper()
	pf, ok := h.fake.(PushingFake)
	if !ok {
		return
	}
	recv, ok := h.conn.Source.(connectors.WebhookReceiver)
	if !ok {
		t.Fatal("the fake pushes webhooks but the connector takes none")
	}
	for _, r := range pf.Deliveries() {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			t.Fatal(err)
		}
		events, err := recv.ReceiveWebhook(r, body)
		if err != nil {
			t.Fatalf("the connector refused a delivery its fake signed: %v", err)
		}
		if _, err := h.db.SaveWebhookEvents(context.Background(), store.WebhookEventsOf(h.conn.Config.Name, events, time.Now())); err != nil {
			t.Fatal(err)
		}
	}
}

func (h *harness) count(t *testing.T, table string) int {
	t.Helper()
	var n int64
	if err := h.db.Gorm.Table(table).Count(&n).Error; err != nil {
		t.Fatal(err)
	}
	return int(n)
}

// checkComplete fails unless the database holds what the fake says a
// complete import holds.
func (h *harness) checkComplete(t *testing.T, when string) {
	t.Helper()
	wantIDs, wantActs := h.fake.Want()
	if got := h.count(t, "customer_identities"); got != wantIDs {
		t.Errorf("%s: %d identities stored, want %d", when, got, wantIDs)
	}
	if got := h.count(t, "activities"); got != wantActs {
		t.Errorf("%s: %d activities stored, want %d", when, got, wantActs)
	}
}

func (h *harness) checkNoSecretLogged(t *testing.T) {
	t.Helper()
	logs := h.logs.String()
	for _, s := range h.v.Secrets() {
		if s != "" && strings.Contains(logs, s) {
			t.Errorf("a secret (%d characters) appears in the log", len(s))
		}
	}
	var errs []string
	h.db.Gorm.Table("sync_runs").Pluck("error", &errs)
	for _, e := range errs {
		for _, s := range h.v.Secrets() {
			if s != "" && strings.Contains(e, s) {
				t.Errorf("a secret appears in sync_runs.error")
			}
		}
	}
}

func fullSync(t *testing.T, h *harness) {
	h.fake.Seed(60)
	h.sync(t)
	h.checkComplete(t, "after a full sync")
	if h.count(t, "customers") == 0 {
		t.Error("no customers were made")
	}
}

func incremental(t *testing.T, h *harness) {
	h.fake.Seed(60)
	h.sync(t)
	full := h.fake.Requests()

	// Nothing changed: far fewer requests than the full sync.
	h.sync(t)
	idle := h.fake.Requests() - full
	if idle*2 > full {
		t.Errorf("a sync with nothing new made %d requests; the full sync made %d", idle, full)
	}
	// A few changes: fetched, and nothing else re-fetched in full.
	before := h.fake.Requests()
	h.fake.Change(3)
	h.sync(t)
	if spent := h.fake.Requests() - before; spent*2 > full {
		t.Errorf("a sync of 3 changes made %d requests; the full sync made %d", spent, full)
	}
	h.checkComplete(t, "after the incremental syncs")
	var changed int64
	h.db.Gorm.Table("customer_identities").Where("last_seen_at > first_seen_at").Count(&changed)
	if changed < 3 {
		t.Errorf("%d identities were updated by the incremental sync, want at least 3", changed)
	}
}

func lateArrivals(t *testing.T, h *harness) {
	h.fake.Seed(20)
	h.sync(t)
	h.fake.AddLate()
	h.sync(t)
	h.checkComplete(t, "after a late arrival")
}

func idempotentResync(t *testing.T, h *harness) {
	h.fake.Seed(30)
	h.sync(t)
	ids, acts, customers := h.count(t, "customer_identities"), h.count(t, "activities"), h.count(t, "customers")
	if err := h.db.Gorm.Exec("DELETE FROM sync_state").Error; err != nil {
		t.Fatal(err)
	}
	h.sync(t)
	if a, b, c := h.count(t, "customer_identities"), h.count(t, "activities"), h.count(t, "customers"); a != ids || b != acts || c != customers {
		t.Errorf("a re-sync from scratch changed counts: identities %d->%d, activities %d->%d, customers %d->%d", ids, a, acts, b, customers, c)
	}
}

func survivesFaults(t *testing.T, h *harness) {
	h.fake.Seed(30)
	h.fake.RateLimitNext(2)
	h.fake.FailNext(2)
	h.sync(t)
	h.checkComplete(t, "after rate limits and server errors")
}

func malformed(t *testing.T, h *harness) {
	h.fake.Seed(30)
	id := h.fake.MalformNext()
	h.deliver(t)
	res, err := h.eng.Run(context.Background(), h.conn)
	if err != nil {
		t.Fatalf("a malformed record failed the sync: %v", err)
	}
	for _, s := range res.Streams {
		if s.Status != store.RunSucceeded {
			t.Errorf("stream %s: %s (%v)", s.Stream, s.Status, s.Err)
		}
	}
	var rejects []store.RejectedRecord
	h.db.Gorm.Find(&rejects)
	if len(rejects) != 1 || rejects[0].ExternalID != id || rejects[0].Reason == "" {
		t.Errorf("rejects = %+v, want one naming vendor id %q with a reason", rejects, id)
	}
	wantIDs, wantActs := h.fake.Want()
	got := h.count(t, "customer_identities") + h.count(t, "activities")
	if got != wantIDs+wantActs-1 {
		t.Errorf("stored %d records, want all %d but the malformed one", got, wantIDs+wantActs-1)
	}
}

func cancellation(t *testing.T, h *harness) {
	h.fake.Seed(200)
	h.deliver(t)
	h.fake.SetDelay(200 * time.Millisecond)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan engine.Result, 1)
	go func() {
		res, _ := h.eng.Run(ctx, h.conn)
		done <- res
	}()
	time.Sleep(300 * time.Millisecond)
	cancel()
	select {
	case res := <-done:
		if n := len(res.Streams); n == 0 || res.Streams[n-1].Status != store.RunCanceled {
			t.Errorf("after cancellation the streams are %+v, want the last one canceled", res.Streams)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the sync did not stop within 5 s of cancellation")
	}
	h.fake.SetDelay(0)
}

// lockedBuffer is a log sink safe for concurrent writers.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
