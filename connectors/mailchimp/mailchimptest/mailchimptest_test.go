package mailchimptest_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"runtime"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/nayose/nayose/connectors/mailchimp/mailchimptest"
)

type reqOpt func(*http.Request)

func withBasic(user, pw string) reqOpt { return func(r *http.Request) { r.SetBasicAuth(user, pw) } }
func withBearer(tok string) reqOpt {
	return func(r *http.Request) { r.Header.Set("Authorization", "Bearer "+tok) }
}
func withHost(h string) reqOpt { return func(r *http.Request) { r.Host = h } }

// get sends a GET with the default API key (unless opts set other auth).
func get(t testing.TB, base, path string, q url.Values, opts ...reqOpt) (int, []byte, http.Header) {
	t.Helper()
	u := base + path
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	req, err := http.NewRequest(http.MethodGet, u, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.SetBasicAuth("anystring", mailchimptest.DefaultAPIKey)
	for _, o := range opts {
		o(req)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, b, resp.Header
}

func decode[T any](t testing.TB, b []byte) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatalf("decoding %s: %v", b, err)
	}
	return v
}

type problem struct {
	Type, Title, Detail, Instance string
	Status                        int
}

type member struct {
	ID           string `json:"id"`
	EmailAddress string `json:"email_address"`
	Status       string `json:"status"`
	LastChanged  string `json:"last_changed"`
	MergeFields  struct {
		FNAME, LNAME, PHONE, BIRTHDAY string
		ADDRESS                       json.RawMessage
	} `json:"merge_fields"`
	Tags []struct {
		ID   int    `json:"id"`
		Name string `json:"name"`
	} `json:"tags"`
}

type membersPage struct {
	Members    []member `json:"members"`
	ListID     string   `json:"list_id"`
	TotalItems int      `json:"total_items"`
}

var t0 = time.Date(2024, 5, 1, 1, 2, 3, 0, time.UTC)

func q(kv ...string) url.Values {
	v := url.Values{}
	for i := 0; i < len(kv); i += 2 {
		v.Set(kv[i], kv[i+1])
	}
	return v
}

func TestAuth_BasicBearerAndWrongKey(t *testing.T) {
	var mc mailchimptest.Server
	ts := mc.Serve(t)
	cases := []struct {
		name   string
		opts   []reqOpt
		status int
		title  string
	}{
		{"basic with any user", []reqOpt{withBasic("whoever", mailchimptest.DefaultAPIKey)}, 200, ""},
		{"bearer oauth token", []reqOpt{func(r *http.Request) { r.Header.Del("Authorization") }, withBearer(mailchimptest.DefaultOAuthToken)}, 200, ""},
		{"bearer api key", []reqOpt{withBearer(mailchimptest.DefaultAPIKey)}, 200, ""},
		{"wrong key", []reqOpt{withBasic("anystring", "ffffffffffffffffffffffffffffffff-us6")}, 401, "API Key Invalid"},
		{"wrong bearer", []reqOpt{withBearer("nope")}, 401, "API Key Invalid"},
		{"no auth", []reqOpt{func(r *http.Request) { r.Header.Del("Authorization") }}, 401, "API Key Invalid"},
		{"mailchimp host of the key's dc", []reqOpt{withHost("us6.api.mailchimp.com")}, 200, ""},
		{"mailchimp host of another dc", []reqOpt{withHost("us1.api.mailchimp.com")}, 403, "Wrong Datacenter"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			status, body, h := get(t, ts.URL, "/3.0/lists", nil, tc.opts...)
			if status != tc.status {
				t.Fatalf("status %d, want %d: %s", status, tc.status, body)
			}
			if tc.title == "" {
				return
			}
			if ct := h.Get("Content-Type"); ct != "application/problem+json; charset=utf-8" {
				t.Errorf("Content-Type %q", ct)
			}
			p := decode[problem](t, body)
			if p.Title != tc.title || p.Status != tc.status || p.Type == "" || p.Detail == "" || p.Instance == "" {
				t.Errorf("problem %+v", p)
			}
		})
	}
	reqs := mc.Requests()
	if reqs[0].DC != "us6" || reqs[0].Status != 200 {
		t.Errorf("first request logged as %+v", reqs[0])
	}
	if reqs[3].Status != 401 {
		t.Errorf("wrong-key request logged with status %d", reqs[3].Status)
	}
}

func TestAuth_CustomKey(t *testing.T) {
	mc := mailchimptest.Server{APIKey: "fedcba9876543210fedcba9876543210-us21"}
	ts := mc.Serve(t)
	if status, body, _ := get(t, ts.URL, "/3.0/lists", nil); status != 401 {
		t.Fatalf("default key accepted: %d %s", status, body)
	}
	if status, body, _ := get(t, ts.URL, "/3.0/lists", nil, withBasic("x", mc.APIKey)); status != 200 {
		t.Fatalf("custom key: %d %s", status, body)
	}
	if dc := mc.Requests()[1].DC; dc != "us21" {
		t.Errorf("DC %q", dc)
	}
}

func TestUnknownRoute_RecordedAnd404(t *testing.T) {
	var mc mailchimptest.Server
	ts := httptest.NewServer(&mc) // not Serve: the unknown route would fail this test
	defer ts.Close()
	status, body, _ := get(t, ts.URL, "/3.0/automations", nil)
	if status != 404 || decode[problem](t, body).Title != "Resource Not Found" {
		t.Fatalf("status %d: %s", status, body)
	}
	get(t, ts.URL, "/3.0/lists", nil)
	if got := mc.UnknownRoutes(); len(got) != 1 || got[0] != "GET /3.0/automations" {
		t.Fatalf("UnknownRoutes %v", got)
	}
	if n := mc.CountRequests("/3.0/"); n != 2 {
		t.Errorf("CountRequests %d", n)
	}
	mc.ResetRequests()
	if len(mc.UnknownRoutes()) != 0 || len(mc.Requests()) != 0 {
		t.Error("ResetRequests kept entries")
	}
}

func TestLists_StatsAndPaging(t *testing.T) {
	var mc mailchimptest.Server
	mc.AddList(mailchimptest.List{ID: "aaaa000001", Name: "店舗"})
	mc.AddMembers(
		mailchimptest.Member{ListID: "aaaa000001", EmailAddress: "a@example.jp"},
		mailchimptest.Member{ListID: "aaaa000001", EmailAddress: "b@example.jp", Status: mailchimptest.StatusUnsubscribed},
		mailchimptest.Member{ListID: "bbbb000002", EmailAddress: "c@example.jp"},
	)
	ts := mc.Serve(t)
	status, body, _ := get(t, ts.URL, "/3.0/lists", q("count", "1"))
	if status != 200 {
		t.Fatal(status, string(body))
	}
	type listsPage struct {
		Lists []struct {
			ID    string `json:"id"`
			Name  string `json:"name"`
			Stats struct {
				MemberCount      int `json:"member_count"`
				UnsubscribeCount int `json:"unsubscribe_count"`
			} `json:"stats"`
		} `json:"lists"`
		TotalItems int `json:"total_items"`
	}
	got := decode[listsPage](t, body)
	if got.TotalItems != 2 || len(got.Lists) != 1 {
		t.Fatalf("got %+v", got)
	}
	l := got.Lists[0]
	if l.ID != "aaaa000001" || l.Name != "店舗" || l.Stats.MemberCount != 1 || l.Stats.UnsubscribeCount != 1 {
		t.Errorf("list %+v", l)
	}
	_, body, _ = get(t, ts.URL, "/3.0/lists", q("offset", "1"))
	if got := decode[listsPage](t, body); len(got.Lists) != 1 || got.Lists[0].ID != "bbbb000002" {
		t.Errorf("second page %+v", got)
	}
}

func TestMembers_PaginationReturnsEachOnce(t *testing.T) {
	var mc mailchimptest.Server
	g := mc.Generate(1, 2500, 0, t0)
	ts := mc.Serve(t)
	seen := map[string]int{}
	pages := 0
	for offset := 0; ; offset += 1000 {
		status, body, _ := get(t, ts.URL, "/3.0/lists/"+g.ListID+"/members", q("count", "1000", "offset", strconv.Itoa(offset)))
		if status != 200 {
			t.Fatalf("status %d: %s", status, body)
		}
		p := decode[membersPage](t, body)
		if p.TotalItems != 2500 || p.ListID != g.ListID {
			t.Fatalf("total_items %d list_id %q", p.TotalItems, p.ListID)
		}
		if len(p.Members) == 0 {
			break
		}
		pages++
		for _, m := range p.Members {
			seen[m.ID]++
			if m.ID != mailchimptest.SubscriberHash(m.EmailAddress) {
				t.Fatalf("id %s is not the hash of %q", m.ID, m.EmailAddress)
			}
			if _, err := time.Parse(time.RFC3339, m.LastChanged); err != nil || m.LastChanged[len(m.LastChanged)-6:] != "+00:00" {
				t.Fatalf("last_changed %q", m.LastChanged)
			}
		}
	}
	if pages != 3 || len(seen) != 2500 {
		t.Fatalf("pages %d, distinct members %d", pages, len(seen))
	}
	for id, n := range seen {
		if n != 1 {
			t.Fatalf("member %s served %d times", id, n)
		}
	}
	// Default and limits.
	_, body, _ := get(t, ts.URL, "/3.0/lists/"+g.ListID+"/members", nil)
	if n := len(decode[membersPage](t, body).Members); n != mailchimptest.DefaultCount {
		t.Errorf("default page holds %d", n)
	}
	for _, bad := range []string{"1001", "0", "x"} {
		if status, body, _ := get(t, ts.URL, "/3.0/lists/"+g.ListID+"/members", q("count", bad)); status != 400 {
			t.Errorf("count=%s: %d %s", bad, status, body)
		}
	}
	if status, _, _ := get(t, ts.URL, "/3.0/lists/nosuchlist/members", nil); status != 404 {
		t.Errorf("unknown list: %d", status)
	}
}

func TestGenerate_JapaneseAudience(t *testing.T) {
	var a, b mailchimptest.Server
	ga, gb := a.Generate(7, 400, 2, t0), b.Generate(7, 400, 2, t0)
	ma, mb := a.Members(ga.ListID), b.Members(gb.ListID)
	if len(ma) != 400 || len(ga.CampaignIDs) != 2 {
		t.Fatalf("%d members, %d campaigns", len(ma), len(ga.CampaignIDs))
	}
	statuses := map[string]int{}
	kanji, phones, addrs := 0, 0, 0
	for i := range ma {
		if ma[i].EmailAddress != mb[i].EmailAddress || ma[i].MergeFields.FNAME != mb[i].MergeFields.FNAME {
			t.Fatal("Generate is not deterministic")
		}
		statuses[ma[i].Status]++
		for _, r := range ma[i].MergeFields.LNAME + ma[i].MergeFields.FNAME {
			if r >= 0x4e00 && r <= 0x9fff {
				kanji++
				break
			}
		}
		if ma[i].MergeFields.PHONE != "" {
			phones++
		}
		if ma[i].MergeFields.ADDRESS != nil {
			addrs++
		}
	}
	if statuses[mailchimptest.StatusSubscribed] < 300 || statuses[mailchimptest.StatusUnsubscribed] == 0 || statuses[mailchimptest.StatusCleaned] == 0 {
		t.Errorf("statuses %v", statuses)
	}
	if kanji < 100 || phones < 300 || addrs < 80 {
		t.Errorf("kanji %d, phones %d, addresses %d", kanji, phones, addrs)
	}
}

func TestMembers_SinceLastChangedAndStatus(t *testing.T) {
	now := t0.Add(time.Hour)
	mc := mailchimptest.Server{Now: func() time.Time { return now }}
	mc.AddMembers(
		mailchimptest.Member{EmailAddress: "one@example.jp", LastChanged: t0.Add(-time.Minute)},
		mailchimptest.Member{EmailAddress: "two@example.jp", LastChanged: t0, Status: mailchimptest.StatusUnsubscribed},
		mailchimptest.Member{EmailAddress: "Three@Example.jp", LastChanged: t0.Add(time.Minute), Status: mailchimptest.StatusCleaned,
			MergeFields: mailchimptest.MergeFields{FNAME: "健太", LNAME: "佐藤", ADDRESS: &mailchimptest.Address{City: "渋谷区", Country: "JP"}}},
	)
	ts := mc.Serve(t)
	path := "/3.0/lists/" + mailchimptest.DefaultListID + "/members"
	emails := func(v url.Values) []string {
		t.Helper()
		status, body, _ := get(t, ts.URL, path, v)
		if status != 200 {
			t.Fatalf("status %d: %s", status, body)
		}
		var out []string
		for _, m := range decode[membersPage](t, body).Members {
			out = append(out, m.EmailAddress)
		}
		return out
	}
	cases := []struct {
		name string
		q    url.Values
		want string
	}{
		{"all in last_changed order", nil, "[one@example.jp two@example.jp Three@Example.jp]"},
		{"since is exclusive", q("since_last_changed", "2024-05-01T01:02:03+00:00"), "[Three@Example.jp]"},
		{"since in another zone", q("since_last_changed", "2024-05-01T10:01:03+09:00"), "[two@example.jp Three@Example.jp]"},
		{"status", q("status", "unsubscribed"), "[two@example.jp]"},
		{"status and since", q("status", "cleaned", "since_last_changed", "2024-05-01T00:00:00Z"), "[Three@Example.jp]"},
	}
	for _, tc := range cases {
		if got := emails(tc.q); fmt.Sprint(got) != tc.want {
			t.Errorf("%s: got %v, want %s", tc.name, got, tc.want)
		}
	}
	if status, _, _ := get(t, ts.URL, path, q("status", "active")); status != 400 {
		t.Errorf("bad status accepted: %d", status)
	}
	if status, _, _ := get(t, ts.URL, path, q("since_last_changed", "yesterday")); status != 400 {
		t.Errorf("bad since accepted: %d", status)
	}

	// The member's JSON shape.
	_, body, _ := get(t, ts.URL, path, q("status", "cleaned"))
	m := decode[membersPage](t, body).Members[0]
	if m.ID != mailchimptest.SubscriberHash("three@example.jp") || m.MergeFields.FNAME != "健太" || string(m.MergeFields.ADDRESS)[0] != '{' {
		t.Errorf("member %+v", m)
	}
	_, body, _ = get(t, ts.URL, path, q("status", "subscribed"))
	if a := decode[membersPage](t, body).Members[0].MergeFields.ADDRESS; string(a) != `""` {
		t.Errorf("empty ADDRESS is %s", a)
	}

	// UpdateMember bumps last_changed to Now: the member shows up after the cursor.
	if _, err := mc.UpdateMember("ONE@example.jp", func(m *mailchimptest.Member) { m.MergeFields.PHONE = "+81 90-1234-5678" }); err != nil {
		t.Fatal(err)
	}
	if got := emails(q("since_last_changed", "2024-05-01T01:02:03+00:00")); fmt.Sprint(got) != "[Three@Example.jp one@example.jp]" {
		t.Errorf("after update: %v", got)
	}
	if _, err := mc.UpdateMember("nobody@example.jp", func(*mailchimptest.Member) {}); err == nil {
		t.Error("UpdateMember of an unknown e-mail succeeded")
	}

	incl := mailchimptest.Server{InclusiveSince: true}
	incl.AddMembers(mailchimptest.Member{EmailAddress: "edge@example.jp", LastChanged: t0})
	ts2 := incl.Serve(t)
	_, body, _ = get(t, ts2.URL, path, q("since_last_changed", "2024-05-01T01:02:03+00:00"))
	if n := len(decode[membersPage](t, body).Members); n != 1 {
		t.Errorf("InclusiveSince: %d members at the boundary", n)
	}
}

func TestCampaignsAndEmailActivity_Since(t *testing.T) {
	var mc mailchimptest.Server
	mc.AddMembers(mailchimptest.Member{EmailAddress: "kenta@example.jp"}, mailchimptest.Member{EmailAddress: "hina@example.jp"})
	old := mc.AddCampaign(mailchimptest.Campaign{SubjectLine: "春の新豆", SendTime: t0})
	recent := mc.AddCampaign(mailchimptest.Campaign{SubjectLine: "夏のブレンド", SendTime: t0.Add(48 * time.Hour)})
	mc.AddCampaign(mailchimptest.Campaign{SubjectLine: "draft"})
	for _, a := range []struct {
		email, action string
		at            time.Time
		url           string
	}{
		{"kenta@example.jp", mailchimptest.ActionOpen, t0.Add(time.Hour), ""},
		{"kenta@example.jp", mailchimptest.ActionClick, t0.Add(2 * time.Hour), "https://shop.example.jp/beans"},
		{"hina@example.jp", mailchimptest.ActionBounce, t0.Add(time.Minute), ""},
	} {
		if err := mc.AddActivity(old.ID, a.email, a.action, a.at, a.url); err != nil {
			t.Fatal(err)
		}
	}
	if err := mc.AddActivity(old.ID, "x@example.jp", "forward", t0, ""); err == nil {
		t.Error("unknown action accepted")
	}
	if err := mc.AddActivity("nope", "x@example.jp", "open", t0, ""); err == nil {
		t.Error("unknown campaign accepted")
	}
	ts := mc.Serve(t)

	type campaigns struct {
		Campaigns []struct {
			ID       string `json:"id"`
			Status   string `json:"status"`
			SendTime string `json:"send_time"`
			Settings struct {
				SubjectLine string `json:"subject_line"`
				Title       string `json:"title"`
			} `json:"settings"`
		} `json:"campaigns"`
		TotalItems int `json:"total_items"`
	}
	_, body, _ := get(t, ts.URL, "/3.0/campaigns", q("status", "sent"))
	if c := decode[campaigns](t, body); c.TotalItems != 2 || c.Campaigns[0].ID != old.ID || c.Campaigns[0].Settings.SubjectLine != "春の新豆" || c.Campaigns[0].SendTime != "2024-05-01T01:02:03+00:00" {
		t.Errorf("sent campaigns %+v", c)
	}
	_, body, _ = get(t, ts.URL, "/3.0/campaigns", q("status", "sent", "since_send_time", "2024-05-01T01:02:03+00:00"))
	if c := decode[campaigns](t, body); c.TotalItems != 1 || c.Campaigns[0].ID != recent.ID {
		t.Errorf("since_send_time %+v", c)
	}
	_, body, _ = get(t, ts.URL, "/3.0/campaigns", q("count", "1", "offset", "2"))
	if c := decode[campaigns](t, body); c.TotalItems != 3 || len(c.Campaigns) != 1 || c.Campaigns[0].Status != "save" {
		t.Errorf("third campaign %+v", c)
	}

	type report struct {
		Emails []struct {
			CampaignID   string `json:"campaign_id"`
			ListID       string `json:"list_id"`
			EmailID      string `json:"email_id"`
			EmailAddress string `json:"email_address"`
			Activity     []struct {
				Action, Timestamp, URL, IP string
			} `json:"activity"`
		} `json:"emails"`
		TotalItems int `json:"total_items"`
	}
	path := "/3.0/reports/" + old.ID + "/email-activity"
	_, body, _ = get(t, ts.URL, path, nil)
	if r := decode[report](t, body); r.TotalItems != 2 {
		t.Errorf("report %+v", r)
	}
	_, body, _ = get(t, ts.URL, path, q("since", "2024-05-01T01:32:03+00:00"))
	r := decode[report](t, body)
	if r.TotalItems != 1 || r.Emails[0].EmailAddress != "kenta@example.jp" || len(r.Emails[0].Activity) != 2 ||
		r.Emails[0].EmailID != mailchimptest.SubscriberHash("kenta@example.jp") || r.Emails[0].ListID != mailchimptest.DefaultListID {
		t.Fatalf("since report %+v", r)
	}
	if a := r.Emails[0].Activity[1]; a.Action != "click" || a.URL != "https://shop.example.jp/beans" || a.IP == "" {
		t.Errorf("click %+v", a)
	}
	_, body, _ = get(t, ts.URL, path, q("since", "2024-05-01T02:02:03+00:00"))
	if r := decode[report](t, body); r.TotalItems != 1 || len(r.Emails[0].Activity) != 1 {
		t.Errorf("since after the open %+v", r)
	}
	if status, _, _ := get(t, ts.URL, "/3.0/reports/nope/email-activity", nil); status != 404 {
		t.Errorf("unknown campaign: %d", status)
	}

	// Per-member activity, newest first.
	_, body, _ = get(t, ts.URL, "/3.0/lists/"+mailchimptest.DefaultListID+"/members/"+mailchimptest.SubscriberHash("kenta@example.jp")+"/activity", nil)
	var ma struct {
		Activity []struct {
			Action     string `json:"action"`
			CampaignID string `json:"campaign_id"`
			Title      string `json:"title"`
		} `json:"activity"`
	}
	if err := json.Unmarshal(body, &ma); err != nil {
		t.Fatal(err)
	}
	if len(ma.Activity) != 2 || ma.Activity[0].Action != "click" || ma.Activity[0].CampaignID != old.ID || ma.Activity[0].Title != "春の新豆" {
		t.Errorf("member activity %+v", ma)
	}
}

func TestFaults_Hooks(t *testing.T) {
	cases := []struct {
		name       string
		arm        func(*mailchimptest.Server)
		statuses   []int
		title      string
		retryAfter string
	}{
		{"429", func(s *mailchimptest.Server) { s.RateLimitNext(2) }, []int{429, 429, 200}, "Too Many Requests", ""},
		{"429 with Retry-After", func(s *mailchimptest.Server) { s.SetRetryAfter(1500 * time.Millisecond); s.RateLimitNext(1) }, []int{429, 200}, "Too Many Requests", "2"},
		{"403 throttling", func(s *mailchimptest.Server) { s.ForbidNext(1) }, []int{403, 200}, "Forbidden", ""},
		{"5xx", func(s *mailchimptest.Server) { s.FailNext(2, 503) }, []int{503, 503, 200}, "Service Unavailable", ""},
		{"in order", func(s *mailchimptest.Server) { s.RateLimitNext(1); s.FailNext(1, 500); s.ForbidNext(1) }, []int{429, 500, 403, 200}, "", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var mc mailchimptest.Server
			tc.arm(&mc)
			ts := mc.Serve(t)
			for i, want := range tc.statuses {
				status, body, h := get(t, ts.URL, "/3.0/lists", nil)
				if status != want {
					t.Fatalf("request %d: status %d, want %d: %s", i, status, want, body)
				}
				if i > 0 || tc.title == "" {
					continue
				}
				if p := decode[problem](t, body); p.Title != tc.title || p.Status != want {
					t.Errorf("problem %+v", p)
				}
				if got := h.Get("Retry-After"); got != tc.retryAfter {
					t.Errorf("Retry-After %q, want %q", got, tc.retryAfter)
				}
				for k := range h {
					if len(k) > 11 && (k[:11] == "X-Ratelimit" || k[:11] == "X-RateLimit") {
						t.Errorf("unexpected header %s", k)
					}
				}
			}
		})
	}
}

func TestFaults_FailNextRejectsSuccess(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("FailNext(1, 200) did not panic")
		}
	}()
	var mc mailchimptest.Server
	mc.FailNext(1, 200)
}

func TestFaults_MalformNextCorruptsOneMemberOfNextNonEmptyPage(t *testing.T) {
	var mc mailchimptest.Server
	g := mc.Generate(3, 30, 0, t0)
	ts := mc.Serve(t)
	mc.MalformNext()
	path := "/3.0/lists/" + g.ListID + "/members"
	// An empty page does not use up the malformation.
	_, body, _ := get(t, ts.URL, path, q("offset", "100"))
	if n := len(decode[membersPage](t, body).Members); n != 0 || len(mc.MalformedIDs()) != 0 {
		t.Fatalf("empty page: %d members, malformed %v", n, mc.MalformedIDs())
	}
	_, body, _ = get(t, ts.URL, path, q("count", "10"))
	var bad []string
	for _, m := range decode[membersPage](t, body).Members {
		if _, err := time.Parse(time.RFC3339, m.LastChanged); err != nil {
			bad = append(bad, m.ID)
		}
	}
	if ids := mc.MalformedIDs(); len(bad) != 1 || len(ids) != 1 || ids[0] != bad[0] {
		t.Fatalf("unparseable %v, MalformedIDs %v", bad, ids)
	}
	_, body, _ = get(t, ts.URL, path, q("count", "10"))
	for _, m := range decode[membersPage](t, body).Members {
		if m.LastChanged == mailchimptest.BadTimestamp {
			t.Fatal("the page after the malformed one is malformed too")
		}
	}
}

func TestFaults_DelayHonoursClientCancel(t *testing.T) {
	var mc mailchimptest.Server
	mc.SetDelay(time.Minute)
	ts := mc.Serve(t)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, ts.URL+"/3.0/lists", nil)
	req.SetBasicAuth("x", mailchimptest.DefaultAPIKey)
	if _, err := http.DefaultClient.Do(req); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err %v", err)
	}
	waitFor(t, func() bool { return mc.InFlight() == 0 })
}

// waitFor polls cond until it holds or a deadline passes.
func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not met before the deadline")
		}
		runtime.Gosched()
		time.Sleep(time.Millisecond)
	}
}

func TestConnections_EleventhSimultaneousRequestGets429(t *testing.T) {
	var mc mailchimptest.Server
	mc.SetDelay(time.Minute)
	ts := mc.Serve(t)
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	for range mailchimptest.MaxConnections {
		wg.Go(func() {
			req, _ := http.NewRequestWithContext(ctx, http.MethodGet, ts.URL+"/3.0/lists", nil)
			req.SetBasicAuth("x", mailchimptest.DefaultAPIKey)
			if resp, err := http.DefaultClient.Do(req); err == nil {
				resp.Body.Close()
			}
		})
	}
	waitFor(t, func() bool { return mc.InFlight() == mailchimptest.MaxConnections })
	status, body, _ := get(t, ts.URL, "/3.0/lists", nil)
	if status != 429 || decode[problem](t, body).Title != "Too Many Requests" {
		t.Errorf("11th request: %d %s", status, body)
	}
	cancel()
	wg.Wait()
	waitFor(t, func() bool { return mc.InFlight() == 0 })
	mc.SetDelay(0)
	if status, _, _ := get(t, ts.URL, "/3.0/lists", nil); status != 200 {
		t.Errorf("after the burst: %d", status)
	}
	if mc.MaxInFlight() != mailchimptest.MaxConnections {
		t.Errorf("MaxInFlight %d", mc.MaxInFlight())
	}
}

func TestRace_ServeWhileMutating(t *testing.T) {
	var mc mailchimptest.Server
	g := mc.Generate(5, 200, 2, t0)
	ts := mc.Serve(t)
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Go(func() {
			for i := range 20 {
				mc.AddMembers(mailchimptest.Member{EmailAddress: fmt.Sprintf("w%d-%d@example.jp", w, i)})
				mc.UpdateMember(g.Emails[(w*20+i)%len(g.Emails)], func(m *mailchimptest.Member) {
					m.Tags = append(m.Tags, mailchimptest.Tag{ID: 1, Name: "VIP"})
					m.MergeFields.FNAME = "更新"
				})
				mc.AddActivity(g.CampaignIDs[0], g.Emails[i], mailchimptest.ActionOpen, t0, "")
				_ = mc.Requests()
				_ = mc.Members(g.ListID)
			}
		})
	}
	for range 4 {
		wg.Go(func() {
			for i := range 10 {
				status, body, _ := get(t, ts.URL, "/3.0/lists/"+g.ListID+"/members", q("count", "50", "offset", strconv.Itoa(i*50)))
				if status != 200 && status != 429 {
					t.Errorf("status %d: %s", status, body)
				}
				get(t, ts.URL, "/3.0/reports/"+g.CampaignIDs[0]+"/email-activity", nil)
			}
		})
	}
	wg.Wait()
	if n := len(mc.Members(g.ListID)); n != 280 {
		t.Errorf("%d members", n)
	}
}
