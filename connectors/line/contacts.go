package line

import (
	"context"
	"encoding/json"
	"regexp"
	"slices"

	"github.com/nayose/nayose/mapping"
)

// How many of a person's messages are searched for the contact details
// they gave; a small shop's friend writes far fewer.
const contactMessages = 200

var (
	emailInText = regexp.MustCompile(`[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)+`)
	phoneInText = regexp.MustCompile(`(?:\+81[\s\-]?|0)\d{1,4}[\s\-]?\d{1,4}[\s\-]?\d{3,4}`)
)

// contactsIn returns the e-mail addresses and phone numbers (mobile or
// fixed lines, valid in Japan) written in a message, as people write
// them to a shop to book ("090-1234-5678 の佐藤です"), full-width or not.
func contactsIn(text string) (emails, phones []string) {
	folded := mapping.Fold(text)
	emails = emailInText.FindAllString(folded, -1)
	for _, m := range phoneInText.FindAllString(folded, -1) {
		p, ok := mapping.ParsePhone(m, "JP")
		if ok && (p.Kind == mapping.PhoneMobile || p.Kind == mapping.PhoneLandline) {
			phones = append(phones, m)
		}
	}
	return emails, phones
}

// contactsOf gathers the contact details a person gave in any message the
// account stored, newest first, each once.
func (s *eventsStream) contactsOf(ctx context.Context, user string) (emails, phones []string, err error) {
	msgs, err := s.inbox.WebhookEventsAbout(ctx, s.connector, "message", user, contactMessages)
	if err != nil {
		return nil, nil, err
	}
	for _, m := range msgs {
		var ev event
		if json.Unmarshal(m.Body, &ev) != nil || ev.Message == nil || ev.Message.Type != "text" {
			continue
		}
		e, p := contactsIn(ev.Message.Text)
		for _, x := range e {
			if !slices.Contains(emails, x) {
				emails = append(emails, x)
			}
		}
		for _, x := range p {
			if !slices.Contains(phones, x) {
				phones = append(phones, x)
			}
		}
	}
	return emails, phones, nil
}
