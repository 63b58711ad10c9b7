package freee

import (
	"context"
	"encoding/json"
	"fmt"
	"iter"
	"log/slog"
	"strings"
	"time"

	"github.com/nayose/nayose/connectors"
)

// currency is freee 会計's: amounts are integer yen.
const currency = "JPY"

// dealsStream reads income deals (GET /api/1/deals?type=income) by issue
// date, offset and limit, counting against meta.total_count.
//
// freee cannot filter deals by when they last changed: start_renew_date
// filters by the date of a deal's +更新 (renew) lines, not by its update
// date, and a deal has no update date. So the first run reads deals issued
// from FromDays back, and every later run re-reads those issued from
// LookbackDays before the date the last run started: a payment or an edit
// within that window is seen, an edit of an older deal is not.
type dealsStream struct {
	c   *client
	log *slog.Logger
	now func() time.Time
}

func (s *dealsStream) Name() string { return "deals" }

func (s *dealsStream) Pages(ctx context.Context, cursor string) iter.Seq2[connectors.Page, error] {
	return func(yield func(connectors.Page, error) bool) {
		o := s.c.opts
		company, err := s.c.companyID(ctx)
		if err != nil {
			yield(connectors.Page{}, fmt.Errorf("freee deals: %w", err))
			return
		}
		now := s.now()
		cur := lookback(parseCursor(cursor, s.log), now, o)
		for {
			res, err := s.c.deals(ctx, company, cur.From, cur.Offset, o.DealsPageSize)
			if err != nil {
				yield(connectors.Page{}, fmt.Errorf("freee deals (offset %d): %w", cur.Offset, err))
				return
			}
			var out connectors.Page
			for _, raw := range res.Deals {
				mapDeal(raw, &out)
			}
			cur.Offset += len(res.Deals)
			last := len(res.Deals) == 0 || cur.Offset >= res.Meta.TotalCount
			if last {
				out.Cursor = sweepCursor{Next: cur.Started}.String()
			} else {
				out.Cursor = cur.String()
			}
			if !yield(out, nil) || last {
				return
			}
		}
	}
}

// Deal is the part of a freee deal (取引) the connector maps.
type Deal struct {
	ID        int64     `json:"id"`
	IssueDate string    `json:"issue_date"`
	Amount    int64     `json:"amount"`
	DueAmount int64     `json:"due_amount"`
	Type      string    `json:"type"`
	PartnerID *int64    `json:"partner_id"`
	RefNumber *string   `json:"ref_number"`
	Status    string    `json:"status"`
	Details   []Detail  `json:"details"`
	Payments  []Payment `json:"payments"`
}

// Detail is a deal's line.
type Detail struct {
	Description *string `json:"description"`
}

// Payment is a deal's payment line (支払行).
type Payment struct {
	ID     int64  `json:"id"`
	Date   string `json:"date"`
	Amount int64  `json:"amount"`
}

// summary describes a deal: its reference number and line descriptions.
func (d Deal) summary() string {
	var parts []string
	if r := str(d.RefNumber); r != "" {
		parts = append(parts, r)
	}
	for _, x := range d.Details {
		if s := str(x.Description); s != "" {
			parts = append(parts, s)
		}
	}
	return strings.Join(parts, " / ")
}

// mapDeal maps one income deal into a purchase and its payments. A deal
// whose issue_date cannot be read is rejected, but its payments, whose
// dates can, are still mapped.
func mapDeal(raw json.RawMessage, out *connectors.Page) {
	var d Deal
	if err := json.Unmarshal(raw, &d); err != nil {
		f, r := decodeError(err)
		out.Rejects = append(out.Rejects, reject("deals", raw, idOf(raw), f, r))
		return
	}
	if d.ID <= 0 {
		out.Rejects = append(out.Rejects, reject("deals", raw, 0, "id", "the deal has no id"))
		return
	}
	if d.Type != "" && d.Type != "income" {
		return
	}
	who := ""
	if d.PartnerID != nil && *d.PartnerID > 0 {
		who = itoa(*d.PartnerID)
	}
	if issued, err := parseDate(d.IssueDate); err != nil {
		out.Rejects = append(out.Rejects, reject("deals", raw, d.ID, "issue_date", "issue_date "+err.Error()))
	} else {
		amount := d.Amount
		out.Activities = append(out.Activities, connectors.Activity{
			ExternalID:         itoa(d.ID),
			Kind:               connectors.KindPurchase,
			IdentityExternalID: who,
			OccurredAt:         issued,
			Amount:             &amount,
			Currency:           currency,
			Summary:            d.summary(),
			Raw:                raw,
		})
	}
	for _, p := range d.Payments {
		pid := itoa(d.ID) + ":" + itoa(p.ID)
		praw, _ := json.Marshal(p)
		paid, err := parseDate(p.Date)
		if err != nil {
			r := reject("deals", praw, 0, "payments.date", "payments.date "+err.Error())
			r.ExternalID = pid
			out.Rejects = append(out.Rejects, r)
			continue
		}
		amount := p.Amount
		out.Activities = append(out.Activities, connectors.Activity{
			ExternalID:         pid,
			Kind:               connectors.KindPayment,
			IdentityExternalID: who,
			OccurredAt:         paid,
			Amount:             &amount,
			Currency:           currency,
			Summary:            "入金 " + d.summary(),
			Raw:                praw,
		})
	}
}
