package resolve_test

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/nayose/nayose/mapping/resolve"
	"github.com/nayose/nayose/mapping/resolve/eval"
)

// partition returns the clusters as sorted lists of record keys, sorted.
func partition(recs []resolve.Record, res *resolve.Result) [][]string {
	byRep := map[int][]string{}
	for i, c := range res.Cluster {
		byRep[c] = append(byRep[c], recs[i].Key)
	}
	out := make([][]string, 0, len(byRep))
	for _, keys := range byRep {
		slices.Sort(keys)
		out = append(out, keys)
	}
	slices.SortFunc(out, func(a, b []string) int { return strings.Compare(a[0], b[0]) })
	return out
}

func mustResolve(t *testing.T, in resolve.Input, opts resolve.Options) *resolve.Result {
	t.Helper()
	res, err := resolve.Resolve(in, opts)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func TestResolve_OrderDoesNotChangeClusters(t *testing.T) {
	recs := records(eval.Japanese(7, 3000))
	want := partition(recs, mustResolve(t, resolve.Input{Records: recs}, resolve.Options{}))
	rng := rand.New(rand.NewPCG(1, 1))
	for round := range 5 {
		shuffled := slices.Clone(recs)
		rng.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
		got := partition(shuffled, mustResolve(t, resolve.Input{Records: shuffled}, resolve.Options{Workers: 1 + round%2}))
		if !slices.EqualFunc(got, want, slices.Equal) {
			t.Fatalf("round %d: shuffled input gave %d clusters, in order %d", round, len(got), len(want))
		}
	}
	if len(want) == len(recs) {
		t.Fatal("nothing was merged: the test proves nothing")
	}
}

func rec(key, name, kana, email, phone, birthday, address string) resolve.Record {
	r := resolve.Record{Key: key, FullName: name, NameKana: kana, Birthday: birthday, Address: address}
	if email != "" {
		r.Emails = []string{email}
	}
	if phone != "" {
		r.Phones = []string{phone}
	}
	return r
}

func sameCluster(res *resolve.Result, a, b int) bool { return res.Cluster[a] == res.Cluster[b] }

func TestResolve_JapaneseVariantsMeet(t *testing.T) {
	recs := []resolve.Record{
		rec("pos-1", "佐藤 太郎", "サトウ タロウ", "taro.sato@gmail.com", "090-2468-1357", "昭和60年4月12日", "東京都渋谷区神南一丁目2番3号"),
		rec("line-1", "Taro Sato", "", "TaroSato+line@gmail.com", "", "1985/4/12", ""),
		rec("csv-1", "ｻﾄｳ ﾀﾛｳ", "", "", "０９０（２４６８）１３５７", "", "渋谷区神南1-2-3"),
		rec("book-1", "SATO TARO", "", "", "+81 90 2468 1357", "4月12日", ""),
	}
	res := mustResolve(t, resolve.Input{Records: recs}, resolve.Options{})
	for i := 1; i < len(recs); i++ {
		if !sameCluster(res, 0, i) {
			t.Errorf("%s was not joined with %s; reviews: %+v", recs[i].Key, recs[0].Key, res.Reviews)
		}
	}
	if len(res.Links) != len(recs)-1 {
		t.Errorf("links = %d, want %d", len(res.Links), len(recs)-1)
	}
	for _, l := range res.Links {
		if l.Rule != resolve.RuleScore || l.Score < resolve.DefaultAutoMerge || len(res.Evidence(l)) == 0 {
			t.Errorf("link %+v is not explained", l)
		}
	}
}

func TestResolve_HouseholdSharingALandlineStaysApart(t *testing.T) {
	recs := []resolve.Record{
		rec("a", "山田 花子", "ヤマダ ハナコ", "yamada.family@docomo.ne.jp", "03-3401-2345", "1960-02-03", "東京都渋谷区神南1-2-3"),
		rec("b", "山田 一郎", "ヤマダ イチロウ", "yamada.family@docomo.ne.jp", "03-3401-2345", "1988-07-21", "東京都渋谷区神南1-2-3"),
		// Twins: one birthday, one address, one landline, two people.
		rec("c", "山田 健", "ヤマダ ケン", "", "03-3401-2345", "1990-05-05", "東京都渋谷区神南1-2-3"),
		rec("d", "山田 翔", "ヤマダ ショウ", "", "03-3401-2345", "1990-05-05", "東京都渋谷区神南1-2-3"),
	}
	res := mustResolve(t, resolve.Input{Records: recs}, resolve.Options{})
	for i := range recs {
		for j := i + 1; j < len(recs); j++ {
			if sameCluster(res, i, j) {
				t.Errorf("household members %s and %s were merged", recs[i].Key, recs[j].Key)
			}
		}
	}
	if len(res.Reviews) == 0 {
		t.Error("the household's strong pairs are not listed for review")
	}
	for _, r := range res.Reviews {
		if r.Score >= resolve.DefaultAutoMerge && r.Conflict() == "" {
			t.Errorf("review %+v scored above auto-merge without saying which guard kept it apart", r)
		}
	}
}

func TestResolve_NamesakesStayApart(t *testing.T) {
	recs := []resolve.Record{
		rec("a", "佐藤 翔太", "サトウ ショウタ", "shota.s@icloud.com", "080-1111-2222", "1990-01-15", "埼玉県さいたま市大宮区桜木町1-2-3"),
		rec("b", "佐藤 翔太", "サトウ ショウタ", "sato-shota@yahoo.co.jp", "090-3333-4444", "1995-08-30", "埼玉県さいたま市大宮区桜木町4-5-6"),
		rec("c", "佐藤翔太", "", "", "", "", "埼玉県さいたま市大宮区桜木町7-8-9"),
	}
	res := mustResolve(t, resolve.Input{Records: recs}, resolve.Options{})
	if sameCluster(res, 0, 1) || sameCluster(res, 0, 2) || sameCluster(res, 1, 2) {
		t.Errorf("namesakes merged: clusters %v", res.Cluster)
	}
}

func TestResolve_MaidenNameWithTheSameMobileJoins(t *testing.T) {
	recs := []resolve.Record{
		rec("old", "森田陽子", "", "ymorita@ezweb.ne.jp", "090-6996-3035", "1950-07-14", ""),
		rec("new", "斎藤 陽子", "サイトウ ヨウコ", "", "+819069963035", "昭和25年7月14日", "神奈川県横浜市中区山下町14-12"),
	}
	res := mustResolve(t, resolve.Input{Records: recs}, resolve.Options{})
	if !sameCluster(res, 0, 1) {
		t.Errorf("maiden and married name with one mobile and birthday were not joined; reviews %+v", res.Reviews)
	}
}

// TestResolve_GivenNameOnlyWithTheSameMobileJoins: a LINE friend known as
// "翔太" who wrote his mobile number is the register's 鈴木 翔太 with that
// number; "misaki" with another's number is not 田中 美咲, and a given
// name that differs keeps two people apart even on one number.
func TestResolve_GivenNameOnlyWithTheSameMobileJoins(t *testing.T) {
	recs := []resolve.Record{
		rec("pos", "鈴木 翔太", "", "", "+81 80-3429-2053", "", ""),
		rec("line", "翔太", "", "", "080-3429-2053", "", ""),
		rec("pos2", "Misaki Tanaka", "", "", "090-1111-2222", "", ""),
		rec("line2", "misaki", "", "", "090-9999-8888", "", ""),
		rec("pos3", "佐藤 健太", "", "", "070-1234-5678", "", ""),
		rec("line3", "蓮", "", "", "070-1234-5678", "", ""),
	}
	res := mustResolve(t, resolve.Input{Records: recs}, resolve.Options{})
	if !sameCluster(res, 0, 1) {
		t.Errorf("翔太 with 鈴木 翔太's mobile was not joined; reviews %+v", res.Reviews)
	}
	if sameCluster(res, 2, 3) {
		t.Error("misaki with another number was joined to Misaki Tanaka")
	}
	if sameCluster(res, 4, 5) {
		t.Error("蓮 was joined to 佐藤 健太 on a shared number alone")
	}
}

func TestResolve_JunkIdentifiersLinkNobody(t *testing.T) {
	var recs []resolve.Record
	// A shop typed its own number for twelve walk-in customers, and two
	// customers gave the placeholder address test@example.com.
	for i, name := range []string{"青木 誠", "石井 修", "岡田 浩", "金子 隆", "近藤 進", "坂本 淳", "中川 実", "西村 茂", "原田 勝", "藤田 忠", "松田 司", "村上 翼"} {
		recs = append(recs, rec(string(rune('a'+i)), name, "", "", "03-5555-0101", "", ""))
	}
	recs = append(recs,
		rec("x", "田中 一郎", "", "test@example.com", "000-0000-0000", "", ""),
		rec("y", "鈴木 次郎", "", "TEST@example.com", "000-0000-0000", "", ""))
	res := mustResolve(t, resolve.Input{Records: recs}, resolve.Options{})
	for i := range recs {
		if res.Cluster[i] != i {
			t.Errorf("%s was merged into %s over a junk identifier", recs[i].Key, recs[res.Cluster[i]].Key)
		}
	}
	if len(res.Junk) == 0 {
		t.Error("the shared shop number was not reported as junk")
	}
}

func TestResolve_DecisionsWin(t *testing.T) {
	recs := []resolve.Record{
		rec("a", "高橋 一郎", "タカハシ イチロウ", "ichiro@takahashi-sha.co.jp", "", "", ""),
		rec("b", "髙橋 一郎", "たかはし いちろう", "ichiro@takahashi-sha.co.jp", "", "", ""),
		rec("c", "Ichiro T.", "", "", "", "", ""),
	}
	res := mustResolve(t, resolve.Input{Records: recs}, resolve.Options{})
	if !sameCluster(res, 0, 1) {
		t.Fatalf("itaiji and email variant not joined: %v", res.Cluster)
	}
	res = mustResolve(t, resolve.Input{Records: recs, Constraints: []resolve.Constraint{
		{A: "a", B: "b", Never: true},
		{A: "c", B: "a"},
	}}, resolve.Options{})
	if sameCluster(res, 0, 1) {
		t.Error("a never-match pair was merged")
	}
	if !sameCluster(res, 0, 2) {
		t.Error("a manual merge was not applied")
	}
	manual := slices.IndexFunc(res.Links, func(l resolve.Link) bool { return l.Rule == resolve.RuleManual })
	if manual < 0 {
		t.Errorf("links %+v carry no manual rule", res.Links)
	}
}

func TestResolve_DuplicateKeysAreRefused(t *testing.T) {
	_, err := resolve.Resolve(resolve.Input{Records: []resolve.Record{{Key: "a"}, {Key: "a"}}}, resolve.Options{})
	if err == nil || !strings.Contains(err.Error(), `"a"`) {
		t.Errorf("err = %v, want one naming the key", err)
	}
}
