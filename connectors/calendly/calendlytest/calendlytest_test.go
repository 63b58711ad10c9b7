package calendlytest_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nayose/nayose/connectors/calendly/calendlytest"
)

var t0 = time.Date(2024, 5, 1, 1, 2, 3, 0, time.UTC)

// clock is a settable, race-safe Now.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func newFake(t *testing.T) (*calendlytest.Server, *httptest.Server, *clock) {
	t.Helper()
	c := &clock{t: t0}
	s := &calendlytest.Server{Now: c.Now}
	return s, s.Serve(t), c
}

func get(t *testing.T, rawURL, token string, out any) *http.Response {
	t.Helper()
	req, err := http.NewRequest("GET", rawURL, nil)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if out != nil {
		if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
			t.Fatalf("GET %s: decoding: %v", rawURL, err)
		}
	}
	return resp
}

type me struct {
	Resource struct {
		URI                 string `json:"uri"`
		Name                string `json:"name"`
		Email               string `json:"email"`
		Timezone            string `json:"timezone"`
		CurrentOrganization string `json:"current_organization"`
	} `json:"resource"`
}

type page struct {
	Collection []struct {
		URI             string `json:"uri"`
		Name            string `json:"name"`
		Status          string `json:"status"`
		StartTime       string `json:"start_time"`
		Email           string `json:"email"`
		CreatedAt       string `json:"created_at"`
		InviteesCounter struct {
			Total, Active, Limit int
		} `json:"invitees_counter"`
		Cancellation *struct {
			CancelerType string `json:"canceler_type"`
			Reason       string `json:"reason"`
		} `json:"cancellation"`
		QuestionsAndAnswers []calendlytest.QA `json:"questions_and_answers"`
		TextReminderNumber  *string           `json:"text_reminder_number"`
	} `json:"collection"`
	Pagination struct {
		Count             int     `json:"count"`
		NextPage          *string `json:"next_page"`
		NextPageToken     *string `json:"next_page_token"`
		PreviousPage      *string `json:"previous_page"`
		PreviousPageToken *string `json:"previous_page_token"`
	} `json:"pagination"`
}

type apiErr struct {
	Title   string `json:"title"`
	Message string `json:"message"`
	Details []struct {
		Parameter string `json:"parameter"`
	} `json:"details"`
	Error string `json:"error"`
}

func orgURI(t *testing.T, ts *httptest.Server, tok string) string {
	var m me
	if resp := get(t, ts.URL+"/users/me", tok, &m); resp.StatusCode != 200 {
		t.Fatalf("users/me: %d", resp.StatusCode)
	}
	return m.Resource.CurrentOrganization
}

func TestServer_Auth(t *testing.T) {
	_, ts, _ := newFake(t)
	for _, tc := range []struct {
		name, header string
		want         int
	}{
		{"none", "", 401},
		{"wrong token", "Bearer nope", 401},
		{"not bearer", "Basic " + calendlytest.DefaultAccessToken, 401},
		{"personal access token", "Bearer " + calendlytest.DefaultAccessToken, 200},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req, _ := http.NewRequest("GET", ts.URL+"/users/me", nil)
			if tc.header != "" {
				req.Header.Set("Authorization", tc.header)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			var e apiErr
			json.NewDecoder(resp.Body).Decode(&e)
			if resp.StatusCode != tc.want {
				t.Fatalf("status %d, want %d", resp.StatusCode, tc.want)
			}
			if tc.want == 401 && (e.Title != "Unauthenticated" || e.Message != "The access token is invalid") {
				t.Errorf("401 body %+v", e)
			}
		})
	}
}

func TestUsersMe_URIsOnFakeHost(t *testing.T) {
	s, ts, _ := newFake(t)
	var m me
	get(t, ts.URL+"/users/me", calendlytest.DefaultAccessToken, &m)
	u := s.User()
	if m.Resource.URI != ts.URL+"/users/"+u.UUID || m.Resource.CurrentOrganization != ts.URL+"/organizations/"+u.OrganizationUUID {
		t.Errorf("URIs %q %q not on %s", m.Resource.URI, m.Resource.CurrentOrganization, ts.URL)
	}
	if m.Resource.Timezone != "Asia/Tokyo" || m.Resource.Email == "" || m.Resource.Name == "" {
		t.Errorf("resource %+v", m.Resource)
	}
}

// scan follows next_page links and returns the URIs seen.
func scan(t *testing.T, first, tok string) []string {
	t.Helper()
	var uris []string
	next := first
	for i := 0; next != ""; i++ {
		if i > 1000 {
			t.Fatal("pagination does not end")
		}
		var p page
		if resp := get(t, next, tok, &p); resp.StatusCode != 200 {
			t.Fatalf("GET %s: %d", next, resp.StatusCode)
		}
		if p.Pagination.Count != len(p.Collection) {
			t.Errorf("count %d for %d records", p.Pagination.Count, len(p.Collection))
		}
		for _, r := range p.Collection {
			uris = append(uris, r.URI)
		}
		next = ""
		if p.Pagination.NextPage != nil {
			next = *p.Pagination.NextPage
			u, _ := url.Parse(next)
			if u.Query().Get("page_token") != *p.Pagination.NextPageToken {
				t.Errorf("next_page %s does not carry next_page_token", next)
			}
		}
	}
	return uris
}

func TestScheduledEvents_PaginationReturnsEachOnce(t *testing.T) {
	s, ts, _ := newFake(t)
	s.Generate(7, 250, t0)
	org := orgURI(t, ts, calendlytest.DefaultAccessToken)
	for _, tc := range []struct {
		count string
		sort  string
	}{{"", ""}, {"100", "start_time:asc"}, {"33", "start_time:desc"}} {
		t.Run(tc.count+tc.sort, func(t *testing.T) {
			q := url.Values{"organization": {org}}
			if tc.count != "" {
				q.Set("count", tc.count)
			}
			if tc.sort != "" {
				q.Set("sort", tc.sort)
			}
			uris := scan(t, ts.URL+"/scheduled_events?"+q.Encode(), calendlytest.DefaultAccessToken)
			seen := map[string]bool{}
			for _, u := range uris {
				if seen[u] {
					t.Errorf("%s served twice", u)
				}
				seen[u] = true
				if !strings.HasPrefix(u, ts.URL+"/scheduled_events/") {
					t.Errorf("uri %s not on fake host", u)
				}
			}
			if len(seen) != 250 {
				t.Errorf("saw %d events, want 250", len(seen))
			}
		})
	}
}

func TestScheduledEvents_PreviousPage(t *testing.T) {
	s, ts, _ := newFake(t)
	s.Generate(3, 50, t0)
	org := orgURI(t, ts, calendlytest.DefaultAccessToken)
	var p1, p2, back page
	get(t, ts.URL+"/scheduled_events?count=10&organization="+url.QueryEscape(org), calendlytest.DefaultAccessToken, &p1)
	if p1.Pagination.PreviousPage != nil {
		t.Error("first page has a previous page")
	}
	get(t, *p1.Pagination.NextPage, calendlytest.DefaultAccessToken, &p2)
	get(t, *p2.Pagination.PreviousPage, calendlytest.DefaultAccessToken, &back)
	if len(back.Collection) != 10 || back.Collection[0].URI != p1.Collection[0].URI || back.Collection[9].URI != p1.Collection[9].URI {
		t.Error("previous_page does not return the first page")
	}
}

func TestScheduledEvents_Filters(t *testing.T) {
	s, ts, _ := newFake(t)
	a := s.AddEvent(calendlytest.Event{Name: "カット", StartTime: t0})
	b := s.AddEvent(calendlytest.Event{Name: "カット", StartTime: t0.Add(time.Hour)})
	c := s.AddEvent(calendlytest.Event{Name: "カット", StartTime: t0.Add(2 * time.Hour)})
	for _, id := range []string{a, b, c} {
		s.AddInvitee(id, calendlytest.Invitee{Name: "佐藤 健太", Email: "kenta." + id[:4] + "@example.jp"})
	}
	if !s.CancelInvitee(b, "kenta."+b[:4]+"@example.jp", "体調不良のため") {
		t.Fatal("CancelInvitee: not found")
	}
	org := orgURI(t, ts, calendlytest.DefaultAccessToken)
	user := s.User()
	stamp := calendlytest.Stamp
	for _, tc := range []struct {
		name  string
		query url.Values
		want  []string
		code  int
	}{
		{"all by org", url.Values{"organization": {org}}, []string{a, b, c}, 200},
		{"by user", url.Values{"user": {ts.URL + "/users/" + user.UUID}}, []string{a, b, c}, 200},
		{"min inclusive", url.Values{"organization": {org}, "min_start_time": {stamp(t0.Add(time.Hour))}}, []string{b, c}, 200},
		{"max exclusive", url.Values{"organization": {org}, "max_start_time": {stamp(t0.Add(2 * time.Hour))}}, []string{a, b}, 200},
		{"window", url.Values{"organization": {org}, "min_start_time": {"2024-05-01T01:30:00Z"}, "max_start_time": {"2024-05-01T11:30:00+09:00"}}, []string{b}, 200},
		{"active", url.Values{"organization": {org}, "status": {"active"}}, []string{a, c}, 200},
		{"canceled", url.Values{"organization": {org}, "status": {"canceled"}}, []string{b}, 200},
		{"invitee_email", url.Values{"organization": {org}, "invitee_email": {"KENTA." + c[:4] + "@example.jp"}}, []string{c}, 200},
		{"desc", url.Values{"organization": {org}, "sort": {"start_time:desc"}}, []string{c, b, a}, 200},
		{"missing org and user", url.Values{}, nil, 400},
		{"bad status", url.Values{"organization": {org}, "status": {"deleted"}}, nil, 400},
		{"bad count", url.Values{"organization": {org}, "count": {"101"}}, nil, 400},
		{"bad time", url.Values{"organization": {org}, "min_start_time": {"yesterday"}}, nil, 400},
		{"bad token", url.Values{"organization": {org}, "page_token": {"xyz"}}, nil, 400},
		{"other org", url.Values{"organization": {ts.URL + "/organizations/other"}}, nil, 403},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var raw json.RawMessage
			resp := get(t, ts.URL+"/scheduled_events?"+tc.query.Encode(), calendlytest.DefaultAccessToken, &raw)
			if resp.StatusCode != tc.code {
				t.Fatalf("status %d, want %d: %s", resp.StatusCode, tc.code, raw)
			}
			if tc.code == 400 {
				var e apiErr
				json.Unmarshal(raw, &e)
				if e.Title != "Invalid Argument" || e.Message == "" || len(e.Details) == 0 {
					t.Errorf("400 body %s", raw)
				}
				return
			}
			if tc.code != 200 {
				return
			}
			var p page
			json.Unmarshal(raw, &p)
			var got []string
			for _, r := range p.Collection {
				got = append(got, r.URI[strings.LastIndex(r.URI, "/")+1:])
			}
			if fmt.Sprint(got) != fmt.Sprint(tc.want) {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
	// The canceled event carries the invitee's cancellation and counters.
	var p page
	get(t, ts.URL+"/scheduled_events?status=canceled&organization="+url.QueryEscape(org), calendlytest.DefaultAccessToken, &p)
	e := p.Collection[0]
	if e.Cancellation == nil || e.Cancellation.CancelerType != "invitee" || e.Cancellation.Reason != "体調不良のため" ||
		e.InviteesCounter.Total != 1 || e.InviteesCounter.Active != 0 || e.InviteesCounter.Limit != 1 {
		t.Errorf("canceled event %+v", e)
	}
	if _, err := time.Parse(calendlytest.TimeFormat, e.StartTime); err != nil || e.StartTime != "2024-05-01T02:02:03.000000Z" {
		t.Errorf("start_time %q", e.StartTime)
	}
}

func TestInvitees_PaginationAndFilters(t *testing.T) {
	s, ts, _ := newFake(t)
	ev := s.AddEvent(calendlytest.Event{Name: "ヘアアレンジ講座", StartTime: t0, InviteesLimit: 300})
	for i := range 230 {
		s.AddInvitee(ev, calendlytest.Invitee{
			Name: fmt.Sprintf("山田 花子%d", i), Email: fmt.Sprintf("hanako%d@example.jp", i),
			CreatedAt: t0.Add(-time.Duration(i%7) * time.Hour), TextReminderNumber: "+81 90-1234-5678",
			QuestionsAndAnswers: []calendlytest.QA{{Question: "ご要望", Answer: "カットとカラーの相談をしたいです"}},
		})
	}
	s.CancelInvitee(ev, "hanako5@example.jp", "")
	base := ts.URL + "/scheduled_events/" + ev + "/invitees"
	uris := scan(t, base+"?count=17&sort=created_at:asc", calendlytest.DefaultAccessToken)
	seen := map[string]bool{}
	for _, u := range uris {
		if seen[u] || !strings.HasPrefix(u, base+"/") {
			t.Errorf("bad or repeated uri %s", u)
		}
		seen[u] = true
	}
	if len(seen) != 230 {
		t.Errorf("saw %d invitees, want 230", len(seen))
	}
	var p page
	get(t, base+"?status=canceled", calendlytest.DefaultAccessToken, &p)
	if len(p.Collection) != 1 || p.Collection[0].Email != "hanako5@example.jp" || p.Collection[0].Status != "canceled" {
		t.Errorf("canceled filter: %+v", p.Collection)
	}
	get(t, base+"?email=HANAKO7@example.jp", calendlytest.DefaultAccessToken, &p)
	if len(p.Collection) != 1 || p.Collection[0].QuestionsAndAnswers[0].Answer != "カットとカラーの相談をしたいです" ||
		p.Collection[0].TextReminderNumber == nil || *p.Collection[0].TextReminderNumber != "+81 90-1234-5678" {
		t.Errorf("email filter: %+v", p.Collection)
	}
	if resp := get(t, ts.URL+"/scheduled_events/nope/invitees", calendlytest.DefaultAccessToken, nil); resp.StatusCode != 404 {
		t.Errorf("unknown event: %d", resp.StatusCode)
	}
	if resp := get(t, base+"?sort=start_time:asc", calendlytest.DefaultAccessToken, nil); resp.StatusCode != 400 {
		t.Errorf("bad sort: %d", resp.StatusCode)
	}
}

func postToken(t *testing.T, ts *httptest.Server, form url.Values, basic bool) (int, calendlytest.TokenResponse, apiErr, http.Header) {
	t.Helper()
	req, _ := http.NewRequest("POST", ts.URL+"/oauth/token", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if basic {
		req.SetBasicAuth(calendlytest.DefaultClientID, calendlytest.DefaultClientSecret)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var raw json.RawMessage
	json.NewDecoder(resp.Body).Decode(&raw)
	var tr calendlytest.TokenResponse
	var e apiErr
	json.Unmarshal(raw, &tr)
	json.Unmarshal(raw, &e)
	return resp.StatusCode, tr, e, resp.Header
}

func refreshForm(rt string) url.Values {
	return url.Values{"grant_type": {"refresh_token"}, "refresh_token": {rt},
		"client_id": {calendlytest.DefaultClientID}, "client_secret": {calendlytest.DefaultClientSecret}}
}

func TestOAuth_RefreshRotatesAndReuseFails(t *testing.T) {
	s, ts, clk := newFake(t)
	s.SetRefreshToken("rt-0")
	first := s.AccessToken()
	if resp := get(t, ts.URL+"/users/me", calendlytest.DefaultAccessToken, nil); resp.StatusCode != 401 {
		t.Errorf("PAT accepted in OAuth mode: %d", resp.StatusCode)
	}
	if resp := get(t, ts.URL+"/users/me", first, nil); resp.StatusCode != 200 {
		t.Errorf("initial access token: %d", resp.StatusCode)
	}
	code, tr, _, _ := postToken(t, ts, refreshForm("rt-0"), false)
	if code != 200 || tr.RefreshToken == "rt-0" || tr.RefreshToken != s.RefreshToken() || tr.AccessToken != s.AccessToken() ||
		tr.ExpiresIn != 7200 || tr.TokenType != "Bearer" || !strings.HasPrefix(tr.Owner, ts.URL+"/users/") {
		t.Fatalf("refresh: %d %+v", code, tr)
	}
	code, _, e, _ := postToken(t, ts, refreshForm("rt-0"), true)
	if code != 400 || e.Error != "invalid_grant" {
		t.Errorf("reused refresh token: %d %+v", code, e)
	}
	// Basic client auth works, and rotates again.
	code, tr2, _, _ := postToken(t, ts, url.Values{"grant_type": {"refresh_token"}, "refresh_token": {tr.RefreshToken}}, true)
	if code != 200 || tr2.RefreshToken == tr.RefreshToken {
		t.Fatalf("second refresh: %d %+v", code, tr2)
	}
	if code, _, e, _ := postToken(t, ts, url.Values{"grant_type": {"refresh_token"}, "refresh_token": {tr2.RefreshToken}, "client_id": {"x"}, "client_secret": {"y"}}, false); code != 401 || e.Error != "invalid_client" {
		t.Errorf("bad client: %d %+v", code, e)
	}
	// Access tokens expire after 2 h of the fake's clock.
	clk.Add(2*time.Hour - time.Second)
	if resp := get(t, ts.URL+"/users/me", tr2.AccessToken, nil); resp.StatusCode != 200 {
		t.Errorf("token before expiry: %d", resp.StatusCode)
	}
	clk.Add(time.Second)
	var e2 apiErr
	if resp := get(t, ts.URL+"/users/me", tr2.AccessToken, &e2); resp.StatusCode != 401 || e2.Title != "Unauthenticated" {
		t.Errorf("expired token: %d %+v", resp.StatusCode, e2)
	}
}

func TestOAuth_TokenEndpointLimit(t *testing.T) {
	s, ts, clk := newFake(t)
	s.SetRefreshToken("rt")
	for i := range calendlytest.TokenRequestsPerMinute {
		code, tr, _, _ := postToken(t, ts, refreshForm(s.RefreshToken()), false)
		if code != 200 || tr.AccessToken == "" {
			t.Fatalf("request %d: %d", i, code)
		}
		clk.Add(time.Second)
	}
	code, _, _, h := postToken(t, ts, refreshForm(s.RefreshToken()), false)
	if code != 429 || h.Get("X-RateLimit-Remaining") != "0" || h.Get("X-RateLimit-Reset") != "52" {
		t.Errorf("9th token request: %d %v", code, h)
	}
	clk.Add(52 * time.Second)
	if code, _, _, _ := postToken(t, ts, refreshForm(s.RefreshToken()), false); code != 200 {
		t.Errorf("after the window: %d", code)
	}
}

func TestRateLimit_HeadersAnd429(t *testing.T) {
	c := &clock{t: t0}
	s := &calendlytest.Server{Now: c.Now, RateLimit: 3}
	ts := s.Serve(t)
	tok := calendlytest.DefaultAccessToken
	for i := range 3 {
		resp := get(t, ts.URL+"/users/me", tok, nil)
		if resp.StatusCode != 200 || resp.Header.Get("X-RateLimit-Limit") != "3" ||
			resp.Header.Get("X-RateLimit-Remaining") != strconv.Itoa(2-i) || resp.Header.Get("X-RateLimit-Reset") != strconv.Itoa(60-10*i) {
			t.Errorf("request %d: %d %v", i, resp.StatusCode, resp.Header)
		}
		c.Add(10 * time.Second)
	}
	resp := get(t, ts.URL+"/users/me", tok, nil)
	if resp.StatusCode != 429 || resp.Header.Get("X-RateLimit-Remaining") != "0" || resp.Header.Get("X-RateLimit-Reset") != "30" {
		t.Errorf("over the limit: %d %v", resp.StatusCode, resp.Header)
	}
	if resp := get(t, ts.URL+"/users/me", "bad", nil); resp.StatusCode != 401 || resp.Header.Get("X-RateLimit-Limit") != "3" {
		t.Errorf("401 without headers: %d %v", resp.StatusCode, resp.Header)
	}
	c.Add(30 * time.Second)
	if resp := get(t, ts.URL+"/users/me", tok, nil); resp.StatusCode != 200 || resp.Header.Get("X-RateLimit-Remaining") != "2" {
		t.Errorf("new window: %d %v", resp.StatusCode, resp.Header)
	}
	// The default limit is 500.
	var d calendlytest.Server
	rec := httptest.NewRecorder()
	req := httptest.NewRequest("GET", "/users/me", nil)
	req.Header.Set("Authorization", "Bearer "+calendlytest.DefaultAccessToken)
	d.ServeHTTP(rec, req)
	if rec.Code != 200 || rec.Header().Get("X-RateLimit-Limit") != "500" || rec.Header().Get("X-RateLimit-Remaining") != "499" {
		t.Errorf("zero Server: %d %v", rec.Code, rec.Header())
	}
}

func TestFaultHooks(t *testing.T) {
	s, ts, _ := newFake(t)
	s.Generate(1, 30, t0)
	tok := calendlytest.DefaultAccessToken
	org := orgURI(t, ts, tok)
	events := ts.URL + "/scheduled_events?organization=" + url.QueryEscape(org)

	s.RateLimitNext(1)
	s.FailNext(2, 503)
	resp := get(t, events, tok, nil)
	if resp.StatusCode != 429 || resp.Header.Get("X-RateLimit-Reset") != "1" || resp.Header.Get("X-RateLimit-Remaining") != "0" {
		t.Errorf("RateLimitNext: %d %v", resp.StatusCode, resp.Header)
	}
	for range 2 {
		if resp := get(t, events, tok, nil); resp.StatusCode != 503 {
			t.Errorf("FailNext: %d", resp.StatusCode)
		}
	}

	s.MalformNext()
	var p page
	if resp := get(t, events+"&count=5", tok, &p); resp.StatusCode != 200 {
		t.Fatalf("malformed page: %d", resp.StatusCode)
	}
	bad := 0
	for _, e := range p.Collection {
		if _, err := time.Parse(time.RFC3339Nano, e.StartTime); err != nil {
			bad++
			if got := s.MalformedURIs(); len(got) != 1 || got[0] != e.URI {
				t.Errorf("MalformedURIs %v, record %s", got, e.URI)
			}
		}
	}
	if bad != 1 {
		t.Errorf("%d malformed records, want 1", bad)
	}
	get(t, events+"&count=5", tok, &p)
	for _, e := range p.Collection {
		if e.StartTime == calendlytest.BadTimestamp {
			t.Error("malformation repeated")
		}
	}
	// Invitee pages get a malformed created_at.
	ev := s.Events()[0].UUID
	s.MalformNext()
	get(t, ts.URL+"/scheduled_events/"+ev+"/invitees", tok, &p)
	if p.Collection[len(p.Collection)/2].CreatedAt != calendlytest.BadTimestamp || len(s.MalformedURIs()) != 2 {
		t.Errorf("invitee malformation: %+v", p.Collection)
	}

	s.SetDelay(200 * time.Millisecond)
	ctxReq, _ := http.NewRequest("GET", ts.URL+"/users/me", nil)
	client := &http.Client{Timeout: 50 * time.Millisecond}
	if _, err := client.Do(ctxReq); err == nil {
		t.Error("SetDelay: request did not time out")
	}
	s.SetDelay(0)

	s.ResetRequests()
	get(t, ts.URL+"/users/me", tok, nil)
	get(t, events, tok, nil)
	if s.CountRequests("/scheduled_events") != 1 || s.CountRequests("/") != 2 || len(s.Requests()) != 2 ||
		!s.Requests()[0].At.Equal(t0) {
		t.Errorf("request log: %+v", s.Requests())
	}
}

func TestUnknownRoute_Recorded(t *testing.T) {
	var s calendlytest.Server
	ts := httptest.NewServer(&s)
	defer ts.Close()
	var e apiErr
	if resp := get(t, ts.URL+"/event_types", calendlytest.DefaultAccessToken, &e); resp.StatusCode != 404 {
		t.Errorf("unknown route: %d", resp.StatusCode)
	}
	req, _ := http.NewRequest("DELETE", ts.URL+"/users/me", nil)
	resp, _ := http.DefaultClient.Do(req)
	resp.Body.Close()
	if got := s.UnknownRoutes(); fmt.Sprint(got) != "[GET /event_types DELETE /users/me]" {
		t.Errorf("UnknownRoutes %v", got)
	}
}

func TestGenerate_JapaneseInvitees(t *testing.T) {
	var a, b calendlytest.Server
	na, nb := a.Generate(42, 100, t0), b.Generate(42, 100, t0)
	if na != nb || na < 100 || len(a.Events()) != 100 {
		t.Fatalf("invitees %d %d, events %d", na, nb, len(a.Events()))
	}
	kanji, romaji, phones, qa, canceled := 0, 0, 0, 0, 0
	for i, e := range a.Events() {
		if e.UUID != b.Events()[i].UUID {
			t.Fatal("Generate is not deterministic")
		}
		if e.Status == "canceled" {
			canceled++
		}
		for _, inv := range a.Invitees(e.UUID) {
			if strings.ContainsAny(inv.Name, "佐鈴高田伊渡山中小加吉松井木林清森池") {
				kanji++
			} else {
				romaji++
			}
			if strings.HasPrefix(inv.TextReminderNumber, "+81 ") {
				phones++
			}
			if len(inv.QuestionsAndAnswers) > 0 {
				qa++
			}
			if !strings.Contains(inv.Email, "@") {
				t.Errorf("email %q", inv.Email)
			}
		}
	}
	if kanji == 0 || romaji == 0 || phones == 0 || qa != na || canceled == 0 {
		t.Errorf("kanji %d romaji %d phones %d qa %d canceled %d", kanji, romaji, phones, qa, canceled)
	}
}

func TestServer_ConcurrentUse(t *testing.T) {
	s, ts, clk := newFake(t)
	s.Generate(5, 120, t0)
	s.SetRefreshToken("rt")
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range 10 {
				tok := s.AccessToken()
				req, _ := http.NewRequest("GET", ts.URL+"/users/me", nil)
				req.Header.Set("Authorization", "Bearer "+tok)
				if resp, err := http.DefaultClient.Do(req); err == nil {
					resp.Body.Close()
				}
				switch (i + j) % 4 {
				case 0:
					s.AddEvent(calendlytest.Event{StartTime: t0.Add(time.Duration(j) * time.Minute)})
				case 1:
					s.RateLimitNext(1)
					s.MalformNext()
				case 2:
					clk.Add(time.Millisecond)
					_ = s.Requests()
					_ = s.CountRequests("/users")
				case 3:
					form := refreshForm(s.RefreshToken())
					r2, _ := http.NewRequest("POST", ts.URL+"/oauth/token", strings.NewReader(form.Encode()))
					r2.Header.Set("Content-Type", "application/x-www-form-urlencoded")
					if resp, err := http.DefaultClient.Do(r2); err == nil {
						resp.Body.Close()
					}
				}
			}
		}()
	}
	wg.Wait()
}
