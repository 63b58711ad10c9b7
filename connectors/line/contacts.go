package line

import (
	"context"
	"encoding/json"
	"slices"

	"github.com/nayose/nayose/mapping"
)

// How many of a person's messages are searched for the contact details
// they gave; a small shop's friend writes far fewer.
const contactMessages = 200

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
		e, p := mapping.ContactsInText(ev.Message.Text)
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
