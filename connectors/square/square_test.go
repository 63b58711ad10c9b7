package square_test

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"net/http/httptest"
	"slices"
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
	"github.com/nayose/nayose/store"
	"github.com/nayose/nayose/store/storetest"
	"github.com/nayose/nayose/sync/engine"
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
	connectortest.CheckDocs(t, square.Register, square.SampleConfig(), map[string]string{"SQUARE_ACCESS_TOKEN": testToken}, "square_pos", "customers", "orders", "payments")
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
	// Canceled and open orders are not sales.
	checkActivities(t, merged(pages).Activities, []wantActivity{
		{sale.ID, connectors.KindPurchase, cust.ID, 2*1480 + 180 - 500, time.Time{}, "ブレンド 200g ×2, ドリップバッグ"},
		{sale.ID, connectors.KindDiscount, cust.ID, 500, time.Time{}, ""},
		{anon.ID, connectors.KindPurchase, "", 550, time.Time{}, "カフェラテ"},
		{ret.ID, connectors.KindRefund, cust.ID, 180, time.Time{}, "ドリップバッグ"},
	})
}

// wantActivity is an activity a test expects, in JPY; a zero at means any
// time but zero.
type wantActivity struct {
	id      string
	kind    connectors.ActivityKind
	who     string
	amount  int64
	at      time.Time
	summary string
}

// checkActivities fails t unless acts are exactly want.
func checkActivities(t *testing.T, acts []connectors.Activity, want []wantActivity) {
	t.Helper()
	got := byKey(acts)
	if len(acts) != len(want) {
		t.Errorf("%d activities, want %d: %v", len(acts), len(want), slices.Collect(maps.Keys(got)))
	}
	for _, w := range want {
		g, ok := got[activityKey{w.id, w.kind}]
		if !ok {
			t.Errorf("no %s for %s", w.kind, w.id)
			continue
		}
		if g.Amount == nil || *g.Amount != w.amount || g.Currency != "JPY" || g.IdentityExternalID != w.who || g.Summary != w.summary ||
			g.OccurredAt.IsZero() || (!w.at.IsZero() && !g.OccurredAt.Equal(w.at)) || len(g.Raw) == 0 {
			t.Errorf("%s %s: %s %s for %q at %v, %q; want %d JPY for %q at %v, %q", w.kind, w.id, amountString(g.Amount), g.Currency,
				g.IdentityExternalID, g.OccurredAt, g.Summary, w.amount, w.who, w.at, w.summary)
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
		o := sq.AddOrders(squaretest.Order{CustomerID: c.ID, State: "COMPLETED",
			LineItems: []squaretest.LineItem{{Name: "豆", BasePriceMoney: squaretest.Yen(1000)}}})[0]
		p := sq.AddPayments(squaretest.Payment{CustomerID: c.ID, OrderID: o.ID, AmountMoney: squaretest.Yen(1000)})[0]
		sq.AddRefunds(squaretest.Refund{PaymentID: p.ID, AmountMoney: squaretest.Yen(100)})
	}
	clk.Advance(time.Minute)
	sq.MalformNext("/v2/customers/search")
	sq.MalformMoneyNext("/v2/orders/search")
	sq.MalformNext("/v2/payments")
	sq.MalformMoneyNext("/v2/refunds")
	src := build(t, opts(ts.URL))
	// Each stream's rejects, as "location field", and how many records the
	// rest make (the payments stream reads 5 payments and 5 refunds).
	streams := []struct {
		name    string
		rejects []string
		records int
	}{
		{"customers", []string{"square/customers updated_at"}, 4},
		{"orders", []string{"square/orders total_money.amount"}, 4},
		{"payments", []string{"square/payments updated_at", "square/refunds amount_money.amount"}, 8},
	}
	var bad []string // "id field", in the order the fake corrupted them
	for _, st := range streams {
		pages, err := readAll(stream(t, src, st.name), "")
		if err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
		p := merged(pages)
		if len(p.Rejects) != len(st.rejects) || len(p.Identities)+len(p.Activities) != st.records {
			t.Fatalf("%s: %d rejects, %d records; want %d and the other %d", st.name, len(p.Rejects), len(p.Identities)+len(p.Activities), len(st.rejects), st.records)
		}
		for i, r := range p.Rejects {
			if r.Location+" "+r.Field != st.rejects[i] || r.Reason == "" || len(r.Raw) == 0 {
				t.Errorf("%s: reject %+v, want %s", st.name, r, st.rejects[i])
			}
			bad = append(bad, r.ExternalID+" "+r.Field)
		}
	}
	ids := sq.MalformedIDs()
	if want := []string{ids[0] + " updated_at", ids[1] + " total_money.amount", ids[2] + " updated_at", ids[3] + " amount_money.amount"}; !slices.Equal(bad, want) {
		t.Errorf("rejects name %v, want %v", bad, want)
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

// paymentsAccount is a shop with two locations, one customer and what
// happens to her money: a sale with its payment, a return of part of it
// (a return order and the PaymentRefund naming it), a goodwill refund
// without an order, an unlinked cash refund, payments that took no money,
// an anonymous payment with a tip at the second location, and a pending
// refund. Each record is a minute after the previous one.
type paymentsAccount struct {
	customer                         squaretest.Customer
	sale, ret                        squaretest.Order
	salePay, anonPay                 squaretest.Payment
	returnRefund, goodwill, unlinked squaretest.Refund
}

func seedPayments(sq *squaretest.Server, clk *clock) paymentsAccount {
	var a paymentsAccount
	tick := func() time.Time { clk.Advance(time.Minute); return clk.Now() }
	sq.SetLocations(squaretest.Location{ID: "L-MAIN", Name: "本店"}, squaretest.Location{ID: "L-2", Name: "駅前店"})
	a.customer = sq.AddCustomers(squaretest.Customer{ID: "C-HANAKO", GivenName: "花子", FamilyName: "山田"})[0]
	tick()
	a.sale = sq.AddOrders(squaretest.Order{ID: "O-SALE", LocationID: "L-MAIN", CustomerID: a.customer.ID, State: "COMPLETED",
		LineItems: []squaretest.LineItem{{Name: "ブレンド 200g", Quantity: "2", BasePriceMoney: squaretest.Yen(2500)}}})[0]
	a.salePay = sq.AddPayments(squaretest.Payment{ID: "P-SALE", LocationID: "L-MAIN", CustomerID: a.customer.ID, OrderID: a.sale.ID,
		AmountMoney: squaretest.Yen(5000), SourceType: "CARD", CreatedAt: tick()})[0]
	for _, st := range []string{"APPROVED", "PENDING", "CANCELED", "FAILED"} {
		sq.AddPayments(squaretest.Payment{ID: "P-" + st, LocationID: "L-MAIN", CustomerID: a.customer.ID, Status: st,
			AmountMoney: squaretest.Yen(9999), SourceType: "CARD", CreatedAt: tick()})
	}
	a.anonPay = sq.AddPayments(squaretest.Payment{ID: "P-ANON", LocationID: "L-2", AmountMoney: squaretest.Yen(550),
		TipMoney: squaretest.Yen(50), SourceType: "CASH", CreatedAt: tick()})[0]
	a.ret = sq.AddOrders(squaretest.Order{ID: "O-RETURN", LocationID: "L-MAIN", CustomerID: a.customer.ID, State: "COMPLETED", CreatedAt: tick(),
		Returns: []squaretest.Return{{SourceOrderID: a.sale.ID, ReturnLineItems: []squaretest.ReturnLineItem{
			{Name: "ブレンド 200g", Quantity: "1", TotalMoney: squaretest.Yen(2500)}}}},
		ReturnAmounts: &squaretest.MoneyAmounts{TotalMoney: squaretest.Yen(2500)}})[0]
	a.returnRefund = sq.AddRefunds(squaretest.Refund{ID: "R-RETURN", PaymentID: a.salePay.ID, OrderID: a.ret.ID,
		AmountMoney: squaretest.Yen(2500), Reason: "返品", CreatedAt: tick()})[0]
	a.goodwill = sq.AddRefunds(squaretest.Refund{ID: "R-GOODWILL", PaymentID: a.salePay.ID,
		AmountMoney: squaretest.Yen(300), Reason: "お詫び", CreatedAt: tick()})[0]
	a.unlinked = sq.AddRefunds(squaretest.Refund{ID: "R-UNLINKED", LocationID: "L-2", Unlinked: true, DestinationType: "CASH",
		AmountMoney: squaretest.Yen(200), Reason: "レシートなし", CreatedAt: tick()})[0]
	sq.AddRefunds(squaretest.Refund{ID: "R-PENDING", PaymentID: a.salePay.ID, Status: "PENDING",
		AmountMoney: squaretest.Yen(100), CreatedAt: tick()})
	clk.Advance(time.Minute) // Square's end_time (now) is exclusive
	return a
}

func amountString(a *int64) string {
	if a == nil {
		return "no amount"
	}
	return fmt.Sprint(*a)
}

type activityKey struct {
	id   string
	kind connectors.ActivityKind
}

func byKey(acts []connectors.Activity) map[activityKey]connectors.Activity {
	out := map[activityKey]connectors.Activity{}
	for _, a := range acts {
		out[activityKey{a.ExternalID, a.Kind}] = a
	}
	return out
}

func TestSquare_PaymentsAndRefundsBecomeActivities(t *testing.T) {
	sq, clk, ts := newFake(t)
	a := seedPayments(sq, clk)
	pages, err := readAll(stream(t, build(t, opts(ts.URL)), "payments"), "")
	if err != nil {
		t.Fatal(err)
	}
	p := merged(pages)
	if len(p.Rejects) != 0 {
		t.Errorf("rejects %+v", p.Rejects)
	}
	// No payment that took no money, no refund a return order carries (the
	// return's refund is the orders stream's O-RETURN), no pending refund.
	checkActivities(t, p.Activities, []wantActivity{
		{a.salePay.ID, connectors.KindPayment, a.customer.ID, 5000, a.salePay.CreatedAt, "CARD"},
		{a.anonPay.ID, connectors.KindPayment, "", 600, a.anonPay.CreatedAt, "CASH"},
		{a.goodwill.ID, connectors.KindRefund, a.customer.ID, 300, a.goodwill.CreatedAt, "お詫び"},
		{a.unlinked.ID, connectors.KindRefund, "", 200, a.unlinked.CreatedAt, "レシートなし"},
	})
	// Both endpoints at both locations, oldest update first, all of history.
	for _, r := range sq.Requests() {
		if r.Path != "/v2/payments" && r.Path != "/v2/refunds" {
			continue
		}
		q := r.Query
		if q.Get("sort_field") != "UPDATED_AT" || q.Get("sort_order") != "ASC" || q.Get("limit") != "100" ||
			q.Get("begin_time") != "2000-01-01T00:00:00.000Z" || q.Get("updated_at_begin_time") == "" || q.Get("location_id") == "" {
			t.Errorf("%s?%s", r.Path, q.Encode())
		}
	}
	if n, m := sq.CountRequests("/v2/refunds"), sq.CountRequests("/v2/locations"); n != 2 || m != 1 {
		t.Errorf("%d refund listings, %d location listings; want one listing per location (2) and 1", n, m)
	}
	// The cursor holds each endpoint's newest update: the anonymous payment's,
	// and the pending refund's, which counts for the window but yields nothing.
	if want := fmt.Sprintf(`{"payments":{"since":%q},"refunds":{"since":%q}}`,
		a.anonPay.UpdatedAt.Format(time.RFC3339Nano), clk.Now().Add(-time.Minute).Format(time.RFC3339Nano)); p.Cursor != want {
		t.Errorf("cursor %s, want %s", p.Cursor, want)
	}
}

func TestSquare_PaymentsIncrementalReadsOnlyWhatChanged(t *testing.T) {
	sq, clk, ts := newFake(t)
	c := sq.AddCustomers(squaretest.Customer{GivenName: "健太"})[0]
	var pays []squaretest.Payment
	for i := range 150 {
		clk.Advance(20 * time.Minute) // more than the overlap (15m) apart
		pays = append(pays, sq.AddPayments(squaretest.Payment{CustomerID: c.ID, AmountMoney: squaretest.Yen(int64(1000 + i)), SourceType: "CARD"})[0])
	}
	clk.Advance(time.Minute)
	s := stream(t, build(t, opts(ts.URL)), "payments")
	pages, err := readAll(s, "")
	if err != nil {
		t.Fatal(err)
	}
	full := merged(pages)
	if len(full.Activities) != 150 || sq.CountRequests("/v2/payments") != 2 || sq.CountRequests("/v2/refunds") != 1 {
		t.Fatalf("full sync: %d activities from %d payment and %d refund listings; want 150 from 2 pages of 100 and 1",
			len(full.Activities), sq.CountRequests("/v2/payments"), sq.CountRequests("/v2/refunds"))
	}
	// Mid-sweep pages carry a cursor that resumes the same query.
	if !strings.Contains(pages[0].Cursor, "page_cursor") || strings.Contains(full.Cursor, "page_cursor") {
		t.Errorf("cursors %s ... %s: want a resumable sweep, then plain sinces", pages[0].Cursor, full.Cursor)
	}
	rest, err := readAll(s, pages[0].Cursor)
	if r := merged(rest); err != nil || len(r.Activities) != 50 || r.Cursor != full.Cursor {
		t.Errorf("resuming after the first page: %d activities, cursor %s, error %v; want the other 50, %s", len(r.Activities), r.Cursor, err, full.Cursor)
	}

	// An hour later an old payment is partly refunded (no return order).
	clk.Advance(time.Hour)
	old := pays[10]
	if _, err := sq.UpdatePayment(old.ID, func(p *squaretest.Payment) { p.RefundedMoney = squaretest.Yen(100) }); err != nil {
		t.Fatal(err)
	}
	rf := sq.AddRefunds(squaretest.Refund{PaymentID: old.ID, AmountMoney: squaretest.Yen(100), Reason: "一部返金"})[0]
	clk.Advance(time.Minute)
	sq.ResetRequests()
	pages, err = readAll(s, full.Cursor)
	if err != nil {
		t.Fatal(err)
	}
	// The changed payment, its refund, and (the window starts overlap
	// before the newest update seen) the newest payment again, nothing else.
	got := byKey(merged(pages).Activities)
	if len(got) != 3 || got[activityKey{old.ID, connectors.KindPayment}].ExternalID == "" ||
		got[activityKey{pays[149].ID, connectors.KindPayment}].ExternalID == "" ||
		got[activityKey{rf.ID, connectors.KindRefund}].IdentityExternalID != c.ID {
		t.Errorf("incremental sync read %v, want the changed payment, its refund (for %s) and the newest payment", slices.Collect(maps.Keys(got)), c.ID)
	}
	// One listing each, plus the refund's payment for its customer; windows
	// start overlap (15m) before each endpoint's newest update.
	if n, m := sq.CountRequests("/v2/payments"), sq.CountRequests("/v2/refunds"); n != 2 || m != 1 {
		t.Errorf("incremental sync: %d requests under /v2/payments, %d under /v2/refunds; want 1 listing + 1 lookup, 1", n, m)
	}
	for _, r := range sq.Requests() {
		if r.Path == "/v2/payments" {
			if want := squaretest.Stamp(pays[149].UpdatedAt.Add(-15 * time.Minute)); r.Query.Get("updated_at_begin_time") != want {
				t.Errorf("payments window starts %s, want %s", r.Query.Get("updated_at_begin_time"), want)
			}
		}
	}
}

func TestSquare_PaymentsSwitchedOff(t *testing.T) {
	_, _, ts := newFake(t)
	if names := streamNames(build(t, opts(ts.URL, "payments: false"))); strings.Join(names, ",") != "customers,orders" {
		t.Errorf("streams with payments: false = %v", names)
	}
}

// TestSquare_RefundIsNotCountedTwice syncs through the engine into the
// database: the customer's refund_total is her return (from the orders
// stream) plus the goodwill refund without an order; the PaymentRefund of
// the return adds nothing, and the unlinked refund is nobody's.
func TestSquare_RefundIsNotCountedTwice(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		sq, clk, ts := newFake(t)
		a := seedPayments(sq, clk)
		conn := connectors.Connector{Config: config.Connector{Name: "sq", Type: square.TypeName, Timeout: config.Duration(time.Minute)},
			Source: build(t, opts(ts.URL))}
		res, err := engine.New(engine.Options{DB: db}).Run(context.Background(), conn)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range res.Streams {
			if s.Status != store.RunSucceeded {
				t.Fatalf("stream %s: %s (%v)", s.Stream, s.Status, s.Err)
			}
		}
		var refunds []string
		db.Gorm.Model(&store.Activity{}).Where("kind = ?", "refund").Order("external_id").Pluck("external_id", &refunds)
		if want := []string{a.ret.ID, a.goodwill.ID, a.unlinked.ID}; !slices.Equal(refunds, want) {
			t.Errorf("refund activities %v, want %v (not %s, which the return order carries)", refunds, want, a.returnRefund.ID)
		}
		var id store.Identity
		if err := db.Gorm.Where("source = ? AND external_id = ?", "sq", a.customer.ID).First(&id).Error; err != nil {
			t.Fatal(err)
		}
		var c store.Customer
		if err := db.Gorm.First(&c, id.CustomerID).Error; err != nil {
			t.Fatal(err)
		}
		if c.RefundTotal != 2500+300 || c.GrossSales != 5000 || c.PurchaseCount != 1 || c.Currency != "JPY" {
			t.Errorf("customer: refunds %d, gross %d, purchases %d %s; want 2800 (return 2500 + goodwill 300), 5000, 1 JPY",
				c.RefundTotal, c.GrossSales, c.PurchaseCount, c.Currency)
		}
	})
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

// squareFake drives squaretest for the kit. Each seeded customer and sale
// (an order and its payment) is an hour after the previous, so a 10m
// overlap re-reads only the last.
type squareFake struct {
	clk *clock
	sq  *squaretest.Server
	ts  *httptest.Server

	mu        sync.Mutex
	customers []string
	orders    []string // in updated_at order
	purchases int
	payments  int
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
		f.sq.AddPayments(squaretest.Payment{CustomerID: c.ID, OrderID: o.ID, AmountMoney: o.TotalMoney, SourceType: "CARD"})
		f.customers = append(f.customers, c.ID)
		f.orders = append(f.orders, o.ID)
		f.purchases++
		f.payments++
	}
	// A moment passes before the sync: ListPayments' end_time (now) is exclusive.
	f.clk.Advance(time.Second)
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
	return len(f.customers), f.purchases + f.payments
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
	if names := streamNames(src); strings.Join(names, ",") != "customers,orders,payments,bookings" {
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
	if names := streamNames(build(t, opts(ts.URL))); strings.Join(names, ",") != "customers,orders,payments" {
		t.Errorf("streams without bookings = %v, want customers, orders, payments", names)
	}
}

func streamNames(src connectors.Source) []string {
	var names []string
	for _, s := range src.Streams() {
		names = append(names, s.Name())
	}
	return names
}
