package xero

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"
)

func TestParseTime_MSDateAndISO(t *testing.T) {
	utc := func(y int, mo time.Month, d, h, mi, s, ms int) time.Time {
		return time.Date(y, mo, d, h, mi, s, ms*1e6, time.UTC)
	}
	for _, c := range []struct {
		in      string
		want    time.Time
		offset  int // seconds east of UTC the result is shown in
		wantErr bool
	}{
		{in: "/Date(1439434356790+0000)/", want: utc(2015, 8, 13, 2, 52, 36, 790)},
		{in: "/Date(1439434356790)/", want: utc(2015, 8, 13, 2, 52, 36, 790)},
		// The offset names the zone; the milliseconds are the instant.
		{in: "/Date(1439434356790+1200)/", want: utc(2015, 8, 13, 2, 52, 36, 790), offset: 12 * 3600},
		{in: "/Date(1439434356790-0700)/", want: utc(2015, 8, 13, 2, 52, 36, 790), offset: -7 * 3600},
		{in: "/Date(1439434356790-0330)/", want: utc(2015, 8, 13, 2, 52, 36, 790), offset: -(3*3600 + 1800)},
		// Before 1970: negative milliseconds.
		{in: "/Date(-86400000+0000)/", want: utc(1969, 12, 31, 0, 0, 0, 0)},
		{in: "/Date(-1500-0100)/", want: utc(1969, 12, 31, 23, 59, 58, 500), offset: -3600},
		{in: "2018-11-02T16:31:30Z", want: utc(2018, 11, 2, 16, 31, 30, 0)},
		{in: "2020-02-06T12:17:43.202-08:00", want: utc(2020, 2, 6, 20, 17, 43, 202), offset: -8 * 3600},
		{in: "2018-10-20T00:00:00", want: utc(2018, 10, 20, 0, 0, 0, 0)},
		{in: "/Date(1439434356790+00)/", wantErr: true},
		{in: "/Date(1439434356790+2500)/", wantErr: true},
		{in: "/Date(abc)/", wantErr: true},
		{in: "/Date(99999999999999999999)/", wantErr: true},
		{in: "yesterday", wantErr: true},
		{in: "", wantErr: true},
	} {
		got, err := parseTime(c.in)
		if (err != nil) != c.wantErr {
			t.Errorf("parseTime(%q) error = %v, want error %v", c.in, err, c.wantErr)
			continue
		}
		if c.wantErr {
			continue
		}
		if !got.Equal(c.want) {
			t.Errorf("parseTime(%q) = %v, want %v", c.in, got, c.want)
		}
		if _, off := got.Zone(); off != c.offset {
			t.Errorf("parseTime(%q) is shown at offset %d, want %d", c.in, off, c.offset)
		}
	}
}

func TestParseDay_IsTheOrganisationsDate(t *testing.T) {
	tokyo := time.FixedZone("JST", 9*3600)
	got, err := parseDay("/Date(1539993600000+0000)/", tokyo)
	if err != nil || !got.Equal(time.Date(2018, 10, 20, 0, 0, 0, 0, tokyo)) {
		t.Errorf("parseDay = %v, %v; want 2018-10-20 00:00 JST", got, err)
	}
}

func TestMinorUnits_ExactPerCurrency(t *testing.T) {
	for _, c := range []struct {
		amount, currency string
		want             int64
		wantErr          bool
	}{
		{"1234.56", "USD", 123456, false},
		{"5000", "JPY", 5000, false},
		{"5000.00", "JPY", 5000, false},
		{"0.1", "USD", 10, false},
		{"0.29", "USD", 29, false}, // 0.29*100 is 28.999999999999996 as a float
		{"1.005", "USD", 0, true},
		{"19.99", "EUR", 1999, false},
		{"1.234", "BHD", 1234, false},
		{"-12.30", "NZD", -1230, false},
		{"92233720368547758.07", "USD", 9223372036854775807, false},
		{"92233720368547758.08", "USD", 0, true},
		{"5000.5", "JPY", 0, true},
		{"1e3", "USD", 0, true},
		{"12.3.4", "USD", 0, true},
		{"1,234.00", "USD", 0, true},
		{"10.00", "XYZ", 0, true},
		{"10.00", "", 0, true},
		{"", "USD", 0, true},
	} {
		got, err := minorUnits(json.Number(c.amount), c.currency)
		if (err != nil) != c.wantErr || got != c.want {
			t.Errorf("minorUnits(%s %s) = %d, %v; want %d (error %v)", c.amount, c.currency, got, err, c.want, c.wantErr)
		}
	}
}

func TestComposePhone(t *testing.T) {
	for _, c := range []struct{ country, area, number, want string }{
		{"64", "21", "5550001", "+64 21 5550001"},
		{"+81", "03", "1234-5678", "+81 3 1234-5678"},
		{"", "(626)", "847-1294", "(626) 847-1294"},
		{"", "", "090-1234-5678", "090-1234-5678"},
		{"64", "21", "", ""},
	} {
		if got := composePhone(c.country, c.area, c.number); got != c.want {
			t.Errorf("composePhone(%q, %q, %q) = %q, want %q", c.country, c.area, c.number, got, c.want)
		}
	}
}

func TestSplitName(t *testing.T) {
	for _, c := range []struct{ name, given, family, full, company string }{
		{"Katherine Warren", "Katherine", "Warren", "", ""},
		{"佐藤 健太", "健太", "佐藤", "", ""},
		{"Clampett Oil and Gas", "Katherine", "Warren", "", "Clampett Oil and Gas"},
		{"Lisa Parker", "", "", "Lisa Parker", ""},
	} {
		full, company := splitName(c.name, c.given, c.family)
		if full != c.full || company != c.company {
			t.Errorf("splitName(%q, %q, %q) = %q, %q; want %q, %q", c.name, c.given, c.family, full, company, c.full, c.company)
		}
	}
}

func FuzzParseTime(f *testing.F) {
	for _, s := range []string{"/Date(1439434356790+0000)/", "/Date(-1-0100)/", "2018-11-02T16:31:30Z", "/Date()/"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if tm, err := parseTime(s); err == nil && strings.HasPrefix(s, "/Date(") {
			if again, err := parseTime(fmt.Sprintf("/Date(%d)/", tm.UnixMilli())); err != nil || !again.Equal(tm) {
				t.Errorf("%q read as %v, which does not round-trip: %v %v", s, tm, again, err)
			}
		}
	})
}
