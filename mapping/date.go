package mapping

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"golang.org/x/text/unicode/norm"
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

// ParseDate reads a calendar date as Japanese exports and spreadsheets write
// it. The text is NFKC-normalized first, so full-width digits and
// punctuation (１９８５／０４／１２) and the era ligatures (㍼) read like
// their plain forms. Accepted forms:
//
//   - Gregorian: "1985-04-12", "1985/4/12", "1985.4.12", "19850412",
//     "1985年4月12日"
//   - 和暦: "昭和60年4月12日", "令和元年5月1日" (元年 is year 1), and the
//     initials M, T, S, H, R: "S60.4.12", "H2/1/5", "R1-5-1". The Gregorian
//     year is the era's first year plus the era year minus one: 明治 1868,
//     大正 1912, 昭和 1926, 平成 1989, 令和 2019. Era ends are not enforced,
//     so 平成31年5月1日, printed by systems that missed the change of era,
//     reads as 2019-05-01.
//   - month and day only: "4月12日", "--04-12", giving a Date with Year 0
//   - an Excel serial day number from 1 to 2958465 (1900 date system, where
//     serial 60 is Excel's non-existent 1900-02-29 and is refused)
//
// A trailing midnight time ("1985/4/12 0:00:00"), which spreadsheets add to
// date cells, is allowed; any other time of day is an error. Dates that are
// not on the calendar (2月30日) are errors. An error shows the value and
// says what is wrong: `"1985/13/01" is not a date: month 13`.
func ParseDate(s string) (Date, error) {
	p := newScanner(s)
	st, err := p.stamp()
	if err != nil {
		return Date{}, &ParseError{Value: s, What: "a date", Reason: err.Error()}
	}
	switch {
	case st.zone != nil:
		return Date{}, &ParseError{Value: s, What: "a date", Reason: "a date takes no time zone"}
	case st.clock != (clock{}):
		return Date{}, &ParseError{Value: s, What: "a date", Reason: fmt.Sprintf("it has a time of day (%02d:%02d); a date takes none", st.clock.hour, st.clock.min)}
	}
	return st.date, nil
}

// ParseError says why a value could not be read. Its message shows the value
// as written: `"1985/13/01" is not a date: month 13`.
type ParseError struct {
	// Value is the text as given, before normalization.
	Value string
	// What names what the value should have been: "a date", "an amount".
	What string
	// Reason says what is wrong with it.
	Reason string
}

// Error returns `"<value>" is not <what>: <reason>`.
func (e *ParseError) Error() string {
	return fmt.Sprintf("%q is not %s: %s", e.Value, e.What, e.Reason)
}

// Era start years: an era year n is the Gregorian year start + n - 1.
var eras = [...]struct {
	name    string
	initial byte
	start   int
}{
	{"明治", 'M', 1868},
	{"大正", 'T', 1912},
	{"昭和", 'S', 1926},
	{"平成", 'H', 1989},
	{"令和", 'R', 2019},
}

// Excel's 1900 date system: serial 1 is 1900-01-01, and serial 60 stands for
// 1900-02-29, which Excel keeps for Lotus 1-2-3 compatibility but which never
// was. The largest serial Excel shows as a date is 9999-12-31.
const (
	excelLeapBug   = 60
	excelMaxSerial = 2958465
)

// scanner reads a normalized date or date-time left to right. Its methods
// return errors holding only the reason; the exported parsers add the value.
type scanner struct {
	s string
	i int
}

func newScanner(s string) *scanner {
	return &scanner{s: strings.TrimSpace(norm.NFKC.String(s))}
}

func (p *scanner) done() bool { return p.i >= len(p.s) }

// space skips blanks. NFKC has already turned the ideographic space and the
// no-break space into ' '.
func (p *scanner) space() {
	for p.i < len(p.s) && (p.s[p.i] == ' ' || p.s[p.i] == '\t') {
		p.i++
	}
}

// eat consumes tok if the input continues with it.
func (p *scanner) eat(tok string) bool {
	if strings.HasPrefix(p.s[p.i:], tok) {
		p.i += len(tok)
		return true
	}
	return false
}

// eatFold is eat for ASCII tokens, ignoring case.
func (p *scanner) eatFold(tok string) bool {
	if len(p.s)-p.i >= len(tok) && strings.EqualFold(p.s[p.i:p.i+len(tok)], tok) {
		p.i += len(tok)
		return true
	}
	return false
}

func (p *scanner) peek() byte {
	if p.done() {
		return 0
	}
	return p.s[p.i]
}

// digits consumes a run of ASCII digits and returns it.
func (p *scanner) digits() string {
	start := p.i
	for p.i < len(p.s) && p.s[p.i] >= '0' && p.s[p.i] <= '9' {
		p.i++
	}
	return p.s[start:p.i]
}

// number consumes a run of at most maxDigits digits naming what.
func (p *scanner) number(what string, maxDigits int) (int, error) {
	d := p.digits()
	if d == "" {
		return 0, p.expected(what)
	}
	if len(d) > maxDigits {
		return 0, fmt.Errorf("%s %s has too many digits", what, d)
	}
	n, err := strconv.Atoi(d)
	if err != nil {
		return 0, fmt.Errorf("%s %s: %w", what, d, err)
	}
	return n, nil
}

// expected reports that what was expected at the current position.
func (p *scanner) expected(what string) error {
	if p.done() {
		return fmt.Errorf("it ends where the %s should be", what)
	}
	return fmt.Errorf("expected the %s at %q", what, p.rest())
}

// rest returns the unread input, cut short for messages.
func (p *scanner) rest() string {
	r := []rune(p.s[p.i:])
	if len(r) > 12 {
		return string(r[:12]) + "…"
	}
	return string(r)
}

// stamp is a date with what may follow it.
type stamp struct {
	date  Date
	clock clock
	// zone is the written UTC offset in seconds, nil when none was written.
	zone *int
}

// clock is a time of day.
type clock struct {
	hour, min, sec, nsec int
}

// stamp reads a date, then an optional time of day and UTC offset, and
// requires the input to end there.
func (p *scanner) stamp() (stamp, error) {
	var st stamp
	if p.done() {
		return st, fmt.Errorf("it is empty")
	}
	d, err := p.date()
	if err != nil {
		return st, err
	}
	st.date = d
	p.space()
	if p.done() {
		return st, nil
	}
	if p.eatFold("T") {
		p.space()
	}
	if st.clock, err = p.clock(); err != nil {
		return st, err
	}
	p.space()
	if !p.done() {
		off, err := p.zone()
		if err != nil {
			return st, err
		}
		st.zone = &off
	}
	p.space()
	if !p.done() {
		return st, fmt.Errorf("unexpected %q at the end", p.rest())
	}
	return st, nil
}

// date reads one of the date forms ParseDate documents.
func (p *scanner) date() (Date, error) {
	p.space()
	if p.eat("--") { // ISO 8601 month and day, year unknown
		m, err := p.number("month", 2)
		if err != nil {
			return Date{}, err
		}
		if !p.eat("-") {
			return Date{}, p.expected("- between month and day")
		}
		d, err := p.number("day", 2)
		if err != nil {
			return Date{}, err
		}
		return checkMonthDay(m, d)
	}
	if start, name, ok := p.era(); ok {
		p.space()
		n := 1
		if !p.eat("元") {
			var err error
			if n, err = p.number(name+" year", 3); err != nil {
				return Date{}, err
			}
			if n == 0 {
				return Date{}, fmt.Errorf("%s has no year 0 (its first year is 1 or 元)", name)
			}
		}
		p.space()
		return p.monthDay(start + n - 1)
	}
	d := p.digits()
	if d == "" {
		return Date{}, fmt.Errorf("write it like 1985-04-12, 1985/4/12, 1985年4月12日 or 昭和60年4月12日")
	}
	p.space()
	switch {
	case p.eat("月"): // month and day only
		p.space()
		m, err := strconv.Atoi(d)
		if err != nil || len(d) > 2 {
			return Date{}, fmt.Errorf("month %s", d)
		}
		day, err := p.number("day", 2)
		if err != nil {
			return Date{}, err
		}
		p.space()
		if !p.eat("日") {
			return Date{}, p.expected("日 after the day")
		}
		return checkMonthDay(m, day)
	case p.peek() == '/' || p.peek() == '-' || p.peek() == '.' || strings.HasPrefix(p.s[p.i:], "年"):
		if len(d) != 4 {
			return Date{}, fmt.Errorf("year %s: write the year with four digits, or with its era (昭和, 平成, 令和)", d)
		}
		y, _ := strconv.Atoi(d)
		return p.monthDay(y)
	case len(d) == 8: // YYYYMMDD
		y, _ := strconv.Atoi(d[:4])
		m, _ := strconv.Atoi(d[4:6])
		day, _ := strconv.Atoi(d[6:])
		return checkDate(y, m, day)
	case len(d) <= 7 && (p.done() || !isDateTail(p.peek())):
		n, _ := strconv.Atoi(d)
		return excelSerial(n)
	default:
		return Date{}, fmt.Errorf("%s is neither YYYYMMDD nor an Excel serial day number", d)
	}
}

// isDateTail reports whether c may only follow digits that are part of a
// longer date, which rules out reading them as an Excel serial.
func isDateTail(c byte) bool {
	return c >= '0' && c <= '9' || c == ':'
}

// era reads an era name (昭和) or its initial (S) when a year follows.
func (p *scanner) era() (start int, name string, ok bool) {
	for _, e := range eras {
		if p.eat(e.name) {
			return e.start, e.name, true
		}
	}
	if p.i+1 < len(p.s) && (p.s[p.i]|0x20) >= 'a' && (p.s[p.i]|0x20) <= 'z' {
		next := p.s[p.i+1:]
		if next[0] >= '0' && next[0] <= '9' || strings.HasPrefix(next, "元") {
			for _, e := range eras {
				if p.s[p.i]&^0x20 == e.initial {
					p.i++
					return e.start, e.name, true
				}
			}
		}
	}
	return 0, "", false
}

// monthDay reads what follows a year: "年4月12日" or a separator form
// "/4/12", "-4-12", ".4.12" using one separator throughout.
func (p *scanner) monthDay(y int) (Date, error) {
	if p.eat("年") {
		p.space()
		m, err := p.number("month", 2)
		if err != nil {
			return Date{}, err
		}
		p.space()
		if !p.eat("月") {
			return Date{}, p.expected("月 after the month")
		}
		p.space()
		d, err := p.number("day", 2)
		if err != nil {
			return Date{}, err
		}
		p.space()
		p.eat("日")
		return checkDate(y, m, d)
	}
	sep := p.peek()
	if sep != '/' && sep != '-' && sep != '.' {
		return Date{}, p.expected("年 or a separator (/ - .) after the year")
	}
	p.i++
	m, err := p.number("month", 2)
	if err != nil {
		return Date{}, err
	}
	if p.peek() != sep {
		return Date{}, p.expected(fmt.Sprintf("%c between month and day", sep))
	}
	p.i++
	d, err := p.number("day", 2)
	if err != nil {
		return Date{}, err
	}
	return checkDate(y, m, d)
}

// checkDate builds a Date, refusing what is not on the calendar.
func checkDate(y, m, d int) (Date, error) {
	if m < 1 || m > 12 {
		return Date{}, fmt.Errorf("month %d", m)
	}
	if y < 1 || y > 9999 {
		return Date{}, fmt.Errorf("year %d is outside 1-9999", y)
	}
	if last := daysIn(time.Month(m), y); d < 1 || d > last {
		return Date{}, fmt.Errorf("day %d (%s %d has %d days)", d, time.Month(m), y, last)
	}
	return Date{Year: y, Month: time.Month(m), Day: d}, nil
}

// checkMonthDay builds a Date whose year is unknown, so 29 February is
// allowed.
func checkMonthDay(m, d int) (Date, error) {
	if m < 1 || m > 12 {
		return Date{}, fmt.Errorf("month %d", m)
	}
	if last := daysIn(time.Month(m), 2000); d < 1 || d > last { // 2000 is a leap year
		return Date{}, fmt.Errorf("day %d (%s has at most %d days)", d, time.Month(m), last)
	}
	return Date{Month: time.Month(m), Day: d}, nil
}

// daysIn returns the number of days of month m in year y.
func daysIn(m time.Month, y int) int {
	return time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// excelSerial converts an Excel 1900-system serial day number.
func excelSerial(n int) (Date, error) {
	switch {
	case n < 1 || n > excelMaxSerial:
		return Date{}, fmt.Errorf("as an Excel serial day number %d is outside 1-%d", n, excelMaxSerial)
	case n == excelLeapBug:
		return Date{}, fmt.Errorf("serial day 60 is Excel's 1900-02-29, a day that never was")
	case n < excelLeapBug:
		n++ // before the phantom leap day, Excel's day 1 is 1900-01-01
	}
	t := time.Date(1899, 12, 30+n, 0, 0, 0, 0, time.UTC)
	return Date{Year: t.Year(), Month: t.Month(), Day: t.Day()}, nil
}
