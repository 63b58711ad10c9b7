package config_test

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/nayose/nayose/config"
)

// env is a fake environment for config.Parse: tests never touch the
// process environment.
type env map[string]string

func (e env) lookup(name string) (string, bool) {
	v, ok := e[name]
	return v, ok
}

// noEnv is an environment with nothing set.
var noEnv = env{}

// position is how every problem line starts.
var position = regexp.MustCompile(`^[^:]+\.yaml:[1-9][0-9]*:[1-9][0-9]*: `)

// parseFile parses testdata/name, reporting positions against name alone.
func parseFile(t *testing.T, name string, e env) (*config.Config, error) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return config.Parse(name, data, e.lookup)
}

// problemLines splits a Parse error into its lines, checking it is
// config.Problems.
func problemLines(t *testing.T, err error) []string {
	t.Helper()
	var ps config.Problems
	if !errors.As(err, &ps) {
		t.Fatalf("error is %T, want config.Problems: %v", err, err)
	}
	if len(ps) == 0 {
		t.Fatal("error is an empty config.Problems")
	}
	return strings.Split(err.Error(), "\n")
}

var badConfigs = []struct {
	file string
	want []string
}{
	{
		file: "unknown_top.bad.yaml",
		want: []string{
			`unknown_top.bad.yaml:2:1: unknown field "conectors" (did you mean "connectors"?)`,
		},
	},
	{
		// The typo leaves the driver at its default, so the dsn is
		// reported too: both lines point at something to fix.
		file: "unknown_nested.bad.yaml",
		want: []string{
			`unknown_nested.bad.yaml:2:3: database: unknown field "dirver" (did you mean "driver"?)`,
			`unknown_nested.bad.yaml:3:8: database.dsn: dsn is for driver mysql; SQLite takes path`,
		},
	},
	{
		file: "unknown_connector_key.bad.yaml",
		want: []string{
			`unknown_connector_key.bad.yaml:5:5: connectors[1]: connector "square_pos" has no schedule (like "@every 1h" or "0 9 * * *")`,
			`unknown_connector_key.bad.yaml:7:5: connectors[1]: unknown field "schedul" (did you mean "schedule"?)`,
			`unknown_connector_key.bad.yaml:8:5: connectors[1]: unknown field "run_on_strat" (did you mean "run_on_start"?)`,
		},
	},
	{
		// Found by expansion, decoding and validation in that order;
		// reported in file order.
		file: "all_at_once.bad.yaml",
		want: []string{
			`all_at_once.bad.yaml:4:10: log.level: "loud" is not a level (allowed: debug, info, warn, error)`,
			`all_at_once.bad.yaml:5:3: log: unknown field "formt" (did you mean "format"?)`,
			`all_at_once.bad.yaml:7:19: database.max_open_conns: must be at least 1`,
			`all_at_once.bad.yaml:9:11: http.listen: environment variable LISTEN is not set (set it, or write ${LISTEN:-default})`,
			`all_at_once.bad.yaml:11:11: connectors[0].name: "Orders" is not a valid name (lower-case letters, digits and _, starting with a letter)`,
			`all_at_once.bad.yaml:14:14: connectors[0].timeout: "fast" is not a duration (write it like 90s, 5m or 1h30m)`,
		},
	},
	{
		file: "secret_key.bad.yaml",
		want: []string{
			`secret_key.bad.yaml:1:13: secret_key: is 7 characters; at least 16 are needed to encrypt credentials (use a long random value from the environment)`,
		},
	},
	{
		file: "mapping.bad.yaml",
		want: []string{
			`mapping.bad.yaml:6:17: mapping.review_score: 14 is above auto_merge_score 12; pairs to review score below the auto-merge score`,
			`mapping.bad.yaml:7:26: mapping.source_priority[1]: "crm" is not a configured connector`,
			`mapping.bad.yaml:9:12: mapping.weights.emial: "emial" is not a compared field (did you mean "email"?)`,
			`mapping.bad.yaml:10:20: mapping.weights.email.close: "close" is not a level of email (allowed: exact, differ)`,
		},
	},
	{
		file: "wrong_types.bad.yaml",
		want: []string{
			`wrong_types.bad.yaml:1:6: log: expected a mapping of settings, found a list`,
			`wrong_types.bad.yaml:3:19: database.max_open_conns: "many" is not a valid whole number`,
			`wrong_types.bad.yaml:5:19: mapping.default_region: expected a single text value, found a mapping`,
			`wrong_types.bad.yaml:10:14: connectors[0].timeout: "fast" is not a duration (write it like 90s, 5m or 1h30m)`,
			`wrong_types.bad.yaml:11:19: connectors[0].run_on_start: "maybe" is not a valid true/false`,
			`wrong_types.bad.yaml:15:14: connectors[1].timeout: expected a single value, found a mapping`,
			`wrong_types.bad.yaml:16:19: connectors[1].run_on_start: expected a single true/false value, found a list`,
		},
	},
	{
		file: "connectors_mapping.bad.yaml",
		want: []string{
			`connectors_mapping.bad.yaml:2:3: connectors: expected a list of connectors, found a mapping`,
		},
	},
	{
		file: "schedule.bad.yaml",
		want: []string{
			`schedule.bad.yaml:4:15: connectors[0].schedule: "@every 1x" is not a schedule: failed to parse duration @every 1x: time: unknown unit "x" in duration "1x" (write 5 cron fields like "0 9 * * *", or "@every 1h", "@hourly", "@daily")`,
			`schedule.bad.yaml:7:15: connectors[1].schedule: "61 * * * *" is not a schedule: end of range (61) above maximum (59): 61 (write 5 cron fields like "0 9 * * *", or "@every 1h", "@hourly", "@daily")`,
			`schedule.bad.yaml:10:15: connectors[2].schedule: "0 0 9 * * *" is not a schedule: expected exactly 5 fields, found 6: [0 0 9 * * *] (write 5 cron fields like "0 9 * * *", or "@every 1h", "@hourly", "@daily")`,
			`schedule.bad.yaml:13:15: connectors[3].schedule: "@every 0s" is not a schedule: @every needs at least 1s`,
			`schedule.bad.yaml:16:15: connectors[4].schedule: "TZ=UTC" is not a schedule: a time zone prefix needs a schedule after it`,
			`schedule.bad.yaml:19:15: connectors[5].schedule: expected a single value, found a list`,
		},
	},
	{
		file: "timezone.bad.yaml",
		want: []string{
			`timezone.bad.yaml:1:11: timezone: "Asia/Tokio" is not a time zone name (write it like Asia/Tokyo or UTC)`,
		},
	},
	{
		file: "driver.bad.yaml",
		want: []string{
			`driver.bad.yaml:2:11: database.driver: "mysq" is not a database driver (did you mean "mysql"?)`,
		},
	},
	{
		file: "mysql_no_dsn.bad.yaml",
		want: []string{
			`mysql_no_dsn.bad.yaml:2:3: database: driver mysql needs dsn, like "user:password@tcp(127.0.0.1:3306)/nayose"`,
		},
	},
	{
		file: "sqlite_dsn.bad.yaml",
		want: []string{
			`sqlite_dsn.bad.yaml:3:8: database.dsn: dsn is for driver mysql; SQLite takes path`,
		},
	},
	{
		file: "duplicate_names.bad.yaml",
		want: []string{
			`duplicate_names.bad.yaml:8:11: connectors[2].name: name "orders" is already used by connectors[0]`,
		},
	},
	{
		file: "invalid_name.bad.yaml",
		want: []string{
			`invalid_name.bad.yaml:2:11: connectors[0].name: "Square-POS" is not a valid name (lower-case letters, digits and _, starting with a letter)`,
			`invalid_name.bad.yaml:5:11: connectors[1].name: "1st" is not a valid name (lower-case letters, digits and _, starting with a letter)`,
		},
	},
	{
		file: "missing_fields.bad.yaml",
		want: []string{
			`missing_fields.bad.yaml:2:5: connectors[0]: connector has no name`,
			`missing_fields.bad.yaml:4:5: connectors[1]: connector "orders" has no type`,
			`missing_fields.bad.yaml:6:5: connectors[2]: connector "customers" has no schedule (like "@every 1h" or "0 9 * * *")`,
		},
	},
	{
		file: "duplicate_keys.bad.yaml",
		want: []string{
			`duplicate_keys.bad.yaml:4:3: database: key "driver" appears twice`,
			`duplicate_keys.bad.yaml:5:1: key "timezone" appears twice`,
			`duplicate_keys.bad.yaml:9:5: connectors[0]: key "name" appears twice`,
			`duplicate_keys.bad.yaml:11:1: key "connectors" appears twice`,
		},
	},
	{
		// Each unset variable is one problem, not a second one about the
		// unexpanded "${...}" text or the value it left empty.
		file: "env_unset.bad.yaml",
		want: []string{
			`env_unset.bad.yaml:3:8: database.dsn: environment variable NAYOSE_DSN is not set (set it, or write ${NAYOSE_DSN:-default})`,
			`env_unset.bad.yaml:4:19: database.max_open_conns: environment variable NAYOSE_CONNS is not set (set it, or write ${NAYOSE_CONNS:-default})`,
			`env_unset.bad.yaml:7:11: connectors[0].type: environment variable SQUARE_TYPE is not set (set it, or write ${SQUARE_TYPE:-default})`,
			`env_unset.bad.yaml:8:15: connectors[0].schedule: environment variable SQUARE_SCHEDULE is not set (set it, or write ${SQUARE_SCHEDULE:-default})`,
			`env_unset.bad.yaml:10:14: connectors[0].options.token: environment variable SQUARE_TOKEN is not set (set it, or write ${SQUARE_TOKEN:-default})`,
			`env_unset.bad.yaml:13:11: connectors[0].options.locations[1]: environment variable SQUARE_LOCATION is not set (set it, or write ${SQUARE_LOCATION:-default})`,
		},
	},
	{
		file: "env_syntax.bad.yaml",
		want: []string{
			`env_syntax.bad.yaml:2:11: http.listen: unclosed ${ in "${HOST:8080" (write ${NAME} or ${NAME:-default}; $$ for a literal $)`,
			`env_syntax.bad.yaml:4:19: mapping.default_region: ${1REGION}: "1REGION" is not an environment variable name`,
		},
	},
	{
		file: "syntax.bad.yaml",
		want: []string{
			`syntax.bad.yaml:3:1: YAML syntax: mapping values are not allowed in this context`,
		},
	},
	{
		// yaml.v3 counts these lines from 0; Parse gives the editor's line.
		file: "indent.bad.yaml",
		want: []string{
			`indent.bad.yaml:4:1: YAML syntax: did not find expected key`,
		},
	},
	{
		file: "flow.bad.yaml",
		want: []string{
			`flow.bad.yaml:3:1: YAML syntax: did not find expected ',' or ']'`,
		},
	},
	{
		// yaml.v3 points at the list the bad item breaks, not the item.
		file: "list_indent.bad.yaml",
		want: []string{
			`list_indent.bad.yaml:3:1: YAML syntax: did not find expected '-' indicator`,
		},
	},
	{
		file: "tabs.bad.yaml",
		want: []string{
			`tabs.bad.yaml:3:1: YAML syntax: found character that cannot start any token`,
		},
	},
	{
		file: "two_documents.bad.yaml",
		want: []string{
			`two_documents.bad.yaml:3:1: a config file holds one YAML document; this is a second one (remove the "---" before it)`,
		},
	},
	{
		file: "not_a_mapping.bad.yaml",
		want: []string{
			`not_a_mapping.bad.yaml:1:1: expected a mapping of settings, found a list`,
		},
	},
	{
		file: "values.bad.yaml",
		want: []string{
			`values.bad.yaml:2:10: log.level: "verbose" is not a level (allowed: debug, info, warn, error)`,
			`values.bad.yaml:3:11: log.format: "xml" is not a format (allowed: text, json)`,
			`values.bad.yaml:5:9: database.path: the SQLite file path is empty`,
			`values.bad.yaml:6:19: database.max_open_conns: "2.5" is not a valid whole number`,
			`values.bad.yaml:8:19: mapping.default_region: "JPN" is not a two-letter country code (like JP or US)`,
			`values.bad.yaml:13:14: connectors[0].timeout: timeout must be more than zero`,
			`values.bad.yaml:17:14: connectors[1].timeout: "-5m": a duration cannot be negative`,
		},
	},
	{
		file: "notify_slack.bad.yaml",
		want: []string{
			`notify_slack.bad.yaml:4:16: notify.slack.bot_token: is not a Slack bot token (they start with xoxb-; find it under OAuth & Permissions in the app's settings)`,
			`notify_slack.bad.yaml:5:18: notify.slack.webhook_url: give bot_token with channel, or webhook_url, not both`,
			`notify_slack.bad.yaml:6:14: notify.slack.channel: "shop alerts" is not a channel name or id (write it like "#shop-alerts" or "C0123456789")`,
			`notify_slack.bad.yaml:7:36: notify.quiet_hours.to: "24:00" is not a time of day (write HH:MM from 00:00 to 23:59, like "22:00")`,
			`notify_slack.bad.yaml:8:15: notify.batch_over: must be at least 1 (when more alerts of one rule than this wait together, they go out as one message)`,
			`notify_slack.bad.yaml:9:10: notify.every: must be at least 1s`,
		},
	},
	{
		file: "notify_channel.bad.yaml",
		want: []string{
			`notify_channel.bad.yaml:4:5: notify.slack: bot_token needs channel, the channel to post in (like "#shop-alerts"), with the app invited to it`,
			`notify_channel.bad.yaml:6:11: notify.quiet_hours.from: "7:5" is not a time of day (write HH:MM from 00:00 to 23:59, like "22:00")`,
			`notify_channel.bad.yaml:8:3: notify: unknown field "batch_ovr" (did you mean "batch_over"?)`,
		},
	},
	{
		file: "notify_quiet.bad.yaml",
		want: []string{
			`notify_quiet.bad.yaml:3:5: notify.quiet_hours: quiet hours need to, when they end (like "08:00")`,
		},
	},
	{
		file: "notify_nowhere.bad.yaml",
		want: []string{
			`notify_nowhere.bad.yaml:3:5: notify.slack: channel needs bot_token, a bot token with the chat:write scope (like ${SLACK_BOT_TOKEN})`,
			`notify_nowhere.bad.yaml:4:12: notify.console: with console off and no slack, alerts would go nowhere: configure notify.slack or turn console on`,
			`notify_nowhere.bad.yaml:7:9: notify.quiet_hours.to: quiet hours from 08:00 to 08:00 are empty (remove quiet_hours to send at any time)`,
		},
	},
}

// badEnv is the environment the bad configs are read in: what they use
// is set, so that each file's own mistakes are what is reported.
var badEnv = env{"SLACK_BOT_TOKEN": "xoxb-1-2-abc", "SLACK_WEBHOOK_URL": "https://hooks.slack.com/services/T0/B0/abc"}

func TestBadConfigs(t *testing.T) {
	for _, tt := range badConfigs {
		t.Run(tt.file, func(t *testing.T) {
			e := noEnv
			if strings.HasPrefix(tt.file, "notify") {
				e = badEnv
			}
			cfg, err := parseFile(t, tt.file, e)
			if err == nil {
				t.Fatalf("Parse succeeded, want %d problems; got %+v", len(tt.want), cfg)
			}
			got := problemLines(t, err)
			for _, line := range got {
				if !position.MatchString(line) {
					t.Errorf("problem without file:line:column: %q", line)
				}
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}
}

// TestBadConfigs_EveryFileHasAnEntry keeps a new testdata/*.bad.yaml from
// going unchecked.
func TestBadConfigs_EveryFileHasAnEntry(t *testing.T) {
	files, err := filepath.Glob("testdata/*.bad.yaml")
	if err != nil {
		t.Fatal(err)
	}
	listed := map[string]bool{}
	for _, tt := range badConfigs {
		listed[tt.file] = true
	}
	for _, f := range files {
		if !listed[filepath.Base(f)] {
			t.Errorf("%s has no entry in badConfigs", f)
		}
		delete(listed, filepath.Base(f))
	}
	for f := range listed {
		t.Errorf("badConfigs lists %s, which is not in testdata", f)
	}
}

func TestBadConfigs_AllAtOnceIsSorted(t *testing.T) {
	_, err := parseFile(t, "all_at_once.bad.yaml", noEnv)
	var ps config.Problems
	if !errors.As(err, &ps) {
		t.Fatalf("error is %T, want config.Problems", err)
	}
	if len(ps) < 4 {
		t.Fatalf("got %d problems, want at least 4", len(ps))
	}
	if !slices.IsSortedFunc(ps, func(a, b config.Problem) int {
		if a.Line != b.Line {
			return a.Line - b.Line
		}
		return a.Column - b.Column
	}) {
		t.Errorf("problems not in file order:\n%v", err)
	}
}

// connectorView is what a test compares of a Connector.
type connectorView struct {
	Name, Type, Schedule string
	Timeout              time.Duration
	RunOnStart           bool
	OptionsKind          yaml.Kind
	OptionsLine          int
	Path                 string
}

// view is what a test compares of a Config: schedules by spec, the zone by
// name, options by kind and line.
type view struct {
	Timezone   string
	Log        config.Log
	Database   config.Database
	HTTP       config.HTTP
	Mapping    config.Mapping
	Connectors []connectorView
	File, Dir  string
}

func viewOf(c *config.Config) view {
	v := view{
		Timezone: c.Timezone.String(),
		Log:      c.Log, Database: c.Database, HTTP: c.HTTP, Mapping: c.Mapping,
		File: c.File, Dir: c.Dir,
	}
	for _, conn := range c.Connectors {
		v.Connectors = append(v.Connectors, connectorView{
			Name: conn.Name, Type: conn.Type, Schedule: conn.Schedule.Spec,
			Timeout: conn.Timeout.Std(), RunOnStart: conn.RunOnStart,
			OptionsKind: conn.Options.Kind, OptionsLine: conn.Options.Line,
			Path: conn.Path,
		})
	}
	return v
}

func TestGoodConfig(t *testing.T) {
	defaults := func(file string) view {
		d := config.Defaults()
		d.File, d.Dir = file, "."
		return viewOf(&d)
	}
	tests := []struct {
		file string
		env  env
		want view
	}{
		{
			file: "good.yaml",
			env:  env{"SQUARE_TOKEN": "sq-token"},
			want: view{
				Timezone: "UTC",
				Log:      config.Log{Level: "debug", Format: "json"},
				Database: config.Database{Driver: "sqlite", Path: "data/nayose.db", MaxOpenConns: 4},
				HTTP:     config.HTTP{Listen: ":9090"},
				Mapping:  config.Mapping{DefaultRegion: "US", AutoMergeScore: 15, ReviewScore: 6, MaxShared: 10},
				Connectors: []connectorView{
					{
						Name: "square_pos", Type: "square", Schedule: "*/15 * * * *",
						Timeout: 5 * time.Minute, RunOnStart: false,
						OptionsKind: yaml.MappingNode, OptionsLine: 21,
						Path: "connectors[0]",
					},
					{
						// timeout and run_on_start from the connector defaults
						Name: "customers_csv", Type: "csv", Schedule: "@every 1h30m",
						Timeout: 30 * time.Minute, RunOnStart: true,
						OptionsKind: yaml.MappingNode, OptionsLine: 27,
						Path: "connectors[1]",
					},
					{
						Name: "shopify", Type: "shopify", Schedule: "@daily",
						Timeout: 30 * time.Minute, RunOnStart: true,
						Path: "connectors[2]",
					},
				},
				File: "good.yaml", Dir: ".",
			},
		},
		{
			file: "mysql.good.yaml",
			env:  env{"NAYOSE_DSN": "nayose:pw@tcp(db:3306)/nayose"},
			want: func() view {
				v := defaults("mysql.good.yaml")
				v.Database = config.Database{
					Driver: "mysql", Path: "nayose.db",
					DSN: "nayose:pw@tcp(db:3306)/nayose", MaxOpenConns: 20,
				}
				return v
			}(),
		},
		{file: "empty.good.yaml", env: noEnv, want: defaults("empty.good.yaml")},
		{file: "comments_only.good.yaml", env: noEnv, want: defaults("comments_only.good.yaml")},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			cfg, err := parseFile(t, tt.file, tt.env)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if got := viewOf(cfg); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Parse:\n got %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

func TestGoodConfig_Details(t *testing.T) {
	cfg, err := parseFile(t, "good.yaml", env{"SQUARE_TOKEN": "sq-token"})
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}

	t.Run("options are kept undecoded, expanded", func(t *testing.T) {
		var square struct {
			Token    string `yaml:"token"`
			PageSize int    `yaml:"page_size"`
		}
		if err := cfg.Connectors[0].Options.Decode(&square); err != nil {
			t.Fatal(err)
		}
		if square.Token != "sq-token" || square.PageSize != 100 {
			t.Errorf("square options = %+v, want token sq-token, page_size 100", square)
		}
		var csv struct {
			Path string `yaml:"path"`
		}
		if err := cfg.Connectors[1].Options.Decode(&csv); err != nil {
			t.Fatal(err)
		}
		if csv.Path != "imports/customers.csv" {
			t.Errorf("csv path = %q, want imports/customers.csv (the ${CSV_DIR:-imports} default)", csv.Path)
		}
		if cfg.Connectors[2].Options.Kind != 0 {
			t.Errorf("connector without options has Options.Kind %v, want the zero Node", cfg.Connectors[2].Options.Kind)
		}
	})

	t.Run("schedules run in the parsed form", func(t *testing.T) {
		from := time.Date(2025, 1, 1, 9, 1, 0, 0, time.UTC)
		if got, want := cfg.Connectors[0].Schedule.Next(from), from.Add(14*time.Minute); !got.Equal(want) {
			t.Errorf("*/15 next after %v = %v, want %v", from, got, want)
		}
		if got, want := cfg.Connectors[1].Schedule.Next(from), from.Add(90*time.Minute); !got.Equal(want) {
			t.Errorf("@every 1h30m next after %v = %v, want %v", from, got, want)
		}
	})

	t.Run("database path beside the config", func(t *testing.T) {
		data, err := os.ReadFile("testdata/good.yaml")
		if err != nil {
			t.Fatal(err)
		}
		cfg, err := config.Parse("/etc/nayose/nayose.yaml", data, env{"SQUARE_TOKEN": "x"}.lookup)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := cfg.DatabasePath(), "/etc/nayose/data/nayose.db"; got != want {
			t.Errorf("DatabasePath() = %q, want %q", got, want)
		}
		if got, want := cfg.Resolve("imports/a.csv"), "/etc/nayose/imports/a.csv"; got != want {
			t.Errorf("Resolve(relative) = %q, want %q", got, want)
		}
		if got, want := cfg.Resolve("/srv/a.csv"), "/srv/a.csv"; got != want {
			t.Errorf("Resolve(absolute) = %q, want %q", got, want)
		}
		if got := cfg.Resolve(""); got != "" {
			t.Errorf("Resolve(\"\") = %q, want \"\"", got)
		}
		cfg.Database.Path = "/var/lib/nayose/nayose.db"
		if got, want := cfg.DatabasePath(), "/var/lib/nayose/nayose.db"; got != want {
			t.Errorf("DatabasePath() with an absolute path = %q, want %q", got, want)
		}
	})

	t.Run("Load reads the file", func(t *testing.T) {
		t.Setenv("SQUARE_TOKEN", "from-env")
		loaded, err := config.Load("testdata/good.yaml")
		if err != nil {
			t.Fatalf("Load: %v", err)
		}
		if loaded.File != "testdata/good.yaml" || loaded.Dir != "testdata" {
			t.Errorf("File, Dir = %q, %q; want testdata/good.yaml, testdata", loaded.File, loaded.Dir)
		}
		if got, want := loaded.DatabasePath(), filepath.Join("testdata", "data", "nayose.db"); got != want {
			t.Errorf("DatabasePath() = %q, want %q", got, want)
		}
		if _, err := config.Load("testdata/missing.yaml"); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("Load(missing file) error = %v, want one wrapping os.ErrNotExist", err)
		}
	})
}

func TestDefaults(t *testing.T) {
	d := config.Defaults()
	if got := d.Timezone.String(); got != "Asia/Tokyo" {
		t.Errorf("timezone = %q, want Asia/Tokyo", got)
	}
	if d.Database.Driver != "sqlite" || d.Database.Path != "nayose.db" || d.Database.MaxOpenConns != 10 {
		t.Errorf("database = %+v, want sqlite nayose.db with 10 connections", d.Database)
	}
	if d.HTTP.Listen != "127.0.0.1:8080" {
		t.Errorf("http.listen = %q, want 127.0.0.1:8080", d.HTTP.Listen)
	}
	if d.Log != (config.Log{Level: "info", Format: "text"}) {
		t.Errorf("log = %+v, want info text", d.Log)
	}
	if d.Mapping.DefaultRegion != "JP" {
		t.Errorf("mapping.default_region = %q, want JP", d.Mapping.DefaultRegion)
	}
	// A bare "---" and keys with nothing after them also mean the defaults.
	for _, src := range []string{"---\n", "~\n", "log:\ndatabase:\nconnectors:\n", "timezone: UTC\n---\n"} {
		cfg, err := config.Parse("nayose.yaml", []byte(src), noEnv.lookup)
		if err != nil {
			t.Errorf("Parse(%q): %v", src, err)
			continue
		}
		if cfg.Log != d.Log || cfg.Database != d.Database || len(cfg.Connectors) != 0 {
			t.Errorf("Parse(%q) = %+v, want the defaults", src, cfg)
		}
	}
}

// TestBadConfigs_SyntaxWithoutLine: for some errors yaml.v3 gives no line
// (on the first line, in the byte stream, or about an anchor); Parse says so
// rather than invent one.
func TestBadConfigs_SyntaxWithoutLine(t *testing.T) {
	tests := []struct {
		yaml string
		want string
	}{
		{"a: b: c\n", "n.yaml: YAML syntax: mapping values are not allowed in this context"},
		{"timezone: UTC\nlog: \x01\n", "n.yaml: YAML syntax: control characters are not allowed"},
		{"timezone: UTC\nlog: *nope\n", "n.yaml: YAML syntax: unknown anchor 'nope' referenced"},
	}
	for _, tt := range tests {
		_, err := config.Parse("n.yaml", []byte(tt.yaml), noEnv.lookup)
		if err == nil {
			t.Errorf("Parse(%q) succeeded, want %q", tt.yaml, tt.want)
			continue
		}
		if lines := problemLines(t, err); !slices.Equal(lines, []string{tt.want}) {
			t.Errorf("Parse(%q) = %q, want %q", tt.yaml, lines, tt.want)
		}
	}
}

func TestGoodConfig_Notify(t *testing.T) {
	hhmm := func(h, m int) *config.TimeOfDay { return &config.TimeOfDay{Hour: h, Minute: m} }
	tests := []struct {
		name string
		src  string
		// want is the section as read; console is ConsoleOn().
		want    config.Notify
		console bool
	}{
		{
			name:    "defaults: console only",
			src:     "timezone: UTC\n",
			want:    config.Notify{BatchOver: 3, Every: config.Duration(time.Minute)},
			console: true,
		},
		{
			name: "bot token with channel, console too, quiet hours over midnight",
			src:  "notify:\n  slack:\n    bot_token: ${SLACK_BOT_TOKEN}\n    channel: \"#shop-alerts\"\n  console: true\n  quiet_hours: {from: \"22:00\", to: 8:00}\n  batch_over: 5\n  every: 30s\n",
			want: config.Notify{
				Slack:      config.NotifySlack{BotToken: "xoxb-1-2-abc", Channel: "#shop-alerts"},
				Console:    new(true),
				QuietHours: &config.QuietHours{From: hhmm(22, 0), To: hhmm(8, 0)},
				BatchOver:  5, Every: config.Duration(30 * time.Second),
			},
			console: true,
		},
		{
			name:    "webhook: console off unless asked",
			src:     "notify:\n  slack:\n    webhook_url: ${SLACK_WEBHOOK_URL}\n  quiet_hours:\n",
			want:    config.Notify{Slack: config.NotifySlack{WebhookURL: "https://hooks.slack.com/services/T0/B0/abc"}, BatchOver: 3, Every: config.Duration(time.Minute)},
			console: false,
		},
		{
			name:    "channel by id",
			src:     "notify:\n  slack: {bot_token: \"${SLACK_BOT_TOKEN}\", channel: C0123ABCD}\n",
			want:    config.Notify{Slack: config.NotifySlack{BotToken: "xoxb-1-2-abc", Channel: "C0123ABCD"}, BatchOver: 3, Every: config.Duration(time.Minute)},
			console: false,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := config.Parse("nayose.yaml", []byte(tt.src), badEnv.lookup)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			got := cfg.Notify
			got.Rules = config.NotifyRules{} // TestNotifyRules checks them
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("notify = %+v, want %+v", got, tt.want)
			}
			if got := cfg.Notify.ConsoleOn(); got != tt.console {
				t.Errorf("ConsoleOn() = %v, want %v", got, tt.console)
			}
		})
	}
}

func TestParseTimeOfDay(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want string // "" for an error
	}{
		{"22:00", "22:00"}, {"8:00", "08:00"}, {"00:00", "00:00"}, {"23:59", "23:59"}, {"07:05", "07:05"},
		{"24:00", ""}, {"7:5", ""}, {"12:60", ""}, {"2200", ""}, {"", ""}, {"22:00:00", ""}, {" 22:00", ""}, {"-1:00", ""},
	} {
		got, err := config.ParseTimeOfDay(tt.in)
		switch {
		case tt.want == "" && err == nil:
			t.Errorf("ParseTimeOfDay(%q) = %v, want an error", tt.in, got)
		case tt.want != "" && err != nil:
			t.Errorf("ParseTimeOfDay(%q): %v", tt.in, err)
		case tt.want != "" && got.String() != tt.want:
			t.Errorf("ParseTimeOfDay(%q) = %v, want %s", tt.in, got, tt.want)
		}
	}
}

func TestNotifyRules_DefaultsAndSettings(t *testing.T) {
	cfg, err := config.Parse("nayose.yaml", []byte("timezone: Asia/Tokyo\n"), badEnv.lookup)
	if err != nil {
		t.Fatal(err)
	}
	r := cfg.Notify.Rules
	if r.NewInquiry.Off || r.NewInquiry.MaxAge.Std() != 72*time.Hour || r.Dormant.Off || r.Dormant.Schedule.Spec != "0 9 * * 1" || r.Dormant.MinPurchases != 2 {
		t.Errorf("default rules = %+v", r)
	}
	src := "notify:\n  rules:\n    new_inquiry: {off: true}\n    dormant: {schedule: \"0 8 * * *\", min_purchases: 3, min_net_sales: 10000}\n"
	cfg, err = config.Parse("nayose.yaml", []byte(src), badEnv.lookup)
	if err != nil {
		t.Fatal(err)
	}
	r = cfg.Notify.Rules
	if !r.NewInquiry.Off || r.Dormant.Schedule.Spec != "0 8 * * *" || r.Dormant.MinPurchases != 3 || r.Dormant.MinNetSales != 10000 {
		t.Errorf("rules = %+v", r)
	}
	_, err = config.Parse("nayose.yaml", []byte("notify:\n  rules:\n    new_inquiry: {max_age: 0s}\n    dormant: {min_net_sales: -1}\n"), badEnv.lookup)
	for _, want := range []string{"notify.rules.new_inquiry.max_age: must be more than zero", "notify.rules.dormant.min_net_sales: must not be negative"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error %v lacks %q", err, want)
		}
	}
}
