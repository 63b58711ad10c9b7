package freee_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/nayose/nayose/config"
	"github.com/nayose/nayose/connectors"
	"github.com/nayose/nayose/connectors/freee"
	"github.com/nayose/nayose/connectors/freee/freeetest"
	dbstore "github.com/nayose/nayose/store"
	"github.com/nayose/nayose/store/storetest"
	"github.com/nayose/nayose/sync/engine"
)

// TestFreee_DailyQuotaEndsTheRunPartialAndTheNextDayResumes runs the real
// engine on SQLite and MariaDB: past freee's daily quota the run is
// partial with the pages read so far committed, and the next JST day's run
// finishes from the committed cursor.
func TestFreee_DailyQuotaEndsTheRunPartialAndTheNextDayResumes(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *dbstore.DB) {
		f, clk, ts := newFake(t, time.Date(2024, 4, 1, 3, 0, 0, 0, time.UTC))
		for i := range 25 {
			p := f.AddPartners(freeetest.Partner{Name: fmt.Sprintf("取引先%02d", i), Email: fmt.Sprintf("p%02d@example.jp", i)})[0]
			f.AddDeals(freeetest.Deal{Amount: 1100, PartnerID: p.ID, IssueDate: clk.Now().AddDate(0, 0, -3)})
		}
		f.SetDailyQuota(2)
		src := newSource(t, ts.URL, clk, func(o *freee.Options) {
			o.CompanyID = freeetest.DefaultCompanyID
			o.PartnersPageSize = 10
			o.ThrottleBudget = config.Duration(50 * time.Millisecond)
		})
		conn := connectors.Connector{Config: config.Connector{Name: "freee_" + db.Dialect, Type: freee.TypeName}, Source: src}
		eng := engine.New(engine.Options{DB: db})
		count := func(table string) int64 {
			var n int64
			db.Gorm.Table(table).Count(&n)
			return n
		}

		res, err := eng.Run(context.Background(), conn)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range res.Streams {
			if s.Status != dbstore.RunPartial {
				t.Errorf("day 1: stream %s is %s (%v), want partial", s.Stream, s.Status, s.Err)
			}
		}
		if res.Err() != nil {
			t.Errorf("a partial run reports an error: %v", res.Err())
		}
		if n := count("customer_identities"); n != 20 {
			t.Errorf("day 1: %d identities committed, want the 20 of the two pages read", n)
		}

		// The next JST day brings a fresh quota (here large enough for the
		// rest: 2 calls would end this run partial in turn).
		clk.Advance(24 * time.Hour)
		f.SetDailyQuota(100)
		f.ResetRequests()
		res, err = eng.Run(context.Background(), conn)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range res.Streams {
			if s.Status != dbstore.RunSucceeded {
				t.Errorf("day 2: stream %s is %s (%v)", s.Stream, s.Status, s.Err)
			}
		}
		if q := f.Requests()[0].Query; q.Get("offset") != "20" {
			t.Errorf("day 2 started at %v, want the committed offset 20", q)
		}
		if ids, acts := count("customer_identities"), count("activities"); ids != 25 || acts != 25 {
			t.Errorf("day 2: %d identities, %d activities; want 25 and 25", ids, acts)
		}
	})
}
