package mapping

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Fold applies NFKC (full-width letters and digits become ASCII, half-width
// kana become full-width), trims, and collapses runs of white space
// (including the ideographic space U+3000) to one ASCII space.
// Invalid UTF-8 becomes U+FFFD, so what Fold returns is always valid UTF-8.
func Fold(s string) string {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	s = norm.NFKC.String(s)
	if !needsSpaceFold(s) {
		return s
	}
	b := make([]byte, 0, len(s))
	space := false
	for i := 0; i < len(s); {
		r, n := rune(s[i]), 1
		if r >= utf8.RuneSelf {
			r, n = utf8.DecodeRuneInString(s[i:])
		}
		if unicode.IsSpace(r) {
			space = len(b) > 0
		} else {
			if space {
				b = append(b, ' ')
				space = false
			}
			b = append(b, s[i:i+n]...)
		}
		i += n
	}
	return string(b)
}

// needsSpaceFold reports whether s has white space other than single ASCII
// spaces between other runes, the common case Fold can return unchanged.
func needsSpaceFold(s string) bool {
	prevSpace := true // a leading space needs folding
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch c {
			case ' ':
				if prevSpace {
					return true
				}
				prevSpace = true
			case '\t', '\n', '\v', '\f', '\r':
				return true
			default:
				prevSpace = false
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if unicode.IsSpace(r) {
			return true
		}
		prevSpace = false
		i += n
	}
	return prevSpace && s != ""
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
