package demo

import (
	"maps"
	"net/http"

	"github.com/nayose/nayose/connectors/line/linetest"
)

// lineSource is the salon's LINE Official Account: friends known by the
// display names they chose, who write to book and ask. Friends from before
// the demo are in the followers list; what happens live is pushed as
// webhooks.
type lineSource struct {
	w     *World
	fake  *linetest.Server
	users map[string]int // userId → person
}

func newLINE(w *World) *lineSource {
	return &lineSource{w: w, fake: &linetest.Server{}, users: map[string]int{}}
}

func (s *lineSource) Name() string                { return "line_official" }
func (s *lineSource) Handler() http.Handler       { return s.fake }
func (s *lineSource) Owners() map[string]int      { return maps.Clone(s.users) }
func (s *lineSource) Deliveries() []*http.Request { return s.fake.Deliveries() }

func (s *lineSource) Connector(baseURL, _ string) (Connector, error) {
	return Connector{Name: s.Name(), Type: "line", Options: map[string]any{
		"channel_access_token": linetest.DefaultAccessToken, "channel_secret": linetest.DefaultChannelSecret,
		"base_url": baseURL, "rate_limit": 500, "retry_wait": "200ms",
	}}, nil
}

func (s *lineSource) Record(h Happening) error {
	switch h.Kind {
	case LineFollow:
		p := h.Person
		prof := linetest.Profile{UserID: p.LINE, DisplayName: p.LINEName, Language: "ja"}
		s.users[p.LINE] = p.ID
		if h.Live {
			s.fake.Follow(prof)
		} else {
			s.fake.AddFollower(prof)
		}
	case LineMessage:
		if h.Live {
			s.fake.Say(h.Person.LINE, h.Text, h.At)
		}
	}
	return nil
}
