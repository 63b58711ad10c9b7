package xerotest_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nayose/nayose/connectors/xero/xerotest"
)

type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

type answer struct {
	status int
	header http.Header
	body   map[string]json.RawMessage
	raw    string
}

func get(t *testing.T, base, path string, header ...string) answer {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, base+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+xerotest.DefaultAccessToken)
	req.Header.Set("xero-tenant-id", xerotest.DefaultTenantID)
	for i := 0; i+1 < len(header); i += 2 {
		if header[i+1] == "" {
			req.Header.Del(header[i])
		} else {
			req.Header.Set(header[i], header[i+1])
		}
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	a := answer{status: resp.StatusCode, header: resp.Header, raw: string(b)}
	json.Unmarshal(b, &a.body)
	return a
}

func (a answer) items(t *testing.T, key string) []map[string]any {
	t.Helper()
	var out []map[string]any
	if err := json.Unmarshal(a.body[key], &out); err != nil {
		t.Fatalf("%s: %v in %s", key, err, a.raw)
	}
	return out
}

func TestServer_AuthAndTenantAreRequired(t *testing.T) {
	var xs xerotest.Server
	ts := xs.Serve(t)
	if a := get(t, ts.URL, "/api.xro/2.0/Contacts", "Authorization", "Bearer wrong"); a.status != http.StatusUnauthorized {
		t.Errorf("a wrong token: %d", a.status)
	}
	if a := get(t, ts.URL, "/api.xro/2.0/Contacts", "xero-tenant-id", ""); a.status != http.StatusForbidden {
		t.Errorf("no tenant: %d", a.status)
	}
	if a := get(t, ts.URL, "/api.xro/2.0/Contacts", "xero-tenant-id", "someone-else"); a.status != http.StatusForbidden {
		t.Errorf("an unknown tenant: %d", a.status)
	}
	a := get(t, ts.URL, "/Connections", "xero-tenant-id", "")
	var conns []xerotest.Connection
	if err := json.Unmarshal([]byte(a.raw), &conns); err != nil || a.status != 200 || len(conns) != 1 || conns[0].TenantID != xerotest.DefaultTenantID {
		t.Errorf("GET /Connections: %d %s", a.status, a.raw)
	}
}

func TestServer_PagesFiltersAndDates(t *testing.T) {
	clk := &clock{now: time.Date(2026, 4, 1, 9, 0, 0, 0, time.UTC)}
	xs := &xerotest.Server{Now: clk.Now}
	ts := xs.Serve(t)
	g := xs.Generate(12, clk.Now().Add(-time.Hour))
	a := get(t, ts.URL, "/api.xro/2.0/Contacts?page=2&pageSize=5")
	var p struct{ Page, PageSize, PageCount, ItemCount int }
	json.Unmarshal(a.body["pagination"], &p)
	if p.Page != 2 || p.PageSize != 5 || p.PageCount != 3 || p.ItemCount != 15 {
		t.Errorf("pagination %+v, want page 2 of 3 holding 15 (12 customers, 3 suppliers)", p)
	}
	items := a.items(t, "Contacts")
	if len(items) != 5 {
		t.Fatalf("%d contacts on page 2", len(items))
	}
	if u, _ := items[0]["UpdatedDateUTC"].(string); !regexp.MustCompile(`^/Date\(\d{13}\+0000\)/$`).MatchString(u) {
		t.Errorf("UpdatedDateUTC %q is not /Date(ms+0000)/", u)
	}
	if a := get(t, ts.URL, "/api.xro/2.0/Contacts"); a.body["pagination"] != nil || len(a.items(t, "Contacts")) != 15 {
		t.Errorf("without page: every contact and no pagination")
	}

	clk.Advance(time.Minute)
	xs.UpdateContact(g.ContactIDs[0], func(c *xerotest.Contact) { c.Name = "Renamed" })
	since := clk.Now().Add(-time.Second).Format(time.RFC3339)
	changed := get(t, ts.URL, "/api.xro/2.0/Contacts?page=1", "If-Modified-Since", since).items(t, "Contacts")
	if len(changed) != 1 || changed[0]["Name"] != "Renamed" {
		t.Errorf("If-Modified-Since %s: %v", since, changed)
	}
	if n := len(get(t, ts.URL, "/api.xro/2.0/Contacts?page=1", "If-Modified-Since", clk.Now().Format(time.RFC3339)).items(t, "Contacts")); n != 0 {
		t.Errorf("If-Modified-Since at the change itself: %d contacts, want none (strictly after)", n)
	}

	sales := get(t, ts.URL, "/api.xro/2.0/Invoices?where="+url.QueryEscape(`Type=="ACCREC"`)).items(t, "Invoices")
	if len(sales) != g.Invoices {
		t.Errorf("%d sales invoices, want %d", len(sales), g.Invoices)
	}
	if _, ok := sales[0]["Total"].(float64); !ok || !strings.Contains(get(t, ts.URL, "/api.xro/2.0/Invoices").raw, `"Total":10.00`) {
		t.Errorf("Total is not a JSON number written with its decimals")
	}
	if a := get(t, ts.URL, "/api.xro/2.0/Invoices?where="+url.QueryEscape(`Total > 5`)); a.status != http.StatusBadRequest {
		t.Errorf("an unsupported where: %d", a.status)
	}
}

func TestServer_MergedContactsAreArchived(t *testing.T) {
	var xs xerotest.Server
	ts := xs.Serve(t)
	cs := xs.AddContacts(xerotest.Contact{Name: "A", IsCustomer: true}, xerotest.Contact{Name: "B", IsCustomer: true})
	if err := xs.MergeContacts(cs[1].ContactID, cs[0].ContactID); err != nil {
		t.Fatal(err)
	}
	if n := len(get(t, ts.URL, "/api.xro/2.0/Contacts").items(t, "Contacts")); n != 1 {
		t.Errorf("%d contacts without includeArchived, want 1", n)
	}
	all := get(t, ts.URL, "/api.xro/2.0/Contacts?includeArchived=true").items(t, "Contacts")
	found := false
	for _, c := range all {
		if c["ContactID"] == cs[1].ContactID {
			found = c["MergedToContactID"] == cs[0].ContactID && c["ContactStatus"] == "ARCHIVED"
		}
	}
	if !found {
		t.Errorf("the merged contact is not archived with MergedToContactID: %v", all)
	}
}

func TestServer_LimitsAndFaults(t *testing.T) {
	clk := &clock{now: time.Date(2026, 4, 1, 9, 0, 10, 0, time.UTC)}
	xs := &xerotest.Server{Now: clk.Now, MinuteLimit: 2, DayLimit: 100}
	ts := xs.Serve(t)
	a := get(t, ts.URL, "/api.xro/2.0/Contacts")
	if a.header.Get("X-MinLimit-Remaining") != "1" || a.header.Get("X-DayLimit-Remaining") != "99" || a.header.Get("X-AppMinLimit-Remaining") == "" {
		t.Errorf("limit headers %v", a.header)
	}
	get(t, ts.URL, "/api.xro/2.0/Contacts")
	a = get(t, ts.URL, "/api.xro/2.0/Contacts")
	if a.status != http.StatusTooManyRequests || a.header.Get("X-Rate-Limit-Problem") != "minute" || a.header.Get("Retry-After") != "51" {
		t.Errorf("over the minute limit: %d %v", a.status, a.header)
	}
	clk.Advance(time.Minute)
	xs.ExhaustDayLimit()
	a = get(t, ts.URL, "/api.xro/2.0/Contacts")
	if a.status != http.StatusTooManyRequests || a.header.Get("X-Rate-Limit-Problem") != "day" || a.header.Get("X-DayLimit-Remaining") != "0" {
		t.Errorf("day limit spent: %d %v", a.status, a.header)
	}
	xs.RestoreDayLimit()
	xs.RateLimitNext(1)
	xs.FailNext(1, http.StatusServiceUnavailable)
	if a := get(t, ts.URL, "/api.xro/2.0/Contacts"); a.status != 429 || a.header.Get("Retry-After") != "0" {
		t.Errorf("injected 429: %d %v", a.status, a.header)
	}
	if a := get(t, ts.URL, "/api.xro/2.0/Contacts"); a.status != 503 {
		t.Errorf("injected 503: %d", a.status)
	}
	if a := get(t, ts.URL, "/api.xro/2.0/Contacts"); a.status != 200 {
		t.Errorf("after the faults: %d", a.status)
	}
}

func TestServer_RefreshTokensRotate(t *testing.T) {
	var xs xerotest.Server
	ts := xs.Serve(t)
	xs.SetRefreshToken("r0")
	refresh := func(tok string) (int, map[string]any) {
		req, _ := http.NewRequest(http.MethodPost, ts.URL+"/connect/token", strings.NewReader(url.Values{"grant_type": {"refresh_token"}, "refresh_token": {tok}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.SetBasicAuth(xerotest.DefaultClientID, xerotest.DefaultClientSecret)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var m map[string]any
		json.NewDecoder(resp.Body).Decode(&m)
		return resp.StatusCode, m
	}
	status, m := refresh("r0")
	if status != 200 || m["refresh_token"] == "r0" || m["expires_in"] != float64(1800) {
		t.Fatalf("refresh: %d %v", status, m)
	}
	if status, _ := refresh("r0"); status != http.StatusBadRequest {
		t.Errorf("a spent refresh token: %d, want 400", status)
	}
	if a := get(t, ts.URL, "/api.xro/2.0/Contacts", "Authorization", "Bearer "+m["access_token"].(string)); a.status != 200 {
		t.Errorf("the new access token: %d", a.status)
	}
}

func TestServer_MalformsOneRecord(t *testing.T) {
	var xs xerotest.Server
	ts := xs.Serve(t)
	xs.Generate(3, time.Now().Add(-time.Hour))
	xs.MalformNext(xerotest.APIPrefix+"/Invoices", xerotest.BadUpdated)
	items := get(t, ts.URL, "/api.xro/2.0/Invoices").items(t, "Invoices")
	bad := 0
	for _, it := range items {
		if it["UpdatedDateUTC"] == "yesterday" {
			bad++
			if ids := xs.MalformedIDs(); len(ids) != 1 || ids[0] != it["InvoiceID"] {
				t.Errorf("MalformedIDs %v", ids)
			}
		}
	}
	if bad != 1 {
		t.Errorf("%d malformed invoices, want 1", bad)
	}
}
