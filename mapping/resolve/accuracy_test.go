package resolve_test

import (
	"strings"
	"testing"

	"github.com/nayose/nayose/mapping"
	"github.com/nayose/nayose/mapping/resolve"
	"github.com/nayose/nayose/mapping/resolve/eval"
)

// records turns evaluation rows into resolver records.
func records(rows []eval.Row) []resolve.Record {
	out := make([]resolve.Record, len(rows))
	for i, r := range rows {
		out[i] = resolve.Record{
			Key: r.RecordID, Source: r.Source,
			FullName: r.FullName, FamilyName: r.FamilyName, GivenName: r.GivenName, NameKana: r.NameKana,
			Birthday: r.Birthday, PostalCode: r.PostalCode, Address: r.Address, Company: r.Company,
		}
		if r.Email != "" {
			out[i].Emails = []string{r.Email}
		}
		if r.Phone != "" {
			out[i].Phones = []string{r.Phone}
		}
	}
	return out
}

func truthOf(rows []eval.Row) []string {
	out := make([]string, len(rows))
	for i, r := range rows {
		out[i] = r.Truth
	}
	return out
}

func predicted(recs []resolve.Record, res *resolve.Result) []string {
	out := make([]string, len(recs))
	for i, c := range res.Cluster {
		out[i] = recs[c].Key
	}
	return out
}

// naive is the rule many tools ship: records sharing a normalized email or
// phone are one person.
func naive(recs []resolve.Record) []string {
	parent := make([]int, len(recs))
	for i := range parent {
		parent[i] = i
	}
	var find func(int) int
	find = func(i int) int {
		for parent[i] != i {
			i = parent[i]
		}
		return i
	}
	first := map[string]int{}
	join := func(key string, i int) {
		if j, ok := first[key]; ok {
			a, b := find(i), find(j)
			parent[max(a, b)] = min(a, b)
		} else {
			first[key] = i
		}
	}
	for i, r := range recs {
		for _, e := range r.Emails {
			if k := mapping.EmailKey(e); k != "" {
				join("e"+k, i)
			}
		}
		for _, p := range r.Phones {
			if k := mapping.PhoneKey(p, "JP"); k != "" {
				join("p"+k, i)
			}
		}
	}
	out := make([]string, len(recs))
	for i := range recs {
		out[i] = recs[find(i)].Key
	}
	return out
}

func loadFEBRL(t testing.TB, files ...string) []eval.Row {
	t.Helper()
	var rows []eval.Row
	for _, f := range files {
		path := eval.FEBRLPath(f)
		if path == "" {
			t.Skipf("FEBRL data %s not found beside the repository (../shared/datasets/febrl)", f)
		}
		rs, err := eval.LoadFEBRL(path, strings.TrimSuffix(f, ".csv"))
		if err != nil {
			t.Fatal(err)
		}
		rows = append(rows, rs...)
	}
	return rows
}

type accuracyCase struct {
	name          string
	rows          func(t testing.TB) []eval.Row
	learn         bool
	minPrecision  float64
	minF1         float64
	reportByCases bool
}

// TestAccuracy resolves labelled data sets and checks pairwise precision
// and F1 against the targets. Run with -v to see the table:
//
//	go test ./mapping/resolve -run TestAccuracy -v
func TestAccuracy(t *testing.T) {
	cases := []accuracyCase{
		{name: "febrl1", rows: func(t testing.TB) []eval.Row { return loadFEBRL(t, "dataset1.csv") }, learn: true, minPrecision: 0.99, minF1: 0.96},
		{name: "febrl2", rows: func(t testing.TB) []eval.Row { return loadFEBRL(t, "dataset2.csv") }, learn: true, minPrecision: 0.99, minF1: 0.975},
		{name: "febrl3", rows: func(t testing.TB) []eval.Row { return loadFEBRL(t, "dataset3.csv") }, learn: true, minPrecision: 0.99, minF1: 0.96},
		{name: "febrl4", rows: func(t testing.TB) []eval.Row { return loadFEBRL(t, "dataset4a.csv", "dataset4b.csv") }, learn: true, minPrecision: 0.98, minF1: 0.98},
		{name: "japanese", rows: func(testing.TB) []eval.Row { return eval.Japanese(1, 20000) }, minPrecision: 0.995, minF1: 0.97, reportByCases: true},
	}
	t.Logf("%-9s %-8s %9s %9s %9s %9s %9s", "data", "method", "records", "precision", "recall", "F1", "B3-F1")
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rows := c.rows(t)
			recs, truth := records(rows), truthOf(rows)
			opts := resolve.Options{}
			if c.learn {
				m, _, err := resolve.Learn(recs, resolve.DefaultModel(), opts)
				if err != nil {
					t.Fatal(err)
				}
				w := m.Weights()
				opts.Weights = &w
				t.Logf("learned weights:\n%s", w)
			}
			res, err := resolve.Resolve(resolve.Input{Records: recs}, opts)
			if err != nil {
				t.Fatal(err)
			}
			pred := predicted(recs, res)
			s := eval.Pairwise(truth, pred)
			_, _, b3 := eval.BCubed(truth, pred)
			t.Logf("%-9s %-8s %9d %9.4f %9.4f %9.4f %9.4f  (%d pairs compared)", c.name, "nayose", len(recs), s.Precision, s.Recall, s.F1, b3, res.Compared)
			ns := eval.Pairwise(truth, naive(recs))
			_, _, nb3 := eval.BCubed(truth, naive(recs))
			t.Logf("%-9s %-8s %9d %9.4f %9.4f %9.4f %9.4f", c.name, "naive", len(recs), ns.Precision, ns.Recall, ns.F1, nb3)
			if c.reportByCases {
				byCase := eval.RecallByCase(rows, pred)
				for _, name := range eval.JapaneseCases() {
					if s, ok := byCase[name]; ok {
						t.Logf("  case %-15s %s", name, s)
					}
				}
			}
			if s.Precision < c.minPrecision || s.F1 < c.minF1 {
				t.Errorf("%s: precision %.4f (want >= %.3f), F1 %.4f (want >= %.3f)", c.name, s.Precision, c.minPrecision, s.F1, c.minF1)
			}
		})
	}
}
