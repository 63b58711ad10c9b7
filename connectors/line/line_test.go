package line_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nayose/nayose/config"
	"github.com/nayose/nayose/connectors"
	"github.com/nayose/nayose/connectors/connectortest"
	"github.com/nayose/nayose/connectors/line"
	"github.com/nayose/nayose/connectors/line/linetest"
	"github.com/nayose/nayose/store"
	"github.com/nayose/nayose/store/storetest"
	"github.com/nayose/nayose/sync/engine"
)

// lineVendor runs the conformance kit against linetest: LINE pushes, so
// the fake's deliveries are verified and stored before each sync, as the
// daemon's /webhooks endpoint does.
type lineVendor struct{}

func (lineVendor) Type() string                    { return line.TypeName }
func (lineVendor) Register(r *connectors.Registry) { line.Register(r) }
func (lineVendor) Secrets() []string {
	return []string{linetest.DefaultAccessToken, linetest.DefaultChannelSecret}
}
func (lineVendor) Options(baseURL string) string {
	return fmt.Sprintf("channel_access_token: %s\nchannel_secret: %s\nbase_url: %s\nretry_wait: 1ms\nrate_limit: 1000\n",
		linetest.DefaultAccessToken, linetest.DefaultChannelSecret, baseURL)
}

func (lineVendor) Start(t testing.TB) connectortest.Fake {
	f := &lineFake{s: &linetest.Server{}}
	f.ts = f.s.Serve(t)
	return f
}

type lineFake struct {
	s        *linetest.Server
	ts       *httptest.Server
	mu       sync.Mutex
	users    []string
	wrote    map[string]bool
	ids      int
	acts     int
	renamed  int
	lateSeen int
}

func (f *lineFake) URL() string { return f.ts.URL }

// Seed: n people follow; every third writes a first message.
func (f *lineFake) Seed(n int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.wrote == nil {
		f.wrote = map[string]bool{}
	}
	for range n {
		i := len(f.users)
		id := fmt.Sprintf("U%032x", i+1)
		f.s.Follow(linetest.Profile{UserID: id, DisplayName: fmt.Sprintf("さくら%d", i), Language: "ja"})
		f.users = append(f.users, id)
		f.ids++
		f.acts++ // subscribe
		if i%3 == 0 {
			f.sayLocked(id, "予約の空きはありますか？", time.Time{})
		}
	}
}

func (f *lineFake) sayLocked(id, text string, at time.Time) {
	f.s.Say(id, text, at)
	f.acts++ // message
	if !f.wrote[id] {
		f.wrote[id] = true
		f.acts++ // inquiry
	}
}

// Change: k people take a new display name and write; the message makes
// nayose read the profile again.
func (f *lineFake) Change(k int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for range k {
		id := f.users[f.renamed%len(f.users)]
		f.renamed++
		f.s.Rename(id, fmt.Sprintf("改名%d", f.renamed))
		f.sayLocked(id, "名前を変えました", time.Time{})
	}
}

// AddLate: a message written three hours ago reaches nayose only now (a
// delivery LINE retried).
func (f *lineFake) AddLate() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.sayLocked(f.users[0], "遅れて届いたメッセージ", time.Now().Add(-3*time.Hour))
}

func (f *lineFake) Want() (int, int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.ids, f.acts
}

func (f *lineFake) RateLimitNext(n int) { f.s.RateLimitNext(n) }
func (f *lineFake) FailNext(n int)      { f.s.FailNext(n, http.StatusInternalServerError) }

// MalformNext pushes a follow event without its timestamp.
func (f *lineFake) MalformNext() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	id := f.s.NextEventID()
	f.s.PushRaw(linetest.Event{"type": "follow", "webhookEventId": id, "mode": "active",
		"source": map[string]any{"type": "user", "userId": f.users[0]}})
	f.acts++ // as a good follow event would give
	return id
}

func (f *lineFake) SetDelay(d time.Duration)    { f.s.SetDelay(d) }
func (f *lineFake) Requests() int               { return len(f.s.Requests()) }
func (f *lineFake) Close()                      { f.ts.Close() }
func (f *lineFake) Deliveries() []*http.Request { return f.s.Deliveries() }

func TestConformance(t *testing.T) { connectortest.Run(t, lineVendor{}) }

func TestLine_DocsMatchTheCode(t *testing.T) {
	connectortest.CheckDocs(t, line.Register, line.SampleConfig(),
		map[string]string{"LINE_CHANNEL_ACCESS_TOKEN": "tok", "LINE_CHANNEL_SECRET": "sec"}, "line_salon", "followers", "events")
}

func newSource(t *testing.T, baseURL string, db *store.DB, secret string) *line.Source {
	t.Helper()
	o := line.Defaults()
	o.ChannelAccessToken, o.ChannelSecret, o.BaseURL, o.RetryWait = linetest.DefaultAccessToken, config.Secret(secret), baseURL, config.Duration(time.Millisecond)
	env := connectors.Env{Name: "line_salon", Logger: slog.New(slog.DiscardHandler)}
	if db != nil {
		env.Inbox = db.Inbox()
	}
	src, err := line.New(env, o)
	if err != nil {
		t.Fatal(err)
	}
	return src
}

// receive does what the daemon's /webhooks endpoint does with a delivery.
func receive(t *testing.T, db *store.DB, src *line.Source, r *http.Request) error {
	t.Helper()
	body, _ := io.ReadAll(r.Body)
	events, err := src.ReceiveWebhook(r, body)
	if err != nil {
		return err
	}
	_, err = db.SaveWebhookEvents(context.Background(), store.WebhookEventsOf("line_salon", events, time.Now()))
	return err
}

// TestLine_WebhookSignature: only a delivery signed with the channel
// secret is taken; without a secret webhooks are turned away.
func TestLine_WebhookSignature(t *testing.T) {
	fake := &linetest.Server{}
	fake.Follow(linetest.Profile{UserID: "Uaaaa", DisplayName: "さくら"})
	good := fake.Deliveries()[0]
	body, _ := io.ReadAll(good.Body)
	src := newSource(t, "http://unused", nil, linetest.DefaultChannelSecret)
	evs, err := src.ReceiveWebhook(fake.Delivery(body), body)
	if err != nil || len(evs) != 1 || evs[0].Type != "follow" || evs[0].Subject != "Uaaaa" || !strings.HasPrefix(evs[0].ID, "01HLINEFAKE") {
		t.Fatalf("signed delivery: %+v, %v", evs, err)
	}
	for name, sig := range map[string]string{"another secret": linetest.Sign("other", body), "missing": "", "not base64": "%%%"} {
		r := fake.Delivery(body)
		r.Header.Set("X-Line-Signature", sig)
		if _, err := src.ReceiveWebhook(r, body); !errors.Is(err, connectors.ErrWebhookSignature) {
			t.Errorf("%s: %v", name, err)
		}
	}
	tampered := []byte(strings.Replace(string(body), "Uaaaa", "Ubbbb", 1))
	r := fake.Delivery(body)
	if _, err := src.ReceiveWebhook(r, tampered); !errors.Is(err, connectors.ErrWebhookSignature) {
		t.Errorf("tampered body: %v", err)
	}
	if _, err := newSource(t, "http://unused", nil, "").ReceiveWebhook(fake.Delivery(body), body); !errors.Is(err, connectors.ErrWebhookNotConfigured) {
		t.Errorf("without a channel secret: %v", err)
	}
}

// TestLine_FirstMessageIsAnInquiry: a friend's first message is an
// inquiry and later ones are not, even across runs; a redelivered event
// is stored once; a block is an unsubscribe on the same customer; an
// account LINE will not list friends for goes on without the backfill.
func TestLine_FirstMessageIsAnInquiry(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		fake := &linetest.Server{NoFollowerList: true}
		ts := fake.Serve(t)
		src := newSource(t, ts.URL, db, linetest.DefaultChannelSecret)
		conn := connectors.Connector{Config: config.Connector{Name: "line_salon", Type: "line"}, Source: src}
		e := engine.New(engine.Options{DB: db})
		deliverAndSync := func() {
			t.Helper()
			for _, r := range fake.Deliveries() {
				body, _ := io.ReadAll(r.Body)
				if err := receive(t, db, src, fake.Delivery(body)); err != nil {
					t.Fatal(err)
				}
				// LINE redelivers: the same event again changes nothing.
				if err := receive(t, db, src, fake.Delivery(body)); err != nil {
					t.Fatal(err)
				}
			}
			res, err := e.Run(context.Background(), conn)
			if err != nil {
				t.Fatal(err)
			}
			for _, s := range res.Streams {
				if s.Status != store.RunSucceeded {
					t.Fatalf("%s: %s %v", s.Stream, s.Status, s.Err)
				}
			}
		}
		fake.Follow(linetest.Profile{UserID: "Uaaaa", DisplayName: "さくら🌸"})
		first := fake.Say("Uaaaa", "カットの予約はできますか？", time.Time{})
		fake.Say("Uaaaa", "土曜日希望です。電話は ０９０－２４６８－１３５７ です", time.Time{})
		deliverAndSync()
		fake.Say("Uaaaa", "ありがとうございました", time.Time{})
		fake.Block("Uaaaa")
		deliverAndSync()

		type row struct{ Kind, ExternalID, Summary string }
		var rows []row
		db.Gorm.Model(&store.Activity{}).Select("kind, external_id, summary").Order("id").Scan(&rows)
		var inquiries, messages, subs, unsubs int
		for _, r := range rows {
			switch r.Kind {
			case "inquiry":
				inquiries++
				if r.ExternalID != first || r.Summary != "カットの予約はできますか？" {
					t.Errorf("the inquiry is %+v, want the first message %s", r, first)
				}
			case "message":
				messages++
			case "subscribe":
				subs++
			case "unsubscribe":
				unsubs++
			}
		}
		if inquiries != 1 || messages != 3 || subs != 1 || unsubs != 1 {
			t.Errorf("activities %+v: want 1 inquiry, 3 messages, 1 subscribe, 1 unsubscribe", rows)
		}
		var customers []int64
		db.Gorm.Model(&store.Activity{}).Distinct("customer_id").Pluck("customer_id", &customers)
		if len(customers) != 1 || customers[0] == 0 {
			t.Errorf("the activities belong to customers %v, want one", customers)
		}
		var ident store.Identity
		db.Gorm.Where("source = ? AND external_id = ?", "line_salon", "Uaaaa").First(&ident)
		// The phone she gave in her second message stays with her after
		// messages that give none.
		if ident.FullName != "さくら" || !strings.Contains(ident.Phones, "２４６８") && !strings.Contains(ident.Phones, "2468") || ident.PhoneKey != "+819024681357" {
			t.Errorf("identity %q phones %s key %q", ident.FullName, ident.Phones, ident.PhoneKey)
		}
		var stored int64
		db.Gorm.Model(&store.WebhookEvent{}).Count(&stored)
		if stored != 5 {
			t.Errorf("%d webhook events stored, want 5 (redeliveries dropped)", stored)
		}
	})
}
