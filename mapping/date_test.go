package mapping

import (
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestParseDate(t *testing.T) {
	d := func(y, m, day int) Date { return Date{Year: y, Month: time.Month(m), Day: day} }
	tests := []struct {
		in   string
		want Date
	}{
		{"1985-04-12", d(1985, 4, 12)},
		{"1985/4/12", d(1985, 4, 12)},
		{"1985.4.12", d(1985, 4, 12)},
		{"19850412", d(1985, 4, 12)},
		{"1985年4月12日", d(1985, 4, 12)},
		{"1985年 4月 12日", d(1985, 4, 12)},
		{"1985年4月12", d(1985, 4, 12)},
		{"  1985-04-12  ", d(1985, 4, 12)},
		{"１９８５／０４／１２", d(1985, 4, 12)},
		{"１９８５年４月１２日", d(1985, 4, 12)},
		{"2000/2/29", d(2000, 2, 29)},

		// 和暦
		{"昭和60年4月12日", d(1985, 4, 12)},
		{"昭和 60 年 4 月 12 日", d(1985, 4, 12)},
		{"平成2年1月5日", d(1990, 1, 5)},
		{"令和元年5月1日", d(2019, 5, 1)},
		{"大正15年12月24日", d(1926, 12, 24)},
		{"明治45年7月29日", d(1912, 7, 29)},
		{"昭和64年1月7日", d(1989, 1, 7)},
		{"平成31年5月1日", d(2019, 5, 1)}, // printed by systems that missed the new era
		{"S60.4.12", d(1985, 4, 12)},
		{"s60.4.12", d(1985, 4, 12)},
		{"H2/1/5", d(1990, 1, 5)},
		{"R1-5-1", d(2019, 5, 1)},
		{"R元.5.1", d(2019, 5, 1)},
		{"T1.7.30", d(1912, 7, 30)},
		{"M1.1.1", d(1868, 1, 1)},
		{"Ｓ６０．４．１２", d(1985, 4, 12)},
		{"㍼60年4月12日", d(1985, 4, 12)},
		{"㋿2年2月2日", d(2020, 2, 2)},
		{"昭和60/4/12", d(1985, 4, 12)},

		// month and day only
		{"4月12日", Date{Month: 4, Day: 12}},
		{"--04-12", Date{Month: 4, Day: 12}},
		{"2月29日", Date{Month: 2, Day: 29}},
		{"１２月３１日", Date{Month: 12, Day: 31}},

		// Excel serial day numbers, 1900 date system
		{"1", d(1900, 1, 1)},
		{"59", d(1900, 2, 28)},
		{"61", d(1900, 3, 1)},
		{"31149", d(1985, 4, 12)},
		{"45366", d(2024, 3, 15)},
		{"2958465", d(9999, 12, 31)},

		// a midnight time, as spreadsheets write date cells
		{"1985/4/12 0:00", d(1985, 4, 12)},
		{"1985/04/12 00:00:00", d(1985, 4, 12)},
		{"1985-04-12T00:00:00", d(1985, 4, 12)},
	}
	for _, tt := range tests {
		got, err := ParseDate(tt.in)
		if err != nil {
			t.Errorf("ParseDate(%q): %v", tt.in, err)
			continue
		}
		if got != tt.want {
			t.Errorf("ParseDate(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestParseDate_Errors(t *testing.T) {
	tests := []struct {
		in      string
		wantErr string
	}{
		{"1985/13/01", `"1985/13/01" is not a date: month 13`},
		{"1985/2/29", `"1985/2/29" is not a date: day 29 (February 1985 has 28 days)`},
		{"2月30日", `"2月30日" is not a date: day 30 (February has at most 29 days)`},
		{"1985/4/31", "day 31 (April 1985 has 30 days)"},
		{"1985/0/1", "month 0"},
		{"1985/1/0", "day 0"},
		{"", `"" is not a date: it is empty`},
		{"   ", "it is empty"},
		{"tomorrow", "write it like 1985-04-12"},
		{"85/4/12", "write the year with four digits"},
		{"1985/4-12", "/ between month and day"},
		{"1985/4", "it ends where the / between month and day should be"},
		{"1985年4", "月 after the month"},
		{"4月12", "日 after the day"},
		{"昭和0年1月1日", "昭和 has no year 0"},
		{"昭和年1月1日", "昭和 year"},
		{"00000101", "year 0"},
		{"0", "outside 1-2958465"},
		{"60", "Excel's 1900-02-29"},
		{"2958466", "outside 1-2958465"},
		{"12345678901", "neither YYYYMMDD nor an Excel serial"},
		{"1985/4/12 14:30", "it has a time of day (14:30)"},
		{"1985-04-12T00:00:00Z", "takes no time zone"},
		{"1985/4/12 bis", `expected the hour at "bis"`},
		{"1985/4/12 0:00 later", `unexpected "later"`},
		{"--13-01", "month 13"},
		{"X60.4.12", "write it like"},
	}
	for _, tt := range tests {
		_, err := ParseDate(tt.in)
		if err == nil {
			t.Errorf("ParseDate(%q) succeeded, want error %q", tt.in, tt.wantErr)
			continue
		}
		if !strings.Contains(err.Error(), tt.wantErr) {
			t.Errorf("ParseDate(%q) error = %q, want it to contain %q", tt.in, err, tt.wantErr)
		}
	}
}

func TestParseDate_ExcelSerialsAgreeWithCalendar(t *testing.T) {
	// From 1900-03-01 on, serial n is n days after 1899-12-30.
	base := time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)
	for _, n := range []int{61, 100, 25569, 36526, 43831, 2958465} {
		got, err := ParseDate(strconv.Itoa(n))
		if err != nil {
			t.Fatalf("serial %d: %v", n, err)
		}
		w := base.AddDate(0, 0, n)
		if want := (Date{Year: w.Year(), Month: w.Month(), Day: w.Day()}); got != want {
			t.Errorf("serial %d = %v, want %v", n, got, want)
		}
	}
}

func FuzzParseDate(f *testing.F) {
	for _, s := range []string{
		"1985-04-12", "1985/4/12", "19850412", "1985年4月12日", "昭和60年4月12日",
		"令和元年5月1日", "Ｓ６０．４．１２", "4月12日", "--04-12", "45366", "60",
		"1985/4/12 0:00", "H2/1/5", "", "2月30日",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseDate(s)
		if err != nil {
			if d != (Date{}) {
				t.Errorf("ParseDate(%q) returned %v with error %v", s, d, err)
			}
			return
		}
		if d.IsZero() || d.Month < 1 || d.Month > 12 || d.Day < 1 || d.Year < 0 || d.Year > 9999 {
			t.Fatalf("ParseDate(%q) = %#v, not a date", s, d)
		}
		// What String writes, ParseDate reads back unchanged.
		back, err := ParseDate(d.String())
		if err != nil {
			t.Fatalf("ParseDate(%q) = %v, but reading %q back: %v", s, d, d.String(), err)
		}
		if back != d {
			t.Fatalf("ParseDate(%q) = %v, read back as %v", s, d, back)
		}
	})
}
