package config_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/nayose/nayose/config"
)

// shopOptions is a connector's options block as a connector package would
// declare it.
type shopOptions struct {
	Token    config.Secret     `yaml:"token"`
	PageSize int               `yaml:"page_size"`
	Timeout  config.Duration   `yaml:"timeout"`
	Stores   []store           `yaml:"stores"`
	Headers  map[string]string `yaml:"headers"`
	Proxy    *string           `yaml:"proxy"`
	Raw      yaml.Node         `yaml:"raw"`
}

type store struct {
	ID   string `yaml:"id"`
	Name string `yaml:"name"`
}

// Validate checks a store after decoding; the Checker calls it.
func (s *store) Validate(c *config.Checker, path string) {
	if s.ID == "" {
		c.Errorf(path+".id", "a store needs an id")
	}
}

// Validate checks the block after its stores.
func (o *shopOptions) Validate(c *config.Checker, path string) {
	if o.Token == "" {
		c.Errorf(path+".token", "token is required")
	}
}

func TestChecker_OptionsBlock(t *testing.T) {
	tests := []struct {
		name string
		yaml string
		// check looks at the decoded block when there are no problems.
		check func(*testing.T, shopOptions)
		want  []string
	}{
		{
			name: "decodes over defaults",
			yaml: `
token: t0k
timeout: 2m
stores:
  - {id: s1, name: Shibuya}
  - id: s2
headers: {X-A: "1"}
proxy: http://proxy:3128
raw: {anything: [goes]}
`,
			check: func(t *testing.T, o shopOptions) {
				if o.Token.Reveal() != "t0k" || o.PageSize != 50 || o.Timeout.Std() != 2*time.Minute {
					t.Errorf("token, page_size, timeout = %q, %d, %v; want t0k, 50 (default), 2m", o.Token.Reveal(), o.PageSize, o.Timeout.Std())
				}
				if !slices.Equal(o.Stores, []store{{"s1", "Shibuya"}, {"s2", ""}}) {
					t.Errorf("stores = %+v", o.Stores)
				}
				if o.Headers["X-A"] != "1" || o.Headers["X-Default"] != "yes" {
					t.Errorf("headers = %v, want X-A added to the default X-Default", o.Headers)
				}
				if o.Proxy == nil || *o.Proxy != "http://proxy:3128" {
					t.Errorf("proxy = %v", o.Proxy)
				}
				if o.Raw.Kind != yaml.MappingNode || o.Raw.Line != 8 {
					t.Errorf("raw = kind %v line %d, want the mapping node on line 8", o.Raw.Kind, o.Raw.Line)
				}
			},
		},
		{
			name: "null keeps the default, and sets a pointer to nil",
			yaml: "token: t\npage_size:\nproxy: ~\n",
			check: func(t *testing.T, o shopOptions) {
				if o.PageSize != 50 || o.Proxy != nil {
					t.Errorf("page_size, proxy = %d, %v; want 50, nil", o.PageSize, o.Proxy)
				}
			},
		},
		{
			name: "every problem, positioned, validators included",
			yaml: `
token: t
pagesize: 10
stores:
  - name: no id
  - id: s2
    nmae: typo
headers:
  a: "1"
  a: "2"
timeout: soon
proxy: [a]
`,
			want: []string{
				`options.yaml:2:1: connectors[0].options: unknown field "pagesize" (did you mean "page_size"?)`,
				`options.yaml:4:5: connectors[0].options.stores[0].id: a store needs an id`,
				`options.yaml:6:5: connectors[0].options.stores[1]: unknown field "nmae" (did you mean "name"?)`,
				`options.yaml:9:3: connectors[0].options.headers: key "a" appears twice`,
				`options.yaml:10:10: connectors[0].options.timeout: "soon" is not a duration (write it like 90s, 5m or 1h30m)`,
				`options.yaml:11:8: connectors[0].options.proxy: expected a single text value, found a list`,
			},
		},
		{
			name: "validator with a missing key points at the block",
			yaml: "page_size: 5\n",
			want: []string{
				`options.yaml:1:1: connectors[0].options.token: token is required`,
			},
		},
		{
			name: "wrong shapes",
			yaml: "token: t\nstores: {id: s1}\nheaders: [a]\n",
			want: []string{
				`options.yaml:2:9: connectors[0].options.stores: expected a list, found a mapping`,
				`options.yaml:3:10: connectors[0].options.headers: expected a mapping of key: value, found a list`,
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var doc yaml.Node
			if err := yaml.Unmarshal([]byte(strings.TrimPrefix(tt.yaml, "\n")), &doc); err != nil {
				t.Fatal(err)
			}
			opts := shopOptions{PageSize: 50, Headers: map[string]string{"X-Default": "yes"}}
			c := config.NewChecker("options.yaml")
			c.Decode(&doc, "connectors[0].options", &opts)
			err := c.Problems().Err()
			if tt.want == nil {
				if err != nil {
					t.Fatalf("Decode: %v", err)
				}
				tt.check(t, opts)
				return
			}
			if err == nil {
				t.Fatalf("Decode succeeded, want:\n%s", strings.Join(tt.want, "\n"))
			}
			if got := strings.Split(err.Error(), "\n"); !slices.Equal(got, tt.want) {
				t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}
}

func TestChecker_DecodeNeedsAPointer(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("Decode into a non-pointer did not panic")
		}
	}()
	var opts shopOptions
	config.NewChecker("x.yaml").Decode(&yaml.Node{}, "", opts)
}
