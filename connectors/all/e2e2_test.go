package all_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"testing"
	"time"

	"github.com/nayose/nayose/config"
	"github.com/nayose/nayose/connectors"
	"github.com/nayose/nayose/connectors/all"
	"github.com/nayose/nayose/connectors/freee/freeetest"
	"github.com/nayose/nayose/connectors/line/linetest"
	"github.com/nayose/nayose/connectors/mailchimp/mailchimptest"
	"github.com/nayose/nayose/connectors/meta/metatest"
	"github.com/nayose/nayose/connectors/square/squaretest"
	"github.com/nayose/nayose/store"
	"github.com/nayose/nayose/store/storetest"
	"github.com/nayose/nayose/sync/engine"
)

// TestEndToEnd_LineFriendBuysAndIsInvoicedThenWritesOnMessenger: 鈴木 花子
// follows the salon on LINE as "はなこ" and, booking, writes her number and
// address there; later she buys at the register (Square: 鈴木 花子, +81),
// is invoiced in freee as a 取引先 (スズキ ハナコ, the same e-mail and phone),
// reads the newsletter (Mailchimp), and then opens a new Messenger
// conversation as "Hanako Suzuki". She must be one customer holding all of
// it, the Messenger conversation an inquiry on her; a namesake in freee and
// a stranger on LINE stay apart.
func TestEndToEnd_LineFriendBuysAndIsInvoicedThenWritesOnMessenger(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		now := time.Now().UTC().Truncate(time.Second)

		ln := &linetest.Server{NoFollowerList: true}
		ln.Follow(linetest.Profile{UserID: "U0hanako", DisplayName: "はなこ", Language: "ja"})
		ln.Say("U0hanako", "はじめまして。カットの予約をお願いしたいです", now.Add(-72*time.Hour))
		ln.Say("U0hanako", "電話は０８０－１１１１－２２３３、メールは hanako.suzuki@icloud.com です。鈴木です", now.Add(-71*time.Hour))
		ln.Follow(linetest.Profile{UserID: "U0stranger", DisplayName: "たろう", Language: "ja"})
		lnSrv := ln.Serve(t)

		sq := &squaretest.Server{}
		sq.SetLocations(squaretest.Location{ID: "L1", Name: "本店", Status: "ACTIVE", Country: "JP", Currency: "JPY", Timezone: "Asia/Tokyo"})
		sq.AddCustomers(squaretest.Customer{ID: "SQ-HANAKO", GivenName: "花子", FamilyName: "鈴木", PhoneNumber: "+81 80-1111-2233",
			EmailAddress: "Hanako.Suzuki@icloud.com", CreatedAt: now.Add(-48 * time.Hour)})
		sq.AddOrders(squaretest.Order{ID: "ORD-H1", LocationID: "L1", CustomerID: "SQ-HANAKO", State: "COMPLETED",
			LineItems:  []squaretest.LineItem{{Name: "カット", Quantity: "1", BasePriceMoney: squaretest.Yen(4400)}},
			TotalMoney: squaretest.Yen(4400), CreatedAt: now.Add(-47 * time.Hour)})
		sqSrv := sq.Serve(t)

		fr := &freeetest.Server{}
		partners := fr.AddPartners(
			freeetest.Partner{Name: "鈴木 花子", NameKana: "スズキ ハナコ", Email: "hanako.suzuki@icloud.com", Phone: "080-1111-2233", OrgCode: 2},
			freeetest.Partner{Name: "鈴木 花子", NameKana: "スズキ ハナコ", Email: "h.suzuki@example.co.jp", Phone: "03-5555-0101", OrgCode: 2,
				Address: &freeetest.Address{Zipcode: "060-0001", PrefectureCode: 0, StreetName1: "札幌市中央区北一条西1-1"}},
		)
		fr.AddDeals(freeetest.Deal{ID: 9001, IssueDate: now.Add(-24 * time.Hour), Amount: 55000, PartnerID: partners[0].ID, Description: "ブライダルヘアセット",
			Payments: []freeetest.Payment{{ID: 1, Date: now.Add(-24 * time.Hour), Amount: 55000}}})
		frSrv := fr.Serve(t)

		mc := &mailchimptest.Server{}
		mc.AddMembers(mailchimptest.Member{EmailAddress: "hanako.suzuki@icloud.com", Status: "subscribed",
			MergeFields: mailchimptest.MergeFields{FNAME: "花子", LNAME: "鈴木"}})
		mcSrv := mc.Serve(t)

		fb := &metatest.Server{}
		conv := fb.AddConversation(metatest.Participant{ID: "PSID-HANAKO", Name: "Hanako Suzuki", Email: "hanako.suzuki@icloud.com"})
		ask := fb.AddMessage(conv, metatest.Message{Text: "ブライダルの前撮り用のヘアもお願いできますか？", CreatedTime: now.Add(-time.Hour)})
		fb.AddMessage(conv, metatest.Message{FromPage: true, Text: "はい、承れます！", CreatedTime: now.Add(-30 * time.Minute)})
		fbSrv := fb.Serve(t)

		yaml := fmt.Sprintf(`connectors:
  - name: line
    type: line
    schedule: "@hourly"
    options: {channel_access_token: %q, channel_secret: %q, base_url: %q, retry_wait: 1ms}
  - name: pos
    type: square
    schedule: "@hourly"
    options: {access_token: %q, base_url: %q, retry_wait: 1ms}
  - name: books
    type: freee
    schedule: "@hourly"
    options: {token: %q, base_url: %q, retry_wait: 1ms}
  - name: newsletter
    type: mailchimp
    schedule: "@hourly"
    options: {api_key: %q, base_url: %q, list_id: %q, retry_wait: 1ms}
  - name: messenger
    type: meta
    schedule: "@hourly"
    options: {page_access_token: %q, page_id: %q, platform: messenger, base_url: %q, app_secret: %q, verify_token: verify, retry_wait: 1ms}
`, linetest.DefaultAccessToken, linetest.DefaultChannelSecret, lnSrv.URL,
			squaretest.DefaultAccessToken, sqSrv.URL,
			freeetest.DefaultAccessToken, frSrv.URL,
			mailchimptest.DefaultAPIKey, mcSrv.URL+"/3.0", mailchimptest.DefaultListID,
			metatest.DefaultAccessToken, metatest.DefaultPageID, fbSrv.URL, metatest.DefaultAppSecret)
		cfg, err := config.Parse("e2e.yaml", []byte(yaml), func(string) (string, bool) { return "", false })
		if err != nil {
			t.Fatal(err)
		}
		conns, err := all.Registry().BuildWith(cfg, connectors.BuildOptions{Logger: slog.New(slog.DiscardHandler), Inbox: db.Inbox()})
		if err != nil {
			t.Fatal(err)
		}
		// LINE pushed its events: the daemon's /webhooks/line verifies and
		// stores them.
		recv := conns[0].Source.(connectors.WebhookReceiver)
		for _, r := range ln.Deliveries() {
			body, _ := io.ReadAll(r.Body)
			events, err := recv.ReceiveWebhook(r, body)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := db.SaveWebhookEvents(context.Background(), store.WebhookEventsOf("line", events, now)); err != nil {
				t.Fatal(err)
			}
		}
		e := engine.New(engine.Options{DB: db})
		for _, c := range conns {
			res, err := e.Run(context.Background(), c)
			if err != nil {
				t.Fatalf("%s: %v", c.Config.Name, err)
			}
			for _, s := range res.Streams {
				if s.Status != store.RunSucceeded || s.Rejected > 0 {
					t.Fatalf("%s/%s: %s, %d rejected (%v)", c.Config.Name, s.Stream, s.Status, s.Rejected, s.Err)
				}
			}
		}

		customerOf := func(source, id string) int64 {
			t.Helper()
			var ident store.Identity
			if err := db.Gorm.Where("source = ? AND external_id = ?", source, id).First(&ident).Error; err != nil {
				t.Fatalf("%s/%s: %v", source, id, err)
			}
			return ident.CustomerID
		}
		hanako := customerOf("pos", "SQ-HANAKO")
		var sources []string
		db.Gorm.Model(&store.Identity{}).Where("customer_id = ?", hanako).Distinct("source").Order("source").Pluck("source", &sources)
		if want := []string{"books", "line", "messenger", "newsletter", "pos"}; !slices.Equal(sources, want) {
			t.Errorf("her customer holds identities from %v, want %v", sources, want)
		}
		if other := customerOf("books", fmt.Sprint(partners[1].ID)); other == hanako {
			t.Error("the namesake in freee (another e-mail, phone and town) was merged into her")
		}
		if other := customerOf("line", "U0stranger"); other == hanako {
			t.Error("a stranger on LINE was merged into her")
		}
		type row struct{ Source, Kind, ExternalID string }
		var rows []row
		db.Gorm.Model(&store.Activity{}).Where("customer_id = ?", hanako).Select("source, kind, external_id").Order("source, kind").Scan(&rows)
		has := func(source, kind string) bool {
			return slices.ContainsFunc(rows, func(r row) bool { return r.Source == source && r.Kind == kind })
		}
		for _, want := range []row{{"line", "subscribe", ""}, {"line", "inquiry", ""}, {"line", "message", ""}, {"pos", "purchase", ""},
			{"books", "purchase", ""}, {"books", "payment", ""}, {"newsletter", "subscribe", ""}, {"messenger", "inquiry", ""}, {"messenger", "message", ""}} {
			if !has(want.Source, want.Kind) {
				t.Errorf("her activities lack %s %s: %+v", want.Source, want.Kind, rows)
			}
		}
		if !slices.ContainsFunc(rows, func(r row) bool { return r.Source == "messenger" && r.Kind == "inquiry" && r.ExternalID == ask }) {
			t.Errorf("the new Messenger conversation is not an inquiry on her (message %s): %+v", ask, rows)
		}
		var c store.Customer
		db.Gorm.First(&c, hanako)
		t.Logf("customer %d %q: sources %v, %d activities, purchases %d, gross %d", hanako, c.DisplayName, sources, len(rows), c.PurchaseCount, c.GrossSales)
		if c.PurchaseCount != 2 || c.GrossSales != 4400+55000 {
			t.Errorf("purchases %d gross %d, want the register's and freee's: 2, 59400", c.PurchaseCount, c.GrossSales)
		}
	})
}
