package mailchimp_test

import (
	"errors"
	"fmt"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nayose/nayose/config"
	"github.com/nayose/nayose/connectors"
	"github.com/nayose/nayose/connectors/connectortest"
	"github.com/nayose/nayose/connectors/mailchimp"
	"github.com/nayose/nayose/connectors/mailchimp/mailchimptest"
	"github.com/nayose/nayose/mapping"
)

const testKey = mailchimptest.DefaultAPIKey

// clock is a settable clock for the fake.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func newClock(at time.Time) *clock { return &clock{now: at.UTC().Truncate(time.Second)} }

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// newFake starts a fake whose clock starts a few days before the real now,
// so that campaigns fall inside activity_days.
func newFake(t *testing.T) (*mailchimptest.Server, *clock, *httptest.Server) {
	t.Helper()
	clk := newClock(time.Now().Add(-72 * time.Hour))
	mc := &mailchimptest.Server{Now: clk.Now}
	return mc, clk, mc.Serve(t)
}

func build(t testing.TB, options string) connectors.Source {
	return connectortest.Build(t, mailchimp.Register, mailchimp.TypeName, "mc", options)
}

func opts(url string, extra ...string) string {
	return fmt.Sprintf("api_key: %s\nbase_url: %s/3.0\nlist_id: %s\nrate_limit: 1000\nretry_wait: 1ms\n%s",
		testKey, url, mailchimptest.DefaultListID, strings.Join(extra, "\n"))
}

func stream(t testing.TB, src connectors.Source, name string) connectors.Stream {
	return connectortest.Stream(t, src, name)
}

func readAll(s connectors.Stream, cursor string) ([]connectors.Page, error) {
	return connectortest.ReadAll(s, cursor)
}

func merged(pages []connectors.Page) connectors.Page { return connectortest.Merged(pages) }

func byID(ids []connectors.Identity) map[string]connectors.Identity {
	out := map[string]connectors.Identity{}
	for _, id := range ids {
		out[id.ExternalID] = id
	}
	return out
}

func TestMailchimp_DocsMatchTheCode(t *testing.T) {
	connectortest.CheckDocs(t, mailchimp.Register, mailchimp.SampleConfig(), map[string]string{"MAILCHIMP_API_KEY": testKey}, "mailchimp_newsletter", "members", "email_activity")
}

func TestMailchimp_RegisterTwicePanics(t *testing.T) {
	r := connectors.NewRegistry()
	mailchimp.Register(r)
	defer func() {
		if recover() == nil {
			t.Error("registering mailchimp twice did not panic")
		}
	}()
	mailchimp.Register(r)
}

func TestMailchimp_DataCenterComesFromTheKey(t *testing.T) {
	if dc := mailchimp.DataCenter(testKey); dc != "us6" {
		t.Errorf("DataCenter(%q) = %q, want us6", testKey, dc)
	}
	if dc := mailchimp.DataCenter("nodc"); dc != "" {
		t.Errorf("DataCenter(nodc) = %q, want none", dc)
	}
	// Without base_url, a key naming no data center is refused.
	yaml := "connectors:\n  - name: mc\n    type: mailchimp\n    schedule: \"@hourly\"\n    options:\n      api_key: nodc\n      list_id: x\n"
	cfg, err := config.Parse("nayose.yaml", []byte(yaml), func(string) (string, bool) { return "", false })
	if err != nil {
		t.Fatal(err)
	}
	r := connectors.NewRegistry()
	mailchimp.Register(r)
	if _, err := r.Build(cfg, nil); err == nil || !strings.Contains(err.Error(), "data center") {
		t.Errorf("a key without a data center built: %v", err)
	}
	// With it, the key's data center is used.
	build(t, "api_key: abc-us19\nlist_id: x\n")
}

func TestOptions_ValidateNamesEachProblem(t *testing.T) {
	yaml := "connectors:\n  - name: mc\n    type: mailchimp\n    schedule: \"@hourly\"\n    options:\n      base_url: us6.api.mailchimp.com\n      page_size: 5000\n      activity_days: 0\n      rate_limit: 0\n"
	cfg, err := config.Parse("nayose.yaml", []byte(yaml), func(string) (string, bool) { return "", false })
	if err != nil {
		t.Fatal(err)
	}
	r := connectors.NewRegistry()
	mailchimp.Register(r)
	_, err = r.Build(cfg, nil)
	if err == nil {
		t.Fatal("bad options built")
	}
	for _, want := range []string{"api_key", "base_url", "list_id", "page_size", "activity_days", "rate_limit", "nayose.yaml:"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error does not name %s:\n%v", want, err)
		}
	}
}

func TestMailchimp_MembersFullThenIncremental(t *testing.T) {
	mc, clk, ts := newFake(t)
	kenta := mc.AddMembers(mailchimptest.Member{
		EmailAddress: "Kenta@Example.jp", Status: mailchimptest.StatusSubscribed,
		MergeFields: mailchimptest.MergeFields{FNAME: "健太", LNAME: "佐藤", PHONE: "090-1234-5678", BIRTHDAY: "04/12",
			ADDRESS: &mailchimptest.Address{Addr1: "神南1-2-3", City: "渋谷区", State: "東京都", Zip: "150-0041", Country: "JP"}},
	})[0]
	for i := range 4 {
		clk.Advance(time.Minute)
		mc.AddMembers(mailchimptest.Member{EmailAddress: fmt.Sprintf("c%d@example.jp", i), FullName: fmt.Sprintf("客 %d", i)})
	}
	s := stream(t, build(t, opts(ts.URL, "page_size: 2", "overlap: 30s")), "members")
	pages, err := readAll(s, "")
	if err != nil {
		t.Fatal(err)
	}
	if n := mc.CountRequests("/3.0/lists/"); n != 3 || len(pages) != 3 {
		t.Errorf("full sweep of 5 members at 2 a page: %d requests, %d pages; want 3", n, len(pages))
	}
	p := merged(pages)
	if len(p.Identities) != 5 || len(p.Rejects) != 0 {
		t.Fatalf("%d identities, %d rejects; want 5, 0", len(p.Identities), len(p.Rejects))
	}
	got := byID(p.Identities)[kenta.ID]
	if kenta.ID != mailchimptest.SubscriberHash("kenta@example.jp") || got.GivenName != "健太" || got.FamilyName != "佐藤" ||
		got.FullName != "" || strings.Join(got.Emails, ",") != "Kenta@Example.jp" || strings.Join(got.Phones, ",") != "090-1234-5678" ||
		got.Birthday != (mapping.Date{Month: time.April, Day: 12}) || got.PostalCode != "150-0041" ||
		got.Address != "東京都渋谷区神南1-2-3" || got.MarketingConsent == nil || !*got.MarketingConsent ||
		!got.UpdatedAt.Equal(kenta.LastChanged) || len(got.Raw) == 0 {
		t.Errorf("identity mapped as %+v", got)
	}
	if c0 := byID(p.Identities)[mailchimptest.SubscriberHash("c0@example.jp")]; c0.FullName != "客 0" || c0.GivenName != "" {
		t.Errorf("a member without FNAME/LNAME mapped as %+v, want full_name", c0)
	}
	if !strings.Contains(pages[0].Cursor, `"offset":2`) || strings.Contains(p.Cursor, "offset") {
		t.Errorf("cursors %q ... %q: want a resumable sweep, then a plain since", pages[0].Cursor, p.Cursor)
	}

	// Incremental: one change, well after the overlap.
	clk.Advance(time.Hour)
	if _, err := mc.UpdateMember("kenta@example.jp", func(m *mailchimptest.Member) { m.MergeFields.FNAME = "健" }); err != nil {
		t.Fatal(err)
	}
	mc.ResetRequests()
	pages, err = readAll(s, p.Cursor)
	if err != nil {
		t.Fatal(err)
	}
	if n := mc.CountRequests("/3.0/lists/"); n != 1 {
		t.Errorf("incremental sweep made %d requests, want 1", n)
	}
	var names []string
	for _, id := range merged(pages).Identities {
		names = append(names, id.GivenName+id.FullName)
	}
	// The window starts overlap before the newest last_changed, so the
	// member at the cursor (客 3) is read again, and nothing older.
	if strings.Join(names, ",") != "客 3,健" {
		t.Errorf("incremental sweep read %v, want 客 3 and the changed member", names)
	}
	if q := mc.Requests()[0].Query.Get("since_last_changed"); q == "" {
		t.Error("the incremental request has no since_last_changed")
	}
}

func TestMailchimp_ConsentAndSubscriptionActivities(t *testing.T) {
	mc, clk, ts := newFake(t)
	opt := clk.Now().Add(-48 * time.Hour)
	want := map[string]*bool{}
	yes, no := true, false
	for status, consent := range map[string]*bool{
		mailchimptest.StatusSubscribed: &yes, mailchimptest.StatusUnsubscribed: &no, mailchimptest.StatusCleaned: &no,
		mailchimptest.StatusPending: nil, mailchimptest.StatusTransactional: nil,
	} {
		m := mc.AddMembers(mailchimptest.Member{EmailAddress: status + "@example.jp", Status: status, TimestampOpt: opt})[0]
		want[m.ID] = consent
	}
	s := stream(t, build(t, opts(ts.URL)), "members")
	pages, err := readAll(s, "")
	if err != nil {
		t.Fatal(err)
	}
	p := merged(pages)
	for _, id := range p.Identities {
		w, got := want[id.ExternalID], id.MarketingConsent
		if (w == nil) != (got == nil) || w != nil && *w != *got {
			t.Errorf("%s: consent %v, want %v", id.Emails[0], got, w)
		}
	}
	acts := map[connectors.ActivityKind]connectors.Activity{}
	for _, a := range p.Activities {
		acts[a.Kind] = a
	}
	sub, unsub := acts[connectors.KindSubscribe], acts[connectors.KindUnsubscribe]
	if len(p.Activities) != 2 || sub.IdentityExternalID != mailchimptest.SubscriberHash("subscribed@example.jp") ||
		unsub.IdentityExternalID != mailchimptest.SubscriberHash("unsubscribed@example.jp") || !sub.OccurredAt.Equal(opt.Truncate(time.Second)) {
		t.Fatalf("activities %+v, want one subscribe and one unsubscribe at timestamp_opt", p.Activities)
	}
	// A re-sync, and a change of something else, yield the same ids; a
	// change of status is a new activity.
	clk.Advance(time.Hour)
	mc.UpdateMember("subscribed@example.jp", func(m *mailchimptest.Member) { m.MergeFields.FNAME = "花子" })
	pages, _ = readAll(s, "")
	again := merged(pages)
	seen := map[string]bool{}
	for _, a := range again.Activities {
		seen[a.ExternalID] = true
	}
	if len(again.Activities) != 2 || !seen[sub.ExternalID] || !seen[unsub.ExternalID] {
		t.Errorf("a re-sync gave %+v, want the same two ids", again.Activities)
	}
	clk.Advance(time.Hour)
	mc.UpdateMember("subscribed@example.jp", func(m *mailchimptest.Member) {
		m.Status = mailchimptest.StatusUnsubscribed
		m.TimestampOpt = clk.Now()
	})
	pages, _ = readAll(s, "")
	for _, a := range merged(pages).Activities {
		if a.IdentityExternalID == sub.IdentityExternalID && (a.Kind != connectors.KindUnsubscribe || a.ExternalID == sub.ExternalID) {
			t.Errorf("after unsubscribing: %+v", a)
		}
	}
}

func TestMailchimp_EmailActivityBecomesOpensAndClicks(t *testing.T) {
	mc, clk, ts := newFake(t)
	mc.AddMembers(mailchimptest.Member{EmailAddress: "Hana@Example.jp"})
	sent := clk.Now()
	c := mc.AddCampaign(mailchimptest.Campaign{SubjectLine: "新豆入荷のお知らせ", SendTime: sent})
	mc.AddCampaign(mailchimptest.Campaign{SubjectLine: "下書き"}) // not sent
	must := func(err error) {
		if err != nil {
			t.Fatal(err)
		}
	}
	must(mc.AddActivity(c.ID, "Hana@Example.jp", mailchimptest.ActionOpen, sent.Add(time.Minute), ""))
	must(mc.AddActivity(c.ID, "Hana@Example.jp", mailchimptest.ActionClick, sent.Add(2*time.Minute), "https://shop.example.jp/beans"))
	must(mc.AddActivity(c.ID, "bounce@example.jp", mailchimptest.ActionBounce, sent.Add(time.Minute), ""))

	s := stream(t, build(t, opts(ts.URL, "overlap: 30s")), "email_activity")
	pages, err := readAll(s, "")
	if err != nil {
		t.Fatal(err)
	}
	p := merged(pages)
	if len(p.Activities) != 2 {
		t.Fatalf("activities %+v, want an open and a click", p.Activities)
	}
	who := mailchimptest.SubscriberHash("hana@example.jp")
	for _, a := range p.Activities {
		want := map[connectors.ActivityKind]string{connectors.KindEmailOpen: "新豆入荷のお知らせ", connectors.KindEmailClick: "https://shop.example.jp/beans"}[a.Kind]
		if a.IdentityExternalID != who || a.Summary != want || a.OccurredAt.IsZero() || !strings.HasPrefix(a.ExternalID, c.ID+":"+who+":") {
			t.Errorf("activity %+v, want %s for %s with summary %q", a, a.Kind, who, want)
		}
	}
	// Incremental: a later open only.
	clk.Advance(time.Hour)
	must(mc.AddActivity(c.ID, "hana@example.jp", mailchimptest.ActionOpen, clk.Now(), ""))
	pages, err = readAll(s, p.Cursor)
	if err != nil {
		t.Fatal(err)
	}
	// The window starts overlap before the newest event read, so the click
	// at the cursor is read again (same id), the new open too, the first open not.
	got := map[connectors.ActivityKind]int{}
	for _, a := range merged(pages).Activities {
		got[a.Kind]++
		if a.OccurredAt.Before(sent.Add(2 * time.Minute)) {
			t.Errorf("incremental read an old event %+v", a)
		}
	}
	if got[connectors.KindEmailOpen] != 1 {
		t.Errorf("incremental read %v, want the new open", got)
	}
}

func TestMailchimp_MalformedMemberIsRejectedWithItsID(t *testing.T) {
	mc, clk, ts := newFake(t)
	for i := range 5 {
		clk.Advance(time.Minute)
		mc.AddMembers(mailchimptest.Member{EmailAddress: fmt.Sprintf("c%d@example.jp", i)})
	}
	mc.MalformNext()
	pages, err := readAll(stream(t, build(t, opts(ts.URL)), "members"), "")
	if err != nil {
		t.Fatal(err)
	}
	p := merged(pages)
	if len(p.Rejects) != 1 || len(p.Identities) != 4 {
		t.Fatalf("%d rejects, %d identities; want 1 and the other 4", len(p.Rejects), len(p.Identities))
	}
	r := p.Rejects[0]
	if ids := mc.MalformedIDs(); len(ids) != 1 || r.ExternalID != ids[0] || r.Location != "mailchimp/members" ||
		r.Field != "last_changed" || r.Reason == "" || len(r.Raw) == 0 {
		t.Errorf("reject %+v, want %v at last_changed", r, ids)
	}
}

func TestMailchimp_ForbiddenThrottlingEndsTheRunAsPartial(t *testing.T) {
	mc, _, ts := newFake(t)
	mc.AddMembers(mailchimptest.Member{EmailAddress: "a@example.jp"})
	mc.ForbidNext(100)
	_, err := readAll(stream(t, build(t, opts(ts.URL)), "members"), "")
	if !errors.Is(err, connectors.ErrPartial) {
		t.Fatalf("error %v, want connectors.ErrPartial", err)
	}
	if strings.Contains(err.Error(), testKey) {
		t.Error("the error shows the API key")
	}
}

func TestMailchimp_WrongKeyFails(t *testing.T) {
	_, _, ts := newFake(t)
	src := build(t, fmt.Sprintf("api_key: wrong-us6\nbase_url: %s/3.0\nlist_id: x\nretry_wait: 1ms\n", ts.URL))
	_, err := readAll(stream(t, src, "members"), "")
	if err == nil || errors.Is(err, connectors.ErrPartial) {
		t.Fatalf("error %v, want a failure", err)
	}
}

// The conformance kit.

// confPageSize is the page size the conformance options set, so that a full
// sync takes many more requests than an idle one.
const confPageSize = 10

type mailchimpVendor struct{}

func (mailchimpVendor) Type() string                    { return mailchimp.TypeName }
func (mailchimpVendor) Register(r *connectors.Registry) { mailchimp.Register(r) }
func (mailchimpVendor) Secrets() []string               { return []string{testKey} }

func (mailchimpVendor) Options(baseURL string) string {
	return fmt.Sprintf("api_key: %s\nbase_url: %s/3.0\nlist_id: %s\npage_size: %d\noverlap: 10m\nrate_limit: 1000\nretry_wait: 1ms\n",
		testKey, baseURL, mailchimptest.DefaultListID, confPageSize)
}

func (mailchimpVendor) Start(t testing.TB) connectortest.Fake {
	// Ten days before the real now, so that every campaign is inside
	// activity_days and an hour per seeded member stays in the past.
	clk := newClock(time.Now().Add(-10 * 24 * time.Hour))
	f := &mailchimpFake{clk: clk, mc: &mailchimptest.Server{Now: clk.Now}}
	f.ts = f.mc.Serve(t)
	return f
}

// mailchimpFake drives mailchimptest for the kit. Each seeded member is
// subscribed an hour after the previous, so a 10m overlap re-reads only the
// last; each Seed sends one campaign that every new member opens.
type mailchimpFake struct {
	clk *clock
	mc  *mailchimptest.Server
	ts  *httptest.Server

	mu         sync.Mutex
	emails     []string // in last_changed order
	activities int
}

func (f *mailchimpFake) URL() string { return f.ts.URL }

func (f *mailchimpFake) Seed(n int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.clk.Advance(time.Minute)
	c := f.mc.AddCampaign(mailchimptest.Campaign{SubjectLine: "ニュースレター", SendTime: f.clk.Now()})
	for range n {
		f.clk.Advance(time.Hour)
		i := len(f.emails)
		e := fmt.Sprintf("c%03d@example.jp", i)
		f.mc.AddMembers(mailchimptest.Member{EmailAddress: e, Status: mailchimptest.StatusSubscribed,
			MergeFields: mailchimptest.MergeFields{FNAME: fmt.Sprintf("客%03d", i), LNAME: "山田"}})
		if err := f.mc.AddActivity(c.ID, e, mailchimptest.ActionOpen, f.clk.Now(), ""); err != nil {
			panic(err)
		}
		f.emails = append(f.emails, e)
		f.activities += 2 // subscribe, open
	}
}

func (f *mailchimpFake) Change(k int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.clk.Advance(time.Hour)
	changed := f.emails[:min(k, len(f.emails))]
	for _, e := range changed {
		if _, err := f.mc.UpdateMember(e, func(m *mailchimptest.Member) { m.MergeFields.FNAME += "様" }); err != nil {
			panic(err)
		}
	}
	// They move to the end of the fake's last_changed order.
	f.emails = append(f.emails[len(changed):], changed...)
}

func (f *mailchimpFake) AddLate() {
	f.mu.Lock()
	defer f.mu.Unlock()
	// Added now, last changed five minutes ago: inside the 10m overlap.
	at := f.clk.Now().Add(-5 * time.Minute)
	e := fmt.Sprintf("late%03d@example.jp", len(f.emails))
	f.mc.AddMembers(mailchimptest.Member{EmailAddress: e, Status: mailchimptest.StatusSubscribed,
		TimestampSignup: at, LastChanged: at, MergeFields: mailchimptest.MergeFields{FNAME: "遅延"}})
	f.emails = append(f.emails, e) // order no longer exact; MalformNext is not used after AddLate
	f.activities++
}

func (f *mailchimpFake) Want() (int, int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.emails), f.activities
}

// MalformNext corrupts the middle member of the first members page, which
// the fake serves in last_changed order. The rejected member's subscribe
// activity goes with it; its open still arrives, and the engine keeps a
// bare identity in its place, so one record fewer is stored.
func (f *mailchimpFake) MalformNext() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.mc.MalformNext()
	first := f.emails[:min(confPageSize, len(f.emails))]
	return mailchimptest.SubscriberHash(first[len(first)/2])
}

func (f *mailchimpFake) RateLimitNext(n int)      { f.mc.RateLimitNext(n) }
func (f *mailchimpFake) FailNext(n int)           { f.mc.FailNext(n, 500) }
func (f *mailchimpFake) SetDelay(d time.Duration) { f.mc.SetDelay(d) }
func (f *mailchimpFake) Requests() int            { return len(f.mc.Requests()) }
func (f *mailchimpFake) Close()                   { f.ts.Close() }

func TestConformance(t *testing.T) { connectortest.Run(t, mailchimpVendor{}) }

func TestMailchimp_OAuthTokenInsteadOfAPIKey(t *testing.T) {
	mc, _, ts := newFake(t)
	mc.AddMembers(mailchimptest.Member{EmailAddress: "oauth@shop-mail.jp"})
	src := build(t, fmt.Sprintf("oauth_token: %s\ndata_center: us6\nbase_url: %s/3.0\nlist_id: %s\nretry_wait: 1ms\n",
		mailchimptest.DefaultOAuthToken, ts.URL, mailchimptest.DefaultListID))
	pages, err := readAll(stream(t, src, "members"), "")
	if err != nil {
		t.Fatal(err)
	}
	if n := len(merged(pages).Identities); n != 1 {
		t.Errorf("identities = %d, want 1", n)
	}
	if auth := mc.Requests()[0].Header.Get("Authorization"); !strings.HasPrefix(auth, "Bearer ") {
		t.Errorf("Authorization = %q, want a bearer token", auth)
	}
}
