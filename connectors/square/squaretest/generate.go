package squaretest

import (
	"math"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// rng is splitmix64: tiny, fast, and the same on every platform and Go release, so a
// seed always generates the same account.
type rng struct{ s uint64 }

func (r *rng) next() uint64 {
	r.s += 0x9e3779b97f4a7c15
	z := r.s
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

func (r *rng) intn(n int) int { return int(r.next() % uint64(n)) }

// between returns a number in [lo, hi].
func (r *rng) between(lo, hi int64) int64 {
	if hi <= lo {
		return lo
	}
	return lo + int64(r.next()%uint64(hi-lo+1))
}

func (r *rng) float() float64 { return float64(r.next()>>11) / (1 << 53) }

func (r *rng) chance(p float64) bool { return r.float() < p }

func mix(a, b uint64) uint64 {
	r := rng{s: a ^ (b * 0xd1342543de82ef95)}
	return r.next()
}

func pick[T any](r *rng, xs []T) T { return xs[r.intn(len(xs))] }

const (
	second = int64(1000)
	minute = 60 * second
	hour   = 60 * minute
	day    = 24 * hour
)

// genSpan is the period Generate spreads customers and orders over, from start.
const genSpan = 365 * day

// Generated summarizes what Generate added.
type Generated struct {
	Customers, Orders, Payments, Refunds, Bookings int

	// DuplicateOf maps the ID of each customer who registered again (another name
	// spelling, phone format or e-mail case) to the ID of the same person's first
	// profile: the ground truth for a matching test.
	DuplicateOf map[string]string
}

// Generate fills the Server with a deterministic, realistic account of a Japanese
// coffee roaster with two cafés and an online store: customers whose names are in
// kanji, katakana, hiragana or romaji (about 4% are the same person registered twice,
// see Generated.DuplicateOf), Western customers, +81 phone numbers in many formats, and
// orders in JPY over the year from start: line items, member and coupon discounts, 5%
// canceled, some open and draft, 2% returns with their payment refunds, 1% offline
// orders uploaded up to 72 h after they were taken, a payment per paid order, and
// workshop bookings. The same seed and counts always give the same data.
//
// Locations are created unless the Server already has some. Orders are kept in a
// compact form (about 200 bytes each) and built when served, so 100k customers and
// 300k orders load in about a second.
func (s *Server) Generate(seed int64, customers, orders int, start time.Time) Generated {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.initLocked()
	g := generator{seed: uint64(seed), start: start.UTC().Truncate(time.Second).UnixMilli()}
	out := Generated{DuplicateOf: map[string]string{}}

	var locs []genLocation
	if len(s.locations) == 0 {
		for i, l := range g.locations() {
			s.locations = append(s.locations, s.normalizeLocationLocked(l, s.now()))
			locs = append(locs, genLocation{id: l.ID, weight: []int{55, 30, 15}[i], online: i == 2})
		}
	} else {
		for _, l := range s.locations {
			locs = append(locs, genLocation{id: l.ID, weight: 1})
		}
	}

	crecs := g.customers(customers, out.DuplicateOf)
	s.customers.putMany(crecs)
	out.Customers = len(crecs)

	orecs, precs, rrecs := g.orders(orders, locs, crecs)
	s.orders.putMany(orecs)
	s.payments.putMany(precs)
	s.refunds.putMany(rrecs)
	out.Orders, out.Payments, out.Refunds = len(orecs), len(precs), len(rrecs)

	brecs := g.bookings(crecs, locs)
	s.bookings.putMany(brecs)
	out.Bookings = len(brecs)
	return out
}

type generator struct {
	seed  uint64
	start int64 // milliseconds
}

// rng returns the random stream of one entity: entities do not share streams, so the
// customers generated for a seed do not depend on how many orders are asked for.
func (g *generator) rng(kind, i uint64) rng { return rng{s: mix(g.seed, i<<8|kind)} }

type genLocation struct {
	id     string
	weight int
	online bool
}

func (g *generator) locations() []Location {
	created := time.UnixMilli(g.start - 2*365*day)
	loc := func(i int, l Location) Location {
		l.ID = makeID(kindLocation, mix(g.seed, uint64(0xA0+i)))
		l.MerchantID = makeID(kindMerchant, mix(g.seed, 0xAF))
		l.BusinessName = "ミナト珈琲"
		l.CreatedAt = created.Add(time.Duration(i) * 90 * 24 * time.Hour)
		l.Capabilities = []string{"CREDIT_CARD_PROCESSING", "AUTOMATIC_TRANSFERS"}
		l.MCC = "5814"
		l.BusinessEmail = "info@minato-coffee.example"
		return l
	}
	return []Location{
		loc(0, Location{Name: "渋谷本店", PhoneNumber: "+81 3-6455-0000", Address: &Address{
			PostalCode: "150-0001", AdministrativeDistrictLevel1: "東京都", Locality: "渋谷区", AddressLine1: "神宮前5-1-1", Country: "JP"}}),
		loc(1, Location{Name: "梅田店", PhoneNumber: "+81 6-6345-0000", Address: &Address{
			PostalCode: "530-0001", AdministrativeDistrictLevel1: "大阪府", Locality: "大阪市北区", AddressLine1: "梅田3-1-1", Country: "JP"}}),
		loc(2, Location{Name: "オンラインストア", Type: "MOBILE"}),
	}
}

// Customers.

type person struct {
	western   bool
	fam, giv  int
	birth     [3]int // year, month, day
	phone     string // national significant number, e.g. "9012345678"
	areaLen   int    // digits of the area code for landlines, 2 for mobiles
	foreign   string // a non-Japanese number some Western customers give instead
	emailUser string
	domain    string
	addr      int
	street    [3]int
	building  int // -1: none
	room      int
}

func (g *generator) person(i int) person {
	r := g.rng(5, uint64(i))
	p := person{western: r.chance(0.1), building: -1}
	if p.western {
		p.fam, p.giv = r.intn(len(westernFamily)), r.intn(len(westernGiven))
	} else {
		p.fam, p.giv = r.intn(len(familyNames)), r.intn(len(givenNames))
	}
	p.birth = [3]int{1950 + r.intn(56), 1 + r.intn(12), 1 + r.intn(28)}
	if r.chance(0.8) {
		p.phone = pick(&r, []string{"90", "80", "70"}) + strconv.Itoa(int(r.between(10000000, 99999999)))
		p.areaLen = 2
	} else {
		area := pick(&r, []string{"3", "6", "45", "52", "92", "11", "75"})
		rest := 8 - len(area) + 1
		p.phone = area + strconv.Itoa(int(r.between(int64(math.Pow10(rest-1))*2, int64(math.Pow10(rest))-1)))
		p.areaLen = len(area)
	}
	if p.western && r.chance(0.4) {
		if r.chance(0.5) {
			p.foreign = "+1 415-555-01" + strconv.Itoa(10+r.intn(90))
		} else {
			p.foreign = "+44 20 7946 0" + strconv.Itoa(100+r.intn(900))
		}
	}
	var user string
	if p.western {
		gn, fn := westernGiven[p.giv].ascii, westernFamily[p.fam].ascii
		user = pick(&r, []string{gn + "." + fn, gn + fn, gn[:1] + fn, fn + "." + gn})
	} else {
		gn, fn := strings.ToLower(givenNames[p.giv].romaji), strings.ToLower(familyNames[p.fam].romaji)
		user = pick(&r, []string{gn + "." + fn, fn + "." + gn, gn + "_" + fn, gn[:1] + "-" + fn, fn + gn, "coffee." + gn})
	}
	switch r.intn(3) {
	case 0:
		user += strconv.Itoa(p.birth[0])
	case 1:
		user += strconv.Itoa(r.intn(1000))
	}
	p.emailUser = user
	if p.western {
		p.domain = pick(&r, []string{"gmail.com", "gmail.com", "icloud.com", "outlook.com", "yahoo.co.jp"})
	} else {
		p.domain = pick(&r, emailDomains)
	}
	p.addr = r.intn(len(jpAddresses))
	p.street = [3]int{1 + r.intn(6), 1 + r.intn(30), 1 + r.intn(20)}
	if r.chance(0.4) {
		p.building, p.room = r.intn(len(buildings)), 101+r.intn(8)*100+r.intn(8)
	}
	return p
}

// customers generates n customers created over the span, oldest first.
func (g *generator) customers(n int, dups map[string]string) []*customerRec {
	recs := make([]*customerRec, n)
	root := make([]int32, n) // the index of the first profile of each customer's person
	step := int64(float64(genSpan) * 0.95 / float64(max(n, 1)))
	for i := range n {
		r := g.rng(1, uint64(i))
		id := makeID(kindCustomer, mix(g.seed, uint64(i)<<8|2))
		root[i] = int32(i)
		dup := i > 20 && r.chance(0.04)
		if dup {
			root[i] = root[r.intn(i)]
			dups[id] = recs[root[i]].c.ID
		}
		c := g.render(g.person(int(root[i])), &r, dup)
		c.ID = id
		created := g.start + int64(float64(genSpan)*0.95*float64(i)/float64(max(n, 1))) + r.between(0, max(step-1, 0))
		updated := created
		if r.chance(0.35) {
			updated = r.between(created+minute, g.start+genSpan)
			c.Version = 1 + int64(r.intn(4))
		}
		c.CreatedAt, c.UpdatedAt = time.UnixMilli(created).UTC(), time.UnixMilli(updated).UTC()
		recs[i] = newCustomerRec(c)
	}
	return recs
}

// render writes a person down the way one Square profile would hold them. dup marks a
// second registration, which favours the variations that defeat naive matching.
func (g *generator) render(p person, r *rng, dup bool) Customer {
	var c Customer
	if p.western {
		gn, fn := westernGiven[p.giv], westernFamily[p.fam]
		switch u := r.intn(100); {
		case u < 78:
			c.GivenName, c.FamilyName = gn.display, fn.display
		case u < 90:
			c.GivenName, c.FamilyName = gn.kana, fn.kana
		case u < 95:
			c.GivenName = gn.display + " " + fn.display
		default:
			c.GivenName, c.FamilyName = gn.display, strings.ToUpper(fn.display)
		}
	} else {
		fn, gn := familyNames[p.fam], givenNames[p.giv]
		fk := fn.kanji
		variantP := 0.05
		if dup {
			variantP = 0.35
		}
		if len(fn.variants) > 0 && r.chance(variantP) {
			fk = pick(r, fn.variants)
		}
		rom := func(n jpName) string {
			if n.alt != "" && r.chance(0.3) {
				return n.alt
			}
			return n.romaji
		}
		switch u := r.intn(100); {
		case u < 45:
			c.GivenName, c.FamilyName = gn.kanji, fk
		case u < 60:
			c.GivenName, c.FamilyName = gn.kana, fn.kana
		case u < 66:
			c.GivenName, c.FamilyName = hiragana(gn.kana), hiragana(fn.kana)
		case u < 76:
			c.GivenName, c.FamilyName = rom(gn.jpName), rom(fn)
			if r.chance(0.15) {
				c.FamilyName = strings.ToUpper(c.FamilyName)
			}
		case u < 84:
			c.GivenName = fk + pick(r, []string{" ", "\u3000", ""}) + gn.kanji // the whole name in one field
		case u < 88:
			c.GivenName, c.FamilyName = fk, gn.kanji // typed into the wrong fields
		case u < 93:
			c.FamilyName = fk
		case u < 97:
			c.GivenName, c.FamilyName = gn.kana, fk
		}
	}

	if r.chance(0.85) || (c.GivenName == "" && c.FamilyName == "") {
		if p.foreign != "" && r.chance(0.6) {
			c.PhoneNumber = p.foreign
		} else {
			c.PhoneNumber = formatPhone(p.phone, p.areaLen, r)
		}
	}
	emailP := 0.55
	if p.western {
		emailP = 0.8
	}
	if r.chance(emailP) {
		user := p.emailUser
		if dup && r.chance(0.25) {
			user = strings.ToUpper(user[:1]) + user[1:]
		}
		c.EmailAddress = user + "@" + p.domain
		c.Preferences = &CustomerPreferences{EmailUnsubscribed: r.chance(0.08)}
	}
	if r.chance(0.25) {
		year := strconv.Itoa(p.birth[0])
		if r.chance(0.3) {
			year = "0000"
		}
		c.Birthday = year + "-" + pad2(p.birth[1]) + "-" + pad2(p.birth[2])
	}
	if r.chance(0.35) {
		a := jpAddresses[p.addr]
		postal := a.postal
		switch r.intn(5) {
		case 0:
			postal = strings.ReplaceAll(postal, "-", "")
		case 1:
			postal = "〒" + postal
		}
		line1 := a.town + strconv.Itoa(p.street[0]) + "-" + strconv.Itoa(p.street[1]) + "-" + strconv.Itoa(p.street[2])
		if r.chance(0.15) {
			line1 = a.town + fullWidth(strconv.Itoa(p.street[0])) + "丁目" + fullWidth(strconv.Itoa(p.street[1])) + "－" + fullWidth(strconv.Itoa(p.street[2]))
		}
		c.Address = &Address{PostalCode: postal, AdministrativeDistrictLevel1: a.pref, Locality: a.city, AddressLine1: line1, Country: "JP"}
		if p.building >= 0 {
			c.Address.AddressLine2 = buildings[p.building] + " " + strconv.Itoa(p.room)
		}
	}
	if r.chance(0.03) {
		c.CompanyName = pick(r, companies)
	}
	if r.chance(0.04) {
		c.Nickname = pick(r, nicknames)
	}
	if r.chance(0.03) {
		c.Note = pick(r, customerNotes)
	}
	if r.chance(0.1) {
		c.ReferenceID = "MB-" + strconv.Itoa(int(r.between(10000000, 99999999)))
	}
	c.CreationSource = pick(r, creationSources)
	return c
}

// formatPhone writes a Japanese number the many ways customers and clerks type it.
func formatPhone(nsn string, areaLen int, r *rng) string {
	national := "0" + nsn
	last := nsn[len(nsn)-4:]
	area, mid := nsn[:areaLen], nsn[areaLen:len(nsn)-4]
	switch u := r.intn(100); {
	case u < 40:
		return "0" + area + "-" + mid + "-" + last
	case u < 58:
		return national
	case u < 73:
		return "+81 " + area + "-" + mid + "-" + last
	case u < 88:
		return "+81" + nsn
	case u < 94:
		return fullWidth("0" + area + "-" + mid + "-" + last)
	default:
		return "(0" + area + ")" + mid + "-" + last
	}
}

func fullWidth(s string) string {
	var b strings.Builder
	for _, c := range s {
		switch {
		case c >= '0' && c <= '9':
			b.WriteRune(c - '0' + '０')
		case c == '-':
			b.WriteRune('－')
		default:
			b.WriteRune(c)
		}
	}
	return b.String()
}

func hiragana(katakana string) string {
	b := make([]byte, 0, len(katakana))
	for _, c := range katakana {
		if c >= 'ァ' && c <= 'ヶ' {
			c -= 'ァ' - 'ぁ'
		}
		b = utf8.AppendRune(b, c)
	}
	return string(b)
}

func pad2(n int) string {
	if n < 10 {
		return "0" + strconv.Itoa(n)
	}
	return strconv.Itoa(n)
}

// Orders.

const (
	flagOnline uint8 = 1 << iota
	flagLate         // taken offline, uploaded up to 72 h later
	flagReturn
)

// orderPlan is everything random about a generated sale, drawn again from the order's
// seed each time the order is served.
type orderPlan struct {
	n      int
	item   [4]uint8
	qty    [4]uint8
	disc   uint8 // 0 none, 1 member 10%, 2 ¥500 coupon
	tender uint8 // 0 CARD, 1 CASH, 2 WALLET, 3 OTHER
	brand  uint8
	last4  int
	entry  uint8
}

var (
	tenderTypes  = []string{"CARD", "CASH", "WALLET", "OTHER"}
	sourceTypes  = []string{"CARD", "CASH", "WALLET", "EXTERNAL"}
	cardBrands   = []string{"VISA", "MASTERCARD", "JCB", "AMERICAN_EXPRESS"}
	entryMethods = []string{"CONTACTLESS", "EMV", "KEYED"}
)

func planOrder(gen uint64, online bool) orderPlan {
	r := rng{s: gen}
	var p orderPlan
	switch u := r.intn(100); {
	case u < 45:
		p.n = 1
	case u < 75:
		p.n = 2
	case u < 92:
		p.n = 3
	default:
		p.n = 4
	}
	for i := range p.n {
		p.item[i] = uint8(r.intn(len(products)))
		p.qty[i] = 1
		if r.chance(0.2) {
			p.qty[i] = 2 + uint8(r.intn(2))
		}
	}
	switch u := r.intn(100); {
	case u < 8:
		p.disc = 1
	case u < 12:
		p.disc = 2
	}
	switch u := r.intn(100); {
	case online && u < 80, !online && u < 55:
		p.tender = 0
	case online:
		p.tender = 2
	case u < 85:
		p.tender = 1
	case u < 97:
		p.tender = 2
	default:
		p.tender = 3
	}
	p.brand = uint8(r.intn(len(cardBrands)))
	p.last4 = 1000 + r.intn(9000)
	p.entry = uint8(r.intn(2))
	if online {
		p.entry = 2
	}
	return p
}

type planAmounts struct {
	gross, disc, total                [4]int64
	grossSum, discSum, totalSum, coup int64
}

func (p *orderPlan) amounts() planAmounts {
	var a planAmounts
	for i := range p.n {
		a.gross[i] = products[p.item[i]].price * int64(p.qty[i])
		a.grossSum += a.gross[i]
	}
	switch {
	case p.disc == 1:
		for i := range p.n {
			a.disc[i] = a.gross[i] / 10
		}
	case p.disc == 2 && a.grossSum >= 1500:
		// A fixed amount is apportioned over the lines; the last takes the remainder.
		a.coup = 500
		left := a.coup
		for i := range p.n - 1 {
			a.disc[i] = a.coup * a.gross[i] / a.grossSum
			left -= a.disc[i]
		}
		a.disc[p.n-1] = left
	}
	for i := range p.n {
		a.total[i] = a.gross[i] - a.disc[i]
		a.discSum += a.disc[i]
		a.totalSum += a.total[i]
	}
	return a
}

func paymentIDFor(o *orderRec) string { return makeID(kindPayment, o.gen^0x7061796d656e74) }

func refundIDFor(ret *orderRec) string {
	return paymentIDFor(ret.src) + "_" + makeID(kindRefund, ret.gen^0x726566756e64)
}

// paymentTimes: a card is charged a moment before the sale closes; an offline payment
// reaches Square when the order is uploaded.
func paymentTimes(o *orderRec) (created, updated int64) {
	created = o.closed - 2*second
	updated = created + 1500
	if o.flags&flagLate != 0 {
		updated = o.updated
	}
	return created, updated
}

// returnAmount is what a generated return gives back: one unit of the sale's first line.
func returnAmount(src *orderRec) (price, amount int64, p orderPlan) {
	p = planOrder(src.gen, src.flags&flagOnline != 0)
	a := p.amounts()
	return products[p.item[0]].price, a.total[0] / int64(p.qty[0]), p
}

func (g *generator) orders(n int, locs []genLocation, customers []*customerRec) ([]*orderRec, []*paymentRec, []*refundRec) {
	if len(locs) == 0 || n == 0 {
		return nil, nil, nil
	}
	totalWeight := 0
	for _, l := range locs {
		totalWeight += l.weight
	}
	created := make([]int64, len(customers))
	for i, c := range customers {
		created[i] = c.created
	}
	orders := make([]*orderRec, 0, n)
	payments := make([]*paymentRec, 0, n)
	var refunds []*refundRec
	type sale struct {
		order   *orderRec
		payment *paymentRec
	}
	var recent []sale // returnable sales, most recent last

	for j := range n {
		r := g.rng(3, uint64(j))
		rec := &orderRec{id: makeID(kindOrder, mix(g.seed, uint64(j)<<8|4)), gen: r.next() | 1}
		// The moment Square received the order: spread over the span, in opening
		// hours (10:00-21:00 JST is 01:00-12:00 UTC).
		t := g.start/day*day + int64(j)*genSpan/int64(n)/day*day + hour + r.between(0, 11*hour-1)

		if len(recent) > 50 && r.chance(0.02) {
			k := len(recent) - 1 - r.intn(min(len(recent), 2000))
			src := recent[k]
			recent = append(recent[:k], recent[k+1:]...)
			rec.src, rec.flags = src.order, flagReturn
			rec.loc, rec.customer, rec.state = src.order.loc, src.order.customer, "COMPLETED"
			rec.created = max(t, src.order.closed+hour)
			rec.closed = rec.created + r.between(minute, 5*minute)
			rec.updated = rec.closed
			rf := &refundRec{id: refundIDFor(rec), loc: rec.loc, created: rec.closed, updated: rec.closed + 3*second, payment: src.payment, order: rec}
			src.payment.refund = rf
			src.payment.updated = max(src.payment.updated, rf.updated)
			orders = append(orders, rec)
			refunds = append(refunds, rf)
			continue
		}

		w := r.intn(totalWeight)
		for _, l := range locs {
			if w -= l.weight; w < 0 {
				rec.loc = l.id
				if l.online {
					rec.flags |= flagOnline
				}
				break
			}
		}
		switch u := r.intn(100); {
		case u < 91:
			rec.state = "COMPLETED"
		case u < 96:
			rec.state = "CANCELED"
		case u < 99:
			rec.state = "OPEN"
		default:
			rec.state = "DRAFT"
		}
		if len(customers) > 0 && r.chance(0.65) {
			eligible := max(sort.Search(len(created), func(i int) bool { return created[i] > t }), 1)
			var idx int
			if r.chance(0.3) {
				idx = eligible - 1 - r.intn(max(eligible/10, 1)) // a newer customer
			} else {
				u := r.float()
				idx = int(float64(eligible) * u * u) // regulars: the older, the likelier
			}
			rec.customer = customers[idx].c.ID
		}
		rec.created = t
		if rec.state == "COMPLETED" && rec.flags&flagOnline == 0 && r.chance(0.012) {
			rec.flags |= flagLate
			rec.created = t - r.between(hour, 72*hour)
		}
		switch rec.state {
		case "COMPLETED":
			rec.closed = rec.created + r.between(30*second, 10*minute)
			rec.updated = rec.closed
			if rec.flags&flagLate != 0 {
				rec.updated = t
			} else if r.chance(0.02) {
				rec.updated = rec.closed + r.between(hour, 14*day) // a later edit
			}
		case "CANCELED":
			rec.closed = rec.created + r.between(minute, hour)
			rec.updated = rec.closed
		case "OPEN":
			rec.updated = rec.created + r.between(0, 30*minute)
		default:
			rec.updated = rec.created
		}
		if rec.flags&flagOnline != 0 {
			rec.version = 1 + int64(r.intn(3)) // orders created through the API carry a version
		}
		orders = append(orders, rec)
		if rec.state == "COMPLETED" {
			pc, pu := paymentTimes(rec)
			pay := &paymentRec{id: paymentIDFor(rec), loc: rec.loc, customer: rec.customer, created: pc, updated: pu, order: rec}
			payments = append(payments, pay)
			recent = append(recent, sale{rec, pay})
			if len(recent) > 4096 {
				recent = recent[len(recent)-2048:]
			}
		}
	}
	refunds = append(refunds, g.refundsWithoutOrder(payments, locs)...)
	return orders, payments, refunds
}

// refundsWithoutOrder makes the refunds Square gives no order_id: about 0.3% of the
// payments not otherwise refunded get a goodwill refund of about a tenth
// (RefundPayment without an itemized return), and about one payment in a thousand has
// an unlinked refund beside it (cash handed back at a till, with no Square payment).
// Each draws from its own random stream, so the orders and payments stay as they are.
func (g *generator) refundsWithoutOrder(payments []*paymentRec, locs []genLocation) []*refundRec {
	var out []*refundRec
	for k, pay := range payments {
		r := g.rng(7, uint64(k))
		if pay.refund != nil || !r.chance(0.003) {
			continue
		}
		plan := planOrder(pay.order.gen, pay.order.flags&flagOnline != 0)
		total := plan.amounts().totalSum
		created := pay.created + r.between(hour, 7*day)
		rf := &refundRec{id: pay.id + "_" + makeID(kindRefund, r.next()), loc: pay.loc, created: created, updated: created + 3*second,
			payment: pay, amount: min(total, max(total/100*10, 100))}
		pay.refund = rf
		pay.updated = max(pay.updated, rf.updated)
		out = append(out, rf)
	}
	for i := range (len(payments) + 500) / 1000 {
		r := g.rng(8, uint64(i))
		l := pick(&r, locs)
		created := g.start + r.between(0, genSpan/day-1)*day + hour + r.between(0, 11*hour-1)
		out = append(out, &refundRec{id: makeID(kindRefund, r.next()), loc: l.id, created: created, updated: created + 2*second,
			amount: r.between(30, 300) * 10})
	}
	return out
}

// refundedAmount is what a generated refund gives back.
func refundedAmount(rf *refundRec) int64 {
	if rf.order == nil {
		return rf.amount
	}
	_, amount, _ := returnAmount(rf.order.src)
	return amount
}

// Materialization: a generated record becomes the full Square object on demand.

func (s *Server) orderOfLocked(r *orderRec) Order {
	switch {
	case r.full != nil:
		return *r.full
	case r.flags&flagReturn != 0:
		return returnOrder(r)
	}
	return saleOrder(r)
}

func stampOf(ms int64) time.Time {
	if ms == 0 {
		return time.Time{}
	}
	return time.UnixMilli(ms).UTC()
}

func sourceName(r *orderRec) *OrderSource {
	if r.flags&flagOnline != 0 {
		return &OrderSource{Name: "Square Online"}
	}
	return &OrderSource{Name: "Square Point of Sale"}
}

// saleUIDs draws the uids of a sale's discount and line items, in the order saleOrder
// uses them, so that a return can name the line it returns.
func saleUIDs(r *orderRec, p *orderPlan) (disc string, lines [4]string, next rng) {
	u := rng{s: r.gen ^ 0x756964}
	if p.disc != 0 {
		disc = makeID(kindUID, u.next())
	}
	for i := range p.n {
		lines[i] = makeID(kindUID, u.next())
	}
	return disc, lines, u
}

func saleOrder(r *orderRec) Order {
	p := planOrder(r.gen, r.flags&flagOnline != 0)
	a := p.amounts()
	discUID, lineUIDs, u := saleUIDs(r, &p)
	o := Order{
		ID: r.id, LocationID: r.loc, CustomerID: r.customer, State: r.state, Version: r.version,
		Source:    sourceName(r),
		CreatedAt: stampOf(r.created), UpdatedAt: stampOf(r.updated), ClosedAt: stampOf(r.closed),
		TotalMoney: Yen(a.totalSum), TotalTaxMoney: Yen(0), TotalDiscountMoney: Yen(a.discSum),
		TotalTipMoney: Yen(0), TotalServiceChargeMoney: Yen(0),
		NetAmounts: &MoneyAmounts{TotalMoney: Yen(a.totalSum), TaxMoney: Yen(0), DiscountMoney: Yen(a.discSum), TipMoney: Yen(0), ServiceChargeMoney: Yen(0)},
	}
	switch {
	case p.disc == 1:
		o.Discounts = []Discount{{UID: discUID, Name: "会員割引", Type: "FIXED_PERCENTAGE", Percentage: "10", AppliedMoney: Yen(a.discSum), Scope: "ORDER"}}
	case p.disc == 2 && a.coup > 0:
		o.Discounts = []Discount{{UID: discUID, Name: "クーポン ¥500", Type: "FIXED_AMOUNT", AmountMoney: Yen(a.coup), AppliedMoney: Yen(a.discSum), Scope: "ORDER"}}
	}
	o.LineItems = make([]LineItem, p.n)
	for i := range p.n {
		pr := products[p.item[i]]
		li := LineItem{
			UID: lineUIDs[i], Name: pr.name, Quantity: quantities[p.qty[i]], CatalogObjectID: pr.catalogID,
			VariationName: pr.variation, ItemType: "ITEM",
			BasePriceMoney: Yen(pr.price), VariationTotalPriceMoney: Yen(a.gross[i]), GrossSalesMoney: Yen(a.gross[i]),
			TotalTaxMoney: Yen(0), TotalDiscountMoney: Yen(a.disc[i]), TotalMoney: Yen(a.total[i]),
		}
		if len(o.Discounts) > 0 {
			li.AppliedDiscounts = []AppliedDiscount{{UID: makeID(kindUID, u.next()), DiscountUID: discUID, AppliedMoney: Yen(a.disc[i])}}
		}
		o.LineItems[i] = li
	}
	switch r.state {
	case "COMPLETED":
		pid := paymentIDFor(r)
		pc, _ := paymentTimes(r)
		o.Tenders = []Tender{{
			ID: pid, LocationID: r.loc, TransactionID: r.id, CreatedAt: stampOf(pc), AmountMoney: Yen(a.totalSum),
			TipMoney: Yen(0), CustomerID: r.customer, Type: tenderTypes[p.tender], PaymentID: pid,
		}}
		o.NetAmountDueMoney = Yen(0)
	case "OPEN", "DRAFT":
		o.NetAmountDueMoney = Yen(a.totalSum)
	default:
		o.NetAmountDueMoney = Yen(0)
	}
	return o
}

func returnOrder(r *orderRec) Order {
	src := r.src
	price, amount, sp := returnAmount(src)
	_, srcLines, _ := saleUIDs(src, &sp)
	pr := products[sp.item[0]]
	u := rng{s: r.gen ^ 0x756964}
	returned := &MoneyAmounts{TotalMoney: Yen(amount), TaxMoney: Yen(0), DiscountMoney: Yen(price - amount), TipMoney: Yen(0), ServiceChargeMoney: Yen(0)}
	return Order{
		ID: r.id, LocationID: r.loc, CustomerID: r.customer, State: r.state, Version: r.version,
		Source:    sourceName(src),
		CreatedAt: stampOf(r.created), UpdatedAt: stampOf(r.updated), ClosedAt: stampOf(r.closed),
		Returns: []Return{{
			UID: makeID(kindUID, u.next()), SourceOrderID: src.id,
			ReturnLineItems: []ReturnLineItem{{
				UID: makeID(kindUID, u.next()), SourceLineItemUID: srcLines[0], Name: pr.name, Quantity: "1",
				CatalogObjectID: pr.catalogID, VariationName: pr.variation, ItemType: "ITEM",
				BasePriceMoney: Yen(price), VariationTotalPriceMoney: Yen(price), GrossReturnMoney: Yen(price),
				TotalTaxMoney: Yen(0), TotalDiscountMoney: Yen(price - amount), TotalMoney: Yen(amount),
			}},
			ReturnAmounts: returned,
		}},
		ReturnAmounts: returned,
		NetAmounts:    &MoneyAmounts{TotalMoney: Yen(-amount), TaxMoney: Yen(0), DiscountMoney: Yen(amount - price), TipMoney: Yen(0), ServiceChargeMoney: Yen(0)},
		Refunds: []OrderRefund{{
			ID: refundIDFor(r), LocationID: r.loc, TransactionID: src.id, TenderID: paymentIDFor(src),
			CreatedAt: stampOf(r.closed), Reason: "返品", AmountMoney: Yen(amount), Status: "APPROVED",
		}},
		TotalMoney: Yen(0), TotalTaxMoney: Yen(0), TotalDiscountMoney: Yen(0), TotalTipMoney: Yen(0),
		TotalServiceChargeMoney: Yen(0), NetAmountDueMoney: Yen(0),
	}
}

func (s *Server) paymentOfLocked(r *paymentRec) Payment {
	if r.full != nil {
		return *r.full
	}
	o := r.order
	p := planOrder(o.gen, o.flags&flagOnline != 0)
	a := p.amounts()
	pm := Payment{
		ID: r.id, CreatedAt: stampOf(r.created), UpdatedAt: stampOf(r.updated),
		AmountMoney: Yen(a.totalSum), TipMoney: Yen(0), TotalMoney: Yen(a.totalSum), ApprovedMoney: Yen(a.totalSum),
		Status: "COMPLETED", SourceType: sourceTypes[p.tender], LocationID: r.loc, OrderID: o.id, CustomerID: r.customer,
		ReceiptNumber: r.id[:4], ReceiptURL: "https://squareup.com/receipt/preview/" + r.id,
		IsOfflinePayment: o.flags&flagLate != 0,
	}
	if p.tender == 0 {
		pm.CardDetails = &CardPaymentDetails{
			Status: "CAPTURED", EntryMethod: entryMethods[p.entry],
			Card: &Card{CardBrand: cardBrands[p.brand], Last4: strconv.Itoa(p.last4), ExpMonth: 1 + p.last4%12, ExpYear: 2026 + p.last4%5, CardType: "CREDIT"},
		}
	}
	if r.refund != nil {
		pm.RefundedMoney = Yen(refundedAmount(r.refund))
		pm.RefundIDs = []string{r.refund.id}
	}
	return pm
}

func (s *Server) refundOfLocked(r *refundRec) Refund {
	if r.full != nil {
		return *r.full
	}
	rf := Refund{
		ID: r.id, Status: "COMPLETED", LocationID: r.loc, AmountMoney: Yen(refundedAmount(r)),
		CreatedAt: stampOf(r.created), UpdatedAt: stampOf(r.updated),
	}
	switch {
	case r.order != nil: // a return: the refund names the return order
		p := planOrder(r.order.src.gen, r.order.src.flags&flagOnline != 0)
		rf.DestinationType, rf.PaymentID, rf.OrderID, rf.Reason = sourceTypes[p.tender], r.payment.id, r.order.id, "返品"
	case r.payment != nil: // a goodwill refund against the payment, no order
		o := r.payment.order
		p := planOrder(o.gen, o.flags&flagOnline != 0)
		rf.DestinationType, rf.PaymentID, rf.Reason = sourceTypes[p.tender], r.payment.id, "お詫びとして一部返金"
	default: // unlinked: no Square payment behind it
		rf.Unlinked, rf.DestinationType, rf.Reason = true, "CASH", "レシートなしの返品"
	}
	return rf
}

// Bookings.

func (g *generator) bookings(customers []*customerRec, locs []genLocation) []*bookingRec {
	var physical []string
	for _, l := range locs {
		if !l.online {
			physical = append(physical, l.id)
		}
	}
	if len(physical) == 0 || len(customers) == 0 {
		return nil
	}
	team := make([]string, 4)
	for i := range team {
		team[i] = makeID(kindTeamMember, mix(g.seed, uint64(0xB0+i)))
	}
	services := make([]string, len(bookingServices))
	for i := range services {
		services[i] = makeID(kindService, mix(g.seed, uint64(0xC0+i)))
	}
	end := g.start + genSpan + 60*day
	var out []*bookingRec
	for i, c := range customers {
		r := g.rng(6, uint64(i))
		if !r.chance(0.08) {
			continue
		}
		for k := range 1 + r.intn(2) {
			svc := r.intn(len(bookingServices))
			startMs := c.created + r.between(day, 200*day)
			startMs = startMs/day*day + hour + int64(r.intn(18))*30*minute // 10:00-18:30 JST
			if startMs > end {
				continue
			}
			created := max(startMs-r.between(hour, 30*day), c.created)
			updated := created
			status := "ACCEPTED"
			switch u := r.intn(100); {
			case u < 10:
				status = "CANCELLED_BY_CUSTOMER"
			case u < 13:
				status = "CANCELLED_BY_SELLER"
			case u < 17:
				status = "NO_SHOW"
			case u < 22:
				status = "PENDING"
			case u < 25:
				status = "DECLINED"
			}
			version := 0
			if status != "PENDING" || r.chance(0.3) {
				updated = r.between(created, max(startMs, created))
				version = 1 + r.intn(2)
			}
			member := pick(&r, team)
			b := Booking{
				ID: makeID(kindBooking, mix(g.seed, uint64(i)<<8|uint64(0x10+k))), Version: version, Status: status,
				CreatedAt: stampOf(created).Truncate(time.Second), UpdatedAt: stampOf(updated).Truncate(time.Second),
				StartAt:    stampOf(startMs),
				LocationID: pick(&r, physical), CustomerID: c.c.ID, LocationType: "BUSINESS_LOCATION",
				AppointmentSegments: []AppointmentSegment{{
					DurationMinutes: bookingServices[svc].minutes, ServiceVariationID: services[svc],
					TeamMemberID: member, ServiceVariationVersion: 1599775456731,
				}},
				Source:         "FIRST_PARTY_BUYER",
				CreatorDetails: &BookingCreatorDetails{CreatorType: "CUSTOMER", CustomerID: c.c.ID},
			}
			if r.chance(0.3) {
				b.Source = "FIRST_PARTY_MERCHANT"
				b.CreatorDetails = &BookingCreatorDetails{CreatorType: "TEAM_MEMBER", TeamMemberID: member}
			}
			if r.chance(0.1) {
				b.CustomerNote = "初めて参加します"
			}
			out = append(out, &bookingRec{b: b, start: startMs})
		}
	}
	return out
}
