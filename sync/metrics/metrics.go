// Package metrics turns a customer's dated facts into the figures a shop
// owner reads: lifecycle stage, sales, recent contacts, dormancy, RFM
// scores with a named segment, and lifetime value. It is pure: the sync
// engine gathers the facts and stores the figures.
package metrics

import (
	"slices"
	"time"
)

// Activity kinds the figures read (connectors.ActivityKind values).
const (
	kindPurchase   = "purchase"
	kindRefund     = "refund"
	kindDiscount   = "discount"
	kindBooking    = "booking"
	kindInquiry    = "inquiry"
	kindMessage    = "message"
	kindEmailClick = "email_click"
)

// Lifecycle stages.
const (
	StageProspect    = "prospect"    // known, never bought: subscriber, follower, inquirer
	StageOpportunity = "opportunity" // never bought, booked or asked within OpportunityDays
	StageCustomer    = "customer"    // one purchase
	StageRepeat      = "repeat"      // two or more
	StageDormant     = "dormant"     // has bought, silent past the dormancy threshold
)

// ContactWindow is how far back "contacts in the last 90 days" looks.
const ContactWindow = 90 * 24 * time.Hour

// ContactKinds are the activities that count as contacts: a person
// reaching out or engaging (bookings, messages, inquiries, email clicks).
var ContactKinds = []string{kindBooking, kindMessage, kindInquiry, kindEmailClick}

// Options set the thresholds; zero values take the defaults.
type Options struct {
	// Location is where days begin and end. Default Asia/Tokyo.
	Location *time.Location
	// DormantAfterDays: a customer who bought is dormant after this many
	// days without a purchase. Default 180.
	DormantAfterDays int
	// RhythmFactor, when above zero, judges customers with enough history
	// by their own rhythm instead: dormant once silent for RhythmFactor
	// times their median gap between purchases.
	RhythmFactor float64
	// RhythmMinPurchases is the history the rhythm needs. Default 4.
	RhythmMinPurchases int
	// OpportunityDays: someone who never bought but booked or asked within
	// this many days is an opportunity. Default 30.
	OpportunityDays int
}

// WithDefaults fills the zero values.
func (o Options) WithDefaults() Options {
	if o.Location == nil {
		o.Location = defaultLocation
	}
	if o.DormantAfterDays <= 0 {
		o.DormantAfterDays = 180
	}
	if o.RhythmMinPurchases <= 0 {
		o.RhythmMinPurchases = 4
	}
	if o.OpportunityDays <= 0 {
		o.OpportunityDays = 30
	}
	return o
}

// NeedsPurchaseTimes reports whether Compute needs each purchase's time
// for a customer with this many purchases.
func (o Options) NeedsPurchaseTimes(purchases int) bool {
	o = o.WithDefaults()
	return o.RhythmFactor > 0 && purchases >= max(o.RhythmMinPurchases, 2)
}

// defaultLocation is Asia/Tokyo, loaded once; it is never changed.
var defaultLocation = tokyo()

func tokyo() *time.Location {
	loc, err := time.LoadLocation("Asia/Tokyo")
	if err != nil {
		return time.FixedZone("JST", 9*60*60)
	}
	return loc
}

// Totals sums a customer's activities of one kind and currency.
type Totals struct {
	Kind     string
	Currency string
	N        int
	Amount   int64 // in minor units
	First    *time.Time
	Last     *time.Time
	// Recent counts those within ContactWindow of now.
	Recent int
}

// Facts are what the figures are computed from.
type Facts struct {
	Totals []Totals
	// PurchaseTimes are the customer's purchases, any order; needed only
	// when Options.NeedsPurchaseTimes says so.
	PurchaseTimes []time.Time
}

// Figures are a customer's computed metrics. Money is in Currency, the
// currency most of the customer's purchases use.
type Figures struct {
	Stage           string
	Currency        string
	PurchaseCount   int
	GrossSales      int64 // before discounts: what was charged plus the discounts given
	DiscountTotal   int64
	RefundTotal     int64
	NetSales        int64 // gross less discounts and refunds: what the customer paid and kept
	FirstPurchaseAt *time.Time
	LastPurchaseAt  *time.Time
	FirstActivityAt *time.Time
	LastActivityAt  *time.Time
	Contacts90d     int
	// DormantSince is when the customer crossed the dormancy threshold
	// (nil unless dormant): it stays the same while the episode lasts.
	DormantSince *time.Time
	// LTV is net sales to date plus one more year at the customer's own
	// yearly rate (net sales over the years since their first purchase, at
	// least one); a dormant customer's future is counted as nothing.
	LTV int64
}

// Compute derives a customer's figures as of now. Purchase amounts are
// what was charged (after discounts); canceled sales never arrive as
// purchases, so they count for nothing.
func Compute(f Facts, now time.Time, o Options) Figures {
	o = o.WithDefaults()
	var out Figures
	perCurrency := map[string]int{}
	var lastContact *time.Time
	for _, t := range f.Totals {
		if t.Kind == kindPurchase {
			perCurrency[t.Currency] += t.N
		}
		out.FirstActivityAt = earliest(out.FirstActivityAt, t.First)
		out.LastActivityAt = latest(out.LastActivityAt, t.Last)
		if slices.Contains(ContactKinds, t.Kind) {
			out.Contacts90d += t.Recent
		}
		if t.Kind == kindBooking || t.Kind == kindInquiry || t.Kind == kindMessage {
			lastContact = latest(lastContact, t.Last)
		}
	}
	for cur, n := range perCurrency {
		if out.Currency == "" || n > perCurrency[out.Currency] || (n == perCurrency[out.Currency] && cur < out.Currency) {
			out.Currency = cur
		}
	}
	var charged int64
	for _, t := range f.Totals {
		switch t.Kind {
		case kindPurchase:
			out.PurchaseCount += t.N
			out.FirstPurchaseAt = earliest(out.FirstPurchaseAt, t.First)
			out.LastPurchaseAt = latest(out.LastPurchaseAt, t.Last)
			if t.Currency == out.Currency {
				charged += t.Amount
			}
		case kindRefund:
			if t.Currency == out.Currency {
				out.RefundTotal += t.Amount
			}
		case kindDiscount:
			if t.Currency == out.Currency {
				out.DiscountTotal += t.Amount
			}
		}
	}
	out.GrossSales = charged + out.DiscountTotal
	out.NetSales = out.GrossSales - out.DiscountTotal - out.RefundTotal

	switch {
	case out.PurchaseCount == 0:
		out.Stage = StageProspect
		if lastContact != nil && !lastContact.Before(daysBefore(now, o.OpportunityDays, o.Location)) {
			out.Stage = StageOpportunity
		}
	default:
		since := dormantSince(*out.LastPurchaseAt, f.PurchaseTimes, out.PurchaseCount, o)
		switch {
		case !now.Before(since):
			out.Stage, out.DormantSince = StageDormant, &since
		case out.PurchaseCount >= 2:
			out.Stage = StageRepeat
		default:
			out.Stage = StageCustomer
		}
	}
	out.LTV = lifetimeValue(out, now)
	return out
}

// dormantSince is when a customer whose last purchase was at last becomes
// dormant: the start of the day, in the configured location, that many
// days after the last purchase's day.
func dormantSince(last time.Time, purchases []time.Time, count int, o Options) time.Time {
	if o.NeedsPurchaseTimes(count) && len(purchases) >= 2 {
		if gap := medianGap(purchases); gap > 0 {
			return last.Add(time.Duration(o.RhythmFactor * float64(gap)))
		}
	}
	day := startOfDay(last, o.Location)
	return day.AddDate(0, 0, o.DormantAfterDays)
}

// medianGap is the median time between consecutive purchases.
func medianGap(times []time.Time) time.Duration {
	ts := slices.Clone(times)
	slices.SortFunc(ts, time.Time.Compare)
	gaps := make([]time.Duration, 0, len(ts)-1)
	for i := 1; i < len(ts); i++ {
		gaps = append(gaps, ts[i].Sub(ts[i-1]))
	}
	slices.Sort(gaps)
	n := len(gaps)
	if n%2 == 1 {
		return gaps[n/2]
	}
	return (gaps[n/2-1] + gaps[n/2]) / 2
}

func lifetimeValue(f Figures, now time.Time) int64 {
	if f.PurchaseCount == 0 || f.NetSales <= 0 {
		return max(f.NetSales, 0)
	}
	if f.Stage == StageDormant {
		return f.NetSales
	}
	years := now.Sub(*f.FirstPurchaseAt).Hours() / (24 * 365.25)
	return f.NetSales + int64(float64(f.NetSales)/max(years, 1))
}

func startOfDay(t time.Time, loc *time.Location) time.Time {
	y, m, d := t.In(loc).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, loc)
}

// daysBefore is the start of the day n days before now's day.
func daysBefore(now time.Time, n int, loc *time.Location) time.Time {
	return startOfDay(now, loc).AddDate(0, 0, -n)
}

func earliest(a, b *time.Time) *time.Time {
	if b == nil || (a != nil && !b.Before(*a)) {
		return a
	}
	t := *b
	return &t
}

func latest(a, b *time.Time) *time.Time {
	if b == nil || (a != nil && !b.After(*a)) {
		return a
	}
	t := *b
	return &t
}
