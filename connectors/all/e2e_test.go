package all_test

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"testing"
	"time"

	"github.com/nayose/nayose/config"
	"github.com/nayose/nayose/connectors/all"
	"github.com/nayose/nayose/connectors/calendly/calendlytest"
	"github.com/nayose/nayose/connectors/mailchimp/mailchimptest"
	"github.com/nayose/nayose/connectors/square/squaretest"
	"github.com/nayose/nayose/store"
	"github.com/nayose/nayose/store/storetest"
	"github.com/nayose/nayose/sync/engine"
)

// TestEndToEnd_OnePersonAcrossThreeTools syncs Square, Calendly and
// Mailchimp fakes into the database. One person is in all three, written
// as each tool writes her: 佐藤 太郎 with a dotted gmail address and an
// international number in the POS, "Taro Sato" booking online with a
// domestic number, "Taro SATO" on the newsletter with a +tag address. She
// must end as one customer holding the sale, the booking, the question she
// asked and the newsletter open; a stranger in the POS stays apart.
func TestEndToEnd_OnePersonAcrossThreeTools(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		now := time.Now().UTC().Truncate(time.Second)

		sq := &squaretest.Server{}
		sq.SetLocations(squaretest.Location{ID: "L1", Name: "本店", Status: "ACTIVE", Country: "JP", Currency: "JPY", Timezone: "Asia/Tokyo"})
		sq.AddCustomers(
			squaretest.Customer{ID: "SQ-TARO", GivenName: "太郎", FamilyName: "佐藤", EmailAddress: "Taro.Sato@gmail.com",
				PhoneNumber: "+81 90-2468-1357", Birthday: "1985-04-12", CreatedAt: now.Add(-48 * time.Hour), UpdatedAt: now.Add(-48 * time.Hour)},
			squaretest.Customer{ID: "SQ-OTHER", GivenName: "花子", FamilyName: "鈴木", EmailAddress: "hanako.suzuki@icloud.com",
				PhoneNumber: "+81 80-1111-2233", CreatedAt: now.Add(-47 * time.Hour), UpdatedAt: now.Add(-47 * time.Hour)},
		)
		sq.AddOrders(squaretest.Order{ID: "ORD-1", LocationID: "L1", CustomerID: "SQ-TARO", State: "COMPLETED",
			LineItems:  []squaretest.LineItem{{Name: "カット", Quantity: "1", BasePriceMoney: squaretest.Yen(3300), TotalMoney: squaretest.Yen(3300)}},
			TotalMoney: squaretest.Yen(3300), CreatedAt: now.Add(-47 * time.Hour), UpdatedAt: now.Add(-47 * time.Hour), ClosedAt: now.Add(-47 * time.Hour)})
		sqSrv := sq.Serve(t)

		cal := &calendlytest.Server{}
		ev := cal.AddEvent(calendlytest.Event{Name: "カット＋カラー", StartTime: now.Add(72 * time.Hour)})
		cal.AddInvitee(ev, calendlytest.Invitee{Name: "Taro Sato", Email: "taro.sato@gmail.com", TextReminderNumber: "090-2468-1357",
			QuestionsAndAnswers: []calendlytest.QA{{Question: "ご相談内容", Answer: "カラーの色味を相談したいです", Position: 0}}})
		calSrv := cal.Serve(t)

		mc := &mailchimptest.Server{}
		mc.AddMembers(mailchimptest.Member{EmailAddress: "tarosato+news@gmail.com", Status: "subscribed",
			MergeFields: mailchimptest.MergeFields{FNAME: "Taro", LNAME: "SATO", PHONE: "09024681357"}})
		camp := mc.AddCampaign(mailchimptest.Campaign{Status: "sent", SubjectLine: "春の新メニューのご案内", SendTime: now.Add(-24 * time.Hour)})
		if err := mc.AddActivity(camp.ID, "tarosato+news@gmail.com", "open", now.Add(-23*time.Hour), ""); err != nil {
			t.Fatal(err)
		}
		mcSrv := mc.Serve(t)

		yaml := fmt.Sprintf(`connectors:
  - name: pos
    type: square
    schedule: "@hourly"
    options: {access_token: %q, base_url: %q, retry_wait: 1ms}
  - name: booking
    type: calendly
    schedule: "@hourly"
    options: {token: %q, base_url: %q, retry_wait: 1ms}
  - name: newsletter
    type: mailchimp
    schedule: "@hourly"
    options: {api_key: %q, base_url: %q, list_id: %q, retry_wait: 1ms}
`, squaretest.DefaultAccessToken, sqSrv.URL, calendlytest.DefaultAccessToken, calSrv.URL,
			mailchimptest.DefaultAPIKey, mcSrv.URL+"/3.0", mailchimptest.DefaultListID)
		cfg, err := config.Parse("e2e.yaml", []byte(yaml), func(string) (string, bool) { return "", false })
		if err != nil {
			t.Fatal(err)
		}
		conns, err := all.Registry().Build(cfg, slog.New(slog.DiscardHandler))
		if err != nil {
			t.Fatal(err)
		}
		e := engine.New(engine.Options{DB: db})
		for _, c := range conns {
			res, err := e.Run(context.Background(), c)
			if err != nil {
				t.Fatalf("%s: %v", c.Config.Name, err)
			}
			for _, s := range res.Streams {
				if s.Status != store.RunSucceeded {
					t.Fatalf("%s/%s: %s (%v)", c.Config.Name, s.Stream, s.Status, s.Err)
				}
			}
		}

		var taro store.Identity
		if err := db.Gorm.Where("source = ? AND external_id = ?", "pos", "SQ-TARO").First(&taro).Error; err != nil {
			t.Fatal(err)
		}
		var sources []string
		db.Gorm.Model(&store.Identity{}).Where("customer_id = ?", taro.CustomerID).Distinct("source").Order("source").Pluck("source", &sources)
		if !slices.Equal(sources, []string{"booking", "newsletter", "pos"}) {
			t.Errorf("her customer holds identities from %v, want all three tools", sources)
		}
		var kinds []string
		db.Gorm.Model(&store.Activity{}).Where("customer_id = ?", taro.CustomerID).Distinct("kind").Order("kind").Pluck("kind", &kinds)
		for _, want := range []string{"booking", "email_open", "inquiry", "purchase", "subscribe"} {
			if !slices.Contains(kinds, want) {
				t.Errorf("her activities are %v; %s is missing", kinds, want)
			}
		}
		t.Logf("customer %d: identities from %v, activities %v", taro.CustomerID, sources, kinds)
		var c store.Customer
		db.Gorm.First(&c, taro.CustomerID)
		if c.GrossSales != 3300 || c.Currency != "JPY" || c.Phone != "+819024681357" || c.Email != "tarosato@gmail.com" {
			t.Errorf("customer = %q %q gross %d %s", c.Email, c.Phone, c.GrossSales, c.Currency)
		}
		var hanako store.Identity
		db.Gorm.Where("external_id = ?", "SQ-OTHER").First(&hanako)
		if hanako.CustomerID == taro.CustomerID {
			t.Error("the stranger was merged into her")
		}
		var customers int64
		db.Gorm.Model(&store.Customer{}).Count(&customers)
		if customers != 2 {
			t.Errorf("customers = %d, want 2", customers)
		}
	})
}
