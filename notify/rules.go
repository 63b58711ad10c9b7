package notify

import (
	"context"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/nayose/nayose/store"
	"gorm.io/gorm/clause"
)

// Rules raise alerts from the unified tables into an Outbox: new_inquiry
// after every sync, dormant on its own schedule. Each alert has a dedup
// key, so restarts and re-syncs never raise one twice.
type Rules struct {
	DB     *store.DB
	Outbox *Outbox
	// Location is the zone dates are shown in. Default Asia/Tokyo.
	Location *time.Location
	// NewInquiryMaxAge: an inquiry older than this when first seen is
	// history, not news. Default 72h.
	NewInquiryMaxAge time.Duration
	// DormantMinPurchases and DormantMinNetSales keep the dormant digest to
	// good customers.
	DormantMinPurchases int
	DormantMinNetSales  int64
	// Now is the clock; default time.Now.
	Now    func() time.Time
	Logger *slog.Logger
}

// Rule names.
const (
	RuleNewInquiry = "new_inquiry"
	RuleDormant    = "dormant"
)

// watermarks are kept in sync_state under this connector name.
const rulesState = "notify"

func (r *Rules) now() time.Time {
	if r.Now != nil {
		return r.Now().UTC()
	}
	return time.Now().UTC()
}

func (r *Rules) loc() *time.Location {
	if r.Location != nil {
		return r.Location
	}
	if loc, err := time.LoadLocation("Asia/Tokyo"); err == nil {
		return loc
	}
	return time.UTC
}

// inquiryRow is an inquiry with what the unified record says of its person.
type inquiryRow struct {
	ID             int64
	CustomerID     *int64
	Source         string
	Kind           string
	Summary        string
	OccurredAt     time.Time
	DisplayName    *string
	LifecycleStage *string
	LastPurchaseAt *time.Time
	NetSales       *int64
	Currency       *string
	Sources        string
}

// NewInquiries queues an alert for each inquiry stored since the last
// call: an inquiry activity, or the first message a person sent from a
// source (a social inbox's first message is an inquiry) when that source
// does not itself mark it with an inquiry (LINE and Messenger do: one
// alert, not two). It returns how many alerts were new.
func (r *Rules) NewInquiries(ctx context.Context) (int, error) {
	db := r.DB.Gorm.WithContext(ctx)
	var state store.SyncState
	if err := db.Where("connector = ? AND stream = ?", rulesState, RuleNewInquiry).Limit(1).Find(&state).Error; err != nil {
		return 0, fmt.Errorf("reading the new-inquiry watermark: %w", err)
	}
	after, _ := strconv.ParseInt(state.Cursor, 10, 64)
	maxAge := r.NewInquiryMaxAge
	if maxAge <= 0 {
		maxAge = 72 * time.Hour
	}
	now := r.now()
	queued := 0
	for {
		var rows []inquiryRow
		// Activity ids grow in commit order (pages are written one at a
		// time), so a watermark on the id misses nothing.
		err := db.Raw(`SELECT a.id, a.customer_id, a.source, a.kind, a.summary, a.occurred_at,
  c.display_name, c.lifecycle_stage, c.last_purchase_at, c.net_sales, c.currency
FROM activities a LEFT JOIN customers c ON c.id = a.customer_id
WHERE a.id > ? AND (a.kind = 'inquiry' OR (a.kind = 'message' AND NOT EXISTS (
  SELECT 1 FROM activities m WHERE m.kind = 'message' AND m.source = a.source AND m.identity_id = a.identity_id
    AND (m.occurred_at < a.occurred_at OR (m.occurred_at = a.occurred_at AND m.id < a.id)))
  AND NOT EXISTS (
  SELECT 1 FROM activities q WHERE q.kind = 'inquiry' AND q.source = a.source AND q.identity_id = a.identity_id)))
ORDER BY a.id LIMIT 500`, after).Scan(&rows).Error
		if err != nil {
			return queued, fmt.Errorf("finding new inquiries: %w", err)
		}
		if len(rows) == 0 {
			break
		}
		var pending []Pending
		for _, row := range rows {
			after = row.ID
			if now.Sub(row.OccurredAt) > maxAge {
				continue // history from a first import, not news
			}
			if row.CustomerID != nil {
				row.Sources = r.sourcesOf(ctx, *row.CustomerID)
			}
			pending = append(pending, Pending{
				DedupKey:   fmt.Sprintf("%s:activity:%d", RuleNewInquiry, row.ID),
				CustomerID: row.CustomerID,
				Alert:      r.inquiryAlert(row),
			})
		}
		n, err := r.Outbox.Enqueue(ctx, pending)
		if err != nil {
			return queued, err
		}
		queued += n
		if err := r.saveWatermark(ctx, RuleNewInquiry, strconv.FormatInt(after, 10)); err != nil {
			return queued, err
		}
	}
	return queued, nil
}

func (r *Rules) sourcesOf(ctx context.Context, customer int64) string {
	var sources []string
	r.DB.Gorm.WithContext(ctx).Model(&store.Identity{}).Distinct("source").
		Where("customer_id = ?", customer).Order("source").Pluck("source", &sources)
	return strings.Join(sources, ", ")
}

func (r *Rules) inquiryAlert(row inquiryRow) Alert {
	name := "someone not yet known"
	if row.DisplayName != nil && *row.DisplayName != "" {
		name = *row.DisplayName
	}
	what := "New inquiry"
	if row.Kind == "message" {
		what = "First message"
	}
	stage, lastPurchase, net := "—", "never", "—"
	if row.LifecycleStage != nil && *row.LifecycleStage != "" {
		stage = *row.LifecycleStage
	}
	if row.LastPurchaseAt != nil {
		lastPurchase = row.LastPurchaseAt.In(r.loc()).Format("2006-01-02")
	}
	if row.NetSales != nil && row.Currency != nil && *row.Currency != "" {
		net = Money(*row.NetSales, *row.Currency)
	}
	asked := strings.TrimSpace(row.Summary)
	if asked == "" {
		asked = "(no text)"
	}
	fields := []Field{
		{Label: "Stage", Value: stage},
		{Label: "Last purchase", Value: lastPurchase},
		{Label: "Net sales", Value: net},
		{Label: "Via", Value: row.Source},
		{Label: "Known to", Value: row.Sources},
		{Label: "Asked", Value: asked},
	}
	if row.CustomerID != nil {
		fields = append(fields, Field{Label: "Customer", Value: "#" + strconv.FormatInt(*row.CustomerID, 10)})
	}
	return Alert{Rule: RuleNewInquiry, Title: what + " from " + name, Fields: fields, At: row.OccurredAt}
}

// dormantRow is a customer who became dormant.
type dormantRow struct {
	ID            int64
	DisplayName   string
	Phone         string
	Email         string
	DormantSince  time.Time
	LastPurchase  *time.Time `gorm:"column:last_purchase_at"`
	PurchaseCount int
	NetSales      int64
	Currency      string
	RFMSegment    string `gorm:"column:rfm_segment"`
}

// DormantDigest queues an alert for each good customer who became dormant
// since the last digest (on the first, within the last 30 days): each
// customer once per dormancy episode, since the episode's start is in the
// dedup key. The outbox sends them as one digest.
//
// Dormancy is found by a metrics pass some time after it began (the daily
// pass, or a customer's own rhythm running out between two passes), so a
// customer may turn up dormant since a moment before the last digest: the
// window reaches DormantDetectionLag behind the watermark, and the dedup
// key keeps those already alerted from coming again.
func (r *Rules) DormantDigest(ctx context.Context) (int, error) {
	db := r.DB.Gorm.WithContext(ctx)
	now := r.now()
	var state store.SyncState
	if err := db.Where("connector = ? AND stream = ?", rulesState, RuleDormant).Limit(1).Find(&state).Error; err != nil {
		return 0, fmt.Errorf("reading the dormant-digest watermark: %w", err)
	}
	since := now.AddDate(0, 0, -30)
	if t, err := time.Parse(time.RFC3339, state.Cursor); err == nil {
		since = t.Add(-DormantDetectionLag)
	}
	var rows []dormantRow
	err := db.Model(&store.Customer{}).
		Select("id, display_name, phone, email, dormant_since, last_purchase_at, purchase_count, net_sales, currency, rfm_segment").
		Where("lifecycle_stage = ? AND dormant_since > ? AND dormant_since <= ? AND purchase_count >= ? AND net_sales >= ?",
			"dormant", since, now, r.DormantMinPurchases, r.DormantMinNetSales).
		Order("net_sales DESC, id").Scan(&rows).Error
	if err != nil {
		return 0, fmt.Errorf("finding customers who became dormant: %w", err)
	}
	pending := make([]Pending, 0, len(rows))
	for _, c := range rows {
		id := c.ID
		last := "—"
		if c.LastPurchase != nil {
			last = c.LastPurchase.In(r.loc()).Format("2006-01-02")
		}
		contact := c.Phone
		if contact == "" {
			contact = c.Email
		}
		pending = append(pending, Pending{
			DedupKey:   fmt.Sprintf("%s:customer:%d:%s", RuleDormant, c.ID, c.DormantSince.UTC().Format("2006-01-02")),
			CustomerID: &id,
			Alert: Alert{Rule: RuleDormant, Title: c.DisplayName + " has gone quiet", At: c.DormantSince, Fields: []Field{
				{Label: "Last purchase", Value: last},
				{Label: "Purchases", Value: strconv.Itoa(c.PurchaseCount)},
				{Label: "Net sales", Value: Money(c.NetSales, c.Currency)},
				{Label: "Segment", Value: c.RFMSegment},
				{Label: "Contact", Value: contact},
				{Label: "Customer", Value: "#" + strconv.FormatInt(c.ID, 10)},
			}},
		})
	}
	n, err := r.Outbox.Enqueue(ctx, pending)
	if err != nil {
		return 0, err
	}
	return n, r.saveWatermark(ctx, RuleDormant, now.Format(time.RFC3339))
}

// DormantDetectionLag is how long after a customer became dormant the
// dormant digest still finds them new: a week of missed daily passes.
const DormantDetectionLag = 7 * 24 * time.Hour

func (r *Rules) saveWatermark(ctx context.Context, rule, cursor string) error {
	st := store.SyncState{Connector: rulesState, Stream: rule, Cursor: cursor, UpdatedAt: r.now()}
	err := r.DB.Gorm.WithContext(ctx).Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "connector"}, {Name: "stream"}},
		DoUpdates: clause.AssignmentColumns([]string{"cursor", "updated_at"}),
	}).Create(&st).Error
	if err != nil {
		return fmt.Errorf("saving the %s watermark: %w", rule, err)
	}
	return nil
}

// Money writes an amount in minor units for people: ¥12,300, $45.60.
func Money(minor int64, currency string) string {
	sign := ""
	if minor < 0 {
		sign, minor = "-", -minor
	}
	switch strings.ToUpper(currency) {
	case "JPY":
		return sign + "¥" + group(minor)
	case "USD":
		return fmt.Sprintf("%s$%s.%02d", sign, group(minor/100), minor%100)
	case "":
		return sign + group(minor)
	default:
		return fmt.Sprintf("%s%s.%02d %s", sign, group(minor/100), minor%100, strings.ToUpper(currency))
	}
}

func group(n int64) string {
	s := strconv.FormatInt(n, 10)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
