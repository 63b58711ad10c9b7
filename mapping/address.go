package mapping

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// prefectures are the 47 prefectures of Japan, as addresses begin.
var prefectures = map[string]bool{
	"北海道": true, "青森県": true, "岩手県": true, "宮城県": true, "秋田県": true,
	"山形県": true, "福島県": true, "茨城県": true, "栃木県": true, "群馬県": true,
	"埼玉県": true, "千葉県": true, "東京都": true, "神奈川県": true, "新潟県": true,
	"富山県": true, "石川県": true, "福井県": true, "山梨県": true, "長野県": true,
	"岐阜県": true, "静岡県": true, "愛知県": true, "三重県": true, "滋賀県": true,
	"京都府": true, "大阪府": true, "兵庫県": true, "奈良県": true, "和歌山県": true,
	"鳥取県": true, "島根県": true, "岡山県": true, "広島県": true, "山口県": true,
	"徳島県": true, "香川県": true, "愛媛県": true, "高知県": true, "福岡県": true,
	"佐賀県": true, "長崎県": true, "熊本県": true, "大分県": true, "宮崎県": true,
	"鹿児島県": true, "沖縄県": true,
}

// Prefecture returns the prefecture an address begins with ("東京都"), after
// a postal code if it has one, or "" if it begins with none. Variant kanji
// are folded first (鹿兒島縣 is 鹿児島県).
func Prefecture(s string) string {
	p, _ := cutPrefecture(strings.TrimLeft(cutPostal(FoldItaiji(Fold(s))), " "))
	return p
}

// cutPrefecture splits s after the prefecture it begins with. The name of
// a prefecture ends at the first 都, 道, 府 or 県 that completes one, within
// its first four runes.
func cutPrefecture(s string) (pref, rest string) {
	n := 0
	for i, r := range s {
		if n == 4 {
			break
		}
		n++
		if r == '都' || r == '道' || r == '府' || r == '県' {
			end := i + utf8.RuneLen(r)
			if prefectures[s[:end]] {
				return s[:end], s[end:]
			}
		}
	}
	return "", s
}

// PostalKey returns a postal code in comparable form. A Japanese code, with
// or without 〒, hyphen or full-width digits ("〒150-0001", "1500001",
// "１５０－０００１", even with an address after it), becomes its seven
// digits "1500001". Anything else is folded (Fold), upper-cased, and keeps
// only its ASCII letters and digits ("SW1A 1AA" → "SW1A1AA"). It returns ""
// if nothing is left.
func PostalKey(s string) string {
	s = Fold(s)
	if d, _, ok := japanesePostal(s); ok {
		return d
	}
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case '0' <= c && c <= '9', 'A' <= c && c <= 'Z':
			b = append(b, c)
		case 'a' <= c && c <= 'z':
			b = append(b, c-'a'+'A')
		}
	}
	return string(b)
}

// japanesePostal reads a Japanese postal code at the start of a folded
// text: white space, punctuation and symbols (〒 among them) are skipped;
// then three digits, a hyphen (any dash, spaces around it) or nothing, and
// four digits (after 〒 spaces alone may part them too); then the end or
// something that is neither a digit, an ASCII letter nor a dash before a
// digit. It returns the seven digits and the rest of s after the code.
func japanesePostal(s string) (digits, rest string, ok bool) {
	i, mark := 0, false
	for i < len(s) {
		r, n := utf8.DecodeRuneInString(s[i:])
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			break
		}
		mark = mark || r == '〒'
		i += n
	}
	var d [7]byte
	nd := 0
	for i < len(s) && nd < 7 {
		c := s[i]
		if '0' <= c && c <= '9' {
			d[nd] = c
			nd++
			i++
			continue
		}
		if nd != 3 {
			break
		}
		// between the third and fourth digit: spaces and one dash
		j, dash := i, false
	sep:
		for j < len(s) {
			r, n := utf8.DecodeRuneInString(s[j:])
			switch {
			case r == ' ':
			case !dash && (isDash(r) || r == 'ー'):
				dash = true
			default:
				break sep
			}
			j += n
		}
		if j == i || j == len(s) || s[j] < '0' || s[j] > '9' || !dash && !mark {
			break
		}
		i = j
	}
	if nd != 7 {
		return "", "", false
	}
	if i < len(s) {
		r, n := utf8.DecodeRuneInString(s[i:])
		if unicode.IsDigit(r) || unicode.IsLetter(r) && r < 0x80 {
			return "", "", false
		}
		if isDash(r) || r == 'ー' {
			if i+n < len(s) && s[i+n] >= '0' && s[i+n] <= '9' {
				return "", "", false
			}
		}
	}
	return string(d[:]), s[i:], true
}

// cutPostal removes a Japanese postal code from the start of a folded
// address, with what comes before it (〒, spaces, punctuation) and the
// spaces after it, unless nothing of the address would be left.
func cutPostal(s string) string {
	_, rest, ok := japanesePostal(s)
	if !ok {
		return s
	}
	for _, r := range rest {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return strings.TrimLeft(rest, " ")
		}
	}
	return s
}

// isDash reports whether r is a hyphen, dash or minus sign written between
// the numbers of an address. The prolonged sound mark ー, written for a
// dash after digits, is not among them: it is a letter of katakana words.
func isDash(r rune) bool {
	switch r {
	case '-', '‐', '‑', '‒', '–', '—', '―', '−', '﹣', '－', '⁃', '㇐':
		return true
	}
	return false
}

// AddressKey returns an address in comparable form. The text is folded
// (NFKC, Fold) and its variant kanji folded (FoldItaiji), and a leading
// postal code ("〒150-0041") is removed. An address in Japanese script then:
//
//   - loses its leading prefecture (東京都, 北海道, 大阪府, 京都府, ...県), so
//     an address with and without it agree;
//   - loses white space and punctuation; a space between two numbers
//     becomes "-" ("1-2-3 101" reads as "1-2-3-101");
//   - has kanji numerals before 丁目, 番, 番地, 号 and 条 (and after them, at
//     the end of the block) written in Arabic digits (一 → 1, 十二 → 12,
//     二十三 → 23); place names such as 一番町, 三軒茶屋 or 八丁堀 keep theirs;
//   - writes the block "1丁目2番3号", "1丁目2番地3", "1丁目2-3", "１－２－３",
//     "1の2の3" all as "1-2-3": a trailing 号 or 番地 is dropped, "3丁目"
//     alone is "3", and every dash (－ ‐ ― −, and ー or 一 after a digit)
//     is "-"; a dash is kept only between two digits;
//   - writes ヶ, ケ, ヵ, が and ガ between kanji as ケ (霞ヶ関, 霞が関 and 霞ケ関
//     agree) and の, ノ between kanji as ノ (井の頭, 井ノ頭);
//   - keeps the building and room as written after folding, lower-cased
//     ("1-2-3 サンハイツ101" → "1-2-3サンハイツ101").
//
// An address in Latin letters is folded, lower-cased, and its punctuation
// becomes spaces, collapsed (a dash between digits stays); abbreviations
// are kept as they are. It returns "" for empty input.
func AddressKey(s string) string {
	s = FoldItaiji(Fold(s))
	for cut := cutPostal(s); cut != s; cut = cutPostal(s) {
		s = cut
	}
	if s == "" {
		return ""
	}
	var key string
	if hasJapanese(s) {
		key = japaneseAddressKey(s)
	} else {
		key = latinAddressKey(s)
	}
	if hasJamoVowelOrFinal(key) {
		// Dropping punctuation can leave hangul jamo side by side, which
		// NFKC composes; compose them so that the key is a fixed point.
		return norm.NFKC.String(key)
	}
	return key
}

// japaneseAddressKey writes a folded address in Japanese script in
// comparable form; see AddressKey.
func japaneseAddressKey(s string) string {
	var bufA, bufB [96]rune
	a := dropLoneDashes(cleanAddress(bufA[:0], s))
	b := kanjiBlockNumbers(bufB[:0], a)
	a = blockDashes(a[:0], b)
	b = keepDigitDashes(b[:0], a)
	placeNameKana(b)
	key := string(b)
	for {
		if p, rest := cutPrefecture(key); p != "" && rest != "" {
			key = rest
			continue
		}
		if rest := cutPostal(key); rest != key {
			key = rest
			continue
		}
		return key
	}
}

// cleanAddress appends to dst the runes of a folded address without white
// space, punctuation and symbols, letters lower-cased, every dash (and ー
// after a digit or dash) as '-', and a space between two digits as '-'.
func cleanAddress(dst []rune, s string) []rune {
	space := false
	for _, r := range s {
		lastDigit := len(dst) > 0 && isASCIIDigit(dst[len(dst)-1])
		switch {
		case r == ' ':
			space = true
			continue
		case isDash(r), r == 'ー' && (lastDigit || len(dst) > 0 && dst[len(dst)-1] == '-'):
			dst = append(dst, '-')
		case unicode.IsLetter(r), unicode.IsDigit(r), r == '〇':
			if space && lastDigit && isASCIIDigit(r) {
				dst = append(dst, '-')
			}
			dst = append(dst, unicode.ToLower(r))
		default:
			continue
		}
		space = false
	}
	return dst
}

// dropLoneDashes removes, in place, the runs of dashes that have no
// number on either side: they only part words ("サン-ハイツ"), and removed
// later they would join runes the rules below have already looked at.
func dropLoneDashes(rs []rune) []rune {
	out := rs[:0]
	for i := 0; i < len(rs); {
		if rs[i] != '-' {
			out = append(out, rs[i])
			i++
			continue
		}
		j := i
		for j < len(rs) && rs[j] == '-' {
			j++
		}
		if len(out) > 0 && isNumeral(out[len(out)-1]) || j < len(rs) && isNumeral(rs[j]) {
			out = append(out, rs[i:j]...)
		}
		i = j
	}
	return out
}

// isNumeral reports whether r is a digit 0–9 or a kanji numeral.
func isNumeral(r rune) bool { return isASCIIDigit(r) || kanjiDigit(r) >= 0 }

// isASCIIDigit reports whether r is 0–9.
func isASCIIDigit(r rune) bool { return '0' <= r && r <= '9' }

// kanjiDigit returns the value of a kanji numeral: 0–9 for 〇 to 九, 10,
// 100, 1000 for 十, 百, 千, or -1.
func kanjiDigit(r rune) int {
	switch r {
	case '〇', '零':
		return 0
	case '一':
		return 1
	case '二':
		return 2
	case '三':
		return 3
	case '四':
		return 4
	case '五':
		return 5
	case '六':
		return 6
	case '七':
		return 7
	case '八':
		return 8
	case '九':
		return 9
	case '十':
		return 10
	case '百':
		return 100
	case '千':
		return 1000
	}
	return -1
}

// blockMarker returns the length in runes of the block marker 丁目, 番地, 番
// or 号 at rs[i:], or 0. 番 and 号 are not markers where they are part of
// a word: 一番町, 二番丁, 五番街, 2番線; 101号室, 2号館, 3号棟, 国道1号線,
// 5号車, 12号地, 2号店.
func blockMarker(rs []rune, i int) int {
	if i >= len(rs) {
		return 0
	}
	var next rune
	if i+1 < len(rs) {
		next = rs[i+1]
	}
	switch rs[i] {
	case '丁':
		if next == '目' {
			return 2
		}
	case '番':
		if next == '地' {
			return 2
		}
		if !strings.ContainsRune("町丁街館線目組号", next) {
			return 1
		}
	case '号':
		if !strings.ContainsRune("室館棟線車地機店倉号", next) {
			return 1
		}
	}
	return 0
}

// afterMarker reports whether rs ends with a block marker or a dash.
func afterMarker(rs []rune) bool {
	n := len(rs)
	if n == 0 {
		return false
	}
	switch rs[n-1] {
	case '-', '番', '号':
		return true
	case '目', '地':
		return n >= 2 && (rs[n-2] == '丁' || rs[n-2] == '番')
	}
	return false
}

// kanjiBlockNumbers appends rs to dst with the kanji numerals of the block
// written in Arabic digits: a run of kanji numerals followed by a block
// marker or by 条 (the streets of Sapporo: 北一条西二丁目), or following a
// marker or dash at the end of the block (before anything but kanji).
func kanjiBlockNumbers(dst, rs []rune) []rune {
	for i := 0; i < len(rs); {
		if kanjiDigit(rs[i]) < 0 {
			dst = append(dst, rs[i])
			i++
			continue
		}
		j := i
		for j < len(rs) && kanjiDigit(rs[j]) >= 0 {
			j++
		}
		m := j // dashes before a marker go, so look past them
		for m < len(rs) && (rs[m] == '-' || rs[m] == 'ー') {
			m++
		}
		before := blockMarker(rs, m) > 0 || m < len(rs) && rs[m] == '条' // 北一条 is 北1条
		if j-i <= 8 && (before || afterMarker(dst) && (j == len(rs) || !isHan(rs[j]))) {
			dst = appendKanjiNumber(dst, rs[i:j])
		} else {
			dst = append(dst, rs[i:j]...)
		}
		i = j
	}
	return dst
}

// appendKanjiNumber appends the value of a run of kanji numerals in Arabic
// digits: 十二 → 12, 二十三 → 23, 百五 → 105; a run without 十, 百 or 千 is
// read digit by digit (一〇五 → 105, 〇五 → 05).
func appendKanjiNumber(dst, run []rune) []rune {
	total, cur, positional := 0, 0, true
	for _, r := range run {
		d := kanjiDigit(r)
		if d >= 10 {
			total += max(cur, 1) * d
			cur, positional = 0, false
		} else {
			cur = cur*10 + d
		}
	}
	if positional {
		for _, r := range run {
			dst = append(dst, '0'+rune(kanjiDigit(r)))
		}
		return dst
	}
	var buf [20]rune
	i := len(buf)
	for total += cur; ; total /= 10 {
		i--
		buf[i] = '0' + rune(total%10)
		if total < 10 {
			break
		}
	}
	return append(dst, buf[i:]...)
}

// blockDashes appends rs to dst with the block markers after a number
// written as dashes: 丁目, 番地, 番 and 号 become "-" when a number follows
// (after an optional の, ノ or dash) and disappear at the end of the
// block; の and ノ between two numbers become "-", and so does 一, typed
// for a dash ("1一2一3"). Dashes (and ー) between the number and the
// marker or の go with them.
func blockDashes(dst, rs []rune) []rune {
	for i := 0; i < len(rs); {
		d := len(dst)
		for d > 0 && (dst[d-1] == '-' || dst[d-1] == 'ー') {
			d--
		}
		if d > 0 && isASCIIDigit(dst[d-1]) {
			if m := blockMarker(rs, i); m > 0 {
				dst = dst[:d]
				i += m
				if i+1 < len(rs) && (rs[i] == 'の' || rs[i] == 'ノ' || rs[i] == '-') && isASCIIDigit(rs[i+1]) {
					i++
				}
				if i < len(rs) && isASCIIDigit(rs[i]) {
					dst = append(dst, '-')
				}
				continue
			}
			if rs[i] == 'の' || rs[i] == 'ノ' || rs[i] == '一' {
				j := i + 1
				for j < len(rs) && (rs[j] == '-' || rs[j] == 'ー') {
					j++
				}
				if j < len(rs) && isASCIIDigit(rs[j]) {
					dst = append(dst[:d], '-')
					i = j
					continue
				}
			}
		}
		dst = append(dst, rs[i])
		i++
	}
	return dst
}

// placeNameKana writes, in place, the kana that join the kanji of place
// names in one form: ヶ, ケ, ヵ, が and ガ between kanji as ケ, and の and ノ
// between kanji as ノ.
func placeNameKana(rs []rune) {
	for i := 1; i+1 < len(rs); i++ {
		switch rs[i] {
		case 'ヶ', 'ケ', 'ヵ', 'が', 'ガ':
			if isHan(rs[i-1]) && isHan(rs[i+1]) {
				rs[i] = 'ケ'
			}
		case 'の', 'ノ':
			if isHan(rs[i-1]) && isHan(rs[i+1]) {
				rs[i] = 'ノ'
			}
		}
	}
}

// keepDigitDashes appends rs to dst keeping a run of dashes, as one "-",
// only between two digits. A ー right after a digit (or after such a dash)
// is a dash too: the prolonged sound mark typed for one.
func keepDigitDashes(dst, rs []rune) []rune {
	for i := 0; i < len(rs); {
		afterDigit := len(dst) > 0 && isASCIIDigit(dst[len(dst)-1])
		if rs[i] != '-' && (rs[i] != 'ー' || !afterDigit) {
			dst = append(dst, rs[i])
			i++
			continue
		}
		j := i + 1
		for j < len(rs) && (rs[j] == '-' || rs[j] == 'ー' && afterDigit) {
			j++
		}
		if afterDigit && j < len(rs) && isASCIIDigit(rs[j]) {
			dst = append(dst, '-')
		}
		i = j
	}
	return dst
}

// latinAddressKey writes a folded address in Latin letters in comparable
// form: letters and digits lower-cased, anything else as one space between
// them, but a dash between two digits kept.
func latinAddressKey(s string) string {
	b := make([]byte, 0, len(s))
	space := false
	for i := 0; i < len(s); {
		r, n := rune(s[i]), 1
		if r >= utf8.RuneSelf {
			r, n = utf8.DecodeRuneInString(s[i:])
		}
		i += n
		switch {
		case unicode.IsLetter(r), unicode.IsDigit(r):
			if space && len(b) > 0 {
				b = append(b, ' ')
			}
			space = false
			b = utf8.AppendRune(b, unicode.ToLower(r))
		case isDash(r) && !space && len(b) > 0 && b[len(b)-1] >= '0' && b[len(b)-1] <= '9' &&
			i < len(s) && s[i] >= '0' && s[i] <= '9':
			b = append(b, '-')
		default:
			space = true
		}
	}
	return string(b)
}
