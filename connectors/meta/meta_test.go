package meta_test

import (
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nayose/nayose/config"
	"github.com/nayose/nayose/connectors"
	"github.com/nayose/nayose/connectors/connectortest"
	"github.com/nayose/nayose/connectors/httpx"
	"github.com/nayose/nayose/connectors/meta"
	"github.com/nayose/nayose/connectors/meta/metatest"
)

const (
	testToken       = "EAAGm0PX4ZCpsBAtestPAGEtoken9f2"
	testAppSecret   = "meta-app-secret-7c1e55d0"
	testVerifyToken = "meta-verify-token-31b9"
)

func newFake(t *testing.T) (*metatest.Server, *httptest.Server) {
	t.Helper()
	fb := &metatest.Server{AccessToken: testToken}
	return fb, fb.Serve(t)
}

func opts(url string, extra ...string) string {
	return fmt.Sprintf("page_access_token: %s\npage_id: %q\nbase_url: %s\nrate_limit: 1000\nretry_wait: 1ms\napp_secret: %s\nverify_token: %s\n%s",
		testToken, metatest.DefaultPageID, url, testAppSecret, testVerifyToken, strings.Join(extra, "\n"))
}

func build(t testing.TB, options string) connectors.Source {
	return connectortest.Build(t, meta.Register, meta.TypeName, "meta_salon", options)
}

func conversations(t testing.TB, src connectors.Source) connectors.Stream {
	return connectortest.Stream(t, src, "conversations")
}

func readAll(s connectors.Stream, cursor string) ([]connectors.Page, error) {
	return connectortest.ReadAll(s, cursor)
}

func merged(pages []connectors.Page) connectors.Page { return connectortest.Merged(pages) }

func TestMeta_DocsMatchTheCode(t *testing.T) {
	connectortest.CheckDocs(t, meta.Register, meta.SampleConfig(),
		map[string]string{"META_PAGE_TOKEN": testToken, "META_APP_SECRET": testAppSecret, "META_VERIFY_TOKEN": testVerifyToken},
		"meta_salon", "conversations", "webhook_messages")
}

func TestOptions_ValidateNamesEachProblem(t *testing.T) {
	yaml := "connectors:\n  - name: fb\n    type: meta\n    schedule: \"@hourly\"\n    options:\n      page_id: my-page\n      platform: instagram\n      graph_version: \"21\"\n      base_url: graph.facebook.com\n      page_size: 500\n      rate_limit: 0\n"
	cfg, err := config.Parse("nayose.yaml", []byte(yaml), func(string) (string, bool) { return "", false })
	if err != nil {
		t.Fatal(err)
	}
	r := connectors.NewRegistry()
	meta.Register(r)
	_, err = r.Build(cfg, nil)
	if err == nil {
		t.Fatal("bad options built")
	}
	for _, want := range []string{"page_access_token", "page_id", "account_id", "graph_version", "base_url", "page_size", "rate_limit", "nayose.yaml:"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error does not name %s:\n%v", want, err)
		}
	}
}

// TestMeta_NewConversationIsAnInquiryWithItsMessages: a conversation a
// customer opened is an inquiry at its first message; each message the
// customer sent is a message activity; the Page's replies are not.
func TestMeta_NewConversationIsAnInquiryWithItsMessages(t *testing.T) {
	fb, ts := newFake(t)
	t0 := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	conv := fb.AddConversation(metatest.Participant{Name: "佐藤 花子", Email: "hanako@example.jp"})
	first := fb.AddMessage(conv, metatest.Message{Text: "カットの予約はできますか？", CreatedTime: t0})
	fb.AddMessage(conv, metatest.Message{FromPage: true, Text: "はい、いつがよろしいですか？", CreatedTime: t0.Add(time.Minute)})
	second := fb.AddMessage(conv, metatest.Message{Text: "土曜の午後でお願いします", CreatedTime: t0.Add(2 * time.Minute)})
	// Opened by the Page: no inquiry, and the customer has not written.
	out := fb.AddConversation(metatest.Participant{Name: "Ken Ito"})
	fb.AddMessage(out, metatest.Message{FromPage: true, Text: "ご来店ありがとうございました", CreatedTime: t0})

	pages, err := readAll(conversations(t, build(t, opts(ts.URL))), "")
	if err != nil {
		t.Fatal(err)
	}
	p := merged(pages)
	if len(p.Identities) != 2 || len(p.Rejects) != 0 {
		t.Fatalf("%d identities, %d rejects; want 2, 0: %+v", len(p.Identities), len(p.Rejects), p.Identities)
	}
	cust := fb.Customer(conv)
	var got connectors.Identity
	for _, id := range p.Identities {
		if id.ExternalID == cust.ID {
			got = id
		}
		if id.ExternalID == metatest.DefaultPageID {
			t.Error("the Page is an identity")
		}
	}
	if got.FullName != "佐藤 花子" || strings.Join(got.Emails, ",") != "hanako@example.jp" ||
		!got.UpdatedAt.Equal(t0.Add(2*time.Minute)) || len(got.Raw) == 0 {
		t.Errorf("identity %+v", got)
	}
	acts := map[string]connectors.Activity{}
	for _, a := range p.Activities {
		acts[string(a.Kind)+" "+a.ExternalID] = a
	}
	if len(acts) != 3 {
		t.Fatalf("activities %+v, want an inquiry and two messages", acts)
	}
	if a := acts["inquiry "+first]; a.Summary != "カットの予約はできますか？" || !a.OccurredAt.Equal(t0) ||
		a.IdentityExternalID != cust.ID || !strings.Contains(string(a.Raw), conv) {
		t.Errorf("inquiry %+v", a)
	}
	if a := acts["message "+second]; a.Summary != "土曜の午後でお願いします" || !a.OccurredAt.Equal(t0.Add(2*time.Minute)) || a.IdentityExternalID != cust.ID {
		t.Errorf("message %+v", a)
	}
	if _, ok := acts["message "+first]; !ok {
		t.Error("the first message is not a message activity")
	}
	// The token went in the header, never in the URL.
	for _, r := range fb.Requests() {
		if r.Query.Get("access_token") != "" || r.Header.Get("Authorization") != "Bearer "+testToken {
			t.Errorf("request %s %v: token not (only) in the Authorization header", r.Path, r.Query)
		}
		if r.Query.Get("platform") != "messenger" || !strings.Contains(r.Query.Get("fields"), "messages.limit(20)") {
			t.Errorf("query %v", r.Query)
		}
	}
}

// TestMeta_InstagramUsernamesAndTheAccountsOwnMessages: on Instagram the
// business is its professional account, not the Page.
func TestMeta_InstagramUsernamesAndTheAccountsOwnMessages(t *testing.T) {
	fb, ts := newFake(t)
	conv := fb.AddConversationOn(metatest.Instagram, metatest.Participant{Username: "hana.tokyo"})
	fb.AddMessage(conv, metatest.Message{Text: "DMで予約できますか"})
	fb.AddMessage(conv, metatest.Message{FromPage: true, Text: "できます！"})
	fb.AddMessage(fb.AddConversation(metatest.Participant{Name: "Messenger only"}), metatest.Message{Text: "hi"})
	src := build(t, opts(ts.URL, "platform: instagram", fmt.Sprintf("account_id: %q", metatest.DefaultIGAccountID)))
	pages, err := readAll(conversations(t, src), "")
	if err != nil {
		t.Fatal(err)
	}
	p := merged(pages)
	if len(p.Identities) != 1 || p.Identities[0].ExternalID != fb.Customer(conv).ID || !strings.Contains(string(p.Identities[0].Raw), "hana.tokyo") {
		t.Fatalf("identities %+v, want the Instagram customer only", p.Identities)
	}
	if len(p.Activities) != 2 {
		t.Errorf("activities %+v, want the inquiry and the customer's message", p.Activities)
	}
	if q := fb.Requests()[0].Query.Get("platform"); q != "instagram" {
		t.Errorf("platform=%s", q)
	}
}

// TestMeta_OnlyTheNewestMessagesAreReadable: past the 20 readable
// messages the first one is unknown, so no inquiry is made up.
func TestMeta_OnlyTheNewestMessagesAreReadable(t *testing.T) {
	fb, ts := newFake(t)
	conv := fb.AddConversation(metatest.Participant{Name: "Long talk"})
	t0 := time.Now().Add(-time.Hour)
	for i := range 25 {
		fb.AddMessage(conv, metatest.Message{Text: fmt.Sprintf("msg %d", i), CreatedTime: t0.Add(time.Duration(i) * time.Second)})
	}
	pages, err := readAll(conversations(t, build(t, opts(ts.URL))), "")
	if err != nil {
		t.Fatal(err)
	}
	p := merged(pages)
	if len(p.Activities) != meta.ReadableMessages {
		t.Errorf("%d activities, want %d messages and no inquiry", len(p.Activities), meta.ReadableMessages)
	}
	for _, a := range p.Activities {
		if a.Kind != connectors.KindMessage {
			t.Errorf("activity %s %s", a.Kind, a.Summary)
		}
	}
}

// TestMeta_WalkStopsAtTheCursor: Graph cannot filter conversations by
// time, so an incremental run walks the newest first and stops once past
// the cursor (less the overlap), without asking for the next page.
func TestMeta_WalkStopsAtTheCursor(t *testing.T) {
	fb, ts := newFake(t)
	now := time.Now().UTC().Truncate(time.Second)
	var convs []string
	for i := range 30 {
		c := fb.AddConversation(metatest.Participant{Name: fmt.Sprintf("客 %02d", i)})
		fb.AddMessage(c, metatest.Message{Text: "こんにちは", CreatedTime: now.Add(-time.Duration(30-i) * 2 * time.Hour)})
		convs = append(convs, c)
	}
	s := conversations(t, build(t, opts(ts.URL, "page_size: 5", "overlap: 1h")))
	p1, err := readAll(s, "")
	if err != nil {
		t.Fatal(err)
	}
	first := merged(p1)
	if len(first.Identities) != 30 || fb.CountRequests("/") != 6 {
		t.Fatalf("full walk: %d identities in %d requests, want 30 in 6", len(first.Identities), fb.CountRequests("/"))
	}
	for _, pg := range p1[:len(p1)-1] {
		if strings.Contains(pg.Cursor, `"since"`) {
			t.Errorf("a page before the walk's end moved since: %s", pg.Cursor)
		}
	}
	// Nothing new: one request.
	fb.ResetRequests()
	idle, err := readAll(s, first.Cursor)
	if err != nil {
		t.Fatal(err)
	}
	if n := fb.CountRequests("/"); n != 1 {
		t.Errorf("an idle run made %d requests, want 1", n)
	}
	if c := merged(idle).Cursor; c != first.Cursor {
		t.Errorf("idle run moved the cursor %s -> %s", first.Cursor, c)
	}
	// Two old conversations get a message: they come first; still one request.
	fb.AddMessage(convs[0], metatest.Message{Text: "まだ空いてますか"})
	fb.AddMessage(convs[3], metatest.Message{Text: "キャンセルします"})
	fb.ResetRequests()
	p3, err := readAll(s, first.Cursor)
	if err != nil {
		t.Fatal(err)
	}
	third := merged(p3)
	if n := fb.CountRequests("/"); n != 1 {
		t.Errorf("a run of 2 changes made %d requests, want 1", n)
	}
	var texts []string
	for _, a := range third.Activities {
		texts = append(texts, a.Summary)
	}
	if !strings.Contains(strings.Join(texts, ","), "まだ空いてますか") || !strings.Contains(strings.Join(texts, ","), "キャンセルします") {
		t.Errorf("new messages not read: %v", texts)
	}
	if third.Cursor <= first.Cursor {
		t.Errorf("cursor %s did not advance from %s", third.Cursor, first.Cursor)
	}
}

// TestMeta_ThrottledWalkEndsPartialAndResumes: rate limiting past the
// budget ends the run partial; the committed cursor carries the walk's
// place, and the next run finishes it instead of starting over.
func TestMeta_ThrottledWalkEndsPartialAndResumes(t *testing.T) {
	fb, ts := newFake(t)
	now := time.Now().UTC()
	for i := range 12 {
		c := fb.AddConversation(metatest.Participant{})
		fb.AddMessage(c, metatest.Message{Text: "hi", CreatedTime: now.Add(-time.Duration(i) * time.Hour)})
	}
	s := conversations(t, build(t, opts(ts.URL, "page_size: 5")))
	var last connectors.Page
	var err error
	for p, e := range s.Pages(t.Context(), "") {
		if e != nil {
			err = e
			break
		}
		last = p
		// Meta says: come back in an hour, past the 5m budget.
		fb.ThrottleNext(1, metatest.Throttle{Code: 80006, Status: http.StatusBadRequest, RegainMinutes: 60})
	}
	if !errors.Is(err, connectors.ErrPartial) || !errors.Is(err, httpx.ErrThrottled) {
		t.Fatalf("error %v, want a partial run", err)
	}
	if !strings.Contains(last.Cursor, `"after"`) || strings.Contains(last.Cursor, `"since"`) {
		t.Fatalf("cursor %q, want the walk's place", last.Cursor)
	}
	fb.ResetRequests()
	rest, err := readAll(s, last.Cursor)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(merged(rest).Identities); n != 7 {
		t.Errorf("the resumed walk read %d conversations, want the 7 left", n)
	}
	if r := fb.Requests()[0]; r.Query.Get("after") == "" {
		t.Errorf("the resumed walk started over: %v", r.Query)
	}
	if c := merged(rest).Cursor; !strings.Contains(c, `"since"`) || strings.Contains(c, `"after"`) {
		t.Errorf("cursor after the walk %q", c)
	}
}

// TestMeta_EachThrottlingCodeBacksOffAndSurvives: Graph signals rate
// limiting with error codes on a 400 or 403, never a 429.
func TestMeta_EachThrottlingCodeBacksOffAndSurvives(t *testing.T) {
	cases := []struct {
		code, status int
	}{
		{4, http.StatusForbidden}, {4, http.StatusBadRequest}, {17, http.StatusBadRequest}, {32, http.StatusForbidden},
		{613, http.StatusBadRequest}, {80001, http.StatusBadRequest}, {80002, http.StatusForbidden}, {80006, http.StatusBadRequest},
	}
	for _, c := range cases {
		t.Run(fmt.Sprintf("%d_on_%d", c.code, c.status), func(t *testing.T) {
			fb, ts := newFake(t)
			fb.AddMessage(fb.AddConversation(metatest.Participant{Name: "A"}), metatest.Message{Text: "hi"})
			fb.ThrottleNext(2, metatest.Throttle{Code: c.code, Status: c.status})
			pages, err := readAll(conversations(t, build(t, opts(ts.URL))), "")
			if err != nil {
				t.Fatal(err)
			}
			if len(merged(pages).Identities) != 1 {
				t.Error("the conversation was not read")
			}
			var statuses []int
			for _, r := range fb.Requests() {
				statuses = append(statuses, r.Status)
			}
			if fmt.Sprint(statuses) != fmt.Sprint([]int{c.status, c.status, 200}) {
				t.Errorf("statuses %v, want two throttled and a retry that worked", statuses)
			}
		})
	}
}

func TestMeta_WrongTokenFailsAtOnceWithoutShowingIt(t *testing.T) {
	fb := &metatest.Server{AccessToken: "another-token"}
	ts := fb.Serve(t)
	_, err := readAll(conversations(t, build(t, opts(ts.URL))), "")
	if err == nil || errors.Is(err, connectors.ErrPartial) {
		t.Fatalf("error %v, want a failure", err)
	}
	if strings.Contains(err.Error(), testToken) || !strings.Contains(err.Error(), "190") {
		t.Errorf("error %v: shows the token, or hides Graph's code 190", err)
	}
	if n := fb.CountRequests("/"); n != 1 {
		t.Errorf("%d requests, want 1: code 190 is not retried", n)
	}
}

func TestMeta_ServerErrorsPastTheRetriesFail(t *testing.T) {
	fb, ts := newFake(t)
	fb.FailNext(100, 500)
	_, err := readAll(conversations(t, build(t, opts(ts.URL))), "")
	if err == nil || errors.Is(err, connectors.ErrPartial) {
		t.Fatalf("error %v, want a failure for 5xx", err)
	}
}

func TestMeta_MalformedRecordsAreRejectedWithTheirIDs(t *testing.T) {
	for _, c := range []struct {
		name  string
		kind  int
		field string
	}{{"message", metatest.BadMessageTime, "created_time"}, {"conversation", metatest.BadUpdatedTime, "updated_time"}} {
		t.Run(c.name, func(t *testing.T) {
			fb, ts := newFake(t)
			for i := range 3 {
				conv := fb.AddConversation(metatest.Participant{})
				fb.AddMessage(conv, metatest.Message{Text: "a", CreatedTime: time.Now().Add(-time.Duration(i+1) * time.Hour)})
			}
			fb.MalformNext(c.kind)
			pages, err := readAll(conversations(t, build(t, opts(ts.URL))), "")
			if err != nil {
				t.Fatal(err)
			}
			p := merged(pages)
			bad := fb.MalformedIDs()
			if len(bad) != 1 || len(p.Rejects) != 1 || p.Rejects[0].ExternalID != bad[0] || p.Rejects[0].Field != c.field {
				t.Fatalf("rejects %+v, malformed %v", p.Rejects, bad)
			}
		})
	}
}

// The conformance kit.

type metaVendor struct{}

func (metaVendor) Type() string                    { return meta.TypeName }
func (metaVendor) Register(r *connectors.Registry) { meta.Register(r) }
func (metaVendor) Secrets() []string               { return []string{testToken, testAppSecret, testVerifyToken} }

func (metaVendor) Options(baseURL string) string {
	return opts(baseURL, "page_size: 10", "overlap: 1h")
}

func (metaVendor) Start(t testing.TB) connectortest.Fake {
	f := &metaFake{fb: &metatest.Server{AccessToken: testToken}, anchor: time.Now().UTC().Add(-48 * time.Hour)}
	f.ts = f.fb.Serve(t)
	return f
}

// metaFake drives metatest for the kit. Seeded conversation i opens at
// anchor + i·10m with a customer's question, the Page's reply a minute
// later and the customer's answer a minute after that: an identity, an
// inquiry and two messages. Ten minutes apart, a 1h overlap reaches back
// only a few conversations.
type metaFake struct {
	fb     *metatest.Server
	ts     *httptest.Server
	anchor time.Time

	mu     sync.Mutex
	convs  []string
	newest time.Time
	people int
	acts   int
}

func (f *metaFake) URL() string { return f.ts.URL }

func (f *metaFake) Seed(n int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for range n {
		i := len(f.convs)
		at := f.anchor.Add(time.Duration(i) * 10 * time.Minute)
		c := f.fb.AddConversation(metatest.Participant{Name: fmt.Sprintf("山田 客%03d", i), Email: fmt.Sprintf("c%03d@example.jp", i)})
		f.fb.AddMessage(c, metatest.Message{Text: "予約できますか", CreatedTime: at})
		f.fb.AddMessage(c, metatest.Message{FromPage: true, Text: "はい", CreatedTime: at.Add(time.Minute)})
		f.fb.AddMessage(c, metatest.Message{Text: "では明日で", CreatedTime: at.Add(2 * time.Minute)})
		f.convs = append(f.convs, c)
		f.newest = at.Add(2 * time.Minute)
		f.people++
		f.acts += 3
	}
}

// Change has the k oldest customers write again now.
func (f *metaFake) Change(k int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for i := range min(k, len(f.convs)) {
		f.fb.AddMessage(f.convs[i], metatest.Message{Text: "日程を変更したいです"})
		f.acts++
	}
}

// AddLate opens a conversation 30 minutes before the newest one read:
// inside the overlap.
func (f *metaFake) AddLate() {
	f.mu.Lock()
	defer f.mu.Unlock()
	c := f.fb.AddConversation(metatest.Participant{Name: "遅れて届いた客"})
	f.fb.AddMessage(c, metatest.Message{Text: "遅れて届いた問い合わせ", CreatedTime: f.newest.Add(-30 * time.Minute)})
	f.people++
	f.acts += 2
}

func (f *metaFake) Want() (int, int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.people, f.acts
}

// MalformNext breaks the newest message of the newest conversation: a
// message, not the conversation's first, so only it is lost.
func (f *metaFake) MalformNext() string {
	f.fb.MalformNext(metatest.BadMessageTime)
	return f.fb.NewestMessageID()
}

func (f *metaFake) RateLimitNext(n int)      { f.fb.RateLimitNext(n) }
func (f *metaFake) FailNext(n int)           { f.fb.FailNext(n, 500) }
func (f *metaFake) SetDelay(d time.Duration) { f.fb.SetDelay(d) }
func (f *metaFake) Requests() int            { return len(f.fb.Requests()) }
func (f *metaFake) Close()                   { f.ts.Close() }

func TestConformance(t *testing.T) { connectortest.Run(t, metaVendor{}) }
