package notify_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nayose/nayose/notify"
	"github.com/nayose/nayose/store"
	"github.com/nayose/nayose/store/storetest"
)

// t0 is 10:00 in Tokyo on a Monday.
var t0 = time.Date(2026, 11, 23, 10, 0, 0, 0, tokyo)

// clock is a settable time for Enqueue.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

func newOutbox(t *testing.T, o notify.OutboxOptions) *notify.Outbox {
	t.Helper()
	ob, err := notify.NewOutbox(o)
	if err != nil {
		t.Fatal(err)
	}
	return ob
}

func alertRows(t *testing.T, db *store.DB) []store.Alert {
	t.Helper()
	var rows []store.Alert
	if err := db.Gorm.Order("id").Find(&rows).Error; err != nil {
		t.Fatal(err)
	}
	return rows
}

func statuses(rows []store.Alert) []string {
	out := make([]string, len(rows))
	for i, r := range rows {
		out[i] = r.Status
	}
	return out
}

func pending(key, rule, title string, at time.Time) notify.Pending {
	return notify.Pending{DedupKey: key, Alert: notify.Alert{Rule: rule, Title: title, At: at,
		Fields: []notify.Field{{Label: "Key", Value: key}}}}
}

func deliver(t *testing.T, ob *notify.Outbox, now time.Time) notify.Delivery {
	t.Helper()
	d, err := ob.Deliver(context.Background(), now)
	if err != nil {
		t.Fatalf("Deliver at %v: %v", now, err)
	}
	return d
}

func TestOutbox_EnqueueTwiceAlertsOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFakeSlack(t)
		clk := &clock{t: t0}
		ob := newOutbox(t, notify.OutboxOptions{DB: db, Notifier: newSlack(t, modes(f)["bot token"]), Now: clk.Now})
		ctx := context.Background()
		customer := int64(42)
		first := pending("new_inquiry:activity:1", "new_inquiry", "New inquiry from 山田 花子", t0.Add(-5*time.Minute))
		first.CustomerID = &customer
		batch := []notify.Pending{first, first, pending("new_inquiry:activity:2", "new_inquiry", "New inquiry from 鈴木", t0)}
		if n, err := ob.Enqueue(ctx, batch); err != nil || n != 2 {
			t.Fatalf("first Enqueue = %d, %v; want 2 new (the repeat in the batch skipped)", n, err)
		}
		// A re-sync raises the same alerts again.
		if n, err := ob.Enqueue(ctx, batch); err != nil || n != 0 {
			t.Fatalf("second Enqueue = %d, %v; want 0 new", n, err)
		}
		now := t0.Add(time.Minute)
		if d := deliver(t, ob, now); d != (notify.Delivery{Sent: 2, Messages: 2}) {
			t.Errorf("Deliver = %+v, want 2 sent in 2 messages", d)
		}
		// After delivery, neither a tick nor a restart's re-enqueue sends again.
		if n, err := ob.Enqueue(ctx, batch); err != nil || n != 0 {
			t.Fatalf("Enqueue after sending = %d, %v; want 0 new", n, err)
		}
		if d := deliver(t, ob, now.Add(time.Minute)); d != (notify.Delivery{}) {
			t.Errorf("second Deliver = %+v, want nothing", d)
		}
		if posts := f.Posts(); len(posts) != 2 || !strings.HasPrefix(posts[0].Text, "New inquiry from 山田 花子") {
			t.Fatalf("Slack got %d messages (%+v), want 2, oldest first", len(posts), posts)
		}

		rows := alertRows(t, db)
		if len(rows) != 2 {
			t.Fatalf("%d rows, want 2", len(rows))
		}
		r := rows[0]
		if r.Rule != "new_inquiry" || r.DedupKey != "new_inquiry:activity:1" || r.CustomerID == nil || *r.CustomerID != 42 ||
			r.Status != store.AlertSent || r.Channel != "slack:#shop-alerts" || r.Attempts != 0 || r.Error != "" {
			t.Errorf("row = %+v", r)
		}
		// Times are instants in UTC: 10:01 in Tokyo is 01:01 UTC.
		if !r.CreatedAt.Equal(t0) || r.SentAt == nil || !r.SentAt.Equal(now) {
			t.Errorf("created_at %v, sent_at %v; want %v and %v", r.CreatedAt, r.SentAt, t0.UTC(), now.UTC())
		}
		wantPayload := `{"title":"New inquiry from 山田 花子","fields":[{"label":"Key","value":"new_inquiry:activity:1"}],"at":"2026-11-23T00:55:00Z"}`
		if r.Payload != wantPayload {
			t.Errorf("payload = %s\nwant      %s", r.Payload, wantPayload)
		}
	})
}

func TestOutbox_FailedSendIsRetriedOnALaterTick(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFakeSlack(t)
		ob := newOutbox(t, notify.OutboxOptions{DB: db, Notifier: newSlack(t, modes(f)["webhook"]), Now: func() time.Time { return t0 }})
		if _, err := ob.Enqueue(context.Background(), []notify.Pending{pending("k1", "new_inquiry", "One", t0)}); err != nil {
			t.Fatal(err)
		}
		f.Fail(fault{status: http.StatusInternalServerError})
		if d := deliver(t, ob, t0); d != (notify.Delivery{Failed: 1}) {
			t.Errorf("Deliver while Slack fails = %+v, want 1 failed", d)
		}
		r := alertRows(t, db)[0]
		if r.Status != store.AlertPending || r.Attempts != 1 || r.SentAt != nil || r.NotBefore == nil || !r.NotBefore.Equal(t0.Add(30*time.Second)) {
			t.Errorf("after a failure: status %s, attempts %d, sent_at %v, not_before %v; want pending, 1, none, %v", r.Status, r.Attempts, r.SentAt, r.NotBefore, t0.Add(30*time.Second).UTC())
		}
		if r.Error != "posting to Slack incoming webhook: slack server error: 500 Internal Server Error" {
			t.Errorf("error recorded = %q", r.Error)
		}
		if strings.Contains(r.Error, "HOOKSECRET") {
			t.Errorf("the webhook URL is stored in the error: %s", r.Error)
		}
		// Within the backoff nothing is tried.
		before := len(f.Requests())
		if d := deliver(t, ob, t0.Add(10*time.Second)); d != (notify.Delivery{}) || len(f.Requests()) != before {
			t.Errorf("Deliver within the backoff = %+v with %d requests; want nothing", d, len(f.Requests())-before)
		}
		// The next tick sends it.
		next := t0.Add(time.Minute)
		if d := deliver(t, ob, next); d != (notify.Delivery{Sent: 1, Messages: 1}) {
			t.Errorf("Deliver on the next tick = %+v, want 1 sent", d)
		}
		r = alertRows(t, db)[0]
		if r.Status != store.AlertSent || r.SentAt == nil || !r.SentAt.Equal(next) || r.Error != "" || r.Attempts != 1 {
			t.Errorf("after the retry: %+v", r)
		}
		if len(f.Posts()) != 1 {
			t.Errorf("Slack accepted %d messages, want 1", len(f.Posts()))
		}
	})
}

func TestOutbox_QuietHoursHoldThenRelease(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFakeSlack(t)
		night := time.Date(2026, 11, 23, 23, 0, 0, 0, tokyo)
		ob := newOutbox(t, notify.OutboxOptions{
			DB: db, Notifier: newSlack(t, modes(f)["bot token"]), Now: func() time.Time { return night },
			Location: tokyo, QuietHours: notify.QuietHours{From: 22 * time.Hour, To: 8 * time.Hour},
		})
		var batch []notify.Pending
		for i := range 5 {
			batch = append(batch, pending(fmt.Sprint("inq", i), "new_inquiry", fmt.Sprint("Inquiry ", i), night.Add(time.Duration(i)*time.Minute)))
		}
		batch = append(batch, pending("dormant:7", "dormant", "Sato has not come for 90 days", night))
		if _, err := ob.Enqueue(context.Background(), batch); err != nil {
			t.Fatal(err)
		}
		for _, now := range []time.Time{night, night.Add(3 * time.Hour), time.Date(2026, 11, 24, 7, 59, 59, 0, tokyo)} {
			if d := deliver(t, ob, now); d != (notify.Delivery{Held: 6}) {
				t.Errorf("Deliver at %s = %+v, want 6 held", now.Format(time.Kitchen), d)
			}
		}
		if got := statuses(alertRows(t, db)); slices.ContainsFunc(got, func(s string) bool { return s != store.AlertHeld }) {
			t.Errorf("statuses during quiet hours = %v, want all held", got)
		}
		if n := len(f.Requests()); n != 0 {
			t.Fatalf("%d messages during quiet hours", n)
		}
		morning := time.Date(2026, 11, 24, 8, 0, 0, 0, tokyo)
		if d := deliver(t, ob, morning); d != (notify.Delivery{Sent: 6, Messages: 2}) {
			t.Errorf("Deliver at 08:00 = %+v, want 6 sent in 2 messages (a digest and one alert)", d)
		}
		posts := f.Posts()
		if len(posts) != 2 {
			t.Fatalf("%d messages at 08:00, want 2", len(posts))
		}
		if got := lines(t, posts[0].Blocks)[0]; got != "header: 5 new inquiries" {
			t.Errorf("first message starts %q, want the digest of the 5 inquiries", got)
		}
		if got := lines(t, posts[1].Blocks)[0]; got != "header: Sato has not come for 90 days" {
			t.Errorf("second message starts %q", got)
		}
		if got := statuses(alertRows(t, db)); slices.ContainsFunc(got, func(s string) bool { return s != store.AlertSent }) {
			t.Errorf("statuses after quiet hours = %v, want all sent", got)
		}
	})
}

func TestOutbox_BurstBecomesOneDigest(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFakeSlack(t)
		ob := newOutbox(t, notify.OutboxOptions{
			DB: db, Notifier: newSlack(t, modes(f)["bot token"]), Now: func() time.Time { return t0 },
			DigestTitle: func(rule string, n int) string {
				if rule == "new_inquiry" {
					return fmt.Sprintf("%d new inquiries", n)
				}
				return fmt.Sprintf("%d %s", n, rule)
			},
		})
		// 12 inquiries in a burst, and 3 dormant customers among them: 3
		// is not more than BatchOver, so those go one by one.
		var batch []notify.Pending
		for i := range 12 {
			batch = append(batch, pending(fmt.Sprint("inq", i), "new_inquiry", fmt.Sprint("Inquiry ", i+1), t0.Add(time.Duration(i)*time.Second)))
			if i%4 == 1 {
				batch = append(batch, pending(fmt.Sprint("dormant", i), "dormant", fmt.Sprint("Dormant ", i), t0))
			}
		}
		if n, err := ob.Enqueue(context.Background(), batch); err != nil || n != 15 {
			t.Fatalf("Enqueue = %d, %v", n, err)
		}
		if d := deliver(t, ob, t0); d != (notify.Delivery{Sent: 15, Messages: 4}) {
			t.Errorf("Deliver = %+v, want 15 sent in 4 messages", d)
		}
		var heads []string
		for _, p := range f.Posts() {
			heads = append(heads, lines(t, p.Blocks)[0])
		}
		want := []string{"header: 12 new inquiries", "header: Dormant 1", "header: Dormant 5", "header: Dormant 9"}
		if !slices.Equal(heads, want) {
			t.Errorf("messages, oldest first: %q\nwant %q", heads, want)
		}
		digest := lines(t, f.Posts()[0].Blocks)
		if !slices.Contains(digest, "section: _…and 2 more_") || !slices.Contains(digest, "field: *Key*\ninq9") || slices.Contains(digest, "field: *Key*\ninq10") {
			t.Errorf("digest shows the first 10 and counts the rest:\n%s", strings.Join(digest, "\n"))
		}
	})
}

func TestOutbox_RateLimitDefersTheRestUntilRetryAfter(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFakeSlack(t)
		o := modes(f)["bot token"]
		o.MaxWait = 10 * time.Second // Slack's 120s is left to the outbox
		ob := newOutbox(t, notify.OutboxOptions{DB: db, Notifier: newSlack(t, o), Now: func() time.Time { return t0 }})
		if _, err := ob.Enqueue(context.Background(), []notify.Pending{
			pending("a", "new_inquiry", "A", t0), pending("b", "dormant", "B", t0),
		}); err != nil {
			t.Fatal(err)
		}
		f.Fail(fault{status: http.StatusTooManyRequests, retryAfter: "120"})
		if d := deliver(t, ob, t0); d != (notify.Delivery{Failed: 1}) {
			t.Errorf("Deliver = %+v, want the first failed and the second not tried", d)
		}
		if n := len(f.Requests()); n != 1 {
			t.Errorf("%d requests while rate limited, want 1", n)
		}
		r := alertRows(t, db)[0]
		if r.NotBefore == nil || !r.NotBefore.Equal(t0.Add(120*time.Second)) {
			t.Errorf("not_before = %v, want Retry-After from now, %v", r.NotBefore, t0.Add(120*time.Second).UTC())
		}
		// B was never tried, so it goes on the next tick; A waits.
		if d := deliver(t, ob, t0.Add(time.Minute)); d != (notify.Delivery{Sent: 1, Messages: 1}) {
			t.Errorf("Deliver a minute later = %+v, want B only", d)
		}
		if d := deliver(t, ob, t0.Add(2*time.Minute)); d != (notify.Delivery{Sent: 1, Messages: 1}) {
			t.Errorf("Deliver after Retry-After = %+v, want A", d)
		}
		if got := statuses(alertRows(t, db)); !slices.Equal(got, []string{"sent", "sent"}) {
			t.Errorf("statuses = %v", got)
		}
	})
}

// notifierFunc is a notifier made of a function, for outbox tests that
// need to act in the middle of a delivery.
type notifierFunc func(ctx context.Context, a notify.Alert) error

func (f notifierFunc) Notify(ctx context.Context, a notify.Alert) error { return f(ctx, a) }

func TestOutbox_AlertAcceptedAsContextEndsIsMarkedSent(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		var got []string
		n := notifierFunc(func(_ context.Context, a notify.Alert) error {
			got = append(got, a.Title)
			cancel() // the daemon stops just as the message went out
			return nil
		})
		ob := newOutbox(t, notify.OutboxOptions{DB: db, Notifier: n, Now: func() time.Time { return t0 }})
		if _, err := ob.Enqueue(ctx, []notify.Pending{pending("a", "r1", "A", t0), pending("b", "r2", "B", t0)}); err != nil {
			t.Fatal(err)
		}
		d, err := ob.Deliver(ctx, t0)
		if !errors.Is(err, context.Canceled) || d.Sent != 1 {
			t.Errorf("Deliver = %+v, %v; want 1 sent, then context.Canceled", d, err)
		}
		if s := statuses(alertRows(t, db)); !slices.Equal(s, []string{"sent", "pending"}) || !slices.Equal(got, []string{"A"}) {
			t.Errorf("statuses %v after sending %v; want A sent (it went out) and B pending", s, got)
		}
	})
}

func TestOutbox_OneDelivererAtATime(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		entered, release := make(chan struct{}), make(chan struct{})
		blocking := notifierFunc(func(ctx context.Context, a notify.Alert) error {
			close(entered)
			<-release
			return nil
		})
		var sentByB int
		counting := notifierFunc(func(ctx context.Context, a notify.Alert) error { sentByB++; return nil })
		a := newOutbox(t, notify.OutboxOptions{DB: db, Notifier: blocking, Now: func() time.Time { return t0 }})
		b := newOutbox(t, notify.OutboxOptions{DB: db, Notifier: counting, Now: func() time.Time { return t0 }})
		if _, err := a.Enqueue(context.Background(), []notify.Pending{pending("k", "r", "T", t0)}); err != nil {
			t.Fatal(err)
		}
		done := make(chan notify.Delivery)
		go func() {
			d, _ := a.Deliver(context.Background(), t0)
			done <- d
		}()
		<-entered
		if d := deliver(t, b, t0); !d.Busy || d.Sent != 0 {
			t.Errorf("second process delivered %+v while the first was at it; want Busy", d)
		}
		close(release)
		if d := <-done; d.Sent != 1 {
			t.Errorf("first process: %+v", d)
		}
		if d := deliver(t, b, t0); d.Busy || d.Sent != 0 || sentByB != 0 {
			t.Errorf("after the first is done: %+v, %d sent by the second; want not busy, nothing left", d, sentByB)
		}
	})
}

func TestOutbox_EnqueueRefusesWhatCannotBeStored(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ob := newOutbox(t, notify.OutboxOptions{DB: db, Notifier: &notify.Console{W: &bytes.Buffer{}}})
		for _, tt := range []struct {
			p    notify.Pending
			want string
		}{
			{pending("", "r", "t", t0), "queueing alert 0 (r): it has no dedup key"},
			{pending(strings.Repeat("k", 192), "r", "t", t0), "is longer than 191 bytes"},
			{pending("k", "", "t", t0), `the rule must be 1 to 64 bytes, not ""`},
		} {
			n, err := ob.Enqueue(context.Background(), []notify.Pending{tt.p})
			if err == nil || !strings.Contains(err.Error(), tt.want) || n != 0 {
				t.Errorf("Enqueue(%q, %q) = %d, %v; want an error containing %q", tt.p.DedupKey, tt.p.Alert.Rule, n, err, tt.want)
			}
		}
		if rows := alertRows(t, db); len(rows) != 0 {
			t.Errorf("%d rows stored from refused alerts", len(rows))
		}
	})
}

func TestOutbox_ConsoleGetsDigestsToo(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		var out bytes.Buffer
		var logs bytes.Buffer
		ob := newOutbox(t, notify.OutboxOptions{
			DB: db, Notifier: &notify.Console{W: &out, Location: tokyo}, Now: func() time.Time { return t0 },
			Logger: slog.New(slog.NewTextHandler(&logs, nil)),
		})
		var batch []notify.Pending
		for i := range 4 {
			batch = append(batch, pending(fmt.Sprint(i), "new_inquiry", fmt.Sprint("Inquiry ", i), t0.Add(time.Duration(i)*time.Minute)))
		}
		if _, err := ob.Enqueue(context.Background(), batch); err != nil {
			t.Fatal(err)
		}
		if d := deliver(t, ob, t0); d != (notify.Delivery{Sent: 4, Messages: 1}) {
			t.Errorf("Deliver = %+v", d)
		}
		if !strings.HasPrefix(out.String(), "[2026-11-23 10:03] new_inquiry: 4 new inquiries\n  - [2026-11-23 10:00] Inquiry 0\n      Key: 0\n") {
			t.Errorf("console:\n%s", out.String())
		}
		if rows := alertRows(t, db); rows[0].Channel != "console" {
			t.Errorf("channel = %q, want console", rows[0].Channel)
		}
		if !strings.Contains(logs.String(), "alerts delivered") {
			t.Errorf("delivery not logged: %s", logs.String())
		}
	})
}
