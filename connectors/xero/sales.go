package xero

import (
	"encoding/json"
	"net/url"
	"strings"
	"time"

	"github.com/nayose/nayose/connectors"
)

// Which statuses are money that changed hands (or is owed for a sale that
// happened). DRAFT and SUBMITTED are not final, VOIDED and DELETED never
// happened: they yield nothing, and nothing imported before is deleted.
var finalStatus = map[string]bool{"AUTHORISED": true, "PAID": true}

// xeroDoc is the part of an invoice or credit note the connector maps.
type xeroDoc struct {
	InvoiceID        string
	InvoiceNumber    string
	CreditNoteID     string
	CreditNoteNumber string
	Type             string
	Status           string
	Reference        string
	Contact          struct{ ContactID, Name string }
	CurrencyCode     string
	Total            json.RawMessage
	Date             string
	UpdatedDateUTC   string
}

func invoicesSpec(merges *mergeMap, loc *time.Location) listSpec {
	return listSpec{
		path:  "/Invoices",
		key:   "Invoices",
		query: url.Values{"where": {`Type=="ACCREC"`}},
		decode: func(raw json.RawMessage, page *connectors.Page) time.Time {
			return decodeDoc(raw, page, merges, loc, docKind{path: "/Invoices", idKey: "InvoiceID", typ: "ACCREC", kind: connectors.KindPurchase, what: "Invoice"})
		},
	}
}

func creditNotesSpec(merges *mergeMap, loc *time.Location) listSpec {
	return listSpec{
		path:  "/CreditNotes",
		key:   "CreditNotes",
		query: url.Values{"where": {`Type=="ACCRECCREDIT"`}},
		decode: func(raw json.RawMessage, page *connectors.Page) time.Time {
			return decodeDoc(raw, page, merges, loc, docKind{path: "/CreditNotes", idKey: "CreditNoteID", typ: "ACCRECCREDIT", kind: connectors.KindRefund, what: "Credit note"})
		},
	}
}

// docKind says which document decodeDoc reads.
type docKind struct {
	path, idKey, typ string
	kind             connectors.ActivityKind
	what             string
}

// decodeDoc maps an invoice (a purchase) or a credit note (a refund).
func decodeDoc(raw json.RawMessage, page *connectors.Page, merges *mergeMap, loc *time.Location, k docKind) time.Time {
	var d xeroDoc
	if err := json.Unmarshal(raw, &d); err != nil {
		page.Rejects = append(page.Rejects, reject(k.path, raw, idOf(raw, k.idKey), "", "the record does not read as Xero's "+k.what+": "+err.Error()))
		return time.Time{}
	}
	id, number := d.InvoiceID, d.InvoiceNumber
	if k.idKey == "CreditNoteID" {
		id, number = d.CreditNoteID, d.CreditNoteNumber
	}
	if id == "" {
		page.Rejects = append(page.Rejects, reject(k.path, raw, "", k.idKey, "the record has no "+k.idKey))
		return time.Time{}
	}
	bad := func(field, reason string) time.Time {
		page.Rejects = append(page.Rejects, reject(k.path, raw, id, field, reason))
		return time.Time{}
	}
	updated, err := parseTime(d.UpdatedDateUTC)
	if err != nil {
		return bad("UpdatedDateUTC", "UpdatedDateUTC: "+err.Error())
	}
	if d.Type != k.typ || !finalStatus[d.Status] {
		return updated // bills, drafts, voided: not sales
	}
	at, err := parseDay(d.Date, loc)
	if err != nil {
		return bad("Date", "Date: "+err.Error())
	}
	cur := strings.ToUpper(strings.TrimSpace(d.CurrencyCode))
	amount, err := minorUnits(amountText(d.Total), cur)
	if err != nil {
		return bad("Total", "Total: "+err.Error())
	}
	summary := strings.TrimSpace(k.what + " " + number)
	if d.Reference != "" {
		summary += " (" + d.Reference + ")"
	}
	page.Activities = append(page.Activities, connectors.Activity{
		ExternalID:         id,
		Kind:               k.kind,
		IdentityExternalID: merges.resolve(d.Contact.ContactID),
		OccurredAt:         at,
		Amount:             &amount,
		Currency:           cur,
		Summary:            summary,
		Raw:                raw,
	})
	return updated
}

// xeroPayment is the part of a payment the connector maps.
type xeroPayment struct {
	PaymentID   string
	PaymentType string
	Status      string
	Amount      json.RawMessage
	Reference   string
	Date        string
	Invoice     struct {
		InvoiceID     string
		InvoiceNumber string
		Type          string
		Contact       struct{ ContactID string }
		CurrencyCode  string
	}
	UpdatedDateUTC string
}

func paymentsSpec(merges *mergeMap, loc *time.Location) listSpec {
	return listSpec{
		path:  "/Payments",
		key:   "Payments",
		query: url.Values{"where": {`PaymentType=="ACCRECPAYMENT"`}},
		decode: func(raw json.RawMessage, page *connectors.Page) time.Time {
			return decodePayment(raw, page, merges, loc)
		},
	}
}

// decodePayment maps a customer's payment of a sales invoice. Its amount
// is in the invoice's currency (Xero's Payment has no currency of its
// own); DELETED payments yield nothing.
func decodePayment(raw json.RawMessage, page *connectors.Page, merges *mergeMap, loc *time.Location) time.Time {
	var p xeroPayment
	if err := json.Unmarshal(raw, &p); err != nil {
		page.Rejects = append(page.Rejects, reject("/Payments", raw, idOf(raw, "PaymentID"), "", "the record does not read as Xero's Payment: "+err.Error()))
		return time.Time{}
	}
	if p.PaymentID == "" {
		page.Rejects = append(page.Rejects, reject("/Payments", raw, "", "PaymentID", "the payment has no PaymentID"))
		return time.Time{}
	}
	bad := func(field, reason string) time.Time {
		page.Rejects = append(page.Rejects, reject("/Payments", raw, p.PaymentID, field, reason))
		return time.Time{}
	}
	updated, err := parseTime(p.UpdatedDateUTC)
	if err != nil {
		return bad("UpdatedDateUTC", "UpdatedDateUTC: "+err.Error())
	}
	if p.PaymentType != "ACCRECPAYMENT" || p.Status != "AUTHORISED" {
		return updated
	}
	at, err := parseDay(p.Date, loc)
	if err != nil {
		return bad("Date", "Date: "+err.Error())
	}
	cur := strings.ToUpper(strings.TrimSpace(p.Invoice.CurrencyCode))
	amount, err := minorUnits(amountText(p.Amount), cur)
	if err != nil {
		return bad("Amount", "Amount: "+err.Error())
	}
	summary := "Payment"
	if p.Invoice.InvoiceNumber != "" {
		summary += " for " + p.Invoice.InvoiceNumber
	}
	page.Activities = append(page.Activities, connectors.Activity{
		ExternalID:         p.PaymentID,
		Kind:               connectors.KindPayment,
		IdentityExternalID: merges.resolve(p.Invoice.Contact.ContactID),
		OccurredAt:         at,
		Amount:             &amount,
		Currency:           cur,
		Summary:            summary,
		Raw:                raw,
	})
	return updated
}
