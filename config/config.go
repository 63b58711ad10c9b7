// Package config loads nayose's YAML configuration: strictly (an unknown key
// is an error), with ${VAR} expansion, defaults, and every problem reported
// at once with its file:line:column.
package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"
	// The default zone, Asia/Tokyo, must load where the system has no
	// zone files (scratch and distroless images); Defaults panics otherwise.
	_ "time/tzdata"

	"github.com/nayose/nayose/mapping/resolve"
	"go.yaml.in/yaml/v3"
)

// Config is a whole nayose configuration.
type Config struct {
	// Timezone is used for schedules, "today" and what people read; the
	// database always holds UTC. Default Asia/Tokyo.
	Timezone Location `yaml:"timezone"`
	Log      Log      `yaml:"log"`
	Database Database `yaml:"database"`
	HTTP     HTTP     `yaml:"http"`
	Mapping  Mapping  `yaml:"mapping"`
	// Metrics sets the thresholds of customer metrics: dormancy, stages.
	Metrics Metrics `yaml:"metrics"`
	// Notify says where alerts go and when.
	Notify Notify `yaml:"notify"`
	// SecretKey encrypts the credentials nayose keeps in the database
	// (OAuth tokens that connectors refresh). Write it as
	// ${NAYOSE_SECRET_KEY}; at least 16 characters. Changing it makes the
	// stored tokens unreadable: connectors then need authorizing again.
	SecretKey Secret `yaml:"secret_key"`
	// Connectors are the sources to pull, each on its own schedule.
	Connectors []Connector `yaml:"connectors"`

	// File is the path the configuration was loaded from.
	File string `yaml:"-"`
	// Dir is the directory of File; relative paths in the configuration
	// are read from there.
	Dir string `yaml:"-"`
}

// Log sets how the daemon logs.
type Log struct {
	// Level is debug, info, warn or error. Default info.
	Level string `yaml:"level"`
	// Format is text or json. Default text.
	Format string `yaml:"format"`
}

// Database says where the unified tables live.
type Database struct {
	// Driver is sqlite (embedded, the default) or mysql (MySQL or MariaDB).
	Driver string `yaml:"driver"`
	// Path is the SQLite file, relative to the config file. Default nayose.db.
	Path string `yaml:"path"`
	// DSN is the MySQL data source name,
	// "user:password@tcp(host:3306)/nayose?parseTime=true". It holds a
	// password, so it is a Secret.
	DSN Secret `yaml:"dsn"`
	// MaxOpenConns caps the connection pool (MySQL). Default 10.
	MaxOpenConns int `yaml:"max_open_conns"`
}

// HTTP configures the daemon's listener for health checks and metrics.
type HTTP struct {
	// Listen is host:port; empty turns the listener off. Default 127.0.0.1:8080.
	Listen string `yaml:"listen"`
}

// Mapping configures normalization and identity resolution.
type Mapping struct {
	// DefaultRegion is the ISO 3166 country assumed for phone numbers
	// written without a country code. Default JP.
	DefaultRegion string `yaml:"default_region"`
	// AutoMergeScore is the match score (bits) at or above which two
	// records become one customer. Default 15.
	AutoMergeScore float64 `yaml:"auto_merge_score"`
	// ReviewScore is the score at or above which a pair kept apart is
	// listed by nayose review. Default 6.
	ReviewScore float64 `yaml:"review_score"`
	// MaxShared is how many records may share one email, phone or address
	// before it is treated as junk that links nobody. Default 10.
	MaxShared int `yaml:"max_shared"`
	// SourcePriority lists connector names, most trusted first: each
	// customer field comes from the most trusted source that has it, then
	// the most recently updated.
	SourcePriority []string `yaml:"source_priority"`
	// Weights overrides match weights in bits: field -> level -> weight,
	// e.g. {email: {exact: 12, differ: -3}}. Fields: family_name,
	// given_name, birthday, email, phone, postal_code, address. Levels:
	// exact, close, partial, differ. `nayose resolve --learn` prints
	// weights fitted to a file of records.
	Weights map[string]map[string]float64 `yaml:"weights"`
}

// Notify configures how alerts reach people: Slack, the console, or both.
// What raises an alert is decided elsewhere.
type Notify struct {
	// Slack posts alerts to one channel, through a bot token with a
	// channel or through an incoming webhook.
	Slack NotifySlack `yaml:"slack"`
	// Console prints alerts on standard output. Default: on when Slack is
	// not configured, off when it is.
	Console *bool `yaml:"console"`
	// QuietHours, read in Timezone, hold alerts back; when they end, what
	// waited goes out, batched.
	QuietHours *QuietHours `yaml:"quiet_hours"`
	// BatchOver: when more alerts of one rule than this wait together,
	// they go out as one digest message. Default 3.
	BatchOver int `yaml:"batch_over"`
	// Every is how often waiting alerts are delivered. Default 1m.
	Every Duration `yaml:"every"`
	// Rules say which alerts are raised.
	Rules NotifyRules `yaml:"rules"`
}

// NotifySlack is where alerts go on Slack.
type NotifySlack struct {
	// BotToken is a Slack app's bot token (xoxb-...) with the chat:write
	// scope; write it as ${SLACK_BOT_TOKEN}. It needs Channel.
	BotToken Secret `yaml:"bot_token"`
	// Channel is the channel to post in, "#shop-alerts" or an id
	// ("C0123456789"); the app must be invited to it.
	Channel string `yaml:"channel"`
	// WebhookURL is an incoming webhook, instead of BotToken and Channel;
	// its path is a credential, so write it as ${SLACK_WEBHOOK_URL}.
	WebhookURL Secret `yaml:"webhook_url"`
}

// Configured reports whether Slack is set up at all.
func (s NotifySlack) Configured() bool { return s.BotToken != "" || s.WebhookURL != "" }

// ConsoleOn reports whether alerts are printed on standard output.
func (n Notify) ConsoleOn() bool {
	if n.Console != nil {
		return *n.Console
	}
	return !n.Slack.Configured()
}

// QuietHours is a daily stretch of time, in the configured Timezone, when
// no alert is sent. From after To crosses midnight: 22:00 to 08:00.
type QuietHours struct {
	From *TimeOfDay `yaml:"from"`
	To   *TimeOfDay `yaml:"to"`
}

// Validate implements Validator.
func (q *QuietHours) Validate(c *Checker, path string) {
	switch {
	case q.From == nil && q.To == nil:
		c.Errorf(path, "quiet hours need from and to, like {from: \"22:00\", to: \"08:00\"}")
	case q.From == nil:
		c.Errorf(path, "quiet hours need from, when they start (like \"22:00\")")
	case q.To == nil:
		c.Errorf(path, "quiet hours need to, when they end (like \"08:00\")")
	case *q.From == *q.To:
		c.Errorf(path+".to", "quiet hours from %s to %s are empty (remove quiet_hours to send at any time)", q.From, q.To)
	}
}

// Connector is one configured source.
type Connector struct {
	// Name identifies the connector in the database, logs and metrics:
	// lower-case letters, digits and underscores, unique.
	Name string `yaml:"name"`
	// Type selects the connector implementation ("csv", ...).
	Type string `yaml:"type"`
	// Schedule is when the daemon runs the connector, in Timezone.
	Schedule Schedule `yaml:"schedule"`
	// Timeout bounds one run. Default 30m.
	Timeout Duration `yaml:"timeout"`
	// RunOnStart runs the connector once as soon as the daemon starts.
	// Default true.
	RunOnStart bool `yaml:"run_on_start"`
	// Options is the connector's own block, decoded by its type.
	Options yaml.Node `yaml:"options"`

	// Path is where the connector sits in the file, "connectors[2]".
	Path string `yaml:"-"`
	// Node is the connector's block in the file, for positions in later
	// checks.
	Node *yaml.Node `yaml:"-"`
}

// Defaults returns the configuration an empty file means.
func Defaults() Config {
	tokyo, err := time.LoadLocation("Asia/Tokyo")
	if err != nil {
		panic(fmt.Sprintf("config: time zone database has no Asia/Tokyo: %v", err))
	}
	return Config{
		Timezone: Location{tokyo},
		Log:      Log{Level: "info", Format: "text"},
		Database: Database{Driver: "sqlite", Path: "nayose.db", MaxOpenConns: 10},
		HTTP:     HTTP{Listen: "127.0.0.1:8080"},
		Mapping:  Mapping{DefaultRegion: "JP", AutoMergeScore: 15, ReviewScore: 6, MaxShared: 10},
		Metrics:  defaultMetrics(),
		Notify:   Notify{BatchOver: 3, Every: Duration(time.Minute), Rules: defaultRules()},
	}
}

// connectorDefaults fills a connector before its block is decoded over it.
func connectorDefaults() Connector {
	return Connector{Timeout: Duration(30 * time.Minute), RunOnStart: true}
}

var connectorName = regexp.MustCompile(`^[a-z][a-z0-9_]{0,63}$`)

// Load reads, expands and decodes the file at path. The error, if any, is
// Problems: every problem in the file, each with its position; the Config
// returned beside Problems holds what could be decoded (nil when the file
// could not be read or parsed as YAML). Connector options are only checked
// for shape here; their types check them in full.
func Load(path string) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading config: %w", err)
	}
	return Parse(path, data, os.LookupEnv)
}

// Parse is Load for a file already in memory; lookup resolves ${VAR}.
func Parse(path string, data []byte, lookup func(string) (string, bool)) (*Config, error) {
	c := NewChecker(path)
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil && !errors.Is(err, io.EOF) {
		return nil, Problems{syntaxProblem(path, err)}
	}
	// A second document ("---") would otherwise be silently ignored.
	var extra yaml.Node
	if err := dec.Decode(&extra); err != nil && !errors.Is(err, io.EOF) {
		return nil, Problems{syntaxProblem(path, err)}
	} else if err == nil && len(extra.Content) > 0 && extra.Content[0].ShortTag() != "!!null" {
		c.At(extra.Content[0], "", "a config file holds one YAML document; this is a second one (remove the \"---\" before it)")
	}
	cfg := Defaults()
	cfg.File = path
	cfg.Dir = filepath.Dir(path)
	if len(doc.Content) == 0 {
		if err := c.Problems().Err(); err != nil {
			return nil, err
		}
		return &cfg, nil
	}
	expandEnv(c, &doc, "", lookup)
	root := doc.Content[0]

	// Connectors get their defaults per item, so decode them separately.
	var connectorsNode *yaml.Node
	if root.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(root.Content); {
			k := root.Content[i]
			if k.Value != "connectors" {
				i += 2
				continue
			}
			if connectorsNode == nil {
				connectorsNode = root.Content[i+1]
			} else {
				c.At(k, "", "key %q appears twice", k.Value)
			}
			root.Content = append(root.Content[:i:i], root.Content[i+2:]...)
		}
	}
	c.Decode(root, "", &cfg)
	if connectorsNode != nil {
		cfg.Connectors = decodeConnectors(c, connectorsNode)
	}
	cfg.validate(c)
	// With problems, the Config still holds what could be decoded, so the
	// caller can check connector options too and report everything at once.
	return &cfg, c.Problems().Err()
}

func decodeConnectors(c *Checker, node *yaml.Node) []Connector {
	c.nodes["connectors"] = node
	if node.Kind != yaml.SequenceNode {
		if node.Tag != "!!null" {
			c.At(node, "connectors", "expected a list of connectors, found %s", describe(node))
		}
		return nil
	}
	out := make([]Connector, len(node.Content))
	for i, item := range node.Content {
		out[i] = connectorDefaults()
		out[i].Path = fmt.Sprintf("connectors[%d]", i)
		out[i].Node = item
		c.Decode(item, out[i].Path, &out[i])
	}
	return out
}

func (cfg *Config) validate(c *Checker) {
	switch cfg.Log.Level {
	case "debug", "info", "warn", "error":
	default:
		c.Errorf("log.level", "%q is not a level (allowed: debug, info, warn, error)", cfg.Log.Level)
	}
	switch cfg.Log.Format {
	case "text", "json":
	default:
		c.Errorf("log.format", "%q is not a format (allowed: text, json)", cfg.Log.Format)
	}
	switch cfg.Database.Driver {
	case "sqlite":
		if cfg.Database.Path == "" {
			c.Errorf("database.path", "the SQLite file path is empty")
		}
		if cfg.Database.DSN != "" {
			c.Errorf("database.dsn", "dsn is for driver mysql; SQLite takes path")
		}
	case "mysql":
		if cfg.Database.DSN == "" && !c.hasProblemAt("database.dsn") {
			c.Errorf("database", "driver mysql needs dsn, like \"user:password@tcp(127.0.0.1:3306)/nayose\"")
		}
	default:
		msg := fmt.Sprintf("%q is not a database driver (allowed: sqlite, mysql)", cfg.Database.Driver)
		if s, ok := Closest(cfg.Database.Driver, []string{"sqlite", "mysql"}); ok {
			msg = fmt.Sprintf("%q is not a database driver (did you mean %q?)", cfg.Database.Driver, s)
		}
		c.Errorf("database.driver", "%s", msg)
	}
	if cfg.Database.MaxOpenConns < 1 {
		c.Errorf("database.max_open_conns", "must be at least 1")
	}
	if len(cfg.Mapping.DefaultRegion) != 2 {
		c.Errorf("mapping.default_region", "%q is not a two-letter country code (like JP or US)", cfg.Mapping.DefaultRegion)
	}
	checkMapping(c, &cfg.Mapping)
	checkMetrics(c, &cfg.Metrics)
	checkNotify(c, &cfg.Notify)
	checkRules(c, &cfg.Notify.Rules)
	if n := len(cfg.SecretKey.Reveal()); n > 0 && n < 16 {
		c.Errorf("secret_key", "is %d characters; at least 16 are needed to encrypt credentials (use a long random value from the environment)", n)
	}
	names := map[string]string{}
	for _, conn := range cfg.Connectors {
		switch {
		case conn.Name == "" && c.hasProblemAt(conn.Path+".name"):
			// already reported: an unset ${VAR}
		case conn.Name == "":
			c.Errorf(conn.Path, "connector has no name")
		case !connectorName.MatchString(conn.Name):
			c.Errorf(conn.Path+".name", "%q is not a valid name (lower-case letters, digits and _, starting with a letter)", conn.Name)
		case names[conn.Name] != "":
			c.Errorf(conn.Path+".name", "name %q is already used by %s", conn.Name, names[conn.Name])
		default:
			names[conn.Name] = conn.Path
		}
		if conn.Type == "" && !c.hasProblemAt(conn.Path+".type") {
			c.Errorf(conn.Path, "connector %q has no type", conn.Name)
		}
		if conn.Schedule.Spec == "" && !c.hasProblemAt(conn.Path+".schedule") {
			c.Errorf(conn.Path, "connector %q has no schedule (like \"@every 1h\" or \"0 9 * * *\")", conn.Name)
		}
		if conn.Timeout <= 0 {
			c.Errorf(conn.Path+".timeout", "timeout must be more than zero")
		}
	}
	known := slices.Sorted(maps.Keys(names))
	for i, name := range cfg.Mapping.SourcePriority {
		if names[name] != "" {
			continue
		}
		msg := fmt.Sprintf("%q is not a configured connector", name)
		if s, ok := Closest(name, known); ok {
			msg += fmt.Sprintf(" (did you mean %q?)", s)
		}
		c.Errorf(fmt.Sprintf("mapping.source_priority[%d]", i), "%s", msg)
	}
}

func (c *Checker) hasProblemAt(path string) bool {
	for _, p := range c.problems {
		if p.Path == path {
			return true
		}
	}
	return false
}

// syntaxProblem turns a YAML syntax error into a positioned Problem.
var yamlLine = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// yamlParserErrors begin yaml.v3's parser messages (its scanner's differ).
// It gives their line counted from 0, one less than an editor shows; its
// scanner errors count from 1.
var yamlParserErrors = []string{
	"did not find expected <", "did not find expected node content",
	"did not find expected '-' indicator", "did not find expected key",
	"did not find expected ','", "found undefined tag handle",
	"found duplicate %", "found incompatible YAML document",
}

func syntaxProblem(path string, err error) Problem {
	p := Problem{File: path, Msg: "YAML syntax: " + strings.TrimPrefix(err.Error(), "yaml: ")}
	if m := yamlLine.FindStringSubmatch(err.Error()); m != nil {
		fmt.Sscan(m[1], &p.Line)
		p.Column = 1
		p.Msg = "YAML syntax: " + m[2]
		for _, prefix := range yamlParserErrors {
			if strings.HasPrefix(m[2], prefix) {
				p.Line++
				break
			}
		}
	}
	return p
}

// DatabasePath returns the SQLite file path, resolved against the config's
// directory.
func (cfg *Config) DatabasePath() string {
	if filepath.IsAbs(cfg.Database.Path) {
		return cfg.Database.Path
	}
	return filepath.Join(cfg.Dir, cfg.Database.Path)
}

// Resolve returns a path from the configuration resolved against its directory.
func (cfg *Config) Resolve(p string) string {
	if p == "" || filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(cfg.Dir, p)
}

// checkMapping checks identity-resolution settings.
func checkMapping(c *Checker, m *Mapping) {
	if m.AutoMergeScore <= 0 {
		c.Errorf("mapping.auto_merge_score", "must be above 0 (bits of evidence; default 15)")
	}
	if m.ReviewScore > m.AutoMergeScore {
		c.Errorf("mapping.review_score", "%g is above auto_merge_score %g; pairs to review score below the auto-merge score", m.ReviewScore, m.AutoMergeScore)
	}
	if m.MaxShared < 2 {
		c.Errorf("mapping.max_shared", "must be at least 2 (a value shared by more records than this links nobody)")
	}
	var fieldNames []string
	for _, f := range resolve.Fields() {
		fieldNames = append(fieldNames, f.String())
	}
	for _, name := range slices.Sorted(maps.Keys(m.Weights)) {
		path := "mapping.weights." + name
		f, ok := resolve.ParseField(name)
		if !ok {
			msg := fmt.Sprintf("%q is not a compared field (allowed: %s)", name, strings.Join(fieldNames, ", "))
			if s, ok := Closest(name, fieldNames); ok {
				msg = fmt.Sprintf("%q is not a compared field (did you mean %q?)", name, s)
			}
			c.Errorf(path, "%s", msg)
			continue
		}
		var levelNames []string
		for _, l := range f.Levels() {
			levelNames = append(levelNames, l.String())
		}
		for _, lname := range slices.Sorted(maps.Keys(m.Weights[name])) {
			l, ok := resolve.ParseLevel(lname)
			if !ok || !slices.Contains(f.Levels(), l) {
				c.Errorf(path+"."+lname, "%q is not a level of %s (allowed: %s)", lname, name, strings.Join(levelNames, ", "))
			}
		}
	}
}

// slackChannel is a channel name (#shop-alerts, shop-alerts) or id.
var slackChannel = regexp.MustCompile(`^#?[\p{L}\p{N}_.-]{1,80}$`)

// checkNotify checks where alerts go. Messages never quote the token or
// the webhook URL: both are credentials.
func checkNotify(c *Checker, n *Notify) {
	s := n.Slack
	token, hook := s.BotToken.Reveal(), s.WebhookURL.Reveal()
	// An unset ${VAR} was reported already; its empty value says nothing.
	tokenUnset := c.hasProblemAt("notify.slack.bot_token")
	hookUnset := c.hasProblemAt("notify.slack.webhook_url")
	switch {
	case token != "" && hook != "":
		c.Errorf("notify.slack.webhook_url", "give bot_token with channel, or webhook_url, not both")
	case token != "" && s.Channel == "" && !c.hasProblemAt("notify.slack.channel"):
		c.Errorf("notify.slack", "bot_token needs channel, the channel to post in (like \"#shop-alerts\"), with the app invited to it")
	case token == "" && s.Channel != "" && hook != "":
		c.Errorf("notify.slack.channel", "an incoming webhook posts to the channel it was made for: remove channel, or use bot_token instead of webhook_url")
	case token == "" && s.Channel != "" && !tokenUnset && !hookUnset:
		c.Errorf("notify.slack", "channel needs bot_token, a bot token with the chat:write scope (like ${SLACK_BOT_TOKEN})")
	}
	if token != "" && !strings.HasPrefix(token, "xox") {
		c.Errorf("notify.slack.bot_token", "is not a Slack bot token (they start with xoxb-; find it under OAuth & Permissions in the app's settings)")
	}
	if s.Channel != "" && !slackChannel.MatchString(s.Channel) {
		c.Errorf("notify.slack.channel", "%q is not a channel name or id (write it like \"#shop-alerts\" or \"C0123456789\")", s.Channel)
	}
	if hook != "" {
		if u, err := url.Parse(hook); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			c.Errorf("notify.slack.webhook_url", "is not a URL (copy it from Incoming Webhooks in the app's settings: https://hooks.slack.com/services/...)")
		}
	}
	if n.Console != nil && !*n.Console && !s.Configured() && !tokenUnset && !hookUnset {
		c.Errorf("notify.console", "with console off and no slack, alerts would go nowhere: configure notify.slack or turn console on")
	}
	if n.BatchOver < 1 {
		c.Errorf("notify.batch_over", "must be at least 1 (when more alerts of one rule than this wait together, they go out as one message)")
	}
	if n.Every.Std() < time.Second {
		c.Errorf("notify.every", "must be at least 1s")
	}
}

// ResolveWeights returns the match weights: the defaults with the
// configured ones laid over them.
func (m *Mapping) ResolveWeights() resolve.Weights {
	w := resolve.DefaultModel().Weights()
	for name, levels := range m.Weights {
		f, ok := resolve.ParseField(name)
		if !ok {
			continue
		}
		for lname, v := range levels {
			if l, ok := resolve.ParseLevel(lname); ok {
				w.Set(f, l, v)
			}
		}
	}
	return w
}
