package freee

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"time"

	"github.com/nayose/nayose/connectors"
)

// dateLayout is freee's date format (yyyy-mm-dd, JST).
const dateLayout = "2006-01-02"

// sweepCursor is both streams' cursor. Between runs it holds Next, the JST
// date the last complete sweep started on; the next run reads from a few
// days before it. During a sweep it also holds the sweep's From date and
// the Offset of the next page, so a run ended early (rate limiting)
// resumes where it stopped.
type sweepCursor struct {
	// Next is the JST date (yyyy-mm-dd) the last complete sweep started.
	Next string `json:"next,omitempty"`
	// From is the date filter of the sweep under way ("" when none).
	From string `json:"from,omitempty"`
	// Offset is the offset of the sweep's next page.
	Offset int `json:"offset,omitempty"`
	// Started is the JST date the sweep under way started.
	Started string `json:"started,omitempty"`
}

func (c sweepCursor) String() string {
	if c == (sweepCursor{}) {
		return ""
	}
	b, _ := json.Marshal(c)
	return string(b)
}

func parseCursor(s string, log *slog.Logger) sweepCursor {
	var c sweepCursor
	if s == "" {
		return c
	}
	if err := json.Unmarshal([]byte(s), &c); err != nil {
		log.Warn("unreadable cursor; reading from the start", "error", err)
		return sweepCursor{}
	}
	return c
}

// today is the JST date of t.
func today(t time.Time) time.Time {
	y, m, d := t.In(jst).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, jst)
}

// parseDate reads a freee date as midnight JST.
func parseDate(s string) (time.Time, error) {
	t, err := time.ParseInLocation(dateLayout, s, jst)
	if err != nil {
		return time.Time{}, fmt.Errorf("%q is not a yyyy-mm-dd date", s)
	}
	return t, nil
}

// sweep is where one run of a stream starts: resuming an interrupted
// sweep, or a new one from the filter date that fresh gives for the
// cursor's Next date (zero time on the first run).
func sweep(cur sweepCursor, now time.Time, fresh func(next time.Time) string) sweepCursor {
	if cur.Started != "" {
		return cur
	}
	var next time.Time
	if cur.Next != "" {
		if t, err := parseDate(cur.Next); err == nil {
			next = t
		}
	}
	return sweepCursor{From: fresh(next), Started: today(now).Format(dateLayout)}
}

// reject builds a Reject of a freee record.
func reject(stream string, raw json.RawMessage, id int64, field, reason string) connectors.Reject {
	r := connectors.Reject{Location: "freee/" + stream, Field: field, Reason: reason, Raw: raw}
	if id > 0 {
		r.ExternalID = itoa(id)
	}
	return r
}

// idOf reads a record's id when the record as a whole cannot be read.
func idOf(raw json.RawMessage) int64 {
	var r struct {
		ID int64 `json:"id"`
	}
	_ = json.Unmarshal(raw, &r)
	return r.ID
}

// lookback starts a sweep by date (deals by issue date, invoices by
// billing date): the first run from FromDays back, every later run from
// LookbackDays before the date the previous run started.
func lookback(c sweepCursor, now time.Time, o *Options) sweepCursor {
	return sweep(c, now, func(next time.Time) string {
		if next.IsZero() {
			return today(now).AddDate(0, 0, -o.FromDays).Format(dateLayout)
		}
		return next.AddDate(0, 0, -o.LookbackDays).Format(dateLayout)
	})
}
