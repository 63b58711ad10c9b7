package mapping

import (
	"strings"
	"unicode"

	"github.com/nyaruka/phonenumbers"
	"golang.org/x/text/unicode/norm"
)

// Fold applies NFKC (full-width letters and digits become ASCII, half-width
// kana become full-width), trims, and collapses runs of white space
// (including the ideographic space U+3000) to one ASCII space.
func Fold(s string) string {
	s = norm.NFKC.String(s)
	return strings.Join(strings.FieldsFunc(s, unicode.IsSpace), " ")
}

// EmailKey returns the comparable form of an email address: folded, lower
// case, without "mailto:". It returns "" for something that is not an
// address.
func EmailKey(s string) string {
	s = strings.ToLower(strings.ReplaceAll(Fold(s), " ", ""))
	s = strings.TrimPrefix(s, "mailto:")
	at := strings.LastIndexByte(s, '@')
	if at <= 0 || at == len(s)-1 || !strings.Contains(s[at+1:], ".") {
		return ""
	}
	return s
}

// PhoneKey returns a phone number in E.164 ("+819012345678"), reading
// numbers without a country code as being in region (ISO 3166, "JP"). It
// returns "" for something that is not a valid number.
func PhoneKey(s, region string) string {
	s = Fold(s)
	if s == "" {
		return ""
	}
	num, err := phonenumbers.Parse(s, strings.ToUpper(region))
	if err != nil || !phonenumbers.IsValidNumber(num) {
		return ""
	}
	return phonenumbers.Format(num, phonenumbers.E164)
}

// NameKey returns the comparable form of a name: folded, lower case, with
// no spaces or middle dots.
func NameKey(s string) string {
	s = strings.ToLower(Fold(s))
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) || r == '・' || r == '.' {
			return -1
		}
		return r
	}, s)
}

// DisplayName returns the name to show for a person: the full name as
// written, or family and given name joined (family name first, as Japanese
// names are written; given name first when both are in Latin letters).
func DisplayName(full, family, given string) string {
	if f := Fold(full); f != "" {
		return f
	}
	family, given = Fold(family), Fold(given)
	switch {
	case family == "":
		return given
	case given == "":
		return family
	case isLatin(family) && isLatin(given):
		return given + " " + family
	default:
		return family + " " + given
	}
}

func isLatin(s string) bool {
	for _, r := range s {
		if unicode.IsLetter(r) && !unicode.In(r, unicode.Latin) {
			return false
		}
	}
	return true
}
