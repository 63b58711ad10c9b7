package squaretest

import (
	"encoding/json"
	"time"
)

// The types below mirror the JSON objects of Square's API (version 2025-08-20) field for
// field, with Square's snake_case names, for the fields the fake serves. Timestamps are
// time.Time in Go and are written the way Square writes them: RFC 3339 in UTC, with
// milliseconds for customers, orders, payments and refunds ("2024-05-01T01:02:03.456Z")
// and whole seconds for bookings and locations ("2024-05-01T01:02:03Z"). Decoding them
// back with encoding/json works with the default time.Time decoder.

// Money is Square's Money object: an amount in the currency's smallest unit (yen for JPY).
type Money struct {
	Amount   int64  `json:"amount"`
	Currency string `json:"currency"`
}

// Yen returns an amount of Japanese yen.
func Yen(amount int64) Money { return Money{Amount: amount, Currency: "JPY"} }

// Address is Square's Address object (the fields a Japanese or Western customer uses).
type Address struct {
	AddressLine1                 string `json:"address_line_1,omitempty"`
	AddressLine2                 string `json:"address_line_2,omitempty"`
	AddressLine3                 string `json:"address_line_3,omitempty"`
	Locality                     string `json:"locality,omitempty"`
	Sublocality                  string `json:"sublocality,omitempty"`
	AdministrativeDistrictLevel1 string `json:"administrative_district_level_1,omitempty"`
	PostalCode                   string `json:"postal_code,omitempty"`
	Country                      string `json:"country,omitempty"`
	FirstName                    string `json:"first_name,omitempty"`
	LastName                     string `json:"last_name,omitempty"`
}

// CustomerPreferences is Square's CustomerPreferences object.
type CustomerPreferences struct {
	EmailUnsubscribed bool `json:"email_unsubscribed"`
}

// Customer is Square's Customer object.
type Customer struct {
	ID             string               `json:"id"`
	CreatedAt      time.Time            `json:"created_at"`
	UpdatedAt      time.Time            `json:"updated_at"`
	GivenName      string               `json:"given_name,omitempty"`
	FamilyName     string               `json:"family_name,omitempty"`
	Nickname       string               `json:"nickname,omitempty"`
	CompanyName    string               `json:"company_name,omitempty"`
	EmailAddress   string               `json:"email_address,omitempty"`
	Address        *Address             `json:"address,omitempty"`
	PhoneNumber    string               `json:"phone_number,omitempty"`
	Birthday       string               `json:"birthday,omitempty"` // "1985-04-12", or "0000-04-12" without a year
	ReferenceID    string               `json:"reference_id,omitempty"`
	Note           string               `json:"note,omitempty"`
	Preferences    *CustomerPreferences `json:"preferences,omitempty"`
	CreationSource string               `json:"creation_source,omitempty"`
	GroupIDs       []string             `json:"group_ids,omitempty"`
	SegmentIDs     []string             `json:"segment_ids,omitempty"`
	Version        int64                `json:"version"`
}

// MarshalJSON writes c the way Square does.
func (c Customer) MarshalJSON() ([]byte, error) { return json.Marshal(c.wire()) }

// The wire types below are what the Server encodes: each embeds its public type under
// another name (dropping its MarshalJSON) and shadows the time fields with Square's
// formatted strings, so that a page of records is encoded in one pass rather than
// through a MarshalJSON per record whose output encoding/json must validate again.

type (
	plainCustomer Customer
	customerWire  struct {
		plainCustomer
		CreatedAt string `json:"created_at,omitempty"`
		UpdatedAt string `json:"updated_at,omitempty"`
	}
)

func (c Customer) wire() customerWire {
	return customerWire{plainCustomer(c), stampMilli(c.CreatedAt), stampMilli(c.UpdatedAt)}
}

func (c Customer) clone() Customer {
	if c.Address != nil {
		a := *c.Address
		c.Address = &a
	}
	if c.Preferences != nil {
		p := *c.Preferences
		c.Preferences = &p
	}
	c.GroupIDs = cloneStrings(c.GroupIDs)
	c.SegmentIDs = cloneStrings(c.SegmentIDs)
	return c
}

// OrderSource is Square's OrderSource object.
type OrderSource struct {
	Name string `json:"name,omitempty"`
}

// AppliedDiscount is Square's OrderLineItemAppliedDiscount object.
type AppliedDiscount struct {
	UID          string `json:"uid,omitempty"`
	DiscountUID  string `json:"discount_uid"`
	AppliedMoney Money  `json:"applied_money,omitzero"`
}

// LineItem is Square's OrderLineItem object.
type LineItem struct {
	UID                      string            `json:"uid,omitempty"`
	Name                     string            `json:"name,omitempty"`
	Quantity                 string            `json:"quantity"`
	Note                     string            `json:"note,omitempty"`
	CatalogObjectID          string            `json:"catalog_object_id,omitempty"`
	VariationName            string            `json:"variation_name,omitempty"`
	ItemType                 string            `json:"item_type,omitempty"`
	AppliedDiscounts         []AppliedDiscount `json:"applied_discounts,omitempty"`
	BasePriceMoney           Money             `json:"base_price_money,omitzero"`
	VariationTotalPriceMoney Money             `json:"variation_total_price_money,omitzero"`
	GrossSalesMoney          Money             `json:"gross_sales_money,omitzero"`
	TotalTaxMoney            Money             `json:"total_tax_money,omitzero"`
	TotalDiscountMoney       Money             `json:"total_discount_money,omitzero"`
	TotalMoney               Money             `json:"total_money,omitzero"`
}

// Discount is Square's OrderLineItemDiscount object.
type Discount struct {
	UID             string `json:"uid,omitempty"`
	CatalogObjectID string `json:"catalog_object_id,omitempty"`
	Name            string `json:"name,omitempty"`
	Type            string `json:"type,omitempty"` // FIXED_PERCENTAGE, FIXED_AMOUNT, ...
	Percentage      string `json:"percentage,omitempty"`
	AmountMoney     Money  `json:"amount_money,omitzero"`
	AppliedMoney    Money  `json:"applied_money,omitzero"`
	Scope           string `json:"scope,omitempty"` // ORDER or LINE_ITEM
}

// ReturnLineItem is Square's OrderReturnLineItem object.
type ReturnLineItem struct {
	UID                      string `json:"uid,omitempty"`
	SourceLineItemUID        string `json:"source_line_item_uid,omitempty"`
	Name                     string `json:"name,omitempty"`
	Quantity                 string `json:"quantity"`
	CatalogObjectID          string `json:"catalog_object_id,omitempty"`
	VariationName            string `json:"variation_name,omitempty"`
	ItemType                 string `json:"item_type,omitempty"`
	BasePriceMoney           Money  `json:"base_price_money,omitzero"`
	VariationTotalPriceMoney Money  `json:"variation_total_price_money,omitzero"`
	GrossReturnMoney         Money  `json:"gross_return_money,omitzero"`
	TotalTaxMoney            Money  `json:"total_tax_money,omitzero"`
	TotalDiscountMoney       Money  `json:"total_discount_money,omitzero"`
	TotalMoney               Money  `json:"total_money,omitzero"`
}

// MoneyAmounts is Square's OrderMoneyAmounts object.
type MoneyAmounts struct {
	TotalMoney         Money `json:"total_money,omitzero"`
	TaxMoney           Money `json:"tax_money,omitzero"`
	DiscountMoney      Money `json:"discount_money,omitzero"`
	TipMoney           Money `json:"tip_money,omitzero"`
	ServiceChargeMoney Money `json:"service_charge_money,omitzero"`
}

// Return is Square's OrderReturn object: items of an earlier sale returned in this order.
type Return struct {
	UID             string           `json:"uid,omitempty"`
	SourceOrderID   string           `json:"source_order_id,omitempty"`
	ReturnLineItems []ReturnLineItem `json:"return_line_items,omitempty"`
	ReturnAmounts   *MoneyAmounts    `json:"return_amounts,omitempty"`
}

// Tender is Square's Tender object. Its ID is the ID of the matching Payment.
type Tender struct {
	ID            string    `json:"id"`
	LocationID    string    `json:"location_id,omitempty"`
	TransactionID string    `json:"transaction_id,omitempty"`
	CreatedAt     time.Time `json:"created_at"`
	Note          string    `json:"note,omitempty"`
	AmountMoney   Money     `json:"amount_money,omitzero"`
	TipMoney      Money     `json:"tip_money,omitzero"`
	CustomerID    string    `json:"customer_id,omitempty"`
	Type          string    `json:"type"` // CARD, CASH, WALLET, OTHER, ...
	PaymentID     string    `json:"payment_id,omitempty"`
}

// MarshalJSON writes t the way Square does.
func (t Tender) MarshalJSON() ([]byte, error) { return json.Marshal(t.wire()) }

type (
	plainTender Tender
	tenderWire  struct {
		plainTender
		CreatedAt string `json:"created_at,omitempty"`
	}
)

func (t Tender) wire() tenderWire { return tenderWire{plainTender(t), stampMilli(t.CreatedAt)} }

// OrderRefund is Square's Refund object, the refund entries inside Order.refunds. The
// refunds listed by GET /v2/refunds are PaymentRefunds: see Refund.
type OrderRefund struct {
	ID            string    `json:"id"`
	LocationID    string    `json:"location_id"`
	TransactionID string    `json:"transaction_id,omitempty"`
	TenderID      string    `json:"tender_id,omitempty"`
	CreatedAt     time.Time `json:"created_at"`
	Reason        string    `json:"reason"`
	AmountMoney   Money     `json:"amount_money"`
	Status        string    `json:"status"` // PENDING, APPROVED, REJECTED, FAILED
}

// MarshalJSON writes r the way Square does.
func (r OrderRefund) MarshalJSON() ([]byte, error) { return json.Marshal(r.wire()) }

type (
	plainOrderRefund OrderRefund
	orderRefundWire  struct {
		plainOrderRefund
		CreatedAt string `json:"created_at,omitempty"`
	}
)

func (r OrderRefund) wire() orderRefundWire {
	return orderRefundWire{plainOrderRefund(r), stampMilli(r.CreatedAt)}
}

// Order is Square's Order object.
type Order struct {
	ID                      string        `json:"id"`
	LocationID              string        `json:"location_id"`
	ReferenceID             string        `json:"reference_id,omitempty"`
	Source                  *OrderSource  `json:"source,omitempty"`
	CustomerID              string        `json:"customer_id,omitempty"`
	LineItems               []LineItem    `json:"line_items,omitempty"`
	Discounts               []Discount    `json:"discounts,omitempty"`
	Returns                 []Return      `json:"returns,omitempty"`
	ReturnAmounts           *MoneyAmounts `json:"return_amounts,omitempty"`
	NetAmounts              *MoneyAmounts `json:"net_amounts,omitempty"`
	Tenders                 []Tender      `json:"tenders,omitempty"`
	Refunds                 []OrderRefund `json:"refunds,omitempty"`
	CreatedAt               time.Time     `json:"created_at"`
	UpdatedAt               time.Time     `json:"updated_at"`
	ClosedAt                time.Time     `json:"closed_at"`
	State                   string        `json:"state,omitempty"` // OPEN, COMPLETED, CANCELED, DRAFT
	Version                 int64         `json:"version,omitempty"`
	TotalMoney              Money         `json:"total_money,omitzero"`
	TotalTaxMoney           Money         `json:"total_tax_money,omitzero"`
	TotalDiscountMoney      Money         `json:"total_discount_money,omitzero"`
	TotalTipMoney           Money         `json:"total_tip_money,omitzero"`
	TotalServiceChargeMoney Money         `json:"total_service_charge_money,omitzero"`
	TicketName              string        `json:"ticket_name,omitempty"`
	NetAmountDueMoney       Money         `json:"net_amount_due_money,omitzero"`
}

// MarshalJSON writes o the way Square does.
func (o Order) MarshalJSON() ([]byte, error) { return json.Marshal(o.wire()) }

type (
	plainOrder Order
	orderWire  struct {
		plainOrder
		Tenders   []tenderWire      `json:"tenders,omitempty"`
		Refunds   []orderRefundWire `json:"refunds,omitempty"`
		CreatedAt string            `json:"created_at,omitempty"`
		UpdatedAt string            `json:"updated_at,omitempty"`
		ClosedAt  string            `json:"closed_at,omitempty"`
	}
)

func (o Order) wire() orderWire {
	w := orderWire{plainOrder: plainOrder(o), CreatedAt: stampMilli(o.CreatedAt), UpdatedAt: stampMilli(o.UpdatedAt), ClosedAt: stampMilli(o.ClosedAt)}
	if len(o.Tenders) > 0 {
		w.Tenders = make([]tenderWire, len(o.Tenders))
		for i, t := range o.Tenders {
			w.Tenders[i] = t.wire()
		}
	}
	if len(o.Refunds) > 0 {
		w.Refunds = make([]orderRefundWire, len(o.Refunds))
		for i, r := range o.Refunds {
			w.Refunds[i] = r.wire()
		}
	}
	return w
}

func (o Order) clone() Order {
	if o.Source != nil {
		s := *o.Source
		o.Source = &s
	}
	o.LineItems = append([]LineItem(nil), o.LineItems...)
	for i := range o.LineItems {
		o.LineItems[i].AppliedDiscounts = append([]AppliedDiscount(nil), o.LineItems[i].AppliedDiscounts...)
	}
	o.Discounts = append([]Discount(nil), o.Discounts...)
	o.Returns = append([]Return(nil), o.Returns...)
	for i := range o.Returns {
		o.Returns[i].ReturnLineItems = append([]ReturnLineItem(nil), o.Returns[i].ReturnLineItems...)
		if a := o.Returns[i].ReturnAmounts; a != nil {
			c := *a
			o.Returns[i].ReturnAmounts = &c
		}
	}
	if o.ReturnAmounts != nil {
		c := *o.ReturnAmounts
		o.ReturnAmounts = &c
	}
	if o.NetAmounts != nil {
		c := *o.NetAmounts
		o.NetAmounts = &c
	}
	o.Tenders = append([]Tender(nil), o.Tenders...)
	o.Refunds = append([]OrderRefund(nil), o.Refunds...)
	return o
}

// Card is the part of Square's Card object a payment carries.
type Card struct {
	CardBrand string `json:"card_brand,omitempty"`
	Last4     string `json:"last_4,omitempty"`
	ExpMonth  int    `json:"exp_month,omitempty"`
	ExpYear   int    `json:"exp_year,omitempty"`
	CardType  string `json:"card_type,omitempty"`
}

// CardPaymentDetails is the part of Square's CardPaymentDetails object the fake serves.
type CardPaymentDetails struct {
	Status      string `json:"status,omitempty"`
	Card        *Card  `json:"card,omitempty"`
	EntryMethod string `json:"entry_method,omitempty"`
}

// Payment is Square's Payment object.
type Payment struct {
	ID                string              `json:"id"`
	CreatedAt         time.Time           `json:"created_at"`
	UpdatedAt         time.Time           `json:"updated_at"`
	AmountMoney       Money               `json:"amount_money,omitzero"`
	TipMoney          Money               `json:"tip_money,omitzero"`
	TotalMoney        Money               `json:"total_money,omitzero"`
	ApprovedMoney     Money               `json:"approved_money,omitzero"`
	RefundedMoney     Money               `json:"refunded_money,omitzero"`
	Status            string              `json:"status,omitempty"`      // APPROVED, PENDING, COMPLETED, CANCELED, FAILED
	SourceType        string              `json:"source_type,omitempty"` // CARD, CASH, WALLET, EXTERNAL, ...
	CardDetails       *CardPaymentDetails `json:"card_details,omitempty"`
	LocationID        string              `json:"location_id,omitempty"`
	OrderID           string              `json:"order_id,omitempty"`
	ReferenceID       string              `json:"reference_id,omitempty"`
	CustomerID        string              `json:"customer_id,omitempty"`
	TeamMemberID      string              `json:"team_member_id,omitempty"`
	RefundIDs         []string            `json:"refund_ids,omitempty"`
	BuyerEmailAddress string              `json:"buyer_email_address,omitempty"`
	Note              string              `json:"note,omitempty"`
	ReceiptNumber     string              `json:"receipt_number,omitempty"`
	ReceiptURL        string              `json:"receipt_url,omitempty"`
	IsOfflinePayment  bool                `json:"is_offline_payment,omitempty"`
	VersionToken      string              `json:"version_token,omitempty"`
}

// MarshalJSON writes p the way Square does.
func (p Payment) MarshalJSON() ([]byte, error) { return json.Marshal(p.wire()) }

type (
	plainPayment Payment
	paymentWire  struct {
		plainPayment
		CreatedAt string `json:"created_at,omitempty"`
		UpdatedAt string `json:"updated_at,omitempty"`
	}
)

func (p Payment) wire() paymentWire {
	return paymentWire{plainPayment(p), stampMilli(p.CreatedAt), stampMilli(p.UpdatedAt)}
}

func (p Payment) clone() Payment {
	if p.CardDetails != nil {
		d := *p.CardDetails
		if d.Card != nil {
			c := *d.Card
			d.Card = &c
		}
		p.CardDetails = &d
	}
	p.RefundIDs = cloneStrings(p.RefundIDs)
	return p
}

// Refund is Square's PaymentRefund object, as listed by GET /v2/refunds.
type Refund struct {
	ID              string    `json:"id"`
	Status          string    `json:"status,omitempty"` // PENDING, COMPLETED, REJECTED, FAILED
	LocationID      string    `json:"location_id,omitempty"`
	Unlinked        bool      `json:"unlinked,omitempty"`
	DestinationType string    `json:"destination_type,omitempty"`
	AmountMoney     Money     `json:"amount_money"`
	PaymentID       string    `json:"payment_id,omitempty"`
	OrderID         string    `json:"order_id,omitempty"`
	Reason          string    `json:"reason,omitempty"`
	CreatedAt       time.Time `json:"created_at"`
	UpdatedAt       time.Time `json:"updated_at"`
	TeamMemberID    string    `json:"team_member_id,omitempty"`
}

// MarshalJSON writes r the way Square does.
func (r Refund) MarshalJSON() ([]byte, error) { return json.Marshal(r.wire()) }

type (
	plainRefund Refund
	refundWire  struct {
		plainRefund
		CreatedAt string `json:"created_at,omitempty"`
		UpdatedAt string `json:"updated_at,omitempty"`
	}
)

func (r Refund) wire() refundWire {
	return refundWire{plainRefund(r), stampMilli(r.CreatedAt), stampMilli(r.UpdatedAt)}
}

// AppointmentSegment is Square's AppointmentSegment object.
type AppointmentSegment struct {
	DurationMinutes         int    `json:"duration_minutes,omitempty"`
	ServiceVariationID      string `json:"service_variation_id,omitempty"`
	TeamMemberID            string `json:"team_member_id"`
	ServiceVariationVersion int64  `json:"service_variation_version,omitempty"`
	IntermissionMinutes     int    `json:"intermission_minutes,omitempty"`
	AnyTeamMember           bool   `json:"any_team_member,omitempty"`
}

// BookingCreatorDetails is Square's BookingCreatorDetails object.
type BookingCreatorDetails struct {
	CreatorType  string `json:"creator_type,omitempty"` // TEAM_MEMBER or CUSTOMER
	TeamMemberID string `json:"team_member_id,omitempty"`
	CustomerID   string `json:"customer_id,omitempty"`
}

// Booking is Square's Booking object.
type Booking struct {
	ID                    string                 `json:"id"`
	Version               int                    `json:"version"`
	Status                string                 `json:"status,omitempty"` // PENDING, ACCEPTED, CANCELLED_BY_CUSTOMER, CANCELLED_BY_SELLER, DECLINED, NO_SHOW
	CreatedAt             time.Time              `json:"created_at"`
	UpdatedAt             time.Time              `json:"updated_at"`
	StartAt               time.Time              `json:"start_at"`
	LocationID            string                 `json:"location_id,omitempty"`
	CustomerID            string                 `json:"customer_id,omitempty"`
	CustomerNote          string                 `json:"customer_note"`
	SellerNote            string                 `json:"seller_note"`
	AppointmentSegments   []AppointmentSegment   `json:"appointment_segments,omitempty"`
	TransitionTimeMinutes int                    `json:"transition_time_minutes,omitempty"`
	AllDay                bool                   `json:"all_day,omitempty"`
	LocationType          string                 `json:"location_type,omitempty"`
	CreatorDetails        *BookingCreatorDetails `json:"creator_details,omitempty"`
	Source                string                 `json:"source,omitempty"`
}

// MarshalJSON writes b the way Square does.
func (b Booking) MarshalJSON() ([]byte, error) { return json.Marshal(b.wire()) }

type (
	plainBooking Booking
	bookingWire  struct {
		plainBooking
		CreatedAt string `json:"created_at,omitempty"`
		UpdatedAt string `json:"updated_at,omitempty"`
		StartAt   string `json:"start_at,omitempty"`
	}
)

func (b Booking) wire() bookingWire {
	return bookingWire{plainBooking(b), stampSecond(b.CreatedAt), stampSecond(b.UpdatedAt), stampSecond(b.StartAt)}
}

func (b Booking) clone() Booking {
	b.AppointmentSegments = append([]AppointmentSegment(nil), b.AppointmentSegments...)
	if b.CreatorDetails != nil {
		c := *b.CreatorDetails
		b.CreatorDetails = &c
	}
	return b
}

// Location is Square's Location object.
type Location struct {
	ID            string    `json:"id"`
	Name          string    `json:"name,omitempty"`
	Address       *Address  `json:"address,omitempty"`
	Timezone      string    `json:"timezone,omitempty"`
	Capabilities  []string  `json:"capabilities,omitempty"`
	Status        string    `json:"status,omitempty"` // ACTIVE or INACTIVE
	CreatedAt     time.Time `json:"created_at"`
	MerchantID    string    `json:"merchant_id,omitempty"`
	Country       string    `json:"country,omitempty"`
	LanguageCode  string    `json:"language_code,omitempty"`
	Currency      string    `json:"currency,omitempty"`
	PhoneNumber   string    `json:"phone_number,omitempty"`
	BusinessName  string    `json:"business_name,omitempty"`
	Type          string    `json:"type,omitempty"` // PHYSICAL or MOBILE
	BusinessEmail string    `json:"business_email,omitempty"`
	MCC           string    `json:"mcc,omitempty"`
}

// MarshalJSON writes l the way Square does.
func (l Location) MarshalJSON() ([]byte, error) { return json.Marshal(l.wire()) }

type (
	plainLocation Location
	locationWire  struct {
		plainLocation
		CreatedAt string `json:"created_at,omitempty"`
	}
)

func (l Location) wire() locationWire {
	return locationWire{plainLocation(l), stampSecond(l.CreatedAt)}
}

func (l Location) clone() Location {
	if l.Address != nil {
		a := *l.Address
		l.Address = &a
	}
	l.Capabilities = cloneStrings(l.Capabilities)
	return l
}

// OrderEntry is Square's OrderEntry object, returned by SearchOrders with return_entries.
type OrderEntry struct {
	OrderID    string `json:"order_id"`
	Version    int64  `json:"version,omitempty"`
	LocationID string `json:"location_id"`
}

// Error is one entry of Square's error envelope {"errors":[...]}.
type Error struct {
	Category string `json:"category"`
	Code     string `json:"code"`
	Detail   string `json:"detail,omitempty"`
	Field    string `json:"field,omitempty"`
}

// ErrorResponse is Square's error envelope.
type ErrorResponse struct {
	Errors []Error `json:"errors"`
}

const (
	milliLayout  = "2006-01-02T15:04:05.000Z07:00"
	secondLayout = "2006-01-02T15:04:05Z07:00"
)

// Stamp formats t the way Square writes most timestamps: RFC 3339 in UTC with
// milliseconds, e.g. "2024-05-01T01:02:03.456Z".
func Stamp(t time.Time) string { return stampMilli(t) }

func stampMilli(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(milliLayout)
}

func stampSecond(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(secondLayout)
}

func cloneStrings(s []string) []string {
	if s == nil {
		return nil
	}
	return append([]string(nil), s...)
}
