package mapping

import (
	"fmt"
	"strconv"
	"time"
)

// ParseTime reads a date or a date and time as exports write it and returns
// the instant in UTC. The text is NFKC-normalized first. Accepted forms:
//
//   - RFC 3339: "2024-03-15T14:30:00+09:00", "2024-03-15T05:30:00.5Z"
//   - a date in any form ParseDate accepts that has a year, optionally
//     followed by a time of day: "2024-03-15 14:30", "2024/03/15 14:30:05",
//     "2024/3/15" (midnight), "2024年3月15日 14時30分", "令和6年3月15日 14:30",
//     with 午前/午後 or AM/PM for a 12-hour clock ("2024/3/15 午後2:30")
//   - a UTC offset after the time: "Z", "+09:00", "+0900", "UTC", "JST"
//
// A value written with an offset is read at that offset; one without is read
// in loc (UTC when loc is nil).
func ParseTime(s string, loc *time.Location) (time.Time, error) {
	p := newScanner(s)
	st, err := p.stamp()
	if err != nil {
		return time.Time{}, &ParseError{Value: s, What: "a time", Reason: err.Error()}
	}
	if st.date.Year == 0 {
		return time.Time{}, &ParseError{Value: s, What: "a time", Reason: "it has no year"}
	}
	zone := loc
	switch {
	case st.zone != nil:
		zone = time.FixedZone("", *st.zone)
	case zone == nil:
		zone = time.UTC
	}
	d, c := st.date, st.clock
	return time.Date(d.Year, d.Month, d.Day, c.hour, c.min, c.sec, c.nsec, zone).UTC(), nil
}

// clock reads a time of day: "14:30", "14:30:05.123", "14時30分5秒", "14時",
// with 午前/午後 or AM/PM before or after it for a 12-hour clock.
func (p *scanner) clock() (clock, error) {
	var c clock
	half := p.halfDay() // 0 none, 1 morning, 2 afternoon
	p.space()
	var err error
	if c.hour, err = p.number("hour", 2); err != nil {
		return c, err
	}
	switch {
	case p.eat(":"):
		if c.min, err = p.twoDigits("minute"); err != nil {
			return c, err
		}
		if p.eat(":") {
			if c.sec, err = p.twoDigits("second"); err != nil {
				return c, err
			}
			if p.eat(".") || p.eat(",") {
				if c.nsec, err = p.fraction(); err != nil {
					return c, err
				}
			}
		}
	case p.eat("時"):
		p.space()
		if isDigitByte(p.peek()) {
			if c.min, err = p.number("minute", 2); err != nil {
				return c, err
			}
			p.space()
			if !p.eat("分") {
				return c, p.expected("分 after the minute")
			}
			p.space()
			if isDigitByte(p.peek()) {
				if c.sec, err = p.number("second", 2); err != nil {
					return c, err
				}
				p.space()
				if !p.eat("秒") {
					return c, p.expected("秒 after the second")
				}
			}
		}
	default:
		return c, p.expected(": or 時 after the hour")
	}
	if half == 0 {
		p.space()
		half = p.halfDay()
	}
	if half != 0 {
		if c.hour > 12 {
			return c, fmt.Errorf("hour %d on a 12-hour clock", c.hour)
		}
		c.hour %= 12
		if half == 2 {
			c.hour += 12
		}
	}
	switch {
	case c.hour > 23:
		return c, fmt.Errorf("hour %d", c.hour)
	case c.min > 59:
		return c, fmt.Errorf("minute %d", c.min)
	case c.sec > 59:
		return c, fmt.Errorf("second %d", c.sec)
	}
	return c, nil
}

// halfDay reads 午前/AM (1) or 午後/PM (2), or nothing (0).
func (p *scanner) halfDay() int {
	switch {
	case p.eat("午前") || p.eatFold("AM") || p.eatFold("A.M."):
		return 1
	case p.eat("午後") || p.eatFold("PM") || p.eatFold("P.M."):
		return 2
	}
	return 0
}

// twoDigits reads exactly two digits naming what.
func (p *scanner) twoDigits(what string) (int, error) {
	if len(p.s)-p.i < 2 || !isDigitByte(p.s[p.i]) || !isDigitByte(p.s[p.i+1]) {
		return 0, p.expected(what + " as two digits")
	}
	n := int(p.s[p.i]-'0')*10 + int(p.s[p.i+1]-'0')
	p.i += 2
	return n, nil
}

func isDigitByte(c byte) bool { return c >= '0' && c <= '9' }

// fraction reads the digits of a fraction of a second as nanoseconds.
func (p *scanner) fraction() (int, error) {
	d := p.digits()
	if d == "" || len(d) > 9 {
		return 0, fmt.Errorf("fraction of a second %q: write 1 to 9 digits", d)
	}
	n, _ := strconv.Atoi(d)
	for range 9 - len(d) {
		n *= 10
	}
	return n, nil
}

// zone reads a UTC offset: Z, UTC, GMT, JST, or ±hh:mm, ±hhmm, ±hh. It
// returns seconds east of UTC.
func (p *scanner) zone() (int, error) {
	switch {
	case p.eatFold("UTC"), p.eatFold("GMT"), p.eatFold("Z"):
		return 0, nil
	case p.eatFold("JST"):
		return 9 * 3600, nil
	}
	sign := 1
	switch {
	case p.eat("+"):
	case p.eat("-"), p.eat("−"):
		sign = -1
	default:
		return 0, fmt.Errorf("unexpected %q after the time (a UTC offset is written Z or +09:00)", p.rest())
	}
	h, err := p.twoDigits("offset hours")
	if err != nil {
		return 0, err
	}
	var m int
	if p.eat(":") || isDigitByte(p.peek()) {
		if m, err = p.twoDigits("offset minutes"); err != nil {
			return 0, err
		}
	}
	if h > 23 || m > 59 {
		return 0, fmt.Errorf("UTC offset %02d:%02d", h, m)
	}
	return sign * (h*3600 + m*60), nil
}
