package notify

import (
	"fmt"
	"time"
)

// QuietHours is a daily stretch of wall-clock time when no alert is sent.
// From and To are times of day as durations since midnight (22*time.Hour);
// From after To crosses midnight (22:00 to 08:00). From equal to To, the
// zero value included, means no quiet hours.
type QuietHours struct {
	From, To time.Duration
}

// Contains reports whether t, read on its own clock (convert it to the
// configured zone first), falls in the quiet hours. From is inside them,
// To is not.
func (q QuietHours) Contains(t time.Time) bool {
	if q.From == q.To {
		return false
	}
	d := time.Duration(t.Hour())*time.Hour + time.Duration(t.Minute())*time.Minute +
		time.Duration(t.Second())*time.Second + time.Duration(t.Nanosecond())
	if q.From < q.To {
		return q.From <= d && d < q.To
	}
	return d >= q.From || d < q.To
}

// String writes the quiet hours as "22:00-08:00", or "none".
func (q QuietHours) String() string {
	if q.From == q.To {
		return "none"
	}
	return clock(q.From) + "-" + clock(q.To)
}

func clock(d time.Duration) string {
	return fmt.Sprintf("%02d:%02d", int(d/time.Hour), int(d%time.Hour/time.Minute))
}
