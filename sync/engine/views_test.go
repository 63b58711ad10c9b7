package engine_test

import (
	"context"
	"database/sql"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/go-sql-driver/mysql"
	"github.com/nayose/nayose/connectors"
	"github.com/nayose/nayose/store"
	"github.com/nayose/nayose/store/storetest"
	"github.com/nayose/nayose/sync/engine"
	"github.com/nayose/nayose/sync/metrics"
)

// The BI views answer the questions a shop owner asks, on both databases,
// with months in the configured timezone.
func TestViews_AnswerTheOwnersQuestions(t *testing.T) {
	tokyo, _ := time.LoadLocation("Asia/Tokyo")
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		now := time.Now().In(tokyo).Truncate(time.Second)
		e := engine.New(engine.Options{DB: db, Now: func() time.Time { return now },
			Figures: metrics.Options{Location: tokyo, DormantAfterDays: 180}})
		day := func(n int) time.Time { return now.AddDate(0, 0, -n) }
		// 15:30 UTC on 31 October is 00:30 on 1 November in Tokyo: a
		// November sale.
		novemberInTokyo := time.Date(2025, 10, 31, 15, 30, 0, 0, time.UTC)
		run(t, e, connector("pos", &pagedStream{name: "all", pages: []connectors.Page{{
			Identities: []connectors.Identity{
				person("a", "青木 陽菜", "hina.aoki@gmail.com", ""),
				person("b", "伊藤 蓮", "ren.ito@gmail.com", ""),
				person("e", "小川 葵", "aoi.ogawa@gmail.com", ""),
			},
			Activities: []connectors.Activity{
				activity(connectors.KindPurchase, "p1", "a", day(3), 5000),
				activity(connectors.KindDiscount, "p1", "a", day(3), 500),
				activity(connectors.KindPurchase, "p2", "a", day(2), 3000),
				activity(connectors.KindRefund, "r2", "a", day(1), 1000),
				activity(connectors.KindInquiry, "q1", "b", day(2), 0),
				activity(connectors.KindPurchase, "p3", "e", novemberInTokyo, 7000),
			},
		}}}))
		run(t, e, connector("salon", &pagedStream{name: "bookings", pages: []connectors.Page{{
			Identities: []connectors.Identity{person("x", "青木 陽菜", "hina.aoki@gmail.com", "")},
			Activities: []connectors.Activity{activity(connectors.KindBooking, "b1", "x", day(1), 0)},
		}}}))
		if _, err := e.RefreshMetrics(context.Background()); err != nil {
			t.Fatal(err)
		}
		if err := db.EnsureViews(context.Background(), tokyo); err != nil {
			t.Fatal(err)
		}
		if err := db.EnsureViews(context.Background(), tokyo); err != nil {
			t.Fatalf("views again (a restart): %v", err)
		}

		var c360 []struct {
			DisplayName string
			Sources     string
			Bookings    int
			Inquiries   int
			NetSales    int64
		}
		must(t, db.Gorm.Raw("SELECT display_name, sources, bookings, inquiries, net_sales FROM customer_360 ORDER BY customer_id").Scan(&c360).Error)
		if len(c360) != 3 || c360[0].DisplayName != "青木 陽菜" || c360[0].Sources != "pos,salon" || c360[0].Bookings != 1 || c360[0].NetSales != 7000 {
			t.Errorf("customer_360 = %+v", c360)
		}

		var rfm []struct {
			DisplayName string
			RfmScore    string
			RfmSegment  string
		}
		must(t, db.Gorm.Raw("SELECT display_name, rfm_score, rfm_segment FROM customer_rfm ORDER BY rfm_score DESC").Scan(&rfm).Error)
		if len(rfm) != 2 || rfm[0].DisplayName != "青木 陽菜" || len(rfm[0].RfmScore) != 3 || rfm[0].RfmSegment == "" {
			t.Errorf("customer_rfm = %+v", rfm)
		}

		var dormant []struct {
			DisplayName  string
			DormantSince time.Time
		}
		must(t, db.Gorm.Raw("SELECT display_name, dormant_since FROM dormant_customers").Scan(&dormant).Error)
		if len(dormant) != 1 || dormant[0].DisplayName != "小川 葵" {
			t.Errorf("dormant_customers = %+v", dormant)
		}

		var months []struct {
			Month      string
			Source     string
			Purchases  int
			GrossSales int64
			Discounts  int64
			Refunds    int64
			NetSales   int64
		}
		must(t, db.Gorm.Raw("SELECT month, source, purchases, gross_sales, discounts, refunds, net_sales FROM monthly_sales ORDER BY month, source").Scan(&months).Error)
		if len(months) < 2 || months[0].Month != "2025-11" || months[0].NetSales != 7000 {
			t.Errorf("monthly_sales = %+v, want November 2025 (Tokyo) first with 7000", months)
		}
		var gross, net int64
		for _, m := range months[1:] {
			gross, net = gross+m.GrossSales, net+m.NetSales
		}
		if gross != 8500 || net != 7000 {
			t.Errorf("recent months: gross %d, net %d; want 8500 (5000+500+3000) and 7000 (after the refund)", gross, net)
		}

		var open []struct {
			DisplayName string
			Source      string
		}
		must(t, db.Gorm.Raw("SELECT display_name, source FROM open_inquiries").Scan(&open).Error)
		if len(open) != 1 || open[0].DisplayName != "伊藤 蓮" {
			t.Errorf("open_inquiries = %+v", open)
		}
	})
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// The example queries in the README's BI section run as written on
// MariaDB (and SQLite, where they share a dialect).
func TestViews_READMEQueriesRun(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	section := string(readme)
	start := strings.Index(section, "## Connecting a BI tool")
	if start < 0 {
		t.Fatal("README has no BI section")
	}
	section = section[start:]
	section = section[:strings.Index(section[3:], "\n## ")+3]
	var queries []string
	for _, block := range strings.Split(section, "```sql\n")[1:] {
		block = block[:strings.Index(block, "```")]
		for _, q := range strings.Split(block, ";\n") {
			var lines []string
			for _, l := range strings.Split(q, "\n") {
				if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "--") {
					lines = append(lines, l)
				}
			}
			if q := strings.Join(lines, " "); strings.HasPrefix(q, "SELECT") {
				queries = append(queries, q)
			}
		}
	}
	if len(queries) < 5 {
		t.Fatalf("found %d example queries in the README, want at least 5", len(queries))
	}
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		if db.Dialect != store.MySQL {
			t.Skip("the README's examples are MySQL")
		}
		e := newEngine(db)
		run(t, e, connector("pos", &pagedStream{name: "all", pages: []connectors.Page{{
			Identities: []connectors.Identity{person("a", "青木 陽菜", "hina.aoki@gmail.com", "")},
			Activities: []connectors.Activity{activity(connectors.KindPurchase, "p1", "a", time.Now().AddDate(0, 0, -400), 5000)},
		}}}))
		if _, err := e.RefreshMetrics(context.Background()); err != nil {
			t.Fatal(err)
		}
		must(t, db.EnsureViews(context.Background(), time.UTC))

		// As the README says: a user that may only read.
		var dbName string
		must(t, db.SQL.QueryRow("SELECT DATABASE()").Scan(&dbName))
		user, password := "bi_"+strconv.FormatInt(time.Now().UnixNano()%1e9, 36), "read-only-"+strconv.Itoa(os.Getpid())
		must(t, db.Gorm.Exec("CREATE USER '"+user+"'@'%' IDENTIFIED BY '"+password+"'").Error)
		t.Cleanup(func() { db.Gorm.Exec("DROP USER '" + user + "'@'%'") })
		must(t, db.Gorm.Exec("GRANT SELECT ON `"+dbName+"`.* TO '"+user+"'@'%'").Error)
		cfg, err := mysql.ParseDSN(os.Getenv("NAYOSE_TEST_MYSQL_DSN"))
		must(t, err)
		cfg.User, cfg.Passwd, cfg.DBName = user, password, dbName
		bi, err := sql.Open("mysql", cfg.FormatDSN())
		must(t, err)
		defer bi.Close()
		for _, q := range queries {
			rows, err := bi.Query(q)
			if err != nil {
				t.Errorf("README query failed for the BI user: %v\n%s", err, q)
				continue
			}
			rows.Close()
		}
		if _, err := bi.Exec("DELETE FROM customers"); err == nil {
			t.Error("the read-only BI user could delete customers")
		}
	})
}
