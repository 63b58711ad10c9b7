// Package line is the connector for a LINE Official Account through the
// LINE Messaging API. LINE pushes: follow, unfollow and message events
// arrive as webhooks at /webhooks/<name>, verified with X-Line-Signature
// and stored by the daemon; the events stream reads them from there,
// fetches each person's profile, and turns a person's first message into
// an inquiry. A followers stream backfills the friends who followed
// before nayose listened, where the account may list them.
//
// Register links it into a connectors.Registry under the type name
// "line"; README.md documents the options and sample.yaml shows them.
package line

import (
	_ "embed"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/nayose/nayose/config"
	"github.com/nayose/nayose/connectors"
	"github.com/nayose/nayose/connectors/httpx"
	"golang.org/x/time/rate"
)

// TypeName is the `type:` that selects this connector.
const TypeName = "line"

// Defaults.
const (
	DefaultBaseURL   = "https://api.line.me"
	DefaultRateLimit = 50
	// FollowersPageSize is the most follower ids LINE lists per request.
	FollowersPageSize = 1000
	// EventsPageSize is how many stored webhook events make a page.
	EventsPageSize = 200
)

//go:embed sample.yaml
var sampleConfig string

// SampleConfig returns sample.yaml, which README.md shows and a test loads.
func SampleConfig() string { return sampleConfig }

// Options is the connector's `options:` block.
type Options struct {
	// ChannelAccessToken is the Messaging API channel's long-lived access
	// token (required).
	ChannelAccessToken config.Secret `yaml:"channel_access_token"`
	// ChannelSecret verifies webhooks (X-Line-Signature); without it they
	// are turned away.
	ChannelSecret config.Secret `yaml:"channel_secret"`
	// BaseURL is the API's root.
	BaseURL string `yaml:"base_url"`
	// Followers backfills the friends LINE lists (verified and premium
	// accounts only; others are told so once and skipped).
	Followers bool `yaml:"followers"`
	// RateLimit is requests per second.
	RateLimit float64 `yaml:"rate_limit"`
	// RetryWait is the shortest wait before retrying a refused or failed
	// request.
	RetryWait config.Duration `yaml:"retry_wait"`
}

func defaults() *Options {
	return &Options{BaseURL: DefaultBaseURL, Followers: true, RateLimit: DefaultRateLimit, RetryWait: config.Duration(httpx.DefaultMinWait)}
}

// Defaults returns the options a configuration starts from.
func Defaults() *Options { return defaults() }

// Validate checks the options without touching the network.
func (o *Options) Validate(c *config.Checker, path string) {
	if strings.TrimSpace(o.ChannelAccessToken.Reveal()) == "" {
		c.Errorf(path+".channel_access_token", "channel_access_token is required: the Messaging API channel's long-lived access token (use ${LINE_CHANNEL_ACCESS_TOKEN})")
	}
	if u, err := url.Parse(o.BaseURL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		c.Errorf(path+".base_url", "base_url %q must be an absolute URL like %s", o.BaseURL, DefaultBaseURL)
	}
	if o.RateLimit <= 0 {
		c.Errorf(path+".rate_limit", "rate_limit must be more than 0 requests per second")
	}
	if o.RetryWait <= 0 || o.RetryWait.Std() > time.Minute {
		c.Errorf(path+".retry_wait", "retry_wait must be more than 0 and at most 1m")
	}
}

// Register adds the line connector type to r.
func Register(r *connectors.Registry) {
	r.Register(TypeName, connectors.TypeOf(defaults, New))
}

// Source is a configured line connector.
type Source struct {
	streams []connectors.Stream
	secret  string
}

var _ connectors.Source = (*Source)(nil)

// Streams returns followers (when on), then events.
func (s *Source) Streams() []connectors.Stream { return s.streams }

// New builds a source from valid options. It has no side effects.
func New(env connectors.Env, o *Options) (*Source, error) {
	if err := connectors.CheckOptions(TypeName, o); err != nil {
		return nil, err
	}
	log, name := env.Log(), env.NameOr(TypeName)
	hc, err := httpx.New(httpx.Options{
		Name:      name,
		BaseURL:   o.BaseURL,
		Auth:      httpx.Bearer(o.ChannelAccessToken.Reveal()),
		RateLimit: rate.Limit(o.RateLimit),
		Burst:     max(1, int(o.RateLimit/2)),
		MinWait:   o.RetryWait.Std(),
		Secrets:   []string{o.ChannelSecret.Reveal()},
		Logger:    log,
	})
	if err != nil {
		return nil, fmt.Errorf("line: %w", err)
	}
	cl := &client{http: hc}
	var streams []connectors.Stream
	if o.Followers {
		streams = append(streams, &followersStream{c: cl, log: log.With("stream", "followers")})
	}
	streams = append(streams, &eventsStream{c: cl, inbox: env.Inbox, connector: name, log: log.With("stream", "events")})
	return &Source{streams: streams, secret: o.ChannelSecret.Reveal()}, nil
}
