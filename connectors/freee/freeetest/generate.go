package freeetest

import (
	"fmt"
	"math/rand/v2"
	"time"
)

func (s *Server) companyLocked(id int64) int64 {
	if id != 0 {
		return id
	}
	return s.companies[0].ID
}

// AddPartners adds partners and returns them with their ids. A zero
// CompanyID means the first company, a zero UpdatedAt the fake's Now.
func (s *Server) AddPartners(ps ...Partner) []Partner {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.initLocked()
	out := make([]Partner, len(ps))
	for i, p := range ps {
		s.seq++
		p.ID = s.seq
		p.CompanyID = s.companyLocked(p.CompanyID)
		if p.UpdatedAt.IsZero() {
			p.UpdatedAt = s.now()
		}
		if p.Name == "" {
			p.Name = fmt.Sprintf("取引先%d", p.ID)
		}
		s.partners = append(s.partners, &p)
		out[i] = p
	}
	return out
}

// UpdatePartner applies fn to partner id and stamps it updated at Now. It
// reports whether the partner exists.
func (s *Server) UpdatePartner(id int64, fn func(*Partner)) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, p := range s.partners {
		if p.ID == id {
			fn(p)
			p.ID = id
			p.UpdatedAt = s.now()
			return true
		}
	}
	return false
}

// AddDeals adds deals and returns them with their ids (and their payments'
// and renews' ids). A zero CompanyID means the first company, a zero
// IssueDate the fake's Now, an empty Type income.
func (s *Server) AddDeals(ds ...Deal) []Deal {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.initLocked()
	out := make([]Deal, len(ds))
	for i, d := range ds {
		s.seq++
		d.ID = s.seq
		d.CompanyID = s.companyLocked(d.CompanyID)
		if d.IssueDate.IsZero() {
			d.IssueDate = s.now()
		}
		d.Payments = append([]Payment(nil), d.Payments...)
		for j := range d.Payments {
			s.seq++
			d.Payments[j].ID = s.seq
		}
		d.Renews = append([]Renew(nil), d.Renews...)
		for j := range d.Renews {
			s.seq++
			d.Renews[j].ID = s.seq
		}
		s.deals = append(s.deals, &d)
		out[i] = d
	}
	return out
}

// AddPayment adds a payment line to deal id and returns it with its id.
func (s *Server) AddPayment(dealID int64, p Payment) (Payment, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, d := range s.deals {
		if d.ID == dealID {
			s.seq++
			p.ID = s.seq
			d.Payments = append(d.Payments, p)
			return p, true
		}
	}
	return Payment{}, false
}

// Partners returns a copy of every partner, in id order.
func (s *Server) Partners() []Partner {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Partner, len(s.partners))
	for i, p := range s.partners {
		out[i] = *p
	}
	return out
}

// Deals returns a copy of every deal, in id order.
func (s *Server) Deals() []Deal {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Deal, len(s.deals))
	for i, d := range s.deals {
		out[i] = *d
		out[i].Payments = append([]Payment(nil), d.Payments...)
	}
	return out
}

var (
	families = []string{"佐藤", "鈴木", "高橋", "田中", "伊藤", "渡辺", "山本", "中村", "小林", "加藤"}
	kana     = []string{"サトウ", "スズキ", "タカハシ", "タナカ", "イトウ", "ワタナベ", "ヤマモト", "ナカムラ", "コバヤシ", "カトウ"}
	trades   = []string{"商店", "工務店", "デザイン事務所", "珈琲", "美容室"}
	items    = []string{"ロゴ制作", "名刺デザイン", "ウェブサイト保守", "チラシ印刷", "撮影"}
)

// Generate adds n partners of the first company, updated on days spread
// over the 90 days before Now, each with one to three income deals issued
// in the same span; about half of the deals are paid, and about a third
// also have a freee請求書 invoice billed on the issue date (see Invoices).
// seed makes the data reproducible. It returns the partners and deals added.
func (s *Server) Generate(n int, seed uint64) ([]Partner, []Deal) {
	r := rand.New(rand.NewPCG(seed, seed^0x5eed))
	now := s.now()
	var ps []Partner
	for i := range n {
		f := r.IntN(len(families))
		t := trades[r.IntN(len(trades))]
		ps = append(ps, Partner{
			Code: fmt.Sprintf("P%05d", i+1), Name: families[f] + t, LongName: "株式会社" + families[f] + t,
			NameKana: kana[f] + "ショウテン", Email: fmt.Sprintf("info%d@%s.example.jp", i+1, []string{"sato", "suzuki", "takahashi", "tanaka", "ito", "watanabe", "yamamoto", "nakamura", "kobayashi", "kato"}[f]),
			Phone: fmt.Sprintf("03-%04d-%04d", r.IntN(10000), r.IntN(10000)), ContactName: families[f] + " 太郎", OrgCode: 1,
			Address:   &Address{Zipcode: fmt.Sprintf("1%02d-%04d", r.IntN(100), r.IntN(10000)), PrefectureCode: 12, StreetName1: "渋谷区神南1-2-3", StreetName2: "さくらビル4F"},
			UpdatedAt: now.Add(-time.Duration(r.IntN(90*24)) * time.Hour),
		})
	}
	ps = s.AddPartners(ps...)
	var ds []Deal
	for _, p := range ps {
		for range 1 + r.IntN(3) {
			issued := now.Add(-time.Duration(r.IntN(90*24)) * time.Hour)
			amount := int64(1+r.IntN(50)) * 11000
			d := Deal{IssueDate: issued, Amount: amount, PartnerID: p.ID, Description: items[r.IntN(len(items))],
				RefNumber: fmt.Sprintf("INV-%d", 1000+len(ds))}
			if r.IntN(2) == 0 {
				d.Payments = []Payment{{Date: issued.Add(time.Duration(1+r.IntN(30)) * 24 * time.Hour), Amount: amount}}
			}
			ds = append(ds, d)
		}
	}
	ds = s.AddDeals(ds...)
	var invs []Invoice
	for _, d := range ds {
		if r.IntN(3) == 0 {
			invs = append(invs, Invoice{Subject: d.Description, BillingDate: d.IssueDate, TotalAmount: d.Amount, PartnerID: d.PartnerID, DealID: d.ID})
		}
	}
	s.AddInvoices(invs...)
	return ps, ds
}

// Invoices returns a copy of every invoice, in id order.
func (s *Server) Invoices() []Invoice {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Invoice, len(s.invoices))
	for i, inv := range s.invoices {
		out[i] = *inv
	}
	return out
}
