package xerotest

import (
	"cmp"
	"fmt"
	"slices"
	"time"
)

// AddContacts stores contacts, generating missing ContactIDs and defaulting
// ContactStatus to ACTIVE, and returns them as stored. UpdatedDateUTC is
// the fake's now unless set.
func (s *Server) AddContacts(cs ...Contact) []Contact {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.initLocked()
	out := make([]Contact, 0, len(cs))
	for _, c := range cs {
		if c.ContactID == "" {
			c.ContactID = s.uuidLocked()
		}
		c.ContactStatus = cmp.Or(c.ContactStatus, "ACTIVE")
		if c.UpdatedDateUTC.IsZero() {
			c.UpdatedDateUTC = s.now()
		}
		c.Phones, c.Addresses = slices.Clone(c.Phones), slices.Clone(c.Addresses)
		s.contacts[c.ContactID] = &c
		out = append(out, c)
	}
	return out
}

// UpdateContact changes a contact and sets its UpdatedDateUTC to now.
func (s *Server) UpdateContact(id string, change func(*Contact)) (Contact, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.initLocked()
	c, ok := s.contacts[id]
	if !ok {
		return Contact{}, fmt.Errorf("xerotest: no contact %s", id)
	}
	change(c)
	c.ContactID = id
	c.UpdatedDateUTC = s.now()
	return *c, nil
}

// MergeContacts merges contact from into contact into, as Xero's "merge
// contacts" does: from is archived with MergedToContactID set, and both
// are updated now. Invoices, credit notes and payments that name from keep
// naming it (whether Xero moves them is not documented), so a connector
// must follow MergedToContactID itself.
func (s *Server) MergeContacts(from, into string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.initLocked()
	f, ok1 := s.contacts[from]
	t, ok2 := s.contacts[into]
	if !ok1 || !ok2 {
		return fmt.Errorf("xerotest: merging %s into %s: no such contact", from, into)
	}
	now := s.now()
	f.ContactStatus, f.MergedToContactID, f.UpdatedDateUTC = "ARCHIVED", into, now
	t.UpdatedDateUTC = now
	return nil
}

// AddInvoices stores invoices with defaults (ACCREC, AUTHORISED, USD, Date
// and UpdatedDateUTC now) and returns them as stored.
func (s *Server) AddInvoices(is ...Invoice) []Invoice {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.initLocked()
	out := make([]Invoice, 0, len(is))
	for _, inv := range is {
		if inv.InvoiceID == "" {
			inv.InvoiceID = s.uuidLocked()
		}
		inv.InvoiceNumber = cmp.Or(inv.InvoiceNumber, fmt.Sprintf("INV-%04d", len(s.invoices)+1))
		inv.Type = cmp.Or(inv.Type, "ACCREC")
		inv.Status = cmp.Or(inv.Status, "AUTHORISED")
		inv.CurrencyCode = cmp.Or(inv.CurrencyCode, "USD")
		inv.Total = cmp.Or(inv.Total, "0.00")
		inv.Date = cmp.Or(inv.Date, s.now())
		inv.UpdatedDateUTC = cmp.Or(inv.UpdatedDateUTC, s.now())
		s.invoices[inv.InvoiceID] = &inv
		out = append(out, inv)
	}
	return out
}

// UpdateInvoice changes an invoice and sets its UpdatedDateUTC to now.
func (s *Server) UpdateInvoice(id string, change func(*Invoice)) (Invoice, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.initLocked()
	inv, ok := s.invoices[id]
	if !ok {
		return Invoice{}, fmt.Errorf("xerotest: no invoice %s", id)
	}
	change(inv)
	inv.InvoiceID = id
	inv.UpdatedDateUTC = s.now()
	return *inv, nil
}

// AddCreditNotes stores credit notes with defaults (ACCRECCREDIT,
// AUTHORISED, USD, dates now) and returns them as stored.
func (s *Server) AddCreditNotes(ns ...CreditNote) []CreditNote {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.initLocked()
	out := make([]CreditNote, 0, len(ns))
	for _, n := range ns {
		if n.CreditNoteID == "" {
			n.CreditNoteID = s.uuidLocked()
		}
		n.CreditNoteNumber = cmp.Or(n.CreditNoteNumber, fmt.Sprintf("CN-%04d", len(s.creditNotes)+1))
		n.Type = cmp.Or(n.Type, "ACCRECCREDIT")
		n.Status = cmp.Or(n.Status, "AUTHORISED")
		n.CurrencyCode = cmp.Or(n.CurrencyCode, "USD")
		n.Total = cmp.Or(n.Total, "0.00")
		n.Date = cmp.Or(n.Date, s.now())
		n.UpdatedDateUTC = cmp.Or(n.UpdatedDateUTC, s.now())
		s.creditNotes[n.CreditNoteID] = &n
		out = append(out, n)
	}
	return out
}

// AddPayments stores payments with defaults (ACCRECPAYMENT, AUTHORISED,
// dates now). Each payment's Invoice is filled from the stored invoice its
// Invoice.InvoiceID names; an unknown invoice is an error.
func (s *Server) AddPayments(ps ...Payment) ([]Payment, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.initLocked()
	out := make([]Payment, 0, len(ps))
	for _, p := range ps {
		inv, ok := s.invoices[p.Invoice.InvoiceID]
		if !ok {
			return out, fmt.Errorf("xerotest: payment for unknown invoice %q", p.Invoice.InvoiceID)
		}
		p.Invoice = PaymentInvoice{InvoiceID: inv.InvoiceID, InvoiceNumber: inv.InvoiceNumber, Type: inv.Type, Contact: inv.Contact, CurrencyCode: inv.CurrencyCode}
		if p.PaymentID == "" {
			p.PaymentID = s.uuidLocked()
		}
		p.PaymentType = cmp.Or(p.PaymentType, "ACCRECPAYMENT")
		p.Status = cmp.Or(p.Status, "AUTHORISED")
		p.Amount = cmp.Or(p.Amount, inv.Total)
		p.Date = cmp.Or(p.Date, s.now())
		p.UpdatedDateUTC = cmp.Or(p.UpdatedDateUTC, s.now())
		s.payments[p.PaymentID] = &p
		out = append(out, p)
	}
	return out, nil
}

// Contact returns the stored contact with id.
func (s *Server) Contact(id string) (Contact, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.initLocked()
	c, ok := s.contacts[id]
	if !ok {
		return Contact{}, false
	}
	return *c, true
}

// record is one stored record, ready to filter, sort and serve.
type record struct {
	id      string
	updated time.Time
	fields  map[string]any // the wire form
}

// InvoiceIDsByUpdate returns the ids of the invoices of type typ ("" for
// all) in the order the fake serves them: by UpdatedDateUTC, then id.
func (s *Server) InvoiceIDsByUpdate(typ string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.initLocked()
	var invs []*Invoice
	for _, inv := range s.invoices {
		if typ == "" || inv.Type == typ {
			invs = append(invs, inv)
		}
	}
	slices.SortFunc(invs, func(a, b *Invoice) int {
		if c := a.UpdatedDateUTC.Compare(b.UpdatedDateUTC); c != 0 {
			return c
		}
		return cmp.Compare(a.InvoiceID, b.InvoiceID)
	})
	ids := make([]string, len(invs))
	for i, inv := range invs {
		ids[i] = inv.InvoiceID
	}
	return ids
}
