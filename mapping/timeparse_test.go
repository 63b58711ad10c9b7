package mapping

import (
	"strings"
	"testing"
	"time"
)

func TestParseTime(t *testing.T) {
	tokyo, err := time.LoadLocation("Asia/Tokyo")
	if err != nil {
		t.Fatal(err)
	}
	utc := func(y, mo, d, h, mi, s, ns int) time.Time {
		return time.Date(y, time.Month(mo), d, h, mi, s, ns, time.UTC)
	}
	tests := []struct {
		in   string
		loc  *time.Location
		want time.Time
	}{
		// RFC 3339 keeps its own offset whatever loc is.
		{"2024-03-15T14:30:00+09:00", time.UTC, utc(2024, 3, 15, 5, 30, 0, 0)},
		{"2024-03-15T05:30:00Z", tokyo, utc(2024, 3, 15, 5, 30, 0, 0)},
		{"2024-03-15T05:30:00.5Z", tokyo, utc(2024, 3, 15, 5, 30, 0, 500_000_000)},
		{"2024-03-15T05:30:00.123456789-05:00", tokyo, utc(2024, 3, 15, 10, 30, 0, 123456789)},
		{"2024-03-15 14:30:00 +0900", time.UTC, utc(2024, 3, 15, 5, 30, 0, 0)},
		{"2024-03-15 14:30 JST", time.UTC, utc(2024, 3, 15, 5, 30, 0, 0)},
		{"2024-03-15 14:30 UTC", tokyo, utc(2024, 3, 15, 14, 30, 0, 0)},

		// Without an offset, the time is in loc.
		{"2024-03-15 14:30", tokyo, utc(2024, 3, 15, 5, 30, 0, 0)},
		{"2024-03-15T14:30:00", tokyo, utc(2024, 3, 15, 5, 30, 0, 0)},
		{"2024/03/15 14:30:05", tokyo, utc(2024, 3, 15, 5, 30, 5, 0)},
		{"2024/3/15 9:05", tokyo, utc(2024, 3, 15, 0, 5, 0, 0)},
		{"2024/3/15", tokyo, utc(2024, 3, 14, 15, 0, 0, 0)},
		{"2024/3/15", nil, utc(2024, 3, 15, 0, 0, 0, 0)},
		{"20240315", tokyo, utc(2024, 3, 14, 15, 0, 0, 0)},
		{"2024年3月15日 14時30分", tokyo, utc(2024, 3, 15, 5, 30, 0, 0)},
		{"2024年3月15日14時30分5秒", tokyo, utc(2024, 3, 15, 5, 30, 5, 0)},
		{"2024年3月15日 14時", tokyo, utc(2024, 3, 15, 5, 0, 0, 0)},
		{"令和6年3月15日 14:30", tokyo, utc(2024, 3, 15, 5, 30, 0, 0)},
		{"R6.3.15 14:30", tokyo, utc(2024, 3, 15, 5, 30, 0, 0)},
		{"平成31年4月30日 23時59分", tokyo, utc(2019, 4, 30, 14, 59, 0, 0)},
		{"２０２４／０３／１５　１４：３０", tokyo, utc(2024, 3, 15, 5, 30, 0, 0)},
		{"2024/3/15 午後2:30", tokyo, utc(2024, 3, 15, 5, 30, 0, 0)},
		{"2024/3/15 午前0時", tokyo, utc(2024, 3, 14, 15, 0, 0, 0)},
		{"2024/3/15 12:00 AM", time.UTC, utc(2024, 3, 15, 0, 0, 0, 0)},
		{"2024/3/15 12:00 PM", time.UTC, utc(2024, 3, 15, 12, 0, 0, 0)},
		{"2024/3/15 2:30:00 pm", time.UTC, utc(2024, 3, 15, 14, 30, 0, 0)},
		{"45366", time.UTC, utc(2024, 3, 15, 0, 0, 0, 0)},
	}
	for _, tt := range tests {
		got, err := ParseTime(tt.in, tt.loc)
		if err != nil {
			t.Errorf("ParseTime(%q): %v", tt.in, err)
			continue
		}
		if !got.Equal(tt.want) || got.Location() != time.UTC {
			t.Errorf("ParseTime(%q, %v) = %v, want %v", tt.in, tt.loc, got, tt.want)
		}
	}
}

func TestParseTime_Errors(t *testing.T) {
	tests := []struct {
		in      string
		wantErr string
	}{
		{"", `"" is not a time: it is empty`},
		{"4月12日 10:00", "it has no year"},
		{"2024/3/15 25:00", "hour 25"},
		{"2024/3/15 14:60", "minute 60"},
		{"2024/3/15 14:30:61", "second 61"},
		{"2024/3/15 14:3", "minute as two digits"},
		{"2024/3/15 13:00 PM", "hour 13 on a 12-hour clock"},
		{"2024/3/15 14:30 +25:00", "UTC offset 25:00"},
		{"2024/3/15 14:30 EST", "a UTC offset is written"},
		{"2024/3/15 14", ": or 時 after the hour"},
		{"2024/3/15 14時30", "分 after the minute"},
		{"2024/2/30 10:00", "day 30 (February 2024 has 29 days)"},
		{"2024-03-15T14:30:00.1234567890Z", "fraction of a second"},
	}
	for _, tt := range tests {
		_, err := ParseTime(tt.in, time.UTC)
		if err == nil {
			t.Errorf("ParseTime(%q) succeeded, want error %q", tt.in, tt.wantErr)
			continue
		}
		if !strings.Contains(err.Error(), tt.wantErr) {
			t.Errorf("ParseTime(%q) error = %q, want it to contain %q", tt.in, err, tt.wantErr)
		}
	}
}

func FuzzParseTime(f *testing.F) {
	for _, s := range []string{
		"2024-03-15T14:30:00+09:00", "2024-03-15 14:30", "2024/03/15 14:30:05",
		"2024/3/15", "2024年3月15日 14時30分", "令和6年3月15日 14:30", "R6.3.15 午後2:30",
		"２０２４／０３／１５", "2024-03-15T05:30:00.123Z", "0001-01-01T00:00:00+09:00",
	} {
		f.Add(s)
	}
	tokyo, err := time.LoadLocation("Asia/Tokyo")
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := ParseTime(s, tokyo)
		if err != nil {
			return
		}
		if got.Location() != time.UTC {
			t.Fatalf("ParseTime(%q) = %v, not in UTC", s, got)
		}
		if got.Year() < 1 || got.Year() > 9999 {
			return // RFC 3339 cannot write it back
		}
		// What RFC 3339 writes, ParseTime reads back as the same instant.
		text := got.Format(time.RFC3339Nano)
		back, err := ParseTime(text, tokyo)
		if err != nil {
			t.Fatalf("ParseTime(%q) = %v, but reading %q back: %v", s, got, text, err)
		}
		if !back.Equal(got) {
			t.Fatalf("ParseTime(%q) = %v, read back as %v", s, got, back)
		}
	})
}
