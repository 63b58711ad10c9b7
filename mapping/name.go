package mapping

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// PersonName is a name reduced to comparable parts.
type PersonName struct {
	// Family and Given are the family and given names in script form:
	// folded (Fold), variant kanji folded (FoldItaiji), kana as katakana,
	// Latin letters lower-cased, without spaces or middle dots; "" if
	// unknown.
	Family, Given string
	// FamilyReading and GivenReading are the readings of Family and Given
	// as RomajiKey gives them; "" if unknown.
	FamilyReading, GivenReading string
	// Full is the script form of the whole name, with no spaces, family
	// name first when the order is known (so "佐藤 太郎" and "佐藤太郎"
	// agree); a Latin name whose order is unknown keeps its input order.
	Full string
	// FullReading is the RomajiKey of the whole reading, with no spaces,
	// family name first when the order is known.
	FullReading string
	// OrderKnown reports that Family and Given are certainly assigned:
	// they came from separate fields, or the name is in Japanese script,
	// or it was written "Family, Given".
	OrderKnown bool
}

// IsZero reports whether no name is known.
func (n PersonName) IsZero() bool { return n == PersonName{} }

// ParseName reads a person's name from what a source gives: a full name,
// separate family and given names (either may be empty), and a reading in
// kana (name_kana: hiragana, katakana or half-width, "サトウ タロウ" family
// name first, or one token).
//
// The family and given fields win when either is present (OrderKnown).
// Otherwise the full name is split on white space (ASCII or U+3000) or a
// comma: "Sato, Taro" is family, given (OrderKnown); a name in Japanese
// script (kanji, kana) of two tokens is family then given (OrderKnown); a
// Latin name of two tokens is taken as given then family ("Taro Sato") but
// OrderKnown is false, as it may be "SATO TARO"; of three or more Latin
// tokens the first is Given and the last Family (OrderKnown false). A name
// of one token ("佐藤太郎"), or of three or more tokens not in Latin
// letters, sets only Full and FullReading.
//
// Honorifics and titles are removed: 様, さま, 殿, 御中, さん (as separate
// tokens or attached: "佐藤太郎様"), and Mr, Mrs, Ms, Miss, Dr with or
// without a dot. A reading in parentheses after the name ("佐藤 太郎
// (サトウ タロウ)") is used as the kana when kana is empty.
//
// Readings come from the kana when it is kana (or Latin letters): two
// tokens are the family and given readings, and one token reads the whole
// name, or the family or given name when only that one is known. A reading
// the kana does not give is taken from the name itself when that part is
// written in kana or Latin letters. A name in kanji with no kana has no
// reading.
//
// ParseName("佐藤 太郎", "", "", "サトウ タロウ") and ParseName("", "佐藤",
// "太郎", "さとう たろう") are equal; ParseName("Taro Sato", "", "", "") has
// Given "taro", Family "sato", GivenReading "taro", FamilyReading "sato",
// and OrderKnown false.
func ParseName(full, family, given, kana string) PersonName {
	var n PersonName
	full, family, given, kana = foldKana(full), foldKana(family), foldKana(given), foldKana(kana)
	if kana == "" {
		full, kana = cutParenReading(full)
	}

	// The name: fam and giv are the folded parts, whole the folded name in
	// the order Full is written.
	var fam, giv string
	var whole []string
	family, given = stripHonorifics(family), stripHonorifics(given)
	if family != "" || given != "" {
		fam, giv = family, given
		n.OrderKnown = true
		switch {
		case fam == "":
			whole = []string{giv}
		case giv == "":
			whole = []string{fam}
		default:
			whole = []string{fam, giv}
		}
	} else if l, r, ok := cutComma(stripHonorifics(full)); ok {
		fam, giv = l, r
		n.OrderKnown = true
		whole = []string{fam, giv}
	} else {
		whole = strings.FieldsFunc(stripHonorifics(full), isNameSeparator)
		switch {
		case len(whole) == 2 && hasJapanese(whole[0]+whole[1]):
			fam, giv = whole[0], whole[1]
			n.OrderKnown = true
		case len(whole) >= 2 && isLatinName(whole):
			giv, fam = whole[0], whole[len(whole)-1]
		}
	}
	n.Family, n.Given = scriptForm(fam), scriptForm(giv)
	n.Full = scriptForm(strings.Join(whole, ""))

	// The reading: from the kana first, then from the name.
	if kana = stripHonorifics(kana); kana != "" && readable(kana) {
		if l, r, ok := cutComma(kana); ok {
			n.FamilyReading, n.GivenReading = readingKey(l), readingKey(r)
		} else if f := strings.Fields(kana); len(f) == 2 {
			n.FamilyReading, n.GivenReading = readingKey(f[0]), readingKey(f[1])
		}
		n.FullReading = readingKey(kana)
		switch {
		case n.FamilyReading != "" || n.GivenReading != "":
		case fam != "" && giv == "":
			n.FamilyReading = n.FullReading // the kana reads the only part known
		case giv != "" && fam == "":
			n.GivenReading = n.FullReading
		}
	}
	if n.FamilyReading == "" && fam != "" && readable(fam) {
		n.FamilyReading = readingKey(fam)
	}
	if n.GivenReading == "" && giv != "" && readable(giv) {
		n.GivenReading = readingKey(giv)
	}
	if n.FullReading == "" && len(whole) > 0 {
		w := strings.Join(whole, " ")
		if readable(w) {
			n.FullReading = readingKey(w)
		}
	}
	return n
}

// scriptForm returns the script form of a folded name part: variant kanji
// folded, kana as katakana, lower case, without spaces or middle dots.
func scriptForm(s string) string {
	if s == "" {
		return ""
	}
	s = strings.ToLower(hiraToKata(FoldItaiji(s)))
	if strings.IndexByte(s, ' ') < 0 && !strings.ContainsAny(s, "・·") {
		return s
	}
	return strings.Map(func(r rune) rune {
		if r == ' ' || r == '・' || r == '·' {
			return -1
		}
		return r
	}, s)
}

// readingKey returns the RomajiKey of a folded reading with its tokens
// joined, so a reading written in one token or in two gives one key ("カン
// ナオ" and "カンナオ" both "kanao", "Satoh Akira" and "サトウアキラ" both
// "satoakira").
func readingKey(s string) string {
	k := romajiKeyFolded(s)
	if strings.IndexByte(k, ' ') < 0 {
		return k
	}
	return RomajiKey(strings.ReplaceAll(k, " ", ""))
}

// readable reports whether a folded name part is written in kana or in
// Latin letters, so that it has a reading.
func readable(s string) bool {
	return IsKana(s) || isLatinName([]string{s})
}

// isLatinName reports whether the tokens have letters and every letter is
// Latin.
func isLatinName(toks []string) bool {
	letter := false
	for _, t := range toks {
		for _, r := range t {
			if r < utf8.RuneSelf {
				letter = letter || ('a' <= r|0x20 && r|0x20 <= 'z')
				continue
			}
			if unicode.IsLetter(r) {
				if !unicode.Is(unicode.Latin, r) {
					return false
				}
				letter = true
			}
		}
	}
	return letter
}

// hasJapanese reports whether s has a kanji or kana.
func hasJapanese(s string) bool {
	for _, r := range s {
		if r >= 0x2E80 && isJapaneseRune(r) {
			return true
		}
	}
	return false
}

// isNameSeparator reports whether r separates the tokens of a folded name.
func isNameSeparator(r rune) bool { return r == ' ' || r == ',' || r == '、' }

// cutComma splits a folded name at its first comma into the parts before
// and after it, trimmed; ok is false unless both are non-empty.
func cutComma(s string) (before, after string, ok bool) {
	i := strings.IndexAny(s, ",、")
	if i < 0 {
		return "", "", false
	}
	_, n := utf8.DecodeRuneInString(s[i:])
	before = strings.TrimSpace(s[:i])
	after = strings.Join(strings.FieldsFunc(s[i+n:], isNameSeparator), " ")
	return before, after, before != "" && after != ""
}

// cutParenReading splits "佐藤 太郎 (サトウ タロウ)" into the name and the
// kana reading in its trailing parentheses. A name without one is returned
// whole, with no reading.
func cutParenReading(s string) (name, kana string) {
	if !strings.HasSuffix(s, ")") {
		return s, ""
	}
	i := strings.LastIndexByte(s, '(')
	if i <= 0 {
		return s, ""
	}
	inner := strings.TrimSpace(s[i+1 : len(s)-1])
	if !IsKana(inner) {
		return s, ""
	}
	return strings.TrimSpace(s[:i]), inner
}

// honorificSuffixes are written after a name, as a token of their own or
// attached to it.
var honorificSuffixes = []string{"御中", "さま", "さん", "様", "殿"}

// honorificTokens are honorifics that are removed only as tokens of their
// own: attached, they may end a name written in kana.
var honorificTokens = map[string]bool{
	"サマ": true, "サン": true, "ドノ": true, "どの": true,
}

// isTitle reports whether a token is a title written before a Latin name:
// Mr, Mrs, Ms, Miss or Dr, in any case, with or without a dot.
func isTitle(tok string) bool {
	tok = strings.TrimSuffix(tok, ".")
	for _, t := range [...]string{"mr", "mrs", "ms", "miss", "dr"} {
		if strings.EqualFold(tok, t) {
			return true
		}
	}
	return false
}

// stripHonorifics removes the honorifics and titles from a folded name
// (single spaces, trimmed).
func stripHonorifics(s string) string {
	for s != "" {
		first, rest, _ := strings.Cut(s, " ")
		if isTitle(first) {
			s = rest
			continue
		}
		if dot := strings.IndexByte(first, '.'); dot > 0 && dot < len(first)-1 && isTitle(first[:dot]) {
			s = s[dot+1:] // "Mr.Sato"
		}
		break
	}
	for s != "" {
		i := strings.LastIndexByte(s, ' ')
		last := s[i+1:]
		if honorificTokens[last] {
			s = s[:max(i, 0)]
			continue
		}
		cut := false
		for _, h := range honorificSuffixes {
			if strings.HasSuffix(last, h) {
				s, cut = strings.TrimRight(s[:len(s)-len(h)], " "), true
				break
			}
		}
		if !cut {
			break
		}
	}
	return s
}

// StripDecoration keeps the name in a name people chose for themselves on
// a social network (a LINE display name): "美咲🌸" is 美咲, "久美子(^^)"
// 久美子, "☆さくら☆" さくら, "たかし（仕事用）" たかし. Bracketed asides go,
// then everything but letters, marks, long-vowel marks, middle dots and
// spaces; spaces are collapsed.
func StripDecoration(s string) string {
	var b strings.Builder
	depth := 0
	for _, r := range s {
		switch {
		case strings.ContainsRune("(（[［【「『", r):
			depth++
		case strings.ContainsRune(")）]］】」』", r):
			depth = max(0, depth-1)
		case depth > 0:
		case unicode.IsLetter(r) || unicode.Is(unicode.Mn, r) || r == 'ー' || r == '・':
			b.WriteRune(r)
		case unicode.IsSpace(r):
			b.WriteRune(' ')
		}
	}
	return strings.Join(strings.Fields(b.String()), " ")
}
