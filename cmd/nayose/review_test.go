package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/nayose/nayose/store/storetest"
)

// householdConfig writes a customer list where two records are one person
// written two ways, and a mother and son share a landline, an address and a
// family email; it returns the config path.
func householdConfig(t *testing.T, database string) string {
	t.Helper()
	dir := t.TempDir()
	csv := `id,name,kana,email,phone,birthday,address
1,山田 花子,ヤマダ ハナコ,yamada.family@docomo.ne.jp,03-3401-2345,1960-02-03,東京都渋谷区神南1-2-3
2,山田 一郎,ヤマダ イチロウ,yamada.family@docomo.ne.jp,03-3401-2345,1988-07-21,東京都渋谷区神南1-2-3
3,Hanako Yamada,,hanako.y@gmail.com,03-3401-2345,1960/2/3,
4,山田 花子,やまだ はなこ,,090-8765-4321,,
`
	if err := os.WriteFile(filepath.Join(dir, "customers.csv"), []byte(csv), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg := `http: {listen: ""}
connectors:
  - name: crm
    type: csv
    schedule: "@every 1h"
    options:
      customers:
        path: customers.csv
        id_column: id
        columns: {name: full_name, kana: name_kana, email: email, phone: phone, birthday: birthday, address: address}
` + database
	path := filepath.Join(dir, "nayose.yaml")
	if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestCLI_ReviewMergeSplitNeverMatch(t *testing.T) {
	for _, dialect := range storetest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			cfg := householdConfig(t, databaseBlock(t, dialect))
			if r := nayose(t, nil, "sync", "-c", cfg); r.code != 0 {
				t.Fatalf("sync exit %d:\n%s%s", r.code, r.stdout, r.stderr)
			}
			// 花子 (1) and Hanako Yamada (3) are one person; her son (2) is
			// not, though he shares her phone, email and address; 4 has
			// only her name and a mobile nobody else has.
			if r := nayose(t, nil, "customers", "-c", cfg, "hanako.y@gmail.com"); !strings.Contains(r.stdout, "crm:1") && !strings.Contains(r.stdout, "山田 花子") {
				t.Errorf("customers by email:\n%s", r.stdout)
			}
			review := nayose(t, nil, "review", "-c", cfg)
			if review.code != 0 || !strings.Contains(review.stdout, "given names") || !strings.Contains(review.stdout, "nayose merge ") {
				t.Fatalf("review (exit %d):\n%s%s", review.code, review.stdout, review.stderr)
			}
			t.Logf("review:\n%s", review.stdout)

			// Merge the pair the review lists first, then split an identity
			// back out, then keep two customers apart for good.
			m := regexp.MustCompile(`nayose merge (\d+) (\d+)`).FindStringSubmatch(review.stdout)
			merged := nayose(t, nil, "merge", "-c", cfg, "--note", "same person, checked by phone", m[1], m[2])
			if merged.code != 0 || !strings.Contains(merged.stdout, "are now customer") {
				t.Fatalf("merge (exit %d):\n%s%s", merged.code, merged.stdout, merged.stderr)
			}
			if again := nayose(t, nil, "merge", "-c", cfg, m[1], m[2]); again.code == 0 || !strings.Contains(again.stderr, "already one customer") {
				t.Errorf("merging again (exit %d): %s", again.code, again.stderr)
			}
			// A re-run of the connector keeps the decision (the split below
			// finds identity 2 with company).
			if r := nayose(t, nil, "sync", "-c", cfg); r.code != 0 {
				t.Fatalf("re-sync exit %d:\n%s%s", r.code, r.stdout, r.stderr)
			}
			split := nayose(t, nil, "split", "-c", cfg, "2")
			if split.code != 0 || !strings.Contains(split.stdout, "Identity 2 is now customer") {
				t.Fatalf("split (exit %d):\n%s%s", split.code, split.stdout, split.stderr)
			}
			// The split holds through another run: identity 2 is alone.
			if r := nayose(t, nil, "sync", "-c", cfg); r.code != 0 {
				t.Fatalf("re-sync exit %d:\n%s%s", r.code, r.stdout, r.stderr)
			}
			if r := nayose(t, nil, "split", "-c", cfg, "2"); r.code == 0 || !strings.Contains(r.stderr, "only identity") {
				t.Errorf("splitting a lone identity (exit %d): %s", r.code, r.stderr)
			}
			if r := nayose(t, nil, "never-match", "-c", cfg, "1", "999999"); r.code == 0 || !strings.Contains(r.stderr, "no such customer") {
				t.Errorf("never-match with an unknown id (exit %d): %s", r.code, r.stderr)
			}
			if r := nayose(t, nil, "merge", "-c", cfg, "x", "1"); r.code != 2 {
				t.Errorf("merge with a bad id: exit %d, want 2", r.code)
			}
		})
	}
}
