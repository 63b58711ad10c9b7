package demo

import (
	"fmt"
	"math/rand/v2"
	"net/http"
	"strings"
	"time"

	"github.com/nayose/nayose/connectors/square/squaretest"
)

// squareSource is the salon's register since it moved to Square: a
// customer is created at their first sale there, named in kanji, with the
// e-mail as staff typed it and the phone in international form.
type squareSource struct {
	w         *World
	fake      *squaretest.Server
	customers map[int]string // person → Square customer id
	rng       *rand.Rand
}

func newSquare(w *World) *squareSource {
	fake := &squaretest.Server{}
	fake.SetLocations(squaretest.Location{ID: "L-SANCHA", Name: "hair nayose 三軒茶屋", Status: "ACTIVE",
		Country: "JP", Currency: "JPY", Timezone: "Asia/Tokyo"})
	return &squareSource{w: w, fake: fake, customers: map[int]string{}, rng: rand.New(rand.NewPCG(7, 1))}
}

func (s *squareSource) Name() string          { return "square_pos" }
func (s *squareSource) Handler() http.Handler { return s.fake }

func (s *squareSource) Connector(baseURL, _ string) (Connector, error) {
	return Connector{Name: s.Name(), Type: "square", Options: map[string]any{
		"access_token": squaretest.DefaultAccessToken, "base_url": baseURL, "retry_wait": "200ms",
	}}, nil
}

func (s *squareSource) Owners() map[string]int {
	out := make(map[string]int, len(s.customers))
	for person, id := range s.customers {
		out[id] = person
	}
	return out
}

func (s *squareSource) Record(h Happening) error {
	if h.Kind != Purchase || h.Register {
		return nil
	}
	id := s.customer(h)
	lines := make([]squaretest.LineItem, len(h.Items))
	for i, it := range h.Items {
		lines[i] = squaretest.LineItem{Name: it.name, Quantity: "1", BasePriceMoney: squaretest.Yen(it.price)}
	}
	sale := squaretest.Order{LocationID: "L-SANCHA", CustomerID: id, State: "COMPLETED", LineItems: lines,
		CreatedAt: h.At, UpdatedAt: h.At, ClosedAt: h.At}
	if s.rng.Float64() < 0.15 {
		off := h.Total() / 10
		sale.Discounts = []squaretest.Discount{{UID: "referral", Name: "ご紹介割 10%", Type: "FIXED_PERCENTAGE", Percentage: "10",
			AppliedMoney: squaretest.Yen(off), Scope: "ORDER"}}
		sale.TotalDiscountMoney, sale.TotalMoney = squaretest.Yen(off), squaretest.Yen(h.Total()-off)
	}
	sale = s.fake.AddOrders(sale)[0]
	// Now and then a product comes back a few days later, and now and then
	// a sale is rung up and voided: neither is a sale.
	returned := h.At.Add(time.Duration(1+s.rng.IntN(6)) * 24 * time.Hour)
	if last := h.Items[len(h.Items)-1]; !last.bookable && s.rng.Float64() < 0.1 && returned.Before(s.w.Start) {
		back := squaretest.Yen(last.price)
		s.fake.AddOrders(squaretest.Order{LocationID: "L-SANCHA", CustomerID: id, State: "COMPLETED",
			Returns: []squaretest.Return{{SourceOrderID: sale.ID, ReturnLineItems: []squaretest.ReturnLineItem{
				{Name: last.name, Quantity: "1", BasePriceMoney: back, GrossReturnMoney: back}}}},
			ReturnAmounts: &squaretest.MoneyAmounts{TotalMoney: back}, CreatedAt: returned, UpdatedAt: returned, ClosedAt: returned})
	}
	if s.rng.Float64() < 0.02 {
		s.fake.AddOrders(squaretest.Order{LocationID: "L-SANCHA", CustomerID: id, State: "CANCELED", LineItems: lines,
			CreatedAt: h.At.Add(-time.Minute), UpdatedAt: h.At.Add(-time.Minute)})
	}
	return nil
}

func (s *squareSource) customer(h Happening) string {
	p := h.Person
	if id, ok := s.customers[p.ID]; ok {
		return id
	}
	c := squaretest.Customer{GivenName: p.Given.kanji, FamilyName: p.Family.kanji, CreatedAt: h.At, UpdatedAt: h.At,
		PhoneNumber: squarePhone(p.Mobile, s.rng), CreationSource: "DIRECTORY"}
	if p.Email != "" && s.rng.Float64() < 0.85 {
		c.EmailAddress = staffTyped(p.Email, s.rng)
	}
	if !p.Birthday.IsZero() && s.rng.Float64() < 0.5 {
		c.Birthday = p.Birthday.Format("2006-01-02")
	}
	if s.rng.Float64() < 0.4 {
		c.Address = &squaretest.Address{PostalCode: p.Home.postal, AdministrativeDistrictLevel1: p.Home.pref,
			Locality: p.Home.city, AddressLine1: p.Home.town + p.Street, Country: "JP"}
	}
	c = s.fake.AddCustomers(c)[0]
	s.customers[p.ID] = c.ID
	return c.ID
}

// squarePhone writes a mobile number as Square's customer directory
// shows it: mostly "+81 90-1234-5678", sometimes as typed, "090-1234-5678".
func squarePhone(mobile string, r *rand.Rand) string {
	d := mobile[1:]
	if r.Float64() < 0.7 {
		return fmt.Sprintf("+81 %s-%s-%s", d[:2], d[2:6], d[6:])
	}
	return fmt.Sprintf("%s-%s-%s", mobile[:3], mobile[3:7], mobile[7:])
}

// staffTyped is an e-mail address as someone at the counter typed it:
// capitalized now and then.
func staffTyped(email string, r *rand.Rand) string {
	if r.Float64() < 0.25 {
		local, domain, _ := strings.Cut(email, "@")
		return strings.ToUpper(local[:1]) + local[1:] + "@" + domain
	}
	return email
}
