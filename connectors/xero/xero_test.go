package xero_test

import (
	"fmt"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nayose/nayose/connectors"
	"github.com/nayose/nayose/connectors/connectortest"
	"github.com/nayose/nayose/connectors/xero"
	"github.com/nayose/nayose/connectors/xero/xerotest"
)

const testToken = "xero-access-token-test-secret-7c1e"

func newFake(t *testing.T) (*xerotest.Server, *httptest.Server) {
	t.Helper()
	xs := &xerotest.Server{AccessToken: testToken}
	return xs, xs.Serve(t)
}

func build(t testing.TB, options string) connectors.Source {
	return connectortest.Build(t, xero.Register, xero.TypeName, "books", options)
}

func opts(url string, extra ...string) string {
	return fmt.Sprintf("access_token: %s\nbase_url: %s\ntenant_id: %s\nrate_limit: 1000\nretry_wait: 1ms\n%s", testToken, url, xerotest.DefaultTenantID, strings.Join(extra, "\n"))
}

func readAll(s connectors.Stream, cursor string) ([]connectors.Page, error) {
	return connectortest.ReadAll(s, cursor)
}

func merged(pages []connectors.Page) connectors.Page { return connectortest.Merged(pages) }

func stream(t testing.TB, src connectors.Source, name string) connectors.Stream {
	return connectortest.Stream(t, src, name)
}

func TestXero_DocsMatchTheCode(t *testing.T) {
	connectortest.CheckDocs(t, xero.Register, xero.SampleConfig(), map[string]string{
		"XERO_ACCESS_TOKEN": testToken, "XERO_TENANT_ID": xerotest.DefaultTenantID,
	}, "xero_books", "contacts", "invoices", "credit_notes", "payments")
}

func TestConformance(t *testing.T) { connectortest.Run(t, xeroVendor{}) }

type xeroVendor struct{}

func (xeroVendor) Type() string                    { return xero.TypeName }
func (xeroVendor) Register(r *connectors.Registry) { xero.Register(r) }
func (xeroVendor) Secrets() []string               { return []string{testToken} }

func (xeroVendor) Options(baseURL string) string {
	return fmt.Sprintf("access_token: %s\nbase_url: %s\npage_size: 10\noverlap: 2s\nrate_limit: 1000\nretry_wait: 1ms\n", testToken, baseURL)
}

func (xeroVendor) Start(t testing.TB) connectortest.Fake {
	f := &xeroFake{xs: &xerotest.Server{AccessToken: testToken}}
	f.ts = f.xs.Serve(t)
	return f
}

// xeroFake drives xerotest for the kit. Seeded records were written hours
// ago, one second apart, so an idle run's overlap re-reads only the
// newest; Change edits contacts now, and AddLate adds a sale dated hours
// back but written now, as Xero stamps UpdatedDateUTC when it writes.
type xeroFake struct {
	xs *xerotest.Server
	ts *httptest.Server

	mu       sync.Mutex
	contacts []string
	people   int
	acts     int
}

func (f *xeroFake) URL() string { return f.ts.URL }

func (f *xeroFake) Seed(n int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	g := f.xs.Generate(n, time.Now().Add(-3*time.Hour))
	f.contacts = append(f.contacts, g.ContactIDs...)
	f.people += g.Customers
	f.acts += g.Invoices + g.CreditNotes + g.Payments
}

func (f *xeroFake) Change(k int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for i := range min(k, len(f.contacts)) {
		if _, err := f.xs.UpdateContact(f.contacts[i], func(c *xerotest.Contact) { c.EmailAddress = fmt.Sprintf("changed%d@example.com", i) }); err != nil {
			panic(err)
		}
	}
}

func (f *xeroFake) AddLate() {
	f.mu.Lock()
	defer f.mu.Unlock()
	c := f.xs.AddContacts(xerotest.Contact{Name: "Late Customer", EmailAddress: "late@example.com", IsCustomer: true})[0]
	f.xs.AddInvoices(xerotest.Invoice{Contact: xerotest.ContactRef{ContactID: c.ContactID}, Total: "12.50", Date: time.Now().Add(-6 * time.Hour)})
	f.people++
	f.acts++
}

func (f *xeroFake) Want() (int, int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.people, f.acts
}

// MalformNext breaks the Total of one invoice on the next invoices page:
// its contact stays, and only the invoice is rejected.
func (f *xeroFake) MalformNext() string {
	f.xs.MalformNext(xerotest.APIPrefix+"/Invoices", xerotest.BadAmount)
	// The first invoices page holds the oldest page_size (10) invoices,
	// ordered by UpdatedDateUTC: Generate's first ten; the fake corrupts
	// the middle one.
	return f.middleInvoice()
}

func (f *xeroFake) middleInvoice() string {
	ids := f.xs.InvoiceIDsByUpdate("ACCREC")
	first := ids[:min(10, len(ids))]
	return first[len(first)/2]
}

func (f *xeroFake) RateLimitNext(n int)      { f.xs.RateLimitNext(n) }
func (f *xeroFake) FailNext(n int)           { f.xs.FailNext(n, 500) }
func (f *xeroFake) SetDelay(d time.Duration) { f.xs.SetDelay(d) }
func (f *xeroFake) Requests() int            { return len(f.xs.Requests()) }
func (f *xeroFake) Close()                   { f.ts.Close() }
