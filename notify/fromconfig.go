package notify

import (
	"errors"
	"io"
	"log/slog"
	"net/http"
	"os"
	"time"

	"github.com/nayose/nayose/config"
	"github.com/nayose/nayose/store"
)

// Setup is what FromConfig wires in besides the configuration.
type Setup struct {
	// Console receives console alerts; default standard output.
	Console io.Writer
	Logger  *slog.Logger
	Metrics *Metrics
	// HTTPClient and SlackAPIURL reach Slack; defaults Slack's own. Tests
	// point them at a fake.
	HTTPClient  *http.Client
	SlackAPIURL string
}

// FromConfig builds what the notify section asks for: Slack (bot token
// with channel, or incoming webhook), the console, or Slack then the
// console, behind an Outbox with the configured quiet hours, batching and
// interval. Times show in the configured timezone. Nothing is sent until
// Deliver or Run.
func FromConfig(cfg *config.Config, db *store.DB, s Setup) (*Outbox, error) {
	n := cfg.Notify
	if s.Console == nil {
		s.Console = os.Stdout
	}
	if s.Logger == nil {
		s.Logger = slog.New(slog.DiscardHandler)
	}
	loc := cfg.Timezone.Location
	var notifiers Multi
	if n.Slack.Configured() {
		sl, err := NewSlack(SlackOptions{
			Token:      n.Slack.BotToken.Reveal(),
			Channel:    n.Slack.Channel,
			WebhookURL: n.Slack.WebhookURL.Reveal(),
			APIURL:     s.SlackAPIURL,
			HTTPClient: s.HTTPClient,
			Location:   loc,
			Logger:     s.Logger,
			Metrics:    s.Metrics,
		})
		if err != nil {
			return nil, err
		}
		notifiers = append(notifiers, sl)
	}
	if n.ConsoleOn() {
		notifiers = append(notifiers, &Console{W: s.Console, Location: loc})
	}
	if len(notifiers) == 0 {
		return nil, errors.New("notify: alerts have nowhere to go: configure notify.slack or turn notify.console on")
	}
	var notifier Notifier = notifiers
	if len(notifiers) == 1 {
		notifier = notifiers[0]
	}
	var quiet QuietHours
	if q := n.QuietHours; q != nil && q.From != nil && q.To != nil {
		quiet = QuietHours{From: sinceMidnight(*q.From), To: sinceMidnight(*q.To)}
	}
	return NewOutbox(OutboxOptions{
		DB:         db,
		Notifier:   notifier,
		Location:   loc,
		QuietHours: quiet,
		BatchOver:  n.BatchOver,
		Every:      n.Every.Std(),
		Logger:     s.Logger,
		Metrics:    s.Metrics,
	})
}

func sinceMidnight(t config.TimeOfDay) time.Duration {
	return time.Duration(t.Hour)*time.Hour + time.Duration(t.Minute)*time.Minute
}
