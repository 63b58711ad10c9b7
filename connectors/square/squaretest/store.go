package squaretest

import (
	"fmt"
	"slices"
	"strconv"
	"time"
)

// Records are immutable once stored: a mutation builds a new record and swaps it in, so
// a page copied out under the lock can be encoded after the lock is released.

type customerRec struct {
	c                Customer
	created, updated int64  // milliseconds
	name             string // the DEFAULT sort key
}

func newCustomerRec(c Customer) *customerRec {
	return &customerRec{c: c, created: msOf(c.CreatedAt), updated: msOf(c.UpdatedAt), name: sortName(&c)}
}

// sortName is Square's DEFAULT customer sort key: given_name and family_name
// concatenated; without either, company_name, then email_address, then phone_number.
func sortName(c *Customer) string {
	switch {
	case c.GivenName != "" || c.FamilyName != "":
		return c.GivenName + c.FamilyName
	case c.CompanyName != "":
		return c.CompanyName
	case c.EmailAddress != "":
		return c.EmailAddress
	}
	return c.PhoneNumber
}

// public reports whether Square lists the profile: only profiles with a given_name,
// family_name, company_name, email_address or phone_number appear in list and search.
func (r *customerRec) public() bool {
	c := &r.c
	return c.GivenName != "" || c.FamilyName != "" || c.CompanyName != "" || c.EmailAddress != "" || c.PhoneNumber != ""
}

type orderRec struct {
	id                       string
	loc                      string
	customer                 string
	state                    string
	created, updated, closed int64 // milliseconds; closed is 0 while the order is open
	version                  int64
	full                     *Order // orders added with AddOrders or changed with UpdateOrder

	// Generated orders are stored in this compact form and built on demand (see
	// generate.go): gen seeds their details, src is the sale a return order returns.
	gen   uint64
	src   *orderRec
	flags uint8
}

func newOrderRec(o *Order) *orderRec {
	return &orderRec{
		id: o.ID, loc: o.LocationID, customer: o.CustomerID, state: o.State,
		created: msOf(o.CreatedAt), updated: msOf(o.UpdatedAt), closed: msOf(o.ClosedAt),
		version: o.Version, full: o,
	}
}

type paymentRec struct {
	id, loc, customer string
	created, updated  int64
	full              *Payment
	order             *orderRec  // generated payments: the sale paid
	refund            *refundRec // generated payments: the refund against it, if any
}

func newPaymentRec(p *Payment) *paymentRec {
	return &paymentRec{id: p.ID, loc: p.LocationID, customer: p.CustomerID, created: msOf(p.CreatedAt), updated: msOf(p.UpdatedAt), full: p}
}

type refundRec struct {
	id, loc          string
	created, updated int64
	full             *Refund
	// Generated refunds: the payment refunded (nil for an unlinked refund), the return
	// order (nil for a refund without one), and the amount of one without a return order.
	payment *paymentRec
	order   *orderRec
	amount  int64
}

func newRefundRec(r *Refund) *refundRec {
	return &refundRec{id: r.ID, loc: r.LocationID, created: msOf(r.CreatedAt), updated: msOf(r.UpdatedAt), full: r}
}

type bookingRec struct {
	b     Booking
	start int64
}

func msOf(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMilli()
}

func toMilli(t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	return t.UTC().Truncate(time.Millisecond)
}

func toSecond(t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	return t.UTC().Truncate(time.Second)
}

// ID kinds, each with Square's ID shape.
const (
	kindCustomer = iota + 1
	kindOrder
	kindPayment
	kindRefund
	kindBooking
	kindLocation
	kindUID
	kindTeamMember
	kindService
	kindMerchant
)

const (
	alnum      = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	crockford  = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
	lowerAlnum = "0123456789abcdefghijklmnopqrstuvwxyz"
)

// makeID draws an ID of the given kind from h: same h, same ID.
func makeID(kind int, h uint64) string {
	switch kind {
	case kindCustomer:
		return randString("", crockford, 26, h) // EX2QSVGTZN4K1E5QE1CBFNVQ8M
	case kindOrder:
		return randString("", alnum, 27, h) // CAISENgvlJ6jLWAzERDzjyHVybY
	case kindPayment:
		return randString("", alnum, 29, h) // bP9mAsEMYPUGjjGNaNO5ZDVyLhSZY
	case kindRefund:
		return randString("", alnum, 43, h)
	case kindBooking:
		return randString("", lowerAlnum, 14, h) // zkras0xv0xwswx
	case kindLocation:
		return randString("L", crockford, 12, h) // L88917AVBK2S5
	case kindUID:
		return randString("", alnum, 22, h)
	case kindTeamMember:
		return randString("TM", alnum, 14, h) // TMXUrsBWWcHTt79t
	case kindService:
		return randString("", crockford, 24, h) // RU3PBTZTK7DXZDQFCJHOK2MC
	case kindMerchant:
		return randString("ML", crockford, 11, h)
	}
	panic("squaretest: unknown ID kind")
}

func randString(prefix, alphabet string, n int, h uint64) string {
	var buf [64]byte
	b := append(buf[:0], prefix...)
	r := rng{s: h}
	var x uint64
	for i := range n {
		if i%8 == 0 {
			x = r.next()
		}
		b = append(b, alphabet[int(x&0xff)%len(alphabet)])
		x >>= 8
	}
	return string(b)
}

// newIDLocked returns a fresh ID for an entity added without one. IDs come from a
// counter, so a test that adds the same entities gets the same IDs every run.
func (s *Server) newIDLocked(kind int) string {
	s.seq++
	return makeID(kind, mix(0x5351554152455445^uint64(kind)<<48, s.seq))
}

// Locations.

// SetLocations replaces the seller's locations. The first one is the main location,
// which GET /v2/payments lists by default. Missing fields get a Japanese shop's
// defaults: status ACTIVE, country JP, currency JPY, timezone Asia/Tokyo.
func (s *Server) SetLocations(ls ...Location) []Location {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.initLocked()
	now := s.now()
	s.locations = s.locations[:0]
	for _, l := range ls {
		s.locations = append(s.locations, s.normalizeLocationLocked(l.clone(), now))
	}
	return s.locationsLocked()
}

// Locations returns the seller's locations, main location first.
func (s *Server) Locations() []Location {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.locationsLocked()
}

func (s *Server) locationsLocked() []Location {
	out := make([]Location, len(s.locations))
	for i, l := range s.locations {
		out[i] = l.clone()
	}
	return out
}

func (s *Server) normalizeLocationLocked(l Location, now time.Time) Location {
	if l.ID == "" {
		l.ID = s.newIDLocked(kindLocation)
	}
	if l.Name == "" {
		l.Name = l.ID
	}
	if l.Status == "" {
		l.Status = "ACTIVE"
	}
	if l.Country == "" {
		l.Country = "JP"
	}
	if l.Currency == "" {
		l.Currency = "JPY"
	}
	if l.Timezone == "" {
		l.Timezone = "Asia/Tokyo"
	}
	if l.LanguageCode == "" {
		l.LanguageCode = "ja-JP"
	}
	if l.Type == "" {
		l.Type = "PHYSICAL"
	}
	if l.CreatedAt.IsZero() {
		l.CreatedAt = now
	}
	l.CreatedAt = toSecond(l.CreatedAt)
	return l
}

func (s *Server) findLocationLocked(id string) (Location, bool) {
	for _, l := range s.locations {
		if l.ID == id {
			return l, true
		}
	}
	return Location{}, false
}

// mainLocationIDLocked returns the main location, creating one if there is none yet.
func (s *Server) mainLocationIDLocked() string {
	if len(s.locations) == 0 {
		s.locations = append(s.locations, s.normalizeLocationLocked(Location{Name: "本店"}, s.now()))
	}
	return s.locations[0].ID
}

// ensureLocationLocked makes sure an entity's location exists, so that a test can add
// orders for "L1" without declaring L1 first.
func (s *Server) ensureLocationLocked(id string) {
	if _, ok := s.findLocationLocked(id); !ok {
		s.locations = append(s.locations, s.normalizeLocationLocked(Location{ID: id}, s.now()))
	}
}

// Customers.

// AddCustomers stores customers, replacing any with the same ID, and returns them as
// stored. A missing ID is generated; a zero created_at is Now; a zero updated_at is
// created_at. Timestamps are truncated to milliseconds, as Square reports them.
func (s *Server) AddCustomers(cs ...Customer) []Customer {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.initLocked()
	now := s.now()
	out := make([]Customer, len(cs))
	recs := make([]*customerRec, len(cs))
	for i, c := range cs {
		c = c.clone()
		if c.ID == "" {
			c.ID = s.newIDLocked(kindCustomer)
		}
		if c.CreatedAt.IsZero() {
			c.CreatedAt = now
		}
		if c.UpdatedAt.IsZero() {
			c.UpdatedAt = c.CreatedAt
		}
		c.CreatedAt, c.UpdatedAt = toMilli(c.CreatedAt), toMilli(c.UpdatedAt)
		recs[i] = newCustomerRec(c)
		out[i] = c.clone()
	}
	s.customers.putMany(recs)
	return out
}

// UpdateCustomer changes a customer the way an edit in Square does: fn edits a copy,
// then updated_at becomes Now and version goes up by one. fn must not call the Server.
func (s *Server) UpdateCustomer(id string, fn func(*Customer)) (Customer, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.initLocked()
	old := s.customers.get(id)
	if old == nil {
		return Customer{}, fmt.Errorf("squaretest: no customer %q", id)
	}
	c := old.c.clone()
	fn(&c)
	c.ID, c.CreatedAt = id, old.c.CreatedAt
	c.UpdatedAt = s.now()
	c.Version = old.c.Version + 1
	s.customers.put(newCustomerRec(c))
	return c.clone(), nil
}

// DeleteCustomer removes a customer; it no longer appears in list or search.
func (s *Server) DeleteCustomer(id string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.initLocked()
	return s.customers.delete(id)
}

// Customer returns the stored customer with the given ID.
func (s *Server) Customer(id string) (Customer, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.initLocked()
	if r := s.customers.get(id); r != nil {
		return r.c.clone(), true
	}
	return Customer{}, false
}

// Customers returns every stored customer, oldest created_at first.
func (s *Server) Customers() []Customer {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.initLocked()
	out := make([]Customer, 0, len(s.custCrt.items))
	for _, r := range s.custCrt.items {
		out = append(out, r.c.clone())
	}
	return out
}

// Orders.

// AddOrders stores orders, replacing any with the same ID, and returns them as stored.
// Defaults: a generated ID, the main location, state OPEN, created_at Now, updated_at
// created_at, closed_at updated_at for COMPLETED and CANCELED orders, quantity "1".
// Money left at zero is derived: a line item's gross and total from base price and
// quantity, the order's total, discount and net amounts from its line items. An
// unknown location_id is added to the locations.
func (s *Server) AddOrders(os ...Order) []Order {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.initLocked()
	now := s.now()
	out := make([]Order, len(os))
	recs := make([]*orderRec, len(os))
	for i, o := range os {
		o = o.clone()
		s.normalizeOrderLocked(&o, now)
		recs[i] = newOrderRec(&o)
		out[i] = o.clone()
	}
	s.orders.putMany(recs)
	return out
}

// AddLate stores an order that appears now but whose updated_at lies lag in the past,
// like a Point of Sale order taken offline and uploaded later (Square: up to 72 h) or a
// change that took a while to propagate. An incremental sync that starts each window
// exactly where the last one ended never sees it; one whose windows overlap by more
// than lag does. A zero or later created_at becomes updated_at.
func (s *Server) AddLate(o Order, lag time.Duration) Order {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.initLocked()
	now := s.now()
	o = o.clone()
	o.UpdatedAt = now.Add(-lag)
	if o.CreatedAt.IsZero() || o.CreatedAt.After(o.UpdatedAt) {
		o.CreatedAt = o.UpdatedAt
	}
	if !o.ClosedAt.IsZero() && o.ClosedAt.After(o.UpdatedAt) {
		o.ClosedAt = o.UpdatedAt
	}
	s.normalizeOrderLocked(&o, now)
	s.orders.put(newOrderRec(&o))
	return o.clone()
}

// UpdateOrder changes an order: fn edits a copy, then updated_at becomes Now, version
// goes up by one if the order has one, and closed_at is set if fn moved the order to a
// terminal state. fn must not call the Server.
func (s *Server) UpdateOrder(id string, fn func(*Order)) (Order, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.initLocked()
	old := s.orders.get(id)
	if old == nil {
		return Order{}, fmt.Errorf("squaretest: no order %q", id)
	}
	prev := s.orderOfLocked(old)
	o := prev.clone()
	fn(&o)
	now := s.now()
	o.ID, o.CreatedAt, o.UpdatedAt = id, prev.CreatedAt, now
	if prev.Version > 0 {
		o.Version = prev.Version + 1
	}
	if o.ClosedAt.IsZero() && (o.State == "COMPLETED" || o.State == "CANCELED") {
		o.ClosedAt = now
	}
	s.normalizeOrderLocked(&o, now)
	s.orders.put(newOrderRec(&o))
	return o.clone(), nil
}

// Order returns the stored order with the given ID.
func (s *Server) Order(id string) (Order, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.initLocked()
	if r := s.orders.get(id); r != nil {
		return s.orderOfLocked(r).clone(), true
	}
	return Order{}, false
}

func (s *Server) normalizeOrderLocked(o *Order, now time.Time) {
	if o.ID == "" {
		o.ID = s.newIDLocked(kindOrder)
	}
	if o.LocationID == "" {
		o.LocationID = s.mainLocationIDLocked()
	}
	s.ensureLocationLocked(o.LocationID)
	if o.State == "" {
		o.State = "OPEN"
	}
	if o.CreatedAt.IsZero() {
		o.CreatedAt = now
	}
	if o.UpdatedAt.IsZero() {
		o.UpdatedAt = o.CreatedAt
	}
	if o.ClosedAt.IsZero() && (o.State == "COMPLETED" || o.State == "CANCELED") {
		o.ClosedAt = o.UpdatedAt
	}
	o.CreatedAt, o.UpdatedAt, o.ClosedAt = toMilli(o.CreatedAt), toMilli(o.UpdatedAt), toMilli(o.ClosedAt)
	for i := range o.Tenders {
		if o.Tenders[i].CreatedAt.IsZero() {
			o.Tenders[i].CreatedAt = o.UpdatedAt
		}
		o.Tenders[i].CreatedAt = toMilli(o.Tenders[i].CreatedAt)
	}
	for i := range o.Refunds {
		if o.Refunds[i].CreatedAt.IsZero() {
			o.Refunds[i].CreatedAt = o.UpdatedAt
		}
		o.Refunds[i].CreatedAt = toMilli(o.Refunds[i].CreatedAt)
	}

	currency := ""
	var total, discount, tax int64
	for i := range o.LineItems {
		li := &o.LineItems[i]
		if li.Quantity == "" {
			li.Quantity = "1"
		}
		if li.BasePriceMoney.Currency != "" {
			currency = li.BasePriceMoney.Currency
		}
		if q, err := strconv.ParseInt(li.Quantity, 10, 64); err == nil && li.BasePriceMoney != (Money{}) {
			gross := Money{Amount: li.BasePriceMoney.Amount * q, Currency: li.BasePriceMoney.Currency}
			if li.VariationTotalPriceMoney == (Money{}) {
				li.VariationTotalPriceMoney = gross
			}
			if li.GrossSalesMoney == (Money{}) {
				li.GrossSalesMoney = gross
			}
			if li.TotalMoney == (Money{}) {
				li.TotalMoney = Money{Amount: gross.Amount - li.TotalDiscountMoney.Amount, Currency: gross.Currency}
			}
		}
		total += li.TotalMoney.Amount
		discount += li.TotalDiscountMoney.Amount
		tax += li.TotalTaxMoney.Amount
	}
	if currency == "" {
		return
	}
	if o.TotalMoney == (Money{}) {
		o.TotalMoney = Money{Amount: total, Currency: currency}
	}
	if o.TotalDiscountMoney == (Money{}) && discount != 0 {
		o.TotalDiscountMoney = Money{Amount: discount, Currency: currency}
	}
	if o.TotalTaxMoney == (Money{}) && tax != 0 {
		o.TotalTaxMoney = Money{Amount: tax, Currency: currency}
	}
	if o.NetAmounts == nil {
		o.NetAmounts = &MoneyAmounts{
			TotalMoney:    o.TotalMoney,
			TaxMoney:      Money{Amount: o.TotalTaxMoney.Amount, Currency: currency},
			DiscountMoney: Money{Amount: o.TotalDiscountMoney.Amount, Currency: currency},
		}
	}
}

// Payments.

// AddPayments stores payments, replacing any with the same ID, and returns them as
// stored. Defaults: a generated ID, the main location, status COMPLETED, created_at
// Now, updated_at created_at, total_money amount_money plus tip_money.
func (s *Server) AddPayments(ps ...Payment) []Payment {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.initLocked()
	now := s.now()
	out := make([]Payment, len(ps))
	recs := make([]*paymentRec, len(ps))
	for i, p := range ps {
		p = p.clone()
		s.normalizePaymentLocked(&p, now)
		recs[i] = newPaymentRec(&p)
		out[i] = p.clone()
	}
	s.payments.putMany(recs)
	return out
}

// UpdatePayment changes a payment: fn edits a copy, then updated_at becomes Now.
// fn must not call the Server.
func (s *Server) UpdatePayment(id string, fn func(*Payment)) (Payment, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.initLocked()
	old := s.payments.get(id)
	if old == nil {
		return Payment{}, fmt.Errorf("squaretest: no payment %q", id)
	}
	prev := s.paymentOfLocked(old)
	p := prev.clone()
	fn(&p)
	p.ID, p.CreatedAt, p.UpdatedAt = id, prev.CreatedAt, s.now()
	s.normalizePaymentLocked(&p, p.UpdatedAt)
	s.payments.put(newPaymentRec(&p))
	return p.clone(), nil
}

// Payment returns the stored payment with the given ID.
func (s *Server) Payment(id string) (Payment, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.initLocked()
	if r := s.payments.get(id); r != nil {
		return s.paymentOfLocked(r).clone(), true
	}
	return Payment{}, false
}

func (s *Server) normalizePaymentLocked(p *Payment, now time.Time) {
	if p.ID == "" {
		p.ID = s.newIDLocked(kindPayment)
	}
	if p.LocationID == "" {
		p.LocationID = s.mainLocationIDLocked()
	}
	s.ensureLocationLocked(p.LocationID)
	if p.Status == "" {
		p.Status = "COMPLETED"
	}
	if p.CreatedAt.IsZero() {
		p.CreatedAt = now
	}
	if p.UpdatedAt.IsZero() {
		p.UpdatedAt = p.CreatedAt
	}
	p.CreatedAt, p.UpdatedAt = toMilli(p.CreatedAt), toMilli(p.UpdatedAt)
	if p.TotalMoney == (Money{}) && p.AmountMoney != (Money{}) {
		p.TotalMoney = Money{Amount: p.AmountMoney.Amount + p.TipMoney.Amount, Currency: p.AmountMoney.Currency}
	}
}

// Refunds.

// AddRefunds stores payment refunds, replacing any with the same ID, and returns them
// as stored. Defaults: an ID made of the payment ID and a suffix, as Square's are; the
// payment's location (else the main location); status COMPLETED; created_at Now;
// updated_at created_at.
func (s *Server) AddRefunds(rs ...Refund) []Refund {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.initLocked()
	now := s.now()
	out := make([]Refund, len(rs))
	recs := make([]*refundRec, len(rs))
	for i, r := range rs {
		if r.ID == "" {
			r.ID = s.newIDLocked(kindRefund)
			if r.PaymentID != "" {
				r.ID = r.PaymentID + "_" + r.ID
			}
		}
		if r.LocationID == "" {
			if p := s.payments.get(r.PaymentID); p != nil {
				r.LocationID = p.loc
			} else {
				r.LocationID = s.mainLocationIDLocked()
			}
		}
		s.ensureLocationLocked(r.LocationID)
		if r.Status == "" {
			r.Status = "COMPLETED"
		}
		if r.CreatedAt.IsZero() {
			r.CreatedAt = now
		}
		if r.UpdatedAt.IsZero() {
			r.UpdatedAt = r.CreatedAt
		}
		r.CreatedAt, r.UpdatedAt = toMilli(r.CreatedAt), toMilli(r.UpdatedAt)
		recs[i] = newRefundRec(&r)
		out[i] = r
	}
	s.refunds.putMany(recs)
	return out
}

// Refund returns the stored payment refund with the given ID.
func (s *Server) Refund(id string) (Refund, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.initLocked()
	if r := s.refunds.get(id); r != nil {
		return s.refundOfLocked(r), true
	}
	return Refund{}, false
}

// Bookings.

// AddBookings stores bookings, replacing any with the same ID, and returns them as
// stored. Defaults: a generated ID, status ACCEPTED, the main location, created_at Now,
// updated_at created_at, start_at created_at. Booking timestamps have whole seconds.
func (s *Server) AddBookings(bs ...Booking) []Booking {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.initLocked()
	now := s.now()
	out := make([]Booking, len(bs))
	recs := make([]*bookingRec, len(bs))
	for i, b := range bs {
		b = b.clone()
		s.normalizeBookingLocked(&b, now)
		recs[i] = &bookingRec{b: b, start: msOf(b.StartAt)}
		out[i] = b.clone()
	}
	s.bookings.putMany(recs)
	return out
}

// UpdateBooking changes a booking: fn edits a copy, then updated_at becomes Now and
// version goes up by one. fn must not call the Server.
func (s *Server) UpdateBooking(id string, fn func(*Booking)) (Booking, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.initLocked()
	old := s.bookings.get(id)
	if old == nil {
		return Booking{}, fmt.Errorf("squaretest: no booking %q", id)
	}
	b := old.b.clone()
	fn(&b)
	b.ID, b.CreatedAt, b.UpdatedAt = id, old.b.CreatedAt, s.now()
	b.Version = old.b.Version + 1
	s.normalizeBookingLocked(&b, b.UpdatedAt)
	s.bookings.put(&bookingRec{b: b, start: msOf(b.StartAt)})
	return b.clone(), nil
}

// Booking returns the stored booking with the given ID.
func (s *Server) Booking(id string) (Booking, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.initLocked()
	if r := s.bookings.get(id); r != nil {
		return r.b.clone(), true
	}
	return Booking{}, false
}

func (s *Server) normalizeBookingLocked(b *Booking, now time.Time) {
	if b.ID == "" {
		b.ID = s.newIDLocked(kindBooking)
	}
	if b.Status == "" {
		b.Status = "ACCEPTED"
	}
	if b.LocationID == "" {
		b.LocationID = s.mainLocationIDLocked()
	}
	s.ensureLocationLocked(b.LocationID)
	if b.CreatedAt.IsZero() {
		b.CreatedAt = now
	}
	if b.UpdatedAt.IsZero() {
		b.UpdatedAt = b.CreatedAt
	}
	if b.StartAt.IsZero() {
		b.StartAt = b.CreatedAt
	}
	b.CreatedAt, b.UpdatedAt, b.StartAt = toSecond(b.CreatedAt), toSecond(b.UpdatedAt), toSecond(b.StartAt)
}

// Counts is how many entities of each kind a Server holds.
type Counts struct {
	Locations, Customers, Orders, Payments, Refunds, Bookings int
}

// Counts returns how many entities of each kind the Server holds.
func (s *Server) Counts() Counts {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.initLocked()
	return Counts{
		Locations: len(s.locations),
		Customers: s.customers.len(),
		Orders:    s.orders.len(),
		Payments:  s.payments.len(),
		Refunds:   s.refunds.len(),
		Bookings:  s.bookings.len(),
	}
}

// orderCustomerMatch reports whether an order belongs to one of the customers, by its
// customer_id or a tender's, as Square's customer_filter does.
func orderCustomerMatch(r *orderRec, ids []string) bool {
	if slices.Contains(ids, r.customer) && r.customer != "" {
		return true
	}
	if r.full != nil {
		for _, t := range r.full.Tenders {
			if t.CustomerID != "" && slices.Contains(ids, t.CustomerID) {
				return true
			}
		}
	}
	return false
}
