package notify_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/slack-go/slack/slacktest"
)

// Credentials the fake accepts; each holds a marker a test can look for
// in errors and logs.
const (
	fakeToken    = "xoxb-000-111-TOKENSECRETzq9"
	fakeHookPath = "/services/T000/B000/HOOKSECRETzq9"
)

// fakeSlack is slacktest's server with chat.postMessage and an incoming
// webhook that record what they were sent, check the credential, and
// answer with queued faults first. slacktest's own chat.postMessage keeps
// nothing a test can read back (it forwards to RTM clients), so the route
// is bound to a recording handler; every other route answers as
// slacktest does, and one nobody serves fails the test.
type fakeSlack struct {
	srv *slacktest.Server

	mu     sync.Mutex
	posts  []post
	faults []fault
	hits   int
}

// post is one message Slack accepted or refused.
type post struct {
	At      time.Time
	Webhook bool
	Channel string
	Text    string
	// Blocks is the blocks' JSON as sent.
	Blocks json.RawMessage
	// Unfurl is "false" when link unfurling was turned off.
	Unfurl string
	// Accepted is false for a post answered with a fault.
	Accepted bool
}

// fault is one refusal.
type fault struct {
	status     int    // HTTP status; 0 with slackError for ok:false
	retryAfter string // Retry-After header
	slackError string // ok:false error code
	then       func() // runs after answering
}

func newFakeSlack(t *testing.T) *fakeSlack {
	t.Helper()
	f := &fakeSlack{}
	f.srv = slacktest.NewTestServer(func(c slacktest.Customize) {
		c.Handle("/chat.postMessage", f.postMessage)
		c.Handle(fakeHookPath, f.webhook)
		c.Handle("/", func(w http.ResponseWriter, r *http.Request) {
			t.Errorf("fake Slack: no route for %s %s", r.Method, r.URL.Path)
			http.NotFound(w, r)
		})
	})
	f.srv.Start()
	t.Cleanup(f.srv.Stop)
	return f
}

// APIURL is the Web API base URL for slack.OptionAPIURL.
func (f *fakeSlack) APIURL() string { return f.srv.GetAPIURL() }

// WebhookURL is the incoming webhook's URL, secret path included.
func (f *fakeSlack) WebhookURL() string { return "http://" + f.srv.ServerAddr + fakeHookPath }

// Fail queues refusals, answered before anything succeeds.
func (f *fakeSlack) Fail(faults ...fault) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.faults = append(f.faults, faults...)
}

// ClearFaults drops the refusals not answered yet.
func (f *fakeSlack) ClearFaults() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.faults = nil
}

// Posts returns the messages Slack accepted.
func (f *fakeSlack) Posts() []post {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []post
	for _, p := range f.posts {
		if p.Accepted {
			out = append(out, p)
		}
	}
	return out
}

// Requests returns every post, refused ones included.
func (f *fakeSlack) Requests() []post {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]post(nil), f.posts...)
}

// answer records p and writes a fault if one is queued, reporting
// whether it did.
func (f *fakeSlack) answer(w http.ResponseWriter, p post) bool {
	f.mu.Lock()
	var flt *fault
	if len(f.faults) > 0 {
		flt = &f.faults[0]
		f.faults = f.faults[1:]
	}
	p.Accepted = flt == nil
	f.posts = append(f.posts, p)
	f.mu.Unlock()
	if flt == nil {
		return false
	}
	if flt.retryAfter != "" {
		w.Header().Set("Retry-After", flt.retryAfter)
	}
	switch {
	case flt.status != 0:
		w.WriteHeader(flt.status)
		fmt.Fprintf(w, "%s", http.StatusText(flt.status))
	default:
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"ok":false,"error":%q}`, flt.slackError)
	}
	if flt.then != nil {
		flt.then()
	}
	return true
}

func (f *fakeSlack) postMessage(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	form, err := url.ParseQuery(string(body))
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	if form.Get("token") != fakeToken {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"ok":false,"error":"invalid_auth"}`)
		return
	}
	p := post{
		At: time.Now(), Channel: form.Get("channel"), Text: form.Get("text"),
		Blocks: json.RawMessage(form.Get("blocks")), Unfurl: form.Get("unfurl_links"),
	}
	if f.answer(w, p) {
		return
	}
	w.Header().Set("Content-Type", "application/json")
	fmt.Fprintf(w, `{"ok":true,"channel":%q,"ts":%q}`, p.Channel, strconv.FormatInt(time.Now().UnixNano(), 10))
}

func (f *fakeSlack) webhook(w http.ResponseWriter, r *http.Request) {
	var m struct {
		Text        string          `json:"text"`
		Blocks      json.RawMessage `json:"blocks"`
		UnfurlLinks *bool           `json:"unfurl_links"`
	}
	if err := json.NewDecoder(r.Body).Decode(&m); err != nil {
		http.Error(w, "invalid_payload", http.StatusBadRequest)
		return
	}
	p := post{At: time.Now(), Webhook: true, Text: m.Text, Blocks: m.Blocks}
	if m.UnfurlLinks != nil {
		p.Unfurl = strconv.FormatBool(*m.UnfurlLinks)
	}
	if f.answer(w, p) {
		return
	}
	fmt.Fprint(w, "ok")
}

// lines flattens a message's blocks into one line per text a person
// reads: "header: ...", "section: ...", "field: ...", "context: ...".
func lines(t *testing.T, blocks json.RawMessage) []string {
	t.Helper()
	type text struct {
		Type string `json:"type"`
		Text string `json:"text"`
	}
	var bs []struct {
		Type     string `json:"type"`
		Text     *text  `json:"text"`
		Fields   []text `json:"fields"`
		Elements []text `json:"elements"`
	}
	if err := json.Unmarshal(blocks, &bs); err != nil {
		t.Fatalf("blocks are not Block Kit JSON: %v\n%s", err, blocks)
	}
	var out []string
	for _, b := range bs {
		if b.Text != nil {
			if b.Type == "header" && b.Text.Type != "plain_text" {
				t.Errorf("header text is %s, want plain_text", b.Text.Type)
			}
			out = append(out, b.Type+": "+b.Text.Text)
		}
		for _, f := range b.Fields {
			if f.Type != "mrkdwn" {
				t.Errorf("field %q is %s, want mrkdwn", f.Text, f.Type)
			}
			out = append(out, "field: "+f.Text)
		}
		for _, e := range b.Elements {
			out = append(out, b.Type+": "+e.Text)
		}
	}
	return out
}
