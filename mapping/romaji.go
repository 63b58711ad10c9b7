package mapping

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// kataRomaji is the Hepburn spelling of each katakana from ァ (U+30A1) to
// ヺ (U+30FA); small kana standing alone read as their full-size forms. ッ
// has no spelling of its own: it doubles the next consonant.
var kataRomaji = [0x30FA - 0x30A1 + 1]string{
	"a", "a", "i", "i", "u", "u", "e", "e", "o", "o", // ァアィイゥウェエォオ
	"ka", "ga", "ki", "gi", "ku", "gu", "ke", "ge", "ko", "go", // カ–ゴ
	"sa", "za", "shi", "ji", "su", "zu", "se", "ze", "so", "zo", // サ–ゾ
	"ta", "da", "chi", "ji", "", "tsu", "zu", "te", "de", "to", "do", // タ–ド
	"na", "ni", "nu", "ne", "no", // ナ–ノ
	"ha", "ba", "pa", "hi", "bi", "pi", "fu", "bu", "pu", "he", "be", "pe", "ho", "bo", "po", // ハ–ポ
	"ma", "mi", "mu", "me", "mo", // マ–モ
	"ya", "ya", "yu", "yu", "yo", "yo", // ャヤュユョヨ
	"ra", "ri", "ru", "re", "ro", // ラ–ロ
	"wa", "wa", "i", "e", "o", "n", "vu", "ka", "ke", "va", "vi", "ve", "vo", // ヮワヰヱヲンヴヵヶヷヸヹヺ
}

// halfKana maps the half-width katakana ｦ (U+FF66) to ﾝ (U+FF9D) to their
// full-width forms.
var halfKana = [0xFF9D - 0xFF66 + 1]rune{
	'ヲ', 'ァ', 'ィ', 'ゥ', 'ェ', 'ォ', 'ャ', 'ュ', 'ョ', 'ッ',
	'ー', 'ア', 'イ', 'ウ', 'エ', 'オ', 'カ', 'キ', 'ク', 'ケ',
	'コ', 'サ', 'シ', 'ス', 'セ', 'ソ', 'タ', 'チ', 'ツ', 'テ',
	'ト', 'ナ', 'ニ', 'ヌ', 'ネ', 'ノ', 'ハ', 'ヒ', 'フ', 'ヘ',
	'ホ', 'マ', 'ミ', 'ム', 'メ', 'モ', 'ヤ', 'ユ', 'ヨ', 'ラ',
	'リ', 'ル', 'レ', 'ロ', 'ワ', 'ン',
}

// ainuKana maps the small katakana ㇰ (U+31F0) to ㇿ (U+31FF), written for
// Ainu, to the katakana they are small forms of.
var ainuKana = [16]rune{
	'ク', 'シ', 'ス', 'ト', 'ヌ', 'ハ', 'ヒ', 'フ',
	'ヘ', 'ホ', 'ム', 'ラ', 'リ', 'ル', 'レ', 'ロ',
}

// voiced returns k with dakuten (ガ for カ), or 0 if it has none.
func voiced(k rune) rune {
	switch {
	case k >= 'カ' && k <= 'チ' && (k-'カ')%2 == 0, k == 'ツ' || k == 'テ' || k == 'ト':
		return k + 1
	case k >= 'ハ' && k <= 'ホ' && (k-'ハ')%3 == 0:
		return k + 1
	case k == 'ウ':
		return 'ヴ'
	case k >= 'ワ' && k <= 'ヲ':
		return k - 'ワ' + 'ヷ'
	case k == 'ヽ':
		return 'ヾ'
	}
	return 0
}

// semiVoiced returns k with handakuten (パ for ハ), or 0 if it has none.
func semiVoiced(k rune) rune {
	if k >= 'ハ' && k <= 'ホ' && (k-'ハ')%3 == 0 {
		return k + 2
	}
	return 0
}

// readKana reads the kana at s[i:] as a full-size katakana: hiragana and
// half-width katakana are folded, and a voicing mark that follows is
// composed with it (ｶﾞ, か゛ and か+U+3099 all read as ガ). It returns the
// katakana and the bytes read, or 0, 0 if s[i:] does not begin with kana.
// ゟ reads as itself.
func readKana(s string, i int) (rune, int) {
	r, n := utf8.DecodeRuneInString(s[i:])
	var k rune
	switch {
	case r >= 0x3041 && r <= 0x3096, r == 0x309D || r == 0x309E:
		k = r + 0x60
	case r == 0x309F:
		return r, n
	case r >= 0x30A1 && r <= 0x30FA, r >= 0x30FC && r <= 0x30FF:
		k = r
	case r >= 0xFF66 && r <= 0xFF9D:
		k = halfKana[r-0xFF66]
	case r >= 0x31F0 && r <= 0x31FF:
		k = ainuKana[r-0x31F0]
	default:
		return 0, 0
	}
	if i+n < len(s) && s[i+n] >= utf8.RuneSelf {
		m, mn := utf8.DecodeRuneInString(s[i+n:])
		var v rune
		switch m {
		case 0x3099, 0x309B, 0xFF9E:
			v = voiced(k)
		case 0x309A, 0x309C, 0xFF9F:
			v = semiVoiced(k)
		}
		if v != 0 {
			k, n = v, n+mn
		}
	}
	return k, n
}

// isVowel reports whether c is a lower-case ASCII vowel.
func isVowel(c byte) bool {
	return c == 'a' || c == 'i' || c == 'u' || c == 'e' || c == 'o'
}

// smallVowel returns the vowel of a small kana that combines with the kana
// before it (ャ → "a", ィ → "i"), and whether it is one of the small ya,
// yu, yo.
func smallVowel(k rune) (v string, y, ok bool) {
	switch k {
	case 'ャ':
		return "a", true, true
	case 'ュ':
		return "u", true, true
	case 'ョ':
		return "o", true, true
	case 'ァ', 'ヮ':
		return "a", false, true
	case 'ィ':
		return "i", false, true
	case 'ゥ':
		return "u", false, true
	case 'ェ':
		return "e", false, true
	case 'ォ':
		return "o", false, true
	}
	return "", false, false
}

// combine spells the kana k (spelled rom) followed by the small kana sm as
// one syllable, in three parts to write one after the other: キャ → "ky",
// "", "a"; シャ → "sh", "", "a"; ファ → "f", "", "a"; ウィ → "w", "", "i";
// クァ → "k", "w", "a". ok is false when they do not combine (a vowel
// followed by a small kana, or ン).
func combine(k rune, rom string, sm rune) (stem, mid, vowel string, ok bool) {
	v, y, ok := smallVowel(sm)
	if !ok {
		return "", "", "", false
	}
	switch {
	case sm == 'ヮ':
		if k == 'ク' || k == 'グ' {
			return rom[:1], "w", v, true
		}
		return "", "", "", false
	case k == 'ウ' && !y:
		return "w", "", v, true
	case k == 'イ' && sm == 'ェ':
		return "y", "", v, true
	case len(rom) < 2 || !isVowel(rom[len(rom)-1]):
		return "", "", "", false
	}
	stem = rom[:len(rom)-1]
	switch {
	case stem == "sh" || stem == "ch" || stem == "j":
		return stem, "", v, true
	case y:
		return stem, "y", v, true
	case (k == 'ク' || k == 'グ') && sm != 'ゥ':
		return stem, "w", v, true
	case rom[len(rom)-1] == 'i' && sm == 'ェ':
		return stem, "y", v, true
	}
	return stem, "", v, true
}

// KanaToRomaji spells kana in Hepburn, in lower case: "サトウ タロウ" →
// "satou tarou". Hiragana, katakana and half-width katakana are read alike.
// Small ッ doubles the next consonant ("ハットリ" → "hattori", "tch" before
// ch); ー repeats the vowel before it ("サトー" → "satoo"); ン is "n";
// small ャュョ make yōon (キャ → "kya", シャ → "sha", チョ → "cho", ジュ →
// "ju") and small ァィゥェォ the newer sounds (ファ → "fa", ティ → "ti",
// ウィ → "wi", シェ → "she"); ヴ is "vu"; ゝゞヽヾ repeat the kana before
// them. Long vowels are not marked (no macrons). Everything that is not
// kana, the middle dot ・ included, passes through unchanged, so mixed text
// survives; invalid UTF-8 becomes U+FFFD.
func KanaToRomaji(s string) string {
	i := 0
	for i < len(s) && s[i] < utf8.RuneSelf {
		i++
	}
	if i == len(s) {
		return s
	}
	return string(appendRomaji(make([]byte, 0, len(s)+8), s))
}

// appendRomaji appends KanaToRomaji(s) to dst.
func appendRomaji(dst []byte, s string) []byte {
	sokuon := false // a small ッ waits to double the next consonant
	var last rune   // the last kana spelled, for the iteration marks
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			dst = append(dst, c)
			sokuon, last = false, 0
			i++
			continue
		}
		k, n := readKana(s, i)
		if n == 0 {
			r, m := utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && m == 1 {
				dst = append(dst, "\uFFFD"...)
			} else {
				dst = append(dst, s[i:i+m]...)
			}
			sokuon, last = false, 0
			i += m
			continue
		}
		i += n
		var rom string
		switch k {
		case 'ッ':
			sokuon = true
			continue
		case 'ー':
			if l := len(dst); l > 0 && isVowel(dst[l-1]) {
				dst = append(dst, dst[l-1])
			}
			sokuon = false
			continue
		case 'ヽ':
			k = last
		case 'ヾ':
			if v := voiced(last); v != 0 {
				k = v
			} else {
				k = last
			}
		case 'ヿ':
			rom = "koto"
		case 'ゟ':
			rom = "yori"
		}
		if rom != "" {
			dst = appendSyllable(dst, rom, "", "", sokuon)
			sokuon, last = false, 0
			continue
		}
		if k == 0 {
			sokuon = false
			continue
		}
		rom = kataRomaji[k-0x30A1]
		var mid, vowel string
		if i < len(s) && s[i] >= utf8.RuneSelf {
			if sm, sn := readKana(s, i); sn > 0 {
				if st, md, v, ok := combine(k, rom, sm); ok {
					rom, mid, vowel = st, md, v
					i += sn
				}
			}
		}
		dst = appendSyllable(dst, rom, mid, vowel, sokuon)
		sokuon, last = false, k
	}
	return dst
}

// appendSyllable writes a syllable spelled in up to three parts, doubling
// its first consonant after a small ッ ("t" before "ch").
func appendSyllable(dst []byte, a, b, c string, sokuon bool) []byte {
	if sokuon && a != "" && !isVowel(a[0]) {
		if strings.HasPrefix(a, "ch") {
			dst = append(dst, 't')
		} else {
			dst = append(dst, a[0])
		}
	}
	dst = append(dst, a...)
	dst = append(dst, b...)
	return append(dst, c...)
}

// RomajiKey returns a canonical reading for comparing names spelled in kana
// or Latin letters, so that variants of one reading meet. The text is
// folded (Fold), kana are spelled with KanaToRomaji, letters are lower-cased
// and stripped of macrons, circumflexes and other accents (ō ô → o, ü → u,
// ß → ss), and spelling variants of Hepburn, Kunrei and Nihon-shiki are
// collapsed to one spelling:
//
//   - shi/si → si, chi/ti → ti, tsu/tu → tu, fu/hu → hu, ji/zi/di → zi
//   - sha/sya → sya, cha/tya/cya → tya, ja/jya/zya/dya → zya, and likewise
//     with u, o and e
//   - long vowels: ou, oo and oh (when a consonant or the end of a token
//     follows) → o; uu → u, aa → a, ii → i, ee → e
//   - nn → n, and m before b, m or p → n (Homma, Honma → honma)
//   - other double consonants are kept (hattori)
//
// Everything that is not a letter a–z is dropped, except that token
// boundaries (spaces, commas, ・ and other middle dots, hyphens, = and ゠
// between names) become one ASCII space, and letters of scripts without a
// reading here (kanji, hangul, Cyrillic, ...) pass through, lower-cased. The
// result is trimmed.
//
// So "さとう たろう", "ｻﾄｳ ﾀﾛｳ", "Satou Tarou", "SATO TARO", "Satoh Taro"
// and "Satō Tarō" all give "sato taro". Western names are just lower-cased
// and collapsed by the same rules, so their spellings in different cases
// meet. RomajiKey(RomajiKey(s)) == RomajiKey(s).
func RomajiKey(s string) string {
	return romajiKeyFolded(foldKana(s))
}

// romajiKeyFolded is RomajiKey of a text already folded with foldKana.
func romajiKeyFolded(s string) string {
	if s == "" {
		return ""
	}
	var buf1, buf2, buf3 [128]byte
	rom := s
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			rom = string(appendRomaji(buf1[:0], s))
			break
		}
	}
	letters := appendLetters(buf2[:0], rom)
	key := collapseRomaji(buf3[:0], letters)
	for len(key) > 0 && key[len(key)-1] == ' ' {
		key = key[:len(key)-1]
	}
	k := string(key)
	if hasJamoVowelOrFinal(k) {
		// Dropping marks and punctuation can leave hangul jamo side by
		// side, which NFKC composes; compose them so that the key is a
		// fixed point.
		return norm.NFKC.String(k)
	}
	return k
}

// hasJamoVowelOrFinal reports whether s has a hangul vowel or final
// consonant jamo (U+1160–U+11FF, U+D7B0–U+D7FF), the only letters that
// compose with the letter before them. The keys, built from NFKC text by
// dropping marks and punctuation, need NFKC again only when they have one.
func hasJamoVowelOrFinal(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < utf8.RuneSelf {
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if r >= 0x1160 && r <= 0x11FF || r >= 0xD7B0 && r <= 0xD7FF {
			return true
		}
		i += n - 1
	}
	return false
}

// appendLetters appends the letters of s to dst for RomajiKey: ASCII
// letters lower-cased, accented Latin letters without their accents, other
// letters (kanji, hangul, ...) lower-cased, kana and everything else
// dropped, and each run of token boundaries as one space between letters.
func appendLetters(dst []byte, s string) []byte {
	space := false
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			i++
			switch {
			case 'a' <= c && c <= 'z':
			case 'A' <= c && c <= 'Z':
				c += 'a' - 'A'
			case c == ' ' || c == ',' || c == '-' || c == '=' || c == '\t':
				space = true
				continue
			default:
				continue
			}
			if space && len(dst) > 0 {
				dst = append(dst, ' ')
			}
			space = false
			dst = append(dst, c)
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		i += n
		switch {
		case isTokenBoundary(r):
			space = true
			continue
		case isKanaRune(r):
			continue
		case r < 0x250 || (r >= 0x1E00 && r <= 0x1EFF) || unicode.Is(unicode.Latin, r):
			l := len(dst)
			if space && l > 0 {
				dst = append(dst, ' ')
			}
			m := len(dst)
			if dst = appendLatinBase(dst, r); len(dst) == m {
				dst = dst[:l] // not a letter
				continue
			}
			space = false
		case unicode.IsLetter(r):
			if space && len(dst) > 0 {
				dst = append(dst, ' ')
			}
			space = false
			dst = utf8.AppendRune(dst, unicode.ToLower(r))
		}
	}
	return dst
}

// isTokenBoundary reports whether r separates the names of a person:
// white space, commas, middle dots, hyphens and the double hyphens used
// between the names of foreigners written in katakana.
func isTokenBoundary(r rune) bool {
	switch r {
	case ' ', ',', '-', '=', '、', '，', '､', // commas
		'・', '･', '·', '‧', '•', '∙', // middle dots
		'‐', '‑', '‒', '–', '—', '―', '−', '﹣', '－', // hyphens
		'゠', '＝':
		return true
	}
	return unicode.IsSpace(r)
}

// latinSpecial spells the Latin letters that have no decomposition into an
// ASCII letter and a mark.
var latinSpecial = map[rune]string{
	'ß': "ss", 'ẞ': "ss", 'æ': "ae", 'Æ': "ae", 'œ': "oe", 'Œ': "oe",
	'ø': "o", 'Ø': "o", 'đ': "d", 'Đ': "d", 'ð': "d", 'Ð': "d",
	'þ': "th", 'Þ': "th", 'ł': "l", 'Ł': "l", 'ı': "i", 'ħ': "h", 'Ħ': "h",
	'ŧ': "t", 'Ŧ': "t", 'ŋ': "n", 'Ŋ': "n", 'ĸ': "k",
}

// appendLatinBase appends the ASCII letters a Latin letter is written with,
// lower-cased and without accents (Ō → "o", ß → "ss"), or nothing if it has
// none.
func appendLatinBase(dst []byte, r rune) []byte {
	if sp, ok := latinSpecial[r]; ok {
		return append(dst, sp...)
	}
	var in, out [16]byte
	d := norm.NFD.Append(out[:0], utf8.AppendRune(in[:0], r)...)
	for _, c := range d {
		switch {
		case 'a' <= c && c <= 'z':
			dst = append(dst, c)
		case 'A' <= c && c <= 'Z':
			dst = append(dst, c+'a'-'A')
		}
	}
	return dst
}

// collapseRomaji rewrites the lower-case letters of t so that Hepburn,
// Kunrei and Nihon-shiki spellings of a reading meet (see RomajiKey). Bytes
// other than a–z (spaces, other letters) are copied and end a syllable.
func collapseRomaji(dst, t []byte) []byte {
	at := func(j int) byte {
		if j < len(t) {
			return t[j]
		}
		return 0
	}
	// vowel writes v unless it lengthens the vowel before it (aa, ii, uu,
	// ee, oo, ou).
	vowel := func(v byte) {
		if l := len(dst); l > 0 {
			p := dst[l-1]
			if p == v || (p == 'o' && v == 'u') {
				return
			}
		}
		dst = append(dst, v)
	}
	isYVowel := func(c byte) bool { return c == 'a' || c == 'u' || c == 'o' || c == 'e' }
	for i := 0; i < len(t); {
		c := t[i]
		if c < 'a' || c > 'z' {
			dst = append(dst, c)
			i++
			continue
		}
		n1, n2 := at(i+1), at(i+2)
		switch {
		case isVowel(c):
			vowel(c)
			i++
		case c == 's' && n1 == 'h' && n2 == 'i': // shi → si
			dst = append(dst, 's')
			vowel('i')
			i += 3
		case c == 's' && n1 == 'h' && isYVowel(n2): // sha → sya
			dst = append(dst, 's', 'y')
			vowel(n2)
			i += 3
		case c == 'c' && n1 == 'h' && n2 == 'i': // chi → ti
			dst = append(dst, 't')
			vowel('i')
			i += 3
		case c == 'c' && (n1 == 'h' || n1 == 'y') && isYVowel(n2): // cha, cya → tya
			dst = append(dst, 't', 'y')
			vowel(n2)
			i += 3
		case c == 't' && n1 == 's' && n2 == 'u': // tsu → tu
			dst = append(dst, 't')
			vowel('u')
			i += 3
		case c == 'f' && n1 == 'u' && !endsWithAny(dst, 's', 'c'): // fu → hu, unless that would spell sh, ch
			dst = append(dst, 'h')
			vowel('u')
			i += 2
		case (c == 'j' || c == 'd') && n1 == 'i': // ji, di → zi
			dst = append(dst, 'z')
			vowel('i')
			i += 2
		case c == 'j' && isYVowel(n1): // ja → zya
			dst = append(dst, 'z', 'y')
			vowel(n1)
			i += 2
		case (c == 'j' || c == 'd') && n1 == 'y' && isYVowel(n2): // jya, dya → zya
			dst = append(dst, 'z', 'y')
			vowel(n2)
			i += 3
		case c == 'm' && (n1 == 'b' || n1 == 'm' || n1 == 'p'): // Homma → honma
			if l := len(dst); l == 0 || dst[l-1] != 'n' {
				dst = append(dst, 'n')
			}
			i++
		case c == 'n': // nn → n
			if l := len(dst); l == 0 || dst[l-1] != 'n' {
				dst = append(dst, 'n')
			}
			i++
		case c == 'h' && len(dst) > 0 && dst[len(dst)-1] == 'o' && !isVowel(n1): // Satoh → sato
			i++
		default:
			dst = append(dst, c)
			i++
		}
	}
	return dst
}

// endsWithAny reports whether the last byte of b is a or c.
func endsWithAny(b []byte, a, c byte) bool {
	return len(b) > 0 && (b[len(b)-1] == a || b[len(b)-1] == c)
}
