package xero_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/nayose/nayose/config"
	"github.com/nayose/nayose/connectors"
	"github.com/nayose/nayose/connectors/connectortest"
	"github.com/nayose/nayose/connectors/xero"
	"github.com/nayose/nayose/connectors/xero/xerotest"
	dbstore "github.com/nayose/nayose/store"
	"github.com/nayose/nayose/store/storetest"
	"github.com/nayose/nayose/sync/engine"
)

func activitiesByID(acts []connectors.Activity) map[string]connectors.Activity {
	out := map[string]connectors.Activity{}
	for _, a := range acts {
		out[a.ExternalID] = a
	}
	return out
}

func TestXero_ContactsAreCustomersWithTheirDetails(t *testing.T) {
	xs, ts := newFake(t)
	kat := xs.AddContacts(xerotest.Contact{
		Name: "Katherine Warren", FirstName: "Katherine", LastName: "Warren", EmailAddress: "kat.warren@clampett.com", IsCustomer: true, IsSupplier: true,
		Phones: []xerotest.Phone{{PhoneType: "DDI"}, {PhoneType: "DEFAULT", PhoneAreaCode: "(626)", PhoneNumber: "847-1294"},
			{PhoneType: "FAX", PhoneNumber: "847-0000"}, {PhoneType: "MOBILE", PhoneCountryCode: "1", PhoneAreaCode: "626", PhoneNumber: "555-0101"}},
		Addresses: []xerotest.Address{{AddressType: "STREET"}, {AddressType: "POBOX", AddressLine1: "PO Box 123", City: "Palo Alto", Region: "CA", PostalCode: "94020", Country: "United States"}},
	})[0]
	jp := xs.AddContacts(xerotest.Contact{Name: "株式会社さくら", FirstName: "健太", LastName: "佐藤", IsCustomer: true,
		Addresses: []xerotest.Address{{AddressType: "STREET", AddressLine1: "神南1-2-3", City: "渋谷区", Region: "東京都", PostalCode: "150-0041", Country: "Japan"}}})[0]
	xs.AddContacts(xerotest.Contact{Name: "Paper Supplies Ltd", IsSupplier: true})
	archived := xs.AddContacts(xerotest.Contact{Name: "Old Customer", IsCustomer: true, ContactStatus: "ARCHIVED"})[0]

	pages, err := readAll(stream(t, build(t, opts(ts.URL)), "contacts"), "")
	if err != nil {
		t.Fatal(err)
	}
	p := merged(pages)
	got := map[string]connectors.Identity{}
	for _, id := range p.Identities {
		got[id.ExternalID] = id
	}
	if len(got) != 3 || len(p.Rejects) != 0 {
		t.Fatalf("identities %v, rejects %v; want Katherine, the Japanese customer and the archived one, not the supplier", got, p.Rejects)
	}
	k := got[kat.ContactID]
	if k.GivenName != "Katherine" || k.FamilyName != "Warren" || k.FullName != "" || k.Company != "" ||
		strings.Join(k.Emails, ",") != "kat.warren@clampett.com" || strings.Join(k.Phones, ",") != "(626) 847-1294,+1 626 555-0101" ||
		k.Address != "PO Box 123, Palo Alto, CA, United States" || k.PostalCode != "94020" ||
		!k.UpdatedAt.Equal(kat.UpdatedDateUTC.Truncate(time.Millisecond)) || len(k.Raw) == 0 {
		t.Errorf("Katherine mapped as %+v", k)
	}
	if j := got[jp.ContactID]; j.Company != "株式会社さくら" || j.GivenName != "健太" || j.Address != "東京都渋谷区神南1-2-3" || j.PostalCode != "150-0041" {
		t.Errorf("Japanese customer mapped as %+v", j)
	}
	if _, ok := got[archived.ContactID]; !ok {
		t.Error("an archived customer was not read (includeArchived)")
	}
	for _, r := range xs.Requests() {
		if r.Header.Get("Xero-Tenant-Id") != xerotest.DefaultTenantID && r.Path != "/Connections" {
			t.Errorf("%s went without the xero-tenant-id header", r.Path)
		}
	}
}

func TestXero_IfModifiedSinceFetchesOnlyChanges(t *testing.T) {
	xs, ts := newFake(t)
	g := xs.Generate(25, time.Now().Add(-2*time.Hour))
	s := stream(t, build(t, opts(ts.URL, "page_size: 10", "overlap: 2s")), "contacts")
	pages, err := readAll(s, "")
	if err != nil {
		t.Fatal(err)
	}
	if n := xs.CountRequests(xerotest.APIPrefix + "/Contacts"); n != 3 || len(pages) != 3 {
		t.Errorf("a full read of 30 contacts (25 customers, 5 suppliers) at 10 a page: %d requests, %d pages; want 3", n, len(pages))
	}
	if r := xs.Requests()[0]; r.Header.Get("If-Modified-Since") != "" || r.Query.Get("page") != "1" || r.Query.Get("pageSize") != "10" {
		t.Errorf("first request: If-Modified-Since %q, page %q, pageSize %q", r.Header.Get("If-Modified-Since"), r.Query.Get("page"), r.Query.Get("pageSize"))
	}
	p := merged(pages)
	if len(p.Identities) != 25 {
		t.Fatalf("%d identities, want 25", len(p.Identities))
	}
	// A page in the middle of the sweep resumes at the next page.
	if !strings.Contains(pages[0].Cursor, `"page":2`) || strings.Contains(p.Cursor, `"page"`) {
		t.Errorf("cursors %s ... %s: want a resumable sweep, then a plain since", pages[0].Cursor, p.Cursor)
	}

	xs.ResetRequests()
	if _, err := xs.UpdateContact(g.ContactIDs[3], func(c *xerotest.Contact) { c.EmailAddress = "new@example.com" }); err != nil {
		t.Fatal(err)
	}
	pages, err = readAll(s, p.Cursor)
	if err != nil {
		t.Fatal(err)
	}
	reqs := xs.Requests()
	if len(reqs) != 1 {
		t.Fatalf("incremental read made %d requests, want 1", len(reqs))
	}
	since, err := time.Parse(time.RFC3339Nano, reqs[0].Header.Get("If-Modified-Since"))
	newest := time.Now().Add(-2 * time.Hour).Add(24 * time.Second)
	if err != nil || since.After(newest.Add(-time.Second)) || since.Before(newest.Add(-5*time.Second)) {
		t.Errorf("If-Modified-Since %q (%v), want 2s before the newest change read (%v)", reqs[0].Header.Get("If-Modified-Since"), err, newest)
	}
	var emails []string
	for _, id := range merged(pages).Identities {
		emails = append(emails, id.Emails...)
	}
	// The overlap re-reads the last two seconds of the first sweep, then the change.
	if len(emails) > 4 || emails[len(emails)-1] != "new@example.com" {
		t.Errorf("incremental read gave %v, want a few from the overlap and the changed contact last", emails)
	}
}

func TestXero_SalesCreditNotesAndPayments(t *testing.T) {
	xs, ts := newFake(t)
	c := xs.AddContacts(xerotest.Contact{Name: "Lisa Parker", IsCustomer: true})[0]
	ref := xerotest.ContactRef{ContactID: c.ContactID}
	day := time.Date(2026, 3, 14, 0, 0, 0, 0, time.UTC)
	sale := xs.AddInvoices(xerotest.Invoice{Contact: ref, Total: "1234.56", CurrencyCode: "USD", Date: day, Reference: "PO-7"})[0]
	yen := xs.AddInvoices(xerotest.Invoice{Contact: ref, Total: "5000.00", CurrencyCode: "JPY", Status: "PAID", Date: day})[0]
	var skipped []string
	for _, st := range []string{"DRAFT", "SUBMITTED", "VOIDED", "DELETED"} {
		skipped = append(skipped, xs.AddInvoices(xerotest.Invoice{Contact: ref, Total: "10.00", Status: st})[0].InvoiceID)
	}
	skipped = append(skipped, xs.AddInvoices(xerotest.Invoice{Contact: ref, Total: "10.00", Type: "ACCPAY"})[0].InvoiceID)
	cn := xs.AddCreditNotes(xerotest.CreditNote{Contact: ref, Total: "19.99", CurrencyCode: "EUR", Date: day})[0]
	skipped = append(skipped, xs.AddCreditNotes(xerotest.CreditNote{Contact: ref, Total: "5.00", Type: "ACCPAYCREDIT"})[0].CreditNoteID)
	skipped = append(skipped, xs.AddCreditNotes(xerotest.CreditNote{Contact: ref, Total: "5.00", Status: "VOIDED"})[0].CreditNoteID)
	pays, err := xs.AddPayments(xerotest.Payment{Invoice: xerotest.PaymentInvoice{InvoiceID: yen.InvoiceID}, Date: day},
		xerotest.Payment{Invoice: xerotest.PaymentInvoice{InvoiceID: sale.InvoiceID}, Amount: "100.00", Status: "DELETED"})
	if err != nil {
		t.Fatal(err)
	}
	skipped = append(skipped, pays[1].PaymentID)

	src := build(t, opts(ts.URL))
	var acts []connectors.Activity
	for _, name := range []string{"invoices", "credit_notes", "payments"} {
		pages, err := readAll(stream(t, src, name), "")
		if err != nil {
			t.Fatal(err)
		}
		p := merged(pages)
		if len(p.Rejects) > 0 {
			t.Errorf("%s: rejects %+v", name, p.Rejects)
		}
		acts = append(acts, p.Activities...)
	}
	got := activitiesByID(acts)
	for _, w := range []struct {
		id       string
		kind     connectors.ActivityKind
		amount   int64
		currency string
	}{
		{sale.InvoiceID, connectors.KindPurchase, 123456, "USD"},
		{yen.InvoiceID, connectors.KindPurchase, 5000, "JPY"},
		{cn.CreditNoteID, connectors.KindRefund, 1999, "EUR"},
		{pays[0].PaymentID, connectors.KindPayment, 5000, "JPY"},
	} {
		a, ok := got[w.id]
		if !ok || a.Kind != w.kind || a.Amount == nil || *a.Amount != w.amount || a.Currency != w.currency ||
			a.IdentityExternalID != c.ContactID || a.OccurredAt.Format("2006-01-02 15:04") != "2026-03-14 00:00" {
			t.Errorf("%s: got %+v (amount %v), want %s %d %s on %v", w.id, a, a.Amount, w.kind, w.amount, w.currency, day)
		}
	}
	if s := got[sale.InvoiceID].Summary; s != "Invoice "+sale.InvoiceNumber+" (PO-7)" {
		t.Errorf("summary %q", s)
	}
	for _, id := range skipped {
		if _, ok := got[id]; ok {
			t.Errorf("%s (draft, voided, deleted or not a sale) was imported", id)
		}
	}
	if len(got) != 4 {
		t.Errorf("%d activities, want 4", len(got))
	}
	if n := xs.CountRequests("/Connections"); n != 0 {
		t.Errorf("GET /Connections with tenant_id set")
	}
	for _, r := range xs.Requests() {
		if w := r.Query.Get("where"); !strings.Contains(w, "ACCREC") {
			t.Errorf("%s asked where=%q, want only sales", r.Path, w)
		}
	}
}

func TestXero_MergedContactsSalesGoToTheSurvivor(t *testing.T) {
	xs, ts := newFake(t)
	keep := xs.AddContacts(xerotest.Contact{Name: "Lisa Parker", EmailAddress: "lisa@parker.co", IsCustomer: true})[0]
	gone := xs.AddContacts(xerotest.Contact{Name: "L Parker", EmailAddress: "lparker@parkerandco.com", IsCustomer: true})[0]
	before := xs.AddInvoices(xerotest.Invoice{Contact: xerotest.ContactRef{ContactID: gone.ContactID}, Total: "10.00"})[0]
	src := build(t, opts(ts.URL))
	contacts, invoices := stream(t, src, "contacts"), stream(t, src, "invoices")
	cp, err := readAll(contacts, "")
	if err != nil {
		t.Fatal(err)
	}
	if n := len(merged(cp).Identities); n != 2 {
		t.Fatalf("%d identities before the merge, want 2", n)
	}

	if err := xs.MergeContacts(gone.ContactID, keep.ContactID); err != nil {
		t.Fatal(err)
	}
	after := xs.AddInvoices(xerotest.Invoice{Contact: xerotest.ContactRef{ContactID: gone.ContactID}, Total: "20.00"})[0]
	xs.UpdateInvoice(before.InvoiceID, func(inv *xerotest.Invoice) { inv.Reference = "touched" })

	// The same source learns the merge on its next contacts read; a new
	// source (a restarted daemon) knows it from the contacts cursor.
	cp2, err := readAll(contacts, merged(cp).Cursor)
	if err != nil {
		t.Fatal(err)
	}
	p := merged(cp2)
	for _, id := range p.Identities {
		if id.ExternalID == gone.ContactID {
			t.Errorf("the merged-away contact was emitted as an identity of its own: %+v", id)
		}
	}
	if !strings.Contains(p.Cursor, gone.ContactID) {
		t.Errorf("the contacts cursor %s does not keep the merge", p.Cursor)
	}
	src2 := build(t, opts(ts.URL))
	if _, err := readAll(stream(t, src2, "contacts"), p.Cursor); err != nil {
		t.Fatal(err)
	}
	for _, s := range []connectors.Stream{invoices, stream(t, src2, "invoices")} {
		pages, err := readAll(s, "")
		if err != nil {
			t.Fatal(err)
		}
		got := activitiesByID(merged(pages).Activities)
		for _, id := range []string{before.InvoiceID, after.InvoiceID} {
			if got[id].IdentityExternalID != keep.ContactID {
				t.Errorf("invoice %s belongs to %q, want the surviving contact %s", id, got[id].IdentityExternalID, keep.ContactID)
			}
		}
	}
}

func TestXero_MalformedRecordsAreRejectedWithTheirXeroID(t *testing.T) {
	xs, ts := newFake(t)
	xs.Generate(6, time.Now().Add(-time.Hour))
	src := build(t, opts(ts.URL))
	for _, c := range []struct {
		stream, path, field string
		kind                int
	}{
		{"contacts", "/Contacts", "UpdatedDateUTC", xerotest.BadUpdated},
		{"invoices", "/Invoices", "Total", xerotest.BadAmount},
		{"invoices", "/Invoices", "InvoiceID", xerotest.NoID},
		{"payments", "/Payments", "Amount", xerotest.BadAmount},
	} {
		xs.MalformNext(xerotest.APIPrefix+c.path, c.kind)
		pages, err := readAll(stream(t, src, c.stream), "")
		if err != nil {
			t.Fatal(err)
		}
		p := merged(pages)
		ids := xs.MalformedIDs()
		want := ids[len(ids)-1]
		if c.kind == xerotest.NoID {
			want = ""
		}
		if len(p.Rejects) != 1 || p.Rejects[0].ExternalID != want || p.Rejects[0].Field != c.field || p.Rejects[0].Reason == "" || len(p.Rejects[0].Raw) == 0 {
			t.Errorf("%s kind %d: rejects %+v, want one naming %q field %q", c.stream, c.kind, p.Rejects, want, c.field)
		}
		if len(p.Identities)+len(p.Activities) == 0 {
			t.Errorf("%s: the rest of the page was lost", c.stream)
		}
	}
}

func TestXero_RetryAfterIsHonoured(t *testing.T) {
	xs, ts := newFake(t)
	xs.RetryAfter = 1
	xs.Generate(3, time.Now().Add(-time.Hour))
	xs.RateLimitNext(1)
	s := stream(t, build(t, opts(ts.URL)), "contacts")
	start := time.Now()
	pages, err := readAll(s, "")
	if err != nil {
		t.Fatal(err)
	}
	if n := len(merged(pages).Identities); n != 3 {
		t.Errorf("%d identities after a 429, want 3", n)
	}
	reqs := xs.Requests()
	if len(reqs) != 2 || reqs[0].Status != http.StatusTooManyRequests || reqs[1].Status != http.StatusOK {
		t.Fatalf("requests %d, want a 429 then a 200", len(reqs))
	}
	if gap := reqs[1].At.Sub(reqs[0].At); gap < time.Second || time.Since(start) > 10*time.Second {
		t.Errorf("retried %v after a 429 with Retry-After: 1", gap)
	}
}

// engineRun builds the connector from options and runs it once through the
// engine into db.
func engineRun(t *testing.T, db *dbstore.DB, options string) engine.Result {
	t.Helper()
	yaml := "connectors:\n  - name: books\n    type: xero\n    schedule: \"@hourly\"\n    options:\n" + indent(options)
	cfg, err := config.Parse("nayose.yaml", []byte(yaml), func(string) (string, bool) { return "", false })
	if err != nil {
		t.Fatal(err)
	}
	r := connectors.NewRegistry()
	xero.Register(r)
	built, err := r.Build(cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	res, _ := engine.New(engine.Options{DB: db}).Run(context.Background(), built[0])
	return res
}

func indent(s string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	for i, l := range lines {
		lines[i] = "      " + l
	}
	return strings.Join(lines, "\n") + "\n"
}

func TestXero_DayLimitEndsTheRunPartialAndTheNextResumes(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *dbstore.DB) {
		xs, ts := newFake(t)
		g := xs.Generate(30, time.Now().Add(-time.Hour))
		// 5,000 a day; 4,985 spent: with day_reserve 10, five requests
		// are left to this run: three contact pages and two invoice pages.
		xs.SetDayUsed(xerotest.DayLimit - 15)
		options := opts(ts.URL, "page_size: 10", "day_reserve: 10")
		res := engineRun(t, db, options)
		if err := res.Err(); err != nil {
			t.Fatalf("a spent day limit failed the sync: %v", err)
		}
		statuses := map[string]string{}
		for _, s := range res.Streams {
			statuses[s.Stream] = s.Status
			if s.Status == dbstore.RunPartial && !errors.Is(s.Err, connectors.ErrPartial) {
				t.Errorf("%s partial with %v", s.Stream, s.Err)
			}
		}
		if statuses["contacts"] != dbstore.RunSucceeded || statuses["invoices"] != dbstore.RunPartial ||
			statuses["credit_notes"] != dbstore.RunPartial || statuses["payments"] != dbstore.RunPartial {
			t.Fatalf("statuses %v, want contacts read and the rest partial", statuses)
		}
		if n := len(xs.Requests()); n != 5 {
			t.Errorf("%d requests, want 5: none past the reserve", n)
		}
		var acts int64
		db.Gorm.Model(&dbstore.Activity{}).Count(&acts)
		if acts == 0 || int(acts) >= g.Invoices {
			t.Errorf("%d activities after the partial run, want some of the invoices", acts)
		}

		// Then Xero says no at all (429, X-Rate-Limit-Problem: day): still partial, one request.
		xs.ResetRequests()
		xs.ExhaustDayLimit()
		res = engineRun(t, db, options)
		if res.Err() != nil || res.Streams[0].Status != dbstore.RunPartial {
			t.Errorf("a 429 for the day limit: %+v", res.Streams)
		}
		if n := len(xs.Requests()); n != 1 {
			t.Errorf("%d requests against a spent day limit, want 1", n)
		}

		// A new day: the next run resumes and completes.
		xs.RestoreDayLimit()
		xs.ResetRequests()
		res = engineRun(t, db, options)
		if err := res.Err(); err != nil {
			t.Fatal(err)
		}
		for _, s := range res.Streams {
			if s.Status != dbstore.RunSucceeded {
				t.Errorf("after the reset %s: %s (%v)", s.Stream, s.Status, s.Err)
			}
		}
		db.Gorm.Model(&dbstore.Activity{}).Count(&acts)
		if want := g.Invoices + g.CreditNotes + g.Payments; int(acts) != want {
			t.Errorf("%d activities after resuming, want %d", acts, want)
		}
		if xs.CountRequests(xerotest.APIPrefix+"/Invoices") != 2 {
			t.Errorf("resuming read %d invoice pages, want the remaining 2", xs.CountRequests(xerotest.APIPrefix+"/Invoices"))
		}
	})
}

func TestXero_TenantFromConnections(t *testing.T) {
	xs, ts := newFake(t)
	xs.Generate(2, time.Now().Add(-time.Hour))
	src := build(t, fmt.Sprintf("access_token: %s\nbase_url: %s\nretry_wait: 1ms\n", testToken, ts.URL))
	for _, name := range []string{"contacts", "invoices"} {
		if _, err := readAll(stream(t, src, name), ""); err != nil {
			t.Fatal(err)
		}
	}
	if n := xs.CountRequests("/Connections"); n != 1 {
		t.Errorf("GET /Connections %d times, want once per source", n)
	}

	several := &xerotest.Server{AccessToken: testToken, Tenants: []xerotest.Connection{
		{TenantID: "t-1", TenantType: "ORGANISATION", TenantName: "Sakura Salon"},
		{TenantID: "t-2", TenantType: "ORGANISATION", TenantName: "Sakura Cafe"},
		{TenantID: "t-3", TenantType: "PRACTICE", TenantName: "Accountants"},
	}}
	ts2 := several.Serve(t)
	_, err := readAll(stream(t, build(t, fmt.Sprintf("access_token: %s\nbase_url: %s\nretry_wait: 1ms\n", testToken, ts2.URL)), "contacts"), "")
	if err == nil || !strings.Contains(err.Error(), "tenant_id") || !strings.Contains(err.Error(), `"Sakura Salon" (t-1)`) ||
		!strings.Contains(err.Error(), `"Sakura Cafe" (t-2)`) || strings.Contains(err.Error(), "Accountants") {
		t.Errorf("several organisations: %v, want an error listing both", err)
	}
	if _, err := readAll(stream(t, build(t, fmt.Sprintf("access_token: %s\nbase_url: %s\nretry_wait: 1ms\ntenant_id: t-2\n", testToken, ts2.URL)), "contacts"), ""); err != nil {
		t.Errorf("with tenant_id: %v", err)
	}
}

func TestXero_OAuthRefreshTokensRotateInTheStore(t *testing.T) {
	xs, ts := newFake(t)
	xs.Generate(2, time.Now().Add(-time.Hour))
	xs.SetRefreshToken("refresh-from-setup")
	db := storetest.Open(t, dbstore.SQLite)
	tokens, err := dbstore.NewTokenStore(db, "a secret key of enough length")
	if err != nil {
		t.Fatal(err)
	}
	yaml := fmt.Sprintf(`connectors:
  - name: books
    type: xero
    schedule: "@hourly"
    options:
      base_url: %[1]s
      token_url: %[1]s/connect/token
      retry_wait: 1ms
      rate_limit: 1000
      oauth: {client_id: %[2]s, client_secret: %[3]s, refresh_token: refresh-from-setup}
`, ts.URL, xerotest.DefaultClientID, xerotest.DefaultClientSecret)
	cfg, err := config.Parse("nayose.yaml", []byte(yaml), func(string) (string, bool) { return "", false })
	if err != nil {
		t.Fatal(err)
	}
	r := connectors.NewRegistry()
	xero.Register(r)
	if _, err := r.Build(cfg, nil); err == nil || !strings.Contains(err.Error(), "secret_key") {
		t.Errorf("OAuth without a token store: %v, want a hint about secret_key", err)
	}
	var logs strings.Builder
	built, err := r.BuildWith(cfg, connectors.BuildOptions{Tokens: tokens, Logger: slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))})
	if err != nil {
		t.Fatal(err)
	}
	for range 2 {
		for _, s := range built[0].Source.Streams() {
			if _, err := readAll(s, ""); err != nil {
				t.Fatal(err)
			}
		}
	}
	saved, err := tokens.Load(context.Background(), "xero/books")
	if err != nil || saved == nil || saved.RefreshToken != xs.RefreshToken() || saved.RefreshToken == "refresh-from-setup" {
		t.Fatalf("stored token %+v (%v), want the rotated one", saved, err)
	}
	if n := xs.CountRequests("/connect/token"); n != 1 {
		t.Errorf("%d token requests, want 1 (the access token lasts 30 minutes)", n)
	}
	for _, secret := range []string{xs.RefreshToken(), xs.LastAccessToken(), xerotest.DefaultClientSecret, "refresh-from-setup"} {
		if strings.Contains(logs.String(), secret) {
			t.Errorf("a secret (%d characters) is in the log", len(secret))
		}
	}
}

func TestOptions_ValidateNamesEachProblem(t *testing.T) {
	yaml := "connectors:\n  - name: x\n    type: xero\n    schedule: \"@hourly\"\n    options:\n      access_token: abc\n      base_url: api.xero.com\n      page_size: 5000\n      rate_limit: 0\n      day_reserve: -1\n      oauth: {client_id: abc}\n"
	cfg, err := config.Parse("nayose.yaml", []byte(yaml), func(string) (string, bool) { return "", false })
	if err != nil {
		t.Fatal(err)
	}
	r := connectors.NewRegistry()
	xero.Register(r)
	_, err = r.Build(cfg, nil)
	if err == nil {
		t.Fatal("bad options built")
	}
	for _, want := range []string{"oauth", "not both", "base_url", "page_size", "rate_limit", "day_reserve", "nayose.yaml:"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error does not name %s:\n%v", want, err)
		}
	}
	_ = connectortest.Build // the kit builds the good ones
}
