package mapping

import (
	"math/rand/v2"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestParseName(t *testing.T) {
	satoTaro := PersonName{
		Family: "佐藤", Given: "太郎", FamilyReading: "sato", GivenReading: "taro",
		Full: "佐藤太郎", FullReading: "satotaro", OrderKnown: true,
	}
	tests := []struct {
		name                      string
		full, family, given, kana string
		want                      PersonName
	}{
		{"full name with kana", "佐藤 太郎", "", "", "サトウ タロウ", satoTaro},
		{"separate fields with hiragana", "", "佐藤", "太郎", "さとう たろう", satoTaro},
		{"ideographic space and half-width kana", "佐藤　太郎", "", "", "ｻﾄｳ ﾀﾛｳ", satoTaro},
		{"fields win over the full name", "Taro Sato", "佐藤", "太郎", "サトウ タロウ", satoTaro},
		{"honorific token", "佐藤 太郎 様", "", "", "サトウ タロウ", satoTaro},
		{"honorific attached", "佐藤 太郎様", "", "", "サトウ タロウ", satoTaro},
		{"honorific in a field", "", "佐藤", "太郎さん", "サトウ タロウ", satoTaro},
		{"honorific after the kana", "佐藤 太郎", "", "", "サトウ タロウ サマ", satoTaro},
		{"reading in parentheses", "佐藤 太郎（サトウ タロウ）", "", "", "", satoTaro},
		{"comma in Japanese", "佐藤、太郎", "", "", "サトウ タロウ", satoTaro},
		{"kana written long", "佐藤 太郎", "", "", "サトー タロー", satoTaro},
		{"variant kanji", "髙橋 一郎", "", "", "", PersonName{
			Family: "高橋", Given: "一郎", Full: "高橋一郎", OrderKnown: true,
		}},
		{"variant kanji in fields", "", "齋藤", "眞一", "", PersonName{
			Family: "斎藤", Given: "真一", Full: "斎藤真一", OrderKnown: true,
		}},
		{"kanji without kana has no reading", "渡邊 健", "", "", "", PersonName{
			Family: "渡辺", Given: "健", Full: "渡辺健", OrderKnown: true,
		}},
		{"no space: full only", "佐藤太郎", "", "", "", PersonName{Full: "佐藤太郎"}},
		{"no space with kana of two tokens", "佐藤太郎", "", "", "サトウ タロウ", PersonName{
			Full: "佐藤太郎", FamilyReading: "sato", GivenReading: "taro", FullReading: "satotaro",
		}},
		{"kana of one token", "佐藤 太郎", "", "", "サトウタロウ", PersonName{
			Family: "佐藤", Given: "太郎", Full: "佐藤太郎", FullReading: "satotaro", OrderKnown: true,
		}},
		{"kana name", "さとう たろう", "", "", "", PersonName{
			Family: "サトウ", Given: "タロウ", FamilyReading: "sato", GivenReading: "taro",
			Full: "サトウタロウ", FullReading: "satotaro", OrderKnown: true,
		}},
		{"half-width kana name", "ｻﾄｳ ﾀﾛｳ", "", "", "", PersonName{
			Family: "サトウ", Given: "タロウ", FamilyReading: "sato", GivenReading: "taro",
			Full: "サトウタロウ", FullReading: "satotaro", OrderKnown: true,
		}},
		{"Latin name, order unknown", "Taro Sato", "", "", "", PersonName{
			Family: "sato", Given: "taro", FamilyReading: "sato", GivenReading: "taro",
			Full: "tarosato", FullReading: "tarosato",
		}},
		{"Latin name in capitals, order unknown", "SATO TARO", "", "", "", PersonName{
			Family: "taro", Given: "sato", FamilyReading: "taro", GivenReading: "sato",
			Full: "satotaro", FullReading: "satotaro",
		}},
		{"Latin name with comma", "Sato, Taro", "", "", "", PersonName{
			Family: "sato", Given: "taro", FamilyReading: "sato", GivenReading: "taro",
			Full: "satotaro", FullReading: "satotaro", OrderKnown: true,
		}},
		{"Latin name with title", "Mr. Taro Sato", "", "", "", PersonName{
			Family: "sato", Given: "taro", FamilyReading: "sato", GivenReading: "taro",
			Full: "tarosato", FullReading: "tarosato",
		}},
		{"title attached", "Dr.Sophie Martin", "", "", "", PersonName{
			Family: "martin", Given: "sophie", FamilyReading: "martin", GivenReading: "sophie",
			Full: "sophiemartin", FullReading: "sophiemartin",
		}},
		{"title without dot", "MS Sophie Martin", "", "", "", PersonName{
			Family: "martin", Given: "sophie", FamilyReading: "martin", GivenReading: "sophie",
			Full: "sophiemartin", FullReading: "sophiemartin",
		}},
		{"Hepburn with macrons", "Satō Tarō", "", "", "", PersonName{
			Family: "tarō", Given: "satō", FamilyReading: "taro", GivenReading: "sato",
			Full: "satōtarō", FullReading: "satotaro",
		}},
		{"three Latin tokens", "Mary Jane Watson", "", "", "", PersonName{
			Family: "watson", Given: "mary", FamilyReading: "watson", GivenReading: "mary",
			Full: "maryjanewatson", FullReading: "maryzyanewatson", // ja → zya, as for Japanese
		}},
		{"Latin fields", "", "Sato", "Taro", "", PersonName{
			Family: "sato", Given: "taro", FamilyReading: "sato", GivenReading: "taro",
			Full: "satotaro", FullReading: "satotaro", OrderKnown: true,
		}},
		{"family field only", "", "佐藤", "", "サトウ", PersonName{
			Family: "佐藤", FamilyReading: "sato", Full: "佐藤", FullReading: "sato", OrderKnown: true,
		}},
		{"given field only", "", "", "太郎", "", PersonName{
			Given: "太郎", Full: "太郎", OrderKnown: true,
		}},
		{"kana in one field, kanji in the other", "", "佐藤", "たろう", "", PersonName{
			Family: "佐藤", Given: "タロウ", GivenReading: "taro", Full: "佐藤タロウ", OrderKnown: true,
		}},
		{"kana field holding kanji is ignored", "佐藤 太郎", "", "", "佐藤 太郎", PersonName{
			Family: "佐藤", Given: "太郎", Full: "佐藤太郎", OrderKnown: true,
		}},
		{"kana field in romaji", "佐藤 太郎", "", "", "Sato Taro", satoTaro},
		{"three Japanese tokens: full only", "佐藤 太郎 次郎", "", "", "", PersonName{Full: "佐藤太郎次郎"}},
		{"foreign name in katakana", "ジョン・スミス", "", "", "", PersonName{
			Full: "ジョンスミス", FullReading: "zyonsumisu",
		}},
		{"company honorific", "株式会社ナヨセ 御中", "", "", "", PersonName{
			Full: "株式会社ナヨセ",
		}},
		{"honorific alone", "様", "", "", "", PersonName{}},
		{"nothing", "", "", "", "", PersonName{}},
		{"only spaces", "　 ", " ", "", " ", PersonName{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ParseName(tt.full, tt.family, tt.given, tt.kana); got != tt.want {
				t.Errorf("ParseName(%q, %q, %q, %q) =\n%+v, want\n%+v", tt.full, tt.family, tt.given, tt.kana, got, tt.want)
			}
		})
	}
}

func TestParseName_SpellingsOfOneNameAgree(t *testing.T) {
	type args struct{ full, family, given, kana string }
	groups := [][]args{
		{
			{"佐藤 太郎", "", "", "サトウ タロウ"},
			{"", "佐藤", "太郎", "さとう たろう"},
			{"佐藤　太郎 様", "", "", "ｻﾄｳ ﾀﾛｳ"},
			{"佐藤太郎", "佐藤", "太郎", "サトウ　タロウ"},
		},
		{
			{"斎藤 一", "", "", "サイトウ ハジメ"},
			{"齋藤 一", "", "", "サイトウ ハジメ"},
			{"", "齊藤", "一", "さいとう はじめ"},
		},
		{
			{"渡辺 健", "", "", ""},
			{"渡邊 健", "", "", ""},
			{"渡邉　健", "", "", ""},
			{"", "渡辺", "健", ""},
		},
	}
	for _, g := range groups {
		first := ParseName(g[0].full, g[0].family, g[0].given, g[0].kana)
		for _, a := range g[1:] {
			if got := ParseName(a.full, a.family, a.given, a.kana); got != first {
				t.Errorf("ParseName(%q, %q, %q, %q) =\n%+v, want as for %q:\n%+v", a.full, a.family, a.given, a.kana, got, g[0].full, first)
			}
		}
	}
	// Readings meet across scripts even where the script forms cannot.
	readings := [][2]string{
		{"Taro Sato", "たろう さとう"},
		{"Satoh Akira", "サトウ アキラ"},
		{"Kan Nao", "カンナオ"},
		{"Ohno Yuuki", "オオノ ユウキ"},
	}
	for _, r := range readings {
		a, b := ParseName(r[0], "", "", ""), ParseName(r[1], "", "", "")
		if a.FullReading != b.FullReading {
			t.Errorf("FullReading of %q = %q, of %q = %q, want equal", r[0], a.FullReading, r[1], b.FullReading)
		}
	}
}

func TestParseName_IsZero(t *testing.T) {
	if !ParseName("", "", "", "").IsZero() {
		t.Error("ParseName of nothing is not zero")
	}
	if ParseName("佐藤", "", "", "").IsZero() {
		t.Error("ParseName(佐藤) is zero")
	}
	if ParseName("", "", "", "サトウ").IsZero() {
		t.Error("ParseName of a reading alone is zero")
	}
}

func FuzzParseName(f *testing.F) {
	for _, a := range [][4]string{
		{"佐藤 太郎", "", "", "サトウ タロウ"},
		{"", "佐藤", "太郎", "さとう たろう"},
		{"Taro Sato", "", "", ""},
		{"Sato, Taro", "", "", ""},
		{"Mr.Sato", "", "", ""},
		{"佐藤 太郎（サトウ タロウ）", "", "", ""},
		{"様", "様", "さん", "サマ"},
		{",", ",", "、", ","},
		{"髙橋 一郎", "", "", ""},
	} {
		f.Add(a[0], a[1], a[2], a[3])
	}
	f.Fuzz(func(t *testing.T, full, family, given, kana string) {
		checkPersonName(t, full, family, given, kana)
	})
}

func BenchmarkParseName(b *testing.B) {
	inputs := [][4]string{
		{"佐藤 太郎", "", "", "サトウ タロウ"},
		{"", "髙橋", "一郎", "ﾀｶﾊｼ ｲﾁﾛｳ"},
		{"Taro Sato", "", "", ""},
		{"山田花子様", "", "", ""},
	}
	for i := 0; b.Loop(); i++ {
		in := inputs[i%len(inputs)]
		ParseName(in[0], in[1], in[2], in[3])
	}
}

func TestParseName_InvariantsOnGeneratedNames(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	alphabet := strings.Fields("佐藤 太郎 髙 﨑 さとう タロウ ｻﾄｳ ﾞ 様 さま さん 殿 御中 サマ Mr Mr. mrs Dr. Miss Taro SATO Satoh ō , 、 ( ) （ ） ・ ー ッ ン ャ \u3000 . a 1")
	alphabet = append(alphabet, " ", "  ")
	for range 20000 {
		full, family, given, kana := generate(r, alphabet, 6), generate(r, alphabet, 3), generate(r, alphabet, 3), generate(r, alphabet, 4)
		if r.IntN(2) == 0 {
			family, given = "", ""
		}
		checkPersonName(t, full, family, given, kana)
	}
}

// checkPersonName checks what every PersonName must be: parts without
// spaces, readings that are RomajiKeys, Full made of Family and Given
// when the order is known.
func checkPersonName(t *testing.T, full, family, given, kana string) {
	t.Helper()
	n := ParseName(full, family, given, kana)
	for _, s := range []string{n.Family, n.Given, n.Full, n.FamilyReading, n.GivenReading, n.FullReading} {
		if !utf8.ValidString(s) {
			t.Fatalf("ParseName(%q, %q, %q, %q) = %+v, not UTF-8", full, family, given, kana, n)
		}
		if strings.ContainsAny(s, " \u3000") {
			t.Fatalf("ParseName(%q, %q, %q, %q) = %+v, has a space", full, family, given, kana, n)
		}
	}
	for _, r := range []string{n.FamilyReading, n.GivenReading, n.FullReading} {
		if RomajiKey(r) != r {
			t.Fatalf("ParseName(%q, %q, %q, %q) = %+v: reading %q is not a RomajiKey", full, family, given, kana, n, r)
		}
	}
	if n.OrderKnown && n.Family != "" && n.Given != "" && n.Full != n.Family+n.Given {
		t.Fatalf("ParseName(%q, %q, %q, %q) = %+v: Full is not Family+Given", full, family, given, kana, n)
	}
	if (n.Family != "" || n.Given != "") && n.Full == "" {
		t.Fatalf("ParseName(%q, %q, %q, %q) = %+v: parts without Full", full, family, given, kana, n)
	}
}

func TestStripDecoration(t *testing.T) {
	for in, want := range map[string]string{
		"美咲🌸": "美咲", "久美子(^^)": "久美子", "☆さくら☆": "さくら", "Misaki ✨ Tanaka": "Misaki Tanaka",
		"たかし（仕事用）": "たかし", "☕": "", "佐藤 太郎": "佐藤 太郎", "ユーリー・コヴァレンコ": "ユーリー・コヴァレンコ",
	} {
		if got := StripDecoration(in); got != want {
			t.Errorf("StripDecoration(%q) = %q, want %q", in, got, want)
		}
	}
}
