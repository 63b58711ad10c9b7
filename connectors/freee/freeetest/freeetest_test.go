package freeetest_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/nayose/nayose/connectors/freee/freeetest"
)

type answer struct {
	status int
	header http.Header
	body   map[string]any
}

func get(t *testing.T, base, path string, q url.Values, token string) answer {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, base+path+"?"+q.Encode(), nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var body map[string]any
	if err := json.Unmarshal(b, &body); err != nil {
		t.Fatalf("%s: body %s is not JSON: %v", path, b, err)
	}
	return answer{resp.StatusCode, resp.Header, body}
}

func firstMessage(a answer) string {
	errs, _ := a.body["errors"].([]any)
	var msgs []string
	for _, e := range errs {
		m, _ := e.(map[string]any)
		for _, x := range m["messages"].([]any) {
			msgs = append(msgs, x.(string))
		}
	}
	return strings.Join(msgs, " / ")
}

func company() url.Values { return url.Values{"company_id": {"1001"}} }

func TestServer_CompanyIDIsRequiredInFreeesErrorShape(t *testing.T) {
	var f freeetest.Server
	ts := f.Serve(t)
	a := get(t, ts.URL, "/api/1/partners", nil, freeetest.DefaultAccessToken)
	if a.status != 400 || a.body["status_code"] != float64(400) || !strings.Contains(firstMessage(a), "company_id") ||
		!strings.HasPrefix(a.header.Get("X-Freee-Request-ID"), "freeetest-req-") {
		t.Errorf("without company_id: %d %v %v", a.status, a.body, a.header)
	}
	if a := get(t, ts.URL, "/api/1/deals", url.Values{"company_id": {"9"}}, freeetest.DefaultAccessToken); a.status != 403 || !strings.Contains(firstMessage(a), "権限") {
		t.Errorf("unknown company: %d %v", a.status, a.body)
	}
	if a := get(t, ts.URL, "/api/1/partners", company(), "wrong"); a.status != 401 {
		t.Errorf("wrong token: %d", a.status)
	}
	q := company()
	q.Set("limit", "3001")
	if a := get(t, ts.URL, "/api/1/partners", q, freeetest.DefaultAccessToken); a.status != 400 {
		t.Errorf("limit 3001: %d", a.status)
	}
	q = company()
	q.Set("start_update_date", "2024/01/01")
	if a := get(t, ts.URL, "/api/1/partners", q, freeetest.DefaultAccessToken); a.status != 400 || !strings.Contains(firstMessage(a), "2019-12-17") {
		t.Errorf("bad date: %d %v", a.status, a.body)
	}
}

func TestServer_UpdateDatesAreJSTDays(t *testing.T) {
	now := time.Date(2024, 4, 1, 15, 30, 0, 0, time.UTC) // 04-02 00:30 JST
	f := freeetest.Server{Now: func() time.Time { return now }}
	ts := f.Serve(t)
	f.AddPartners(freeetest.Partner{Name: "a", UpdatedAt: time.Date(2024, 4, 1, 14, 59, 0, 0, time.UTC)}, // 04-01 23:59 JST
		freeetest.Partner{Name: "b"}) // 04-02 JST
	q := company()
	q.Set("start_update_date", "2024-04-02")
	a := get(t, ts.URL, "/api/1/partners", q, freeetest.DefaultAccessToken)
	ps := a.body["partners"].([]any)
	if len(ps) != 1 || ps[0].(map[string]any)["name"] != "b" || ps[0].(map[string]any)["update_date"] != "2024-04-02" {
		t.Errorf("partners since 04-02 JST: %v", ps)
	}
	q.Set("start_update_date", "2024-04-01")
	q.Set("limit", "1")
	q.Set("offset", "1")
	if ps := get(t, ts.URL, "/api/1/partners", q, freeetest.DefaultAccessToken).body["partners"].([]any); len(ps) != 1 || ps[0].(map[string]any)["name"] != "b" {
		t.Errorf("second page of one: %v", ps)
	}
}

func TestServer_DealsPageWithTotalCountAndRenewFilter(t *testing.T) {
	var f freeetest.Server
	ts := f.Serve(t)
	at := time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC)
	for range 5 {
		f.AddDeals(freeetest.Deal{IssueDate: at, Amount: 1100})
	}
	f.AddDeals(freeetest.Deal{IssueDate: at, Amount: 1100, Renews: []freeetest.Renew{{UpdateDate: at.AddDate(0, 1, 0)}}})
	f.AddDeals(freeetest.Deal{Type: "expense", IssueDate: at, Amount: 500})
	q := company()
	q.Set("type", "income")
	q.Set("limit", "2")
	a := get(t, ts.URL, "/api/1/deals", q, freeetest.DefaultAccessToken)
	if n := len(a.body["deals"].([]any)); n != 2 || a.body["meta"].(map[string]any)["total_count"] != float64(6) {
		t.Errorf("deals page: %d deals, meta %v", n, a.body["meta"])
	}
	q.Set("start_renew_date", "2024-03-15")
	if n := len(get(t, ts.URL, "/api/1/deals", q, freeetest.DefaultAccessToken).body["deals"].([]any)); n != 1 {
		t.Errorf("start_renew_date matched %d deals, want the one with a +更新 line", n)
	}
}

func TestServer_RefreshTokensAreSingleUse(t *testing.T) {
	var f freeetest.Server
	ts := f.Serve(t)
	f.SetRefreshToken("r0")
	refresh := func(rt string) (int, map[string]any) {
		resp, err := http.PostForm(ts.URL+freeetest.TokenPath, url.Values{"grant_type": {"refresh_token"}, "refresh_token": {rt},
			"client_id": {freeetest.DefaultClientID}, "client_secret": {freeetest.DefaultClientSecret}})
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var body map[string]any
		json.NewDecoder(resp.Body).Decode(&body)
		return resp.StatusCode, body
	}
	status, body := refresh("r0")
	if status != 200 || body["refresh_token"] == "r0" || body["refresh_token"] != f.RefreshToken() {
		t.Fatalf("refresh: %d %v", status, body)
	}
	if status, body := refresh("r0"); status != 401 || body["error"] != "invalid_grant" {
		t.Errorf("a spent refresh token: %d %v, want 401 invalid_grant", status, body)
	}
	if a := get(t, ts.URL, "/api/1/companies", nil, freeetest.DefaultAccessToken); a.status != 401 {
		t.Errorf("the static token in OAuth mode: %d", a.status)
	}
	if a := get(t, ts.URL, "/api/1/companies", nil, body["access_token"].(string)); a.status != 200 {
		t.Errorf("the new access token: %d", a.status)
	}
}

func TestServer_ThrottlingAndDailyQuotaAnswer403(t *testing.T) {
	now := time.Date(2024, 4, 1, 14, 0, 0, 0, time.UTC) // 23:00 JST
	clock := now
	f := freeetest.Server{Now: func() time.Time { return clock }}
	ts := f.Serve(t)
	f.ThrottleNext(1)
	if a := get(t, ts.URL, "/api/1/partners", company(), freeetest.DefaultAccessToken); a.status != 403 || firstMessage(a) != freeetest.ThrottleMessage {
		t.Errorf("throttled: %d %v", a.status, a.body)
	}
	f.SetDailyQuota(2)
	for i, want := range []int{200, 200, 403} {
		if a := get(t, ts.URL, "/api/1/partners", company(), freeetest.DefaultAccessToken); a.status != want {
			t.Errorf("call %d: %d, want %d", i, a.status, want)
		}
	}
	clock = now.Add(time.Hour) // 00:00 JST: a new day
	if a := get(t, ts.URL, "/api/1/partners", company(), freeetest.DefaultAccessToken); a.status != 200 || f.QuotaUsed(1001) != 1 {
		t.Errorf("next JST day: %d, used %d", a.status, f.QuotaUsed(1001))
	}
}

func TestServer_GenerateIsDeterministic(t *testing.T) {
	at := func() time.Time { return time.Date(2024, 4, 1, 0, 0, 0, 0, time.UTC) }
	a, b := freeetest.Server{Now: at}, freeetest.Server{Now: at}
	pa, da := a.Generate(10, 7)
	pb, db := b.Generate(10, 7)
	if len(pa) != 10 || len(da) < 10 || len(da) != len(db) || pa[3].Name != pb[3].Name || da[5].Amount != db[5].Amount {
		t.Errorf("Generate(10, 7) differs between runs")
	}
}
