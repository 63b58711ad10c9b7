package config_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nayose/nayose/config"
)

// fuzzLookup is a fixed fake environment: names starting with U are unset,
// with E set but empty, and the rest hold values of several kinds.
func fuzzLookup(name string) (string, bool) {
	switch {
	case strings.HasPrefix(name, "U"):
		return "", false
	case strings.HasPrefix(name, "E"):
		return "", true
	}
	values := []string{"5", "@hourly", "true", "90s", "UTC", "x: [y", "${NESTED}", "$$"}
	return values[len(name)%len(values)], true
}

func FuzzParse(f *testing.F) {
	files, err := filepath.Glob("testdata/*.yaml")
	if err != nil {
		f.Fatal(err)
	}
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	for _, s := range []string{
		"a: &a {b: 1}\ntimezone: *a\n",
		"x: &c [{name: a, type: csv, schedule: '@hourly'}]\nconnectors: *c\n",
		"connectors:\n  - &c {name: a, type: csv, schedule: '@hourly'}\n  - *c\n",
		"connectors:\n  - {name: a, type: csv, schedule: 'TZ=UTC'}\n",
		"connectors:\n  - {name: a, type: csv, schedule: '@every -1s'}\n",
		"database: {max_open_conns: ${CONNS}, dsn: ${UNSET}}\n",
		"http: {listen: ${E:-x}${Y}$$}\n",
		"timezone: UTC\n---\ntimezone: UTC\n---\n",
		"<<: {timezone: UTC}\n",
		"? [a]\n: b\n",
		"!!binary aGVsbG8=\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		const file = "fuzz.yaml"
		cfg, err := config.Parse(file, data, fuzzLookup)
		if err != nil {
			// A Config may come back beside Problems (what could be
			// decoded); it must at least say which file it is.
			if cfg != nil && cfg.File != file {
				t.Errorf("partial Config has File %q, want %q", cfg.File, file)
			}
			var ps config.Problems
			if !errors.As(err, &ps) {
				t.Fatalf("error is %T, want config.Problems: %v", err, err)
			}
			if len(ps) == 0 {
				t.Fatal("error is an empty config.Problems")
			}
			for _, p := range ps {
				if p.File != file {
					t.Errorf("problem File = %q, want %q: %v", p.File, file, p)
				}
				if p.Line < 0 || p.Column < 0 || (p.Line > 0 && p.Column == 0) {
					t.Errorf("problem at line %d, column %d: %v", p.Line, p.Column, p)
				}
				if p.Msg == "" {
					t.Errorf("problem without a message: %#v", p)
				}
			}
			return
		}
		if cfg == nil {
			t.Fatal("Parse returned neither a Config nor an error")
		}
		if cfg.Timezone.Location == nil {
			t.Error("no timezone")
		}
		if cfg.Database.MaxOpenConns < 1 {
			t.Errorf("max_open_conns %d accepted", cfg.Database.MaxOpenConns)
		}
		names := map[string]bool{}
		for _, c := range cfg.Connectors {
			if c.Name == "" || names[c.Name] || c.Type == "" {
				t.Errorf("connector %+v accepted (empty or repeated name, or no type)", c)
			}
			names[c.Name] = true
			if c.Schedule.Schedule == nil || c.Schedule.Spec == "" {
				t.Errorf("connector %q accepted without a schedule", c.Name)
			}
			if c.Timeout <= 0 {
				t.Errorf("connector %q accepted with timeout %v", c.Name, c.Timeout.Std())
			}
		}
	})
}

func FuzzSchedule(f *testing.F) {
	for _, s := range []string{
		"0 9 * * *", "*/15 * * * *", "@every 1h", "@hourly", "TZ=UTC 0 9 * * *",
		"CRON_TZ=Asia/Tokyo @daily", "TZ=UTC", "@every -1s", "1-5/2 * * * mon-fri", "?",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, spec string) {
		s, err := config.ParseSchedule(spec)
		if err != nil {
			if !strings.Contains(err.Error(), "is not a schedule") {
				t.Errorf("error %q does not say the spec is not a schedule", err)
			}
			return
		}
		if s.Spec != spec || s.Schedule == nil {
			t.Errorf("ParseSchedule(%q) = %+v", spec, s)
		}
	})
}
