package mapping

import (
	"math/rand/v2"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

func TestKatakana(t *testing.T) {
	tests := []struct{ in, want string }{
		{"さとう たろう", "サトウ タロウ"},
		{"サトウ タロウ", "サトウ タロウ"},
		{"ｻﾄｳ ﾀﾛｳ", "サトウ タロウ"},
		{"ｶﾞｯｺｳ", "ガッコウ"},
		{"ﾊﾟﾝ", "パン"},
		{"ﾎﾟﾝﾃﾞｨﾝｸﾞ", "ポンディング"},
		{"ｳﾞｧｲｵﾘﾝ", "ヴァイオリン"},
		{"ゔぁいおりん", "ヴァイオリン"},
		{"いすゞ", "イスヾ"},
		{"さゝき", "サヽキ"},
		{"ぁぃぅぇぉっゃゅょゎ", "ァィゥェォッャュョヮ"},
		{"ゕゖ", "ヵヶ"},
		{"か゛", "ガ"},            // spacing voicing mark after a kana
		{"は゜", "パ"},            // spacing semi-voicing mark
		{"か\u3099", "ガ"},       // combining voicing mark
		{"ｻﾄｳ　ﾀﾛｳ", "サトウ タロウ"}, // ideographic space
		{"  たなか   はなこ ", "タナカ ハナコ"},
		{"ヤマダ・ハナコ", "ヤマダ・ハナコ"},
		{"ｼﾞｮﾝ･ｽﾐｽ", "ジョン・スミス"},
		{"すずきー", "スズキー"},
		{"佐藤 たろう", "佐藤 タロウ"},
		{"Ｔａｒｏ", "Taro"},
		{"１２３", "123"},
		{"ゟ", "ヨリ"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := Katakana(tt.in); got != tt.want {
			t.Errorf("Katakana(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestIsKana(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{"さとう たろう", true},
		{"サトウ タロウ", true},
		{"ｻﾄｳ ﾀﾛｳ", true},
		{"サトウ　タロウ", true},
		{"ジョン・スミス", true},
		{"ｼﾞｮﾝ･ｽﾐｽ", true},
		{"スズキー", true},
		{"いすゞ", true},
		{"ヴァイオリン", true},
		{"か゛", true},
		{"ㇰㇱ", true}, // Ainu small katakana
		{"ー", false},
		{"・", false},
		{"", false},
		{"   ", false},
		{"佐藤", false},
		{"佐藤 タロウ", false},
		{"Sato", false},
		{"サトウ1", false},
		{"サトウ(タロウ)", false},
		{"々", false},
	}
	for _, tt := range tests {
		if got := IsKana(tt.in); got != tt.want {
			t.Errorf("IsKana(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

// foldReference is Fold as first written; Fold now skips the work when the
// text needs none, and must still agree with it.
func foldReference(s string) string {
	s = norm.NFKC.String(s)
	return strings.Join(strings.FieldsFunc(s, unicode.IsSpace), " ")
}

func TestFold_AgreesWithReference(t *testing.T) {
	for _, s := range []string{
		"", " ", "a", " a", "a ", "a  b", "a\tb", "a\u3000b", "ａ　ｂ", "\u00a0x\u2028y\u0085",
		"佐藤 太郎", "佐藤\n太郎", "ｻﾄｳ", "x\u200by", "a \u0301", "\u1680a",
	} {
		if got, want := Fold(s), foldReference(s); got != want {
			t.Errorf("Fold(%q) = %q, want %q", s, got, want)
		}
	}
	if got := Fold("a\xffb"); got != "a\uFFFDb" {
		t.Errorf("Fold of invalid UTF-8 = %q, want U+FFFD in its place", got)
	}
}

func FuzzKatakana(f *testing.F) {
	for _, s := range []string{
		"さとう たろう", "ｻﾄｳ ﾀﾛｳ", "ｶﾞｯｺｳ", "か゛", "ゔ", "いすゞ", "佐藤 たろう", "Ｔａｒｏ",
		"ﾞ", "゛゛", "\u3099", "a\u00a0b", "",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		k := Katakana(s)
		if !utf8.ValidString(k) {
			t.Fatalf("Katakana(%q) = %q, not UTF-8", s, k)
		}
		if again := Katakana(k); again != k {
			t.Fatalf("Katakana(%q) = %q, but Katakana of that = %q", s, k, again)
		}
		for _, r := range k {
			if r >= 0x3041 && r <= 0x3096 {
				t.Fatalf("Katakana(%q) = %q keeps hiragana %q", s, k, r)
			}
		}
		if IsKana(s) && !IsKana(k) {
			t.Fatalf("IsKana(%q) but not IsKana(Katakana) = %q", s, k)
		}
		if utf8.ValidString(s) {
			if got, want := Fold(s), foldReference(s); got != want {
				t.Fatalf("Fold(%q) = %q, want %q", s, got, want)
			}
		}
	})
}

// generate writes a text of 1 to n pieces drawn from alphabet. Tests that
// check invariants on many generated texts use it: the fuzzer mutates
// bytes, and rarely builds the sequences of kana, kanji and marks that
// trip the normalizers, while pieces do.
func generate(r *rand.Rand, alphabet []string, n int) string {
	var b strings.Builder
	for range r.IntN(n) + 1 {
		b.WriteString(alphabet[r.IntN(len(alphabet))])
	}
	return b.String()
}
