package meta_test

import (
	"context"
	"errors"
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/nayose/nayose/config"
	"github.com/nayose/nayose/connectors"
	"github.com/nayose/nayose/connectors/meta"
	"github.com/nayose/nayose/connectors/meta/metatest"
	"github.com/nayose/nayose/store"
	"github.com/nayose/nayose/store/storetest"
	"github.com/nayose/nayose/sync/engine"
)

func newSource(t testing.TB, env connectors.Env, baseURL string, edit ...func(*meta.Options)) *meta.Source {
	t.Helper()
	o := meta.Defaults()
	o.PageAccessToken, o.PageID, o.BaseURL = config.Secret(testToken), metatest.DefaultPageID, baseURL
	o.AppSecret, o.VerifyToken = config.Secret(testAppSecret), config.Secret(testVerifyToken)
	o.RateLimit, o.RetryWait = 1000, config.Duration(time.Millisecond)
	for _, e := range edit {
		e(o)
	}
	src, err := meta.New(env, o)
	if err != nil {
		t.Fatal(err)
	}
	return src
}

// TestWebhook_SignatureGoodBadOrMissing: X-Hub-Signature-256 is the hex
// HMAC-SHA256 of the raw body under the app secret; each messaging item
// is one event named by its mid.
func TestWebhook_SignatureGoodBadOrMissing(t *testing.T) {
	src := newSource(t, connectors.Env{Name: "fb"}, meta.DefaultBaseURL)
	page := metatest.DefaultPageID
	body := metatest.DeliveryBody("page", page,
		metatest.Messaging{SenderID: "7100000000000001", RecipientID: page, MID: "m_one", Text: "こんにちは"},
		metatest.Messaging{SenderID: page, RecipientID: "7100000000000001", MID: "m_echo", Text: "いらっしゃいませ", Echo: true})
	cases := []struct {
		name, header string
		want         error
	}{
		{"signed", metatest.Signature(testAppSecret, body), nil},
		{"another secret", metatest.Signature("other", body), connectors.ErrWebhookSignature},
		{"sha1 only", "sha1=" + strings.Repeat("ab", 20), connectors.ErrWebhookSignature},
		{"not hex", "sha256=zz", connectors.ErrWebhookSignature},
		{"missing", "", connectors.ErrWebhookSignature},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := httptest.NewRequest("POST", "/webhooks/fb", strings.NewReader(string(body)))
			if c.header != "" {
				r.Header.Set("X-Hub-Signature-256", c.header)
			}
			evs, err := src.ReceiveWebhook(r, body)
			if !errors.Is(err, c.want) {
				t.Fatalf("err = %v, want %v", err, c.want)
			}
			if err != nil && strings.Contains(err.Error(), testAppSecret) {
				t.Errorf("the error shows the secret: %v", err)
			}
			if c.want != nil {
				return
			}
			if len(evs) != 2 || evs[0].ID != "m_one" || evs[0].Type != meta.EventMessage ||
				evs[1].ID != "m_echo" || evs[1].Type != meta.EventMessageEcho || !strings.Contains(string(evs[0].Body), "こんにちは") {
				t.Errorf("events = %+v", evs)
			}
		})
	}
	// The body changed after signing.
	r := metatest.SignedDelivery("/webhooks/fb", testAppSecret, body)
	if _, err := src.ReceiveWebhook(r, append(body, ' ')); !errors.Is(err, connectors.ErrWebhookSignature) {
		t.Errorf("a changed body: %v", err)
	}
	// An Instagram delivery to a Messenger connector is refused (400).
	ig := metatest.DeliveryBody("instagram", metatest.DefaultIGAccountID, metatest.Messaging{SenderID: "1", MID: "m_ig"})
	if _, err := src.ReceiveWebhook(metatest.SignedDelivery("/", testAppSecret, ig), ig); err == nil || errors.Is(err, connectors.ErrWebhookSignature) {
		t.Errorf("instagram delivery: %v", err)
	}
	bare := newSource(t, connectors.Env{Name: "fb"}, meta.DefaultBaseURL, func(o *meta.Options) { o.AppSecret = "" })
	if _, err := bare.ReceiveWebhook(metatest.SignedDelivery("/", testAppSecret, body), body); !errors.Is(err, connectors.ErrWebhookNotConfigured) {
		t.Errorf("without app_secret: %v", err)
	}
}

func TestWebhook_HandshakeAnswersTheChallengeForTheRightToken(t *testing.T) {
	src := newSource(t, connectors.Env{Name: "fb"}, meta.DefaultBaseURL)
	got, err := src.WebhookHandshake(metatest.Handshake("/webhooks/fb", testVerifyToken, "1158201444"))
	if err != nil || got != "1158201444" {
		t.Errorf("good token: %q, %v", got, err)
	}
	for _, c := range []struct {
		name, target string
	}{
		{"wrong token", metatest.Handshake("/webhooks/fb", "guess", "1").URL.String()},
		{"no token", "/webhooks/fb?hub.mode=subscribe&hub.challenge=1"},
		{"not subscribe", "/webhooks/fb?hub.mode=unsubscribe&hub.verify_token=" + testVerifyToken + "&hub.challenge=1"},
		{"no challenge", "/webhooks/fb?hub.mode=subscribe&hub.verify_token=" + testVerifyToken},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := src.WebhookHandshake(httptest.NewRequest("GET", c.target, nil))
			if !errors.Is(err, connectors.ErrWebhookSignature) {
				t.Errorf("err = %v, want ErrWebhookSignature", err)
			}
			if err != nil && strings.Contains(err.Error(), testVerifyToken) {
				t.Errorf("the error shows the verify token: %v", err)
			}
		})
	}
	bare := newSource(t, connectors.Env{Name: "fb"}, meta.DefaultBaseURL, func(o *meta.Options) { o.VerifyToken = "" })
	if _, err := bare.WebhookHandshake(metatest.Handshake("/", "", "1")); !errors.Is(err, connectors.ErrWebhookSignature) {
		t.Errorf("without verify_token: %v", err)
	}
}

// TestWebhookMessages_InboxBecomesMessagesAndFirstContactInquiries runs
// the webhook_messages stream through the engine on a real database: the
// events the daemon stored become message activities, a sender's first
// message also an inquiry; a re-run changes nothing, and new events are
// read from the cursor on.
func TestWebhookMessages_InboxBecomesMessagesAndFirstContactInquiries(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		_, ts := newFake(t) // no conversations: the pull stream reads nothing
		page := metatest.DefaultPageID
		t0 := time.Date(2026, 12, 5, 1, 0, 0, 0, time.UTC)
		save := func(items ...metatest.Messaging) {
			t.Helper()
			body := metatest.DeliveryBody("page", page, items...)
			src := newSource(t, connectors.Env{Name: "fb"}, ts.URL)
			evs, err := src.ReceiveWebhook(metatest.SignedDelivery("/webhooks/fb", testAppSecret, body), body)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := db.SaveWebhookEvents(ctx, store.WebhookEventsOf("fb", evs, time.Now())); err != nil {
				t.Fatal(err)
			}
		}
		save(
			metatest.Messaging{SenderID: "7101", RecipientID: page, MID: "m_a1", Text: "予約したいです", Time: t0},
			metatest.Messaging{SenderID: page, RecipientID: "7101", MID: "m_echo1", Text: "ありがとうございます", Time: t0.Add(time.Minute), Echo: true},
			metatest.Messaging{SenderID: "7101", RecipientID: page, MID: "m_a2", Text: "明日の10時で", Time: t0.Add(2 * time.Minute)},
		)
		save(metatest.Messaging{SenderID: "7102", RecipientID: page, MID: "m_b1", Text: "営業時間は？", Time: t0.Add(3 * time.Minute)})
		// A redelivery: stored once.
		save(metatest.Messaging{SenderID: "7101", RecipientID: page, MID: "m_a1", Text: "予約したいです", Time: t0})

		src := newSource(t, connectors.Env{Name: "fb", Inbox: db.Inbox()}, ts.URL)
		conn := connectors.Connector{Config: config.Connector{Name: "fb", Type: meta.TypeName, Timeout: config.Duration(time.Minute)}, Source: src}
		eng := engine.New(engine.Options{DB: db})
		run := func() {
			t.Helper()
			res, err := eng.Run(ctx, conn)
			if err != nil {
				t.Fatal(err)
			}
			for _, s := range res.Streams {
				if s.Status != store.RunSucceeded {
					t.Fatalf("stream %s: %s (%v)", s.Stream, s.Status, s.Err)
				}
			}
		}
		kinds := func() string {
			t.Helper()
			var acts []store.Activity
			if err := db.Gorm.Order("external_id, kind").Find(&acts).Error; err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, a := range acts {
				out = append(out, fmt.Sprintf("%s:%s", a.ExternalID, a.Kind))
				if a.IdentityID == nil {
					t.Errorf("activity %s %s has no identity", a.ExternalID, a.Kind)
				}
			}
			return strings.Join(out, " ")
		}
		run()
		want := "m_a1:inquiry m_a1:message m_a2:message m_b1:inquiry m_b1:message"
		if got := kinds(); got != want {
			t.Fatalf("activities %s\nwant       %s", got, want)
		}
		var idents int64
		db.Gorm.Table("customer_identities").Count(&idents)
		if idents != 2 {
			t.Errorf("%d identities, want the 2 senders", idents)
		}
		run()
		if got := kinds(); got != want {
			t.Errorf("a re-run changed the activities: %s", got)
		}
		// A known sender writes again (no inquiry); a new one writes (inquiry).
		save(metatest.Messaging{SenderID: "7101", RecipientID: page, MID: "m_a3", Text: "遅れます", Time: t0.Add(time.Hour)},
			metatest.Messaging{SenderID: "7103", RecipientID: page, MID: "m_c1", Text: "初めまして", Time: t0.Add(time.Hour)})
		run()
		want = "m_a1:inquiry m_a1:message m_a2:message m_a3:message m_b1:inquiry m_b1:message m_c1:inquiry m_c1:message"
		if got := kinds(); got != want {
			t.Errorf("activities %s\nwant       %s", got, want)
		}
		var cursor string
		db.Gorm.Table("sync_state").Where("connector = ? AND stream = ?", "fb", "webhook_messages").Pluck("cursor", &cursor)
		if cursor == "" {
			t.Error("no cursor saved for webhook_messages")
		}
	})
}

func TestWebhookMessages_WithoutAnInboxReadsNothing(t *testing.T) {
	src := newSource(t, connectors.Env{Name: "fb"}, meta.DefaultBaseURL)
	pages, err := readAll(src.Streams()[1], "")
	if err != nil || len(pages) != 0 {
		t.Errorf("pages %v, err %v", pages, err)
	}
}

// TestWebhookMessages_AndThePullAgreeOnIDs: a message seen by both the
// webhook and the pull is one activity, and the conversation one inquiry
// (both name it by its first message's mid); the webhook's bare sender
// does not blank the name the pull brings.
func TestWebhookMessages_AndThePullAgreeOnIDs(t *testing.T) {
	db := storetest.Open(t, store.SQLite)
	ctx := context.Background()
	fb, ts := newFake(t)
	t0 := time.Now().UTC().Add(-time.Hour).Truncate(time.Second)
	conv := fb.AddConversation(metatest.Participant{Name: "佐藤 花子"})
	first := fb.AddMessage(conv, metatest.Message{Text: "予約したいです", CreatedTime: t0})
	cust := fb.Customer(conv)
	body := metatest.DeliveryBody("page", metatest.DefaultPageID, metatest.Messaging{SenderID: cust.ID, RecipientID: metatest.DefaultPageID, MID: first, Text: "予約したいです", Time: t0})
	if _, err := db.SaveWebhookEvents(ctx, []store.WebhookEvent{{Connector: "fb", EventID: first, EventType: meta.EventMessage,
		Body: string(body[strings.Index(string(body), `{"sender"`):strings.LastIndex(string(body), "]")]), ReceivedAt: time.Now()}}); err != nil {
		t.Fatal(err)
	}
	src := newSource(t, connectors.Env{Name: "fb", Inbox: db.Inbox()}, ts.URL)
	conn := connectors.Connector{Config: config.Connector{Name: "fb", Type: meta.TypeName, Timeout: config.Duration(time.Minute)}, Source: src}
	eng := engine.New(engine.Options{DB: db})
	for range 2 {
		if _, err := eng.Run(ctx, conn); err != nil {
			t.Fatal(err)
		}
	}
	var acts []store.Activity
	db.Gorm.Find(&acts)
	if len(acts) != 2 {
		t.Errorf("%d activities, want one inquiry and one message", len(acts))
	}
	var names []string
	db.Gorm.Table("customer_identities").Pluck("full_name", &names)
	if len(names) != 1 || names[0] != "佐藤 花子" {
		t.Errorf("identity names %v", names)
	}
}

func TestWebhook_InstagramConnectorTakesInstagramDeliveries(t *testing.T) {
	src := newSource(t, connectors.Env{Name: "ig"}, meta.DefaultBaseURL, func(o *meta.Options) {
		o.Platform, o.AccountID = meta.Instagram, metatest.DefaultIGAccountID
	})
	ig := metatest.DeliveryBody("instagram", metatest.DefaultIGAccountID,
		metatest.Messaging{SenderID: "9901", RecipientID: metatest.DefaultIGAccountID, MID: "aWdfZAG1faXRlbTo", Text: "DMです"})
	evs, err := src.ReceiveWebhook(metatest.SignedDelivery("/webhooks/ig", testAppSecret, ig), ig)
	if err != nil || len(evs) != 1 || evs[0].ID != "aWdfZAG1faXRlbTo" {
		t.Errorf("events %+v, err %v", evs, err)
	}
	page := metatest.DeliveryBody("page", metatest.DefaultPageID, metatest.Messaging{SenderID: "1", MID: "m_1"})
	if _, err := src.ReceiveWebhook(metatest.SignedDelivery("/webhooks/ig", testAppSecret, page), page); err == nil {
		t.Error("a page delivery was taken by the instagram connector")
	}
}
