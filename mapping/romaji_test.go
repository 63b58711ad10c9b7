package mapping

import (
	"math/rand/v2"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestKanaToRomaji(t *testing.T) {
	tests := []struct{ in, want string }{
		{"サトウ タロウ", "satou tarou"},
		{"さとう たろう", "satou tarou"},
		{"ｻﾄｳ ﾀﾛｳ", "satou tarou"},
		{"ﾀﾞｲｽｹ", "daisuke"},
		{"ﾎﾟﾝ", "pon"},
		{"ハットリ", "hattori"},
		{"マッチャ", "matcha"},
		{"ミッチ", "mitchi"},
		{"ミッツ", "mittsu"},
		{"サッポロ", "sapporo"},
		{"ホッカイドウ", "hokkaidou"},
		{"ベッショ", "bessho"},
		{"イッセイ", "issei"},
		{"サトー", "satoo"},
		{"スズキー", "suzukii"},
		{"ー", ""},
		{"ゲンイチ", "genichi"},
		{"シンイチ", "shinichi"},
		{"ジュンペイ", "junpei"},
		{"ホンマ", "honma"},
		{"キャ キュ キョ", "kya kyu kyo"},
		{"シャ シュ ショ", "sha shu sho"},
		{"チャ チュ チョ", "cha chu cho"},
		{"ジャ ジュ ジョ", "ja ju jo"},
		{"ヂャ ヂュ ヂョ", "ja ju jo"},
		{"ニャ ヒャ ミャ リャ ギャ ビャ ピャ", "nya hya mya rya gya bya pya"},
		{"リョウ", "ryou"},
		{"キョウコ", "kyouko"},
		{"シュンスケ", "shunsuke"},
		{"ヴ ヴァ ヴィ ヴェ ヴォ", "vu va vi ve vo"},
		{"ファ フィ フェ フォ", "fa fi fe fo"},
		{"ティ ディ トゥ ドゥ", "ti di tu du"},
		{"ウィ ウェ ウォ", "wi we wo"},
		{"シェ チェ ジェ", "she che je"},
		{"イェ", "ye"},
		{"ツァ", "tsa"},
		{"クァ グァ", "kwa gwa"},
		{"テュ デュ フュ", "tyu dyu fyu"},
		{"ジェームズ", "jeemuzu"},
		{"ティファニー", "tifanii"},
		{"ヲ ヰ ヱ", "o i e"},
		{"ヶ ヵ", "ke ka"},
		{"アァ", "aa"}, // a small vowel after a vowel stands alone
		{"いすゞ", "isuzu"},
		{"さゝき", "sasaki"},
		{"ヽ", ""},
		{"ッ", ""},
		{"アッ", "a"},
		{"ン", "n"},
		{"か゛", "ga"},
		{"は゜", "pa"},
		{"ゔ", "vu"},
		{"ジョン・スミス", "jon・sumisu"},
		{"佐藤 タロウ", "佐藤 tarou"},
		{"Sato タロウ 1", "Sato tarou 1"},
		{"ㇰ", "ku"},
		{"ゟ", "yori"},
		{"ヿ", "koto"},
		{"ASCII only", "ASCII only"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := KanaToRomaji(tt.in); got != tt.want {
			t.Errorf("KanaToRomaji(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestKanaToRomaji_EveryKanaHasASpelling(t *testing.T) {
	for k := rune(0x30A1); k <= 0x30FA; k++ {
		if k == 'ッ' {
			continue
		}
		if kataRomaji[k-0x30A1] == "" {
			t.Errorf("no spelling for %q", k)
		}
	}
	for i, k := range halfKana {
		if r := rune(0xFF66 + i); Katakana(string(r)) != string(k) {
			t.Errorf("halfKana[%q] = %q, NFKC says %q", r, k, Katakana(string(r)))
		}
	}
}

func TestRomajiKey(t *testing.T) {
	tests := []struct {
		want string
		in   []string
	}{
		{"sato taro", []string{
			"さとう たろう", "ｻﾄｳ ﾀﾛｳ", "サトウ タロウ", "Satou Tarou", "SATO TARO",
			"Satoh Taro", "Satō Tarō", "Satô Tarô", "Satoo Taroo", "サトー タロー",
			"ｻﾄｳ　ﾀﾛｳ", "Sato, Taro", "Sato・Taro", "  sato   taro  ", "ＳＡＴＯ ＴＡＲＯ",
			"サトウ　タロウ", "SATO-TARO",
		}},
		{"sinzi", []string{"Shinji", "Sinzi", "シンジ", "しんじ", "Shinzi", "SHINJI"}},
		{"tutiya", []string{"Tsuchiya", "Tutiya", "ツチヤ", "Tuchiya"}},
		{"ono", []string{"Ōno", "Ohno", "Oono", "オオノ", "Ono", "Ôno", "OHNO", "おおの"}},
		{"yuki", []string{"Yuuki", "Yuki", "ユウキ", "Yūki", "ゆうき", "ユキ"}},
		{"syunsuke", []string{"Shunsuke", "シュンスケ", "Syunsuke", "しゅんすけ"}},
		{"sophie martin", []string{"Sophie Martin", "SOPHIE MARTIN", "sophie  martin"}},
		{"hattori", []string{"Hattori", "ハットリ", "はっとり", "HATTORI"}},
		{"honma", []string{"Homma", "Honma", "ホンマ", "ほんま"}},
		{"nanba", []string{"Namba", "Nanba", "ナンバ"}},
		{"sinbasi", []string{"Shimbashi", "Shinbashi", "シンバシ", "Sinbasi"}},
		{"kanpei", []string{"Kampei", "Kanpei", "カンペイ"}},
		{"syota", []string{"Shota", "Shouta", "Shōta", "Syouta", "ショウタ", "Shohta"}},
		{"kozi", []string{"Koji", "Kouji", "Kōji", "Kohji", "コウジ", "Kozi", "コージ"}},
		{"tiaki", []string{"Chiaki", "Tiaki", "チアキ"}},
		{"zyunko", []string{"Junko", "Zyunko", "Jyunko", "ジュンコ"}},
		{"tyo", []string{"Cho", "Tyo", "Cyo", "チョ", "Choh", "チョウ"}},
		{"huzita", []string{"Fujita", "Huzita", "フジタ", "Fuzita"}},
		{"huzi", []string{"Fuji", "Fudi", "フジ", "フヂ", "Huzi"}},
		{"ryo", []string{"Ryo", "Ryou", "Ryō", "リョウ", "Ryoh"}},
		{"kyoko", []string{"Kyoko", "Kyouko", "Kyōko", "キョウコ", "Kyohko"}},
		{"inoe", []string{"Inoue", "イノウエ", "Inoe"}},
		{"ohasi", []string{"Ohashi", "Ōhashi", "Oohashi", "オオハシ", "おおはし"}},
		{"sinosuke", []string{"Shinnosuke", "シンノスケ", "Shinosuke"}},
		{"sinitiro", []string{"Shinichiro", "Shin'ichirō", "シンイチロウ", "Shinichirou"}},
		{"matuda", []string{"Matsuda", "Matuda", "マツダ"}},
		{"mattya", []string{"Matcha", "マッチャ", "Mattya"}},
		{"nigata", []string{"Niigata", "Nigata", "ニイガタ", "にいがた"}},
		{"isuzu", []string{"いすゞ", "イスズ", "Isuzu"}},
		{"ga", []string{"か゛", "ガ", "Ga"}},
		{"saito", []string{"Saito", "Saitou", "Saitoh", "サイトウ", "Saitō"}},
		{"muller", []string{"Müller", "MÜLLER", "Muller"}},
		{"strasse", []string{"Straße", "Strasse"}},
		{"zyon sumisu", []string{"ジョン・スミス", "ジョン＝スミス", "ジョン゠スミス", "ｼﾞｮﾝ･ｽﾐｽ", "ジョン スミス"}},
		{"obrien", []string{"O'Brien", "OBrien", "O’Brien"}},
		{"zyean pierre", []string{"Jean-Pierre", "JEAN-PIERRE", "Jean Pierre"}},
		{"佐藤 太郎", []string{"佐藤 太郎", "佐藤　太郎"}},
		{"佐藤 taro", []string{"佐藤 タロウ", "佐藤 Taro"}},
		{"иван петров", []string{"Иван Петров", "ИВАН ПЕТРОВ"}},
		{"가", []string{"가", "ᄀ.ᅡ"}}, // jamo the dot kept apart compose
		{"", []string{"", "   ", "123", "・", "ー", "ッ", "---", "!?"}},
	}
	for _, tt := range tests {
		for _, in := range tt.in {
			if got := RomajiKey(in); got != tt.want {
				t.Errorf("RomajiKey(%q) = %q, want %q", in, got, tt.want)
			}
		}
	}
}

func TestRomajiKey_KeepsReadingsApart(t *testing.T) {
	pairs := [][2]string{
		{"Sato", "Saito"},
		{"Kato", "Goto"},
		{"Hattori", "Hatori"}, // double consonants are kept
		{"Ito", "Iida"},
		{"Yamada", "Yamaguchi"},
		{"Shimada", "Simoda"},
		{"Taro", "Tarou Jiro"},
		{"Kei", "Ke"}, // ei is not a long e
		{"Ohara", "Oara"},
	}
	for _, p := range pairs {
		if a, b := RomajiKey(p[0]), RomajiKey(p[1]); a == b {
			t.Errorf("RomajiKey(%q) == RomajiKey(%q) == %q, want them apart", p[0], p[1], a)
		}
	}
}

func FuzzRomajiKey(f *testing.F) {
	for _, s := range []string{
		"さとう たろう", "ｻﾄｳ ﾀﾛｳ", "Satoh Taro", "Satō Tarō", "Tsuchiya", "Shinji", "オオノ",
		"マッチャ", "ジェームズ", "いすゞ", "ヴァ", "Müller", "佐藤 タロウ", "Homma", "ohh",
		"sfu", "ッー", "ヾ", "ㇰ", "Иван", "ᄀ.ᅡ", "shhi", "mmb", "oh-i", "",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		k := RomajiKey(s)
		if !utf8.ValidString(k) {
			t.Fatalf("RomajiKey(%q) = %q, not UTF-8", s, k)
		}
		if again := RomajiKey(k); again != k {
			t.Fatalf("RomajiKey(%q) = %q, but RomajiKey of that = %q", s, k, again)
		}
		if strings.TrimSpace(k) != k || strings.Contains(k, "  ") {
			t.Fatalf("RomajiKey(%q) = %q, spaces not collapsed", s, k)
		}
		for _, r := range k {
			if ('A' <= r && r <= 'Z') || ('0' <= r && r <= '9') || isKanaRune(r) {
				t.Fatalf("RomajiKey(%q) = %q keeps %q", s, k, r)
			}
		}
		if kk := RomajiKey(Katakana(s)); kk != k {
			t.Fatalf("RomajiKey(%q) = %q, but of its Katakana %q", s, k, kk)
		}
		r := KanaToRomaji(s)
		if utf8.ValidString(s) && !utf8.ValidString(r) {
			t.Fatalf("KanaToRomaji(%q) = %q, not UTF-8", s, r)
		}
	})
}

func BenchmarkRomajiKey(b *testing.B) {
	names := []string{"サトウ タロウ", "ｻﾄｳ ﾀﾛｳ", "Satoh Taro", "しみず しゅんすけ", "Sophie Martin", "佐藤 太郎"}
	for i := 0; b.Loop(); i++ {
		RomajiKey(names[i%len(names)])
	}
}

func TestRomajiKey_StableOnGeneratedText(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	alphabet := strings.Fields("a i u e o k s t n h m y r w g z d b p j c f v sh ch ts th hh nn mm oh ou ' - , ・ ー ッ ン ャ ュ ョ ァ ィ ゥ ェ ォ ヮ シ チ ツ フ ウ イ ク ヴ ジ ヂ ヽ ヾ ゝ ゞ か さ ｶ ﾞ ﾟ ゛ ゜ \u3099 Ō ô ü ß İ ı ᄀ ᅡ 佐 A S H O U")
	alphabet = append(alphabet, " ")
	for range 20000 {
		s := generate(r, alphabet, 10)
		k := RomajiKey(s)
		if again := RomajiKey(k); again != k {
			t.Fatalf("RomajiKey(%q) = %q, but RomajiKey of that = %q", s, k, again)
		}
		if kk := RomajiKey(Katakana(s)); kk != k {
			t.Fatalf("RomajiKey(%q) = %q, but of its Katakana %q", s, k, kk)
		}
	}
}
