// Package demo is a generated shop for `nayose demo`: a hair salon whose
// customers buy at the register (Square), book online (Calendly), read the
// newsletter (Mailchimp) and still sit in the old register's CSV export.
// One World of people and what they do is told to every tool's fake
// vendor, each of which writes the people down as that tool really would:
// kanji or romaji, +81 or 090, full-width digits, 和暦 birthdays, tagged
// addresses. A connector added to nayose joins the demo by adding a
// Source for its fake.
package demo

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"github.com/nayose/nayose/notify"
)

// Person is one real person of the shop's world: the truth the tools'
// records are written from.
type Person struct {
	ID       int
	Family   name
	Given    name
	Female   bool
	Email    string // lower case; empty for someone who never gave one
	Mobile   string // national form, "09012345678"
	Birthday time.Time
	Home     area
	Street   string // "1-2-3"
	// LINE is the person's LINE userId once they follow the salon's
	// account, and LINEName the display name they chose.
	LINE, LINEName string
	// Lapses, for a regular whose rhythm is about to break, is when they
	// become dormant; zero otherwise. They do nothing live.
	Lapses time.Time
}

// FullName is the person's name in kanji, family name first.
func (p *Person) FullName() string { return p.Family.kanji + " " + p.Given.kanji }

// Kind is what happened.
type Kind int

const (
	Purchase Kind = iota + 1
	Booking
	Subscribe
	Unsubscribe
	CampaignSent
	EmailOpen
	EmailClick
	LineFollow
	LineMessage
	// Invoiced is a bridal set, billed from freee 会計 to the person as a
	// 取引先 and paid by transfer.
	Invoiced
	// OnlineOrder is home-care products from the salon's web shop, whose
	// books are in Xero.
	OnlineOrder
	// MessengerMessage is a message on the salon's Facebook Page; a
	// person's first opens a conversation.
	MessengerMessage
)

// Happening is one thing that happened in the shop, told to every tool;
// each records what it would know of it.
type Happening struct {
	Kind   Kind
	At     time.Time
	Person *Person // nil for CampaignSent
	// Purchase: what was bought. Register is true for a sale rung up
	// before the shop moved to Square (it lives in the CSV export).
	Items    []menuItem
	Register bool
	// Booking: the service, when it starts, what they asked in the form
	// (may be empty), and whether they later canceled.
	Service  string
	Start    time.Time
	Question string
	Canceled bool
	// CampaignSent, EmailOpen, EmailClick: which newsletter.
	Campaign int
	Subject  string
	// LineMessage: what they wrote.
	Text string
	// Live is true for what happens while the demo runs: tools that push
	// (LINE) push it, where history was there before anyone listened.
	Live bool
}

// Total is what a purchase came to, in yen.
func (h Happening) Total() int64 {
	var t int64
	for _, it := range h.Items {
		t += it.price
	}
	return t
}

// Describe is a line for a person watching the demo.
func (h Happening) Describe(loc *time.Location) string {
	switch h.Kind {
	case Purchase:
		names := make([]string, len(h.Items))
		for i, it := range h.Items {
			names[i] = it.name
		}
		return fmt.Sprintf("%s bought %s (%s) at the register", h.Person.FullName(), strings.Join(names, ", "), notify.Money(h.Total(), "JPY"))
	case Booking:
		s := fmt.Sprintf("%s booked %s for %s online", h.Person.FullName(), h.Service, h.Start.In(loc).Format("1/2 15:04"))
		if h.Question != "" {
			s += fmt.Sprintf(" and asked: %s", h.Question)
		}
		return s
	case Subscribe:
		return fmt.Sprintf("%s subscribed to the newsletter", h.Person.FullName())
	case Unsubscribe:
		return fmt.Sprintf("%s unsubscribed from the newsletter", h.Person.FullName())
	case CampaignSent:
		return fmt.Sprintf("the newsletter %q went out", h.Subject)
	case EmailOpen:
		return fmt.Sprintf("%s opened %q", h.Person.FullName(), h.Subject)
	case EmailClick:
		return fmt.Sprintf("%s clicked a link in %q", h.Person.FullName(), h.Subject)
	case LineFollow:
		return fmt.Sprintf("%s added the salon on LINE as %q", h.Person.FullName(), h.Person.LINEName)
	case LineMessage:
		return fmt.Sprintf("%s wrote on LINE: %s", h.Person.FullName(), h.Text)
	case Invoiced:
		return fmt.Sprintf("%s was invoiced %s for a bridal set (freee)", h.Person.FullName(), notify.Money(h.Total(), "JPY"))
	case OnlineOrder:
		return fmt.Sprintf("%s ordered %s online (%s, Xero)", h.Person.FullName(), h.Items[0].name, notify.Money(h.Total(), "JPY"))
	case MessengerMessage:
		return fmt.Sprintf("%s wrote on Messenger: %s", h.Person.FullName(), h.Text)
	}
	return fmt.Sprintf("happening %d", h.Kind)
}

// World is the shop's people and what they did, and what they do next.
type World struct {
	// Start is when the demo began; history lies before it.
	Start time.Time
	// SquareSince is when the shop moved its register to Square: sales
	// before it are in the old register's CSV export.
	SquareSince time.Time
	// RhythmFactor is how many of their usual gaps a regular may stay
	// away before they count as dormant; the demo configures nayose the
	// same way so that lapsing regulars lapse while it runs.
	RhythmFactor float64

	People    []*Person
	history   []Happening
	rng       *rand.Rand
	emails    map[string]bool
	campaigns []Happening
	subs      []*Person // subscribed, in order
	buyers    []*Person // have bought, still come
}

// Options size the world.
type Options struct {
	Seed   uint64
	People int
	// Lapsing is how many regulars stop coming at a known moment during
	// the demo; default People/100, at least 6.
	Lapsing int
}

// NewWorld generates a shop with about o.People people and three years
// of history up to start.
func NewWorld(o Options, start time.Time) *World {
	if o.People <= 0 {
		o.People = 1000
	}
	if o.Lapsing <= 0 {
		o.Lapsing = max(6, o.People/100)
	}
	w := &World{
		Start:        start.Truncate(time.Second),
		RhythmFactor: 3,
		rng:          rand.New(rand.NewPCG(o.Seed, o.Seed^0x6e61796f7365)),
		emails:       map[string]bool{},
	}
	w.SquareSince = w.Start.AddDate(0, -18, 0)
	w.campaignHistory()
	for i := range o.People {
		p := w.newPerson()
		if i < o.Lapsing {
			w.lapsing(p, i)
			continue
		}
		w.life(p)
	}
	slices.SortStableFunc(w.history, func(a, b Happening) int { return a.At.Compare(b.At) })
	return w
}

// History is everything that happened before the demo began, oldest first.
func (w *World) History() []Happening { return w.history }

func (w *World) days(lo, hi float64) time.Duration {
	return time.Duration((lo + w.rng.Float64()*(hi-lo)) * 24 * float64(time.Hour))
}

func (w *World) chance(p float64) bool { return w.rng.Float64() < p }

func pick[T any](r *rand.Rand, xs []T) T { return xs[r.IntN(len(xs))] }

func (w *World) newPerson() *Person {
	p := &Person{ID: len(w.People) + 1, Female: w.chance(0.68)}
	p.Family = pick(w.rng, familyNames)
	if p.Female {
		p.Given = pick(w.rng, womensNames)
	} else {
		p.Given = pick(w.rng, mensNames)
	}
	p.Mobile = fmt.Sprintf("0%d0%08d", pick(w.rng, []int{7, 8, 9}), w.rng.IntN(100_000_000))
	if w.chance(0.9) {
		p.Email = w.newEmail(p)
	}
	if w.chance(0.7) {
		y := w.Start.Year() - 20 - w.rng.IntN(50)
		p.Birthday = time.Date(y, time.Month(1+w.rng.IntN(12)), 1+w.rng.IntN(28), 0, 0, 0, 0, time.UTC)
	}
	p.Home = pick(w.rng, areas)
	p.Street = fmt.Sprintf("%d-%d-%d", 1+w.rng.IntN(5), 1+w.rng.IntN(30), 1+w.rng.IntN(20))
	w.People = append(w.People, p)
	return p
}

func (w *World) newEmail(p *Person) string {
	fam, giv := strings.ToLower(p.Family.romaji), strings.ToLower(p.Given.romaji)
	domain := pick(w.rng, emailDomains)
	var local string
	switch w.rng.IntN(4) {
	case 0:
		local = giv + "." + fam
	case 1:
		local = fam + "." + giv
	case 2:
		local = giv[:1] + fam + fmt.Sprint(60+w.rng.IntN(45))
	default:
		local = giv + "_" + fam[:min(3, len(fam))] + fmt.Sprint(w.rng.IntN(100))
	}
	for n := 2; w.emails[local+"@"+domain]; n++ {
		local = fmt.Sprintf("%s%d", strings.TrimRight(local, "0123456789"), n*7%100)
	}
	w.emails[local+"@"+domain] = true
	return local + "@" + domain
}

// life writes a person's history: a regular, a lapsed regular, an
// occasional customer or a prospect who never bought.
func (w *World) life(p *Person) {
	switch r := w.rng.Float64(); {
	case r < 0.30: // regular
		gap := w.days(25, 60)
		t := w.Start.Add(-w.days(200, 1000))
		for t.Before(w.Start) {
			w.purchase(p, t)
			t = t.Add(time.Duration(float64(gap) * (0.8 + 0.4*w.rng.Float64())))
		}
		w.buyers = append(w.buyers, p)
	case r < 0.38: // lapsed: came regularly, stopped long ago
		gap := w.days(25, 60)
		end := w.Start.Add(-w.days(150, 500))
		t := end.Add(-time.Duration(3+w.rng.IntN(8)) * gap)
		for t.Before(end) {
			w.purchase(p, t)
			t = t.Add(time.Duration(float64(gap) * (0.8 + 0.4*w.rng.Float64())))
		}
	case r < 0.65: // occasional
		for range 1 + w.rng.IntN(2) {
			w.purchase(p, w.Start.Add(-w.days(1, 1000)))
		}
		w.buyers = append(w.buyers, p)
	default: // prospect: asked, booked or subscribed, never bought
		if w.chance(0.45) {
			w.booking(p, w.Start.Add(-w.days(0.2, 120)), 0.6)
		}
	}
	if w.chance(0.5) {
		w.subscribe(p, w.Start.Add(-w.days(1, 700)))
	}
	if w.chance(0.25) {
		w.history = append(w.history, w.lineFollow(p, w.Start.Add(-w.days(1, 500))))
	}
	if w.chance(0.03) {
		w.history = append(w.history, w.invoice(p, w.Start.Add(-w.days(2, 700))))
	}
	if w.chance(0.08) {
		for range 1 + w.rng.IntN(3) {
			w.history = append(w.history, w.onlineOrder(p, w.Start.Add(-w.days(1, 600))))
		}
	}
	if w.chance(0.1) {
		w.history = append(w.history, Happening{Kind: MessengerMessage, At: w.Start.Add(-w.days(0.5, 300)).Truncate(time.Second), Person: p, Text: pick(w.rng, lineQuestions)})
	}
}

func (w *World) invoice(p *Person, at time.Time) Happening {
	return Happening{Kind: Invoiced, At: at.Truncate(time.Second), Person: p, Items: []menuItem{bridalSet}}
}

func (w *World) onlineOrder(p *Person, at time.Time) Happening {
	return Happening{Kind: OnlineOrder, At: at.Truncate(time.Second), Person: p, Items: []menuItem{pick(w.rng, menu[6:])}}
}

// lineFollow makes p a friend of the salon's LINE account, with a display
// name as people choose them: their given name, in kanji or romaji, often
// with an emoji.
func (w *World) lineFollow(p *Person, at time.Time) Happening {
	p.LINE = fmt.Sprintf("U%032x", 0x6c696e65000000+p.ID)
	switch w.rng.IntN(3) {
	case 0:
		p.LINEName = p.Given.kanji
	case 1:
		p.LINEName = strings.ToLower(p.Given.romaji)
	default:
		p.LINEName = p.Given.kanji + pick(w.rng, []string{"🌸", "✨", "☕", "🍀", "(^^)"})
	}
	return Happening{Kind: LineFollow, At: at.Truncate(time.Second), Person: p}
}

// lineTick is someone writing to the salon on LINE, following it first if
// they had not; half of them leave their number, as people booking do.
func (w *World) lineTick(now time.Time) []Happening {
	p := w.someone(0.3)
	var hs []Happening
	if p.LINE == "" {
		hs = append(hs, w.lineFollow(p, now))
	}
	text := pick(w.rng, lineQuestions)
	if w.chance(0.5) {
		text += fmt.Sprintf("（%s-%s-%s %sです）", p.Mobile[:3], p.Mobile[3:7], p.Mobile[7:], p.Family.kanji)
	}
	return append(hs, Happening{Kind: LineMessage, At: now, Person: p, Text: text})
}

// lapsing writes a regular with six visits exactly gap apart whose rhythm
// breaks during the demo: the first ten a couple of minutes apart, the
// rest ten minutes apart, so dormancy alerts keep coming for hours.
func (w *World) lapsing(p *Person, i int) {
	gap := time.Duration(21+w.rng.IntN(20)) * 24 * time.Hour
	offset := time.Duration(i+1) * 2 * time.Minute
	if i >= 10 {
		offset = 20*time.Minute + time.Duration(i-9)*10*time.Minute
	}
	p.Lapses = w.Start.Add(offset)
	last := p.Lapses.Add(-time.Duration(w.RhythmFactor * float64(gap)))
	for k := 5; k >= 0; k-- {
		w.history = append(w.history, Happening{Kind: Purchase, At: last.Add(-time.Duration(k) * gap), Person: p,
			Items: []menuItem{menu[1]}})
	}
	w.subscribe(p, last.Add(-400*24*time.Hour))
}

func (w *World) purchase(p *Person, at time.Time) {
	if at = w.openHours(at); !at.Before(w.Start) {
		at = w.Start.Add(-time.Duration(1+w.rng.IntN(3600)) * time.Second)
	}
	svc := pick(w.rng, menu[:6])
	items := []menuItem{svc}
	if w.chance(0.3) {
		items = append(items, pick(w.rng, menu[6:]))
	}
	h := Happening{Kind: Purchase, At: at, Person: p, Items: items, Register: at.Before(w.SquareSince)}
	if h.Register {
		h.At = time.Date(at.Year(), at.Month(), at.Day(), 0, 0, 0, 0, at.Location())
	}
	w.history = append(w.history, h)
	if !h.Register && w.chance(0.3) {
		b := w.bookingAt(p, at.Add(-w.days(1, 14)), at, 0.2)
		b.Service = svc.name
		w.history = append(w.history, b)
	}
}

// openHours moves t to a moment on its day in Tokyo when the salon is
// open, 10:00 to 19:30.
func (w *World) openHours(t time.Time) time.Time {
	y, m, d := t.In(tokyo).Date()
	open := time.Date(y, m, d, 10, 0, 0, 0, tokyo)
	return open.Add(time.Duration(w.rng.IntN(19*60*60/2)) * time.Second).UTC()
}

func (w *World) bookingAt(p *Person, at, start time.Time, askP float64) Happening {
	h := Happening{Kind: Booking, At: at.Truncate(time.Second), Person: p, Service: pick(w.rng, menu[:6]).name,
		Start: w.openHours(start).Truncate(30 * time.Minute)}
	if w.chance(askP) {
		h.Question = pick(w.rng, questions)
	}
	h.Canceled = w.chance(0.08)
	return h
}

func (w *World) booking(p *Person, at time.Time, askP float64) {
	w.history = append(w.history, w.bookingAt(p, at, at.Add(w.days(1, 21)), askP))
}

func (w *World) subscribe(p *Person, at time.Time) {
	if p.Email == "" {
		return
	}
	at = at.Truncate(time.Second)
	w.history = append(w.history, Happening{Kind: Subscribe, At: at, Person: p})
	for _, c := range w.campaigns {
		if c.At.Before(at) {
			continue
		}
		if w.chance(0.35) {
			w.history = append(w.history, Happening{Kind: EmailOpen, At: c.At.Add(w.days(0.01, 3)).Truncate(time.Second), Person: p, Campaign: c.Campaign, Subject: c.Subject})
			if w.chance(0.25) {
				w.history = append(w.history, Happening{Kind: EmailClick, At: c.At.Add(w.days(3, 4)).Truncate(time.Second), Person: p, Campaign: c.Campaign, Subject: c.Subject})
			}
		}
	}
	if gone := at.Add(w.days(30, 300)).Truncate(time.Second); w.chance(0.05) && gone.Before(w.Start) {
		w.history = append(w.history, Happening{Kind: Unsubscribe, At: gone, Person: p})
		return
	}
	w.subs = append(w.subs, p)
}

// campaignHistory sends a newsletter every month of the last year.
func (w *World) campaignHistory() {
	for m := 12; m >= 1; m-- {
		at := w.Start.AddDate(0, -m, 0).Truncate(time.Hour)
		w.campaign(at)
	}
}

func (w *World) campaign(at time.Time) Happening {
	n := len(w.campaigns)
	c := Happening{Kind: CampaignSent, At: at, Campaign: n, Subject: campaignSubjects[n%len(campaignSubjects)]}
	w.campaigns = append(w.campaigns, c)
	w.history = append(w.history, c)
	return c
}

// Tick is what happens in the shop at now: a sale, a booking (often with
// a question: a new inquiry), a new subscriber, a newsletter read, now and
// then a newsletter sent or a first-time customer.
func (w *World) Tick(now time.Time) []Happening {
	now = now.Truncate(time.Second)
	switch r := w.rng.Float64(); {
	case r < 0.15:
		return w.lineTick(now)
	case r < 0.25:
		return []Happening{{Kind: MessengerMessage, At: now, Person: w.someone(0.4), Text: pick(w.rng, lineQuestions)}}
	case r < 0.28:
		return []Happening{w.invoice(w.someone(0), now)}
	case r < 0.33:
		return []Happening{w.onlineOrder(w.someone(0.2), now)}
	}
	switch r := w.rng.Float64(); {
	case r < 0.30 && len(w.buyers) > 0:
		p := pick(w.rng, w.buyers)
		items := []menuItem{pick(w.rng, menu[:6])}
		if w.chance(0.3) {
			items = append(items, pick(w.rng, menu[6:]))
		}
		return []Happening{{Kind: Purchase, At: now, Person: p, Items: items}}
	case r < 0.60:
		p := w.someone(0.35)
		h := w.bookingAt(p, now, now.Add(w.days(1, 14)), 0.7)
		h.Canceled = false
		return []Happening{h}
	case r < 0.72:
		p := w.someone(0.6)
		if p.Email == "" {
			p.Email = w.newEmail(p)
		}
		w.subs = append(w.subs, p)
		return []Happening{{Kind: Subscribe, At: now, Person: p}}
	case r < 0.90 && len(w.subs) > 0 && len(w.campaigns) > 0:
		c := w.campaigns[len(w.campaigns)-1]
		kind := EmailOpen
		if w.chance(0.3) {
			kind = EmailClick
		}
		return []Happening{{Kind: kind, At: now, Person: pick(w.rng, w.subs), Campaign: c.Campaign, Subject: c.Subject}}
	case r < 0.93:
		c := w.campaign(now)
		w.history = w.history[:len(w.history)-1] // live, not history
		return []Happening{c}
	default:
		p := w.newPerson()
		w.buyers = append(w.buyers, p)
		return []Happening{{Kind: Purchase, At: now, Person: p, Items: []menuItem{pick(w.rng, menu[:6])}}}
	}
}

// someone is a new person with probability pNew, else a known one who is
// not about to lapse.
func (w *World) someone(pNew float64) *Person {
	if w.chance(pNew) {
		return w.newPerson()
	}
	for {
		if p := pick(w.rng, w.People); p.Lapses.IsZero() {
			return p
		}
	}
}
