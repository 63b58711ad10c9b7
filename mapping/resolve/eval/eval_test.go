package eval

import (
	"bytes"
	"fmt"
	"math"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/unicode/norm"
)

// --- FEBRL ---

func febrl(t *testing.T, names ...string) []Row {
	t.Helper()
	var rows []Row
	for _, n := range names {
		p := FEBRLPath(n)
		if p == "" {
			t.Skipf("FEBRL file %s not found above the working directory", n)
		}
		r, err := LoadFEBRL(p, strings.TrimSuffix(n, ".csv"))
		if err != nil {
			t.Fatal(err)
		}
		rows = append(rows, r...)
	}
	return rows
}

func truthOf(rows []Row) []string {
	out := make([]string, len(rows))
	for i := range rows {
		out[i] = rows[i].Truth
	}
	return out
}

func TestLoadFEBRL_CountsAndTruePairs(t *testing.T) {
	for _, tc := range []struct {
		files     []string
		rows      int
		entities  int
		truePairs int64
	}{
		{[]string{"dataset1.csv"}, 1000, 500, 500},
		{[]string{"dataset2.csv"}, 5000, 4000, 1934},
		{[]string{"dataset3.csv"}, 5000, 2000, 6538},
		// 4a and 4b have no duplicates inside, so the plain truth label gives
		// exactly the 5,000 cross-file pairs.
		{[]string{"dataset4a.csv", "dataset4b.csv"}, 10000, 5000, 5000},
		{[]string{"dataset4a.csv"}, 5000, 5000, 0},
		{[]string{"dataset4b.csv"}, 5000, 5000, 0},
	} {
		t.Run(strings.Join(tc.files, "+"), func(t *testing.T) {
			rows := febrl(t, tc.files...)
			if len(rows) != tc.rows {
				t.Errorf("rows = %d, want %d", len(rows), tc.rows)
			}
			truth := truthOf(rows)
			ent := map[string]bool{}
			ids := map[string]bool{}
			for _, r := range rows {
				ent[r.Truth] = true
				if ids[r.RecordID] {
					t.Errorf("duplicate record id %s", r.RecordID)
				}
				ids[r.RecordID] = true
			}
			if len(ent) != tc.entities {
				t.Errorf("entities = %d, want %d", len(ent), tc.entities)
			}
			s := Pairwise(truth, truth)
			if s.TruePairs != tc.truePairs || s.TP != tc.truePairs || s.PredictedPairs != tc.truePairs {
				t.Errorf("Pairwise(truth, truth) = %v, want %d true pairs", s, tc.truePairs)
			}
			if s.F1 != 1 {
				t.Errorf("F1 = %v, want 1", s.F1)
			}
		})
	}
}

func TestLoadFEBRL_MapsFields(t *testing.T) {
	rows1 := febrl(t, "dataset1.csv")
	rows4 := febrl(t, "dataset4a.csv")
	byID := map[string]Row{}
	for _, r := range rows1 {
		byID["dataset1/"+r.RecordID] = r
	}
	for _, r := range rows4 {
		byID["dataset4a/"+r.RecordID] = r
	}
	for _, want := range []Row{
		// dataset4a.csv has CRLF line ends: the trailing field must not keep "\r".
		{RecordID: "rec-1070-org", Source: "dataset4a", GivenName: "michaela", FamilyName: "neumann",
			Address: "8 stanley street, miami, winston hills, nsw", PostalCode: "4223", Birthday: "19151111", Truth: "1070"},
		// Empty given name.
		{RecordID: "rec-223-org", Source: "dataset1", FamilyName: "waller",
			Address: "6 tullaroop street, willaroo, st james, wa", PostalCode: "4011", Birthday: "19081209", Truth: "223"},
		// Empty street number.
		{RecordID: "rec-10-dup-0", Source: "dataset1", GivenName: "kayla", FamilyName: "harrington",
			Address: "maltby circuit, coaling, coolaroo, nsw", PostalCode: "3465", Birthday: "19150612", Truth: "10"},
	} {
		if got := byID[want.Source+"/"+want.RecordID]; got != want {
			t.Errorf("%s:\n got %+v\nwant %+v", want.RecordID, got, want)
		}
	}
}

func TestLoadFEBRL_Errors(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		name, body, want string
	}{
		{"missing.csv", "<none>", "no such file"},
		{"empty.csv", "", "empty file"},
		{"nohead.csv", "rec_id, given_name\n", `no "surname" column`},
		{"short.csv", "rec_id, given_name, surname, street_number, address_1, address_2, suburb, postcode, state, date_of_birth, soc_sec_id\nrec-1-org, a\n", ":2: 2 fields, want 11"},
		{"badid.csv", "rec_id, given_name, surname, street_number, address_1, address_2, suburb, postcode, state, date_of_birth, soc_sec_id\nr1, a, b, 1, s, , t, 2000, nsw, 19700101, 1\n", `rec_id "r1"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := dir + "/" + tc.name
			if tc.body != "<none>" {
				if err := os.WriteFile(path, []byte(tc.body), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			_, err := LoadFEBRL(path, "x")
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want it to contain %q", err, tc.want)
			}
		})
	}
}

func TestFEBRLPath_AbsentIsEmpty(t *testing.T) {
	if p := FEBRLPath("no-such-file.csv"); p != "" {
		t.Errorf("FEBRLPath = %q, want \"\"", p)
	}
}

// --- Scores ---

func TestPairwise(t *testing.T) {
	truth := []string{"a", "a", "a", "b", "b", "c"} // 3 + 1 = 4 true pairs
	for _, tc := range []struct {
		name      string
		truth     []string
		pred      []string
		want      Scores
		wantBC    [3]float64
		tolerance float64
	}{
		{"perfect", truth, []string{"x", "x", "x", "y", "y", "z"},
			Scores{TruePairs: 4, PredictedPairs: 4, TP: 4, Precision: 1, Recall: 1, F1: 1},
			[3]float64{1, 1, 1}, 0},
		{"all split", truth, []string{"1", "2", "3", "4", "5", "6"},
			Scores{TruePairs: 4, PredictedPairs: 0, TP: 0, Precision: 1, Recall: 0, F1: 0},
			// recall: (3·1/3 + 2·1/2 + 1)/6 = 3/6
			[3]float64{1, 0.5, 2.0 / 3}, 1e-12},
		{"empty labels are singletons", truth, []string{"", "", "", "", "", ""},
			Scores{TruePairs: 4, PredictedPairs: 0, TP: 0, Precision: 1, Recall: 0, F1: 0},
			[3]float64{1, 0.5, 2.0 / 3}, 1e-12},
		{"all merged", truth, []string{"x", "x", "x", "x", "x", "x"},
			Scores{TruePairs: 4, PredictedPairs: 15, TP: 4, Precision: 4.0 / 15, Recall: 1, F1: 2 * (4.0 / 15) / (4.0/15 + 1)},
			// precision: (3·3/6 + 2·2/6 + 1·1/6)/6 = (14/6)/6 = 7/18
			[3]float64{7.0 / 18, 1, 2 * (7.0 / 18) / (7.0/18 + 1)}, 1e-12},
		{"one false merge", truth, []string{"x", "x", "x", "y", "y", "y"},
			// c joins b: predicted pairs 3+3, true found 3+1, false 2
			Scores{TruePairs: 4, PredictedPairs: 6, TP: 4, Precision: 4.0 / 6, Recall: 1, F1: 0.8},
			// precision: (3·3/3 + 2·2/3 + 1·1/3)/6 = (3 + 5/3)/6 = 7/9
			[3]float64{7.0 / 9, 1, 2 * (7.0 / 9) / (7.0/9 + 1)}, 1e-12},
		{"one missed link", truth, []string{"x", "x", "w", "y", "y", "z"},
			Scores{TruePairs: 4, PredictedPairs: 2, TP: 2, Precision: 1, Recall: 0.5, F1: 2.0 / 3},
			// recall: (2·2/3 + 1·1/3 + 2·1 + 1)/6 = (5/3 + 3)/6 = 7/9
			[3]float64{1, 7.0 / 9, 2 * (7.0 / 9) / (7.0/9 + 1)}, 1e-12},
		{"no records", nil, nil,
			Scores{Precision: 1, Recall: 1, F1: 1}, [3]float64{1, 1, 1}, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := Pairwise(tc.truth, tc.pred)
			if got.TruePairs != tc.want.TruePairs || got.PredictedPairs != tc.want.PredictedPairs || got.TP != tc.want.TP ||
				!near(got.Precision, tc.want.Precision, 1e-12) || !near(got.Recall, tc.want.Recall, 1e-12) || !near(got.F1, tc.want.F1, 1e-12) {
				t.Errorf("Pairwise = %+v, want %+v", got, tc.want)
			}
			p, r, f := BCubed(tc.truth, tc.pred)
			if !near(p, tc.wantBC[0], tc.tolerance) || !near(r, tc.wantBC[1], tc.tolerance) || !near(f, tc.wantBC[2], tc.tolerance) {
				t.Errorf("BCubed = %v %v %v, want %v", p, r, f, tc.wantBC)
			}
		})
	}
}

func near(a, b, tol float64) bool { return math.Abs(a-b) <= tol }

func TestPairwise_LengthMismatchPanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("no panic")
		}
	}()
	Pairwise([]string{"a"}, nil)
}

func TestScores_String(t *testing.T) {
	s := Pairwise([]string{"a", "a", "a", "b", "b", "c"}, []string{"x", "x", "x", "y", "y", "y"})
	want := "P 0.6667  R 1.0000  F1 0.8000  (TP 4, predicted 6, true 4)"
	if s.String() != want {
		t.Errorf("String() = %q, want %q", s.String(), want)
	}
}

func TestRecallByCase(t *testing.T) {
	rows := []Row{
		{Truth: "1", Case: ""},            // 0
		{Truth: "1", Case: "maiden_name"}, // 1
		{Truth: "1", Case: ""},            // 2
		{Truth: "2", Case: "household"},   // 3
		{Truth: "2", Case: "household"},   // 4
		{Truth: "3", Case: "household"},   // 5
	}
	// The maiden-name record is missed; person 3 is merged with person 2.
	pred := []string{"a", "m", "a", "h", "h", "h"}
	got := RecallByCase(rows, pred)
	want := map[string]Scores{
		// true pairs touching "": {0,1} {0,2} {1,2}; predicted: {0,2}.
		"": newScores(3, 1, 1),
		// true pairs touching the maiden record: {0,1} {1,2}; none found.
		"maiden_name": newScores(2, 0, 0),
		// true {3,4}; predicted {3,4} {3,5} {4,5}; one right.
		"household": newScores(1, 3, 1),
	}
	if len(got) != len(want) {
		t.Fatalf("cases = %v, want %v", got, want)
	}
	for c, w := range want {
		if got[c] != w {
			t.Errorf("%q: got %v, want %v", c, got[c], w)
		}
	}
	if g := got["maiden_name"]; g.Recall != 0 || g.Precision != 1 {
		t.Errorf("maiden_name = %v", g)
	}
	if g := got["household"]; !near(g.Precision, 1.0/3, 1e-12) || g.Recall != 1 {
		t.Errorf("household = %v", g)
	}
}

// TestRecallByCase_AgreesWithPairwise checks that on data where every record
// has one case, each case's pairs are those of Pairwise restricted to it.
func TestRecallByCase_AgreesWithPairwise(t *testing.T) {
	rows := Japanese(7, 800)
	truth := truthOf(rows)
	// A poor resolver: the first letter of the phone digits.
	pred := make([]string, len(rows))
	for i, r := range rows {
		pred[i] = normPhone(r.Phone)
		if len(pred[i]) > 4 {
			pred[i] = pred[i][:4]
		}
	}
	all := Pairwise(truth, pred)
	by := RecallByCase(rows, pred)
	var sumT int64
	for _, s := range by {
		sumT += s.TruePairs
	}
	// Pairs within one case are counted once, across cases twice, so the
	// per-case sums are at least the totals.
	if sumT < all.TruePairs {
		t.Errorf("per-case true pairs %d < total %d", sumT, all.TruePairs)
	}
	// Brute force on the pairs.
	want := map[string][3]int64{}
	for i := range rows {
		for j := i + 1; j < len(rows); j++ {
			tr := rows[i].Truth == rows[j].Truth
			pr := pred[i] != "" && pred[i] == pred[j]
			for _, c := range uniq(rows[i].Case, rows[j].Case) {
				w := want[c]
				if tr {
					w[0]++
				}
				if pr {
					w[1]++
				}
				if tr && pr {
					w[2]++
				}
				want[c] = w
			}
		}
	}
	for c, w := range want {
		g := by[c]
		if g.TruePairs != w[0] || g.PredictedPairs != w[1] || g.TP != w[2] {
			t.Errorf("%q: got %d/%d/%d, brute force %d/%d/%d", c, g.TruePairs, g.PredictedPairs, g.TP, w[0], w[1], w[2])
		}
	}
}

func uniq(a, b string) []string {
	if a == b {
		return []string{a}
	}
	return []string{a, b}
}

// --- CSV ---

func TestCSV_RoundTrip(t *testing.T) {
	rows := []Row{
		{RecordID: "pos-000001", Source: "pos", FullName: "佐藤　太郎 様", NameKana: "ｻﾄｳ ﾀﾛｳ", Email: " Taro.Sato+shop@Gmail.com ",
			Phone: "０９０－１２３４－５６７８", Birthday: "昭和60年4月12日", PostalCode: "〒150-0041",
			Address: "東京都渋谷区神南1丁目2番3号, \"メゾン\"神南 201\n号室", Company: "㈱サンライズ", Truth: "p000001", Case: "honorific"},
		{RecordID: "line-000001", Source: "line", FamilyName: "𠮷田", GivenName: "翔太", Truth: "p000002"},
		{},
	}
	var buf bytes.Buffer
	if err := WriteCSV(&buf, rows); err != nil {
		t.Fatal(err)
	}
	if first, _, _ := strings.Cut(buf.String(), "\n"); first != strings.Join(Header, ",") {
		t.Errorf("header line = %q", first)
	}
	got, err := ReadCSV(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got, rows) {
		t.Errorf("round trip:\n got %+v\nwant %+v", got, rows)
	}
}

func TestReadCSV_ColumnsByName(t *testing.T) {
	in := "\ufeffcase,truth,note,company,address,postal_code,birthday,phone,email,name_kana,given_name,family_name,full_name,source,record_id\n" +
		"namesake,p1,extra,,,,,,,,,,佐藤 翔太,pos,pos-000001\n"
	got, err := ReadCSV(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	want := []Row{{RecordID: "pos-000001", Source: "pos", FullName: "佐藤 翔太", Truth: "p1", Case: "namesake"}}
	if !slices.Equal(got, want) {
		t.Errorf("got %+v, want %+v", got, want)
	}
}

func TestReadCSV_BadHeader(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"", "empty file"},
		{"record_id,source\n", "missing column(s) full_name, family_name"},
		{strings.Join(Header, ",") + ",truth\n", `"truth" appears twice`},
		{strings.Join(Header, ",") + "\na,b\n", "wrong number of fields"},
	} {
		_, err := ReadCSV(strings.NewReader(tc.in))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("ReadCSV(%.30q) error = %v, want %q", tc.in, err, tc.want)
		}
	}
}

func TestWriteCSVShiftJIS(t *testing.T) {
	rows := Japanese(3, 300)
	var buf bytes.Buffer
	if err := WriteCSVShiftJIS(&buf, rows); err != nil {
		t.Fatal(err)
	}
	dec, err := japanese.ShiftJIS.NewDecoder().Bytes(buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	got, err := ReadCSV(bytes.NewReader(dec))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(rows) {
		t.Fatalf("rows = %d, want %d", len(got), len(rows))
	}
	for i := range rows {
		want := rows[i]
		for _, f := range want.fields() {
			*f = strings.NewReplacer("𠮷", "?", "−", "－").Replace(*f)
		}
		if got[i] != want {
			t.Errorf("row %d:\n got %+v\nwant %+v", i, got[i], want)
		}
	}
	// 髙 and 﨑 are IBM extensions that code page 932 holds.
	var b bytes.Buffer
	if err := WriteCSVShiftJIS(&b, []Row{{FullName: "髙橋 山﨑 ｻﾄｳ ㈱ 〒 1−2 〜 ¥ 🍣"}}); err != nil {
		t.Fatal(err)
	}
	dec, err = japanese.ShiftJIS.NewDecoder().Bytes(b.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if want := "髙橋 山﨑 ｻﾄｳ ㈱ 〒 1－2 ～ ￥ ?"; !strings.Contains(string(dec), want) {
		t.Errorf("Shift_JIS round trip = %q, want it to contain %q", dec, want)
	}
}

func FuzzCSVRoundTrip(f *testing.F) {
	f.Add("佐藤 太郎", "a,\"b\"\n", "")
	f.Fuzz(func(t *testing.T, a, b, c string) {
		if !utf8Valid(a, b, c) {
			t.Skip()
		}
		rows := []Row{{RecordID: a, FullName: b, Address: c, Truth: a + b}}
		var buf bytes.Buffer
		if err := WriteCSV(&buf, rows); err != nil {
			t.Fatal(err)
		}
		got, err := ReadCSV(&buf)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 1 || got[0] != rows[0] {
			t.Errorf("got %+v, want %+v", got, rows)
		}
	})
}

// utf8Valid reports whether the strings are valid UTF-8 without a carriage
// return (which encoding/csv may turn into a newline).
func utf8Valid(ss ...string) bool {
	for _, s := range ss {
		if !utf8.ValidString(s) || strings.ContainsRune(s, '\r') {
			return false
		}
	}
	return true
}

// --- Kana, romaji, calendar ---

func TestRomanize(t *testing.T) {
	for _, tc := range []struct {
		kana string
		want [numStyles]string // Hepburn, OH, wapuro, Kunrei
	}{
		{"サトウ", [numStyles]string{"sato", "satoh", "satou", "sato"}},
		{"オオノ", [numStyles]string{"ono", "ohno", "oono", "ono"}},
		{"シンジ", [numStyles]string{"shinji", "shinji", "shinji", "sinzi"}},
		{"ユウキ", [numStyles]string{"yuki", "yuki", "yuuki", "yuki"}},
		{"シュンスケ", [numStyles]string{"shunsuke", "shunsuke", "shunsuke", "syunsuke"}},
		{"キョウコ", [numStyles]string{"kyoko", "kyohko", "kyouko", "kyoko"}},
		{"ハットリ", [numStyles]string{"hattori", "hattori", "hattori", "hattori"}},
		{"チアキ", [numStyles]string{"chiaki", "chiaki", "chiaki", "tiaki"}},
		{"ツバサ", [numStyles]string{"tsubasa", "tsubasa", "tsubasa", "tubasa"}},
		{"ジュンコ", [numStyles]string{"junko", "junko", "junko", "zyunko"}},
		{"トオル", [numStyles]string{"toru", "tohru", "tooru", "toru"}},
		{"ミヅキ", [numStyles]string{"mizuki", "mizuki", "mizuki", "mizuki"}},
	} {
		for s := range numStyles {
			if got := romanize(tc.kana, s); got != tc.want[s] {
				t.Errorf("romanize(%s, %d) = %q, want %q", tc.kana, s, got, tc.want[s])
			}
		}
	}
	for _, f := range families {
		if f.kanji == "井上" && f.roma[styleHepburn] != "inoue" {
			t.Errorf("井上 romaji = %q, want inoue", f.roma[styleHepburn])
		}
	}
}

func TestKanaForms(t *testing.T) {
	for _, tc := range []struct{ in, hira, half string }{
		{"サトウ タロウ", "さとう たろう", "ｻﾄｳ ﾀﾛｳ"},
		{"ガッコウ　パン", "がっこう　ぱん", "ｶﾞｯｺｳ ﾊﾟﾝ"},
		{"キョウコ", "きょうこ", "ｷｮｳｺ"},
	} {
		if got := toHiragana(tc.in); got != tc.hira {
			t.Errorf("toHiragana(%s) = %s, want %s", tc.in, got, tc.hira)
		}
		if got := toHalfwidth(tc.in); got != tc.half {
			t.Errorf("toHalfwidth(%s) = %s, want %s", tc.in, got, tc.half)
		}
	}
	if got := toFullwidth("090-1234 a@b"); got != "０９０－１２３４　ａ＠ｂ" {
		t.Errorf("toFullwidth = %s", got)
	}
}

func TestWareki(t *testing.T) {
	for _, tc := range []struct {
		y, m, d int
		era     string
		year    int
	}{
		{1912, 7, 29, "明治", 45},
		{1912, 7, 30, "大正", 1},
		{1926, 12, 24, "大正", 15},
		{1926, 12, 25, "昭和", 1},
		{1985, 4, 12, "昭和", 60},
		{1989, 1, 7, "昭和", 64},
		{1989, 1, 8, "平成", 1},
		{1990, 1, 5, "平成", 2},
		{2019, 4, 30, "平成", 31},
		{2019, 5, 1, "令和", 1},
		{2024, 2, 29, "令和", 6},
	} {
		era, _, y, ok := wareki(tc.y, tc.m, tc.d)
		if !ok || era != tc.era || y != tc.year {
			t.Errorf("wareki(%d-%d-%d) = %s%d, want %s%d", tc.y, tc.m, tc.d, era, y, tc.era, tc.year)
		}
	}
	if _, _, _, ok := wareki(1868, 1, 1); ok {
		t.Error("wareki before 明治 is ok")
	}
}

func TestTables(t *testing.T) {
	if len(families) < 80 {
		t.Errorf("%d family names, want at least 80", len(families))
	}
	if len(givens) < 80 {
		t.Errorf("%d given names, want at least 80", len(givens))
	}
	if len(areas) < 30 {
		t.Errorf("%d areas, want at least 30", len(areas))
	}
	var male, female int
	for _, g := range givens {
		if g.female {
			female++
		} else {
			male++
		}
	}
	if male < 30 || female < 30 {
		t.Errorf("%d male and %d female given names", male, female)
	}
	seen := map[string]bool{}
	for _, a := range areas {
		if ok, _ := regexp.MatchString(`^\d{7}$`, a.postal); !ok {
			t.Errorf("%s%s%s: postal %q", a.pref, a.city, a.town, a.postal)
		}
		if ok, _ := regexp.MatchString(`^0\d{1,3}$`, a.tel); !ok {
			t.Errorf("%s: area code %q", a.town, a.tel)
		}
		if seen[a.postal] {
			t.Errorf("postal code %s twice", a.postal)
		}
		seen[a.postal] = true
	}
}

// --- Japanese generator ---

func TestJapanese_Deterministic(t *testing.T) {
	a, b := Japanese(42, 1500), Japanese(42, 1500)
	if !slices.Equal(a, b) {
		t.Error("same seed gave different rows")
	}
	c := Japanese(43, 1500)
	if slices.Equal(a, c) {
		t.Error("different seeds gave the same rows")
	}
}

var recordIDPattern = regexp.MustCompile(`^(pos|booking|line|old_csv)-\d{6,}$`)

func TestJapanese_PeopleIDsAndSize(t *testing.T) {
	for _, people := range []int{0, 1, 2, 3, 7, 100, 2000} {
		rows := Japanese(1, people)
		truths := map[string]bool{}
		ids := map[string]bool{}
		for _, r := range rows {
			truths[r.Truth] = true
			if ids[r.RecordID] {
				t.Errorf("people=%d: duplicate record id %s", people, r.RecordID)
			}
			ids[r.RecordID] = true
			if !recordIDPattern.MatchString(r.RecordID) || !strings.HasPrefix(r.RecordID, r.Source+"-") {
				t.Errorf("people=%d: record id %q from source %q", people, r.RecordID, r.Source)
			}
		}
		if len(truths) != people {
			t.Errorf("people=%d: %d distinct Truth", people, len(truths))
		}
		if people >= 100 {
			avg := float64(len(rows)) / float64(people)
			if avg < 1.6 || avg > 2.6 {
				t.Errorf("people=%d: %.2f records per person, want 1.6-2.6", people, avg)
			}
		}
		counts := map[string]int{}
		for _, r := range rows {
			counts[r.Truth]++
		}
		for id, n := range counts {
			if n < 1 || n > 4 {
				t.Errorf("people=%d: %s has %d records", people, id, n)
			}
		}
	}
}

func TestJapanese_EveryCaseAppears(t *testing.T) {
	rows := Japanese(1, 2000)
	seen := map[string]int{}
	for _, r := range rows {
		seen[r.Case]++
	}
	known := map[string]bool{"": true}
	for _, c := range JapaneseCases() {
		known[c] = true
		if seen[c] == 0 {
			t.Errorf("case %q does not appear", c)
		}
	}
	for c := range seen {
		if !known[c] {
			t.Errorf("case %q is not in JapaneseCases", c)
		}
	}
}

func nameOf(r Row) string {
	n := r.FullName
	if n == "" {
		n = r.FamilyName + r.GivenName
	}
	return strings.NewReplacer(" ", "", "　", "").Replace(n)
}

func TestJapanese_SatoShotaNamesakes(t *testing.T) {
	rows := Japanese(1, 2000)
	people := map[string]bool{}
	for _, r := range rows {
		if r.Case == "namesake" && nameOf(r) == "佐藤翔太" {
			people[r.Truth] = true
		}
	}
	if len(people) < 4 {
		t.Errorf("佐藤 翔太 namesakes: %d people, want several", len(people))
	}
	// Namesakes share the reading too.
	for _, r := range rows {
		if people[r.Truth] && r.NameKana != "" && !strings.Contains(r.NameKana, "ショウタ") &&
			!strings.Contains(r.NameKana, "しょうた") && !strings.Contains(r.NameKana, "ｼｮｳﾀ") && r.Case == "namesake" {
			t.Errorf("佐藤 翔太 record with reading %q", r.NameKana)
		}
	}
}

// TestJapanese_HouseholdsShareContactOrAddress links household records
// through the same person, the same phone or the same address; every group
// so formed must hold more than one person, or it would be no hard
// negative at all.
func TestJapanese_HouseholdsShareContactOrAddress(t *testing.T) {
	rows := Japanese(5, 3000)
	for _, c := range []string{"household", "twins", "shared_address"} {
		var idx []int
		for i, r := range rows {
			if r.Case == c {
				idx = append(idx, i)
			}
		}
		if len(idx) == 0 {
			t.Fatalf("no %s records", c)
		}
		parent := make(map[int]int, len(idx))
		for _, i := range idx {
			parent[i] = i
		}
		var find func(int) int
		find = func(i int) int {
			for parent[i] != i {
				parent[i] = parent[parent[i]]
				i = parent[i]
			}
			return i
		}
		by := map[string]int{}
		for _, i := range idx {
			r := rows[i]
			for _, k := range []string{"t:" + r.Truth, "p:" + normPhone(r.Phone), "a:" + addrKey(r.Address)} {
				if k == "p:" || k == "a:" {
					continue
				}
				if j, ok := by[k]; ok {
					parent[find(i)] = find(j)
				} else {
					by[k] = i
				}
			}
		}
		members := map[int]map[string]bool{}
		for _, i := range idx {
			root := find(i)
			if members[root] == nil {
				members[root] = map[string]bool{}
			}
			members[root][rows[i].Truth] = true
		}
		for root, m := range members {
			if len(m) < 2 {
				t.Errorf("%s: %s (%s) shares no phone or address with another person", c, rows[root].Truth, nameOf(rows[root]))
			}
		}
	}
}

// TestJapanese_SamePersonRecordsShareEvidence checks, from the text alone,
// that every two records of a person agree on a phone, an email, a full
// birthday or an address, and typo and maiden-name records on two of them.
func TestJapanese_SamePersonRecordsShareEvidence(t *testing.T) {
	for _, seed := range []int64{1, 2, 3} {
		rows := Japanese(seed, 3000)
		byPerson := map[string][]Row{}
		for _, r := range rows {
			byPerson[r.Truth] = append(byPerson[r.Truth], r)
		}
		bad := 0
		for id, rs := range byPerson {
			for i := range rs {
				for j := i + 1; j < len(rs); j++ {
					need := 1
					if hard := []string{"typo", "maiden_name"}; slices.Contains(hard, rs[i].Case) || slices.Contains(hard, rs[j].Case) {
						need = 2
					}
					if n := sharedEvidence(rs[i], rs[j]); n < need {
						bad++
						if bad <= 5 {
							t.Errorf("seed %d, %s: records share %d of phone/email/birthday/address, want %d:\n%+v\n%+v", seed, id, n, need, rs[i], rs[j])
						}
					}
				}
			}
		}
	}
}

func sharedEvidence(a, b Row) int {
	n := 0
	if p := normPhone(a.Phone); p != "" && p == normPhone(b.Phone) {
		n++
	}
	if e := normEmail(a.Email); e != "" && e == normEmail(b.Email) {
		n++
	}
	if d := normDate(a.Birthday); d != "" && d == normDate(b.Birthday) {
		n++
	}
	if k := addrKey(a.Address); k != "" && k == addrKey(b.Address) {
		n++
	}
	return n
}

func TestJapanese_TextNormalizesBack(t *testing.T) {
	// Every birthday, phone and address the generator writes can be read
	// back by the simple normalizers below; a format they miss would make the
	// evidence test above vacuous.
	rows := Japanese(9, 3000)
	for _, r := range rows {
		if r.Birthday != "" && normDate(r.Birthday) == "" && !isMonthDay(r.Birthday) {
			t.Errorf("birthday %q not read", r.Birthday)
		}
		if r.Phone != "" && len(normPhone(r.Phone)) != 11 && len(normPhone(r.Phone)) != 10 {
			t.Errorf("phone %q reads as %q", r.Phone, normPhone(r.Phone))
		}
		if r.Address != "" && addrKey(r.Address) == "" {
			t.Errorf("address %q not read", r.Address)
		}
		if r.Email != "" && !strings.Contains(normEmail(r.Email), "@") {
			t.Errorf("email %q", r.Email)
		}
	}
}

func TestJapanese_CaseFrequencies(t *testing.T) {
	const people = 10000
	rows := Japanese(1, people)
	persons := map[string]map[string]bool{}
	records := map[string]int{}
	for _, r := range rows {
		if persons[r.Case] == nil {
			persons[r.Case] = map[string]bool{}
		}
		persons[r.Case][r.Truth] = true
		records[r.Case]++
	}
	var b strings.Builder
	fmt.Fprintf(&b, "people=%d records=%d (%.2f per person)\n", people, len(rows), float64(len(rows))/people)
	for _, c := range append([]string{""}, JapaneseCases()...) {
		fmt.Fprintf(&b, "  %-17q persons %5d (%5.2f%%)  records %5d (%5.2f%%)\n", c,
			len(persons[c]), 100*float64(len(persons[c]))/people, records[c], 100*float64(records[c])/float64(len(rows)))
	}
	t.Log("\n" + b.String())
	for _, tc := range []struct {
		c      string
		lo, hi float64 // share of people
	}{
		{"household", 0.075, 0.085},
		{"namesake", 0.028, 0.032},
		{"maiden_name", 0.019, 0.021},
		{"moved", 0.029, 0.031},
		{"typo", 0.029, 0.031},
		{"twins", 0.004, 0.006},
		{"shared_email", 0.013, 0.017},
		{"shared_address", 0.013, 0.017},
	} {
		share := float64(len(persons[tc.c])) / people
		if share < tc.lo || share > tc.hi {
			t.Errorf("%s: %.2f%% of people, want %.1f-%.1f%%", tc.c, 100*share, 100*tc.lo, 100*tc.hi)
		}
	}
}

func BenchmarkJapanese(b *testing.B) {
	const people = 50000
	records := 0
	for b.Loop() {
		records += len(Japanese(1, people))
	}
	b.ReportMetric(float64(records)/b.Elapsed().Seconds(), "records/s")
}

func BenchmarkPairwise(b *testing.B) {
	rows := Japanese(1, 100000)
	truth := truthOf(rows)
	pred := make([]string, len(rows))
	for i, r := range rows {
		pred[i] = normPhone(r.Phone)
	}
	b.ResetTimer()
	for b.Loop() {
		Pairwise(truth, pred)
	}
	b.ReportMetric(float64(len(rows))*float64(b.N)/b.Elapsed().Seconds(), "records/s")
}

// --- test normalizers: just enough to read the generator's text back ---

func nfkc(s string) string { return norm.NFKC.String(s) }

func normPhone(s string) string {
	var b strings.Builder
	for _, r := range nfkc(s) {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	d := b.String()
	if strings.HasPrefix(nfkc(strings.TrimSpace(s)), "+81") {
		d = "0" + d[2:]
	}
	return d
}

func normEmail(s string) string {
	s = strings.ToLower(strings.TrimSpace(nfkc(s)))
	local, domain, ok := strings.Cut(s, "@")
	if !ok {
		return s
	}
	return emailKey(local, domain)
}

var (
	eraPattern  = regexp.MustCompile(`^(明治|大正|昭和|平成|令和|[MTSHR])(\d+|元)[年./](\d+)[月./](\d+)日?$`)
	datePattern = regexp.MustCompile(`^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$`)
	compactDate = regexp.MustCompile(`^(\d{4})(\d{2})(\d{2})$`)
	monthDay    = regexp.MustCompile(`^(\d{1,2})月(\d{1,2})日$|^--\d{2}-\d{2}$`)
	eraStart    = map[string]int{"明治": 1868, "M": 1868, "大正": 1912, "T": 1912, "昭和": 1926, "S": 1926, "平成": 1989, "H": 1989, "令和": 2019, "R": 2019}
)

func isMonthDay(s string) bool { return monthDay.MatchString(nfkc(s)) }

// normDate reads a full date as "YYYY-MM-DD", or "" if it has no year.
func normDate(s string) string {
	s = nfkc(s)
	var y, m, d int
	if v := eraPattern.FindStringSubmatch(s); v != nil {
		ey := 1
		if v[2] != "元" {
			ey, _ = strconv.Atoi(v[2])
		}
		y = eraStart[v[1]] + ey - 1
		m, _ = strconv.Atoi(v[3])
		d, _ = strconv.Atoi(v[4])
	} else if v := datePattern.FindStringSubmatch(s); v != nil {
		y, _ = strconv.Atoi(v[1])
		m, _ = strconv.Atoi(v[2])
		d, _ = strconv.Atoi(v[3])
	} else if v := compactDate.FindStringSubmatch(s); v != nil {
		y, _ = strconv.Atoi(v[1])
		m, _ = strconv.Atoi(v[2])
		d, _ = strconv.Atoi(v[3])
	} else {
		return ""
	}
	return fmt.Sprintf("%04d-%02d-%02d", y, m, d)
}

var digitRun = regexp.MustCompile(`\d+`)

// addrKey is the town and the 丁目-番-号 numbers of an address, or "".
func addrKey(s string) string {
	s = nfkc(s)
	for i, k := range kanjiDigits {
		s = strings.ReplaceAll(s, k+"丁目", strconv.Itoa(i)+"丁目")
	}
	for _, a := range areas {
		_, rest, ok := strings.Cut(s, a.city+a.town)
		if !ok {
			continue
		}
		want := 2
		if a.chome > 0 {
			want = 3
		}
		nums := digitRun.FindAllString(rest, want)
		if len(nums) < want {
			return ""
		}
		return a.city + a.town + ":" + strings.Join(nums, "-")
	}
	return ""
}
