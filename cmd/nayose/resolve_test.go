package main

import (
	"bytes"
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/text/encoding/japanese"
)

func writeFile(t *testing.T, name string, data []byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func readClusters(t *testing.T, path string) map[string][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(rows[0], ",") != "record_id,cluster_id,rule,score" {
		t.Fatalf("header = %v", rows[0])
	}
	out := map[string][]string{}
	for _, r := range rows[1:] {
		out[r[0]] = r[1:]
	}
	return out
}

const customersCSV = `record_id,source,full_name,name_kana,email,phone,birthday,postal_code,address,memo
pos-1,pos,佐藤 太郎,サトウ タロウ,taro.sato@gmail.com,090-2468-1357,昭和60年4月12日,〒150-0041,東京都渋谷区神南一丁目2番3号,常連
line-7,line,Taro Sato,,TaroSato+line@gmail.com,,1985/4/12,,,
csv-3,old_csv,ｻﾄｳ ﾀﾛｳ,,,０９０（２４６８）１３５７,,,渋谷区神南1-2-3,
pos-2,pos,佐藤 花子,サトウ ハナコ,,03-3401-2345,1987-09-01,150-0041,東京都渋谷区神南1-2-3,
pos-3,pos,佐藤 次郎,サトウ ジロウ,,03-3401-2345,2015-03-03,150-0041,東京都渋谷区神南1-2-3,
`

func TestCLI_ResolveCSV(t *testing.T) {
	for _, enc := range []string{"utf-8", "shift_jis"} {
		t.Run(enc, func(t *testing.T) {
			data := []byte(customersCSV)
			if enc == "shift_jis" {
				var err error
				if data, err = japanese.ShiftJIS.NewEncoder().Bytes(data); err != nil {
					t.Fatal(err)
				}
			}
			in := writeFile(t, "records.csv", data)
			out := filepath.Join(t.TempDir(), "clusters.csv")
			reviews := filepath.Join(t.TempDir(), "reviews.csv")
			r := nayose(t, nil, "resolve", "--in", in, "--out", out, "--reviews", reviews)
			if r.code != 0 {
				t.Fatalf("exit %d\n%s", r.code, r.stderr)
			}
			if !strings.Contains(r.stderr, "5 records -> 3 people (2 records folded in)") || !strings.Contains(r.stderr, "ignoring columns memo") {
				t.Errorf("summary:\n%s", r.stderr)
			}
			got := readClusters(t, out)
			for _, id := range []string{"line-7", "csv-3"} {
				if got[id][0] != "csv-3" || got[id][1] != "score" || got[id][2] == "" {
					t.Errorf("%s -> %v, want cluster csv-3 with rule and score", id, got[id])
				}
			}
			if got["pos-1"][0] != "csv-3" {
				t.Errorf("pos-1 -> %v", got["pos-1"])
			}
			// The household shares a landline and an address: kept apart.
			if got["pos-2"][0] != "pos-2" || got["pos-3"][0] != "pos-3" || got["pos-2"][1] != "" {
				t.Errorf("household: pos-2 -> %v, pos-3 -> %v", got["pos-2"], got["pos-3"])
			}
			rev, err := os.ReadFile(reviews)
			if err != nil || !strings.Contains(string(rev), "pos-2,pos-3") || !strings.Contains(string(rev), "given names") {
				t.Errorf("reviews (%v):\n%s", err, rev)
			}
		})
	}
}

func TestCLI_ResolveRegionAndTruth(t *testing.T) {
	in := writeFile(t, "us.csv", []byte(`record_id,full_name,phone,email,person
a,John Smith,(415) 555-0132,,p1
b,JOHN SMITH,+1 415 555 0132,john@smith-family.us,p1
c,Jane Smith,415-555-0199,john@smith-family.us,p2
`))
	out := filepath.Join(t.TempDir(), "out.csv")
	r := nayose(t, nil, "resolve", "--in", in, "--out", out, "--region", "US", "--truth", "person")
	if r.code != 0 {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	got := readClusters(t, out)
	if got["a"][0] != got["b"][0] || got["c"][0] == got["a"][0] {
		t.Errorf("clusters = %v", got)
	}
	if !strings.Contains(r.stderr, "pairwise precision 1.0000 recall 1.0000 F1 1.0000") {
		t.Errorf("truth scores:\n%s", r.stderr)
	}
	// With Japan as the region, the US numbers do not parse and the two
	// John Smiths have only their name in common: not merged.
	r = nayose(t, nil, "resolve", "--in", in, "--out", out, "--region", "JP")
	if got := readClusters(t, out); r.code != 0 || got["a"][0] == got["b"][0] {
		t.Errorf("with region JP (exit %d): %v", r.code, got)
	}
}

func TestCLI_ResolveBadInput(t *testing.T) {
	noID := writeFile(t, "a.csv", []byte("name,email\nx,y@z.jp\n"))
	if r := nayose(t, nil, "resolve", "--in", noID); r.code != 1 || !strings.Contains(r.stderr, "a.csv:1: the header has no record_id column") {
		t.Errorf("no record_id: exit %d, %s", r.code, r.stderr)
	}
	rows := writeFile(t, "b.csv", []byte("record_id,full_name\n1,佐藤 太郎\n,鈴木\n1,田中\n2,山田\n"))
	var out bytes.Buffer
	r := nayose(t, nil, "resolve", "--in", rows)
	out.WriteString(r.stdout)
	if r.code != 0 || !strings.Contains(r.stderr, "b.csv:3:1: record_id is empty (row skipped)") ||
		!strings.Contains(r.stderr, `b.csv:4:1: record_id "1" was already used on line 2 (row skipped)`) ||
		!strings.Contains(out.String(), "2,2,,") {
		t.Errorf("bad rows: exit %d\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
	}
	if r := nayose(t, nil, "resolve"); r.code != 2 || !strings.Contains(r.stderr, "--in FILE is required") {
		t.Errorf("no --in: exit %d, %s", r.code, r.stderr)
	}
	if r := nayose(t, nil, "resolve", "--in", rows, "--region", "Japan"); r.code != 2 {
		t.Errorf("bad region: exit %d", r.code)
	}
	if r := nayose(t, nil, "resolve", "--in", filepath.Join(t.TempDir(), "missing.csv")); r.code != 1 || !strings.Contains(r.stderr, "missing.csv") {
		t.Errorf("missing file: exit %d, %s", r.code, r.stderr)
	}
}
