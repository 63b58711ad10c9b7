package square

import (
	"context"
	"encoding/json"
	"iter"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/nayose/nayose/connectors"
)

// ordersStream reads POST /v2/orders/search by location chunks of ten,
// filtered on updated_at from overlap before the cursor and sorted by
// updated_at. Once a day (wall clock) the window instead starts late_window
// before the previous such sweep, so that offline orders uploaded up to 72 h
// after their updated_at are still read.
type ordersStream struct {
	c   *client
	log *slog.Logger
	now func() time.Time
}

func (s *ordersStream) Name() string { return "orders" }

// ordersCursor is the orders stream's cursor.
type ordersCursor struct {
	// Since is the highest updated_at of the last complete sweep.
	Since time.Time `json:"since,omitzero"`
	// Swept is when (wall clock) the last late sweep started.
	Swept time.Time `json:"swept,omitzero"`
	// Start, Chunk, Page and High resume an unfinished sweep.
	Start string    `json:"start,omitempty"`
	Chunk int       `json:"chunk,omitempty"`
	Page  string    `json:"page_cursor,omitempty"`
	High  time.Time `json:"high,omitzero"`
}

func (c ordersCursor) String() string { return cursorString(c) }

func (s *ordersStream) Pages(ctx context.Context, cursor string) iter.Seq2[connectors.Page, error] {
	return func(yield func(connectors.Page, error) bool) {
		cur := parseCursor[ordersCursor](cursor, s.log)
		chunks, err := s.c.locationChunks(ctx)
		if err != nil {
			yield(connectors.Page{}, streamErr("orders", err))
			return
		}
		next := cur
		if cur.Start == "" || cur.Chunk >= len(chunks) {
			now := s.now().UTC()
			from := s.c.windowStart(cur.Since)
			next = ordersCursor{Since: cur.Since, Swept: cur.Swept, High: cur.Since}
			switch {
			case cur.Since.IsZero():
				next.Swept = now
			case now.Sub(cur.Swept) >= lateSweepEvery:
				base := cur.Swept
				if base.IsZero() {
					base = now
				}
				if late := base.Add(-s.c.opts.LateWindow.Std()); late.Before(from) {
					from = later(epoch, late)
				}
				next.Swept = now
				s.log.Debug("late sweep", "from", stamp(from))
			}
			next.Start = stamp(from)
		}
		for i := next.Chunk; i < len(chunks); i++ {
			for {
				res, err := s.c.searchOrders(ctx, chunks[i], next.Start, next.Page)
				if err != nil {
					yield(connectors.Page{}, streamErr("orders", err))
					return
				}
				var out connectors.Page
				for _, raw := range res.Orders {
					acts, updated, rej := decodeOrder(raw)
					if rej != nil {
						out.Rejects = append(out.Rejects, *rej)
						continue
					}
					next.High = later(next.High, updated)
					out.Activities = append(out.Activities, acts...)
				}
				switch {
				case res.Cursor != "":
					next.Chunk, next.Page = i, res.Cursor
					out.Cursor = next.String()
				case i+1 < len(chunks):
					next.Chunk, next.Page = i+1, ""
					out.Cursor = next.String()
				default:
					out.Cursor = ordersCursor{Since: next.High, Swept: next.Swept}.String()
				}
				if !yield(out, nil) {
					return
				}
				if res.Cursor == "" {
					break
				}
			}
		}
	}
}

type money struct {
	Amount   int64  `json:"amount"`
	Currency string `json:"currency"`
}

type itemName struct {
	Name     string `json:"name"`
	Quantity string `json:"quantity"`
}

type squareOrder struct {
	ID         string     `json:"id"`
	CustomerID string     `json:"customer_id"`
	State      string     `json:"state"`
	CreatedAt  string     `json:"created_at"`
	UpdatedAt  string     `json:"updated_at"`
	ClosedAt   string     `json:"closed_at"`
	LineItems  []itemName `json:"line_items"`
	Returns    []struct {
		ReturnLineItems []itemName `json:"return_line_items"`
	} `json:"returns"`
	ReturnAmounts *struct {
		TotalMoney money `json:"total_money"`
	} `json:"return_amounts"`
	Tenders []struct {
		CustomerID string `json:"customer_id"`
	} `json:"tenders"`
	TotalMoney         money `json:"total_money"`
	TotalDiscountMoney money `json:"total_discount_money"`
}

// decodeOrder turns one order into its activities. Only COMPLETED orders
// are sales: OPEN and DRAFT ones are not final and CANCELED ones never
// happened, so they yield nothing (and nothing is deleted).
func decodeOrder(raw json.RawMessage) ([]connectors.Activity, time.Time, *connectors.Reject) {
	var o squareOrder
	if err := json.Unmarshal(raw, &o); err != nil {
		f, r := decodeError(err)
		return nil, time.Time{}, reject("orders", raw, "", f, r)
	}
	if o.ID == "" {
		return nil, time.Time{}, reject("orders", raw, "", "id", "the order has no id")
	}
	updated, err := time.Parse(time.RFC3339Nano, o.UpdatedAt)
	if err != nil {
		return nil, time.Time{}, reject("orders", raw, o.ID, "updated_at", "updated_at "+strconv.Quote(o.UpdatedAt)+" is not an RFC 3339 time")
	}
	if o.State != "COMPLETED" {
		return nil, updated, nil
	}
	at := updated
	for _, s := range []string{o.ClosedAt, o.CreatedAt} {
		if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
			at = t
			break
		}
	}
	customer := o.CustomerID
	for _, t := range o.Tenders {
		if customer == "" {
			customer = t.CustomerID
		}
	}
	act := func(kind connectors.ActivityKind, m money, summary string) connectors.Activity {
		amount := m.Amount
		return connectors.Activity{
			ExternalID: o.ID, Kind: kind, IdentityExternalID: customer, OccurredAt: at,
			Amount: &amount, Currency: strings.ToUpper(m.Currency), Summary: summary, Raw: raw,
		}
	}
	var acts []connectors.Activity
	if len(o.LineItems) > 0 || len(o.Returns) == 0 {
		acts = append(acts, act(connectors.KindPurchase, o.TotalMoney, summarize(o.LineItems)))
	}
	if len(o.Returns) > 0 {
		var items []itemName
		for _, r := range o.Returns {
			items = append(items, r.ReturnLineItems...)
		}
		m := money{}
		if o.ReturnAmounts != nil {
			m = o.ReturnAmounts.TotalMoney
		}
		acts = append(acts, act(connectors.KindRefund, m, summarize(items)))
	}
	if o.TotalDiscountMoney.Amount != 0 {
		acts = append(acts, act(connectors.KindDiscount, o.TotalDiscountMoney, ""))
	}
	return acts, updated, nil
}

// summarize lists line items: "ブレンド 200g ×2, ドリップバッグ".
func summarize(items []itemName) string {
	parts := make([]string, 0, len(items))
	for _, it := range items {
		if it.Name == "" {
			continue
		}
		if it.Quantity != "" && it.Quantity != "1" {
			parts = append(parts, it.Name+" ×"+it.Quantity)
		} else {
			parts = append(parts, it.Name)
		}
	}
	return strings.Join(parts, ", ")
}
