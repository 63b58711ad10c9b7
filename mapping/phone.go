package mapping

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/nyaruka/phonenumbers"
)

// PhoneKind says what kind of line a phone number is.
type PhoneKind int

// The kinds of phone line ParsePhone tells apart.
const (
	// PhoneUnknown is a number that may be a landline or a mobile (as the
	// numbers of the United States are).
	PhoneUnknown PhoneKind = iota
	// PhoneMobile is a mobile number (in Japan 070, 080, 090).
	PhoneMobile
	// PhoneLandline is a fixed line (in Japan 03, 06, 0422, ...).
	PhoneLandline
	// PhoneOther is any other service: toll-free (0120, 0800), shared cost
	// and premium rate (0570, 0990), IP phones (050), pagers, ...
	PhoneOther
)

// String returns "unknown", "mobile", "landline" or "other".
func (k PhoneKind) String() string {
	switch k {
	case PhoneMobile:
		return "mobile"
	case PhoneLandline:
		return "landline"
	case PhoneOther:
		return "other"
	}
	return "unknown"
}

// Phone is a valid phone number.
type Phone struct {
	// E164 is the number in E.164: "+819012345678".
	E164 string
	// Kind is the kind of line.
	Kind PhoneKind
}

// ParsePhone reads a phone number with the rules of libphonenumber
// (github.com/nyaruka/phonenumbers). A number without a country code is
// read as in region (an ISO 3166 code; "JP" if region is ""). It accepts
// full-width digits (０９０－１２３４－５６７８), "+81", the international
// prefixes 00 and (in Japan) 010, parentheses ("(03) 1234-5678"), hyphens
// of any kind, dots and spaces, a "tel:" or "TEL" label before the number,
// and drops an extension or note after it ("内線 12", "ext. 12", "x12",
// "#12", "(代表)"); of several numbers separated by "/", "," or "、" the
// first is read. ok is false if there is no valid number.
//
// Kind is PhoneMobile for mobile numbers, PhoneLandline for fixed lines,
// PhoneUnknown where the number plan does not tell the two apart, and
// PhoneOther for everything else: toll-free (0120), premium rate, shared
// cost, IP phones (050, VoIP), pagers, ...
func ParsePhone(s, region string) (Phone, bool) {
	region = strings.ToUpper(strings.TrimSpace(region))
	if region == "" {
		region = "JP"
	}
	var buf [24]byte
	d, plus := phoneDigits(buf[:0], Fold(s))
	if len(d) < 3 {
		return Phone{}, false
	}
	switch {
	case plus:
	case region == "JP" && d[0] == '0' && d[1] == '1' && d[2] == '0': // 010: Japan's international prefix
		plus, d = true, d[3:]
	case d[0] == '0' && d[1] == '0': // 00: most countries' international prefix
		plus, d = true, d[2:]
	}

	// Japanese numbers, by far the most common, skip phonenumbers.Parse:
	// its regular expressions cost three times as much as the check of
	// the number against Japan's number plan that decides validity and
	// kind. A number the check refuses goes through Parse to be sure.
	var nsn []byte
	switch {
	case plus && len(d) > 3 && d[0] == '8' && d[1] == '1':
		nsn = d[2:]
		if nsn[0] == '0' { // "+81 (0)3 ..."
			nsn = nsn[1:]
		}
	case !plus && region == "JP" && d[0] == '0':
		nsn = d[1:]
	}
	if len(nsn) >= 8 && len(nsn) <= 13 && nsn[0] != '0' {
		cc, nn := int32(81), uint64(0)
		for _, c := range nsn {
			nn = nn*10 + uint64(c-'0')
		}
		num := phonenumbers.PhoneNumber{CountryCode: &cc, NationalNumber: &nn}
		if kind, ok := phoneKind(phonenumbers.GetNumberType(&num)); ok {
			return Phone{E164: "+81" + string(nsn), Kind: kind}, true
		}
	}

	text := string(d)
	if plus {
		text = "+" + text
	}
	num, err := phonenumbers.Parse(text, region)
	if err != nil {
		return Phone{}, false
	}
	kind, ok := phoneKind(phonenumbers.GetNumberType(num))
	if !ok {
		return Phone{}, false
	}
	return Phone{E164: phonenumbers.Format(num, phonenumbers.E164), Kind: kind}, true
}

// phoneKind maps a number type to a PhoneKind; ok is false for UNKNOWN,
// the type of numbers that are not valid.
func phoneKind(t phonenumbers.PhoneNumberType) (kind PhoneKind, ok bool) {
	switch t {
	case phonenumbers.UNKNOWN:
		return PhoneUnknown, false
	case phonenumbers.MOBILE:
		return PhoneMobile, true
	case phonenumbers.FIXED_LINE:
		return PhoneLandline, true
	case phonenumbers.FIXED_LINE_OR_MOBILE:
		return PhoneUnknown, true
	}
	return PhoneOther, true
}

// phoneDigits appends to dst the digits of the first phone number in a
// folded text, and reports whether it is written with a leading '+'.
// Labels before the number ("TEL:") are skipped; a letter or one of # , 、 ;
// / ~ after it ends it, so extensions and notes are dropped. It returns
// nil if the number has more than 20 digits.
func phoneDigits(dst []byte, s string) (digits []byte, plus bool) {
	for i := 0; i < len(s); {
		r, n := rune(s[i]), 1
		if r >= utf8.RuneSelf {
			r, n = utf8.DecodeRuneInString(s[i:])
		}
		i += n
		switch {
		case '0' <= r && r <= '9':
			if len(dst) == 20 {
				return nil, false
			}
			dst = append(dst, byte(r))
		case len(dst) == 0:
			if r == '+' {
				plus = true
			}
		case r == 'ー': // typed for a hyphen: "０９０ー１２３４ー５６７８"
		case r == '#' || r == ',' || r == '、' || r == ';' || r == '/' || r == '~' || r == '〜' || r == '*',
			unicode.IsLetter(r):
			return dst, plus
		}
	}
	return dst, plus
}

// PhoneKey returns a phone number in E.164 ("+819012345678"), reading
// numbers without a country code as being in region (ISO 3166, "JP" if
// ""): ParsePhone(s, region).E164. It returns "" for something that is not
// a valid number.
func PhoneKey(s, region string) string {
	p, _ := ParsePhone(s, region)
	return p.E164
}

// IsJunkPhone reports whether a number in E.164 is a placeholder that must
// never link people: a national significant number of one digit repeated
// (0000000000, 1111111111), or last eight digits that are one digit
// repeated ("090-1111-1111", "090-0000-0000", "03-0000-0000") or a straight
// run up or down ("012-345-6789", "090-1234-5678", the number forms print
// as their example). A number without '+' is read as national, with a
// leading trunk 0 ("03-0000-0000").
func IsJunkPhone(e164 string) bool {
	var buf [24]byte
	d, plus := phoneDigits(buf[:0], Fold(e164))
	if len(d) == 0 {
		return false
	}
	nsn := d
	if plus {
		nsn = d[len(d):]
		for l := 1; l <= 3 && l < len(d); l++ {
			cc := 0
			for _, c := range d[:l] {
				cc = cc*10 + int(c-'0')
			}
			if phonenumbers.GetRegionCodeForCountryCode(cc) != phonenumbers.UNKNOWN_REGION {
				nsn = d[l:]
				break
			}
		}
	} else if d[0] == '0' {
		nsn = d[1:]
	}
	if len(nsn) == 0 {
		return true
	}
	tail := nsn
	if len(tail) > 8 {
		tail = tail[len(tail)-8:]
	}
	if len(tail) < 6 {
		return oneDigit(nsn)
	}
	return oneDigit(nsn) || oneDigit(tail) || straightRun(tail)
}

// oneDigit reports whether d is one digit repeated.
func oneDigit(d []byte) bool {
	for _, c := range d {
		if c != d[0] {
			return false
		}
	}
	return true
}

// straightRun reports whether the digits of d go up or down by one each
// (12345678, 34567890, 98765432, wrapping from 9 to 0).
func straightRun(d []byte) bool {
	up, down := true, true
	for i := 1; i < len(d); i++ {
		step := (int(d[i]) - int(d[i-1]) + 10) % 10
		up = up && step == 1
		down = down && step == 9
	}
	return up || down
}
