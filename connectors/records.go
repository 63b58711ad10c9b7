package connectors

import (
	"encoding/json"
	"github.com/nayose/nayose/mapping"
	"time"
)

// Identity is one person as one source knows them. Connectors fill in every
// field the source gives, as the source gives it; normalizing and matching
// belong to the mapping package.
type Identity struct {
	// ExternalID is the source's own id for the person; unique within the
	// connector and never empty.
	ExternalID string
	FullName   string
	FamilyName string
	GivenName  string
	// NameKana is the reading of the name (フリガナ), in any kana form.
	NameKana string
	Emails   []string
	Phones   []string
	// Birthday is a calendar date; a zero Year means the source knows only
	// the month and day.
	Birthday   mapping.Date
	PostalCode string
	Address    string
	Company    string
	// MarketingConsent is nil when the source says nothing about consent.
	MarketingConsent *bool
	// UpdatedAt is when the source last changed the record; zero if unknown.
	UpdatedAt time.Time
	// Raw holds the source's record as JSON, including fields nayose does not map.
	Raw json.RawMessage
}

// ActivityKind names what a person did.
type ActivityKind string

// The activity kinds nayose understands. Connectors may emit others; these
// are the ones metrics and alerts read.
const (
	KindPurchase        ActivityKind = "purchase"
	KindRefund          ActivityKind = "refund"
	KindDiscount        ActivityKind = "discount"
	KindBooking         ActivityKind = "booking"
	KindBookingCanceled ActivityKind = "booking_canceled"
	KindInquiry         ActivityKind = "inquiry"
	KindMessage         ActivityKind = "message"
	KindEmailOpen       ActivityKind = "email_open"
	KindEmailClick      ActivityKind = "email_click"
	KindSubscribe       ActivityKind = "subscribe"
	KindUnsubscribe     ActivityKind = "unsubscribe"
	KindInvoice         ActivityKind = "invoice"
	KindPayment         ActivityKind = "payment"
)

// Activity is something a person did, at a time.
type Activity struct {
	// ExternalID is the source's id for the event; unique with Kind within
	// the connector.
	ExternalID string
	Kind       ActivityKind
	// IdentityExternalID is the ExternalID of the Identity (same connector)
	// the activity belongs to. Empty for anonymous events such as a walk-in
	// sale; the engine then stores the activity without a customer.
	IdentityExternalID string
	OccurredAt         time.Time
	// Amount is in minor units of Currency (yen for JPY, cents for USD);
	// nil when no money is involved. Money is never a float.
	Amount *int64
	// Currency is an ISO 4217 code, upper case; empty when Amount is nil.
	Currency string
	Summary  string
	Raw      json.RawMessage
}

// Reject is a record the connector could not read. The engine stores it in
// rejected_records and the run goes on.
type Reject struct {
	// ExternalID is the source's id of the record, when it could be read.
	ExternalID string
	// Location says where the record is: "exports/customers.csv:12" for a
	// file row, a page URL or record path for an API.
	Location string
	// Field is the column or field that could not be read, if one is to blame.
	Field  string
	Reason string
	// Raw is the record as found, for a person to fix it.
	Raw json.RawMessage
}

// Page is one batch of records and the cursor after it. The engine writes
// the records and saves the cursor in one transaction, so a cursor is never
// saved for records that were not stored.
type Page struct {
	Identities []Identity
	Activities []Activity
	Rejects    []Reject
	// Cursor is the stream position after this page, opaque to the engine.
	// A page may leave it empty to keep the previous cursor.
	Cursor string
}

// Len is the number of records the page carries, rejects included.
func (p Page) Len() int { return len(p.Identities) + len(p.Activities) + len(p.Rejects) }
