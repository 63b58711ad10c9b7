package engine

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/nayose/nayose/store"
	"github.com/nayose/nayose/sync/metrics"
	"gorm.io/gorm/clause"
)

// figurer computes customers' metrics in one rebuild: the options, and
// the RFM cuts of the last daily pass (nil before the first).
type figurer struct {
	w    *pageWriter
	opts metrics.Options
	cuts *metrics.Cuts
}

func (w *pageWriter) newFigurer() (*figurer, error) {
	f := &figurer{w: w, opts: w.e.figures}
	var row store.MetricCuts
	err := w.tx.Where("name = ?", rfmCuts).Limit(1).Find(&row).Error
	if err != nil {
		return nil, fmt.Errorf("reading the RFM cuts: %w", err)
	}
	if row.Name != "" {
		var c metrics.Cuts
		if err := json.Unmarshal([]byte(row.Cuts), &c); err != nil {
			return nil, fmt.Errorf("reading the RFM cuts: %w", err)
		}
		f.cuts = &c
	}
	return f, nil
}

const rfmCuts = "rfm"

// purchaseTimes reads the purchase times of the group's customers whose
// dormancy follows their own rhythm; none unless the options ask for it.
func (f *figurer) purchaseTimes(g idGroup, totalsOf map[int64][]activityTotals) (map[int64][]time.Time, error) {
	var want []int64
	for _, id := range g.ids {
		n := 0
		for _, t := range totalsOf[id] {
			if t.Kind == "purchase" {
				n += t.N
			}
		}
		if f.opts.NeedsPurchaseTimes(n) {
			want = append(want, id)
		}
	}
	if len(want) == 0 {
		return nil, nil
	}
	out := make(map[int64][]time.Time, len(want))
	for part := range slices.Chunk(want, inChunk) {
		var rows []struct {
			CustomerID int64
			OccurredAt dbTime
		}
		err := f.w.tx.Model(&store.Activity{}).Select("customer_id, occurred_at").
			Where("customer_id IN ? AND kind = ?", part, "purchase").Scan(&rows).Error
		if err != nil {
			return nil, fmt.Errorf("reading purchase times: %w", err)
		}
		for _, r := range rows {
			if t := r.OccurredAt.ptr(); t != nil {
				out[r.CustomerID] = append(out[r.CustomerID], *t)
			}
		}
	}
	return out, nil
}

// apply sets the customer's figures from its activity totals.
func (f *figurer) apply(c *store.Customer, totals []activityTotals, purchases []time.Time) {
	facts := metrics.Facts{Totals: make([]metrics.Totals, len(totals)), PurchaseTimes: purchases}
	for i, t := range totals {
		facts.Totals[i] = metrics.Totals{Kind: t.Kind, Currency: t.Currency, N: t.N, Amount: t.Total,
			First: t.FirstAt.ptr(), Last: t.LastAt.ptr(), Recent: t.Recent}
	}
	now := f.w.now
	fig := metrics.Compute(facts, now, f.opts)
	c.LifecycleStage, c.Currency, c.PurchaseCount = fig.Stage, fig.Currency, fig.PurchaseCount
	c.GrossSales, c.DiscountTotal, c.RefundTotal, c.NetSales = fig.GrossSales, fig.DiscountTotal, fig.RefundTotal, fig.NetSales
	c.FirstPurchaseAt, c.LastPurchaseAt, c.LastActivityAt = utc(fig.FirstPurchaseAt), utc(fig.LastPurchaseAt), utc(fig.LastActivityAt)
	if first := fig.FirstActivityAt; first != nil && (c.FirstSeenAt == nil || first.Before(*c.FirstSeenAt)) {
		c.FirstSeenAt = utc(first)
	}
	c.Contacts90d, c.LTV, c.DormantSince = fig.Contacts90d, fig.LTV, utc(fig.DormantSince)
	c.RFMRecency, c.RFMFrequency, c.RFMMonetary, c.RFMSegment = nil, nil, nil, ""
	if f.cuts != nil && fig.LastPurchaseAt != nil {
		r, fr, m := f.cuts.Score(*fig.LastPurchaseAt, fig.PurchaseCount, fig.NetSales)
		c.RFMRecency, c.RFMFrequency, c.RFMMonetary, c.RFMSegment = &r, &fr, &m, metrics.Segment(r, fr, m)
	}
}

func utc(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
}

// RefreshResult says what a metrics pass did.
type RefreshResult struct {
	// Scored is how many customers who bought the RFM cuts cover.
	Scored int64
	// Rebuilt is how many customers were recomputed.
	Rebuilt int64
}

// RefreshMetrics recomputes every customer's metrics as of now: recency
// and dormancy change with time, not only with data. It first recomputes
// the RFM quintile cuts over everyone who bought, then queues every
// customer for a rebuild and rebuilds them in batches. The daemon runs it
// once a day; a pass already running elsewhere makes it return ErrBusy.
func (e *Engine) RefreshMetrics(ctx context.Context) (RefreshResult, error) {
	var res RefreshResult
	release, err := e.acquire(ctx, "metrics:refresh", time.Hour)
	if err != nil {
		return res, err
	}
	defer release()
	err = e.withLock(ctx, sourceInfo{name: "metrics"}, func(w *pageWriter) error {
		cuts, n, err := w.computeCuts()
		if err != nil {
			return err
		}
		res.Scored = n
		if n > 0 {
			b, _ := json.Marshal(cuts)
			row := store.MetricCuts{Name: rfmCuts, Cuts: string(b), Customers: n, ComputedAt: w.now}
			err := w.tx.Clauses(clause.OnConflict{
				Columns:   []clause.Column{{Name: "name"}},
				DoUpdates: clause.AssignmentColumns([]string{"cuts", "customers", "computed_at"}),
			}).Create(&row).Error
			if err != nil {
				return fmt.Errorf("saving the RFM cuts: %w", err)
			}
		}
		ignore := "INSERT IGNORE"
		if e.db.Dialect == store.SQLite {
			ignore = "INSERT OR IGNORE"
		}
		q := w.tx.Exec(ignore+" INTO stale_customers (customer_id, marked_at) SELECT id, ? FROM customers", w.now)
		if q.Error != nil {
			return fmt.Errorf("queueing customers for their metrics: %w", q.Error)
		}
		return w.tx.Model(&store.Customer{}).Count(&res.Rebuilt).Error
	})
	if err != nil {
		return res, fmt.Errorf("refreshing customer metrics: %w", err)
	}
	if err := e.flushStale(ctx); err != nil {
		return res, fmt.Errorf("refreshing customer metrics: %w", err)
	}
	return res, nil
}

// computeCuts finds the RFM quintile cuts over the customers who bought,
// letting the database rank them (ROW_NUMBER), so memory stays flat however
// many customers there are.
func (w *pageWriter) computeCuts() (metrics.Cuts, int64, error) {
	c := metrics.Cuts{Frequency: [4]int64{metrics.NoCut, metrics.NoCut, metrics.NoCut, metrics.NoCut}}
	c.Monetary = c.Frequency
	var n int64
	if err := w.tx.Model(&store.Customer{}).Where("purchase_count > 0").Count(&n).Error; err != nil {
		return c, 0, fmt.Errorf("counting buyers: %w", err)
	}
	if n == 0 {
		return c, 0, nil
	}
	ranks := metrics.CutRanks(n)
	// at reads the values at the cut ranks of column, worst (lowest) first.
	at := func(column string, dest any) error {
		q := fmt.Sprintf(`SELECT rn, v FROM (
  SELECT %s AS v, ROW_NUMBER() OVER (ORDER BY %s, id) AS rn FROM customers WHERE purchase_count > 0
) t WHERE rn IN ?`, column, column)
		if err := w.tx.Raw(q, ranks[:]).Scan(dest).Error; err != nil {
			return fmt.Errorf("finding the quintiles of %s: %w", column, err)
		}
		return nil
	}
	type number struct {
		Rn int64
		V  int64
	}
	type instant struct {
		Rn int64
		V  dbTime
	}
	for _, axis := range []struct {
		column string
		cuts   *[4]int64
	}{{"purchase_count", &c.Frequency}, {"net_sales", &c.Monetary}} {
		var rows []number
		if err := at(axis.column, &rows); err != nil {
			return c, 0, err
		}
		for _, r := range rows {
			for i, rank := range ranks {
				if rank == r.Rn {
					axis.cuts[i] = r.V
				}
			}
		}
	}
	var times []instant
	if err := at("last_purchase_at", &times); err != nil {
		return c, 0, err
	}
	for _, r := range times {
		for i, rank := range ranks {
			if p := r.V.ptr(); rank == r.Rn && p != nil {
				c.Recency[i] = *p
			}
		}
	}
	return c, n, nil
}
