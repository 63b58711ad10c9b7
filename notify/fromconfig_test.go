package notify_test

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/nayose/nayose/config"
	"github.com/nayose/nayose/notify"
	"github.com/nayose/nayose/store"
	"github.com/nayose/nayose/store/storetest"
)

func TestFromConfig_BuildsWhatTheSectionSays(t *testing.T) {
	f := newFakeSlack(t)
	env := map[string]string{"SLACK_BOT_TOKEN": fakeToken, "SLACK_WEBHOOK_URL": f.WebhookURL()}
	tests := []struct {
		name    string
		yaml    string
		channel string
		// night is whether an alert at 23:00 Tokyo is held.
		night string
	}{
		{name: "nothing: the console", yaml: "timezone: Asia/Tokyo\n", channel: "console", night: "sent"},
		{
			name:    "bot token, console too, quiet hours",
			yaml:    "notify:\n  slack:\n    bot_token: ${SLACK_BOT_TOKEN}\n    channel: \"#shop-alerts\"\n  console: true\n  quiet_hours: {from: \"22:00\", to: \"08:00\"}\n",
			channel: "slack:#shop-alerts,console", night: "held",
		},
		{name: "webhook alone", yaml: "notify:\n  slack:\n    webhook_url: ${SLACK_WEBHOOK_URL}\n", channel: "slack:webhook", night: "sent"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := config.Parse("nayose.yaml", []byte(tt.yaml), func(k string) (string, bool) { v, ok := env[k]; return v, ok })
			if err != nil {
				t.Fatal(err)
			}
			db := storetest.Open(t, store.SQLite)
			var console bytes.Buffer
			ob, err := notify.FromConfig(cfg, db, notify.Setup{Console: &console, SlackAPIURL: f.APIURL()})
			if err != nil {
				t.Fatal(err)
			}
			if ob.Channel() != tt.channel {
				t.Errorf("channel = %q, want %q", ob.Channel(), tt.channel)
			}
			night := time.Date(2026, 11, 23, 23, 0, 0, 0, tokyo)
			if _, err := ob.Enqueue(context.Background(), []notify.Pending{pending("k", "new_inquiry", "Night owl", night)}); err != nil {
				t.Fatal(err)
			}
			before := len(f.Posts())
			deliver(t, ob, night)
			if got := alertRows(t, db)[0].Status; got != tt.night {
				t.Fatalf("status at 23:00 = %s, want %s", got, tt.night)
			}
			// By the morning it went everywhere the section says, once.
			deliver(t, ob, night.Add(9*time.Hour))
			if got := alertRows(t, db)[0].Status; got != store.AlertSent {
				t.Fatalf("status in the morning = %s, want sent", got)
			}
			if slack, want := len(f.Posts())-before, strings.Count(tt.channel, "slack"); slack != want {
				t.Errorf("%d Slack messages, want %d", slack, want)
			}
			if printed, want := strings.Count(console.String(), "[2026-11-23 23:00] new_inquiry: Night owl\n"), strings.Count(tt.channel, "console"); printed != want {
				t.Errorf("console printed %q, want the alert %d times", console.String(), want)
			}
		})
	}
}

// TestREADME_ConfigurationIsValid keeps the README's YAML block from
// drifting away from what the config accepts.
func TestREADME_ConfigurationIsValid(t *testing.T) {
	data, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok := strings.Cut(string(data), "```yaml\n")
	block, _, closed := strings.Cut(rest, "```")
	if !ok || !closed {
		t.Fatal("README.md has no ```yaml block")
	}
	cfg, err := config.Parse("README.md", []byte(block), func(k string) (string, bool) { return "xoxb-readme", k == "SLACK_BOT_TOKEN" })
	if err != nil {
		t.Fatalf("the README's configuration does not load:\n%v", err)
	}
	n := cfg.Notify
	if n.Slack.Channel != "#shop-alerts" || !n.ConsoleOn() || n.QuietHours == nil || n.BatchOver != 3 || n.Every.Std() != time.Minute {
		t.Errorf("README configuration read as %+v", n)
	}
	// The rules' block too.
	_, rest, _ = strings.Cut(rest, "```yaml\n")
	block, _, _ = strings.Cut(rest, "```")
	cfg, err = config.Parse("README.md", []byte(block), func(string) (string, bool) { return "", false })
	if err != nil {
		t.Fatalf("the README's rules do not load:\n%v", err)
	}
	if d := cfg.Notify.Rules.Dormant; d.MinNetSales != 10000 || d.Schedule.Spec != "0 9 * * 1" {
		t.Errorf("README rules read as %+v", cfg.Notify.Rules)
	}
}
