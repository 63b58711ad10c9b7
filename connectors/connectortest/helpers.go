package connectortest

import (
	"context"
	"log/slog"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/nayose/nayose/config"
	"github.com/nayose/nayose/connectors"
)

// Build builds one connector of type typ, named name, from an `options:`
// block (YAML, not indented) through config.Parse and a registry, as the
// daemon does.
func Build(t testing.TB, register func(*connectors.Registry), typ, name, options string) connectors.Source {
	t.Helper()
	yaml := "connectors:\n  - name: " + name + "\n    type: " + typ + "\n    schedule: \"@hourly\"\n    options:\n" + indent(options, "      ")
	cfg, err := config.Parse("nayose.yaml", []byte(yaml), func(string) (string, bool) { return "", false })
	if err != nil {
		t.Fatalf("%s\n%v", yaml, err)
	}
	r := connectors.NewRegistry()
	register(r)
	built, err := r.Build(cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	return built[0].Source
}

// Stream returns the source's stream called name.
func Stream(t testing.TB, src connectors.Source, name string) connectors.Stream {
	t.Helper()
	for _, s := range src.Streams() {
		if s.Name() == name {
			return s
		}
	}
	t.Fatalf("no stream %q", name)
	return nil
}

// ReadAll reads every page from cursor on, returning them and the error
// that ended them.
func ReadAll(s connectors.Stream, cursor string) ([]connectors.Page, error) {
	var pages []connectors.Page
	for p, err := range s.Pages(context.Background(), cursor) {
		if err != nil {
			return pages, err
		}
		pages = append(pages, p)
	}
	return pages, nil
}

// Merged is every page's records in one page, with the last cursor.
func Merged(pages []connectors.Page) (p connectors.Page) {
	for _, q := range pages {
		p.Identities = append(p.Identities, q.Identities...)
		p.Activities = append(p.Activities, q.Activities...)
		p.Rejects = append(p.Rejects, q.Rejects...)
		p.Cursor = q.Cursor
	}
	return p
}

// CheckDocs checks a connector's documentation against the code: sample
// (its sample.yaml) parses with env supplying ${VAR}s and builds one
// connector called name with the given streams, in order, and the
// README.md in the test's directory shows sample exactly.
func CheckDocs(t *testing.T, register func(*connectors.Registry), sample string, env map[string]string, name string, streams ...string) {
	t.Helper()
	cfg, err := config.Parse("sample.yaml", []byte(sample), func(k string) (string, bool) { v, ok := env[k]; return v, ok })
	if err != nil {
		t.Fatal(err)
	}
	r := connectors.NewRegistry()
	register(r)
	built, err := r.Build(cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	if len(built) != 1 || built[0].Config.Name != name {
		t.Fatalf("sample.yaml builds %+v, want one connector %q", built, name)
	}
	var names []string
	for _, s := range built[0].Source.Streams() {
		names = append(names, s.Name())
	}
	if !slices.Equal(names, streams) {
		t.Errorf("sample.yaml gives streams %v, want %v", names, streams)
	}
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(readme), "```yaml\n"+sample+"```") {
		t.Error("README.md does not show sample.yaml as it is; copy it in again")
	}
}
