package demo

import (
	"fmt"
	"maps"
	"math/rand/v2"
	"net/http"
	"strings"

	"github.com/nayose/nayose/connectors/calendly/calendlytest"
)

// calendlySource is the salon's online booking page: people type their
// own names, often in romaji, and their phone for the text reminder.
type calendlySource struct {
	w    *World
	fake *calendlytest.Server
	rng  *rand.Rand
	// invitees is the person behind each invitee.
	invitees map[string]int
}

func newCalendly(w *World) *calendlySource {
	// The real limit (500 requests a minute on paid plans) would make
	// the first sync of a busy salon's history take minutes: Calendly
	// lists an event's invitees one request per event.
	fake := &calendlytest.Server{RateLimit: 100_000}
	fake.SetUser(calendlytest.User{Name: "hair nayose 三軒茶屋", Email: "booking@hair-nayose.example", Timezone: "Asia/Tokyo", Slug: "hair-nayose"})
	return &calendlySource{w: w, fake: fake, rng: rand.New(rand.NewPCG(7, 2)), invitees: map[string]int{}}
}

func (s *calendlySource) Name() string          { return "calendly_booking" }
func (s *calendlySource) Handler() http.Handler { return s.fake }

func (s *calendlySource) Connector(baseURL, _ string) (Connector, error) {
	return Connector{Name: s.Name(), Type: "calendly", Options: map[string]any{
		"token": calendlytest.DefaultAccessToken, "base_url": baseURL, "from": "8760h", "ahead": "720h", "retry_wait": "200ms", "rate_limit": 500,
	}}, nil
}

func (s *calendlySource) Record(h Happening) error {
	if h.Kind != Booking {
		return nil
	}
	p := h.Person
	ev := s.fake.AddEvent(calendlytest.Event{Name: h.Service, StartTime: h.Start, CreatedAt: h.At, UpdatedAt: h.At})
	inv := calendlytest.Invitee{Name: typedName(p), Email: p.Email, CreatedAt: h.At, UpdatedAt: h.At}
	if inv.Email == "" || p.ID%10 == 3 {
		// Someone without a private address, or who books from work.
		inv.Email = fmt.Sprintf("%s.%s.%d@%s", strings.ToLower(p.Given.romaji), strings.ToLower(p.Family.romaji), p.ID, "work.example.co.jp")
	}
	if s.rng.Float64() < 0.6 {
		inv.TextReminderNumber = fmt.Sprintf("%s-%s-%s", p.Mobile[:3], p.Mobile[3:7], p.Mobile[7:])
	}
	if h.Question != "" {
		inv.QuestionsAndAnswers = []calendlytest.QA{{Question: "ご相談・ご質問", Answer: h.Question}}
	}
	s.invitees[s.fake.AddInvitee(ev, inv)] = p.ID
	if h.Canceled {
		s.fake.CancelInvitee(ev, inv.Email, "都合が悪くなりました")
	}
	return nil
}

func (s *calendlySource) Owners() map[string]int { return maps.Clone(s.invitees) }

// typedName is a name as its bearer types it into a booking form: each
// person their own way, romaji or kanji, every time.
func typedName(p *Person) string {
	switch p.ID % 20 {
	case 0, 1, 2, 3, 4, 5, 6, 7, 8:
		return p.Given.romaji + " " + p.Family.romaji
	case 9, 10, 11, 12, 13, 14, 15, 16:
		return p.Family.kanji + " " + p.Given.kanji
	default:
		return p.Family.kanji + p.Given.kanji
	}
}
