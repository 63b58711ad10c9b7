package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/nayose/nayose/store"
	"github.com/nayose/nayose/store/storetest"
)

type result struct {
	code           int
	stdout, stderr string
}

func nayose(t *testing.T, env map[string]string, args ...string) result {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(context.Background(), args, &out, &errb, func(k string) string { return env[k] })
	return result{code, out.String(), errb.String()}
}

// exampleConfig writes a config reading the shipped example exports into
// the given database, and returns its path.
func exampleConfig(t *testing.T, database string) string {
	t.Helper()
	examples, err := filepath.Abs("../../examples")
	if err != nil {
		t.Fatal(err)
	}
	base, err := os.ReadFile(filepath.Join(examples, "nayose.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	cfg := strings.ReplaceAll(string(base), "path: exports/", "path: "+examples+"/exports/")
	cfg += "\nhttp: {listen: \"\"}\n" + database
	path := filepath.Join(t.TempDir(), "nayose.yaml")
	if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func databaseBlock(t *testing.T, dialect string) string {
	opts := storetest.Options(t, dialect)
	if dialect == store.SQLite {
		return "database: {driver: sqlite, path: " + opts.Path + "}\n"
	}
	return fmt.Sprintf("database: {driver: mysql, dsn: %q}\n", opts.DSN)
}

func TestCLI_SyncExampleExportTwice(t *testing.T) {
	for _, dialect := range storetest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			cfg := exampleConfig(t, databaseBlock(t, dialect))
			first := nayose(t, nil, "sync", "-c", cfg)
			if first.code != 0 {
				t.Fatalf("sync exit %d\nstdout:\n%s\nstderr:\n%s", first.code, first.stdout, first.stderr)
			}
			for _, want := range []string{
				"salon_pos/customers: succeeded, 52 records read, 50 written, 2 rejected",
				"salon_pos/purchases: succeeded, 113 records read, 111 written, 2 rejected",
				"48 customers from 50 source records, with 111 activities",
			} {
				if !strings.Contains(first.stdout, want) {
					t.Errorf("first sync output lacks %q:\n%s", want, first.stdout)
				}
			}
			// Unchanged files are skipped: nothing read, nothing doubled.
			second := nayose(t, nil, "sync", "salon_pos", "--config", cfg)
			if second.code != 0 || !strings.Contains(second.stdout, "48 customers from 50 source records, with 111 activities") ||
				!strings.Contains(second.stdout, "salon_pos/customers: succeeded, 0 records read") {
				t.Errorf("second sync (exit %d):\n%s%s", second.code, second.stdout, second.stderr)
			}
			status := nayose(t, nil, "status", "-c", cfg)
			for _, want := range []string{"salon_pos  customers", "succeeded", `exports/customers.csv:53:6 [生年月日] id C2003: "1990/02/30" is not a date`, "48 customers"} {
				if !strings.Contains(status.stdout, want) {
					t.Errorf("status lacks %q:\n%s", want, status.stdout)
				}
			}
			found := nayose(t, nil, "customers", "-c", cfg, "高橋", "翔太")
			if found.code != 0 || !strings.Contains(found.stdout, "identities (2;") || !strings.Contains(found.stdout, "+817019528750") ||
				!strings.Contains(found.stdout, "merge identity 50 (auto, score ") || !strings.Contains(found.stdout, "phone exact +13.0") {
				t.Errorf("customers 高橋 翔太 (exit %d):\n%s%s", found.code, found.stdout, found.stderr)
			}
			// A one-off sync leaves whole figures: RFM scores need the cuts
			// the daily pass computes, and sync computes them too.
			if !regexp.MustCompile(`\[(customer|repeat|dormant) · [a-z_]+, RFM [1-5]{3}\]`).MatchString(found.stdout) {
				t.Errorf("customers 高橋 翔太 shows no RFM segment:\n%s", found.stdout)
			}
			byPhone := nayose(t, nil, "customers", "-c", cfg, "０７０－１９５２－８７５０")
			if byPhone.code != 0 || !strings.Contains(byPhone.stdout, "高橋 翔太") {
				t.Errorf("customers by full-width phone (exit %d):\n%s%s", byPhone.code, byPhone.stdout, byPhone.stderr)
			}
			none := nayose(t, nil, "customers", "-c", cfg, "nobody@example.jp")
			if none.code != 1 || !strings.Contains(none.stdout, "No customer matches") {
				t.Errorf("customers nobody: exit %d\n%s", none.code, none.stdout)
			}
		})
	}
}

func TestCLI_ValidateListsEveryProblem(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.yaml")
	os.WriteFile(bad, []byte(`timezone: Asia/Tokio
database: {driver: mysql, dsn: "app:hunter2@tcp(db:3306)/nayose"}
connectors:
  - name: shop
    type: csv
    schedule: "@every 1h"
    options:
      customers:
        path: c.csv
        id_colum: 顧客番号
        columns: {氏名: full_nam}
  - name: pos
    type: squar
    schedule: "0 25 * * *"
`), 0o600)
	r := nayose(t, nil, "validate", "-c", bad)
	if r.code != 1 {
		t.Fatalf("validate exit %d, want 1\n%s%s", r.code, r.stdout, r.stderr)
	}
	for _, want := range []string{
		bad + `:1:11: timezone: "Asia/Tokio" is not a time zone name`,
		bad + `:10:9: connectors[0].options.customers: unknown field "id_colum" (did you mean "id_column"?)`,
		bad + `:13:11: connectors[1].type: unknown connector type "squar"`,
		bad + `:14:15: connectors[1].schedule: "0 25 * * *" is not a schedule`,
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("validate output lacks\n  %s\ngot:\n%s", want, r.stdout)
		}
	}
	if strings.Contains(r.stdout+r.stderr, "hunter2") {
		t.Errorf("the DSN's password was printed:\n%s%s", r.stdout, r.stderr)
	}

	good := nayose(t, nil, "validate", "-c", "../../examples/nayose.yaml")
	if good.code != 0 || !strings.Contains(good.stdout, "valid: 1 connector") {
		t.Errorf("validate examples: exit %d\n%s%s", good.code, good.stdout, good.stderr)
	}
}

func TestCLI_ConfigFromEnvironmentAndErrors(t *testing.T) {
	r := nayose(t, map[string]string{"NAYOSE_CONFIG": "../../examples/nayose.yaml"}, "validate")
	if r.code != 0 {
		t.Errorf("validate with $NAYOSE_CONFIG: exit %d\n%s", r.code, r.stderr)
	}
	cfg := exampleConfig(t, databaseBlock(t, store.SQLite))
	r = nayose(t, nil, "sync", "-c", cfg, "salon_po")
	if r.code != 1 || !strings.Contains(r.stderr, `no connector named "salon_po" (did you mean "salon_pos"?)`) {
		t.Errorf("sync unknown name: exit %d\n%s", r.code, r.stderr)
	}
	r = nayose(t, nil, "snyc")
	if r.code != 2 || !strings.Contains(r.stderr, `unknown command "snyc" (did you mean "sync"?)`) {
		t.Errorf("unknown command: exit %d\n%s", r.code, r.stderr)
	}
	r = nayose(t, nil, "sync", "--help")
	if r.code != 0 || !strings.Contains(r.stderr, "Usage: nayose sync") {
		t.Errorf("sync --help: exit %d\n%s", r.code, r.stderr)
	}
	r = nayose(t, nil, "validate", "-c", "/nonexistent/nayose.yaml")
	if r.code != 1 || !strings.Contains(r.stderr, "no such file") {
		t.Errorf("missing config: exit %d\n%s", r.code, r.stderr)
	}
}

func TestCLI_MySQLPasswordNeverPrinted(t *testing.T) {
	cfg := exampleConfig(t, `database: {driver: mysql, dsn: "nayose:s3cr3t-pw@tcp(127.0.0.1:1)/nayose"}`+"\n")
	r := nayose(t, nil, "sync", "-c", cfg)
	if r.code == 0 {
		t.Fatal("sync against a closed port succeeded")
	}
	if strings.Contains(r.stdout+r.stderr, "s3cr3t-pw") {
		t.Errorf("password printed:\n%s%s", r.stdout, r.stderr)
	}
}
