package mapping

import (
	"testing"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

func TestFoldItaiji(t *testing.T) {
	tests := []struct {
		want string
		in   []string
	}{
		{"斎藤", []string{"齋藤", "斎藤", "齊藤", "斉藤"}},
		{"渡辺", []string{"渡邊", "渡邉", "渡辺"}},
		{"山崎", []string{"山﨑", "山崎", "山嵜", "山碕"}},
		{"高橋", []string{"髙橋", "高橋", "髙槗"}},
		{"吉田", []string{"𠮷田", "吉田"}},
		{"浜田", []string{"濱田", "濵田", "浜田"}},
		{"沢田", []string{"澤田", "沢田"}},
		{"桜井", []string{"櫻井", "桜井"}},
		{"広瀬", []string{"廣瀨", "広瀬", "廣瀬"}},
		{"国分", []string{"國分", "圀分"}},
		{"徳川", []string{"德川"}},
		{"真一", []string{"眞一"}},
		{"槙原", []string{"槇原", "槙原"}},
		{"柳田", []string{"栁田", "桺田"}},
		{"島田", []string{"嶋田", "嶌田", "島田"}},
		{"富田", []string{"冨田"}},
		{"恵子", []string{"惠子"}},
		{"曽根", []string{"曾根"}},
		{"薮内", []string{"藪内"}},
		{"岩渕", []string{"岩淵", "岩渕"}},
		{"竜之介", []string{"龍之介"}},
		{"北条", []string{"北條"}},
		{"弥生", []string{"彌生"}},
		{"寿美", []string{"壽美"}},
		{"飛騨", []string{"飛驒"}},
		{"万里", []string{"萬里"}},
		{"豊田", []string{"豐田"}},
		{"円谷", []string{"圓谷"}},
		{"小峰", []string{"小峯"}},
		{"船橋", []string{"舩橋"}},
		{"渋谷", []string{"澁谷"}},
		{"滝沢", []string{"瀧澤"}},
		{"鹿児島県", []string{"鹿兒島縣"}},
		{"黒沢", []string{"黑澤"}},
		{"桑原", []string{"桒原"}},
		{"亘", []string{"亙"}},
		{"凛", []string{"凜"}},
		{"館野", []string{"舘野", "館野"}},
		{"桧山", []string{"檜山", "桧山"}},
		{"森鴎外", []string{"森鷗外"}},
		{"芦田", []string{"蘆田"}},
		{"遥", []string{"遙"}},
		{"彦根", []string{"彥根"}},
		{"辻", []string{"辻\U000E0100", "辻\U000E0101"}}, // ideographic variation selectors
		{"葛飾区", []string{"葛\U000E0100飾区"}},
		{"佐藤 太郎", []string{"佐藤 太郎"}},
		{"サトウ", []string{"サトウ"}},
		{"", []string{""}},
	}
	for _, tt := range tests {
		for _, in := range tt.in {
			if got := FoldItaiji(in); got != tt.want {
				t.Errorf("FoldItaiji(%q) = %q, want %q", in, got, tt.want)
			}
		}
	}
}

func TestFoldItaiji_TableIsSound(t *testing.T) {
	if n := len(itaiji); n < 60 || n > 120 {
		t.Errorf("itaiji has %d pairs, want 60–120 well-known ones", n)
	}
	for from, to := range itaiji {
		if _, ok := itaiji[to]; ok {
			t.Errorf("%q → %q, but %q is folded again: the fold would not be idempotent", from, to, to)
		}
		if !unicode.Is(unicode.Han, from) || !unicode.Is(unicode.Han, to) {
			t.Errorf("%q → %q: not both kanji", from, to)
		}
		if norm.NFKC.String(string(from)) != string(from) || norm.NFKC.String(string(to)) != string(to) {
			t.Errorf("%q → %q: not stable under NFKC, which callers apply first", from, to)
		}
		if from < 0x4E00 {
			t.Errorf("%q is below U+4E00, where FoldItaiji does not look", from)
		}
	}
}

func FuzzFoldItaiji(f *testing.F) {
	for _, s := range []string{"齋藤", "渡邉", "山﨑", "髙橋", "𠮷田", "辻\U000E0100", "佐藤", "abc", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := FoldItaiji(s)
		if utf8.ValidString(s) && !utf8.ValidString(got) {
			t.Fatalf("FoldItaiji(%q) = %q, not UTF-8", s, got)
		}
		if again := FoldItaiji(got); again != got {
			t.Fatalf("FoldItaiji(%q) = %q, but FoldItaiji of that = %q", s, got, again)
		}
		if utf8.RuneCountInString(got) > utf8.RuneCountInString(s) {
			t.Fatalf("FoldItaiji(%q) = %q has more runes", s, got)
		}
		for _, r := range got {
			if _, ok := itaiji[r]; ok {
				t.Fatalf("FoldItaiji(%q) = %q keeps %q", s, got, r)
			}
		}
	})
}
