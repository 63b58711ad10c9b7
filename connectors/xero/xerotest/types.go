package xerotest

import (
	"encoding/json"
	"time"
)

// Connection is one tenant (organisation) the app is connected to, as GET
// /Connections lists it.
type Connection struct {
	ID         string `json:"id"`
	TenantID   string `json:"tenantId"`
	TenantType string `json:"tenantType"`
	TenantName string `json:"tenantName"`
}

// Phone is one of a contact's phones, in Xero's split form.
type Phone struct {
	PhoneType        string // DEFAULT, DDI, MOBILE, FAX
	PhoneNumber      string
	PhoneAreaCode    string
	PhoneCountryCode string
}

// Address is one of a contact's addresses.
type Address struct {
	AddressType  string // POBOX, STREET
	AddressLine1 string `json:",omitempty"`
	AddressLine2 string `json:",omitempty"`
	AddressLine3 string `json:",omitempty"`
	AddressLine4 string `json:",omitempty"`
	City         string
	Region       string
	PostalCode   string
	Country      string
}

// Contact is a Xero contact. UpdatedDateUTC is set by the fake on every
// write; ContactID is generated when empty.
type Contact struct {
	ContactID         string
	ContactStatus     string // ACTIVE (default), ARCHIVED
	Name              string
	FirstName         string `json:",omitempty"`
	LastName          string `json:",omitempty"`
	EmailAddress      string `json:",omitempty"`
	Phones            []Phone
	Addresses         []Address
	IsCustomer        bool
	IsSupplier        bool
	MergedToContactID string    `json:",omitempty"`
	UpdatedDateUTC    time.Time `json:"-"`
}

// ContactRef is the contact an invoice, credit note or payment names.
type ContactRef struct {
	ContactID string
	Name      string `json:",omitempty"`
}

// Invoice is a Xero invoice; ACCREC ones are sales. Amounts are decimal
// strings, served as JSON numbers, as Xero sends them.
type Invoice struct {
	InvoiceID      string
	InvoiceNumber  string
	Type           string // ACCREC (default), ACCPAY
	Status         string // DRAFT, SUBMITTED, AUTHORISED (default), PAID, VOIDED, DELETED
	Contact        ContactRef
	CurrencyCode   string      // default USD
	SubTotal       json.Number `json:",omitempty"`
	TotalTax       json.Number `json:",omitempty"`
	Total          json.Number
	AmountPaid     json.Number `json:",omitempty"`
	AmountCredited json.Number `json:",omitempty"`
	Reference      string      `json:",omitempty"`
	// Date is the day the invoice was issued; default the time of writing.
	Date           time.Time `json:"-"`
	UpdatedDateUTC time.Time `json:"-"`
}

// CreditNote is a Xero credit note; ACCRECCREDIT ones are money back to a
// customer.
type CreditNote struct {
	CreditNoteID     string
	CreditNoteNumber string
	Type             string // ACCRECCREDIT (default), ACCPAYCREDIT
	Status           string // AUTHORISED (default), PAID, DRAFT, VOIDED, DELETED
	Contact          ContactRef
	CurrencyCode     string
	SubTotal         json.Number `json:",omitempty"`
	TotalTax         json.Number `json:",omitempty"`
	Total            json.Number
	Reference        string    `json:",omitempty"`
	Date             time.Time `json:"-"`
	UpdatedDateUTC   time.Time `json:"-"`
}

// PaymentInvoice is the invoice a payment pays, as Xero nests it.
type PaymentInvoice struct {
	InvoiceID     string
	InvoiceNumber string `json:",omitempty"`
	Type          string
	Contact       ContactRef
	CurrencyCode  string
}

// Payment is a Xero payment. AddPayment fills Invoice from the stored
// invoice named by Invoice.InvoiceID.
type Payment struct {
	PaymentID      string
	PaymentType    string // ACCRECPAYMENT (default)
	Status         string // AUTHORISED (default), DELETED
	Amount         json.Number
	Reference      string `json:",omitempty"`
	Invoice        PaymentInvoice
	Date           time.Time `json:"-"`
	UpdatedDateUTC time.Time `json:"-"`
}
