package mapping

import (
	"fmt"
	"time"
)

// Date is a calendar date without a time zone. A zero Year means the year is
// unknown (a birthday given as month and day only); the zero Date is "no date".
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// IsZero reports whether d holds no date.
func (d Date) IsZero() bool { return d.Month == 0 && d.Day == 0 }

// String formats d as ISO 8601: "1985-04-12", or "--04-12" when the year is
// unknown, or "" for the zero Date.
func (d Date) String() string {
	switch {
	case d.IsZero():
		return ""
	case d.Year == 0:
		return fmt.Sprintf("--%02d-%02d", int(d.Month), d.Day)
	default:
		return fmt.Sprintf("%04d-%02d-%02d", d.Year, int(d.Month), d.Day)
	}
}
