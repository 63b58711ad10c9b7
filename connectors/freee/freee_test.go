package freee_test

import (
	"context"
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
	"github.com/nayose/nayose/connectors/freee"
	"github.com/nayose/nayose/connectors/freee/freeetest"
	dbstore "github.com/nayose/nayose/store"
	"github.com/nayose/nayose/store/storetest"
	"golang.org/x/oauth2"
)

const testToken = "freee-access-token-test-secret-7c1e"

// clock is a settable clock shared by the fake and the connector.
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

func newFake(t *testing.T, at time.Time) (*freeetest.Server, *clock, *httptest.Server) {
	t.Helper()
	clk := &clock{now: at}
	f := &freeetest.Server{AccessToken: testToken, Now: clk.Now}
	return f, clk, f.Serve(t)
}

// newSource builds a source from Go, with the clock.
func newSource(t *testing.T, url string, clk *clock, edit func(*freee.Options)) *freee.Source {
	t.Helper()
	o := freee.Defaults()
	o.Token = config.Secret(testToken)
	o.BaseURL, o.TokenURL = url, url+freeetest.TokenPath
	o.RateLimit, o.RetryWait = 1000, config.Duration(time.Millisecond)
	o.Clock = clk.Now
	if edit != nil {
		edit(o)
	}
	src, err := freee.New(connectors.Env{Name: "freee"}, o)
	if err != nil {
		t.Fatal(err)
	}
	return src
}

func partnersOf(src connectors.Source) connectors.Stream { return src.Streams()[0] }
func dealsOf(src connectors.Source) connectors.Stream    { return src.Streams()[1] }
func invoicesOf(src connectors.Source) connectors.Stream { return src.Streams()[2] }

func readAll(s connectors.Stream, cursor string) ([]connectors.Page, error) {
	return connectortest.ReadAll(s, cursor)
}

func merged(pages []connectors.Page) connectors.Page { return connectortest.Merged(pages) }

func TestFreee_DocsMatchTheCode(t *testing.T) {
	connectortest.CheckDocs(t, freee.Register, freee.SampleConfig(), map[string]string{"FREEE_ACCESS_TOKEN": testToken},
		"freee_accounting", "partners", "deals", "invoices")
}

func TestOptions_ValidateNamesEachProblem(t *testing.T) {
	yaml := "connectors:\n  - name: f\n    type: freee\n    schedule: \"@hourly\"\n    options:\n      base_url: api.freee.co.jp\n      company_id: -1\n      partners_page_size: 5000\n      deals_page_size: 101\n      overlap_days: 0\n      rate_limit: 0\n      oauth: {client_id: x}\n"
	cfg, err := config.Parse("nayose.yaml", []byte(yaml), func(string) (string, bool) { return "", false })
	if err != nil {
		t.Fatal(err)
	}
	r := connectors.NewRegistry()
	freee.Register(r)
	_, err = r.Build(cfg, nil)
	if err == nil {
		t.Fatal("bad options built")
	}
	for _, want := range []string{"oauth", "company_id", "base_url", "partners_page_size", "deals_page_size", "overlap_days", "rate_limit", "nayose.yaml:"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error does not name %s:\n%v", want, err)
		}
	}
}

func TestFreee_PartnersMapToIdentities(t *testing.T) {
	f, clk, ts := newFake(t, time.Date(2024, 4, 1, 3, 0, 0, 0, time.UTC))
	p := f.AddPartners(freeetest.Partner{Code: "P001", Name: "さくら珈琲", LongName: "株式会社さくら珈琲", NameKana: "サクラコーヒー",
		Email: "info@sakura-coffee.example.jp", Phone: "03-1234-5678", OrgCode: 1,
		Address: &freeetest.Address{Zipcode: "150-0041", PrefectureCode: 12, StreetName1: "渋谷区神南1-2-3", StreetName2: "さくらビル4F"}})[0]
	f.AddPartners(freeetest.Partner{Name: "山田 花子", OrgCode: 2}, freeetest.Partner{Name: "青葉工務店", OrgCode: 1})
	pages, err := readAll(partnersOf(newSource(t, ts.URL, clk, nil)), "")
	if err != nil {
		t.Fatal(err)
	}
	got := merged(pages)
	if len(got.Identities) != 3 {
		t.Fatalf("%d identities, want 3", len(got.Identities))
	}
	id := got.Identities[0]
	want := time.Date(2024, 4, 1, 0, 0, 0, 0, time.FixedZone("JST", 9*3600))
	if id.ExternalID != fmt.Sprint(p.ID) || id.FullName != "さくら珈琲" || id.NameKana != "サクラコーヒー" || id.Company != "株式会社さくら珈琲" ||
		strings.Join(id.Emails, ",") != "info@sakura-coffee.example.jp" || strings.Join(id.Phones, ",") != "03-1234-5678" ||
		id.PostalCode != "150-0041" || id.Address != "東京都渋谷区神南1-2-3 さくらビル4F" || !id.UpdatedAt.Equal(want) ||
		!strings.Contains(string(id.Raw), `"code":"P001"`) {
		t.Errorf("identity mapped as %+v", id)
	}
	if h := got.Identities[1]; h.FullName != "山田 花子" || h.Company != "" || len(h.Emails) != 0 || h.Address != "" {
		t.Errorf("a bare sole proprietor mapped as %+v", h)
	}
	if c := got.Identities[2]; c.FullName != "青葉工務店" || c.Company != "青葉工務店" {
		t.Errorf("a corporation without long_name mapped as %+v", c)
	}
	for _, r := range f.Requests() {
		if r.Path == "/api/1/partners" && r.Query.Get("company_id") != fmt.Sprint(freeetest.DefaultCompanyID) {
			t.Errorf("partners request without the discovered company_id: %v", r.Query)
		}
	}
}

// TestFreee_PartnersOverlapOneJSTDay: update dates are JST days, so a run
// at 00:30 JST (15:30 UTC the day before) remembers the JST date, and the
// next run asks for partners updated since the day before it.
func TestFreee_PartnersOverlapOneJSTDay(t *testing.T) {
	f, clk, ts := newFake(t, time.Date(2024, 4, 1, 15, 30, 0, 0, time.UTC)) // 2024-04-02 00:30 JST
	old := f.AddPartners(freeetest.Partner{Name: "古い取引先", UpdatedAt: time.Date(2024, 3, 20, 0, 0, 0, 0, time.UTC)})[0]
	f.AddPartners(freeetest.Partner{Name: "昨夜の取引先", UpdatedAt: time.Date(2024, 4, 1, 14, 50, 0, 0, time.UTC)}) // 04-01 23:50 JST
	f.AddPartners(freeetest.Partner{Name: "今朝の取引先", UpdatedAt: time.Date(2024, 4, 1, 15, 10, 0, 0, time.UTC)}) // 04-02 00:10 JST
	s := partnersOf(newSource(t, ts.URL, clk, func(o *freee.Options) { o.CompanyID = freeetest.DefaultCompanyID }))
	pages, err := readAll(s, "")
	if err != nil {
		t.Fatal(err)
	}
	first := merged(pages)
	if len(first.Identities) != 3 || !strings.Contains(first.Cursor, `"next":"2024-04-02"`) {
		t.Fatalf("first run: %d identities, cursor %s; want 3 and the JST date 2024-04-02", len(first.Identities), first.Cursor)
	}
	// An hour later, nothing changed: one request, from 2024-04-01, which
	// re-reads the two partners of the last JST day and its eve.
	clk.Advance(time.Hour)
	f.ResetRequests()
	pages, err = readAll(s, first.Cursor)
	if err != nil {
		t.Fatal(err)
	}
	reqs := f.Requests()
	if len(reqs) != 1 || reqs[0].Query.Get("start_update_date") != "2024-04-01" {
		t.Fatalf("idle run made %d requests (%v), want 1 with start_update_date=2024-04-01", len(reqs), reqs)
	}
	if n := len(merged(pages).Identities); n != 2 {
		t.Errorf("idle run re-read %d partners, want the 2 of 04-01 and 04-02 JST", n)
	}
	// The old partner changes: it is read, with the others of the overlap.
	f.UpdatePartner(old.ID, func(p *freeetest.Partner) { p.Email = "new@example.jp" })
	pages, err = readAll(s, merged(pages).Cursor)
	if err != nil {
		t.Fatal(err)
	}
	var found bool
	for _, id := range merged(pages).Identities {
		found = found || (id.ExternalID == fmt.Sprint(old.ID) && id.Emails[0] == "new@example.jp")
	}
	if !found {
		t.Error("the changed partner was not read")
	}
	// Two days on, the overlap no longer reaches 04-01.
	clk.Advance(48 * time.Hour)
	pages, _ = readAll(s, merged(pages).Cursor)
	pages, _ = readAll(s, merged(pages).Cursor)
	if n := len(merged(pages).Identities); n != 0 {
		t.Errorf("two idle days later a run read %d partners, want 0", n)
	}
}

func TestFreee_DealsArePurchasesWithPayments(t *testing.T) {
	now := time.Date(2024, 4, 10, 3, 0, 0, 0, time.UTC)
	f, clk, ts := newFake(t, now)
	p := f.AddPartners(freeetest.Partner{Name: "さくら珈琲"})[0]
	paid := f.AddDeals(freeetest.Deal{IssueDate: now.AddDate(0, 0, -100), Amount: 55000, PartnerID: p.ID, RefNumber: "INV-1", Description: "ロゴ制作",
		Payments: []freeetest.Payment{{Date: now.AddDate(0, 0, -70), Amount: 55000}}})[0]
	f.AddDeals(freeetest.Deal{Type: "expense", IssueDate: now.AddDate(0, 0, -5), Amount: 3300, PartnerID: p.ID})
	open := f.AddDeals(freeetest.Deal{IssueDate: now.AddDate(0, 0, -5), Amount: 11000})[0]
	s := dealsOf(newSource(t, ts.URL, clk, func(o *freee.Options) { o.LookbackDays = 30 }))
	pages, err := readAll(s, "")
	if err != nil {
		t.Fatal(err)
	}
	got := merged(pages)
	if len(got.Activities) != 3 || len(got.Rejects) != 0 {
		t.Fatalf("activities %+v, rejects %+v; want a purchase with its payment and an open purchase", got.Activities, got.Rejects)
	}
	a, pay, anon := got.Activities[0], got.Activities[1], got.Activities[2]
	if a.Kind != connectors.KindPurchase || a.ExternalID != fmt.Sprint(paid.ID) || a.IdentityExternalID != fmt.Sprint(p.ID) ||
		*a.Amount != 55000 || a.Currency != "JPY" || a.Summary != "INV-1 / ロゴ制作" || freeetest.Date(a.OccurredAt) != freeetest.Date(paid.IssueDate) {
		t.Errorf("purchase %+v", a)
	}
	if pay.Kind != connectors.KindPayment || pay.ExternalID != fmt.Sprintf("%d:%d", paid.ID, paid.Payments[0].ID) ||
		pay.IdentityExternalID != fmt.Sprint(p.ID) || *pay.Amount != 55000 || pay.Currency != "JPY" {
		t.Errorf("payment %+v", pay)
	}
	if anon.ExternalID != fmt.Sprint(open.ID) || anon.IdentityExternalID != "" {
		t.Errorf("a deal without a partner mapped as %+v", anon)
	}
	q := f.Requests()[len(f.Requests())-1].Query
	if q.Get("type") != "income" || q.Get("start_issue_date") != "2022-04-11" || q.Get("limit") != "100" {
		t.Errorf("first deals request %v, want type=income from two years back", q)
	}
	// The next run re-reads from lookback_days before the last run.
	clk.Advance(24 * time.Hour)
	f.ResetRequests()
	pages, err = readAll(s, got.Cursor)
	if err != nil {
		t.Fatal(err)
	}
	if q := f.Requests()[0].Query; q.Get("start_issue_date") != "2024-03-11" {
		t.Errorf("incremental deals request %v, want start_issue_date 30 days before 2024-04-10", q)
	}
	if n := len(merged(pages).Activities); n != 1 {
		t.Errorf("incremental run read %d activities, want the recent deal only", n)
	}
}

func TestFreee_MalformedPartnerIsRejectedWithItsID(t *testing.T) {
	f, clk, ts := newFake(t, time.Date(2024, 4, 1, 3, 0, 0, 0, time.UTC))
	for i := range 5 {
		f.AddPartners(freeetest.Partner{Name: fmt.Sprintf("取引先%d", i)})
	}
	f.MalformPartnerNext()
	pages, err := readAll(partnersOf(newSource(t, ts.URL, clk, nil)), "")
	if err != nil {
		t.Fatal(err)
	}
	p := merged(pages)
	if len(p.Rejects) != 1 || len(p.Identities) != 4 {
		t.Fatalf("%d rejects, %d identities; want 1 and the other 4", len(p.Rejects), len(p.Identities))
	}
	r := p.Rejects[0]
	if ids := f.MalformedIDs(); len(ids) != 1 || r.ExternalID != ids[0] || r.Location != "freee/partners" ||
		r.Field != "update_date" || r.Reason == "" || len(r.Raw) == 0 {
		t.Errorf("reject %+v, want %v at update_date", r, ids)
	}
}

func TestFreee_CompanyDiscovery(t *testing.T) {
	f, clk, ts := newFake(t, time.Date(2024, 4, 1, 3, 0, 0, 0, time.UTC))
	f.SetCompanies(freeetest.Company{ID: 11, DisplayName: "さくらデザイン"}, freeetest.Company{ID: 12, DisplayName: "さくら珈琲"})
	_, err := readAll(partnersOf(newSource(t, ts.URL, clk, nil)), "")
	if err == nil || errors.Is(err, connectors.ErrPartial) || !strings.Contains(err.Error(), `11 "さくらデザイン"`) ||
		!strings.Contains(err.Error(), `12 "さくら珈琲"`) || !strings.Contains(err.Error(), "company_id") {
		t.Errorf("several companies: %v, want an error naming both and company_id", err)
	}
	// Set, it is used as is: no discovery.
	f.ResetRequests()
	if _, err := readAll(partnersOf(newSource(t, ts.URL, clk, func(o *freee.Options) { o.CompanyID = 12 })), ""); err != nil {
		t.Fatal(err)
	}
	if n := f.CountRequests("/api/1/companies"); n != 0 {
		t.Errorf("%d discovery requests with company_id set", n)
	}
	f.SetCompanies()
	_, err = readAll(partnersOf(newSource(t, ts.URL, clk, nil)), "")
	if err == nil || !strings.Contains(err.Error(), "no company") {
		t.Errorf("no company: %v", err)
	}
	// A company the token cannot read: freee's 403 without permission is
	// a failure naming freee's message and request id, not throttling.
	f.SetCompanies(freeetest.Company{ID: 11, DisplayName: "さくらデザイン"})
	_, err = readAll(partnersOf(newSource(t, ts.URL, clk, func(o *freee.Options) { o.CompanyID = 99 })), "")
	var refused *freee.RefusedError
	if !errors.As(err, &refused) || errors.Is(err, connectors.ErrPartial) || !strings.Contains(err.Error(), "権限") ||
		!strings.Contains(err.Error(), "X-Freee-Request-ID freeetest-req-") {
		t.Errorf("unreadable company: %v", err)
	}
}

// TestFreee_ForbiddenThrottlingIsPartialThenResumes: past the daily quota
// freee answers 403; the run ends partial with the pages read so far, and
// the next day's run resumes at the committed offset.
func TestFreee_ForbiddenThrottlingIsPartialThenResumes(t *testing.T) {
	f, clk, ts := newFake(t, time.Date(2024, 4, 1, 3, 0, 0, 0, time.UTC))
	for i := range 25 {
		f.AddPartners(freeetest.Partner{Name: fmt.Sprintf("取引先%02d", i)})
	}
	f.SetDailyQuota(2)
	src := newSource(t, ts.URL, clk, func(o *freee.Options) {
		o.CompanyID = freeetest.DefaultCompanyID
		o.PartnersPageSize = 10
		o.ThrottleBudget = config.Duration(50 * time.Millisecond)
	})
	s := partnersOf(src)
	pages, err := readAll(s, "")
	if !errors.Is(err, connectors.ErrPartial) || !strings.Contains(err.Error(), "X-Freee-Request-ID") || strings.Contains(err.Error(), testToken) {
		t.Fatalf("error %v, want connectors.ErrPartial naming the request id", err)
	}
	if len(pages) != 2 || len(merged(pages).Identities) != 20 {
		t.Fatalf("%d pages before the quota, want 2 of 10", len(pages))
	}
	if n := f.CountRequests("/api/1/partners"); n > 2+8 {
		t.Errorf("%d partners requests: the throttled request was hammered", n)
	}
	// The source's other streams, and a run soon after, end partial at
	// once without calling freee.
	before := len(f.Requests())
	for _, st := range []connectors.Stream{dealsOf(src), invoicesOf(src), s} {
		if _, err := readAll(st, ""); !errors.Is(err, connectors.ErrPartial) {
			t.Errorf("%s right after: %v, want partial", st.Name(), err)
		}
	}
	if n := len(f.Requests()) - before; n != 0 {
		t.Errorf("%d requests right after throttling, want none", n)
	}
	// Still over the quota today, after the pause: partial again.
	clk.Advance(15 * time.Minute)
	if _, err := readAll(s, pages[1].Cursor); !errors.Is(err, connectors.ErrPartial) {
		t.Errorf("same day: %v, want partial", err)
	}
	clk.Advance(24 * time.Hour)
	f.ResetRequests()
	rest, err := readAll(s, pages[1].Cursor)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(merged(rest).Identities); n != 5 || f.Requests()[0].Query.Get("offset") != "20" {
		t.Errorf("the next day read %d partners from offset %s, want the last 5 from 20", n, f.Requests()[0].Query.Get("offset"))
	}
	if c := merged(rest).Cursor; strings.Contains(c, "offset") || !strings.Contains(c, `"next":"2024-04-01"`) {
		t.Errorf("after resuming, cursor %s: want the date the sweep started", c)
	}
}

// TestFreee_RotatingRefreshTokenIsSavedInTheStore configures OAuth in YAML
// with the database token store, on SQLite and MariaDB: each single-use
// refresh token is saved (encrypted) before the access token is used, and
// a refresh refused because the token was already spent recovers from the
// store once the process that spent it has saved its successor.
func TestFreee_RotatingRefreshTokenIsSavedInTheStore(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *dbstore.DB) {
		f, _, ts := newFake(t, time.Now())
		f.AddPartners(freeetest.Partner{Name: "さくら珈琲"})
		f.SetRefreshToken("refresh-from-setup")
		tokens, err := dbstore.NewTokenStore(db, "a secret key of enough length")
		if err != nil {
			t.Fatal(err)
		}
		ctx := context.Background()
		key := "freee/freee_oauth_" + db.Dialect
		yaml := fmt.Sprintf(`connectors:
  - name: freee_oauth_%s
    type: freee
    schedule: "@hourly"
    options:
      base_url: %s
      token_url: %s%s
      retry_wait: 1ms
      oauth: {client_id: %s, client_secret: %s, refresh_token: refresh-from-setup}
`, db.Dialect, ts.URL, ts.URL, freeetest.TokenPath, freeetest.DefaultClientID, freeetest.DefaultClientSecret)
		cfg, err := config.Parse("nayose.yaml", []byte(yaml), func(string) (string, bool) { return "", false })
		if err != nil {
			t.Fatal(err)
		}
		r := connectors.NewRegistry()
		freee.Register(r)
		if _, err := r.Build(cfg, nil); err == nil || !strings.Contains(err.Error(), "secret_key") {
			t.Errorf("OAuth without a token store: %v, want a hint about secret_key", err)
		}
		build := func() connectors.Source {
			built, err := r.BuildWith(cfg, connectors.BuildOptions{Tokens: tokens})
			if err != nil {
				t.Fatal(err)
			}
			return built[0].Source
		}
		if _, err := readAll(partnersOf(build()), ""); err != nil {
			t.Fatal(err)
		}
		saved, err := tokens.Load(ctx, key)
		if err != nil || saved == nil || saved.RefreshToken != f.RefreshToken() || saved.RefreshToken == "refresh-from-setup" {
			t.Fatalf("stored token %+v (%v), want the rotated one", saved, err)
		}
		// A restart uses the stored access token: no refresh.
		if _, err := readAll(partnersOf(build()), ""); err != nil {
			t.Fatal(err)
		}
		if n := f.CountRequests(freeetest.TokenPath); n != 1 {
			t.Errorf("%d token requests, want 1", n)
		}
		// Another process spends the stored refresh token (a retried
		// refresh) but has not saved yet: this one's refresh is refused.
		spent := *saved
		spent.AccessToken, spent.Expiry = "expired", time.Now().Add(-time.Minute)
		if err := tokens.Save(ctx, key, &spent); err != nil {
			t.Fatal(err)
		}
		other, err := oauthRefresh(ctx, ts.URL, spent.RefreshToken)
		if err != nil {
			t.Fatal(err)
		}
		src := build()
		_, err = readAll(partnersOf(src), "")
		if err == nil || errors.Is(err, connectors.ErrPartial) || strings.Contains(err.Error(), spent.RefreshToken) {
			t.Fatalf("refresh with a spent token: %v, want a failure without the token", err)
		}
		// The other process saves; the next call of the same source reads
		// the successor from the store instead of refreshing again.
		if err := tokens.Save(ctx, key, other); err != nil {
			t.Fatal(err)
		}
		before := f.CountRequests(freeetest.TokenPath)
		if _, err := readAll(partnersOf(src), ""); err != nil {
			t.Fatalf("after the other process saved: %v", err)
		}
		if n := f.CountRequests(freeetest.TokenPath); n != before {
			t.Errorf("%d more token requests, want none", n-before)
		}
		var rows []dbstore.OAuthToken
		db.Gorm.Where("name = ?", key).Find(&rows)
		if len(rows) != 1 || strings.Contains(rows[0].Ciphertext, other.RefreshToken) {
			t.Errorf("token rows = %d, or the refresh token is readable", len(rows))
		}
	})
}

// oauthRefresh refreshes as another process would.
func oauthRefresh(ctx context.Context, base, refresh string) (*oauth2.Token, error) {
	cfg := &oauth2.Config{ClientID: freeetest.DefaultClientID, ClientSecret: freeetest.DefaultClientSecret,
		Endpoint: oauth2.Endpoint{TokenURL: base + freeetest.TokenPath, AuthStyle: oauth2.AuthStyleInParams}}
	return cfg.TokenSource(ctx, &oauth2.Token{RefreshToken: refresh}).Token()
}

func TestFreee_WrongTokenFails(t *testing.T) {
	_, clk, ts := newFake(t, time.Now())
	_, err := readAll(partnersOf(newSource(t, ts.URL, clk, func(o *freee.Options) { o.Token = "wrong" })), "")
	if err == nil || errors.Is(err, connectors.ErrPartial) || !strings.Contains(err.Error(), "401") {
		t.Fatalf("error %v, want a 401 failure", err)
	}
}

func TestFreee_InvoicesAreInvoiceActivities(t *testing.T) {
	now := time.Date(2024, 4, 10, 3, 0, 0, 0, time.UTC)
	f, clk, ts := newFake(t, now)
	p := f.AddPartners(freeetest.Partner{Name: "さくら珈琲"})[0]
	inv := f.AddInvoices(freeetest.Invoice{Subject: "4月分 ロゴ制作", BillingDate: now.AddDate(0, 0, -3), TotalAmount: 55000, PartnerID: p.ID})[0]
	canceled := f.AddInvoices(freeetest.Invoice{Subject: "重複", TotalAmount: 1100, PartnerID: p.ID, Canceled: true})[0]
	bad := f.AddInvoices(freeetest.Invoice{Subject: "壊れた", TotalAmount: 2200, PartnerID: p.ID})[0]
	f.MalformInvoiceNext() // breaks the middle one of the page: canceled
	s := invoicesOf(newSource(t, ts.URL, clk, nil))
	pages, err := readAll(s, "")
	if err != nil {
		t.Fatal(err)
	}
	got := merged(pages)
	if len(got.Activities) != 2 || len(got.Rejects) != 1 || got.Rejects[0].ExternalID != fmt.Sprint(canceled.ID) ||
		got.Rejects[0].Field != "billing_date" {
		t.Fatalf("activities %+v, rejects %+v; want 2 and the malformed one", got.Activities, got.Rejects)
	}
	a := got.Activities[0]
	if a.Kind != connectors.KindInvoice || a.ExternalID != fmt.Sprint(inv.ID) || a.IdentityExternalID != fmt.Sprint(p.ID) ||
		*a.Amount != 55000 || a.Currency != "JPY" || !strings.Contains(a.Summary, "4月分 ロゴ制作") || freeetest.Date(a.OccurredAt) != "2024-04-07" {
		t.Errorf("invoice %+v", a)
	}
	if got.Activities[1].ExternalID != fmt.Sprint(bad.ID) {
		t.Errorf("second invoice %+v", got.Activities[1])
	}
	if q := f.Requests()[len(f.Requests())-1].Query; q.Get("start_billing_date") != "2022-04-11" || q.Get("company_id") == "" {
		t.Errorf("invoices request %v", q)
	}
	// A canceled invoice says so; invoices off, no stream.
	f.ResetRequests()
	pages, _ = readAll(s, "")
	for _, a := range merged(pages).Activities {
		if a.ExternalID == fmt.Sprint(canceled.ID) && !strings.HasPrefix(a.Summary, "取消済み") {
			t.Errorf("canceled invoice %+v", a)
		}
	}
	if n := len(newSource(t, ts.URL, clk, func(o *freee.Options) { o.Invoices = false }).Streams()); n != 2 {
		t.Errorf("invoices: false gives %d streams, want 2", n)
	}
}
