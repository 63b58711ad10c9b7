package freeetest

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
)

// InvoicesPath is the freee請求書 API's invoices list (under /iv on
// api.freee.co.jp).
const InvoicesPath = "/iv/invoices"

// AddInvoices adds invoices and returns them with their ids. A zero
// CompanyID means the first company, a zero BillingDate the fake's Now.
func (s *Server) AddInvoices(invs ...Invoice) []Invoice {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.initLocked()
	out := make([]Invoice, len(invs))
	for i, inv := range invs {
		s.seq++
		inv.ID = s.seq
		inv.CompanyID = s.companyLocked(inv.CompanyID)
		if inv.BillingDate.IsZero() {
			inv.BillingDate = s.now()
		}
		if inv.InvoiceNumber == "" {
			inv.InvoiceNumber = fmt.Sprintf("INV-%07d", inv.ID)
		}
		s.invoices = append(s.invoices, &inv)
		out[i] = inv
	}
	return out
}

// MalformInvoiceNext makes the next non-empty invoices page carry one
// invoice (the middle one) whose billing_date is not a date. MalformedIDs
// names it.
func (s *Server) MalformInvoiceNext() { s.QueueMalform(InvoicesPath, 0) }

// listInvoices serves GET /iv/invoices: start_billing_date and
// end_billing_date filter, offset and limit (at most 100) page, and the
// answer has no total.
func (s *Server) listInvoices(w http.ResponseWriter, q url.Values, company int64) any {
	offset, limit, ok := paging(w, q, DefaultDealsLimit, MaxDealsLimit)
	if !ok {
		return nil
	}
	from, ok := dateParam(w, q, "start_billing_date")
	if !ok {
		return nil
	}
	to, ok := dateParam(w, q, "end_billing_date")
	if !ok {
		return nil
	}
	s.mu.Lock()
	var all []invoiceJSON
	for _, inv := range s.invoices {
		if inv.CompanyID == company && inRange(Date(inv.BillingDate), from, to) {
			all = append(all, invoiceOut(inv))
		}
	}
	s.mu.Unlock()
	out := page(all, offset, limit)
	if len(out) > 0 {
		s.Malform(InvoicesPath, func(int) (string, bool) {
			inv := &out[len(out)/2]
			inv.BillingDate = "20240230"
			return strconv.FormatInt(inv.ID, 10), true
		})
	}
	return map[string]any{"invoices": out}
}

func invoiceOut(inv *Invoice) invoiceJSON {
	tax := inv.TotalAmount * 10 / 110
	out := invoiceJSON{ID: inv.ID, CompanyID: inv.CompanyID, InvoiceNumber: inv.InvoiceNumber, Subject: inv.Subject,
		BillingDate: Date(inv.BillingDate), SendingStatus: "sent", PaymentStatus: "unsettled", CancelStatus: "uncanceled",
		DealStatus: "unregistered", TotalAmount: float64(inv.TotalAmount), AmountIncludingTax: float64(inv.TotalAmount),
		AmountExcludingTax: float64(inv.TotalAmount - tax), AmountTax: float64(tax), PartnerID: inv.PartnerID,
		PartnerName: inv.PartnerName, ReportURL: fmt.Sprintf("https://invoice.secure.freee.co.jp/reports/invoices/%d", inv.ID)}
	if inv.Settled {
		out.PaymentStatus = "settled"
	}
	if inv.Canceled {
		out.CancelStatus = "canceled"
	}
	if inv.DealID > 0 {
		id := inv.DealID
		out.DealStatus, out.DealID = "registered", &id
	}
	return out
}
