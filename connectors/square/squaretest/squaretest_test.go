package squaretest_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nayose/nayose/connectors/square/squaretest"
)

// Helpers.

type reqOpt func(*http.Request)

func withHeader(k, v string) reqOpt { return func(r *http.Request) { r.Header.Set(k, v) } }
func withoutHeader(k string) reqOpt { return func(r *http.Request) { r.Header.Del(k) } }

// call sends one request with Square's headers and returns the status and body.
func call(t testing.TB, base, method, path string, q url.Values, body any, opts ...reqOpt) (int, []byte, http.Header) {
	t.Helper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		rd = bytes.NewReader(b)
	}
	u := base + path
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	req, err := http.NewRequest(method, u, rd)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+squaretest.DefaultAccessToken)
	req.Header.Set("Square-Version", squaretest.SquareVersion)
	req.Header.Set("Content-Type", "application/json")
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

// decode200 fails the test unless the answer is a 200 and decodes it into v.
func decode200(t testing.TB, status int, body []byte, v any) {
	t.Helper()
	if status != http.StatusOK {
		t.Fatalf("status %d, want 200: %s", status, body)
	}
	if err := json.Unmarshal(body, v); err != nil {
		t.Fatalf("decoding %s: %v", body, err)
	}
}

// wantError checks an error answer: status and Square's envelope.
func wantError(t testing.TB, status int, body []byte, wantStatus int, category, code string) {
	t.Helper()
	if status != wantStatus {
		t.Fatalf("status %d, want %d: %s", status, wantStatus, body)
	}
	var e squaretest.ErrorResponse
	if err := json.Unmarshal(body, &e); err != nil || len(e.Errors) != 1 {
		t.Fatalf("body %s is not Square's error envelope (err %v)", body, err)
	}
	if e.Errors[0].Category != category || e.Errors[0].Code != code {
		t.Fatalf("error %+v, want %s/%s", e.Errors[0], category, code)
	}
}

type customersPage struct {
	Customers []squaretest.Customer `json:"customers"`
	Cursor    string                `json:"cursor"`
	Count     *int64                `json:"count"`
}

type ordersPage struct {
	Orders       []squaretest.Order      `json:"orders"`
	OrderEntries []squaretest.OrderEntry `json:"order_entries"`
	Cursor       string                  `json:"cursor"`
}

// fakeClock is a settable clock for Server.Now.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

var t0 = time.Date(2024, 5, 1, 1, 2, 3, 456_000_000, time.UTC)

func newFake(t *testing.T) (*squaretest.Server, string, *fakeClock) {
	t.Helper()
	clock := &fakeClock{t: t0}
	s := &squaretest.Server{Now: clock.Now}
	ts := s.Serve(t)
	return s, ts.URL, clock
}

// Auth, version, routes.

func TestServer_ChecksAuthAndVersion(t *testing.T) {
	s, base, _ := newFake(t)
	s.SetLocations(squaretest.Location{ID: "L1", Name: "本店"})
	tests := []struct {
		name           string
		opts           []reqOpt
		status         int
		category, code string
	}{
		{"no token", []reqOpt{withoutHeader("Authorization")}, 401, "AUTHENTICATION_ERROR", "UNAUTHORIZED"},
		{"wrong token", []reqOpt{withHeader("Authorization", "Bearer nope")}, 401, "AUTHENTICATION_ERROR", "UNAUTHORIZED"},
		{"not bearer", []reqOpt{withHeader("Authorization", "Basic "+squaretest.DefaultAccessToken)}, 401, "AUTHENTICATION_ERROR", "UNAUTHORIZED"},
		{"no version", []reqOpt{withoutHeader("Square-Version")}, 400, "INVALID_REQUEST_ERROR", "MISSING_REQUIRED_PARAMETER"},
		{"bad version", []reqOpt{withHeader("Square-Version", "latest")}, 400, "INVALID_REQUEST_ERROR", "INVALID_SQUARE_VERSION_FORMAT"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, body, _ := call(t, base, "GET", "/v2/locations", nil, nil, tt.opts...)
			wantError(t, status, body, tt.status, tt.category, tt.code)
		})
	}
	status, body, _ := call(t, base, "GET", "/v2/locations", nil, nil)
	var page struct{ Locations []squaretest.Location }
	decode200(t, status, body, &page)
	if len(page.Locations) != 1 || page.Locations[0].ID != "L1" {
		t.Fatalf("locations = %+v", page.Locations)
	}

	s.SetAccessToken("rotated")
	status, body, _ = call(t, base, "GET", "/v2/locations", nil, nil)
	wantError(t, status, body, 401, "AUTHENTICATION_ERROR", "UNAUTHORIZED")
}

// recordingTB catches what Serve reports when the test ends.
type recordingTB struct {
	testing.TB
	errs     []string
	cleanups []func()
}

func (r *recordingTB) Helper()          {}
func (r *recordingTB) Cleanup(f func()) { r.cleanups = append(r.cleanups, f) }
func (r *recordingTB) Errorf(format string, args ...any) {
	r.errs = append(r.errs, fmt.Sprintf(format, args...))
}

func TestServer_UnknownRouteIsRecordedAndFailsTheTest(t *testing.T) {
	var s squaretest.Server
	rec := &recordingTB{TB: t}
	ts := s.Serve(rec)

	for _, r := range []struct{ method, path string }{{"GET", "/v2/catalog/list"}, {"POST", "/v2/locations"}, {"GET", "/v2/customers/"}} {
		status, body, _ := call(t, ts.URL, r.method, r.path, nil, nil)
		wantError(t, status, body, 404, "INVALID_REQUEST_ERROR", "NOT_FOUND")
	}
	want := []string{"GET /v2/catalog/list", "POST /v2/locations", "GET /v2/customers/"}
	if got := s.UnknownRoutes(); !slices.Equal(got, want) {
		t.Fatalf("UnknownRoutes() = %q, want %q", got, want)
	}
	for _, f := range rec.cleanups {
		f()
	}
	if len(rec.errs) != 1 || !strings.Contains(rec.errs[0], "GET /v2/catalog/list") {
		t.Fatalf("Serve reported %q, want one error naming the unknown routes", rec.errs)
	}
}

func TestServer_ZeroValueServesEmptyAccount(t *testing.T) {
	var s squaretest.Server
	ts := httptest.NewServer(&s)
	defer ts.Close()
	status, body, _ := call(t, ts.URL, "POST", "/v2/customers/search", nil, map[string]any{})
	var page customersPage
	decode200(t, status, body, &page)
	if string(body) != "{}" {
		t.Fatalf("empty search = %s, want {} as Square answers", body)
	}
}

// Customers.

func addNamedCustomers(s *squaretest.Server, n int) []squaretest.Customer {
	cs := make([]squaretest.Customer, n)
	for i := range cs {
		cs[i] = squaretest.Customer{
			GivenName:  fmt.Sprintf("客%04d", (i*7919)%n), // names not in creation order
			FamilyName: "山田",
			CreatedAt:  t0.Add(time.Duration(i) * time.Minute),
		}
	}
	return s.AddCustomers(cs...)
}

func TestSearchCustomers_PagesEachCustomerOnceInOrder(t *testing.T) {
	s, base, _ := newFake(t)
	added := addNamedCustomers(s, 1050)
	// A profile without public information is not listed, as in Square.
	s.AddCustomers(squaretest.Customer{Note: "no name, phone or e-mail"})

	tests := []struct {
		name   string
		method string
		path   string
		query  url.Values
		body   map[string]any
		less   func(a, b squaretest.Customer) bool
	}{
		{"search DEFAULT sort", "POST", "/v2/customers/search", nil, map[string]any{"limit": 100},
			func(a, b squaretest.Customer) bool { return a.GivenName+a.FamilyName < b.GivenName+b.FamilyName }},
		{"search CREATED_AT DESC", "POST", "/v2/customers/search", nil,
			map[string]any{"limit": 100, "query": map[string]any{"sort": map[string]any{"field": "CREATED_AT", "order": "DESC"}}},
			func(a, b squaretest.Customer) bool { return a.CreatedAt.After(b.CreatedAt) }},
		{"list", "GET", "/v2/customers", url.Values{"limit": {"100"}}, nil,
			func(a, b squaretest.Customer) bool { return a.GivenName+a.FamilyName < b.GivenName+b.FamilyName }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []squaretest.Customer
			cursor, pages := "", 0
			for {
				q, body := url.Values{}, map[string]any{}
				for k, v := range tt.query {
					q[k] = v
				}
				for k, v := range tt.body {
					body[k] = v
				}
				if cursor != "" {
					q.Set("cursor", cursor)
					body["cursor"] = cursor
				}
				if tt.method == "GET" {
					body = nil
				}
				status, b, _ := call(t, base, tt.method, tt.path, q, body)
				var page customersPage
				decode200(t, status, b, &page)
				if len(page.Customers) > 100 {
					t.Fatalf("page of %d customers, limit 100", len(page.Customers))
				}
				got = append(got, page.Customers...)
				pages++
				if cursor = page.Cursor; cursor == "" {
					break
				}
			}
			if pages != 11 || len(got) != 1050 {
				t.Fatalf("%d customers in %d pages, want 1050 in 11", len(got), pages)
			}
			seen := map[string]bool{}
			for i, c := range got {
				if seen[c.ID] {
					t.Fatalf("customer %s served twice", c.ID)
				}
				seen[c.ID] = true
				if i > 0 && tt.less(c, got[i-1]) {
					t.Fatalf("customer %d (%s) is out of order after %s", i, c.GivenName, got[i-1].GivenName)
				}
			}
			for _, c := range added {
				if !seen[c.ID] {
					t.Fatalf("customer %s never served", c.ID)
				}
			}
		})
	}
}

func TestSearchCustomers_UpdatedAtFilter(t *testing.T) {
	s, base, clock := newFake(t)
	var cs []squaretest.Customer
	for i := range 10 {
		cs = append(cs, squaretest.Customer{GivenName: fmt.Sprint("c", i), UpdatedAt: t0.Add(time.Duration(i) * time.Hour)})
	}
	cs = s.AddCustomers(cs...)
	search := func(start, end time.Time) []string {
		t.Helper()
		status, b, _ := call(t, base, "POST", "/v2/customers/search", nil, map[string]any{
			"query": map[string]any{"filter": map[string]any{"updated_at": map[string]any{
				"start_at": start.Format(time.RFC3339Nano), "end_at": end.Format(time.RFC3339Nano)}}}})
		var page customersPage
		decode200(t, status, b, &page)
		var names []string
		for _, c := range page.Customers {
			names = append(names, c.GivenName)
		}
		return names
	}
	// Both ends inclusive: c3, c4, c5, c6.
	if got := search(t0.Add(3*time.Hour), t0.Add(6*time.Hour)); !slices.Equal(got, []string{"c3", "c4", "c5", "c6"}) {
		t.Fatalf("inclusive window = %v", got)
	}
	// Any RFC 3339 offset works: 12:02:03.456+09:00 is 03:02:03.456Z.
	jst := time.FixedZone("JST", 9*3600)
	if got := search(t0.Add(2*time.Hour).In(jst), t0.Add(2*time.Hour).In(jst)); !slices.Equal(got, []string{"c2"}) {
		t.Fatalf("window in +09:00 = %v", got)
	}

	// An edit moves a customer into a later window.
	clock.Set(t0.Add(48 * time.Hour))
	updated, err := s.UpdateCustomer(cs[0].ID, func(c *squaretest.Customer) { c.EmailAddress = "c0@example.com" })
	if err != nil {
		t.Fatal(err)
	}
	if updated.Version != 1 || !updated.UpdatedAt.Equal(t0.Add(48*time.Hour)) {
		t.Fatalf("updated = version %d at %v", updated.Version, updated.UpdatedAt)
	}
	if got := search(t0.Add(24*time.Hour), t0.Add(72*time.Hour)); !slices.Equal(got, []string{"c0"}) {
		t.Fatalf("window after the edit = %v", got)
	}
}

func TestSearchCustomers_ExclusiveBoundsDropsBoundaryRecords(t *testing.T) {
	s := &squaretest.Server{ExclusiveBounds: true}
	ts := s.Serve(t)
	for i := range 5 {
		s.AddCustomers(squaretest.Customer{GivenName: fmt.Sprint("c", i), UpdatedAt: t0.Add(time.Duration(i) * time.Hour)})
	}
	status, b, _ := call(t, ts.URL, "POST", "/v2/customers/search", nil, map[string]any{
		"query": map[string]any{"filter": map[string]any{"updated_at": map[string]any{
			"start_at": squaretest.Stamp(t0.Add(time.Hour)), "end_at": squaretest.Stamp(t0.Add(3 * time.Hour))}}}})
	var page customersPage
	decode200(t, status, b, &page)
	if len(page.Customers) != 1 || page.Customers[0].GivenName != "c2" {
		t.Fatalf("exclusive window = %+v, want only c2", page.Customers)
	}
}

func TestSearchCustomers_RejectsBadRequests(t *testing.T) {
	s, base, _ := newFake(t)
	s.AddCustomers(squaretest.Customer{GivenName: "a"})
	tests := []struct {
		name string
		body any
		code string
	}{
		{"limit 0", map[string]any{"limit": 0}, "VALUE_TOO_LOW"},
		{"limit 101", map[string]any{"limit": 101}, "VALUE_TOO_HIGH"},
		{"bad time", map[string]any{"query": map[string]any{"filter": map[string]any{"updated_at": map[string]any{"start_at": "yesterday"}}}}, "INVALID_TIME"},
		{"end before start", map[string]any{"query": map[string]any{"filter": map[string]any{"updated_at": map[string]any{
			"start_at": "2024-05-02T00:00:00Z", "end_at": "2024-05-01T00:00:00Z"}}}}, "INVALID_TIME_RANGE"},
		{"bad sort field", map[string]any{"query": map[string]any{"sort": map[string]any{"field": "UPDATED_AT"}}}, "INVALID_ENUM_VALUE"},
		{"unknown field", map[string]any{"query": map[string]any{"filter": map[string]any{"updatedAt": map[string]any{}}}}, "BAD_REQUEST"},
		{"not implemented", map[string]any{"query": map[string]any{"filter": map[string]any{"group_ids": map[string]any{"any": []string{"g"}}}}}, "BAD_REQUEST"},
		{"garbage cursor", map[string]any{"cursor": "not-a-cursor"}, "INVALID_CURSOR"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, b, _ := call(t, base, "POST", "/v2/customers/search", nil, tt.body)
			wantError(t, status, b, 400, "INVALID_REQUEST_ERROR", tt.code)
		})
	}
}

// Cursors.

func TestCursor_BoundToItsQuery(t *testing.T) {
	s, base, _ := newFake(t)
	addNamedCustomers(s, 30)
	query := map[string]any{"limit": 10, "query": map[string]any{"sort": map[string]any{"field": "CREATED_AT"}}}
	status, b, _ := call(t, base, "POST", "/v2/customers/search", nil, query)
	var first customersPage
	decode200(t, status, b, &first)
	if first.Cursor == "" {
		t.Fatal("no cursor on a first page of 10 out of 30")
	}

	tests := []struct {
		name string
		body map[string]any
		code string // "" means 200
	}{
		{"same query", map[string]any{"cursor": first.Cursor, "limit": 10, "query": query["query"]}, ""},
		{"same query, other limit", map[string]any{"cursor": first.Cursor, "limit": 20, "query": query["query"]}, ""},
		{"other sort", map[string]any{"cursor": first.Cursor, "limit": 10}, "INVALID_CURSOR"},
		{"other filter", map[string]any{"cursor": first.Cursor, "limit": 10, "query": map[string]any{
			"sort":   map[string]any{"field": "CREATED_AT"},
			"filter": map[string]any{"created_at": map[string]any{"start_at": "2024-01-01T00:00:00Z"}}}}, "INVALID_CURSOR"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, b, _ := call(t, base, "POST", "/v2/customers/search", nil, tt.body)
			if tt.code == "" {
				var page customersPage
				decode200(t, status, b, &page)
				if len(page.Customers) == 0 || page.Customers[0].ID == first.Customers[0].ID {
					t.Fatalf("the cursor did not continue after the first page")
				}
				return
			}
			wantError(t, status, b, 400, "INVALID_REQUEST_ERROR", tt.code)
		})
	}

	// The same cursor on another endpoint is refused too.
	status, b, _ = call(t, base, "GET", "/v2/customers", url.Values{"cursor": {first.Cursor}}, nil)
	wantError(t, status, b, 400, "INVALID_REQUEST_ERROR", "INVALID_CURSOR")

	s.ExpireCursors()
	status, b, _ = call(t, base, "POST", "/v2/customers/search", nil, map[string]any{"cursor": first.Cursor, "limit": 10, "query": query["query"]})
	wantError(t, status, b, 400, "INVALID_REQUEST_ERROR", "INVALID_CURSOR")
}

func TestCursor_SurvivesInsertsBetweenPages(t *testing.T) {
	s, base, clock := newFake(t)
	addNamedCustomers(s, 20)
	body := map[string]any{"limit": 10, "query": map[string]any{"sort": map[string]any{"field": "CREATED_AT"}}}
	status, b, _ := call(t, base, "POST", "/v2/customers/search", nil, body)
	var p1 customersPage
	decode200(t, status, b, &p1)
	// A customer created "before" the cursor position must not shift the next page.
	clock.Set(t0.Add(-time.Hour))
	s.AddCustomers(squaretest.Customer{GivenName: "early"})
	body["cursor"] = p1.Cursor
	status, b, _ = call(t, base, "POST", "/v2/customers/search", nil, body)
	var p2 customersPage
	decode200(t, status, b, &p2)
	if len(p2.Customers) != 10 || p2.Cursor != "" {
		t.Fatalf("second page has %d customers (cursor %q), want the other 10 and no cursor", len(p2.Customers), p2.Cursor)
	}
	for _, c := range p2.Customers {
		if slices.ContainsFunc(p1.Customers, func(o squaretest.Customer) bool { return o.ID == c.ID }) {
			t.Fatalf("customer %s served on both pages", c.ID)
		}
	}
}

// Orders.

func TestSearchOrders_RejectsWhatSquareRejects(t *testing.T) {
	s, base, _ := newFake(t)
	s.SetLocations(squaretest.Location{ID: "L1"}, squaretest.Location{ID: "L2"})
	updated := map[string]any{"updated_at": map[string]any{"start_at": "2024-05-01T00:00:00Z"}}
	many := make([]string, 11)
	for i := range many {
		many[i] = "L1"
	}
	tests := []struct {
		name string
		body map[string]any
		code string // "" means 200
	}{
		{"no location_ids", map[string]any{}, "MISSING_REQUIRED_PARAMETER"},
		{"11 location_ids", map[string]any{"location_ids": many}, "ARRAY_LENGTH_TOO_LONG"},
		{"unknown location", map[string]any{"location_ids": []string{"L9"}}, "INVALID_VALUE"},
		{"updated_at filter, default CREATED_AT sort", map[string]any{"location_ids": []string{"L1"},
			"query": map[string]any{"filter": map[string]any{"date_time_filter": updated}}}, "BAD_REQUEST"},
		{"updated_at filter, CLOSED_AT sort", map[string]any{"location_ids": []string{"L1"},
			"query": map[string]any{"filter": map[string]any{"date_time_filter": updated, "state_filter": map[string]any{"states": []string{"COMPLETED"}}},
				"sort": map[string]any{"sort_field": "CLOSED_AT"}}}, "BAD_REQUEST"},
		{"updated_at filter, UPDATED_AT sort", map[string]any{"location_ids": []string{"L1", "L2"},
			"query": map[string]any{"filter": map[string]any{"date_time_filter": updated}, "sort": map[string]any{"sort_field": "UPDATED_AT"}}}, ""},
		{"two time ranges", map[string]any{"location_ids": []string{"L1"},
			"query": map[string]any{"filter": map[string]any{"date_time_filter": map[string]any{
				"updated_at": map[string]any{}, "created_at": map[string]any{}}}, "sort": map[string]any{"sort_field": "UPDATED_AT"}}}, "BAD_REQUEST"},
		{"CLOSED_AT sort without state filter", map[string]any{"location_ids": []string{"L1"},
			"query": map[string]any{"sort": map[string]any{"sort_field": "CLOSED_AT"}}}, "BAD_REQUEST"},
		{"CLOSED_AT sort with OPEN", map[string]any{"location_ids": []string{"L1"},
			"query": map[string]any{"filter": map[string]any{"state_filter": map[string]any{"states": []string{"OPEN", "COMPLETED"}}},
				"sort": map[string]any{"sort_field": "CLOSED_AT"}}}, "BAD_REQUEST"},
		{"CLOSED_AT sort with closed states", map[string]any{"location_ids": []string{"L1"},
			"query": map[string]any{"filter": map[string]any{"state_filter": map[string]any{"states": []string{"COMPLETED", "CANCELED"}}},
				"sort": map[string]any{"sort_field": "CLOSED_AT", "sort_order": "ASC"}}}, ""},
		{"unknown state", map[string]any{"location_ids": []string{"L1"},
			"query": map[string]any{"filter": map[string]any{"state_filter": map[string]any{"states": []string{"PAID"}}}}}, "INVALID_ENUM_VALUE"},
		{"bad sort order", map[string]any{"location_ids": []string{"L1"},
			"query": map[string]any{"sort": map[string]any{"sort_field": "CREATED_AT", "sort_order": "NEWEST"}}}, "INVALID_SORT_ORDER"},
		{"limit 1001", map[string]any{"location_ids": []string{"L1"}, "limit": 1001}, "VALUE_TOO_HIGH"},
		{"limit 0", map[string]any{"location_ids": []string{"L1"}, "limit": 0}, "VALUE_TOO_LOW"},
		{"unsupported filter", map[string]any{"location_ids": []string{"L1"},
			"query": map[string]any{"filter": map[string]any{"source_filter": map[string]any{"source_names": []string{"x"}}}}}, "BAD_REQUEST"},
		{"empty body", nil, "EXPECTED_JSON_BODY"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var body any = tt.body
			if tt.body == nil {
				body = nil
			}
			status, b, _ := call(t, base, "POST", "/v2/orders/search", nil, body)
			if tt.code == "" {
				decode200(t, status, b, &ordersPage{})
				return
			}
			wantError(t, status, b, 400, "INVALID_REQUEST_ERROR", tt.code)
		})
	}
}

func TestSearchOrders_Filters(t *testing.T) {
	s, base, _ := newFake(t)
	s.SetLocations(squaretest.Location{ID: "L1"}, squaretest.Location{ID: "L2"})
	line := []squaretest.LineItem{{Name: "ブレンドコーヒー", Quantity: "2", BasePriceMoney: squaretest.Yen(480)}}
	s.AddOrders(
		squaretest.Order{ID: "o1", LocationID: "L1", State: "COMPLETED", CustomerID: "C1", LineItems: line, UpdatedAt: t0},
		squaretest.Order{ID: "o2", LocationID: "L1", State: "CANCELED", CustomerID: "C2", UpdatedAt: t0.Add(time.Hour)},
		squaretest.Order{ID: "o3", LocationID: "L2", State: "OPEN", CustomerID: "C1", UpdatedAt: t0.Add(2 * time.Hour)},
		squaretest.Order{ID: "o4", LocationID: "L2", State: "DRAFT", UpdatedAt: t0.Add(3 * time.Hour)},
		squaretest.Order{ID: "o5", LocationID: "L1", State: "COMPLETED", UpdatedAt: t0.Add(4 * time.Hour),
			Tenders: []squaretest.Tender{{ID: "p5", Type: "CASH", CustomerID: "C2"}}},
	)
	byUpdated := map[string]any{"sort_field": "UPDATED_AT", "sort_order": "ASC"}
	tests := []struct {
		name   string
		locs   []string
		filter map[string]any
		want   []string
	}{
		{"all of L1", []string{"L1"}, nil, []string{"o1", "o2", "o5"}},
		{"both locations", []string{"L1", "L2"}, nil, []string{"o1", "o2", "o3", "o4", "o5"}},
		{"closed states", []string{"L1", "L2"}, map[string]any{"state_filter": map[string]any{"states": []string{"COMPLETED", "CANCELED"}}}, []string{"o1", "o2", "o5"}},
		{"customer (order or tender)", []string{"L1", "L2"}, map[string]any{"customer_filter": map[string]any{"customer_ids": []string{"C2"}}}, []string{"o2", "o5"}},
		{"updated window", []string{"L1", "L2"}, map[string]any{"date_time_filter": map[string]any{"updated_at": map[string]any{
			"start_at": squaretest.Stamp(t0.Add(time.Hour)), "end_at": squaretest.Stamp(t0.Add(3 * time.Hour))}}}, []string{"o2", "o3", "o4"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q := map[string]any{"sort": byUpdated}
			if tt.filter != nil {
				q["filter"] = tt.filter
			}
			status, b, _ := call(t, base, "POST", "/v2/orders/search", nil, map[string]any{"location_ids": tt.locs, "query": q})
			var page ordersPage
			decode200(t, status, b, &page)
			var got []string
			for _, o := range page.Orders {
				got = append(got, o.ID)
			}
			if !slices.Equal(got, tt.want) {
				t.Fatalf("orders = %v, want %v", got, tt.want)
			}
		})
	}

	// Derived money and return_entries.
	status, b, _ := call(t, base, "GET", "/v2/orders/o1", nil, nil)
	var one struct{ Order squaretest.Order }
	decode200(t, status, b, &one)
	if one.Order.TotalMoney != squaretest.Yen(960) || one.Order.LineItems[0].TotalMoney != squaretest.Yen(960) {
		t.Fatalf("o1 totals = %+v / %+v, want ¥960", one.Order.TotalMoney, one.Order.LineItems[0].TotalMoney)
	}
	status, b, _ = call(t, base, "POST", "/v2/orders/search", nil, map[string]any{"location_ids": []string{"L2"}, "return_entries": true})
	var entries ordersPage
	decode200(t, status, b, &entries)
	if len(entries.Orders) != 0 || len(entries.OrderEntries) != 2 || entries.OrderEntries[0].OrderID != "o4" {
		t.Fatalf("entries = %+v (default sort is CREATED_AT DESC)", entries)
	}
}

func TestSearchOrders_OpenEndedWindowIsPinnedToFirstRequest(t *testing.T) {
	s, base, clock := newFake(t)
	s.SetLocations(squaretest.Location{ID: "L1"})
	for i := range 4 {
		s.AddOrders(squaretest.Order{LocationID: "L1", UpdatedAt: t0.Add(time.Duration(i) * time.Minute)})
	}
	clock.Set(t0.Add(10 * time.Minute))
	body := map[string]any{"location_ids": []string{"L1"}, "limit": 2, "query": map[string]any{
		"filter": map[string]any{"date_time_filter": map[string]any{"updated_at": map[string]any{"start_at": squaretest.Stamp(t0)}}},
		"sort":   map[string]any{"sort_field": "UPDATED_AT", "sort_order": "ASC"}}}
	status, b, _ := call(t, base, "POST", "/v2/orders/search", nil, body)
	var p1 ordersPage
	decode200(t, status, b, &p1)
	// An order that arrives after the first request is outside this cursor's window.
	clock.Set(t0.Add(20 * time.Minute))
	s.AddOrders(squaretest.Order{ID: "newer", LocationID: "L1"})
	body["cursor"] = p1.Cursor
	status, b, _ = call(t, base, "POST", "/v2/orders/search", nil, body)
	var p2 ordersPage
	decode200(t, status, b, &p2)
	if len(p1.Orders)+len(p2.Orders) != 4 || p2.Cursor != "" {
		t.Fatalf("pages of %d and %d orders (cursor %q), want 4 in total", len(p1.Orders), len(p2.Orders), p2.Cursor)
	}
}

func TestAddLate_OnlyOverlappingWindowsSeeIt(t *testing.T) {
	s, base, clock := newFake(t)
	s.SetLocations(squaretest.Location{ID: "L1"})
	s.AddOrders(squaretest.Order{ID: "early", LocationID: "L1", UpdatedAt: t0.Add(-time.Minute)})
	sweep := func(from, to time.Time) []string {
		t.Helper()
		status, b, _ := call(t, base, "POST", "/v2/orders/search", nil, map[string]any{"location_ids": []string{"L1"}, "query": map[string]any{
			"filter": map[string]any{"date_time_filter": map[string]any{"updated_at": map[string]any{"start_at": squaretest.Stamp(from), "end_at": squaretest.Stamp(to)}}},
			"sort":   map[string]any{"sort_field": "UPDATED_AT", "sort_order": "ASC"}}})
		var page ordersPage
		decode200(t, status, b, &page)
		var ids []string
		for _, o := range page.Orders {
			ids = append(ids, o.ID)
		}
		return ids
	}
	if got := sweep(t0.Add(-time.Hour), t0); !slices.Equal(got, []string{"early"}) {
		t.Fatalf("first sweep = %v", got)
	}
	// Ten minutes later an order uploads from a register that was offline: Square
	// stamps it five minutes before the last sweep ended.
	clock.Set(t0.Add(10 * time.Minute))
	late := s.AddLate(squaretest.Order{ID: "late", LocationID: "L1", State: "COMPLETED"}, 15*time.Minute)
	if !late.UpdatedAt.Equal(t0.Add(-5 * time.Minute)) {
		t.Fatalf("late updated_at = %v", late.UpdatedAt)
	}
	if got := sweep(t0, t0.Add(10*time.Minute)); len(got) != 0 {
		t.Fatalf("sweep without overlap = %v, want nothing", got)
	}
	if got := sweep(t0.Add(-30*time.Minute), t0.Add(10*time.Minute)); !slices.Equal(got, []string{"late", "early"}) {
		t.Fatalf("sweep with 30 min overlap = %v, want [late early]", got)
	}
}

func TestSetVisibilityLag_HidesRecentChanges(t *testing.T) {
	s, base, clock := newFake(t)
	s.SetVisibilityLag(time.Minute)
	c := s.AddCustomers(squaretest.Customer{GivenName: "新規"})[0] // updated_at = t0
	search := func() int {
		t.Helper()
		status, b, _ := call(t, base, "POST", "/v2/customers/search", nil, map[string]any{})
		var page customersPage
		decode200(t, status, b, &page)
		return len(page.Customers)
	}
	if n := search(); n != 0 {
		t.Fatalf("a customer updated this instant is visible (%d)", n)
	}
	clock.Set(t0.Add(59 * time.Second))
	if n := search(); n != 0 {
		t.Fatalf("visible after 59 s (%d)", n)
	}
	clock.Set(t0.Add(time.Minute))
	if n := search(); n != 1 {
		t.Fatalf("%d customers after a minute, want %s", n, c.ID)
	}
}

// Payments, refunds, bookings.

func TestListPayments_DefaultsAndFilters(t *testing.T) {
	s, base, clock := newFake(t)
	s.SetLocations(squaretest.Location{ID: "MAIN"}, squaretest.Location{ID: "L2"})
	var ps []squaretest.Payment
	for i := range 150 {
		ps = append(ps, squaretest.Payment{AmountMoney: squaretest.Yen(int64(100 + i)), CreatedAt: t0.Add(-time.Duration(i) * time.Hour), SourceType: "CASH"})
	}
	ps = append(ps,
		squaretest.Payment{ID: "other-location", LocationID: "L2", CreatedAt: t0.Add(-time.Hour)},
		squaretest.Payment{ID: "two-years-ago", CreatedAt: t0.AddDate(-2, 0, 0), UpdatedAt: t0.Add(-time.Minute)},
	)
	ps = s.AddPayments(ps...)
	// end_time defaults to now and is exclusive: a payment stamped this very
	// millisecond waits for the next listing.
	clock.Set(t0.Add(time.Second))

	type paymentsPage struct {
		Payments []squaretest.Payment
		Cursor   string
	}
	list := func(q url.Values) (ids []string, pages int) {
		t.Helper()
		for {
			status, b, _ := call(t, base, "GET", "/v2/payments", q, nil)
			var page paymentsPage
			decode200(t, status, b, &page)
			if len(page.Payments) > 100 {
				t.Fatalf("page of %d payments", len(page.Payments))
			}
			for _, p := range page.Payments {
				ids = append(ids, p.ID)
			}
			pages++
			if page.Cursor == "" {
				return ids, pages
			}
			q.Set("cursor", page.Cursor)
		}
	}
	// Main location only, created within the last year, 100 per page even if more is asked.
	ids, pages := list(url.Values{"limit": {"500"}})
	if len(ids) != 150 || pages != 2 || slices.Contains(ids, "other-location") || slices.Contains(ids, "two-years-ago") {
		t.Fatalf("default listing: %d payments in %d pages", len(ids), pages)
	}
	if ids[0] != ps[0].ID || ids[149] != ps[149].ID {
		t.Fatal("default sort is not newest first")
	}
	// updated_at filters still apply inside the default created_at window of a year.
	ids, _ = list(url.Values{"updated_at_begin_time": {squaretest.Stamp(t0.Add(-30 * time.Minute))}})
	if len(ids) != 1 {
		t.Fatalf("updated in the last 30 min = %v, want the newest only (two-years-ago is outside begin_time's default)", ids)
	}
	ids, _ = list(url.Values{"begin_time": {"2020-01-01T00:00:00Z"}, "updated_at_begin_time": {squaretest.Stamp(t0.Add(-30 * time.Minute))}})
	if len(ids) != 2 || !slices.Contains(ids, "two-years-ago") {
		t.Fatalf("with an explicit begin_time = %v", ids)
	}
	ids, _ = list(url.Values{"location_id": {"L2"}})
	if !slices.Equal(ids, []string{"other-location"}) {
		t.Fatalf("location L2 = %v", ids)
	}
	status, b, _ := call(t, base, "GET", "/v2/payments", url.Values{"updated_at_begin": {"x"}}, nil)
	wantError(t, status, b, 400, "INVALID_REQUEST_ERROR", "BAD_REQUEST")
}

func TestListRefunds_UpdatedWindow(t *testing.T) {
	s, base, _ := newFake(t)
	p := s.AddPayments(squaretest.Payment{AmountMoney: squaretest.Yen(1000), CreatedAt: t0.Add(-48 * time.Hour)})[0]
	rs := s.AddRefunds(
		squaretest.Refund{PaymentID: p.ID, AmountMoney: squaretest.Yen(300), CreatedAt: t0.Add(-24 * time.Hour), UpdatedAt: t0.Add(-2 * time.Hour)},
		squaretest.Refund{PaymentID: p.ID, AmountMoney: squaretest.Yen(200), CreatedAt: t0.Add(-3 * time.Hour), UpdatedAt: t0.Add(-time.Hour), Status: "PENDING"},
		squaretest.Refund{PaymentID: p.ID, AmountMoney: squaretest.Yen(100), CreatedAt: t0.Add(-4 * time.Hour)},
	)
	if !strings.HasPrefix(rs[0].ID, p.ID+"_") || rs[0].LocationID != p.LocationID {
		t.Fatalf("refund %+v does not follow its payment", rs[0])
	}
	status, b, _ := call(t, base, "GET", "/v2/refunds", url.Values{"updated_at_begin_time": {squaretest.Stamp(t0.Add(-150 * time.Minute))}, "sort_order": {"ASC"}}, nil)
	var page struct{ Refunds []squaretest.Refund }
	decode200(t, status, b, &page)
	if len(page.Refunds) != 2 || page.Refunds[0].ID != rs[0].ID || page.Refunds[1].ID != rs[1].ID {
		t.Fatalf("refunds updated in the last 150 min = %+v", page.Refunds)
	}
	status, b, _ = call(t, base, "GET", "/v2/refunds", url.Values{"status": {"PENDING"}}, nil)
	decode200(t, status, b, &page)
	if len(page.Refunds) != 1 || page.Refunds[0].ID != rs[1].ID {
		t.Fatalf("pending refunds = %+v", page.Refunds)
	}
}

func TestListBookings_Window(t *testing.T) {
	s, base, _ := newFake(t)
	for d := range 40 {
		s.AddBookings(squaretest.Booking{CustomerID: "C1", StartAt: t0.Add(time.Duration(d) * 24 * time.Hour)})
	}
	type bookingsPage struct {
		Bookings []squaretest.Booking `json:"bookings"`
		Cursor   *string              `json:"cursor"`
		Errors   []squaretest.Error   `json:"errors"`
	}
	tests := []struct {
		name  string
		query url.Values
		want  int // bookings; -1: 400
	}{
		{"default window from now", nil, 31},
		{"31 days", url.Values{"start_at_min": {"2024-05-10T00:00:00Z"}, "start_at_max": {"2024-06-10T00:00:00Z"}}, 31},
		{"32 days", url.Values{"start_at_min": {"2024-05-10T00:00:00Z"}, "start_at_max": {"2024-06-11T00:00:00Z"}}, -1},
		{"max before min", url.Values{"start_at_min": {"2024-05-10T00:00:00Z"}, "start_at_max": {"2024-05-09T00:00:00Z"}}, -1},
		{"limit 10001", url.Values{"limit": {"10001"}}, -1},
		{"other customer", url.Values{"customer_id": {"C2"}}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, b, _ := call(t, base, "GET", "/v2/bookings", tt.query, nil)
			if tt.want < 0 {
				if status != 400 {
					t.Fatalf("status %d, want 400: %s", status, b)
				}
				return
			}
			var page bookingsPage
			decode200(t, status, b, &page)
			if len(page.Bookings) != tt.want || page.Cursor != nil || page.Errors == nil {
				t.Fatalf("%d bookings, cursor %v, errors %v; want %d, null cursor and [] errors: %s", len(page.Bookings), page.Cursor, page.Errors, tt.want, b)
			}
		})
	}
}

// Fault hooks.

func TestRateLimitNext_Answers429WithoutRetryAfter(t *testing.T) {
	s, base, _ := newFake(t)
	s.RateLimitNext(2)
	for range 2 {
		status, b, h := call(t, base, "GET", "/v2/locations", nil, nil)
		wantError(t, status, b, 429, "RATE_LIMIT_ERROR", "RATE_LIMITED")
		if h.Get("Retry-After") != "" {
			t.Fatalf("Retry-After %q: Square documents none", h.Get("Retry-After"))
		}
	}
	if status, b, _ := call(t, base, "GET", "/v2/locations", nil, nil); status != 200 {
		t.Fatalf("third request: %d %s", status, b)
	}
}

func TestFailNext_Answers5xx(t *testing.T) {
	s, base, _ := newFake(t)
	s.FailNext(1, 503)
	s.FailNext(1, 500)
	status, b, _ := call(t, base, "GET", "/v2/locations", nil, nil)
	wantError(t, status, b, 503, "API_ERROR", "SERVICE_UNAVAILABLE")
	status, b, _ = call(t, base, "GET", "/v2/locations", nil, nil)
	wantError(t, status, b, 500, "API_ERROR", "INTERNAL_SERVER_ERROR")
	if status, b, _ := call(t, base, "GET", "/v2/locations", nil, nil); status != 200 {
		t.Fatalf("third request: %d %s", status, b)
	}
}

func TestMalformNext_CorruptsOneRecordOfTheNextPage(t *testing.T) {
	s, base, _ := newFake(t)
	s.Generate(7, 50, 300, t0.AddDate(0, 0, -30))
	locs := s.Locations()
	ids := []string{locs[0].ID, locs[1].ID, locs[2].ID}

	tests := []struct {
		name   string
		setup  func()
		method string
		path   string
		query  url.Values
		body   map[string]any
		list   string
		field  string
	}{
		{"order updated_at", func() { s.MalformNext("/v2/orders/search") }, "POST", "/v2/orders/search", nil,
			map[string]any{"location_ids": ids, "limit": 20}, "orders", "updated_at"},
		{"order money", func() { s.MalformMoneyNext("/v2/orders/search") }, "POST", "/v2/orders/search", nil,
			map[string]any{"location_ids": ids, "limit": 20}, "orders", "total_money"},
		{"customer updated_at", func() { s.MalformNext("/v2/customers/search") }, "POST", "/v2/customers/search", nil,
			map[string]any{"limit": 20}, "customers", "updated_at"},
		{"payment money", func() { s.MalformMoneyNext("/v2/payments") }, "GET", "/v2/payments",
			url.Values{"begin_time": {"2000-01-01T00:00:00Z"}, "end_time": {"2100-01-01T00:00:00Z"}, "limit": {"20"}}, nil, "payments", "amount_money"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := len(s.MalformedIDs())
			tt.setup()
			var body any
			if tt.body != nil {
				body = tt.body
			}
			status, b, _ := call(t, base, tt.method, tt.path, tt.query, body)
			var raw map[string]json.RawMessage
			decode200(t, status, b, &raw)
			var records []json.RawMessage
			if err := json.Unmarshal(raw[tt.list], &records); err != nil {
				t.Fatal(err)
			}
			if len(records) != 20 {
				t.Fatalf("%d records", len(records))
			}
			bad := 0
			for _, rec := range records {
				var typed struct {
					UpdatedAt   time.Time         `json:"updated_at"`
					TotalMoney  *squaretest.Money `json:"total_money"`
					AmountMoney *squaretest.Money `json:"amount_money"`
				}
				if err := json.Unmarshal(rec, &typed); err != nil {
					bad++
					if !strings.Contains(string(rec), tt.field) {
						t.Fatalf("record failed on another field: %v", err)
					}
				}
			}
			got := s.MalformedIDs()
			if bad != 1 || len(got) != before+1 {
				t.Fatalf("%d bad records, MalformedIDs %v; want exactly one", bad, got)
			}
			// The next page is clean.
			status, b, _ = call(t, base, tt.method, tt.path, tt.query, body)
			if status != 200 || strings.Contains(string(b), squaretest.BadTimestamp) || strings.Contains(string(b), `"amount":"`) {
				t.Fatalf("second page still malformed: %s", b[:min(len(b), 200)])
			}
		})
	}
}

func TestSetDelay_SlowsEveryRequest(t *testing.T) {
	s, base, _ := newFake(t)
	s.SetDelay(300 * time.Millisecond)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", base+"/v2/locations", nil)
	req.Header.Set("Authorization", "Bearer "+squaretest.DefaultAccessToken)
	req.Header.Set("Square-Version", squaretest.SquareVersion)
	if resp, err := http.DefaultClient.Do(req); err == nil {
		resp.Body.Close()
		t.Fatal("a client with a 20 ms deadline got an answer despite a 300 ms delay")
	}
	s.SetDelay(0)
	if status, _, _ := call(t, base, "GET", "/v2/locations", nil, nil); status != 200 {
		t.Fatalf("status %d after the delay was removed", status)
	}
}

func TestSetShortPages_ClientMustFollowCursors(t *testing.T) {
	s, base, _ := newFake(t)
	addNamedCustomers(s, 300)
	s.SetShortPages(true)
	seen, cursor, pages := 0, "", 0
	for {
		body := map[string]any{"limit": 100}
		if cursor != "" {
			body["cursor"] = cursor
		}
		status, b, _ := call(t, base, "POST", "/v2/customers/search", nil, body)
		var page customersPage
		decode200(t, status, b, &page)
		if page.Cursor != "" && len(page.Customers) == 100 {
			t.Fatal("a full page despite SetShortPages")
		}
		seen += len(page.Customers)
		pages++
		if cursor = page.Cursor; cursor == "" {
			break
		}
	}
	if seen != 300 || pages != 6 {
		t.Fatalf("%d customers in %d pages, want 300 in 6 short pages", seen, pages)
	}
}

func TestRequests_LogsAndCounts(t *testing.T) {
	s, base, _ := newFake(t)
	s.SetLocations(squaretest.Location{ID: "L1"})
	call(t, base, "GET", "/v2/locations", nil, nil)
	call(t, base, "POST", "/v2/orders/search", nil, map[string]any{"location_ids": []string{"L1"}})
	call(t, base, "GET", "/v2/payments", url.Values{"location_id": {"L1"}}, nil)
	reqs := s.Requests()
	if len(reqs) != 3 || reqs[1].Method != "POST" || !strings.Contains(string(reqs[1].Body), `"L1"`) ||
		reqs[2].Query.Get("location_id") != "L1" || !reqs[0].At.Equal(t0.Truncate(time.Millisecond)) ||
		reqs[0].Header.Get("Square-Version") != squaretest.SquareVersion {
		t.Fatalf("requests = %+v", reqs)
	}
	if n := s.CountRequests("/v2/orders/search"); n != 1 {
		t.Fatalf("CountRequests = %d", n)
	}
	s.ResetRequests()
	if len(s.Requests()) != 0 {
		t.Fatal("log not reset")
	}
}

// Generated data.

var (
	milliStamp  = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$`)
	secondStamp = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$`)
	kanji       = regexp.MustCompile(`\p{Han}`)
	kana        = regexp.MustCompile(`\p{Katakana}|\p{Hiragana}`)
)

func TestGenerate_IsDeterministicAndRealistic(t *testing.T) {
	start := time.Date(2023, 4, 1, 0, 0, 0, 0, time.UTC)
	var a, b squaretest.Server
	ga := a.Generate(42, 2000, 8000, start)
	gb := b.Generate(42, 2000, 8000, start)
	if ga.Customers != 2000 || ga.Orders != 8000 || ga.Payments == 0 || ga.Refunds == 0 || ga.Bookings == 0 {
		t.Fatalf("generated %+v", ga)
	}
	ja, _ := json.Marshal(a.Customers())
	jb, _ := json.Marshal(b.Customers())
	if fmt.Sprint(ga) != fmt.Sprint(gb) || !bytes.Equal(ja, jb) {
		t.Fatal("same seed, different data")
	}
	if len(ga.DuplicateOf) < 40 {
		t.Fatalf("%d duplicates, want about 4%%", len(ga.DuplicateOf))
	}

	var withKanji, withKana, withRomaji, plus81, withEmail, noYear int
	for _, c := range a.Customers() {
		name := c.GivenName + c.FamilyName
		switch {
		case kanji.MatchString(name):
			withKanji++
		case kana.MatchString(name):
			withKana++
		case name != "":
			withRomaji++
		}
		if strings.HasPrefix(c.PhoneNumber, "+81") {
			plus81++
		}
		if c.EmailAddress != "" {
			withEmail++
		}
		if strings.HasPrefix(c.Birthday, "0000-") {
			noYear++
		}
	}
	if withKanji < 800 || withKana < 200 || withRomaji < 150 || plus81 < 200 || withEmail < 800 || noYear == 0 {
		t.Fatalf("kanji %d, kana %d, romaji %d, +81 %d, email %d, birthday without year %d", withKanji, withKana, withRomaji, plus81, withEmail, noYear)
	}

	ts := httptest.NewServer(&a)
	defer ts.Close()
	var locs []string
	for _, l := range a.Locations() {
		locs = append(locs, l.ID)
	}
	states := map[string]int{}
	var discounted, returns, late, versioned int
	cursor := ""
	for {
		body := map[string]any{"location_ids": locs, "limit": 1000}
		if cursor != "" {
			body["cursor"] = cursor
		}
		status, raw, _ := call(t, ts.URL, "POST", "/v2/orders/search", nil, body)
		var page struct {
			Orders []map[string]any `json:"orders"`
			Cursor string           `json:"cursor"`
		}
		decode200(t, status, raw, &page)
		for _, o := range page.Orders {
			states[o["state"].(string)]++
			for _, f := range []string{"created_at", "updated_at"} {
				if v, _ := o[f].(string); !milliStamp.MatchString(v) {
					t.Fatalf("%s = %q, want Square's millisecond UTC format", f, v)
				}
			}
			if tm, ok := o["total_money"].(map[string]any); !ok || tm["currency"] != "JPY" {
				t.Fatalf("total_money = %v", o["total_money"])
			}
			if o["discounts"] != nil {
				discounted++
			}
			if o["returns"] != nil {
				returns++
			}
			if o["version"] != nil {
				versioned++
			}
			c, _ := time.Parse(time.RFC3339, o["created_at"].(string))
			u, _ := time.Parse(time.RFC3339, o["updated_at"].(string))
			if d := u.Sub(c); d > time.Hour && o["closed_at"] != nil {
				cl, _ := time.Parse(time.RFC3339, o["closed_at"].(string))
				if cl.Sub(c) < time.Hour && d <= 72*time.Hour+10*time.Minute {
					late++
				}
			}
		}
		if cursor = page.Cursor; cursor == "" {
			break
		}
	}
	if states["COMPLETED"] < 6000 || states["CANCELED"] < 200 || states["OPEN"] == 0 || states["DRAFT"] == 0 ||
		discounted < 400 || returns < 50 || late < 30 || versioned == 0 || versioned == 8000 {
		t.Fatalf("states %v, discounted %d, returns %d, late offline %d, with version %d", states, discounted, returns, late, versioned)
	}

	status, raw, _ := call(t, ts.URL, "GET", "/v2/bookings", url.Values{"start_at_min": {"2023-06-01T00:00:00Z"}, "start_at_max": {"2023-07-01T00:00:00Z"}}, nil)
	var bookings struct{ Bookings []map[string]any }
	decode200(t, status, raw, &bookings)
	if len(bookings.Bookings) == 0 {
		t.Fatal("no bookings in June 2023")
	}
	if v, _ := bookings.Bookings[0]["start_at"].(string); !secondStamp.MatchString(v) {
		t.Fatalf("booking start_at %q, want whole seconds", v)
	}

	// Refunds: most name the return order Square made for them; a few goodwill refunds
	// name only the payment, and unlinked ones neither.
	var withOrder, paymentOnly, unlinked int
	q := url.Values{"begin_time": {"2000-01-01T00:00:00Z"}}
	for {
		status, raw, _ := call(t, ts.URL, "GET", "/v2/refunds", q, nil)
		var page struct {
			Refunds []squaretest.Refund
			Cursor  string
		}
		decode200(t, status, raw, &page)
		for _, rf := range page.Refunds {
			switch {
			case rf.OrderID != "" && rf.PaymentID != "" && !rf.Unlinked:
				withOrder++
				if p, _ := a.Payment(rf.PaymentID); p.OrderID == rf.OrderID || !slices.Contains(p.RefundIDs, rf.ID) {
					t.Fatalf("refund %s: its order_id is the sale's, or its payment does not list it", rf.ID)
				}
			case rf.OrderID == "" && rf.PaymentID != "" && !rf.Unlinked:
				paymentOnly++
				if p, _ := a.Payment(rf.PaymentID); p.RefundedMoney != rf.AmountMoney || !p.UpdatedAt.After(rf.CreatedAt) {
					t.Fatalf("goodwill refund %+v: payment %+v does not show it", rf, p)
				}
			case rf.OrderID == "" && rf.PaymentID == "" && rf.Unlinked:
				unlinked++
			default:
				t.Fatalf("refund %+v is neither linked to a return, to a payment only, nor unlinked", rf)
			}
			if rf.Status != "COMPLETED" || rf.AmountMoney.Amount <= 0 || rf.AmountMoney.Currency != "JPY" {
				t.Fatalf("refund %+v", rf)
			}
		}
		if page.Cursor == "" {
			break
		}
		q.Set("cursor", page.Cursor)
	}
	if withOrder != returns || paymentOnly == 0 || unlinked == 0 || paymentOnly+unlinked > withOrder {
		t.Fatalf("refunds: %d with a return order (returns: %d), %d with a payment only, %d unlinked", withOrder, returns, paymentOnly, unlinked)
	}
}

func TestGenerate_UpdateOrderOfGeneratedOrder(t *testing.T) {
	var s squaretest.Server
	s.Generate(3, 10, 50, t0)
	ts := httptest.NewServer(&s)
	defer ts.Close()
	status, raw, _ := call(t, ts.URL, "POST", "/v2/orders/search", nil, map[string]any{"location_ids": []string{s.Locations()[0].ID}, "limit": 1})
	var page ordersPage
	decode200(t, status, raw, &page)
	before := page.Orders[0]
	after, err := s.UpdateOrder(before.ID, func(o *squaretest.Order) { o.ReferenceID = "edited" })
	if err != nil {
		t.Fatal(err)
	}
	if after.ReferenceID != "edited" || !after.UpdatedAt.After(before.UpdatedAt) || len(after.LineItems) != len(before.LineItems) {
		t.Fatalf("after = %+v", after)
	}
}

// TestGenerate_Scale loads the benchmark-sized account and pages through every order.
func TestGenerate_Scale(t *testing.T) {
	if testing.Short() {
		t.Skip("loads 100k customers and 300k orders")
	}
	if raceEnabled {
		t.Skip("too slow under the race detector; run without -race")
	}
	var before runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	var s squaretest.Server
	began := time.Now()
	g := s.Generate(1, 100_000, 300_000, time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC))
	took := time.Since(began)
	var after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&after)
	n := s.Counts()
	entities := n.Customers + n.Orders + n.Payments + n.Refunds + n.Bookings
	heap := after.HeapAlloc - before.HeapAlloc
	t.Logf("Generate(100k, 300k): %v; %+v; live heap +%d MiB, %d bytes per entity", took, n, heap>>20, heap/uint64(entities))
	if g.Customers != 100_000 || g.Orders != 300_000 || n.Orders != 300_000 {
		t.Fatalf("generated %+v, holding %+v", g, n)
	}
	if took > 10*time.Second {
		t.Fatalf("Generate took %v", took)
	}

	ts := httptest.NewServer(&s)
	defer ts.Close()
	var locs []string
	for _, l := range s.Locations() {
		locs = append(locs, l.ID)
	}
	began = time.Now()
	seen := make(map[string]struct{}, 300_000)
	cursor, pages := "", 0
	for {
		body := map[string]any{"location_ids": locs, "limit": 1000, "query": map[string]any{"sort": map[string]any{"sort_field": "UPDATED_AT", "sort_order": "ASC"}}}
		if cursor != "" {
			body["cursor"] = cursor
		}
		status, raw, _ := call(t, ts.URL, "POST", "/v2/orders/search", nil, body)
		var page struct {
			Orders []struct {
				ID string `json:"id"`
			} `json:"orders"`
			Cursor string `json:"cursor"`
		}
		decode200(t, status, raw, &page)
		for _, o := range page.Orders {
			seen[o.ID] = struct{}{}
		}
		pages++
		if cursor = page.Cursor; cursor == "" {
			break
		}
	}
	t.Logf("paged %d orders in %d pages in %v", len(seen), pages, time.Since(began))
	if len(seen) != 300_000 || pages != 300 {
		t.Fatalf("%d distinct orders in %d pages, want 300000 in 300", len(seen), pages)
	}
}

// Concurrency.

func TestServer_ConcurrentSearchesWhileMutating(t *testing.T) {
	s, base, _ := newFake(t)
	s.Generate(9, 500, 2000, t0.AddDate(0, -6, 0))
	customers := s.Customers()
	var locs []string
	for _, l := range s.Locations() {
		locs = append(locs, l.ID)
	}
	var wg sync.WaitGroup
	errs := make(chan string, 100)
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 30 {
				c := customers[(w*31+i)%len(customers)]
				if _, err := s.UpdateCustomer(c.ID, func(c *squaretest.Customer) { c.Note = fmt.Sprint("edit ", i) }); err != nil {
					errs <- err.Error()
				}
				s.AddOrders(squaretest.Order{LocationID: locs[i%len(locs)], CustomerID: c.ID, State: "COMPLETED",
					LineItems: []squaretest.LineItem{{Name: "カフェラテ", BasePriceMoney: squaretest.Yen(550)}}})
				s.AddLate(squaretest.Order{LocationID: locs[0]}, time.Duration(i)*time.Minute)
				s.RateLimitNext(0)
				_ = s.Counts()
			}
		}()
	}
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			paths := []string{"/v2/customers/search", "/v2/orders/search", "/v2/payments"}
			path := paths[w%len(paths)]
			cursor := ""
			for range 15 {
				var status int
				var b []byte
				switch path {
				case "/v2/customers/search":
					body := map[string]any{"limit": 50}
					if cursor != "" {
						body["cursor"] = cursor
					}
					status, b, _ = call(t, base, "POST", path, nil, body)
				case "/v2/orders/search":
					body := map[string]any{"location_ids": locs, "limit": 100}
					if cursor != "" {
						body["cursor"] = cursor
					}
					status, b, _ = call(t, base, "POST", path, nil, body)
				default:
					q := url.Values{"begin_time": {"2000-01-01T00:00:00Z"}}
					if cursor != "" {
						q.Set("cursor", cursor)
					}
					status, b, _ = call(t, base, "GET", path, q, nil)
				}
				if status != 200 {
					errs <- fmt.Sprintf("%s: %d %s", path, status, b)
					return
				}
				var page struct{ Cursor string }
				json.Unmarshal(b, &page)
				cursor = page.Cursor
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}
