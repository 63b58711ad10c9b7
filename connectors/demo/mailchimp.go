package demo

import (
	"fmt"
	"math/rand/v2"
	"net/http"
	"strings"

	"github.com/nayose/nayose/connectors/mailchimp/mailchimptest"
)

// mailchimpSource is the salon's newsletter: people sign up with romaji
// names, sometimes a +tag address, and a phone without hyphens.
type mailchimpSource struct {
	w         *World
	fake      *mailchimptest.Server
	rng       *rand.Rand
	emails    map[int]string // person → the address they subscribed with
	campaigns map[int]string // world campaign → Mailchimp campaign id
}

func newMailchimp(w *World) *mailchimpSource {
	fake := &mailchimptest.Server{}
	fake.AddList(mailchimptest.List{ID: mailchimptest.DefaultListID, Name: "hair nayose ニュースレター", DateCreated: w.Start.AddDate(-3, 0, 0)})
	return &mailchimpSource{w: w, fake: fake, rng: rand.New(rand.NewPCG(7, 3)), emails: map[int]string{}, campaigns: map[int]string{}}
}

func (s *mailchimpSource) Name() string          { return "mailchimp_newsletter" }
func (s *mailchimpSource) Handler() http.Handler { return s.fake }

func (s *mailchimpSource) Connector(baseURL, _ string) (Connector, error) {
	return Connector{Name: s.Name(), Type: "mailchimp", Options: map[string]any{
		"api_key": mailchimptest.DefaultAPIKey, "base_url": baseURL + "/3.0", "list_id": mailchimptest.DefaultListID,
		"activity_days": 400, "retry_wait": "200ms",
	}}, nil
}

func (s *mailchimpSource) Owners() map[string]int {
	out := make(map[string]int, len(s.emails))
	for person, email := range s.emails {
		out[mailchimptest.SubscriberHash(email)] = person
	}
	return out
}

func (s *mailchimpSource) Record(h Happening) error {
	switch h.Kind {
	case CampaignSent:
		c := s.fake.AddCampaign(mailchimptest.Campaign{Status: "sent", SubjectLine: h.Subject, SendTime: h.At})
		s.campaigns[h.Campaign] = c.ID
	case Subscribe:
		p := h.Person
		if email, ok := s.emails[p.ID]; ok {
			_, err := s.fake.UpdateMember(email, func(m *mailchimptest.Member) { m.Status = mailchimptest.StatusSubscribed })
			return err
		}
		email := newsletterAddress(p.Email, s.rng)
		m := mailchimptest.Member{EmailAddress: email, Status: mailchimptest.StatusSubscribed,
			TimestampSignup: h.At, LastChanged: h.At, MergeFields: s.mergeFields(p)}
		s.fake.AddMembers(m)
		s.emails[p.ID] = email
	case Unsubscribe:
		if email, ok := s.emails[h.Person.ID]; ok {
			_, err := s.fake.UpdateMember(email, func(m *mailchimptest.Member) { m.Status = mailchimptest.StatusUnsubscribed })
			return err
		}
	case EmailOpen, EmailClick:
		email, ok := s.emails[h.Person.ID]
		id, sent := s.campaigns[h.Campaign]
		if !ok || !sent {
			return nil
		}
		if h.Kind == EmailOpen {
			return s.fake.AddActivity(id, email, mailchimptest.ActionOpen, h.At, "")
		}
		return s.fake.AddActivity(id, email, mailchimptest.ActionClick, h.At, "https://hair-nayose.example/menu")
	}
	return nil
}

func (s *mailchimpSource) mergeFields(p *Person) mailchimptest.MergeFields {
	var f mailchimptest.MergeFields
	if s.rng.Float64() < 0.4 {
		f.FNAME, f.LNAME = p.Given.romaji, strings.ToUpper(p.Family.romaji)
	} else {
		f.FNAME, f.LNAME = p.Given.kanji, p.Family.kanji
	}
	if s.rng.Float64() < 0.5 {
		f.PHONE = p.Mobile
	}
	if !p.Birthday.IsZero() && s.rng.Float64() < 0.3 {
		f.BIRTHDAY = p.Birthday.Format("01/02")
	}
	return f
}

// newsletterAddress is the address someone gives a newsletter: a gmail
// user may add a +tag or drop the dots.
func newsletterAddress(email string, r *rand.Rand) string {
	local, domain, _ := strings.Cut(email, "@")
	if domain != "gmail.com" {
		return email
	}
	switch x := r.Float64(); {
	case x < 0.2:
		return fmt.Sprintf("%s+news@%s", local, domain)
	case x < 0.3:
		return strings.ReplaceAll(local, ".", "") + "@" + domain
	}
	return email
}
