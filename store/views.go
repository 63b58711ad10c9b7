package store

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// Views are the BI views, by name. Their names and columns are a contract
// with BI users, like the tables'.
var Views = []string{"customer_360", "customer_rfm", "dormant_customers", "monthly_sales", "open_inquiries"}

// OpenInquiryDays is how far back open_inquiries looks.
const OpenInquiryDays = 30

// EnsureViews creates or replaces the BI views. Months in monthly_sales
// are those of loc, by its offset from UTC now (exact for zones without
// daylight saving, such as Asia/Tokyo); the daemon calls this at every
// start, so a changed timezone takes effect then.
func (db *DB) EnsureViews(ctx context.Context, loc *time.Location) error {
	if loc == nil {
		loc = time.UTC
	}
	_, offset := time.Now().In(loc).Zone()
	for _, v := range viewDefs(db.Dialect, offset) {
		stmts := []string{"CREATE OR REPLACE VIEW " + v.name + " AS\n" + v.sql}
		if db.Dialect == SQLite {
			stmts = []string{"DROP VIEW IF EXISTS " + v.name, "CREATE VIEW " + v.name + " AS\n" + v.sql}
		}
		for _, s := range stmts {
			if err := db.Gorm.WithContext(ctx).Exec(s).Error; err != nil {
				return fmt.Errorf("creating view %s: %w", v.name, err)
			}
		}
	}
	return nil
}

type viewDef struct{ name, sql string }

// viewDefs returns the views' SQL for a dialect; offset is the reporting
// timezone's offset from UTC in seconds.
func viewDefs(dialect string, offset int) []viewDef {
	// Functions that differ between MySQL and SQLite.
	localMonth := func(col string) string {
		return fmt.Sprintf("DATE_FORMAT(DATE_ADD(%s, INTERVAL %d SECOND), '%%Y-%%m')", col, offset)
	}
	sources := "GROUP_CONCAT(DISTINCT ci.source ORDER BY ci.source SEPARATOR ',')"
	since := fmt.Sprintf("DATE_SUB(UTC_TIMESTAMP(), INTERVAL %d DAY)", OpenInquiryDays)
	rfmScore := "CONCAT(c.rfm_recency, c.rfm_frequency, c.rfm_monetary)"
	if dialect == SQLite {
		localMonth = func(col string) string {
			return fmt.Sprintf("strftime('%%Y-%%m', %s, '%+d seconds')", col, offset)
		}
		sources = "group_concat(DISTINCT ci.source)"
		since = fmt.Sprintf("datetime('now', '-%d days')", OpenInquiryDays)
		rfmScore = "(c.rfm_recency || c.rfm_frequency || c.rfm_monetary)"
	}
	customerColumns := "c.id AS customer_id, c.display_name, c.name_kana, c.email, c.phone, c.lifecycle_stage"
	return []viewDef{
		{"customer_360", `SELECT ` + customerColumns + `, c.company, c.postal_code, c.address,
  c.first_seen_at, c.last_activity_at, c.first_purchase_at, c.last_purchase_at, c.purchase_count,
  c.gross_sales, c.discount_total, c.refund_total, c.net_sales, c.currency, c.ltv, c.contacts_90d,
  c.rfm_recency, c.rfm_frequency, c.rfm_monetary, c.rfm_segment, c.dormant_since, c.identity_count,
  (SELECT ` + sources + ` FROM customer_identities ci WHERE ci.customer_id = c.id) AS sources,
  (SELECT COUNT(*) FROM activities a WHERE a.customer_id = c.id AND a.kind = 'booking') AS bookings,
  (SELECT COUNT(*) FROM activities a WHERE a.customer_id = c.id AND a.kind = 'inquiry') AS inquiries,
  (SELECT COUNT(*) FROM activities a WHERE a.customer_id = c.id AND a.kind = 'message') AS messages
FROM customers c`},
		{"customer_rfm", `SELECT ` + customerColumns + `, c.rfm_recency, c.rfm_frequency, c.rfm_monetary,
  ` + rfmScore + ` AS rfm_score, c.rfm_segment, c.last_purchase_at, c.purchase_count, c.net_sales, c.currency, c.ltv
FROM customers c WHERE c.rfm_recency IS NOT NULL`},
		{"dormant_customers", `SELECT ` + customerColumns + `, c.dormant_since, c.last_purchase_at, c.purchase_count,
  c.net_sales, c.currency, c.ltv, c.rfm_segment
FROM customers c WHERE c.lifecycle_stage = 'dormant'`},
		{"monthly_sales", `SELECT ` + localMonth("a.occurred_at") + ` AS month, a.source, a.currency,
  SUM(CASE WHEN a.kind = 'purchase' THEN 1 ELSE 0 END) AS purchases,
  COUNT(DISTINCT CASE WHEN a.kind = 'purchase' THEN a.customer_id END) AS buyers,
  SUM(CASE WHEN a.kind IN ('purchase', 'discount') THEN a.amount ELSE 0 END) AS gross_sales,
  SUM(CASE WHEN a.kind = 'discount' THEN a.amount ELSE 0 END) AS discounts,
  SUM(CASE WHEN a.kind = 'refund' THEN a.amount ELSE 0 END) AS refunds,
  SUM(CASE WHEN a.kind = 'purchase' THEN a.amount WHEN a.kind = 'refund' THEN -a.amount ELSE 0 END) AS net_sales
FROM activities a
WHERE a.kind IN ('purchase', 'discount', 'refund') AND a.amount IS NOT NULL
GROUP BY ` + localMonth("a.occurred_at") + `, a.source, a.currency`},
		{"open_inquiries", `SELECT a.id AS activity_id, a.occurred_at, a.source, a.summary,
  ` + strings.ReplaceAll(customerColumns, "c.id AS customer_id", "a.customer_id") + `, c.last_purchase_at, c.net_sales, c.currency
FROM activities a LEFT JOIN customers c ON c.id = a.customer_id
WHERE a.kind = 'inquiry' AND a.occurred_at >= ` + since + `
  AND NOT EXISTS (SELECT 1 FROM activities later WHERE later.customer_id = a.customer_id
    AND later.kind IN ('purchase', 'booking') AND later.occurred_at > a.occurred_at)`},
	}
}
