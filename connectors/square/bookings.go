package square

import (
	"context"
	"encoding/json"
	"fmt"
	"iter"
	"log/slog"
	"net/url"
	"time"

	"github.com/nayose/nayose/connectors"
)

// bookingsWindow is the widest start_at range Square's ListBookings takes
// (31 days), less a day of margin.
const bookingsWindow = 30 * 24 * time.Hour

// bookingsStream reads appointments. Square has no updated_at filter for
// bookings, so the stream sweeps start_at windows: from the cursor (less
// overlap) to bookings_ahead after now. The cursor never passes now, so
// future bookings, which can still be made or cancelled, are read again on
// every run; upserts make that harmless.
type bookingsStream struct {
	c   *client
	log *slog.Logger
	now func() time.Time
}

func (s *bookingsStream) Name() string { return "bookings" }

// bookingsCursor resumes a sweep: the start of the window being read and
// Square's page cursor within it.
type bookingsCursor struct {
	Start time.Time `json:"start"`
	Page  string    `json:"page_cursor,omitempty"`
}

func (c bookingsCursor) String() string { return cursorString(c) }

func (s *bookingsStream) Pages(ctx context.Context, cursor string) iter.Seq2[connectors.Page, error] {
	return func(yield func(connectors.Page, error) bool) {
		now := s.now().UTC()
		cur := bookingsCursor{Start: now.Add(-s.c.opts.BookingsFrom.Std())}
		if cursor != "" {
			var saved bookingsCursor
			if err := json.Unmarshal([]byte(cursor), &saved); err != nil || saved.Start.IsZero() {
				s.log.Warn("unreadable cursor; reading from bookings_from", "cursor", cursor)
			} else if saved.Page != "" {
				cur = saved
			} else {
				cur = bookingsCursor{Start: saved.Start.Add(-s.c.opts.Overlap.Std())}
			}
		}
		end := now.Add(s.c.opts.BookingsAhead.Std())
		// committed only moves forward, and never past now: the future is
		// read again next run.
		committed := cur.Start
		for start := cur.Start; start.Before(end); {
			stop := start.Add(bookingsWindow)
			if stop.After(end) {
				stop = end
			}
			page := cur.Page
			cur.Page = ""
			for {
				q := url.Values{"start_at_min": {stamp(start)}, "start_at_max": {stamp(stop)}, "limit": {"100"}}
				if page != "" {
					q.Set("cursor", page)
				}
				var res struct {
					Bookings []json.RawMessage `json:"bookings"`
					Cursor   string            `json:"cursor"`
				}
				if _, err := s.c.http.Get(ctx, "/v2/bookings", q, &res); err != nil {
					yield(connectors.Page{}, streamErr("bookings", err))
					return
				}
				var out connectors.Page
				for _, raw := range res.Bookings {
					act, rej := decodeBooking(raw)
					if rej != nil {
						out.Rejects = append(out.Rejects, *rej)
						continue
					}
					out.Activities = append(out.Activities, act)
				}
				if res.Cursor != "" {
					out.Cursor = bookingsCursor{Start: start, Page: res.Cursor}.String()
				} else {
					// The window is read; the past part of it is done for good.
					done := stop
					if done.After(now) {
						done = now
					}
					if done.After(committed) {
						committed = done
					}
					out.Cursor = bookingsCursor{Start: committed}.String()
				}
				if !yield(out, nil) {
					return
				}
				if res.Cursor == "" {
					break
				}
				page = res.Cursor
			}
			start = stop
		}
	}
}

// decodeBooking turns one Square booking into a booking or
// booking_canceled activity, or a reject naming its id.
func decodeBooking(raw json.RawMessage) (connectors.Activity, *connectors.Reject) {
	var b struct {
		ID         string `json:"id"`
		Status     string `json:"status"`
		StartAt    string `json:"start_at"`
		CustomerID string `json:"customer_id"`
		LocationID string `json:"location_id"`
		Note       string `json:"customer_note"`
	}
	reject := func(field, reason string) *connectors.Reject {
		return &connectors.Reject{ExternalID: b.ID, Location: "square/bookings", Field: field, Reason: reason, Raw: raw}
	}
	if err := json.Unmarshal(raw, &b); err != nil {
		var id struct {
			ID string `json:"id"`
		}
		_ = json.Unmarshal(raw, &id)
		b.ID = id.ID
		return connectors.Activity{}, reject("", fmt.Sprintf("booking is not valid JSON: %v", err))
	}
	at, err := time.Parse(time.RFC3339Nano, b.StartAt)
	if err != nil {
		return connectors.Activity{}, reject("start_at", fmt.Sprintf("start_at %q is not a time", b.StartAt))
	}
	act := connectors.Activity{ExternalID: b.ID, Kind: connectors.KindBooking, IdentityExternalID: b.CustomerID, OccurredAt: at, Summary: b.Note, Raw: raw}
	switch b.Status {
	case "CANCELLED_BY_CUSTOMER", "CANCELLED_BY_SELLER", "DECLINED", "NO_SHOW":
		act.Kind, act.ExternalID = connectors.KindBookingCanceled, b.ID+":canceled"
		act.Summary = b.Status
	}
	return act, nil
}
