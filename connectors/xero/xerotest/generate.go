package xerotest

import (
	"encoding/json"
	"fmt"
	"time"
)

// Generated counts what Generate added that a connector importing sales
// should read: customer contacts, sales invoices (AUTHORISED or PAID),
// customer credit notes and customer payments.
type Generated struct {
	Customers, Invoices, CreditNotes, Payments int
	// ContactIDs are the customer contacts, in the order added.
	ContactIDs []string
}

// Generate adds n customer contacts, the i-th updated at start + i seconds,
// each with one sales invoice; every third invoice is paid (with a
// payment), every seventh customer has a credit note, and every fifth
// contact is followed by a supplier (not a customer) with a bill, which a
// sales connector must skip.
func (s *Server) Generate(n int, start time.Time) Generated {
	var g Generated
	for i := range n {
		at := start.Add(time.Duration(i) * time.Second).UTC()
		c := s.AddContacts(Contact{
			Name: fmt.Sprintf("Customer %03d", i), FirstName: fmt.Sprintf("Given%03d", i), LastName: "Sample",
			EmailAddress: fmt.Sprintf("customer%03d@example.com", i),
			Phones:       []Phone{{PhoneType: "MOBILE", PhoneCountryCode: "64", PhoneAreaCode: "21", PhoneNumber: fmt.Sprintf("555%04d", i)}},
			Addresses:    []Address{{AddressType: "STREET", AddressLine1: fmt.Sprintf("%d Queen Street", i+1), City: "Auckland", PostalCode: "1010", Country: "New Zealand"}},
			IsCustomer:   true, UpdatedDateUTC: at,
		})[0]
		g.Customers++
		g.ContactIDs = append(g.ContactIDs, c.ContactID)
		ref := ContactRef{ContactID: c.ContactID, Name: c.Name}
		total := json.Number(fmt.Sprintf("%d.%02d", 10+i, i%100))
		status := "AUTHORISED"
		if i%3 == 0 {
			status = "PAID"
		}
		inv := s.AddInvoices(Invoice{Contact: ref, Status: status, CurrencyCode: "NZD", Total: total, SubTotal: total, TotalTax: "0.00", Date: at, UpdatedDateUTC: at})[0]
		g.Invoices++
		if status == "PAID" {
			if _, err := s.AddPayments(Payment{Invoice: PaymentInvoice{InvoiceID: inv.InvoiceID}, Date: at, UpdatedDateUTC: at}); err != nil {
				panic(err) // the invoice was just added
			}
			g.Payments++
		}
		if i%7 == 0 {
			s.AddCreditNotes(CreditNote{Contact: ref, CurrencyCode: "NZD", Total: "5.00", Date: at, UpdatedDateUTC: at})
			g.CreditNotes++
		}
		if i%5 == 0 {
			sup := s.AddContacts(Contact{Name: fmt.Sprintf("Supplier %03d Ltd", i), IsSupplier: true, UpdatedDateUTC: at})[0]
			s.AddInvoices(Invoice{Type: "ACCPAY", Contact: ContactRef{ContactID: sup.ContactID}, CurrencyCode: "NZD", Total: "99.00", Date: at, UpdatedDateUTC: at})
		}
	}
	return g
}
