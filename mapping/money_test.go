package mapping

import (
	"math"
	"strconv"
	"strings"
	"testing"
)

func TestParseAmount(t *testing.T) {
	tests := []struct {
		in, currency string
		want         int64
	}{
		{"1234", "JPY", 1234},
		{"1,234", "JPY", 1234},
		{"1,234,567", "JPY", 1234567},
		{"¥1,234", "JPY", 1234},
		{"￥1,234", "JPY", 1234},
		{`\1,234`, "JPY", 1234}, // the yen sign as Shift_JIS 0x5C decodes
		{"1,234円", "JPY", 1234},
		{"1,234 円", "JPY", 1234},
		{"１，２３４", "JPY", 1234},
		{"￥１，２３４円", "JPY", 1234},
		{"JPY 1,234", "JPY", 1234},
		{"1234 jpy", "JPY", 1234},
		{"0", "JPY", 0},
		{"1200.00", "JPY", 1200},
		{"$12.34", "USD", 1234},
		{"US$12.34", "USD", 1234},
		{"12.3", "USD", 1230},
		{"12", "USD", 1200},
		{"12.", "USD", 1200},
		{".5", "USD", 50},
		{"12.340", "usd", 1234},
		{"USD 1,234.56", "USD", 123456},
		{"12.34 €", "EUR", 1234},
		{"€12.34", "EUR", 1234},
		{"£1", "GBP", 100},
		{"$5", "CAD", 500},
		{"1.234", "BHD", 1234},
		{"¥12", "CNY", 1200},

		// negatives
		{"-500", "JPY", -500},
		{"−500", "JPY", -500},
		{"－500", "JPY", -500},
		{"△500", "JPY", -500},
		{"▲500", "JPY", -500},
		{"▲ 1,500円", "JPY", -1500},
		{"(500)", "JPY", -500},
		{"（５００）", "JPY", -500},
		{"-¥500", "JPY", -500},
		{"¥-500", "JPY", -500},
		{"△¥500", "JPY", -500},
		{"-$12.34", "USD", -1234},
		{"+500", "JPY", 500},

		// limits
		{"9223372036854775807", "JPY", math.MaxInt64},
		{"-9223372036854775807", "JPY", -math.MaxInt64},
		{"92233720368547758.07", "USD", math.MaxInt64},
	}
	for _, tt := range tests {
		got, err := ParseAmount(tt.in, tt.currency)
		if err != nil {
			t.Errorf("ParseAmount(%q, %q): %v", tt.in, tt.currency, err)
			continue
		}
		if got != tt.want {
			t.Errorf("ParseAmount(%q, %q) = %d, want %d", tt.in, tt.currency, got, tt.want)
		}
	}
}

func TestParseAmount_Errors(t *testing.T) {
	tests := []struct {
		in, currency string
		wantErr      string
	}{
		{"", "JPY", `"" is not an amount: it is empty`},
		{"  ", "JPY", "it is empty"},
		{"12.345", "USD", `"12.345" is not an amount: USD has 2 decimal places, and this has 3`},
		{"12.5", "JPY", `"12.5" is not an amount: JPY has no minor unit, so no decimals`},
		{"100", "ABC", `"ABC" is not a currency`},
		{"100", "", `"" is not a currency`},
		{"9223372036854775808", "JPY", "too large"},
		{"92233720368547758.08", "USD", "too large"},
		{"99999999999999999999999", "JPY", "too large"},
		{"-9223372036854775808", "JPY", "too large"},
		{"$12", "JPY", "$ is not a sign for JPY"},
		{"¥12", "USD", "¥ is not a sign for USD"},
		{"12円", "USD", "円 is not a sign for USD"},
		{"€12", "USD", "€ is not a sign for USD"},
		{"12 USD", "JPY", "USD is not a sign for JPY"},
		{"12 XYZ", "JPY", `unexpected 'X'`},
		{"12,34", "EUR", "misplaced comma"},
		{"1,2345", "JPY", "misplaced comma"},
		{",123", "JPY", "misplaced comma"},
		{"1234,", "JPY", "misplaced comma"},
		{"--500", "JPY", "more than one sign"},
		{"(△500)", "JPY", "more than one sign"},
		{"¥", "JPY", "it has no digits"},
		{".", "USD", "it has no digits"},
		{"1.2.3", "USD", "one . for decimals"},
		{"12.3,4", "USD", "one . for decimals"},
		{"1e3", "JPY", `unexpected 'e'`},
		{"500-", "JPY", `unexpected '-'`},
		{"abc", "JPY", `unexpected 'a'`},
	}
	for _, tt := range tests {
		got, err := ParseAmount(tt.in, tt.currency)
		if err == nil {
			t.Errorf("ParseAmount(%q, %q) = %d, want error %q", tt.in, tt.currency, got, tt.wantErr)
			continue
		}
		if !strings.Contains(err.Error(), tt.wantErr) {
			t.Errorf("ParseAmount(%q, %q) error = %q, want it to contain %q", tt.in, tt.currency, err, tt.wantErr)
		}
	}
}

func TestParseCurrency(t *testing.T) {
	tests := []struct {
		in, want string
		ok       bool
	}{
		{"JPY", "JPY", true},
		{"jpy", "JPY", true},
		{" usd ", "USD", true},
		{"ＥＵＲ", "EUR", true},
		{"YEN", "", false},
		{"", "", false},
	}
	for _, tt := range tests {
		got, err := ParseCurrency(tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("ParseCurrency(%q) = %q, %v; want %q, ok %v", tt.in, got, err, tt.want, tt.ok)
		}
	}
}

func FuzzParseAmount(f *testing.F) {
	for _, s := range []string{
		"1234", "1,234", "¥1,234", "￥1,234", "1,234円", "１，２３４", "$12.34", "12.3",
		"-500", "−500", "△500", "▲500", "(500)", "1200.00", "9223372036854775807", "",
	} {
		f.Add(s, "JPY")
		f.Add(s, "USD")
	}
	f.Add("1.234", "BHD")
	f.Fuzz(func(t *testing.T, s, currency string) {
		v, err := ParseAmount(s, currency)
		if err != nil {
			if v != 0 {
				t.Fatalf("ParseAmount(%q, %q) = %d with error %v", s, currency, v, err)
			}
			return
		}
		if v == math.MinInt64 {
			t.Fatalf("ParseAmount(%q, %q) = MinInt64, which has no positive counterpart", s, currency)
		}
		// The minor units written as a plain decimal read back the same.
		iso, scale, err := minorDigits(currency)
		if err != nil {
			t.Fatalf("ParseAmount(%q, %q) accepted an unknown currency: %v", s, currency, err)
		}
		text := formatMinor(v, scale)
		back, err := ParseAmount(text, iso)
		if err != nil {
			t.Fatalf("ParseAmount(%q, %q) = %d, but reading %q back: %v", s, currency, v, text, err)
		}
		if back != v {
			t.Fatalf("ParseAmount(%q, %q) = %d, read %q back as %d", s, currency, v, text, back)
		}
	})
}

// formatMinor writes minor units as a decimal with scale places: 1234, 2 → "12.34".
func formatMinor(v int64, scale int) string {
	sign := ""
	if v < 0 {
		sign, v = "-", -v
	}
	digits := strconv.FormatInt(v, 10)
	if scale == 0 {
		return sign + digits
	}
	if len(digits) <= scale {
		digits = strings.Repeat("0", scale-len(digits)+1) + digits
	}
	return sign + digits[:len(digits)-scale] + "." + digits[len(digits)-scale:]
}
