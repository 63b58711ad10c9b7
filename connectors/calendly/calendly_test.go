package calendly_test

import (
	"context"
	"errors"
	"fmt"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nayose/nayose/config"
	"github.com/nayose/nayose/connectors"
	"github.com/nayose/nayose/connectors/calendly"
	"github.com/nayose/nayose/connectors/calendly/calendlytest"
	"github.com/nayose/nayose/connectors/connectortest"
	"github.com/nayose/nayose/connectors/httpx"
	dbstore "github.com/nayose/nayose/store"
	"github.com/nayose/nayose/store/storetest"
	"golang.org/x/oauth2"
)

const testToken = "calendly-pat-test-secret-4f2a9d"

func newFake(t *testing.T) (*calendlytest.Server, *httptest.Server) {
	t.Helper()
	cal := &calendlytest.Server{PersonalAccessToken: testToken}
	return cal, cal.Serve(t)
}

func build(t testing.TB, options string) connectors.Source {
	return connectortest.Build(t, calendly.Register, calendly.TypeName, "cal", options)
}

func opts(url string, extra ...string) string {
	return fmt.Sprintf("token: %s\nbase_url: %s\nrate_limit: 1000\nretry_wait: 1ms\n%s", testToken, url, strings.Join(extra, "\n"))
}

func readAll(s connectors.Stream, cursor string) ([]connectors.Page, error) {
	return connectortest.ReadAll(s, cursor)
}

func merged(pages []connectors.Page) connectors.Page { return connectortest.Merged(pages) }

func bookings(src connectors.Source) connectors.Stream { return src.Streams()[0] }

func TestCalendly_DocsMatchTheCode(t *testing.T) {
	connectortest.CheckDocs(t, calendly.Register, calendly.SampleConfig(), map[string]string{"CALENDLY_TOKEN": testToken}, "calendly_salon", "bookings")
}

func TestOptions_ValidateNamesEachProblem(t *testing.T) {
	yaml := "connectors:\n  - name: cal\n    type: calendly\n    schedule: \"@hourly\"\n    options:\n      base_url: api.calendly.com\n      organization: acme\n      from: 0s\n      window: 1m\n      rate_limit: 0\n"
	cfg, err := config.Parse("nayose.yaml", []byte(yaml), func(string) (string, bool) { return "", false })
	if err != nil {
		t.Fatal(err)
	}
	r := connectors.NewRegistry()
	calendly.Register(r)
	_, err = r.Build(cfg, nil)
	if err == nil {
		t.Fatal("bad options built")
	}
	for _, want := range []string{"token", "base_url", "organization", "from", "window", "rate_limit", "nayose.yaml:"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error does not name %s:\n%v", want, err)
		}
	}
}

func TestCalendly_BookingsCancellationsAndInquiries(t *testing.T) {
	cal, ts := newFake(t)
	now := time.Now().UTC()
	past := cal.AddEvent(calendlytest.Event{Name: "カット", StartTime: now.Add(-10 * 24 * time.Hour)})
	kenta := cal.AddInvitee(past, calendlytest.Invitee{Email: "kenta@example.jp", Name: "佐藤 健太",
		FirstName: "健太", LastName: "佐藤", TextReminderNumber: "+81 90-1234-5678",
		QuestionsAndAnswers: []calendlytest.QA{{Question: "ご要望", Answer: "短めに"}, {Question: "きっかけ", Answer: "Instagram"}, {Question: "その他", Answer: ""}}})
	future := cal.AddEvent(calendlytest.Event{Name: "ヘッドスパ", StartTime: now.Add(40 * 24 * time.Hour)})
	hana := cal.AddInvitee(future, calendlytest.Invitee{Email: "hana@example.jp", Name: "Hanako Ito"})
	cal.CancelInvitee(future, hana, "体調不良のため")
	// Out of range on both sides: not read.
	cal.AddInvitee(cal.AddEvent(calendlytest.Event{StartTime: now.Add(-200 * 24 * time.Hour)}), calendlytest.Invitee{Email: "old@example.jp"})
	cal.AddInvitee(cal.AddEvent(calendlytest.Event{StartTime: now.Add(100 * 24 * time.Hour)}), calendlytest.Invitee{Email: "far@example.jp"})

	pages, err := readAll(bookings(build(t, opts(ts.URL))), "")
	if err != nil {
		t.Fatal(err)
	}
	p := merged(pages)
	if len(p.Identities) != 2 || len(p.Rejects) != 0 {
		t.Fatalf("%d identities, %d rejects; want 2, 0: %+v", len(p.Identities), len(p.Rejects), p.Identities)
	}
	ids := map[string]connectors.Identity{}
	for _, id := range p.Identities {
		ids[id.ExternalID] = id
	}
	k := ids[kenta]
	if k.FullName != "佐藤 健太" || k.GivenName != "健太" || k.FamilyName != "佐藤" ||
		strings.Join(k.Emails, ",") != "kenta@example.jp" || strings.Join(k.Phones, ",") != "+81 90-1234-5678" ||
		k.UpdatedAt.IsZero() || len(k.Raw) == 0 {
		t.Errorf("identity mapped as %+v", k)
	}
	acts := map[string]connectors.Activity{}
	for _, a := range p.Activities {
		acts[a.ExternalID+" "+string(a.Kind)] = a
	}
	if len(acts) != 3 {
		t.Errorf("activities %v, want a booking, an inquiry and a cancellation", acts)
	}
	if a, ok := acts[kenta+" booking"]; !ok || a.Summary != "カット" || a.IdentityExternalID != kenta ||
		!a.OccurredAt.Equal(cal.Events()[1].StartTime.Truncate(time.Microsecond)) {
		t.Errorf("booking %+v", a)
	}
	if a := acts[kenta+":answers inquiry"]; a.Summary != "ご要望: 短めに / きっかけ: Instagram" || a.OccurredAt.IsZero() {
		t.Errorf("inquiry %+v", a)
	}
	if a, ok := acts[hana+":canceled booking_canceled"]; !ok || a.Summary != "ヘッドスパ" || a.IdentityExternalID != hana {
		t.Errorf("cancellation %+v", a)
	}
	// The organization came from /users/me and every query names it.
	if cal.CountRequests("/users/me") != 1 {
		t.Errorf("%d /users/me requests, want 1", cal.CountRequests("/users/me"))
	}
	u := cal.User()
	var windows int
	for _, r := range cal.Requests() {
		if r.Path == "/scheduled_events" {
			windows++
			if !strings.HasSuffix(r.Query.Get("organization"), "/organizations/"+u.OrganizationUUID) {
				t.Errorf("organization %q", r.Query.Get("organization"))
			}
		}
	}
	// 180 days back and 90 ahead in 30-day windows.
	if windows != 9 {
		t.Errorf("%d event windows, want 9", windows)
	}
}

func TestCalendly_WindowsRereadTheFutureAndOnlyAdvanceThePast(t *testing.T) {
	cal, ts := newFake(t)
	now := time.Now().UTC()
	ev := cal.AddEvent(calendlytest.Event{StartTime: now.Add(-48 * time.Hour)})
	cal.AddInvitee(ev, calendlytest.Invitee{Email: "a@example.jp"})
	fut := cal.AddEvent(calendlytest.Event{StartTime: now.Add(48 * time.Hour)})
	inv := cal.AddInvitee(fut, calendlytest.Invitee{Email: "b@example.jp"})
	s := bookings(build(t, opts(ts.URL)))
	p1, err := readAll(s, "")
	if err != nil {
		t.Fatal(err)
	}
	first := merged(p1)
	if len(first.Identities) != 2 {
		t.Fatalf("%d identities, want 2", len(first.Identities))
	}
	if !strings.Contains(first.Cursor, `"start"`) {
		t.Fatalf("cursor %q", first.Cursor)
	}
	var c struct{ Start time.Time }
	_ = jsonUnmarshal(first.Cursor, &c)
	if c.Start.After(time.Now()) || c.Start.Before(now) {
		t.Errorf("cursor start %v, want about now (%v): never in the future", c.Start, now)
	}
	// The future booking is canceled: the next run sees it; the past one is not re-read.
	cal.CancelInvitee(fut, inv, "")
	cal.ResetRequests()
	p2, err := readAll(s, first.Cursor)
	if err != nil {
		t.Fatal(err)
	}
	second := merged(p2)
	if len(second.Identities) != 1 || len(second.Activities) != 1 || second.Activities[0].Kind != connectors.KindBookingCanceled {
		t.Errorf("second run read %+v / %+v, want only the canceled future booking", second.Identities, second.Activities)
	}
	if n := cal.CountRequests("/scheduled_events"); n > 6 {
		t.Errorf("second run made %d requests", n)
	}
	var c2 struct{ Start time.Time }
	_ = jsonUnmarshal(second.Cursor, &c2)
	if c2.Start.Before(c.Start) {
		t.Errorf("cursor went back from %v to %v", c.Start, c2.Start)
	}
}

func TestCalendly_MalformedEventIsRejectedWithItsURI(t *testing.T) {
	cal, ts := newFake(t)
	now := time.Now().UTC()
	for i := range 3 {
		ev := cal.AddEvent(calendlytest.Event{StartTime: now.Add(time.Duration(-i-1) * 24 * time.Hour)})
		cal.AddInvitee(ev, calendlytest.Invitee{Email: fmt.Sprintf("c%d@example.jp", i)})
	}
	cal.MalformNext()
	pages, err := readAll(bookings(build(t, opts(ts.URL))), "")
	if err != nil {
		t.Fatal(err)
	}
	p := merged(pages)
	bad := cal.MalformedURIs()
	if len(bad) != 1 || len(p.Rejects) != 1 {
		t.Fatalf("rejects %+v, malformed %v", p.Rejects, bad)
	}
	r := p.Rejects[0]
	if r.ExternalID != bad[0] || r.Field != "start_time" || r.Location != "calendly/bookings" || r.Reason == "" {
		t.Errorf("reject %+v, want %s start_time", r, bad[0])
	}
	if len(p.Identities) != 3 || len(p.Activities) != 2 {
		t.Errorf("%d identities and %d bookings, want 3 and 2", len(p.Identities), len(p.Activities))
	}
}

func TestCalendly_429WithRateLimitResetIsSurvived(t *testing.T) {
	cal, ts := newFake(t)
	cal.AddInvitee(cal.AddEvent(calendlytest.Event{StartTime: time.Now().Add(-time.Hour)}), calendlytest.Invitee{Email: "a@example.jp"})
	cal.RateLimitNext(1)
	start := time.Now()
	pages, err := readAll(bookings(build(t, opts(ts.URL))), "")
	if err != nil {
		t.Fatal(err)
	}
	if len(merged(pages).Identities) != 1 {
		t.Error("the invitee was not read")
	}
	if d := time.Since(start); d < 900*time.Millisecond {
		t.Errorf("finished after %v: X-RateLimit-Reset: 1 was not honoured", d)
	}
}

func TestCalendly_RateLimitPastTheRetriesIsPartial(t *testing.T) {
	cal, ts := newFake(t)
	cal.RateLimitNext(100)
	_, err := readAll(bookings(build(t, opts(ts.URL))), "")
	if !errors.Is(err, connectors.ErrPartial) || !errors.Is(err, httpx.ErrThrottled) {
		t.Fatalf("error %v, want connectors.ErrPartial wrapping httpx.ErrThrottled", err)
	}
}

func TestCalendly_ServerErrorsPastTheRetriesFail(t *testing.T) {
	cal, ts := newFake(t)
	cal.FailNext(100, 503)
	_, err := readAll(bookings(build(t, opts(ts.URL))), "")
	if err == nil || errors.Is(err, connectors.ErrPartial) {
		t.Fatalf("error %v, want a failure for 5xx", err)
	}
	if strings.Contains(err.Error(), testToken) {
		t.Error("the error shows the token")
	}
}

func TestCalendly_OAuthRefreshesOnceAndSavesTheRotatedToken(t *testing.T) {
	cal, ts := newFake(t)
	cal.AddInvitee(cal.AddEvent(calendlytest.Event{StartTime: time.Now().Add(-time.Hour)}), calendlytest.Invitee{Email: "a@example.jp"})
	cal.SetRefreshToken("refresh-0")
	store := &httpx.MemoryTokenStore{}
	ctx := context.Background()
	if err := store.Save(ctx, "calendly/cal", &oauth2.Token{AccessToken: "expired", RefreshToken: "refresh-0",
		Expiry: time.Now().Add(-time.Minute)}); err != nil {
		t.Fatal(err)
	}
	newSource := func() *calendly.Source {
		o := calendly.Defaults()
		o.BaseURL, o.RetryWait, o.RateLimit = ts.URL, config.Duration(time.Millisecond), 1000
		o.OAuth = &calendly.OAuth{ClientID: calendlytest.DefaultClientID, ClientSecret: calendlytest.DefaultClientSecret, Store: store}
		src, err := calendly.New(connectors.Env{Name: "cal"}, o)
		if err != nil {
			t.Fatal(err)
		}
		return src
	}
	pages, err := readAll(newSource().Streams()[0], "")
	if err != nil {
		t.Fatal(err)
	}
	if len(merged(pages).Identities) != 1 {
		t.Error("the invitee was not read")
	}
	if n := cal.CountRequests("/oauth/token"); n != 1 {
		t.Errorf("%d token requests, want 1", n)
	}
	saved, _ := store.Load(ctx, "calendly/cal")
	if saved == nil || saved.RefreshToken != cal.RefreshToken() || saved.RefreshToken == "refresh-0" {
		t.Fatalf("saved %+v, want the rotated refresh token %q", saved, cal.RefreshToken())
	}
	// A new process starts from the store: the saved token works, no refresh.
	if _, err := readAll(newSource().Streams()[0], ""); err != nil {
		t.Fatal(err)
	}
	if n := cal.CountRequests("/oauth/token"); n != 1 {
		t.Errorf("%d token requests after a restart, want still 1", n)
	}
	// With the access token expired, the rotated refresh token (not the spent one) is used.
	saved.Expiry = time.Now().Add(-time.Minute)
	saved.AccessToken = "expired-again"
	_ = store.Save(ctx, "calendly/cal", saved)
	if _, err := readAll(newSource().Streams()[0], ""); err != nil {
		t.Fatalf("second refresh: %v", err)
	}
}

// The conformance kit.

type calendlyVendor struct{}

func (calendlyVendor) Type() string                    { return calendly.TypeName }
func (calendlyVendor) Register(r *connectors.Registry) { calendly.Register(r) }
func (calendlyVendor) Secrets() []string               { return []string{testToken} }

func (calendlyVendor) Options(baseURL string) string {
	return fmt.Sprintf("token: %s\nbase_url: %s\noverlap: 1h\nrate_limit: 1000\nretry_wait: 1ms\n", testToken, baseURL)
}

func (calendlyVendor) Start(t testing.TB) connectortest.Fake {
	f := &calendlyFake{cal: &calendlytest.Server{PersonalAccessToken: testToken},
		anchor: time.Now().UTC().Truncate(time.Hour)}
	f.ts = f.cal.Serve(t)
	return f
}

// calendlyFake drives calendlytest for the kit. Seeded event i starts at
// anchor - 48h + i hours + 30m: with 60 events the last 12 lie in the
// future, which every run re-reads, and Change cancels the latest ones.
type calendlyFake struct {
	cal    *calendlytest.Server
	ts     *httptest.Server
	anchor time.Time

	mu       sync.Mutex
	events   []string // event uuids in start order
	invitees []string
	acts     int
	people   int
}

func (f *calendlyFake) URL() string { return f.ts.URL }

func (f *calendlyFake) Seed(n int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for range n {
		i := len(f.events)
		st := f.anchor.Add(-48*time.Hour + time.Duration(i)*time.Hour + 30*time.Minute)
		ev := f.cal.AddEvent(calendlytest.Event{Name: "カット", StartTime: st})
		inv := f.cal.AddInvitee(ev, calendlytest.Invitee{Email: fmt.Sprintf("c%03d@example.jp", i), Name: fmt.Sprintf("山田 客%03d", i)})
		f.events = append(f.events, ev)
		f.invitees = append(f.invitees, inv)
		f.people++
		f.acts++
	}
}

// Change cancels the k latest bookings: each gains a booking_canceled.
func (f *calendlyFake) Change(k int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := len(f.events)
	for i := n - 1; i >= max(0, n-k); i-- {
		if f.cal.CancelInvitee(f.events[i], f.invitees[i], "日程を変更したいです") {
			f.acts++
		}
	}
}

// AddLate books an event that started 30 minutes ago: inside the 1h
// overlap before the last run's cursor.
func (f *calendlyFake) AddLate() {
	f.mu.Lock()
	defer f.mu.Unlock()
	ev := f.cal.AddEvent(calendlytest.Event{Name: "飛び込み", StartTime: time.Now().UTC().Add(-30 * time.Minute)})
	f.cal.AddInvitee(ev, calendlytest.Invitee{Email: "late@example.jp"})
	f.people++
	f.acts++
}

func (f *calendlyFake) Want() (int, int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.people, f.acts
}

// MalformNext corrupts the middle event of the first non-empty events
// page. A first run reads 30-day windows from 180 days back; every seeded
// event (up to 100 of them) in the past lies in the last past window, whose
// page the fake serves in start order.
func (f *calendlyFake) MalformNext() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.cal.MalformNext()
	now := time.Now()
	var past []string
	for i, ev := range f.events {
		if f.anchor.Add(-48*time.Hour + time.Duration(i)*time.Hour + 30*time.Minute).Before(now) {
			past = append(past, ev)
		}
	}
	first := past[:min(100, len(past))]
	return f.ts.URL + "/scheduled_events/" + first[len(first)/2]
}

func (f *calendlyFake) RateLimitNext(n int)      { f.cal.RateLimitNext(n) }
func (f *calendlyFake) FailNext(n int)           { f.cal.FailNext(n, 500) }
func (f *calendlyFake) SetDelay(d time.Duration) { f.cal.SetDelay(d) }
func (f *calendlyFake) Requests() int            { return len(f.cal.Requests()) }
func (f *calendlyFake) Close()                   { f.ts.Close() }

func TestConformance(t *testing.T) { connectortest.Run(t, calendlyVendor{}) }

// TestCalendly_OAuthFromConfigKeepsRotatedTokensEncrypted configures OAuth
// in YAML, as a user would, with the database token store the daemon
// gives: the configured refresh token serves the first refresh, and every
// rotation after it lives (encrypted) in the database.
func TestCalendly_OAuthFromConfigKeepsRotatedTokensEncrypted(t *testing.T) {
	cal, ts := newFake(t)
	cal.AddInvitee(cal.AddEvent(calendlytest.Event{StartTime: time.Now().Add(-time.Hour)}), calendlytest.Invitee{Email: "b@example.jp"})
	cal.SetRefreshToken("refresh-from-setup")
	db := storetest.Open(t, dbstore.SQLite)
	tokens, err := dbstore.NewTokenStore(db, "a secret key of enough length")
	if err != nil {
		t.Fatal(err)
	}
	yaml := fmt.Sprintf(`connectors:
  - name: cal
    type: calendly
    schedule: "@hourly"
    options:
      base_url: %s
      retry_wait: 1ms
      oauth: {client_id: %s, client_secret: %s, refresh_token: refresh-from-setup}
`, ts.URL, calendlytest.DefaultClientID, calendlytest.DefaultClientSecret)
	cfg, err := config.Parse("nayose.yaml", []byte(yaml), func(string) (string, bool) { return "", false })
	if err != nil {
		t.Fatal(err)
	}
	r := connectors.NewRegistry()
	calendly.Register(r)
	if _, err := r.Build(cfg, nil); err == nil || !strings.Contains(err.Error(), "secret_key") {
		t.Errorf("OAuth without a token store: %v, want a hint about secret_key", err)
	}
	built, err := r.BuildWith(cfg, connectors.BuildOptions{Tokens: tokens})
	if err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if _, err := readAll(built[0].Source.Streams()[0], ""); err != nil {
			t.Fatal(err)
		}
	}
	saved, err := tokens.Load(context.Background(), "calendly/cal")
	if err != nil || saved == nil || saved.RefreshToken != cal.RefreshToken() || saved.RefreshToken == "refresh-from-setup" {
		t.Fatalf("stored token %+v (%v), want the rotated one", saved, err)
	}
	if n := cal.CountRequests("/oauth/token"); n != 1 {
		t.Errorf("%d token requests, want 1", n)
	}
	var rows []dbstore.OAuthToken
	db.Gorm.Find(&rows)
	if len(rows) != 1 || strings.Contains(rows[0].Ciphertext, saved.RefreshToken) {
		t.Errorf("token rows = %d, or the refresh token is readable", len(rows))
	}
}
