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

// paymentsStream reads GET /v2/payments, then GET /v2/refunds, location by
// location, each filtered on updated_at from overlap before its own part of
// the cursor and sorted by updated_at. COMPLETED payments become payment
// activities; COMPLETED refunds that no return order carries become refund
// activities (see decodeRefund).
type paymentsStream struct {
	c   *client
	log *slog.Logger
}

func (s *paymentsStream) Name() string { return "payments" }

// paymentsCursor is the payments stream's cursor: one sweep per endpoint.
type paymentsCursor struct {
	Payments sweepPosition `json:"payments"`
	Refunds  sweepPosition `json:"refunds"`
}

// sweepPosition is one endpoint's part of the payments cursor.
type sweepPosition struct {
	// Since is the highest updated_at of the last complete sweep.
	Since time.Time `json:"since,omitzero"`
	// Start, Loc, Page and High resume an unfinished sweep: its
	// updated_at_begin_time as sent, the index of the location being read,
	// Square's cursor within it, and the highest updated_at seen so far.
	Start string    `json:"start,omitempty"`
	Loc   int       `json:"loc,omitempty"`
	Page  string    `json:"page_cursor,omitempty"`
	High  time.Time `json:"high,omitzero"`
}

// decodeFunc turns one record into an activity (nil for a record that is
// not one), its updated_at, or a reject. Its error, from a follow-up
// request, ends the stream.
type decodeFunc func(ctx context.Context, raw json.RawMessage) (*connectors.Activity, time.Time, *connectors.Reject, error)

func (s *paymentsStream) Pages(ctx context.Context, cursor string) iter.Seq2[connectors.Page, error] {
	return func(yield func(connectors.Page, error) bool) {
		cur := parseCursor[paymentsCursor](cursor, s.log)
		locs, err := s.c.locationIDs(ctx)
		if err != nil {
			yield(connectors.Page{}, streamErr("payments", err))
			return
		}
		if !s.sweep(ctx, yield, &cur, &cur.Payments, "/v2/payments", locs, decodePayment) {
			return
		}
		s.sweep(ctx, yield, &cur, &cur.Refunds, "/v2/refunds", locs, s.decodeRefund)
	}
}

// sweep reads one endpoint at every location, from pos (a part of cur),
// yielding each page with the whole cursor after it. It reports whether the
// stream may go on.
func (s *paymentsStream) sweep(ctx context.Context, yield func(connectors.Page, error) bool, cur *paymentsCursor, pos *sweepPosition,
	path string, locs []string, decode decodeFunc) bool {
	if len(locs) == 0 {
		return true
	}
	if pos.Start == "" || pos.Loc >= len(locs) {
		*pos = sweepPosition{Since: pos.Since, Start: stamp(s.c.windowStart(pos.Since)), High: pos.Since}
	}
	for {
		res, err := s.c.listUpdated(ctx, path, locs[pos.Loc], pos.Start, pos.Page)
		if err != nil {
			yield(connectors.Page{}, streamErr("payments", err))
			return false
		}
		var out connectors.Page
		for _, raw := range append(res.Payments, res.Refunds...) { // one of the two is empty
			act, updated, rej, err := decode(ctx, raw)
			switch {
			case err != nil:
				yield(connectors.Page{}, streamErr("payments", err))
				return false
			case rej != nil:
				out.Rejects = append(out.Rejects, *rej)
				continue
			case act != nil:
				out.Activities = append(out.Activities, *act)
			}
			pos.High = later(pos.High, updated)
		}
		done := false
		switch {
		case res.Cursor != "":
			pos.Page = res.Cursor
		case pos.Loc+1 < len(locs):
			pos.Loc, pos.Page = pos.Loc+1, ""
		default:
			// Every location is read: since moves to the newest update seen.
			*pos = sweepPosition{Since: pos.High}
			done = true
		}
		out.Cursor = cursorString(cur)
		if !yield(out, nil) {
			return false
		}
		if done {
			return true
		}
	}
}

type squarePayment struct {
	ID          string `json:"id"`
	Status      string `json:"status"`
	CreatedAt   string `json:"created_at"`
	UpdatedAt   string `json:"updated_at"`
	CustomerID  string `json:"customer_id"`
	SourceType  string `json:"source_type"`
	AmountMoney money  `json:"amount_money"`
	TipMoney    money  `json:"tip_money"`
	TotalMoney  money  `json:"total_money"`
}

// decodePayment turns a COMPLETED payment into a payment activity:
// total_money (amount and tip), at created_at, the moment the customer
// paid (updated_at moves on later, with refunds and settlement). APPROVED
// and PENDING payments are not final; CANCELED and FAILED ones took no
// money: they yield nothing.
func decodePayment(_ context.Context, raw json.RawMessage) (*connectors.Activity, time.Time, *connectors.Reject, error) {
	var p squarePayment
	if err := json.Unmarshal(raw, &p); err != nil {
		f, r := decodeError(err)
		return nil, time.Time{}, reject("payments", raw, "", f, r), nil
	}
	updated, at, rej := recordTimes("payments", raw, p.ID, p.UpdatedAt, p.CreatedAt)
	if rej != nil || p.Status != "COMPLETED" {
		return nil, updated, rej, nil
	}
	if at.IsZero() {
		return nil, time.Time{}, reject("payments", raw, p.ID, "created_at", "created_at "+strconv.Quote(p.CreatedAt)+" is not an RFC 3339 time"), nil
	}
	return moneyActivity(p.ID, connectors.KindPayment, p.CustomerID, at, p.TotalMoney, p.SourceType, raw), updated, nil, nil
}

type squareRefund struct {
	ID          string `json:"id"`
	Status      string `json:"status"`
	CreatedAt   string `json:"created_at"`
	UpdatedAt   string `json:"updated_at"`
	Unlinked    bool   `json:"unlinked"`
	PaymentID   string `json:"payment_id"`
	OrderID     string `json:"order_id"`
	Reason      string `json:"reason"`
	AmountMoney money  `json:"amount_money"`
}

// decodeRefund turns a COMPLETED refund that no return order carries into a
// refund activity: amount_money, at created_at. A refund with an order_id
// names the return order Square made for it, which the orders stream
// already emits as a refund (external id = that order's id): emitting it
// here too would count the money twice, so it yields nothing. So does a
// refund that is PENDING, REJECTED or FAILED. A refund has no customer_id:
// the customer is its payment's (one GET /v2/payments/{id}); an unlinked
// refund has no payment, and no customer.
func (s *paymentsStream) decodeRefund(ctx context.Context, raw json.RawMessage) (*connectors.Activity, time.Time, *connectors.Reject, error) {
	var r squareRefund
	if err := json.Unmarshal(raw, &r); err != nil {
		f, reason := decodeError(err)
		return nil, time.Time{}, reject("refunds", raw, "", f, reason), nil
	}
	updated, at, rej := recordTimes("refunds", raw, r.ID, r.UpdatedAt, r.CreatedAt)
	if rej != nil || r.Status != "COMPLETED" || r.OrderID != "" {
		return nil, updated, rej, nil
	}
	if at.IsZero() {
		return nil, time.Time{}, reject("refunds", raw, r.ID, "created_at", "created_at "+strconv.Quote(r.CreatedAt)+" is not an RFC 3339 time"), nil
	}
	customer := ""
	if !r.Unlinked && r.PaymentID != "" {
		var err error
		if customer, err = s.c.paymentCustomer(ctx, r.PaymentID); err != nil {
			return nil, time.Time{}, nil, err
		}
	}
	return moneyActivity(r.ID, connectors.KindRefund, customer, at, r.AmountMoney, r.Reason, raw), updated, nil, nil
}

// recordTimes reads a payment's or refund's id and updated_at, which every
// record needs, and its created_at, zero when unreadable (only records that
// become activities need it).
func recordTimes(stream string, raw json.RawMessage, id, updatedAt, createdAt string) (updated, created time.Time, _ *connectors.Reject) {
	if id == "" {
		return time.Time{}, time.Time{}, reject(stream, raw, "", "id", "the record has no id")
	}
	updated, err := time.Parse(time.RFC3339Nano, updatedAt)
	if err != nil {
		return time.Time{}, time.Time{}, reject(stream, raw, id, "updated_at", "updated_at "+strconv.Quote(updatedAt)+" is not an RFC 3339 time")
	}
	created, _ = time.Parse(time.RFC3339Nano, createdAt)
	return updated, created, nil
}

func moneyActivity(id string, kind connectors.ActivityKind, customer string, at time.Time, m money, summary string, raw json.RawMessage) *connectors.Activity {
	amount := m.Amount
	return &connectors.Activity{
		ExternalID: id, Kind: kind, IdentityExternalID: customer, OccurredAt: at,
		Amount: &amount, Currency: strings.ToUpper(m.Currency), Summary: summary, Raw: raw,
	}
}
