package xero

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// msDate is Xero's JSON date: milliseconds since the Unix epoch (negative
// before 1970), then an optional UTC offset that says in which zone the
// instant was written; the instant itself is the milliseconds.
var msDate = regexp.MustCompile(`^/Date\((-?\d+)([+-])?(\d{2})?(\d{2})?\)/$`)

// parseTime reads a Xero time: "/Date(1439434356790+0000)/", with or
// without the offset, or ISO 8601 as the *String fields and the spec's
// date-time fields carry it ("2018-11-02T16:31:30Z", or without a zone,
// read as UTC: "2018-10-20T00:00:00").
func parseTime(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if m := msDate.FindStringSubmatch(s); m != nil {
		ms, err := strconv.ParseInt(m[1], 10, 64)
		if err != nil {
			return time.Time{}, fmt.Errorf("%q: milliseconds out of range", s)
		}
		t := time.UnixMilli(ms).UTC()
		if m[2] != "" {
			if m[3] == "" || m[4] == "" {
				return time.Time{}, fmt.Errorf("%q: the offset must be ±hhmm", s)
			}
			h, _ := strconv.Atoi(m[3])
			mm, _ := strconv.Atoi(m[4])
			if h > 23 || mm > 59 {
				return time.Time{}, fmt.Errorf("%q: offset out of range", s)
			}
			off := h*3600 + mm*60
			if m[2] == "-" {
				off = -off
			}
			t = t.In(time.FixedZone("", off))
		}
		return t, nil
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("%q is neither /Date(ms±hhmm)/ nor an ISO 8601 time", s)
}

// parseDay reads a Xero calendar date (an invoice's Date: midnight UTC as
// /Date()/, or "2018-10-20T00:00:00" as DateString) and returns that day's
// midnight in loc, the organisation's time zone.
func parseDay(s string, loc *time.Location) (time.Time, error) {
	t, err := parseTime(s)
	if err != nil {
		return time.Time{}, err
	}
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, loc), nil
}
