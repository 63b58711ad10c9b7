package demo

import (
	"fmt"
	"maps"
	"net/http"

	"github.com/nayose/nayose/connectors/meta/metatest"
)

// messengerSource is the salon's Facebook Page inbox: people write under
// their Facebook name, usually in romaji, and Messenger sometimes gives
// their e-mail. A person's first message opens a conversation.
type messengerSource struct {
	w     *World
	fake  *metatest.Server
	convs map[int]string // person → conversation id
	psids map[string]int // PSID → person
}

func newMessenger(w *World) *messengerSource {
	return &messengerSource{w: w, fake: &metatest.Server{}, convs: map[int]string{}, psids: map[string]int{}}
}

func (s *messengerSource) Name() string           { return "messenger_page" }
func (s *messengerSource) Handler() http.Handler  { return s.fake }
func (s *messengerSource) Owners() map[string]int { return maps.Clone(s.psids) }

func (s *messengerSource) Connector(baseURL, _ string) (Connector, error) {
	return Connector{Name: s.Name(), Type: "meta", Options: map[string]any{
		"page_access_token": metatest.DefaultAccessToken, "page_id": metatest.DefaultPageID, "platform": "messenger",
		"base_url": baseURL, "app_secret": metatest.DefaultAppSecret, "verify_token": "demo-verify", "rate_limit": 50, "retry_wait": "200ms",
	}}, nil
}

func (s *messengerSource) Record(h Happening) error {
	if h.Kind != MessengerMessage {
		return nil
	}
	p := h.Person
	conv, ok := s.convs[p.ID]
	if !ok {
		part := metatest.Participant{ID: fmt.Sprintf("%d", 6200000000000000+p.ID), Name: p.Given.romaji + " " + p.Family.romaji}
		if p.ID%2 == 0 {
			part.Email = p.Email
		}
		conv = s.fake.AddConversation(part)
		s.convs[p.ID] = conv
		s.psids[part.ID] = p.ID
	}
	s.fake.AddMessage(conv, metatest.Message{Text: h.Text, CreatedTime: h.At})
	return nil
}
