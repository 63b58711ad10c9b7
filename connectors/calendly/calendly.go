// Package calendly is the connector for Calendly (bookings): it reads the
// invitees of scheduled events as identities, and their bookings,
// cancellations and booking-form answers as activities, through the shared
// httpx client.
//
// Register links it into a connectors.Registry under the type name
// "calendly"; README.md documents the options and sample.yaml shows them.
package calendly

import (
	_ "embed"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/nayose/nayose/config"
	"github.com/nayose/nayose/connectors"
	"github.com/nayose/nayose/connectors/httpx"
	"golang.org/x/oauth2"
	"golang.org/x/time/rate"
)

// TypeName is the `type:` that selects this connector.
const TypeName = "calendly"

// Defaults.
const (
	DefaultBaseURL   = "https://api.calendly.com"
	DefaultFrom      = 180 * 24 * time.Hour
	DefaultAhead     = 90 * 24 * time.Hour
	DefaultWindow    = 30 * 24 * time.Hour
	DefaultOverlap   = time.Hour
	DefaultRateLimit = 5
	// pageSize is Calendly's largest count.
	pageSize = 100
)

//go:embed sample.yaml
var sampleConfig string

// SampleConfig returns sample.yaml, which README.md shows and a test loads.
func SampleConfig() string { return sampleConfig }

// OAuth makes the connector authorize with OAuth access tokens kept in a
// token store, refreshed (single-use, rotating refresh tokens) at
// base_url/oauth/token. It is set from Go only, not from YAML.
type OAuth struct {
	ClientID     string
	ClientSecret string
	// Store keeps the token; a rotated refresh token is saved before use.
	Store httpx.TokenStore
	// Key is the token's key in Store; empty means "calendly/" + the
	// connector's name.
	Key string
}

// Options is the connector's `options:` block.
type Options struct {
	// Token is a personal access token (required unless OAuth is set).
	Token config.Secret `yaml:"token"`
	// WebhookSigningKey is the webhook subscription's signing key, to
	// verify invitee.created and invitee.canceled deliveries at
	// /webhooks/<name>; empty turns them away.
	WebhookSigningKey config.Secret `yaml:"webhook_signing_key"`
	// BaseURL is the API's root.
	BaseURL string `yaml:"base_url"`
	// Organization is the organization URI whose events are read; empty
	// means the current_organization of GET /users/me.
	Organization string `yaml:"organization"`
	// From is how far back the first run reads event start times.
	From config.Duration `yaml:"from"`
	// Ahead is how far ahead of now bookings are read (on every run).
	Ahead config.Duration `yaml:"ahead"`
	// Window is the size of each start-time window.
	Window config.Duration `yaml:"window"`
	// Overlap is how far before the cursor each run starts again.
	Overlap config.Duration `yaml:"overlap"`
	// RateLimit is requests per second.
	RateLimit float64 `yaml:"rate_limit"`
	// RetryWait is the shortest wait before retrying a failed request.
	RetryWait config.Duration `yaml:"retry_wait"`
	// OAuthApp, set in YAML, authorizes with OAuth instead of Token: the
	// app's client id and secret and the refresh token from authorizing
	// it once. Tokens are kept encrypted in the database (the config needs
	// secret_key); the configured refresh token is used only until the
	// first rotation.
	OAuthApp httpx.OAuthApp `yaml:"oauth"`
	// OAuth, when set (from Go), replaces Token.
	OAuth *OAuth `yaml:"-"`
}

func defaults() *Options {
	return &Options{
		BaseURL:   DefaultBaseURL,
		From:      config.Duration(DefaultFrom),
		Ahead:     config.Duration(DefaultAhead),
		Window:    config.Duration(DefaultWindow),
		Overlap:   config.Duration(DefaultOverlap),
		RateLimit: DefaultRateLimit,
		RetryWait: config.Duration(httpx.DefaultMinWait),
	}
}

// Defaults returns options holding every default, for building a source
// from Go (with OAuth).
func Defaults() *Options { return defaults() }

// Validate checks the options without touching the network.
func (o *Options) Validate(c *config.Checker, path string) {
	app := o.OAuthApp
	if o.OAuth == nil && app.ClientID == "" && strings.TrimSpace(o.Token.Reveal()) == "" {
		c.Errorf(path+".token", "token is required: a Calendly personal access token (use ${CALENDLY_TOKEN}), or an oauth block")
	}
	if app.ClientID != "" && (app.ClientSecret == "" || app.RefreshToken == "") {
		c.Errorf(path+".oauth", "oauth needs client_id, client_secret and refresh_token (from authorizing the app once)")
	}
	if o.OAuth != nil && o.OAuth.Store == nil {
		c.Errorf(path+".oauth", "OAuth needs a token store")
	}
	if u, err := url.Parse(o.BaseURL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		c.Errorf(path+".base_url", "base_url %q must be an absolute URL like %s", o.BaseURL, DefaultBaseURL)
	}
	if o.Organization != "" {
		if u, err := url.Parse(o.Organization); err != nil || u.Host == "" || !strings.Contains(u.Path, "/organizations/") {
			c.Errorf(path+".organization", "organization %q must be an organization URI like %s/organizations/<uuid>", o.Organization, DefaultBaseURL)
		}
	}
	if o.From <= 0 {
		c.Errorf(path+".from", "from must be more than 0 (how far back the first run reads, e.g. 4320h)")
	}
	if o.Ahead < 0 {
		c.Errorf(path+".ahead", "ahead must not be negative (how far ahead bookings are read, e.g. 2160h)")
	}
	if o.Window < config.Duration(time.Hour) {
		c.Errorf(path+".window", "window must be at least 1h (e.g. 720h)")
	}
	if o.Overlap < 0 {
		c.Errorf(path+".overlap", "overlap must not be negative")
	}
	if o.RateLimit <= 0 {
		c.Errorf(path+".rate_limit", "rate_limit must be more than 0 requests per second")
	}
	if o.RetryWait <= 0 || o.RetryWait.Std() > time.Minute {
		c.Errorf(path+".retry_wait", "retry_wait must be more than 0 and at most 1m")
	}
}

// Register adds the calendly connector type to r.
func Register(r *connectors.Registry) {
	r.Register(TypeName, connectors.TypeOf(defaults, New))
}

// Source is a configured calendly connector.
type Source struct {
	streams    []connectors.Stream
	webhookKey string
	now        func() time.Time
}

var _ connectors.Source = (*Source)(nil)

// Streams returns bookings.
func (s *Source) Streams() []connectors.Stream { return s.streams }

// New builds a source from valid options. It has no side effects.
func New(env connectors.Env, o *Options) (*Source, error) {
	if err := connectors.CheckOptions(TypeName, o); err != nil {
		return nil, err
	}
	if app := o.OAuthApp; app.ClientID != "" && o.OAuth == nil {
		if env.Tokens == nil {
			return nil, errors.New("oauth needs secret_key in the configuration: Calendly's refresh tokens rotate, and nayose keeps them encrypted in the database")
		}
		o.OAuth = &OAuth{ClientID: app.ClientID, ClientSecret: app.ClientSecret.Reveal(),
			Store: app.Seeded(env.Tokens)}
	}
	log, name := env.Log(), env.NameOr(TypeName)
	var auth httpx.Authenticator = httpx.Bearer(o.Token.Reveal())
	if oa := o.OAuth; oa != nil {
		key := oa.Key
		if key == "" {
			key = TypeName + "/" + name
		}
		auth = httpx.OAuth2(&oauth2.Config{
			ClientID:     oa.ClientID,
			ClientSecret: oa.ClientSecret,
			Endpoint: oauth2.Endpoint{
				TokenURL:  strings.TrimSuffix(o.BaseURL, "/") + "/oauth/token",
				AuthStyle: oauth2.AuthStyleInParams,
			},
		}, oa.Store, key)
	}
	hc, err := httpx.New(httpx.Options{
		Name:      name,
		BaseURL:   o.BaseURL,
		Auth:      auth,
		RateLimit: rate.Limit(o.RateLimit),
		Burst:     max(1, int(o.RateLimit/2)),
		MinWait:   o.RetryWait.Std(),
		Logger:    log,
	})
	if err != nil {
		return nil, fmt.Errorf("calendly: %w", err)
	}
	cl := &client{http: hc, opts: o}
	return &Source{streams: []connectors.Stream{
		&bookingsStream{c: cl, log: log.With("stream", "bookings"), now: time.Now},
	}, webhookKey: o.WebhookSigningKey.Reveal(), now: time.Now}, nil
}
