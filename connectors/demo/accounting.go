package demo

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"

	"github.com/nayose/nayose/connectors/freee/freeetest"
	"github.com/nayose/nayose/connectors/xero/xerotest"
)

// freeeSource is the salon's books in freee 会計: a person billed for a
// bridal set is a 取引先 with their name, its reading, e-mail and phone as
// written on the order form, and the deal is paid by transfer.
type freeeSource struct {
	w        *World
	fake     *freeetest.Server
	partners map[int]int64 // person → partner id
}

func newFreee(w *World) *freeeSource {
	return &freeeSource{w: w, fake: &freeetest.Server{}, partners: map[int]int64{}}
}

func (s *freeeSource) Name() string          { return "freee_books" }
func (s *freeeSource) Handler() http.Handler { return s.fake }

func (s *freeeSource) Owners() map[string]int {
	out := make(map[string]int, len(s.partners))
	for person, id := range s.partners {
		out[strconv.FormatInt(id, 10)] = person
	}
	return out
}

func (s *freeeSource) Connector(baseURL, _ string) (Connector, error) {
	return Connector{Name: s.Name(), Type: "freee", Options: map[string]any{
		"token": freeetest.DefaultAccessToken, "base_url": baseURL, "from_days": 1100, "rate_limit": 50, "retry_wait": "200ms",
	}}, nil
}

func (s *freeeSource) Record(h Happening) error {
	if h.Kind != Invoiced {
		return nil
	}
	p := h.Person
	id, ok := s.partners[p.ID]
	if !ok {
		part := freeetest.Partner{Name: p.Family.kanji + " " + p.Given.kanji, NameKana: p.Family.kana + " " + p.Given.kana,
			Email: p.Email, Phone: fmt.Sprintf("%s-%s-%s", p.Mobile[:3], p.Mobile[3:7], p.Mobile[7:]), OrgCode: 2, UpdatedAt: h.At}
		id = s.fake.AddPartners(part)[0].ID
		s.partners[p.ID] = id
	}
	s.fake.AddDeals(freeetest.Deal{IssueDate: h.At, Amount: h.Total(), PartnerID: id, Description: h.Items[0].name,
		Payments: []freeetest.Payment{{Date: h.At, Amount: h.Total()}}})
	return nil
}

// xeroSource is the salon's web shop, whose books are in Xero: customers
// are contacts in romaji, with a +81 mobile, and each order an invoice
// paid at checkout.
type xeroSource struct {
	w        *World
	fake     *xerotest.Server
	contacts map[int]string // person → ContactID
}

func newXero(w *World) *xeroSource {
	return &xeroSource{w: w, fake: &xerotest.Server{}, contacts: map[int]string{}}
}

func (s *xeroSource) Name() string          { return "xero_webshop" }
func (s *xeroSource) Handler() http.Handler { return s.fake }

func (s *xeroSource) Owners() map[string]int {
	out := make(map[string]int, len(s.contacts))
	for person, id := range s.contacts {
		out[id] = person
	}
	return out
}

func (s *xeroSource) Connector(baseURL, _ string) (Connector, error) {
	return Connector{Name: s.Name(), Type: "xero", Options: map[string]any{
		"access_token": xerotest.DefaultAccessToken, "tenant_id": xerotest.DefaultTenantID, "base_url": baseURL, "rate_limit": 5,
		"retry_wait": "200ms",
	}}, nil
}

func (s *xeroSource) Record(h Happening) error {
	if h.Kind != OnlineOrder {
		return nil
	}
	p := h.Person
	id, ok := s.contacts[p.ID]
	if !ok {
		c := xerotest.Contact{Name: p.Given.romaji + " " + p.Family.romaji, FirstName: p.Given.romaji, LastName: p.Family.romaji,
			EmailAddress: p.Email, IsCustomer: true, UpdatedDateUTC: h.At,
			Phones: []xerotest.Phone{{PhoneType: "MOBILE", PhoneCountryCode: "81", PhoneAreaCode: p.Mobile[1:3], PhoneNumber: p.Mobile[3:7] + "-" + p.Mobile[7:]}}}
		id = s.fake.AddContacts(c)[0].ContactID
		s.contacts[p.ID] = id
	}
	total := json.Number(strconv.FormatInt(h.Total(), 10))
	s.fake.AddInvoices(xerotest.Invoice{Type: "ACCREC", Status: "PAID", Contact: xerotest.ContactRef{ContactID: id}, CurrencyCode: "JPY",
		Total: total, AmountPaid: total, Reference: h.Items[0].name, Date: h.At, UpdatedDateUTC: h.At})
	return nil
}
