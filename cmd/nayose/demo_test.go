package main

import (
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/slack-go/slack/slacktest"
)

// TestDemo_ShowsTheWholeProduct runs `nayose demo` on a small shop for a
// few seconds, with a Slack incoming webhook (slacktest) set: it must
// sync every tool with a summary, keep the shop going, print alerts on
// the console and post them to Slack, and leave the data to query.
func TestDemo_ShowsTheWholeProduct(t *testing.T) {
	const hookPath = "/services/T0DEMO/B0DEMO/DEMOHOOKSECRET"
	var mu sync.Mutex
	var posts []string
	slack := slacktest.NewTestServer(func(c slacktest.Customize) {
		c.Handle(hookPath, func(w http.ResponseWriter, r *http.Request) {
			body, _ := io.ReadAll(r.Body)
			var msg struct{ Text string }
			if err := json.Unmarshal(body, &msg); err != nil {
				http.Error(w, err.Error(), http.StatusBadRequest)
				return
			}
			mu.Lock()
			posts = append(posts, msg.Text)
			mu.Unlock()
			w.Write([]byte("ok"))
		})
	})
	slack.Start()
	defer slack.Stop()
	hook := "http://" + slack.ServerAddr + hookPath
	t.Setenv(demoWebhookEnv, hook)

	dir := filepath.Join(t.TempDir(), "demo")
	res := nayose(t, map[string]string{demoWebhookEnv: hook},
		"demo", "-dir", dir, "-people", "150", "-pace", "300ms", "-every", "2s", "-for", "15s", "-listen", "")
	if res.code != 0 {
		t.Fatalf("exit %d\n%s\n%s", res.code, res.stdout, res.stderr)
	}
	out := res.stdout
	for _, want := range []string{
		"First sync of every connector",
		"square_pos/orders: succeeded", "calendly_booking/bookings: succeeded", "mailchimp_newsletter/members: succeeded", "legacy_register/customers: succeeded",
		"Records per source:", "Against the shop's truth: precision", "Stages:", "Segments:", "Net sales: ¥",
		"The daemon is running", "Stopped. Where things stand:",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("the demo did not print %q", want)
		}
	}
	if m := regexp.MustCompile(`resolved into (\d[\d,]*) customers`).FindStringSubmatch(out); m == nil {
		t.Error("no customer count in the summary")
	}
	for _, source := range []string{"square_pos", "legacy_register", "freee_books", "xero_webshop", "mailchimp_newsletter", "calendly_booking", "messenger_page", "line_official"} {
		if !regexp.MustCompile(`(?m)^  ` + source + ` +[\d,]+ people records`).MatchString(out) {
			t.Errorf("the summary has no records from %s", source)
		}
	}
	if strings.Contains(out, "webhook was answered") {
		t.Errorf("the daemon refused a webhook the shop pushed:\n%s", tail(out, 40))
	}
	if n := strings.Count(out, "  shop: "); n < 5 {
		t.Errorf("the shop did %d things in 15s at a 300ms pace", n)
	}
	if !strings.Contains(out, "new_inquiry: ") {
		t.Errorf("no new-inquiry alert on the console:\n%s", tail(out, 40))
	}
	mu.Lock()
	n := len(posts)
	mu.Unlock()
	if n == 0 {
		t.Error("nothing was posted to the Slack webhook")
	}
	cfg, err := os.ReadFile(filepath.Join(dir, "nayose.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(cfg), "DEMOHOOKSECRET") || strings.Contains(out+res.stderr, "DEMOHOOKSECRET") {
		t.Error("the webhook URL was written out in clear")
	}
	if !strings.Contains(string(cfg), "${"+demoWebhookEnv+"}") {
		t.Errorf("the configuration does not name the webhook variable:\n%s", cfg)
	}
	if _, err := os.Stat(filepath.Join(dir, "nayose.db")); err != nil {
		t.Errorf("the demo left no database: %v", err)
	}
	// The data stays to look at with the other commands.
	if r := nayose(t, nil, "customers", "-c", filepath.Join(dir, "nayose.yaml"), "-limit", "1", "@"); r.code != 0 || !strings.Contains(r.stdout, "#") {
		t.Errorf("nayose customers on the demo's data: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
}

func tail(s string, lines int) string {
	ls := strings.Split(s, "\n")
	return strings.Join(ls[max(0, len(ls)-lines):], "\n")
}

// TestDemo_RefusesBadFlags: a bad flag is a usage error naming it.
func TestDemo_RefusesBadFlags(t *testing.T) {
	res := nayose(t, nil, "demo", "-dir", t.TempDir(), "-people", "3")
	if res.code != 2 || !strings.Contains(res.stderr, "-people must be at least 10") {
		t.Errorf("exit %d, stderr %q", res.code, res.stderr)
	}
}
