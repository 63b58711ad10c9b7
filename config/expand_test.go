package config_test

import (
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/nayose/nayose/config"
)

// optionValue returns the value at path ("token", "tags[1]", "nested.key")
// in the first connector's options, as the connector will see it.
func optionValue(t *testing.T, cfg *config.Config, path string) string {
	t.Helper()
	n := &cfg.Connectors[0].Options
	for _, part := range strings.Split(path, ".") {
		name, index, isIndex := strings.Cut(strings.TrimSuffix(part, "]"), "[")
		found := false
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == name {
				n, found = n.Content[i+1], true
				break
			}
		}
		if !found {
			t.Fatalf("options have no %q", part)
		}
		if isIndex {
			i, err := strconv.Atoi(index)
			if err != nil || i >= len(n.Content) {
				t.Fatalf("options have no %q", part)
			}
			n = n.Content[i]
		}
	}
	return n.Value
}

// connectorWith is a valid connector whose options are opts.
func connectorWith(opts string) string {
	return "connectors:\n  - name: c\n    type: csv\n    schedule: \"@hourly\"\n    options:\n" + opts
}

func TestEnvExpansion(t *testing.T) {
	tests := []struct {
		name string
		yaml string
		env  env
		// got reads the expanded setting; want is its value.
		got  func(*testing.T, *config.Config) any
		want any
		// wantErr, if set, is the whole expected error.
		wantErr string
	}{
		{
			name: "variable",
			yaml: "http:\n  listen: ${LISTEN}\n",
			env:  env{"LISTEN": "0.0.0.0:80"},
			got:  listen, want: "0.0.0.0:80",
		},
		{
			name: "default used when unset",
			yaml: "http:\n  listen: ${LISTEN:-127.0.0.1:9000}\n",
			env:  noEnv,
			got:  listen, want: "127.0.0.1:9000",
		},
		{
			name: "default ignored when set",
			yaml: "http:\n  listen: ${LISTEN:-127.0.0.1:9000}\n",
			env:  env{"LISTEN": ":80"},
			got:  listen, want: ":80",
		},
		{
			name: "set but empty, no default, is empty",
			yaml: "http:\n  listen: ${LISTEN}\n",
			env:  env{"LISTEN": ""},
			got:  listen, want: "",
		},
		{
			name: "set but empty takes the default",
			yaml: "http:\n  listen: ${LISTEN:-:9000}\n",
			env:  env{"LISTEN": ""},
			got:  listen, want: ":9000",
		},
		{
			name: "empty default",
			yaml: "http:\n  listen: ${LISTEN:-}\n",
			env:  noEnv,
			got:  listen, want: "",
		},
		{
			name: "several in one value, with text around",
			yaml: "http:\n  listen: ${HOST}:${PORT:-8080}/x\n",
			env:  env{"HOST": "10.0.0.1"},
			got:  listen, want: "10.0.0.1:8080/x",
		},
		{
			name: "$$ is a literal $",
			yaml: "database:\n  path: costs$$.db\n",
			env:  noEnv,
			got:  dbPath, want: "costs$.db",
		},
		{
			name: "$${VAR} is not expanded",
			yaml: "database:\n  path: $${HOME}.db\n",
			env:  env{"HOME": "/root"},
			got:  dbPath, want: "${HOME}.db",
		},
		{
			name: "lone $ stays",
			yaml: "database:\n  path: a$b$\n",
			env:  env{"b": "no"},
			got:  dbPath, want: "a$b$",
		},
		{
			name: "expanded value is not expanded again",
			yaml: "database:\n  path: ${A}\n",
			env:  env{"A": "${B}", "B": "no"},
			got:  dbPath, want: "${B}",
		},
		{
			name: "expanded value is not YAML",
			yaml: "database:\n  path: ${A}\n",
			env:  env{"A": "[x, y]: {z: 1} # not a comment"},
			got:  dbPath, want: "[x, y]: {z: 1} # not a comment",
		},
		{
			name: "quoted value",
			yaml: "database:\n  path: \"${DIR}/nayose.db\"\n",
			env:  env{"DIR": "/data"},
			got:  dbPath, want: "/data/nayose.db",
		},
		{
			name: "whole number into an int field",
			yaml: "database:\n  max_open_conns: ${CONNS}\n",
			env:  env{"CONNS": "5"},
			got:  func(_ *testing.T, c *config.Config) any { return c.Database.MaxOpenConns }, want: 5,
		},
		{
			name: "default into an int field",
			yaml: "database:\n  max_open_conns: ${CONNS:-7}\n",
			env:  noEnv,
			got:  func(_ *testing.T, c *config.Config) any { return c.Database.MaxOpenConns }, want: 7,
		},
		{
			name: "bool and duration into a connector",
			yaml: "connectors:\n  - name: c\n    type: csv\n    schedule: ${SCHED}\n    run_on_start: ${RUN}\n    timeout: ${TIMEOUT}\n",
			env:  env{"SCHED": "@every 5m", "RUN": "false", "TIMEOUT": "90s"},
			got: func(_ *testing.T, c *config.Config) any {
				conn := c.Connectors[0]
				return []any{conn.Schedule.Spec, conn.RunOnStart, conn.Timeout.Std()}
			},
			want: []any{"@every 5m", false, 90 * time.Second},
		},
		{
			name: "secret",
			yaml: "database:\n  driver: mysql\n  dsn: ${DSN}\n",
			env:  env{"DSN": "u:p$w@tcp(db)/n"},
			got:  func(_ *testing.T, c *config.Config) any { return c.Database.DSN.Reveal() }, want: "u:p$w@tcp(db)/n",
		},
		{
			name: "inside a list in options",
			yaml: connectorWith("      tags: [a, \"${TAG}\"]\n      more:\n        - ${TAG}-2\n"),
			env:  env{"TAG": "vip"},
			got: func(t *testing.T, c *config.Config) any {
				return []string{optionValue(t, c, "tags[1]"), optionValue(t, c, "more[0]")}
			},
			want: []string{"vip", "vip-2"},
		},
		{
			name: "inside nested mappings in options",
			yaml: connectorWith("      auth:\n        oauth:\n          secret: ${SECRET}\n"),
			env:  env{"SECRET": "s3"},
			got:  func(t *testing.T, c *config.Config) any { return optionValue(t, c, "auth.oauth.secret") },
			want: "s3",
		},
		{
			name: "keys are not expanded",
			yaml: connectorWith("      ${KEY}: v\n"),
			env:  env{"KEY": "expanded"},
			got: func(t *testing.T, c *config.Config) any {
				return c.Connectors[0].Options.Content[0].Value
			},
			want: "${KEY}",
		},
		{
			name:    "a top-level key is not expanded into a known one",
			yaml:    "${KEY}: UTC\n",
			env:     env{"KEY": "timezone"},
			wantErr: `env.yaml:1:1: unknown field "${KEY}" (allowed: timezone, log, database, http, mapping, metrics, notify, secret_key, connectors)`,
		},
		{
			name:    "unset without default",
			yaml:    "http:\n  listen: ${LISTEN}\n",
			env:     noEnv,
			wantErr: `env.yaml:2:11: http.listen: environment variable LISTEN is not set (set it, or write ${LISTEN:-default})`,
		},
		{
			name:    "unset, into an int field, is reported once",
			yaml:    "database:\n  max_open_conns: ${CONNS}\n",
			env:     noEnv,
			wantErr: `env.yaml:2:19: database.max_open_conns: environment variable CONNS is not set (set it, or write ${CONNS:-default})`,
		},
		{
			name:    "set but empty into an int field",
			yaml:    "database:\n  max_open_conns: ${CONNS}\n",
			env:     env{"CONNS": ""},
			wantErr: `env.yaml:2:19: database.max_open_conns: "" is not a valid whole number`,
		},
		{
			// As in YAML, a quoted number is text.
			name:    "quoted number is text",
			yaml:    "database:\n  max_open_conns: \"${CONNS}\"\n",
			env:     env{"CONNS": "5"},
			wantErr: `env.yaml:2:19: database.max_open_conns: "5" is not a valid whole number`,
		},
		{
			name:    "not a number",
			yaml:    "database:\n  max_open_conns: ${CONNS}\n",
			env:     env{"CONNS": "five"},
			wantErr: `env.yaml:2:19: database.max_open_conns: "five" is not a valid whole number`,
		},
		{
			name:    "unclosed",
			yaml:    "http:\n  listen: ${LISTEN\n",
			env:     env{"LISTEN": ":80"},
			wantErr: `env.yaml:2:11: http.listen: unclosed ${ in "${LISTEN" (write ${NAME} or ${NAME:-default}; $$ for a literal $)`,
		},
		{
			name:    "empty name",
			yaml:    "http:\n  listen: ${}\n",
			env:     noEnv,
			wantErr: `env.yaml:2:11: http.listen: ${}: "" is not an environment variable name`,
		},
		{
			name:    "name starting with a digit",
			yaml:    "http:\n  listen: ${1X}\n",
			env:     noEnv,
			wantErr: `env.yaml:2:11: http.listen: ${1X}: "1X" is not an environment variable name`,
		},
		{
			name:    "name with a dash",
			yaml:    "http:\n  listen: ${A-B}\n",
			env:     noEnv,
			wantErr: `env.yaml:2:11: http.listen: ${A-B}: "A-B" is not an environment variable name`,
		},
		{
			name:    "default without the dash",
			yaml:    "http:\n  listen: ${A:x}\n",
			env:     noEnv,
			wantErr: `env.yaml:2:11: http.listen: ${A:x}: "A:x" is not an environment variable name`,
		},
		{
			name:    "in a list, with its index",
			yaml:    connectorWith("      tags:\n        - a\n        - ${TAG}\n"),
			env:     noEnv,
			wantErr: `env.yaml:8:11: connectors[0].options.tags[1]: environment variable TAG is not set (set it, or write ${TAG:-default})`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := config.Parse("env.yaml", []byte(tt.yaml), tt.env.lookup)
			if tt.wantErr != "" {
				if err == nil {
					t.Fatalf("Parse succeeded, want error %q", tt.wantErr)
				}
				if err.Error() != tt.wantErr {
					t.Errorf("Parse error:\n got %s\nwant %s", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			got := tt.got(t, cfg)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %#v, want %#v", got, tt.want)
			}
		})
	}
}

func listen(_ *testing.T, c *config.Config) any { return c.HTTP.Listen }
func dbPath(_ *testing.T, c *config.Config) any { return c.Database.Path }
