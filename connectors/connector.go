// Package connectors defines what a source of customer data is and how the
// engine reads it, and keeps the registry of connector types. One package
// per vendor implements it (connectors/csv, ...); connectors/all links them.
package connectors

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/nayose/nayose/config"
	"go.yaml.in/yaml/v3"
	"golang.org/x/oauth2"
)

// Stream is one kind of record a source offers ("customers", "orders"),
// read incrementally from a cursor.
type Stream interface {
	// Name identifies the stream within its connector; it keys the saved
	// cursor, so it must not change between releases.
	Name() string

	// Pages reads the records after cursor ("" for the beginning) as a
	// sequence of pages. Each page carries the cursor after it; the engine
	// commits the page's records and that cursor in one transaction before
	// asking for the next page, and stops early (break) on cancellation or a
	// failed commit. A non-nil error ends the sequence: pages yielded before
	// it stay committed and the next run resumes from the last committed
	// cursor. Records that cannot be read are not errors: they travel as
	// Page.Rejects and the stream goes on. Pages must respect ctx and return
	// promptly once it is done.
	Pages(ctx context.Context, cursor string) iter.Seq2[Page, error]
}

// Source is a configured connector: the streams it offers, in the order the
// engine runs them (identities before the activities that refer to them).
type Source interface {
	Streams() []Stream
}

// Env is what the daemon gives a connector when building it.
type Env struct {
	// Name is the connector's configured name; records are stored under it.
	Name string
	// Dir is the configuration file's directory; relative paths are read
	// from there.
	Dir string
	// Location is the configured time zone, for source times written
	// without one.
	Location *time.Location
	// Logger is scoped to the connector.
	Logger *slog.Logger
	// Tokens keeps OAuth tokens (encrypted in the database); nil when the
	// configuration has no secret_key to encrypt them with.
	Tokens TokenStore
	// Inbox holds the webhook events the daemon stored for the connector;
	// nil where there is no database (checking a configuration).
	Inbox WebhookInbox
}

// Log is the connector's logger, or one that discards when none is set.
func (e Env) Log() *slog.Logger {
	if e.Logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return e.Logger
}

// NameOr is the connector's configured name, or typ when it has none (a
// source built directly, in a test).
func (e Env) NameOr(typ string) string {
	if e.Name == "" {
		return typ
	}
	return e.Name
}

// TokenStore keeps a connector's OAuth tokens between runs. Vendors whose
// refresh tokens are single-use need each new token saved before it is
// used. httpx.OAuth2 takes it.
type TokenStore interface {
	// Load returns the token saved under key, or nil and no error.
	Load(ctx context.Context, key string) (*oauth2.Token, error)
	// Save stores tok under key, replacing what was there.
	Save(ctx context.Context, key string, tok *oauth2.Token) error
}

// BuildOptions is what Build gives every connector besides its options.
type BuildOptions struct {
	Logger *slog.Logger
	Tokens TokenStore
	Inbox  WebhookInbox
}

// Type is a kind of connector, registered under its `type:` name.
type Type struct {
	// Options returns a pointer to a new options value holding its defaults.
	// The connector's `options:` block is decoded over it strictly; if it
	// implements config.Validator it is then validated.
	Options func() any
	// New builds the source from decoded, valid options. It has no side
	// effects and does not touch the network or files.
	New func(env Env, options any) (Source, error)
}

// Registry maps `type:` names to connector types.
type Registry struct {
	types map[string]Type
}

// NewRegistry returns an empty registry.
func NewRegistry() *Registry { return &Registry{types: map[string]Type{}} }

// Register adds a type. It panics when the name is taken: two connectors
// under one name is a programming error.
func (r *Registry) Register(name string, t Type) {
	if _, dup := r.types[name]; dup {
		panic(fmt.Sprintf("connectors: type %q registered twice", name))
	}
	if t.Options == nil || t.New == nil {
		panic(fmt.Sprintf("connectors: type %q needs Options and New", name))
	}
	r.types[name] = t
}

// Names returns the registered type names, sorted.
func (r *Registry) Names() []string {
	names := make([]string, 0, len(r.types))
	for n := range r.types {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// Connector is a configured, built connector.
type Connector struct {
	Config config.Connector
	Source Source
}

// Build decodes and checks every connector's options and builds its source.
// The error, if any, is config.Problems listing every problem found.
func (r *Registry) Build(cfg *config.Config, log *slog.Logger) ([]Connector, error) {
	return r.BuildWith(cfg, BuildOptions{Logger: log})
}

// BuildWith is Build with a token store for connectors that use OAuth.
func (r *Registry) BuildWith(cfg *config.Config, o BuildOptions) ([]Connector, error) {
	log := o.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	c := config.NewChecker(cfg.File)
	var out []Connector
	for _, cc := range cfg.Connectors {
		c.Locate(cc.Path, cc.Node)
		t, ok := r.types[cc.Type]
		if !ok {
			if cc.Type != "" {
				c.Errorf(cc.Path+".type", "%s", unknownType(cc.Type, r.Names()))
			}
			continue
		}
		opts := t.Options()
		node := cc.Options
		if node.Kind == 0 {
			node = yaml.Node{Kind: yaml.MappingNode, Line: 0}
		}
		before := len(c.Problems())
		c.Decode(&node, cc.Path+".options", opts)
		if len(c.Problems()) > before {
			continue
		}
		src, err := t.New(Env{
			Name:     cc.Name,
			Dir:      cfg.Dir,
			Location: cfg.Timezone.Location,
			Logger:   log.With("connector", cc.Name),
			Tokens:   o.Tokens,
			Inbox:    o.Inbox,
		}, opts)
		if err != nil {
			c.Errorf(cc.Path+".options", "%v", err)
			continue
		}
		out = append(out, Connector{Config: cc, Source: src})
	}
	if err := c.Problems().Err(); err != nil {
		return nil, err
	}
	return out, nil
}

func unknownType(typ string, names []string) string {
	if best, ok := config.Closest(typ, names); ok {
		return fmt.Sprintf("unknown connector type %q (did you mean %q?)", typ, best)
	}
	return fmt.Sprintf("unknown connector type %q (available: %v)", typ, names)
}

// ErrPartial marks a stream error after which the run is partial rather
// than failed: the source refused to go on for now (rate limiting past its
// budget). The pages committed before it stay, the next run resumes from
// the last committed cursor, and the sync is not reported as failed.
// Wrap it: fmt.Errorf("%w: %w", connectors.ErrPartial, err).
var ErrPartial = errors.New("the source stopped the run early; it resumes next time")

// TypeOf makes the Type of a connector from its options' defaults and its
// constructor, so each connector's registration is one line.
func TypeOf[O any, S Source](defaults func() *O, build func(Env, *O) (S, error)) Type {
	return Type{
		Options: func() any { return defaults() },
		New: func(env Env, options any) (Source, error) {
			o, ok := options.(*O)
			if !ok {
				return nil, fmt.Errorf("options are %T, want %T", options, new(O))
			}
			return build(env, o)
		},
	}
}

// CheckOptions validates a connector's options outside the configuration
// file (a source built from Go), as one error listing every problem.
func CheckOptions(typ string, o config.Validator) error {
	c := config.NewChecker("")
	o.Validate(c, "options")
	ps := c.Problems()
	if len(ps) == 0 {
		return nil
	}
	msgs := make([]string, len(ps))
	for i, p := range ps {
		msgs[i] = p.Path + ": " + p.Msg
	}
	return fmt.Errorf("invalid %s options: %s", typ, strings.Join(msgs, "; "))
}
