package engine_test

import (
	"context"
	"testing"
	"time"

	"github.com/nayose/nayose/connectors"
	"github.com/nayose/nayose/store"
	"github.com/nayose/nayose/store/storetest"
	"github.com/nayose/nayose/sync/engine"
	"github.com/nayose/nayose/sync/metrics"
)

func activity(kind connectors.ActivityKind, id, customer string, at time.Time, yen int64) connectors.Activity {
	a := connectors.Activity{ExternalID: id, Kind: kind, IdentityExternalID: customer, OccurredAt: at}
	if yen != 0 {
		a.Amount, a.Currency = &yen, "JPY"
	}
	return a
}

func TestMetrics_StagesDormancyRFMAndTheDailyPass(t *testing.T) {
	tokyo, _ := time.LoadLocation("Asia/Tokyo")
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		now := time.Date(2026, 12, 5, 10, 0, 0, 0, tokyo)
		e := engine.New(engine.Options{DB: db, Now: func() time.Time { return now },
			Figures: metrics.Options{Location: tokyo, DormantAfterDays: 180}})
		day := func(n int) time.Time { return now.AddDate(0, 0, -n) }
		people := []connectors.Identity{
			person("a", "青木 陽菜", "hina.aoki@gmail.com", ""),
			person("b", "伊藤 蓮", "ren.ito@gmail.com", ""),
			person("c", "上田 結衣", "yui.ueda@gmail.com", ""),
			person("d", "江藤 大翔", "hiroto.eto@gmail.com", ""),
			person("e", "小川 葵", "aoi.ogawa@gmail.com", ""),
		}
		acts := []connectors.Activity{
			activity(connectors.KindSubscribe, "s-a", "a", day(40), 0),
			activity(connectors.KindInquiry, "q-b", "b", day(5), 0),
			activity(connectors.KindPurchase, "p-c", "c", day(10), 3000),
			activity(connectors.KindPurchase, "p-d1", "d", day(60), 8000),
			activity(connectors.KindPurchase, "p-d2", "d", day(20), 12000),
			activity(connectors.KindDiscount, "p-d2", "d", day(20), 1000),
			activity(connectors.KindBooking, "bk-d", "d", day(3), 0),
			activity(connectors.KindPurchase, "p-e", "e", day(200), 15000),
		}
		run(t, e, connector("shop", &pagedStream{name: "all", pages: []connectors.Page{{Identities: people, Activities: acts}}}))
		byName := func() map[string]store.Customer {
			var cs []store.Customer
			if err := db.Gorm.Find(&cs).Error; err != nil {
				t.Fatal(err)
			}
			out := map[string]store.Customer{}
			for _, c := range cs {
				out[c.DisplayName] = c
			}
			return out
		}
		cs := byName()
		want := map[string]string{"青木 陽菜": "prospect", "伊藤 蓮": "opportunity",
			"上田 結衣": "customer", "江藤 大翔": "repeat", "小川 葵": "dormant"}
		for name, stage := range want {
			if cs[name].LifecycleStage != stage {
				t.Errorf("%s: stage %q, want %q", name, cs[name].LifecycleStage, stage)
			}
		}
		d := cs["江藤 大翔"]
		if d.GrossSales != 21000 || d.DiscountTotal != 1000 || d.NetSales != 20000 || d.PurchaseCount != 2 || d.Contacts90d != 1 {
			t.Errorf("repeat customer: gross %d, discounts %d, net %d, %d purchases, %d contacts; want 21000, 1000, 20000, 2, 1",
				d.GrossSales, d.DiscountTotal, d.NetSales, d.PurchaseCount, d.Contacts90d)
		}
		if d.FirstPurchaseAt == nil || !d.FirstPurchaseAt.Equal(day(60)) || d.LTV <= d.NetSales {
			t.Errorf("repeat customer: first purchase %v, LTV %d; want %v and more than net sales", d.FirstPurchaseAt, d.LTV, day(60))
		}
		eDormant := cs["小川 葵"].DormantSince
		if wantSince := time.Date(2026, 5, 19, 0, 0, 0, 0, tokyo).AddDate(0, 0, 180); eDormant == nil || !eDormant.Equal(wantSince) {
			t.Errorf("dormant since %v, want %v (180 days from the Tokyo day of the last purchase)", eDormant, wantSince)
		}
		if d.RFMSegment != "" {
			t.Errorf("scored before any daily pass: %q", d.RFMSegment)
		}

		// The daily pass scores everyone who bought.
		res, err := e.RefreshMetrics(context.Background())
		if err != nil || res.Scored != 3 || res.Rebuilt != 5 {
			t.Fatalf("refresh = %+v, %v; want 3 scored, 5 rebuilt", res, err)
		}
		cs = byName()
		for _, name := range []string{"上田 結衣", "江藤 大翔", "小川 葵"} {
			if c := cs[name]; c.RFMRecency == nil || c.RFMSegment == "" {
				t.Errorf("%s not scored after the daily pass: %+v", name, c)
			}
		}
		if c := cs["江藤 大翔"]; *c.RFMFrequency != 5 || *c.RFMMonetary != 5 {
			t.Errorf("the best buyer scores F%d M%d, want 5 and 5", *c.RFMFrequency, *c.RFMMonetary)
		}
		if c := cs["青木 陽菜"]; c.RFMRecency != nil {
			t.Errorf("a prospect is scored: %+v", c)
		}

		// Half a year later, with no new data, the daily pass finds the
		// buyers dormant; a new purchase brings one back.
		now = now.AddDate(0, 6, 0)
		if _, err := e.RefreshMetrics(context.Background()); err != nil {
			t.Fatal(err)
		}
		cs = byName()
		if c := cs["江藤 大翔"]; c.LifecycleStage != "dormant" || c.DormantSince == nil {
			t.Errorf("six months on: %s since %v, want dormant", c.LifecycleStage, c.DormantSince)
		}
		run(t, e, connector("shop", &pagedStream{name: "more", pages: []connectors.Page{{
			Activities: []connectors.Activity{activity(connectors.KindPurchase, "p-d3", "d", now.AddDate(0, 0, -1), 5000)},
		}}}))
		if c := byName()["江藤 大翔"]; c.LifecycleStage != "repeat" || c.DormantSince != nil || c.PurchaseCount != 3 {
			t.Errorf("after buying again: %s since %v with %d purchases, want repeat, not dormant, 3", c.LifecycleStage, c.DormantSince, c.PurchaseCount)
		}
	})
}
