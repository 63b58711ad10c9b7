package notify_test

import (
	"context"
	"fmt"
	"iter"
	"strings"
	"testing"
	"time"

	"github.com/nayose/nayose/config"
	"github.com/nayose/nayose/connectors"
	"github.com/nayose/nayose/notify"
	"github.com/nayose/nayose/store"
	"github.com/nayose/nayose/store/storetest"
	"github.com/nayose/nayose/sync/engine"
	"github.com/nayose/nayose/sync/metrics"
)

type rulesSource []connectors.Stream

func (s rulesSource) Streams() []connectors.Stream { return s }

// onePage is a stream of one page, read once.
type onePage struct {
	name string
	page connectors.Page
}

func (s onePage) Name() string { return s.name }
func (s onePage) Pages(ctx context.Context, cursor string) iter.Seq2[connectors.Page, error] {
	return func(yield func(connectors.Page, error) bool) {
		if cursor == "" {
			p := s.page
			p.Cursor = "done"
			yield(p, nil)
		}
	}
}

func syncPage(t *testing.T, e *engine.Engine, source, stream string, page connectors.Page) {
	t.Helper()
	c := connectors.Connector{Config: config.Connector{Name: source, Type: "test", Timeout: config.Duration(time.Minute)},
		Source: rulesSource{onePage{name: stream, page: page}}}
	if _, err := e.Run(context.Background(), c); err != nil {
		t.Fatal(err)
	}
}

func who(id, name, email string) connectors.Identity {
	return connectors.Identity{ExternalID: id, FullName: name, Emails: []string{email}}
}

func act(kind connectors.ActivityKind, id, person string, at time.Time, yen int64, summary string) connectors.Activity {
	a := connectors.Activity{ExternalID: id, Kind: kind, IdentityExternalID: person, OccurredAt: at, Summary: summary}
	if yen != 0 {
		a.Amount, a.Currency = &yen, "JPY"
	}
	return a
}

// New inquiries reach Slack once each, within one sync, saying who asked
// from the unified record and what they asked; history from a first
// import and later messages in a thread are not news.
func TestRules_NewInquiryOncePerInquiryWithTheUnifiedRecord(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFakeSlack(t)
		now := t0
		e := engine.New(engine.Options{DB: db, Now: func() time.Time { return now }, Figures: metrics.Options{Location: tokyo}})
		ob := newOutbox(t, notify.OutboxOptions{DB: db, Notifier: newSlack(t, modes(f)["bot token"]), Now: func() time.Time { return now }})
		rules := &notify.Rules{DB: db, Outbox: ob, Location: tokyo, Now: func() time.Time { return now }}

		syncPage(t, e, "pos", "sales", connectors.Page{
			Identities: []connectors.Identity{who("c1", "田中 美咲", "misaki.tanaka@gmail.com")},
			Activities: []connectors.Activity{act(connectors.KindPurchase, "s1", "c1", now.AddDate(0, -1, 0), 12300, "")},
		})
		syncPage(t, e, "calendly", "invitees", connectors.Page{
			Identities: []connectors.Identity{who("i1", "田中 美咲", "misaki.tanaka@gmail.com"), who("i2", "佐々木 蒼", "aoi.sasaki@gmail.com")},
			Activities: []connectors.Activity{
				act(connectors.KindInquiry, "q1", "i1", now.Add(-time.Hour), 0, "カラーの予約は土曜日でも可能ですか？"),
				act(connectors.KindInquiry, "q0", "i2", now.AddDate(0, 0, -20), 0, "an old question from the first import"),
			},
		})
		syncPage(t, e, "line", "messages", connectors.Page{
			Identities: []connectors.Identity{{ExternalID: "U1", FullName: "Ren"}},
			Activities: []connectors.Activity{
				act(connectors.KindMessage, "m1", "U1", now.Add(-30*time.Minute), 0, "こんにちは、初めてです"),
				act(connectors.KindMessage, "m2", "U1", now.Add(-20*time.Minute), 0, "営業時間を教えてください"),
			},
		})
		// A source that marks a new conversation's first message as an
		// inquiry itself (Messenger, LINE) is alerted once, not twice.
		syncPage(t, e, "messenger", "conversations", connectors.Page{
			Identities: []connectors.Identity{{ExternalID: "PSID1", FullName: "Aoi Sasaki"}},
			Activities: []connectors.Activity{
				act(connectors.KindMessage, "mid1", "PSID1", now.Add(-10*time.Minute), 0, "駐車場はありますか？"),
				act(connectors.KindInquiry, "mid1", "PSID1", now.Add(-10*time.Minute), 0, "駐車場はありますか？"),
			},
		})

		n, err := rules.NewInquiries(context.Background())
		if err != nil || n != 3 {
			t.Fatalf("new inquiries = %d, %v; want 3 (the booking-form question, the first LINE message, the Messenger inquiry)", n, err)
		}
		if n, err := rules.NewInquiries(context.Background()); err != nil || n != 0 {
			t.Fatalf("second check = %d, %v; want nothing new", n, err)
		}
		if _, err := ob.Deliver(context.Background(), now); err != nil {
			t.Fatal(err)
		}
		posts := f.Posts()
		if len(posts) != 3 {
			t.Fatalf("Slack got %d messages, want 3", len(posts))
		}
		if third := string(posts[2].Blocks); !strings.Contains(third, "New inquiry from Aoi Sasaki") {
			t.Errorf("Messenger inquiry alert:\n%s", third)
		}
		first := string(posts[0].Blocks)
		for _, want := range []string{"New inquiry from 田中 美咲", `*Stage*\ncustomer`, "¥12,300", "calendly, pos", "カラーの予約は土曜日でも可能ですか？"} {
			if !strings.Contains(first, want) {
				t.Errorf("inquiry alert lacks %q:\n%s", want, first)
			}
		}
		if second := string(posts[1].Blocks); !strings.Contains(second, "First message from Ren") || strings.Contains(second, "営業時間") {
			t.Errorf("first-message alert:\n%s", second)
		}

		// A re-sync of the same data raises nothing.
		db.Gorm.Exec("DELETE FROM sync_state WHERE connector <> 'notify'")
		syncPage(t, e, "calendly", "invitees", connectors.Page{
			Identities: []connectors.Identity{who("i1", "田中 美咲", "misaki.tanaka@gmail.com")},
			Activities: []connectors.Activity{act(connectors.KindInquiry, "q1", "i1", now.Add(-time.Hour), 0, "カラーの予約は土曜日でも可能ですか？")},
		})
		if n, err := rules.NewInquiries(context.Background()); err != nil || n != 0 {
			t.Errorf("after a re-sync = %d, %v; want nothing new", n, err)
		}
	})
}

// The dormant digest names each good customer once per dormancy episode:
// again only after they come back and lapse again.
func TestRules_DormantOncePerEpisode(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		var buf strings.Builder
		now := t0
		clock := func() time.Time { return now }
		e := engine.New(engine.Options{DB: db, Now: clock, Figures: metrics.Options{Location: tokyo, DormantAfterDays: 90}})
		ob := newOutbox(t, notify.OutboxOptions{DB: db, Notifier: &notify.Console{W: &buf, Location: tokyo}, Now: clock})
		rules := &notify.Rules{DB: db, Outbox: ob, Location: tokyo, Now: clock, DormantMinPurchases: 2}

		syncPage(t, e, "pos", "sales", connectors.Page{
			Identities: []connectors.Identity{who("c1", "田中 美咲", "misaki.tanaka@gmail.com"), who("c2", "一見 太郎", "taro.ichigen@gmail.com")},
			Activities: []connectors.Activity{
				act(connectors.KindPurchase, "s1", "c1", now.AddDate(0, 0, -60), 5000, ""),
				act(connectors.KindPurchase, "s2", "c1", now.AddDate(0, 0, -50), 7000, ""),
				act(connectors.KindPurchase, "s3", "c2", now.AddDate(0, 0, -50), 1000, ""),
			},
		})
		if n, err := rules.DormantDigest(context.Background()); err != nil || n != 0 {
			t.Fatalf("digest while active = %d, %v", n, err)
		}

		// 50 days on, both lapse; only the repeat customer is good enough.
		now = now.AddDate(0, 0, 50)
		if _, err := e.RefreshMetrics(context.Background()); err != nil {
			t.Fatal(err)
		}
		if n, err := rules.DormantDigest(context.Background()); err != nil || n != 1 {
			t.Fatalf("digest after lapsing = %d, %v; want 1", n, err)
		}
		if n, err := rules.DormantDigest(context.Background()); err != nil || n != 0 {
			t.Fatalf("the next digest = %d, %v; want nobody twice", n, err)
		}
		if _, err := ob.Deliver(context.Background(), now); err != nil {
			t.Fatal(err)
		}
		if out := buf.String(); !strings.Contains(out, "田中 美咲 has gone quiet") || !strings.Contains(out, "¥12,000") || strings.Contains(out, "一見") {
			t.Errorf("digest:\n%s", out)
		}

		// She comes back, then lapses again: a new episode, a new alert.
		syncPage(t, e, "pos", "sales-again", connectors.Page{
			Activities: []connectors.Activity{act(connectors.KindPurchase, "s4", "c1", now, 3000, "")},
		})
		now = now.AddDate(0, 0, 100)
		if _, err := e.RefreshMetrics(context.Background()); err != nil {
			t.Fatal(err)
		}
		if n, err := rules.DormantDigest(context.Background()); err != nil || n != 1 {
			t.Errorf("digest after a second lapse = %d, %v; want 1", n, err)
		}
	})
}

// TestRules_DormantFoundAfterTheDigestThatPassedItStillAlerts: a regular
// whose rhythm ran out an hour before a digest, but whom the metrics pass
// only found after it, is in the next digest, and only once.
func TestRules_DormantFoundAfterTheDigestThatPassedItStillAlerts(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		var buf strings.Builder
		now := t0
		clock := func() time.Time { return now }
		e := engine.New(engine.Options{DB: db, Now: clock, Figures: metrics.Options{Location: tokyo, RhythmFactor: 2, RhythmMinPurchases: 4}})
		ob := newOutbox(t, notify.OutboxOptions{DB: db, Notifier: &notify.Console{W: &buf, Location: tokyo}, Now: clock})
		rules := &notify.Rules{DB: db, Outbox: ob, Location: tokyo, Now: clock, DormantMinPurchases: 2}

		// Four visits 10 days apart, the last 19 days ago: dormant in a day.
		var visits []connectors.Activity
		for i := range 4 {
			visits = append(visits, act(connectors.KindPurchase, fmt.Sprintf("v%d", i), "c1", now.AddDate(0, 0, -49+10*i), 4400, ""))
		}
		syncPage(t, e, "pos", "sales", connectors.Page{Identities: []connectors.Identity{who("c1", "田中 美咲", "misaki.tanaka@gmail.com")}, Activities: visits})
		if n, err := rules.DormantDigest(context.Background()); err != nil || n != 0 {
			t.Fatalf("digest while she is regular = %d, %v", n, err)
		}
		// Her rhythm runs out at t0+1d; the digest at t0+1d+1h runs before
		// any metrics pass has seen it.
		now = t0.Add(25 * time.Hour)
		if n, err := rules.DormantDigest(context.Background()); err != nil || n != 0 {
			t.Fatalf("digest before the metrics pass = %d, %v", n, err)
		}
		now = now.Add(3 * time.Hour)
		if _, err := e.RefreshMetrics(context.Background()); err != nil {
			t.Fatal(err)
		}
		if n, err := rules.DormantDigest(context.Background()); err != nil || n != 1 {
			t.Fatalf("digest after the pass = %d, %v; want her", n, err)
		}
		if n, err := rules.DormantDigest(context.Background()); err != nil || n != 0 {
			t.Fatalf("the digest after = %d, %v; want nobody twice", n, err)
		}
	})
}

func TestMoney(t *testing.T) {
	for _, tt := range []struct {
		minor    int64
		currency string
		want     string
	}{{12300, "JPY", "¥12,300"}, {-1500, "JPY", "-¥1,500"}, {4560, "USD", "$45.60"}, {1234567, "EUR", "12,345.67 EUR"}, {0, "JPY", "¥0"}} {
		if got := notify.Money(tt.minor, tt.currency); got != tt.want {
			t.Errorf("Money(%d, %s) = %q, want %q", tt.minor, tt.currency, got, tt.want)
		}
	}
}
