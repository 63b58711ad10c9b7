package mailchimp

import (
	"context"
	"encoding/json"
	"iter"
	"log/slog"
	"time"

	"github.com/nayose/nayose/connectors"
)

// activityStream reads the opens and clicks of the list's sent campaigns:
// GET /campaigns?status=sent&since_send_time=, then for each campaign
// GET /reports/{id}/email-activity?since= by offset. The window (since,
// minus overlap) stays fixed during a sweep; since moves to the newest
// event seen when the sweep ends.
type activityStream struct {
	c   *client
	log *slog.Logger
	now func() time.Time
}

func (s *activityStream) Name() string { return "email_activity" }

// activityCursor is the email_activity stream's cursor.
type activityCursor struct {
	// Since is the newest event of the last complete sweep.
	Since time.Time `json:"since,omitzero"`
	// Campaign, Offset and High resume an unfinished sweep: the campaign
	// being read, the next offset in its report, the newest event so far.
	Campaign string    `json:"campaign,omitempty"`
	Offset   int       `json:"offset,omitempty"`
	High     time.Time `json:"high,omitzero"`
}

func (s *activityStream) Pages(ctx context.Context, cursor string) iter.Seq2[connectors.Page, error] {
	return func(yield func(connectors.Page, error) bool) {
		cur := parseCursor[activityCursor](cursor, s.log)
		// Campaigns sent activity_days before the last event read (or
		// before now, on a first run) can still gather opens and clicks.
		ref := cur.Since
		if ref.IsZero() {
			ref = s.now()
		}
		sentSince := ref.AddDate(0, 0, -s.c.opts.ActivityDays)
		camps, err := s.c.campaigns(ctx, sentSince)
		if err != nil {
			yield(connectors.Page{}, streamErr("email_activity", err))
			return
		}
		// Resume an unfinished sweep at its campaign, if it is still listed.
		first, offset := 0, 0
		if cur.Campaign != "" {
			for i, c := range camps {
				if c.ID == cur.Campaign {
					first, offset = i, cur.Offset
					break
				}
			}
		}
		start := s.c.windowStart(cur.Since)
		high := later(cur.High, cur.Since)
		if len(camps[first:]) == 0 {
			// Nothing to read: keep the cursor.
			yield(connectors.Page{Cursor: marshal(activityCursor{Since: high})}, nil)
			return
		}
		for i := first; i < len(camps); i++ {
			c := camps[i]
			for {
				res, err := s.c.emailActivity(ctx, c.ID, start, offset)
				if err != nil {
					yield(connectors.Page{}, streamErr("email_activity", err))
					return
				}
				var out connectors.Page
				for _, raw := range res.Emails {
					acts, newest := decodeEmailActivity(raw, c)
					high = later(high, newest)
					out.Activities = append(out.Activities, acts...)
				}
				offset += len(res.Emails)
				more := len(res.Emails) == s.c.opts.PageSize && offset < res.TotalItems
				switch {
				case more:
					out.Cursor = marshal(activityCursor{Since: cur.Since, Campaign: c.ID, Offset: offset, High: high})
				case i+1 < len(camps):
					out.Cursor = marshal(activityCursor{Since: cur.Since, Campaign: camps[i+1].ID, High: high})
				default:
					out.Cursor = marshal(activityCursor{Since: high})
				}
				if !yield(out, nil) {
					return
				}
				if !more {
					break
				}
			}
			offset = 0
		}
	}
}

// decodeEmailActivity turns one recipient's events into email_open and
// email_click activities (bounces are skipped), and returns the newest
// event's time. An event that cannot be read is skipped.
func decodeEmailActivity(raw json.RawMessage, c campaign) ([]connectors.Activity, time.Time) {
	var e emailActivity
	if err := json.Unmarshal(raw, &e); err != nil {
		return nil, time.Time{}
	}
	who := e.EmailID
	if e.EmailAddress != "" {
		who = subscriberHash(e.EmailAddress)
	}
	cid := e.CampaignID
	if cid == "" {
		cid = c.ID
	}
	subject := c.Settings.SubjectLine
	if subject == "" {
		subject = c.Settings.Title
	}
	var out []connectors.Activity
	var newest time.Time
	for _, a := range e.Activity {
		at, err := parseTime(a.Timestamp)
		if err != nil {
			continue
		}
		newest = later(newest, at)
		var kind connectors.ActivityKind
		summary := subject
		switch a.Action {
		case "open":
			kind = connectors.KindEmailOpen
		case "click":
			kind, summary = connectors.KindEmailClick, a.URL
		default:
			continue
		}
		out = append(out, connectors.Activity{
			ExternalID:         cid + ":" + e.EmailID + ":" + a.Action + ":" + stamp(at),
			Kind:               kind,
			IdentityExternalID: who,
			OccurredAt:         at,
			Summary:            summary,
			Raw:                raw,
		})
	}
	return out, newest
}
