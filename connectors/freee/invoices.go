package freee

import (
	"context"
	"encoding/json"
	"fmt"
	"iter"
	"log/slog"
	"math/big"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/nayose/nayose/connectors"
)

// invoicesStream reads freee請求書's invoices (GET /iv/invoices) by billing
// date, offset and limit. Like deals, invoices cannot be filtered by when
// they changed (only by billing and payment dates), so the first run reads
// from FromDays back and later runs re-read from LookbackDays before the
// last run. The answer has no total: a short page is the last.
type invoicesStream struct {
	c   *client
	log *slog.Logger
	now func() time.Time
}

func (s *invoicesStream) Name() string { return "invoices" }

func (s *invoicesStream) Pages(ctx context.Context, cursor string) iter.Seq2[connectors.Page, error] {
	return func(yield func(connectors.Page, error) bool) {
		o := s.c.opts
		company, err := s.c.companyID(ctx)
		if err != nil {
			yield(connectors.Page{}, fmt.Errorf("freee invoices: %w", err))
			return
		}
		now := s.now()
		cur := lookback(parseCursor(cursor, s.log), now, o)
		for {
			res, err := s.c.invoices(ctx, company, cur.From, cur.Offset, o.DealsPageSize)
			if err != nil {
				yield(connectors.Page{}, fmt.Errorf("freee invoices (offset %d): %w", cur.Offset, err))
				return
			}
			var out connectors.Page
			for _, raw := range res.Invoices {
				mapInvoice(raw, &out)
			}
			last := len(res.Invoices) < o.DealsPageSize
			if last {
				out.Cursor = sweepCursor{Next: cur.Started}.String()
			} else {
				cur.Offset += len(res.Invoices)
				out.Cursor = cur.String()
			}
			if !yield(out, nil) || last {
				return
			}
		}
	}
}

// invoicesPage is GET /iv/invoices.
type invoicesPage struct {
	Invoices []json.RawMessage `json:"invoices"`
}

func (c *client) invoices(ctx context.Context, company int64, from string, offset, limit int) (invoicesPage, error) {
	q := url.Values{
		"company_id":         {itoa(company)},
		"start_billing_date": {from},
		"offset":             {strconv.Itoa(offset)},
		"limit":              {strconv.Itoa(limit)},
	}
	var out invoicesPage
	err := c.get(ctx, "/iv/invoices", q, &out)
	return out, err
}

// Invoice is the part of a freee請求書 invoice the connector maps.
type Invoice struct {
	ID            int64       `json:"id"`
	InvoiceNumber string      `json:"invoice_number"`
	Subject       string      `json:"subject"`
	BillingDate   string      `json:"billing_date"`
	TotalAmount   json.Number `json:"total_amount"`
	PartnerID     *int64      `json:"partner_id"`
	CancelStatus  string      `json:"cancel_status"`
}

// mapInvoice maps one invoice into an invoice activity at its billing
// date, or rejects it with its id. A canceled invoice is still an invoice
// that was sent; its summary says 取消済み.
func mapInvoice(raw json.RawMessage, out *connectors.Page) {
	var inv Invoice
	if err := json.Unmarshal(raw, &inv); err != nil {
		f, r := decodeError(err)
		out.Rejects = append(out.Rejects, reject("invoices", raw, idOf(raw), f, r))
		return
	}
	if inv.ID <= 0 {
		out.Rejects = append(out.Rejects, reject("invoices", raw, 0, "id", "the invoice has no id"))
		return
	}
	billed, err := parseDate(inv.BillingDate)
	if err != nil {
		out.Rejects = append(out.Rejects, reject("invoices", raw, inv.ID, "billing_date", "billing_date "+err.Error()))
		return
	}
	// Yen have no minor unit: a fractional total is not an amount nayose
	// can keep exactly.
	amount, err := wholeYen(inv.TotalAmount)
	if err != nil {
		out.Rejects = append(out.Rejects, reject("invoices", raw, inv.ID, "total_amount",
			fmt.Sprintf("total_amount %q is not a whole number of yen", inv.TotalAmount.String())))
		return
	}
	who := ""
	if inv.PartnerID != nil && *inv.PartnerID > 0 {
		who = itoa(*inv.PartnerID)
	}
	summary := strings.TrimSpace(strings.Join([]string{inv.InvoiceNumber, inv.Subject}, " "))
	if inv.CancelStatus == "canceled" {
		summary = "取消済み " + summary
	}
	out.Activities = append(out.Activities, connectors.Activity{
		ExternalID:         itoa(inv.ID),
		Kind:               connectors.KindInvoice,
		IdentityExternalID: who,
		OccurredAt:         billed,
		Amount:             &amount,
		Currency:           currency,
		Summary:            summary,
		Raw:                raw,
	})
}

// wholeYen reads a JSON number (freee請求書 writes amounts as numbers,
// maybe 5250.0) as whole yen, exactly.
func wholeYen(n json.Number) (int64, error) {
	r, ok := new(big.Rat).SetString(n.String())
	if !ok || !r.IsInt() || !r.Num().IsInt64() {
		return 0, fmt.Errorf("%q is not a whole number", n.String())
	}
	return r.Num().Int64(), nil
}
