package mapping

import (
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"

	"github.com/nyaruka/phonenumbers"
)

func TestParsePhone(t *testing.T) {
	tests := []struct {
		in, region string
		want       string
		kind       PhoneKind
	}{
		// Japanese mobiles
		{"090-1234-5678", "JP", "+819012345678", PhoneMobile},
		{"+81 90 1234 5678", "", "+819012345678", PhoneMobile},
		{"09012345678", "", "+819012345678", PhoneMobile},
		{"０９０－１２３４－５６７８", "JP", "+819012345678", PhoneMobile},
		{"０９０ー１２３４ー５６７８", "JP", "+819012345678", PhoneMobile}, // ー typed for a hyphen
		{"090‐1234‐5678", "jp", "+819012345678", PhoneMobile},
		{"090−1234−5678", "JP", "+819012345678", PhoneMobile},
		{"090.1234.5678", "JP", "+819012345678", PhoneMobile},
		{"080 9876 5432", "JP", "+818098765432", PhoneMobile},
		{"070-1234-5678", "JP", "+817012345678", PhoneMobile},
		{"+81 (0)90-1234-5678", "", "+819012345678", PhoneMobile},
		{"+81-090-1234-5678", "", "+819012345678", PhoneMobile},
		{"＋８１９０１２３４５６７８", "", "+819012345678", PhoneMobile},
		{"0081-90-1234-5678", "", "+819012345678", PhoneMobile},
		{"010-81-90-1234-5678", "JP", "+819012345678", PhoneMobile},
		{"tel:090-1234-5678", "", "+819012345678", PhoneMobile},
		{"TEL: 090-1234-5678", "", "+819012345678", PhoneMobile},
		{"携帯 090-1234-5678", "", "+819012345678", PhoneMobile},
		{"090-1234-5678（携帯）", "", "+819012345678", PhoneMobile},

		// Japanese landlines
		{"(03) 1234-5678", "JP", "+81312345678", PhoneLandline},
		{"03-1234-5678", "JP", "+81312345678", PhoneLandline},
		{"０３－１２３４－５６７８", "JP", "+81312345678", PhoneLandline},
		{"03(1234)5678", "JP", "+81312345678", PhoneLandline},
		{"06-6123-4567", "JP", "+81661234567", PhoneLandline},
		{"0422-12-3456", "JP", "+81422123456", PhoneLandline},
		{"011-211-2111", "JP", "+81112112111", PhoneLandline},
		{"+81 3 1234 5678", "US", "+81312345678", PhoneLandline},
		{"03-1234-5678 内線 12", "JP", "+81312345678", PhoneLandline},
		{"03-1234-5678内線12", "JP", "+81312345678", PhoneLandline},
		{"03-1234-5678 ext. 12", "JP", "+81312345678", PhoneLandline},
		{"03-1234-5678 x12", "JP", "+81312345678", PhoneLandline},
		{"03-1234-5678#12", "JP", "+81312345678", PhoneLandline},
		{"03-1234-5678（代表）", "JP", "+81312345678", PhoneLandline},
		{"TEL/FAX 03-1234-5678", "JP", "+81312345678", PhoneLandline},
		{"03-1234-5678 / 090-1234-5678", "JP", "+81312345678", PhoneLandline},
		{"03-1234-5678、090-1234-5678", "JP", "+81312345678", PhoneLandline},
		{"03-1234-5678 FAX 03-1234-5679", "JP", "+81312345678", PhoneLandline},

		// other Japanese services
		{"0120-123-456", "JP", "+81120123456", PhoneOther},
		{"0800-123-4567", "JP", "+818001234567", PhoneOther},
		{"050-1234-5678", "JP", "+815012345678", PhoneOther},
		{"0570-000-000", "JP", "+81570000000", PhoneOther},
		{"0990-123-456", "JP", "+81990123456", PhoneOther},
		{"020-1234-5678", "JP", "+812012345678", PhoneOther},

		// other countries
		{"+1 212 555 0100", "", "+12125550100", PhoneUnknown},
		{"(212) 555-0100", "US", "+12125550100", PhoneUnknown},
		{"+44 20 7946 0958", "", "+442079460958", PhoneLandline},
		{"020 7946 0958", "GB", "+442079460958", PhoneLandline},
		{"+44 7911 123456", "JP", "+447911123456", PhoneMobile},
		{"00 44 20 7946 0958", "", "+442079460958", PhoneLandline},
		{"+82 10-1234-5678", "", "+821012345678", PhoneMobile},
		{"+65 6123 4567", "", "+6561234567", PhoneLandline},
	}
	for _, tt := range tests {
		got, ok := ParsePhone(tt.in, tt.region)
		if !ok || got.E164 != tt.want || got.Kind != tt.kind {
			t.Errorf("ParsePhone(%q, %q) = %v, %v; want {%s %v}", tt.in, tt.region, got, ok, tt.want, tt.kind)
		}
		if k := PhoneKey(tt.in, tt.region); k != tt.want {
			t.Errorf("PhoneKey(%q, %q) = %q, want %q", tt.in, tt.region, k, tt.want)
		}
	}
}

func TestParsePhone_Invalid(t *testing.T) {
	for _, in := range []string{
		"", "なし", "-", "0", "090", "090-1234", "090-1234-56789", "03-0000-0000", "0000000000",
		"090-0000-0000", "1234567890123456789012345", "+81", "+", "abc", "tel:", "12345",
		"0212345678", "03-1234-5678", // in region US the last is not a valid number
	} {
		region := "JP"
		if in == "03-1234-5678" {
			region = "US"
		}
		if got, ok := ParsePhone(in, region); ok || got != (Phone{}) {
			t.Errorf("ParsePhone(%q, %q) = %v, %v; want invalid", in, region, got, ok)
		}
		if k := PhoneKey(in, region); k != "" {
			t.Errorf("PhoneKey(%q, %q) = %q, want \"\"", in, region, k)
		}
	}
}

// The path that skips phonenumbers.Parse for Japanese numbers must say what
// Parse says.
func TestParsePhone_JapaneseShortcutAgreesWithLibrary(t *testing.T) {
	prefixes := []string{
		"090", "080", "070", "060", "050", "020", "03", "06", "011", "0422", "04992", "0120",
		"0800", "0570", "0990", "0180", "0910", "0101", "099", "0467", "01267", "0000",
	}
	for _, p := range prefixes {
		for _, rest := range []string{"12345678", "1234567", "123456", "00000000", "9876543", "55512345", "123456789"} {
			s := p + rest
			for _, in := range []string{s, "+81" + s[1:], "+81" + s} {
				got, ok := ParsePhone(in, "JP")
				want, wantOK := libraryPhone(in, "JP")
				if got != want || ok != wantOK {
					t.Errorf("ParsePhone(%q) = %v, %v; phonenumbers says %v, %v", in, got, ok, want, wantOK)
				}
			}
		}
	}
}

// libraryPhone reads a number with phonenumbers alone.
func libraryPhone(s, region string) (Phone, bool) {
	num, err := phonenumbers.Parse(s, region)
	if err != nil {
		return Phone{}, false
	}
	kind, ok := phoneKind(phonenumbers.GetNumberType(num))
	if !ok {
		return Phone{}, false
	}
	return Phone{E164: phonenumbers.Format(num, phonenumbers.E164), Kind: kind}, true
}

func TestPhoneKind_String(t *testing.T) {
	for k, want := range map[PhoneKind]string{
		PhoneUnknown: "unknown", PhoneMobile: "mobile", PhoneLandline: "landline", PhoneOther: "other", 42: "unknown",
	} {
		if got := k.String(); got != want {
			t.Errorf("PhoneKind(%d).String() = %q, want %q", int(k), got, want)
		}
	}
}

func TestIsJunkPhone(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{"+810000000000", true},
		{"+81000000000", true},
		{"0000000000", true},
		{"1111111111", true},
		{"03-0000-0000", true},
		{"+81300000000", true},
		{"090-0000-0000", true},
		{"+819000000000", true},
		{"090-1111-1111", true},
		{"+819011111111", true},
		{"+819099999999", true},
		{"1234567890", true},
		{"0123456789", true},
		{"9876543210", true},
		{"+811234567890", true},
		{"012-345-6789", true},
		{"+819012345678", true}, // 090-1234-5678, the number every form shows
		{"+81312345678", true},  // 03-1234-5678
		{"+819087654321", true},
		{"+819012345679", false},
		{"+81312345679", false},
		{"+818098765431", false},
		{"+81120123456", false},
		{"+81661234567", false},
		{"+12125550100", false},
		{"+442079460958", false},
		{"+819055512345", false},
		{"", false},
	}
	for _, tt := range tests {
		if got := IsJunkPhone(tt.in); got != tt.want {
			t.Errorf("IsJunkPhone(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func FuzzParsePhone(f *testing.F) {
	for _, a := range [][2]string{
		{"090-1234-5678", "JP"}, {"+81 90 1234 5678", ""}, {"(03) 1234-5678", "JP"},
		{"０３－１２３４－５６７８", "JP"}, {"0120-123-456", "JP"}, {"0081-90-1234-5678", ""},
		{"010-81-3-1234-5678", "JP"}, {"+1 212 555 0100", "US"}, {"03-1234-5678 内線 12", ""},
		{"+81 (0)3 1234 5678", ""}, {"", ""}, {"+", "XX"},
	} {
		f.Add(a[0], a[1])
	}
	f.Fuzz(func(t *testing.T, s, region string) {
		if len(region) > 3 {
			region = region[:3]
		}
		p, ok := ParsePhone(s, region)
		if !ok {
			if p != (Phone{}) {
				t.Fatalf("ParsePhone(%q, %q) = %v, not ok but not zero", s, region, p)
			}
			return
		}
		if len(p.E164) < 3 || len(p.E164) > 17 || p.E164[0] != '+' || strings.Trim(p.E164[1:], "0123456789") != "" {
			t.Fatalf("ParsePhone(%q, %q) = %v, not E.164", s, region, p)
		}
		if _, err := strconv.ParseUint(p.E164[1:], 10, 64); err != nil {
			t.Fatalf("ParsePhone(%q, %q) = %v: %v", s, region, p, err)
		}
		again, ok := ParsePhone(p.E164, "")
		if !ok || again != p {
			t.Fatalf("ParsePhone(%q, %q) = %v, but ParsePhone of its E.164 = %v, %v", s, region, p, again, ok)
		}
		if want, wantOK := libraryPhone(p.E164, "JP"); !wantOK || want != p {
			t.Fatalf("ParsePhone(%q, %q) = %v; phonenumbers reads its E.164 as %v, %v", s, region, p, want, wantOK)
		}
		IsJunkPhone(p.E164)
	})
}

func BenchmarkParsePhone(b *testing.B) {
	numbers := []string{"090-1234-5678", "(03) 1234-5678", "+81 90 1234 5678", "０６－６１２３－４５６７", "+1 212 555 0100"}
	for i := 0; b.Loop(); i++ {
		ParsePhone(numbers[i%len(numbers)], "JP")
	}
}

func TestParsePhone_StableOnGeneratedNumbers(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	alphabet := strings.Fields("0 1 2 3 5 8 9 00 81 + - ( ) 090 03 0120 050 010 内線 x # / ー ０ ９ ext tel: 1234 5678")
	alphabet = append(alphabet, " ")
	for range 20000 {
		s := generate(r, alphabet, 12)
		p, ok := ParsePhone(s, "JP")
		if !ok {
			continue
		}
		again, ok := ParsePhone(p.E164, "")
		want, wantOK := libraryPhone(p.E164, "JP")
		if !ok || again != p || !wantOK || want != p {
			t.Fatalf("ParsePhone(%q) = %v; ParsePhone of its E.164 = %v, phonenumbers = %v, %v", s, p, again, want, wantOK)
		}
	}
}
