package mapping

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Katakana folds kana to one form: the text is folded as Fold does (NFKC,
// so half-width ｻﾄｳ becomes サトウ with its voicing marks composed, ｶﾞ → ガ,
// ﾊﾟ → パ; white space collapsed) and hiragana become katakana (ゔ → ヴ,
// ゝゞ → ヽヾ). The spacing voicing marks ゛゜ written after a kana combine
// with it as the half-width ones do (か゛ → ガ). Everything else is left as
// Fold leaves it.
func Katakana(s string) string {
	return hiraToKata(foldKana(s))
}

// foldKana folds s as Fold does, but first joins the spacing voicing marks
// ゛゜ to the kana before them, which NFKC would part from it.
func foldKana(s string) string {
	return Fold(combineSpacingMarks(s))
}

// combineSpacingMarks replaces the spacing voicing marks ゛ (U+309B) and ゜
// (U+309C) that follow a kana with their combining forms, which NFKC
// composes with the kana. NFKC alone would turn them into a space and a
// combining mark.
func combineSpacingMarks(s string) string {
	if !strings.Contains(s, "\u309B") && !strings.Contains(s, "\u309C") {
		return s
	}
	b := make([]byte, 0, len(s))
	prevKana := false
	for _, r := range s {
		switch {
		case prevKana && r == 0x309B:
			r = 0x3099
		case prevKana && r == 0x309C:
			r = 0x309A
		}
		prevKana = isKanaLetter(r)
		b = utf8.AppendRune(b, r)
	}
	return string(b)
}

// hiraToKata writes the hiragana of s as katakana. Both are three bytes in
// UTF-8, so the bytes are rewritten in place of a copy.
func hiraToKata(s string) string {
	first := -1
	for i := 0; i+2 < len(s); i++ {
		if s[i] == 0xE3 && isHiraganaBytes(s[i+1], s[i+2]) {
			first = i
			break
		}
	}
	if first < 0 {
		return s
	}
	b := []byte(s)
	for i := first; i+2 < len(b); i++ {
		if b[i] == 0xE3 && isHiraganaBytes(b[i+1], b[i+2]) {
			r, _ := utf8.DecodeRune(b[i : i+3])
			utf8.EncodeRune(b[i:i+3], r+0x60)
			i += 2
		}
	}
	return string(b)
}

// isHiraganaBytes reports whether 0xE3 b1 b2 encodes a hiragana that has a
// katakana at +0x60: U+3041–U+3096 and the iteration marks U+309D, U+309E.
func isHiraganaBytes(b1, b2 byte) bool {
	switch b1 {
	case 0x81: // U+3040–U+307F
		return b2 >= 0x81 && b2 <= 0xBF
	case 0x82: // U+3080–U+30BF
		return (b2 >= 0x80 && b2 <= 0x96) || b2 == 0x9D || b2 == 0x9E
	}
	return false
}

// IsKana reports whether s is written in kana alone: it has at least one
// kana letter (hiragana, katakana or half-width katakana), and everything
// else in it is white space, the prolonged sound mark ー, the middle dot ・,
// the iteration marks ゝゞヽヾ or a voicing mark. Digits, Latin letters,
// kanji and other punctuation make it false.
func IsKana(s string) bool {
	letter := false
	for _, r := range s {
		switch {
		case isKanaLetter(r):
			letter = true
		case r == 'ー' || r == 'ｰ' || r == '・' || r == '･',
			r == 'ゝ' || r == 'ゞ' || r == 'ヽ' || r == 'ヾ',
			r >= 0x3099 && r <= 0x309C, r == 0xFF9E || r == 0xFF9F,
			unicode.IsSpace(r):
		default:
			return false
		}
	}
	return letter
}

// isKanaLetter reports whether r is a kana letter: hiragana, katakana (with
// the Ainu small katakana) or half-width katakana, not counting the marks
// IsKana also allows.
func isKanaLetter(r rune) bool {
	switch {
	case r >= 0x3041 && r <= 0x3096, r == 0x309F: // ぁ–ゖ, ゟ
		return true
	case r >= 0x30A1 && r <= 0x30FA, r == 0x30FF: // ァ–ヺ, ヿ
		return true
	case r >= 0x31F0 && r <= 0x31FF: // ㇰ–ㇿ
		return true
	case r >= 0xFF66 && r <= 0xFF9D && r != 0xFF70: // ｦ–ﾝ without ｰ
		return true
	}
	return false
}

// isKanaRune reports whether r belongs to the kana blocks: letters, marks
// and the prolonged sound mark, but not the middle dot.
func isKanaRune(r rune) bool {
	switch {
	case r >= 0x3041 && r <= 0x309F:
		return true
	case r >= 0x30A0 && r <= 0x30FF:
		return r != 0x30FB
	case r >= 0x31F0 && r <= 0x31FF:
		return true
	case r >= 0xFF66 && r <= 0xFF9F:
		return true
	}
	return false
}

// isJapaneseRune reports whether r is a kanji or kana, including the kanji
// iteration mark 々 and the abbreviation 〆.
func isJapaneseRune(r rune) bool {
	return isKanaRune(r) || isHan(r) || r == '〆'
}

// isHan reports whether r is a Han ideograph (unicode.Han: kanji, 々, 〇 and
// the compatibility ideographs).
func isHan(r rune) bool {
	if r < 0x2E80 {
		return false
	}
	if r >= 0x4E00 && r <= 0x9FFF {
		return true
	}
	return unicode.Is(unicode.Han, r)
}
