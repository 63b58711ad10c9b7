package freee_test

import (
	"fmt"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/nayose/nayose/connectors"
	"github.com/nayose/nayose/connectors/connectortest"
	"github.com/nayose/nayose/connectors/freee"
	"github.com/nayose/nayose/connectors/freee/freeetest"
)

// confPageSize is the page size the conformance options set, so that a full
// sync takes many more requests than an idle one.
const confPageSize = 10

type freeeVendor struct{}

func (freeeVendor) Type() string                    { return freee.TypeName }
func (freeeVendor) Register(r *connectors.Registry) { freee.Register(r) }
func (freeeVendor) Secrets() []string               { return []string{testToken} }

func (freeeVendor) Options(baseURL string) string {
	return fmt.Sprintf("token: %s\nbase_url: %s\npartners_page_size: %d\ndeals_page_size: %d\nlookback_days: 2\nfrom_days: 365\nrate_limit: 1000\nretry_wait: 1ms\n",
		testToken, baseURL, confPageSize, confPageSize)
}

func (freeeVendor) Start(t testing.TB) connectortest.Fake {
	f := &freeeFake{srv: &freeetest.Server{AccessToken: testToken}}
	f.ts = f.srv.Serve(t)
	return f
}

// freeeFake drives freeetest for the kit, on the real clock (the connector
// reads "today" from it). Seeded partners were last updated, and their one
// income deal issued, ten days ago: outside the one-day partners overlap
// and the two-day deals lookback, so an idle run reads nothing. Every
// other deal is paid; every third person has an invoice too.
type freeeFake struct {
	srv *freeetest.Server
	ts  *httptest.Server

	mu         sync.Mutex
	partners   []int64
	deals      []int64 // in id order
	activities int
}

func (f *freeeFake) URL() string { return f.ts.URL }

func (f *freeeFake) Seed(n int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	old := time.Now().AddDate(0, 0, -10)
	for range n {
		i := len(f.partners)
		p := f.srv.AddPartners(freeetest.Partner{Name: fmt.Sprintf("取引先%03d", i), Email: fmt.Sprintf("p%03d@example.jp", i), UpdatedAt: old})[0]
		d := freeetest.Deal{IssueDate: old, Amount: int64(1000 * (i + 1)), PartnerID: p.ID, Description: "ロゴ制作"}
		f.activities++
		if i%2 == 0 {
			d.Payments = []freeetest.Payment{{Date: old.AddDate(0, 0, 1), Amount: d.Amount}}
			f.activities++
		}
		f.partners = append(f.partners, p.ID)
		f.deals = append(f.deals, f.srv.AddDeals(d)[0].ID)
		if i%3 == 0 {
			f.srv.AddInvoices(freeetest.Invoice{Subject: "ロゴ制作", BillingDate: old, TotalAmount: d.Amount, PartnerID: p.ID})
			f.activities++
		}
	}
}

func (f *freeeFake) Change(k int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, id := range f.partners[:min(k, len(f.partners))] {
		f.srv.UpdatePartner(id, func(p *freeetest.Partner) { p.Name += "様" })
	}
}

// AddLate adds a partner updated an hour ago and a deal issued yesterday:
// inside the overlap and the lookback.
func (f *freeeFake) AddLate() {
	f.mu.Lock()
	defer f.mu.Unlock()
	p := f.srv.AddPartners(freeetest.Partner{Name: "遅れて登録", UpdatedAt: time.Now().Add(-time.Hour)})[0]
	d := f.srv.AddDeals(freeetest.Deal{IssueDate: time.Now().AddDate(0, 0, -1), Amount: 5500, PartnerID: p.ID})[0]
	f.partners = append(f.partners, p.ID)
	f.deals = append(f.deals, d.ID)
	f.activities++
}

func (f *freeeFake) Want() (int, int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.partners), f.activities
}

// MalformNext breaks the issue_date of the middle deal of the first deals
// page (id order). Its purchase is rejected; its payment still arrives.
func (f *freeeFake) MalformNext() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.srv.MalformDealNext()
	first := f.deals[:min(confPageSize, len(f.deals))]
	return fmt.Sprint(first[len(first)/2])
}

func (f *freeeFake) RateLimitNext(n int)      { f.srv.ThrottleNext(n) }
func (f *freeeFake) FailNext(n int)           { f.srv.FailNext(n, 500) }
func (f *freeeFake) SetDelay(d time.Duration) { f.srv.SetDelay(d) }
func (f *freeeFake) Requests() int            { return len(f.srv.Requests()) }
func (f *freeeFake) Close()                   { f.ts.Close() }

func TestConformance(t *testing.T) { connectortest.Run(t, freeeVendor{}) }
