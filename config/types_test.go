package config_test

import (
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/nayose/nayose/config"
)

func TestSchedule(t *testing.T) {
	// from is a Wednesday.
	from := time.Date(2025, 1, 1, 9, 1, 30, 0, time.UTC)
	tests := []struct {
		spec string
		// next is the first run after from; zero skips the check.
		next time.Time
		// wantErr is part of the error; empty means the spec is valid.
		wantErr string
	}{
		{spec: "0 9 * * *", next: time.Date(2025, 1, 2, 9, 0, 0, 0, time.UTC)},
		{spec: "*/15 * * * *", next: time.Date(2025, 1, 1, 9, 15, 0, 0, time.UTC)},
		{spec: "30 8 * * 1-5", next: time.Date(2025, 1, 2, 8, 30, 0, 0, time.UTC)},
		{spec: "0 0 1 jan *", next: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)},
		{spec: "0 12 * * sun", next: time.Date(2025, 1, 5, 12, 0, 0, 0, time.UTC)},
		{spec: "@hourly", next: time.Date(2025, 1, 1, 10, 0, 0, 0, time.UTC)},
		{spec: "@daily", next: time.Date(2025, 1, 2, 0, 0, 0, 0, time.UTC)},
		{spec: "@midnight", next: time.Date(2025, 1, 2, 0, 0, 0, 0, time.UTC)},
		{spec: "@weekly", next: time.Date(2025, 1, 5, 0, 0, 0, 0, time.UTC)},
		{spec: "@monthly", next: time.Date(2025, 2, 1, 0, 0, 0, 0, time.UTC)},
		{spec: "@yearly"},
		{spec: "@annually"},
		{spec: "@every 1h", next: from.Add(time.Hour).Truncate(time.Second)},
		{spec: "@every 90s", next: from.Add(90 * time.Second)},
		{spec: "@every 1s", next: from.Add(time.Second)},
		{spec: "@every 1h30m"},
		{spec: "CRON_TZ=Asia/Tokyo 0 9 * * *", next: time.Date(2025, 1, 2, 0, 0, 0, 0, time.UTC)},

		{spec: "", wantErr: "empty spec string"},
		{spec: "@every 1x", wantErr: `unknown unit "x"`},
		{spec: "@every", wantErr: "unrecognized descriptor"},
		{spec: "@every 0s", wantErr: "@every needs at least 1s"},
		{spec: "@every -1h", wantErr: "@every needs at least 1s"},
		{spec: "@every 500ms", wantErr: "@every needs at least 1s"},
		{spec: "TZ=UTC @every 1ms", wantErr: "@every needs at least 1s"},
		{spec: "TZ=UTC", wantErr: "a time zone prefix needs a schedule after it"},
		{spec: "CRON_TZ=Asia/Tokyo", wantErr: "a time zone prefix needs a schedule after it"},
		{spec: "TZ=Nowhere/Special 0 9 * * *", wantErr: "provided bad location"},
		{spec: "@reboot", wantErr: "unrecognized descriptor"},
		{spec: "61 * * * *", wantErr: "end of range (61) above maximum (59)"},
		{spec: "0 24 * * *", wantErr: "end of range (24) above maximum (23)"},
		{spec: "0 9 32 * *", wantErr: "above maximum (31)"},
		{spec: "0 9 * 13 *", wantErr: "above maximum (12)"},
		{spec: "0 9 * * 8", wantErr: "above maximum (6)"},
		{spec: "0 0 9 * * *", wantErr: "expected exactly 5 fields, found 6"},
		{spec: "9 * * *", wantErr: "expected exactly 5 fields, found 4"},
		{spec: "every hour", wantErr: "expected exactly 5 fields, found 2"},
		{spec: "a b c d e", wantErr: "failed to parse int from a"},
		{spec: "*/0 * * * *", wantErr: "step of range should be a positive number"},
	}
	for _, tt := range tests {
		t.Run(tt.spec, func(t *testing.T) {
			s, err := config.ParseSchedule(tt.spec)
			if tt.wantErr != "" {
				if err == nil {
					t.Fatalf("ParseSchedule(%q) succeeded, want an error containing %q", tt.spec, tt.wantErr)
				}
				if !strings.Contains(err.Error(), tt.wantErr) {
					t.Errorf("ParseSchedule(%q) error = %q, want it to contain %q", tt.spec, err, tt.wantErr)
				}
				if !strings.HasPrefix(err.Error(), `"`+tt.spec+`" is not a schedule: `) {
					t.Errorf("error %q does not start by quoting the spec", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseSchedule(%q): %v", tt.spec, err)
			}
			if s.Spec != tt.spec || s.Schedule == nil {
				t.Fatalf("ParseSchedule(%q) = %+v, want Spec kept and a schedule", tt.spec, s)
			}
			if got := s.Next(from); got.IsZero() {
				t.Errorf("Next(%v) is zero: the schedule never runs", from)
			} else if !tt.next.IsZero() && !got.Equal(tt.next) {
				t.Errorf("Next(%v) = %v, want %v", from, got, tt.next)
			}
			out, err := yaml.Marshal(s)
			if err != nil {
				t.Fatal(err)
			}
			var back config.Schedule
			if err := yaml.Unmarshal(out, &back); err != nil || back.Spec != tt.spec {
				t.Errorf("YAML round trip gave %q, %v; want %q", back.Spec, err, tt.spec)
			}
		})
	}
}

// TestTypes_Unmarshal covers the other typed settings as yaml.v3 sees them
// when a connector decodes its own options with them.
func TestTypes_Unmarshal(t *testing.T) {
	tests := []struct {
		yaml    string
		into    func() (any, func() string)
		want    string
		wantErr string
	}{
		{yaml: "90s", into: duration, want: "1m30s"},
		{yaml: "1h30m", into: duration, want: "1h30m0s"},
		{yaml: "0s", into: duration, want: "0s"},
		{yaml: "90", into: duration, wantErr: `"90" is not a duration (write it like 90s, 5m or 1h30m)`},
		{yaml: "-1m", into: duration, wantErr: `"-1m": a duration cannot be negative`},
		{yaml: "[1m]", into: duration, wantErr: "expected a single value, found a list"},
		{yaml: "UTC", into: location, want: "UTC"},
		{yaml: "Asia/Tokyo", into: location, want: "Asia/Tokyo"},
		{yaml: "America/Argentina/Buenos_Aires", into: location, want: "America/Argentina/Buenos_Aires"},
		{yaml: "Local", into: location, wantErr: `"Local" is not a time zone name`},
		{yaml: `""`, into: location, wantErr: `"" is not a time zone name`},
		{yaml: "../../etc/passwd", into: location, wantErr: `"../../etc/passwd" is not a time zone name`},
		{yaml: "{name: UTC}", into: location, wantErr: "expected a single value, found a mapping"},
		{yaml: "s3cr3t", into: secret, want: "s3cr3t"},
		{yaml: "[s3cr3t]", into: secret, wantErr: "expected a single text value"},
	}
	for _, tt := range tests {
		v, got := tt.into()
		err := yaml.Unmarshal([]byte(tt.yaml), v)
		switch {
		case tt.wantErr != "" && err == nil:
			t.Errorf("%q into %T: got %s, want error %q", tt.yaml, v, got(), tt.wantErr)
		case tt.wantErr != "" && !strings.Contains(err.Error(), tt.wantErr):
			t.Errorf("%q into %T: error %q, want it to contain %q", tt.yaml, v, err, tt.wantErr)
		case tt.wantErr == "" && err != nil:
			t.Errorf("%q into %T: %v", tt.yaml, v, err)
		case tt.wantErr == "" && got() != tt.want:
			t.Errorf("%q into %T = %s, want %s", tt.yaml, v, got(), tt.want)
		}
	}
}

func duration() (any, func() string) {
	var d config.Duration
	return &d, func() string { return d.Std().String() }
}

func location() (any, func() string) {
	var l config.Location
	return &l, func() string { return l.String() }
}

func secret() (any, func() string) {
	var s config.Secret
	return &s, func() string { return s.Reveal() }
}

func TestClosest(t *testing.T) {
	keys := []string{"timezone", "log", "database", "http", "mapping", "connectors"}
	tests := []struct {
		s          string
		candidates []string
		want       string
		wantOK     bool
	}{
		{"conectors", keys, "connectors", true},
		{"connector", keys, "connectors", true},
		{"timezon", keys, "timezone", true},
		{"time_zone", keys, "timezone", true},
		{"Timezone", keys, "timezone", true},
		{"DATABASE", keys, "database", true},
		{"databse", keys, "database", true},
		{"htp", keys, "http", true},
		{"lg", keys, "log", true},
		{"mappings", keys, "mapping", true},
		{"tz", keys, "", false},
		{"logging", keys, "", false},
		{"schedule", keys, "", false},
		{"", keys, "", false},
		{"driver", nil, "", false},
		{"dirver", []string{"driver", "path", "dsn", "max_open_conns"}, "driver", true},
		{"maxopenconns", []string{"driver", "path", "dsn", "max_open_conns"}, "max_open_conns", true},
		{"max_conns", []string{"driver", "path", "dsn", "max_open_conns"}, "", false},
		{"mysq", []string{"sqlite", "mysql"}, "mysql", true},
		{"sqlite3", []string{"sqlite", "mysql"}, "sqlite", true},
		{"postgres", []string{"sqlite", "mysql"}, "", false},
		{"schedul", []string{"name", "type", "schedule", "timeout", "run_on_start", "options"}, "schedule", true},
		{"run_on_strat", []string{"name", "type", "schedule", "timeout", "run_on_start", "options"}, "run_on_start", true},
		{"runonstart", []string{"name", "type", "schedule", "timeout", "run_on_start", "options"}, "run_on_start", true},
		// Equally close: the first candidate wins, so suggestions are stable.
		{"ab", []string{"ax", "xb"}, "ax", true},
		// Runes, not bytes.
		{"tōkyō", []string{"tokyo", "osaka"}, "tokyo", true},
	}
	for _, tt := range tests {
		got, ok := config.Closest(tt.s, tt.candidates)
		if got != tt.want || ok != tt.wantOK {
			t.Errorf("Closest(%q, %q) = %q, %v; want %q, %v", tt.s, tt.candidates, got, ok, tt.want, tt.wantOK)
		}
	}
}

func TestProblem_Error(t *testing.T) {
	tests := []struct {
		p    config.Problem
		want string
	}{
		{config.Problem{File: "n.yaml", Line: 3, Column: 5, Path: "log.level", Msg: "bad"}, "n.yaml:3:5: log.level: bad"},
		{config.Problem{File: "n.yaml", Line: 1, Column: 1, Msg: "bad"}, "n.yaml:1:1: bad"},
		{config.Problem{File: "n.yaml", Msg: "YAML syntax: control characters are not allowed"}, "n.yaml: YAML syntax: control characters are not allowed"},
	}
	for _, tt := range tests {
		if got := tt.p.Error(); got != tt.want {
			t.Errorf("%#v.Error() = %q, want %q", tt.p, got, tt.want)
		}
	}
	if err := config.Problems(nil).Err(); err != nil {
		t.Errorf("no problems gave error %v", err)
	}
	ps := config.Problems{
		{File: "n.yaml", Line: 9, Column: 1, Msg: "c"},
		{File: "n.yaml", Line: 2, Column: 7, Msg: "b"},
		{File: "n.yaml", Line: 2, Column: 3, Msg: "a"},
	}
	if got, want := ps.Err().Error(), "n.yaml:2:3: a\nn.yaml:2:7: b\nn.yaml:9:1: c"; got != want {
		t.Errorf("Problems.Err() =\n%s\nwant\n%s", got, want)
	}
}
