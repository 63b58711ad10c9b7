package eval

import (
	"strings"

	"golang.org/x/text/unicode/norm"
)

// Romanisation styles seen in Japanese customer data.
const (
	styleHepburn = iota // passport Hepburn, long vowels dropped: Sato, Ono, Yuki, Shinji
	styleOH             // long o written "oh": Satoh, Ohno (u-u still dropped: Yuki)
	styleWapuro         // as typed on a keyboard: Satou, Oono, Yuuki
	styleKunrei         // 訓令式 without circumflex: Sato, Sinzi, Tiaki
	numStyles
)

// mora holds the Hepburn and Kunrei spelling of one katakana.
var mora = map[rune][2]string{
	'ア': {"a", "a"}, 'イ': {"i", "i"}, 'ウ': {"u", "u"}, 'エ': {"e", "e"}, 'オ': {"o", "o"},
	'カ': {"ka", "ka"}, 'キ': {"ki", "ki"}, 'ク': {"ku", "ku"}, 'ケ': {"ke", "ke"}, 'コ': {"ko", "ko"},
	'サ': {"sa", "sa"}, 'シ': {"shi", "si"}, 'ス': {"su", "su"}, 'セ': {"se", "se"}, 'ソ': {"so", "so"},
	'タ': {"ta", "ta"}, 'チ': {"chi", "ti"}, 'ツ': {"tsu", "tu"}, 'テ': {"te", "te"}, 'ト': {"to", "to"},
	'ナ': {"na", "na"}, 'ニ': {"ni", "ni"}, 'ヌ': {"nu", "nu"}, 'ネ': {"ne", "ne"}, 'ノ': {"no", "no"},
	'ハ': {"ha", "ha"}, 'ヒ': {"hi", "hi"}, 'フ': {"fu", "hu"}, 'ヘ': {"he", "he"}, 'ホ': {"ho", "ho"},
	'マ': {"ma", "ma"}, 'ミ': {"mi", "mi"}, 'ム': {"mu", "mu"}, 'メ': {"me", "me"}, 'モ': {"mo", "mo"},
	'ヤ': {"ya", "ya"}, 'ユ': {"yu", "yu"}, 'ヨ': {"yo", "yo"},
	'ラ': {"ra", "ra"}, 'リ': {"ri", "ri"}, 'ル': {"ru", "ru"}, 'レ': {"re", "re"}, 'ロ': {"ro", "ro"},
	'ワ': {"wa", "wa"}, 'ヰ': {"i", "i"}, 'ヱ': {"e", "e"}, 'ヲ': {"o", "o"}, 'ン': {"n", "n"},
	'ガ': {"ga", "ga"}, 'ギ': {"gi", "gi"}, 'グ': {"gu", "gu"}, 'ゲ': {"ge", "ge"}, 'ゴ': {"go", "go"},
	'ザ': {"za", "za"}, 'ジ': {"ji", "zi"}, 'ズ': {"zu", "zu"}, 'ゼ': {"ze", "ze"}, 'ゾ': {"zo", "zo"},
	'ダ': {"da", "da"}, 'ヂ': {"ji", "zi"}, 'ヅ': {"zu", "zu"}, 'デ': {"de", "de"}, 'ド': {"do", "do"},
	'バ': {"ba", "ba"}, 'ビ': {"bi", "bi"}, 'ブ': {"bu", "bu"}, 'ベ': {"be", "be"}, 'ボ': {"bo", "bo"},
	'パ': {"pa", "pa"}, 'ピ': {"pi", "pi"}, 'プ': {"pu", "pu"}, 'ペ': {"pe", "pe"}, 'ポ': {"po", "po"},
	'ヴ': {"vu", "vu"},
	'ァ': {"a", "a"}, 'ィ': {"i", "i"}, 'ゥ': {"u", "u"}, 'ェ': {"e", "e"}, 'ォ': {"o", "o"},
}

// syllables splits a katakana reading into romanised syllables, combining
// 拗音 (キャ, シュ, ジョ), 促音 (ッ) and the long mark (ー). kunrei selects the
// Kunrei consonants.
func syllables(kana string, kunrei bool) []string {
	col := 0
	if kunrei {
		col = 1
	}
	rs := []rune(kana)
	out := make([]string, 0, len(rs))
	double := false
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		switch r {
		case 'ッ':
			double = true
			continue
		case 'ー':
			if n := len(out); n > 0 {
				prev := out[n-1]
				out = append(out, prev[len(prev)-1:])
			}
			continue
		}
		m, ok := mora[r]
		if !ok {
			continue
		}
		s := m[col]
		if i+1 < len(rs) {
			switch next := rs[i+1]; next {
			case 'ャ', 'ュ', 'ョ':
				v := map[rune]string{'ャ': "a", 'ュ': "u", 'ョ': "o"}[next]
				switch {
				case s == "ji":
					s = "j" + v
				case strings.HasPrefix(s, "sh") || strings.HasPrefix(s, "ch"):
					s = s[:2] + v
				default:
					s = s[:len(s)-1] + "y" + v
				}
				i++
			case 'ァ', 'ィ', 'ェ', 'ォ':
				s = s[:len(s)-1] + mora[next][0]
				i++
			}
		}
		if double {
			if strings.HasPrefix(s, "ch") {
				s = "t" + s
			} else {
				s = s[:1] + s
			}
			double = false
		}
		out = append(out, s)
	}
	return out
}

// romanize spells a katakana reading in lower-case romaji in the given style.
func romanize(kana string, style int) string {
	syl := syllables(kana, style == styleKunrei)
	var b strings.Builder
	for i := 0; i < len(syl); i++ {
		s := syl[i]
		b.WriteString(s)
		if i+1 >= len(syl) {
			continue
		}
		next := syl[i+1]
		last := s[len(s)-1]
		long := (last == 'o' && (next == "u" || next == "o")) || (last == 'u' && next == "u")
		if !long {
			continue
		}
		switch style {
		case styleWapuro:
			// written out as typed
		case styleOH:
			if last == 'o' {
				b.WriteByte('h')
			}
			i++
		default:
			i++
		}
	}
	return b.String()
}

// toHiragana maps katakana to hiragana, leaving everything else alone.
func toHiragana(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		if r >= 'ァ' && r <= 'ヶ' {
			r -= 'ァ' - 'ぁ'
		}
		b.WriteRune(r)
	}
	return b.String()
}

// halfKana maps full-width katakana to half-width; voiced kana are written
// base + ﾞ or ﾟ, as half-width katakana has no precomposed forms.
var halfKana = func() map[rune]rune {
	const full = "ヲァィゥェォャュョッーアイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワン"
	m := make(map[rune]rune, 64)
	h := rune(0xFF66) // ｦ
	for _, r := range full {
		m[r] = h
		h++
	}
	m['\u3099'] = 'ﾞ' // combining dakuten
	m['\u309A'] = 'ﾟ' // combining handakuten
	m['　'] = ' '
	return m
}()

// toHalfwidth writes katakana in half-width form: サトウ → ｻﾄｳ, ガ → ｶﾞ.
func toHalfwidth(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range norm.NFD.String(s) {
		if h, ok := halfKana[r]; ok {
			r = h
		}
		b.WriteRune(r)
	}
	return b.String()
}

// toFullwidth writes ASCII in full-width form (０９０－１２３４, ｔａｒｏ＠).
func toFullwidth(s string) string {
	var b strings.Builder
	b.Grow(len(s) * 3)
	for _, r := range s {
		switch {
		case r == ' ':
			r = '　'
		case r > ' ' && r <= '~':
			r += 0xFEE0
		}
		b.WriteRune(r)
	}
	return b.String()
}

// voicedPairs and lookalikes are the one-character slips people make when
// typing kana: a dropped or added 濁点, a small/large kana, a kana of similar
// shape.
var (
	voicedPairs = pairMap("カガキギクグケゲコゴサザシジスズセゼソゾタダチヂツヅテデトドハバヒビフブヘベホボ")
	lookalikes  = pairMap("シツソンクケウワヌスチテヨョツッユュヤャ")
)

func pairMap(s string) map[rune]rune {
	rs := []rune(s)
	m := make(map[rune]rune, len(rs))
	for i := 0; i+1 < len(rs); i += 2 {
		m[rs[i]], m[rs[i+1]] = rs[i+1], rs[i]
	}
	return m
}

func init() {
	for i := range families {
		f := &families[i]
		f.hira, f.half = toHiragana(f.kana), toHalfwidth(f.kana)
		for s := range numStyles {
			f.roma[s] = romanize(f.kana, s)
			if f.romaji != "" {
				f.roma[s] = f.romaji
			}
		}
	}
	for i := range givens {
		g := &givens[i]
		g.hira, g.half = toHiragana(g.kana), toHalfwidth(g.kana)
		for s := range numStyles {
			g.roma[s] = romanize(g.kana, s)
		}
	}
}
