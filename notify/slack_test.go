package notify_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/nayose/nayose/notify"
)

var tokyo = mustZone("Asia/Tokyo")

func mustZone(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

// inquiry is an alert with everything Block Kit has to show, values with
// mrkdwn control characters included.
var inquiry = notify.Alert{
	Rule:  "new_inquiry",
	Title: "New inquiry from 山田 花子",
	Fields: []notify.Field{
		{Label: "Email", Value: "hanako@example.com"},
		{Label: "Message", Value: "<!channel> Price & availability of <b>plan A</b>?"},
		{Label: "Phone", Value: ""},
	},
	At: time.Date(2026, 11, 23, 1, 5, 0, 0, time.UTC),
}

// modes are the two ways to reach Slack, each against the fake.
func modes(f *fakeSlack) map[string]notify.SlackOptions {
	return map[string]notify.SlackOptions{
		"bot token": {Token: fakeToken, Channel: "#shop-alerts", APIURL: f.APIURL()},
		"webhook":   {WebhookURL: f.WebhookURL()},
	}
}

func newSlack(t *testing.T, o notify.SlackOptions) *notify.Slack {
	t.Helper()
	s, err := notify.NewSlack(o)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestSlack_PostsAlertAsBlockKit(t *testing.T) {
	f := newFakeSlack(t)
	for mode, o := range modes(f) {
		t.Run(mode, func(t *testing.T) {
			before := len(f.Posts())
			if err := newSlack(t, o).Notify(context.Background(), inquiry); err != nil {
				t.Fatal(err)
			}
			posts := f.Posts()[before:]
			if len(posts) != 1 {
				t.Fatalf("%d messages posted, want 1", len(posts))
			}
			p := posts[0]
			if p.Webhook != (mode == "webhook") || (mode == "bot token" && p.Channel != "#shop-alerts") {
				t.Errorf("posted to webhook=%v channel=%q", p.Webhook, p.Channel)
			}
			want := []string{
				"header: New inquiry from 山田 花子",
				"field: *Email*\nhanako@example.com",
				"field: *Message*\n&lt;!channel&gt; Price &amp; availability of &lt;b&gt;plan A&lt;/b&gt;?",
				"field: *Phone*\n—",
				"context: `new_inquiry` · 2026-11-23 10:05 JST",
			}
			if got := lines(t, p.Blocks); !slices.Equal(got, want) {
				t.Errorf("blocks:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
			}
			wantText := "New inquiry from 山田 花子\nEmail: hanako@example.com\nMessage: &lt;!channel&gt; Price &amp; availability of &lt;b&gt;plan A&lt;/b&gt;?\nPhone: "
			if p.Text != wantText {
				t.Errorf("fallback text:\n%q\nwant\n%q", p.Text, wantText)
			}
			if p.Unfurl != "false" {
				t.Errorf("unfurl_links = %q, want false (customer links are not previews)", p.Unfurl)
			}
		})
	}
}

func TestSlack_ManyFieldsSplitIntoSectionsOfTen(t *testing.T) {
	f := newFakeSlack(t)
	a := notify.Alert{Rule: "r", Title: strings.Repeat("長", 200), At: inquiry.At}
	for i := range 12 {
		a.Fields = append(a.Fields, notify.Field{Label: fmt.Sprint("f", i), Value: strings.Repeat("&", 900)})
	}
	s := newSlack(t, modes(f)["bot token"])
	if err := s.Notify(context.Background(), a); err != nil {
		t.Fatal(err)
	}
	got := lines(t, f.Posts()[0].Blocks)
	if len(got) != 14 {
		t.Fatalf("%d lines, want header, 12 fields and context: %q", len(got), got)
	}
	if n := len([]rune(strings.TrimPrefix(got[0], "header: "))); n != 150 {
		t.Errorf("header is %d characters, want Slack's limit of 150", n)
	}
	for _, l := range got[1:13] {
		field := strings.TrimPrefix(l, "field: ")
		if n := len([]rune(field)); n > 2000 {
			t.Errorf("field is %d characters, over Slack's 2000", n)
		}
		if !strings.HasSuffix(field, "&amp;…") {
			t.Errorf("field cut inside an entity: ...%s", field[len(field)-12:])
		}
	}
	// Ten fields per section: Slack refuses more.
	if sections := strings.Count(string(f.Posts()[0].Blocks), `"type":"section"`); sections != 2 {
		t.Errorf("%d sections, want 2 (10 + 2 fields)", sections)
	}
}

func TestSlack_DigestIsOneMessage(t *testing.T) {
	f := newFakeSlack(t)
	var alerts []notify.Alert
	for i := range 12 {
		alerts = append(alerts, notify.Alert{
			Rule: "new_inquiry", Title: fmt.Sprintf("Inquiry %d <from web>", i+1),
			Fields: []notify.Field{{Label: "Email", Value: fmt.Sprintf("c%d@example.com", i+1)}},
			At:     inquiry.At.Add(time.Duration(i) * time.Minute),
		})
	}
	d := notify.Digest{Rule: "new_inquiry", Title: "12 new inquiries", Alerts: alerts}
	for mode, o := range modes(f) {
		t.Run(mode, func(t *testing.T) {
			before := len(f.Posts())
			if err := newSlack(t, o).NotifyBatch(context.Background(), d); err != nil {
				t.Fatal(err)
			}
			posts := f.Posts()[before:]
			if len(posts) != 1 {
				t.Fatalf("%d messages for a digest, want 1", len(posts))
			}
			want := []string{"header: 12 new inquiries"}
			for i := range 10 {
				want = append(want,
					fmt.Sprintf("section: *Inquiry %d &lt;from web&gt;*  11-23 10:%02d", i+1, 5+i),
					fmt.Sprintf("field: *Email*\nc%d@example.com", i+1))
			}
			want = append(want, "section: _…and 2 more_",
				"context: `new_inquiry` · 12 alerts from 2026-11-23 10:05 to 2026-11-23 10:16 JST")
			if got := lines(t, posts[0].Blocks); !slices.Equal(got, want) {
				t.Errorf("blocks:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
			}
			if !strings.HasPrefix(posts[0].Text, "12 new inquiries\n• Inquiry 1 &lt;from web&gt;\n") || !strings.HasSuffix(posts[0].Text, "\n…and 2 more") {
				t.Errorf("fallback text = %q", posts[0].Text)
			}
		})
	}
}

func TestSlack_429HonoursRetryAfter(t *testing.T) {
	f := newFakeSlack(t)
	for mode, o := range modes(f) {
		t.Run(mode, func(t *testing.T) {
			var logs bytes.Buffer
			o.Logger = slog.New(slog.NewTextHandler(&logs, nil))
			f.Fail(fault{status: http.StatusTooManyRequests, retryAfter: "1"})
			before := len(f.Requests())
			if err := newSlack(t, o).Notify(context.Background(), inquiry); err != nil {
				t.Fatalf("Notify after one 429: %v", err)
			}
			reqs := f.Requests()[before:]
			if len(reqs) != 2 || reqs[0].Accepted || !reqs[1].Accepted {
				t.Fatalf("requests %+v; want a refused one, then an accepted one", reqs)
			}
			if gap := reqs[1].At.Sub(reqs[0].At); gap < time.Second {
				t.Errorf("retried after %v; Retry-After asked for 1s", gap)
			}
			if !strings.Contains(logs.String(), "retry_after=1s") {
				t.Errorf("the wait is not logged: %s", logs.String())
			}
		})
	}
}

func TestSlack_RateLimitGivesUpAfterItsBound(t *testing.T) {
	f := newFakeSlack(t)
	tests := []struct {
		name    string
		o       notify.SlackOptions
		faults  []fault
		tries   int
		wantErr string
	}{
		{
			name:    "retries spent",
			o:       notify.SlackOptions{Token: fakeToken, Channel: "#shop-alerts", APIURL: f.APIURL(), RateLimitRetries: 1},
			faults:  []fault{{status: 429, retryAfter: "1"}, {status: 429, retryAfter: "1"}, {status: 429, retryAfter: "1"}},
			tries:   2,
			wantErr: "posting to Slack channel #shop-alerts: slack rate limit exceeded, retry after 1s",
		},
		{
			name:    "Retry-After beyond MaxWait is left to the outbox",
			o:       notify.SlackOptions{WebhookURL: f.WebhookURL(), MaxWait: 10 * time.Second},
			faults:  []fault{{status: 429, retryAfter: "120"}},
			tries:   1,
			wantErr: "posting to Slack incoming webhook: slack rate limit exceeded, retry after 2m0s",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f.Fail(tt.faults...)
			t.Cleanup(f.ClearFaults)
			before := len(f.Requests())
			err := newSlack(t, tt.o).Notify(context.Background(), inquiry)
			if err == nil || err.Error() != tt.wantErr {
				t.Fatalf("err = %v, want %q", err, tt.wantErr)
			}
			if _, ok := notify.RetryAfter(err); !ok {
				t.Errorf("RetryAfter(%v) finds no rate limit", err)
			}
			if n := len(f.Requests()) - before; n != tt.tries {
				t.Errorf("%d requests, want %d", n, tt.tries)
			}
		})
	}
}

func TestSlack_CancelledContextStopsTheWait(t *testing.T) {
	f := newFakeSlack(t)
	for mode, o := range modes(f) {
		t.Run(mode, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			f.Fail(fault{status: 429, retryAfter: "30", then: cancel})
			start := time.Now()
			err := newSlack(t, o).Notify(ctx, inquiry)
			if !errors.Is(err, context.Canceled) {
				t.Fatalf("err = %v, want context.Canceled", err)
			}
			if took := time.Since(start); took > 5*time.Second {
				t.Errorf("returned after %v; a cancelled context should end the 30s wait at once", took)
			}
		})
	}
}

func TestSlack_SecretsNeverInErrorsOrLogs(t *testing.T) {
	f := newFakeSlack(t)
	down := newFakeSlack(t)
	downAPI, downHook := down.APIURL(), down.WebhookURL()
	down.srv.Stop() // connection refused: the error quotes the URL
	tests := []struct {
		name  string
		o     notify.SlackOptions
		fault *fault
		want  string // part of the error
	}{
		{name: "wrong token", o: notify.SlackOptions{Token: fakeToken + "x", Channel: "#a", APIURL: f.APIURL()}, want: "posting to Slack channel #a: invalid_auth"},
		{name: "channel not found", o: notify.SlackOptions{Token: fakeToken, Channel: "#gone", APIURL: f.APIURL()}, fault: &fault{slackError: "channel_not_found"}, want: "posting to Slack channel #gone: channel_not_found"},
		{name: "API unreachable", o: notify.SlackOptions{Token: fakeToken, Channel: "#a", APIURL: downAPI}, want: "posting to Slack channel #a: Post"},
		{name: "webhook unreachable", o: notify.SlackOptions{WebhookURL: downHook}, want: "posting to Slack incoming webhook: failed to post webhook: Post \"<secret>\": dial tcp"},
		{name: "webhook server error", o: notify.SlackOptions{WebhookURL: f.WebhookURL()}, fault: &fault{status: 500}, want: "posting to Slack incoming webhook: slack server error: 500 Internal Server Error"},
		{name: "webhook gone", o: notify.SlackOptions{WebhookURL: f.WebhookURL()}, fault: &fault{status: 404}, want: "slack server error: 404 Not Found"},
		{name: "rate limit logged", o: notify.SlackOptions{WebhookURL: f.WebhookURL(), RateLimitRetries: 1}, fault: &fault{status: 429, retryAfter: "1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.fault != nil {
				f.Fail(*tt.fault)
			}
			var logs bytes.Buffer
			tt.o.Logger = slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
			s := newSlack(t, tt.o)
			err := s.Notify(context.Background(), inquiry)
			if tt.want == "" {
				if err != nil {
					t.Fatal(err)
				}
			} else if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want it to contain %q", err, tt.want)
			}
			slog.New(slog.NewJSONHandler(&logs, nil)).Info("printed", "slack", s, "options", tt.o)
			out := fmt.Sprintf("%v | %+v | %s | %v %+v %#v %s | %v %+v %#v", err, err, logs.String(), s, s, s, s, tt.o, tt.o, tt.o)
			for _, secret := range []string{"TOKENSECRET", "HOOKSECRET"} {
				if strings.Contains(out, secret) {
					t.Errorf("a credential shows: %s", out)
				}
			}
		})
	}
}

func TestNewSlack_RefusesIncompleteOptions(t *testing.T) {
	for _, tt := range []struct {
		o    notify.SlackOptions
		want string
	}{
		{notify.SlackOptions{}, "slack: a bot token with a channel, or a webhook URL, is needed"},
		{notify.SlackOptions{Token: fakeToken}, "slack: a bot token needs a channel to post in"},
		{notify.SlackOptions{Token: fakeToken, Channel: "#a", WebhookURL: "https://hooks.slack.com" + fakeHookPath}, "slack: give a bot token with a channel, or a webhook URL, not both"},
		{notify.SlackOptions{WebhookURL: "hooks.slack.com" + fakeHookPath}, "slack: the incoming webhook URL is not an http(s) URL"},
	} {
		_, err := notify.NewSlack(tt.o)
		if err == nil || err.Error() != tt.want {
			t.Errorf("NewSlack(%+v) = %v, want %q", tt.o.Channel, err, tt.want)
		}
	}
}

func TestSlack_ChannelNamesWhereItPosts(t *testing.T) {
	f := newFakeSlack(t)
	for mode, want := range map[string]string{"bot token": "slack:#shop-alerts", "webhook": "slack:webhook"} {
		if got := newSlack(t, modes(f)[mode]).Channel(); got != want {
			t.Errorf("%s: Channel() = %q, want %q", mode, got, want)
		}
	}
	m := notify.Multi{newSlack(t, modes(f)["bot token"]), &notify.Console{}}
	if got := notify.ChannelOf(m); got != "slack:#shop-alerts,console" {
		t.Errorf("Multi channel = %q", got)
	}
}
