package square_test

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
	"github.com/nayose/nayose/connectors/square"
	"github.com/nayose/nayose/connectors/square/squaretest"
	"github.com/nayose/nayose/mapping"
)

const testToken = "EAAAl-square-test-secret-9c1e7b"

// clock is a settable clock for the fake.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func newClock() *clock { return &clock{now: time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)} }

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

func newFake(t *testing.T) (*squaretest.Server, *clock, *httptest.Server) {
	t.Helper()
	clk := newClock()
	sq := &squaretest.Server{AccessToken: testToken, Now: clk.Now}
	return sq, clk, sq.Serve(t)
}

func build(t testing.TB, options string) connectors.Source {
	return connectortest.Build(t, square.Register, square.TypeName, "sq", options)
}

func opts(url string, extra ...string) string {
	return fmt.Sprintf("access_token: %s\nbase_url: %s\nrate_limit: 1000\nretry_wait: 1ms\n%s", testToken, url, strings.Join(extra, "\n"))
}

func stream(t testing.TB, src connectors.Source, name string) connectors.Stream {
	return connectortest.Stream(t, src, name)
}

func readAll(s connectors.Stream, cursor string) ([]connectors.Page, error) {
	return connectortest.ReadAll(s, cursor)
}

func merged(pages []connectors.Page) connectors.Page { return connectortest.Merged(pages) }

func TestSquare_DocsMatchTheCode(t *testing.T) {
	connectortest.CheckDocs(t, square.Register, square.SampleConfig(), map[string]string{"SQUARE_ACCESS_TOKEN": testToken}, "square_pos", "customers", "orders")
}

func TestSquare_RegisterTwicePanics(t *testing.T) {
	r := connectors.NewRegistry()
	square.Register(r)
	defer func() {
		if recover() == nil {
			t.Error("registering square twice did not panic")
		}
	}()
	square.Register(r)
}

func TestOptions_ValidateNamesEachProblem(t *testing.T) {
	yaml := "connectors:\n  - name: sq\n    type: square\n    schedule: \"@hourly\"\n    options:\n      base_url: connect.squareup.com\n      square_version: latest\n      page_size: 5000\n      customers_page_size: 0\n      rate_limit: 0\n"
	cfg, err := config.Parse("nayose.yaml", []byte(yaml), func(string) (string, bool) { return "", false })
	if err != nil {
		t.Fatal(err)
	}
	r := connectors.NewRegistry()
	square.Register(r)
	_, err = r.Build(cfg, nil)
	if err == nil {
		t.Fatal("bad options built")
	}
	for _, want := range []string{"access_token", "base_url", "square_version", "page_size", "customers_page_size", "rate_limit", "nayose.yaml:"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error does not name %s:\n%v", want, err)
		}
	}
}

func TestSquare_CustomersFullThenIncremental(t *testing.T) {
	sq, clk, ts := newFake(t)
	full := sq.AddCustomers(squaretest.Customer{
		GivenName: "健太", FamilyName: "佐藤", CompanyName: "佐藤珈琲店",
		EmailAddress: "kenta@example.jp", PhoneNumber: "090-1234-5678", Birthday: "0000-04-12",
		Address: &squaretest.Address{
			PostalCode: "150-0041", Country: "JP", AdministrativeDistrictLevel1: "東京都",
			Locality: "渋谷区", AddressLine1: "神南1-2-3",
		},
		Preferences: &squaretest.CustomerPreferences{EmailUnsubscribed: true},
	})[0]
	for i := range 4 {
		clk.Advance(time.Minute)
		sq.AddCustomers(squaretest.Customer{GivenName: fmt.Sprintf("客%d", i), Birthday: "1985-04-12"})
	}
	src := build(t, opts(ts.URL, "customers_page_size: 2", "overlap: 30s"))
	s := stream(t, src, "customers")

	pages, err := readAll(s, "")
	if err != nil {
		t.Fatal(err)
	}
	if n := sq.CountRequests("/v2/customers/search"); n != 3 || len(pages) != 3 {
		t.Errorf("full sweep of 5 customers at 2 a page: %d requests, %d pages; want 3", n, len(pages))
	}
	p := merged(pages)
	if len(p.Identities) != 5 || len(p.Rejects) != 0 {
		t.Fatalf("%d identities, %d rejects; want 5, 0", len(p.Identities), len(p.Rejects))
	}
	var got connectors.Identity
	for _, id := range p.Identities {
		if id.ExternalID == full.ID {
			got = id
		}
	}
	if got.GivenName != "健太" || got.FamilyName != "佐藤" || got.Company != "佐藤珈琲店" ||
		strings.Join(got.Emails, ",") != "kenta@example.jp" || strings.Join(got.Phones, ",") != "090-1234-5678" ||
		got.Birthday != (mapping.Date{Month: time.April, Day: 12}) || got.PostalCode != "150-0041" ||
		got.Address != "東京都渋谷区神南1-2-3" || got.MarketingConsent == nil || *got.MarketingConsent ||
		!got.UpdatedAt.Equal(full.UpdatedAt) || len(got.Raw) == 0 {
		t.Errorf("identity mapped as %+v", got)
	}
	for _, id := range p.Identities {
		if id.ExternalID != full.ID && id.Birthday != (mapping.Date{Year: 1985, Month: time.April, Day: 12}) {
			t.Errorf("%s: birthday %v, want 1985-04-12", id.ExternalID, id.Birthday)
		}
	}
	// Intermediate pages resume the same sweep; only the last moves since.
	if !strings.Contains(pages[0].Cursor, "page_cursor") || strings.Contains(p.Cursor, "page_cursor") {
		t.Errorf("cursors %q ... %q: want a resumable sweep, then a plain since", pages[0].Cursor, p.Cursor)
	}

	// Incremental: one change, well after the overlap.
	clk.Advance(time.Hour)
	if _, err := sq.UpdateCustomer(full.ID, func(c *squaretest.Customer) { c.GivenName = "健" }); err != nil {
		t.Fatal(err)
	}
	sq.ResetRequests()
	pages, err = readAll(s, p.Cursor)
	if err != nil {
		t.Fatal(err)
	}
	inc := merged(pages)
	if n := sq.CountRequests("/v2/customers/search"); n != 1 {
		t.Errorf("incremental sweep made %d requests, want 1", n)
	}
	// The window starts overlap before the last sweep's newest updated_at,
	// so that customer (客3) is read again, and nothing older.
	var names []string
	for _, id := range inc.Identities {
		names = append(names, id.GivenName)
	}
	if strings.Join(names, ",") != "健,客3" && strings.Join(names, ",") != "客3,健" {
		t.Errorf("incremental sweep read %v, want the changed customer and the one at the cursor", names)
	}
}

func TestSquare_OrdersBecomeActivities(t *testing.T) {
	sq, clk, ts := newFake(t)
	cust := sq.AddCustomers(squaretest.Customer{GivenName: "花子"})[0]
	add := func(o squaretest.Order) squaretest.Order {
		clk.Advance(time.Minute)
		return sq.AddOrders(o)[0]
	}
	sale := add(squaretest.Order{CustomerID: cust.ID, State: "COMPLETED",
		LineItems: []squaretest.LineItem{
			{Name: "ブレンド 200g", Quantity: "2", BasePriceMoney: squaretest.Yen(1480), TotalDiscountMoney: squaretest.Yen(500)},
			{Name: "ドリップバッグ", BasePriceMoney: squaretest.Yen(180)},
		}})
	anon := add(squaretest.Order{State: "COMPLETED",
		LineItems: []squaretest.LineItem{{Name: "カフェラテ", BasePriceMoney: squaretest.Yen(550)}}})
	add(squaretest.Order{CustomerID: cust.ID, State: "CANCELED",
		LineItems: []squaretest.LineItem{{Name: "ケーキ", BasePriceMoney: squaretest.Yen(600)}}})
	add(squaretest.Order{CustomerID: cust.ID, State: "OPEN",
		LineItems: []squaretest.LineItem{{Name: "ケーキ", BasePriceMoney: squaretest.Yen(600)}}})
	ret := add(squaretest.Order{CustomerID: cust.ID, State: "COMPLETED",
		Returns: []squaretest.Return{{SourceOrderID: sale.ID, ReturnLineItems: []squaretest.ReturnLineItem{
			{Name: "ドリップバッグ", Quantity: "1", TotalMoney: squaretest.Yen(180)}}}},
		ReturnAmounts: &squaretest.MoneyAmounts{TotalMoney: squaretest.Yen(180)}})

	src := build(t, opts(ts.URL))
	pages, err := readAll(stream(t, src, "orders"), "")
	if err != nil {
		t.Fatal(err)
	}
	type key struct {
		id   string
		kind connectors.ActivityKind
	}
	got := map[key]connectors.Activity{}
	for _, a := range merged(pages).Activities {
		got[key{a.ExternalID, a.Kind}] = a
	}
	want := []struct {
		id, who string
		kind    connectors.ActivityKind
		amount  int64
		summary string
	}{
		{sale.ID, cust.ID, connectors.KindPurchase, 2*1480 + 180 - 500, "ブレンド 200g ×2, ドリップバッグ"},
		{sale.ID, cust.ID, connectors.KindDiscount, 500, ""},
		{anon.ID, "", connectors.KindPurchase, 550, "カフェラテ"},
		{ret.ID, cust.ID, connectors.KindRefund, 180, "ドリップバッグ"},
	}
	if len(got) != len(want) {
		t.Errorf("%d activities, want %d (canceled and open orders are not sales): %v", len(got), len(want), got)
	}
	for _, w := range want {
		a, ok := got[key{w.id, w.kind}]
		if !ok {
			t.Errorf("no %s for %s", w.kind, w.id)
			continue
		}
		if a.Amount == nil || *a.Amount != w.amount || a.Currency != "JPY" || a.IdentityExternalID != w.who ||
			a.Summary != w.summary || a.OccurredAt.IsZero() {
			t.Errorf("%s %s: %+v (amount %v), want %d JPY for %q, %q", w.kind, w.id, a, a.Amount, w.amount, w.who, w.summary)
		}
	}
}

func TestSquare_OrdersAskEveryLocationInChunksOfTen(t *testing.T) {
	sq, _, ts := newFake(t)
	var ls []squaretest.Location
	for i := range 12 {
		ls = append(ls, squaretest.Location{ID: fmt.Sprintf("L%02d", i), Name: fmt.Sprintf("店舗%d", i)})
	}
	sq.SetLocations(ls...)
	for _, l := range ls {
		sq.AddOrders(squaretest.Order{LocationID: l.ID, State: "COMPLETED",
			LineItems: []squaretest.LineItem{{Name: "豆", BasePriceMoney: squaretest.Yen(1000)}}})
	}
	pages, err := readAll(stream(t, build(t, opts(ts.URL)), "orders"), "")
	if err != nil {
		t.Fatal(err)
	}
	if n := len(merged(pages).Activities); n != 12 {
		t.Errorf("%d purchases, want one per location (12)", n)
	}
	if n := sq.CountRequests("/v2/orders/search"); n != 2 {
		t.Errorf("%d searches, want 2 (10 + 2 locations)", n)
	}
}

func TestSquare_MalformedRecordsAreRejectedWithTheirID(t *testing.T) {
	sq, clk, ts := newFake(t)
	for i := range 5 {
		clk.Advance(time.Minute)
		c := sq.AddCustomers(squaretest.Customer{GivenName: fmt.Sprintf("客%d", i)})[0]
		sq.AddOrders(squaretest.Order{CustomerID: c.ID, State: "COMPLETED",
			LineItems: []squaretest.LineItem{{Name: "豆", BasePriceMoney: squaretest.Yen(1000)}}})
	}
	sq.MalformNext("/v2/customers/search")
	sq.MalformMoneyNext("/v2/orders/search")
	src := build(t, opts(ts.URL))
	bad := map[string]string{}
	for _, name := range []string{"customers", "orders"} {
		pages, err := readAll(stream(t, src, name), "")
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		p := merged(pages)
		if len(p.Rejects) != 1 || len(p.Identities)+len(p.Activities) != 4 {
			t.Fatalf("%s: %d rejects, %d records; want 1 and the other 4", name, len(p.Rejects), len(p.Identities)+len(p.Activities))
		}
		r := p.Rejects[0]
		if r.Location != "square/"+name || r.Reason == "" || len(r.Raw) == 0 {
			t.Errorf("%s: reject %+v", name, r)
		}
		bad[name] = r.ExternalID + " " + r.Field
	}
	ids := sq.MalformedIDs()
	if bad["customers"] != ids[0]+" updated_at" || bad["orders"] != ids[1]+" total_money.amount" {
		t.Errorf("rejects name %v, want %v with updated_at and total_money.amount", bad, ids)
	}
}

func TestSquare_RateLimitEndsTheRunAsPartial(t *testing.T) {
	sq, _, ts := newFake(t)
	sq.AddCustomers(squaretest.Customer{GivenName: "太郎"})
	sq.RateLimitNext(100)
	_, err := readAll(stream(t, build(t, opts(ts.URL)), "customers"), "")
	if !errors.Is(err, connectors.ErrPartial) {
		t.Fatalf("error %v, want connectors.ErrPartial", err)
	}
	if strings.Contains(err.Error(), testToken) {
		t.Error("the error shows the access token")
	}
}

func TestSquare_UnauthorizedFails(t *testing.T) {
	_, _, ts := newFake(t)
	src := build(t, fmt.Sprintf("access_token: wrong-token\nbase_url: %s\n", ts.URL))
	_, err := readAll(stream(t, src, "customers"), "")
	if err == nil || errors.Is(err, connectors.ErrPartial) {
		t.Fatalf("error %v, want a failure", err)
	}
}

// The conformance kit.

// confPageSize is the page size the conformance options set, for both
// streams, so that a full sync takes many more requests than an idle one.
const confPageSize = 10

type squareVendor struct{}

func (squareVendor) Type() string                    { return square.TypeName }
func (squareVendor) Register(r *connectors.Registry) { square.Register(r) }
func (squareVendor) Secrets() []string               { return []string{testToken} }

func (squareVendor) Options(baseURL string) string {
	return fmt.Sprintf("access_token: %s\nbase_url: %s\npage_size: %d\ncustomers_page_size: %d\noverlap: 10m\nrate_limit: 1000\nretry_wait: 1ms\n",
		testToken, baseURL, confPageSize, confPageSize)
}

func (squareVendor) Start(t testing.TB) connectortest.Fake {
	clk := newClock()
	f := &squareFake{clk: clk, sq: &squaretest.Server{AccessToken: testToken, Now: clk.Now}}
	f.ts = f.sq.Serve(t)
	return f
}

// squareFake drives squaretest for the kit. Each seeded customer and order
// is an hour after the previous, so a 10m overlap re-reads only the last.
type squareFake struct {
	clk *clock
	sq  *squaretest.Server
	ts  *httptest.Server

	mu        sync.Mutex
	customers []string
	orders    []string // in updated_at order
	purchases int
}

func (f *squareFake) URL() string { return f.ts.URL }

func (f *squareFake) Seed(n int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for range n {
		f.clk.Advance(time.Hour)
		i := len(f.customers)
		c := f.sq.AddCustomers(squaretest.Customer{GivenName: fmt.Sprintf("客%03d", i), FamilyName: "山田",
			EmailAddress: fmt.Sprintf("c%03d@example.jp", i)})[0]
		o := f.sq.AddOrders(squaretest.Order{CustomerID: c.ID, State: "COMPLETED",
			LineItems: []squaretest.LineItem{{Name: "ブレンド", BasePriceMoney: squaretest.Yen(int64(1000 + i))}}})[0]
		f.customers = append(f.customers, c.ID)
		f.orders = append(f.orders, o.ID)
		f.purchases++
	}
}

func (f *squareFake) Change(k int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.clk.Advance(time.Hour)
	for _, id := range f.customers[:min(k, len(f.customers))] {
		if _, err := f.sq.UpdateCustomer(id, func(c *squaretest.Customer) { c.GivenName += "様" }); err != nil {
			panic(err)
		}
	}
}

func (f *squareFake) AddLate() {
	f.mu.Lock()
	defer f.mu.Unlock()
	// Uploaded now, stamped five minutes ago: inside the 10m overlap.
	f.sq.AddLate(squaretest.Order{CustomerID: f.customers[0], State: "COMPLETED",
		LineItems: []squaretest.LineItem{{Name: "オフライン販売", BasePriceMoney: squaretest.Yen(700)}}}, 5*time.Minute)
	f.purchases++
}

func (f *squareFake) Want() (int, int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.customers), f.purchases
}

// MalformNext corrupts the middle order of the first orders page, which
// the fake serves in updated_at order.
func (f *squareFake) MalformNext() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.sq.MalformNext("/v2/orders/search")
	first := f.orders[:min(confPageSize, len(f.orders))]
	return first[len(first)/2]
}

func (f *squareFake) RateLimitNext(n int)      { f.sq.RateLimitNext(n) }
func (f *squareFake) FailNext(n int)           { f.sq.FailNext(n, 500) }
func (f *squareFake) SetDelay(d time.Duration) { f.sq.SetDelay(d) }
func (f *squareFake) Requests() int            { return len(f.sq.Requests()) }
func (f *squareFake) Close()                   { f.ts.Close() }

func TestConformance(t *testing.T) { connectortest.Run(t, squareVendor{}) }

func TestSquare_DailyLateSweepReadsOfflineOrders(t *testing.T) {
	sq, clk, ts := newFake(t)
	clk.mu.Lock()
	clk.now = time.Now().UTC()
	clk.mu.Unlock()
	now := clk.Now()
	// An offline order uploaded now, stamped 48 h ago: far outside overlap.
	late := sq.AddLate(squaretest.Order{State: "COMPLETED",
		LineItems: []squaretest.LineItem{{Name: "オフライン", BasePriceMoney: squaretest.Yen(900)}}}, 48*time.Hour)
	s := stream(t, build(t, opts(ts.URL)), "orders")
	cursor := func(swept time.Time) string {
		return fmt.Sprintf(`{"since":%q,"swept":%q}`, now.Add(-time.Hour).Format(time.RFC3339Nano), swept.Format(time.RFC3339Nano))
	}
	// Swept an hour ago: only the overlap window, the late order is not seen.
	pages, err := readAll(s, cursor(now.Add(-time.Hour)))
	if err != nil {
		t.Fatal(err)
	}
	if n := len(merged(pages).Activities); n != 0 {
		t.Errorf("a run between late sweeps read %d activities, want 0", n)
	}
	// Swept 25 h ago: this run sweeps late_window back and finds it.
	pages, err = readAll(s, cursor(now.Add(-25*time.Hour)))
	if err != nil {
		t.Fatal(err)
	}
	p := merged(pages)
	if len(p.Activities) != 1 || p.Activities[0].ExternalID != late.ID {
		t.Errorf("the late sweep read %+v, want the offline order %s", p.Activities, late.ID)
	}
	if !strings.Contains(p.Cursor, `"swept"`) {
		t.Errorf("cursor %s does not record the sweep", p.Cursor)
	}
}

func TestSquare_BookingsSweepPastAndFuture(t *testing.T) {
	sq, _, ts := newFake(t)
	now := time.Now().UTC().Truncate(time.Second)
	sq.AddCustomers(squaretest.Customer{ID: "C1", GivenName: "花子", FamilyName: "山田"})
	sq.AddBookings(
		squaretest.Booking{ID: "B-past", Status: "ACCEPTED", StartAt: now.Add(-40 * 24 * time.Hour), CustomerID: "C1", CustomerNote: "カット"},
		squaretest.Booking{ID: "B-cancel", Status: "CANCELLED_BY_CUSTOMER", StartAt: now.Add(-2 * 24 * time.Hour), CustomerID: "C1"},
		squaretest.Booking{ID: "B-future", Status: "ACCEPTED", StartAt: now.Add(10 * 24 * time.Hour), CustomerID: "C1"},
		squaretest.Booking{ID: "B-too-old", Status: "ACCEPTED", StartAt: now.Add(-200 * 24 * time.Hour), CustomerID: "C1"},
	)
	src := build(t, opts(ts.URL, "bookings: true"))
	if names := []string{src.Streams()[0].Name(), src.Streams()[1].Name(), src.Streams()[2].Name()}; names[2] != "bookings" {
		t.Fatalf("streams = %v", names)
	}
	pages, err := readAll(stream(t, src, "bookings"), "")
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]connectors.ActivityKind{}
	for _, a := range merged(pages).Activities {
		got[a.ExternalID] = a.Kind
		if a.IdentityExternalID != "C1" {
			t.Errorf("%s belongs to %q", a.ExternalID, a.IdentityExternalID)
		}
	}
	want := map[string]connectors.ActivityKind{"B-past": connectors.KindBooking, "B-cancel:canceled": connectors.KindBookingCanceled, "B-future": connectors.KindBooking}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("activities = %v, want %v (the 200-day-old one is before bookings_from)", got, want)
	}
	// The next run re-reads only from the cursor (about now) on: the
	// future booking again, not the past ones.
	last := pages[len(pages)-1].Cursor
	pages, err = readAll(stream(t, src, "bookings"), last)
	if err != nil {
		t.Fatal(err)
	}
	acts := merged(pages).Activities
	if len(acts) != 1 || acts[0].ExternalID != "B-future" {
		t.Errorf("second run read %+v, want only the future booking", acts)
	}
	// Off by default: no appointment scope needed.
	if n := len(build(t, opts(ts.URL)).Streams()); n != 2 {
		t.Errorf("streams without bookings = %d, want 2", n)
	}
}
