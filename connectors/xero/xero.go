// Package xero is the connector for the Xero Accounting API: it reads the
// customer contacts of one organisation (tenant) as identities, and its
// sales invoices, customer credit notes and customer payments as purchase,
// refund and payment activities, incrementally with If-Modified-Since,
// through the shared httpx client.
//
// Register links it into a connectors.Registry under the type name "xero";
// README.md documents the options and sample.yaml shows them.
package xero

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
const TypeName = "xero"

// Defaults and limits.
const (
	DefaultBaseURL  = "https://api.xero.com"
	DefaultTokenURL = "https://identity.xero.com/connect/token"
	DefaultPageSize = 100
	MaxPageSize     = 1000
	DefaultOverlap  = 5 * time.Minute
	// DefaultRateLimit is requests per second: 54 a minute, under Xero's
	// 60 per minute per tenant with room for a retry.
	DefaultRateLimit = 0.9
	// DefaultDayReserve is how many of the 5,000 daily requests a run
	// leaves unspent before it stops as partial.
	DefaultDayReserve = 10
	// MaxConcurrent is Xero's cap on requests in flight per tenant.
	MaxConcurrent = 5
	// apiPath is the accounting API under base_url.
	apiPath = "/api.xro/2.0"
)

//go:embed sample.yaml
var sampleConfig string

// SampleConfig returns sample.yaml, which README.md shows and a test loads.
func SampleConfig() string { return sampleConfig }

// Options is the connector's `options:` block.
type Options struct {
	// AccessToken is a plain OAuth access token (30 minutes), for trials;
	// required unless oauth is set.
	AccessToken config.Secret `yaml:"access_token"`
	// OAuthApp authorizes with the app's client id and secret and a
	// refresh token; rotated tokens are kept encrypted in the database.
	OAuthApp httpx.OAuthApp `yaml:"oauth"`
	// TenantID is the organisation to read (xero-tenant-id); empty means
	// the only one GET /Connections lists.
	TenantID string `yaml:"tenant_id"`
	// WebhookKey is the app's webhooks key, to verify deliveries
	// (x-xero-signature) at /webhooks/<name>; empty turns them away.
	WebhookKey config.Secret `yaml:"webhook_key"`
	// BaseURL is the API host; the accounting API is under /api.xro/2.0
	// and /Connections at its root.
	BaseURL string `yaml:"base_url"`
	// TokenURL is Xero's token endpoint.
	TokenURL string `yaml:"token_url"`
	// PageSize is records per page, 1–1000.
	PageSize int `yaml:"page_size"`
	// Overlap is how far before the newest UpdatedDateUTC read each run
	// asks again.
	Overlap config.Duration `yaml:"overlap"`
	// RateLimit is requests per second.
	RateLimit float64 `yaml:"rate_limit"`
	// DayReserve is how many daily requests a run leaves unspent.
	DayReserve int `yaml:"day_reserve"`
	// RetryWait is the shortest wait before retrying a failed request.
	RetryWait config.Duration `yaml:"retry_wait"`
}

func defaults() *Options {
	return &Options{
		BaseURL:    DefaultBaseURL,
		TokenURL:   DefaultTokenURL,
		PageSize:   DefaultPageSize,
		Overlap:    config.Duration(DefaultOverlap),
		RateLimit:  DefaultRateLimit,
		DayReserve: DefaultDayReserve,
		RetryWait:  config.Duration(httpx.DefaultMinWait),
	}
}

// Defaults returns options holding every default.
func Defaults() *Options { return defaults() }

// Validate checks the options without touching the network.
func (o *Options) Validate(c *config.Checker, path string) {
	app := o.OAuthApp
	if app.ClientID == "" && strings.TrimSpace(o.AccessToken.Reveal()) == "" {
		c.Errorf(path+".access_token", "access_token is required (use ${XERO_ACCESS_TOKEN}), or an oauth block with client_id, client_secret and refresh_token")
	}
	if app.ClientID != "" && strings.TrimSpace(o.AccessToken.Reveal()) != "" {
		c.Errorf(path+".access_token", "set access_token (a trial) or oauth (the daemon), not both")
	}
	if app.ClientID != "" && (app.ClientSecret == "" || app.RefreshToken == "") {
		c.Errorf(path+".oauth", "oauth needs client_id, client_secret and refresh_token (from authorizing the app once with the offline_access scope)")
	}
	for _, u := range []struct{ key, v, eg string }{{"base_url", o.BaseURL, DefaultBaseURL}, {"token_url", o.TokenURL, DefaultTokenURL}} {
		if p, err := url.Parse(u.v); err != nil || (p.Scheme != "https" && p.Scheme != "http") || p.Host == "" {
			c.Errorf(path+"."+u.key, "%s %q must be an absolute URL like %s", u.key, u.v, u.eg)
		}
	}
	if o.PageSize < 1 || o.PageSize > MaxPageSize {
		c.Errorf(path+".page_size", "page_size must be 1–%d", MaxPageSize)
	}
	if o.Overlap < 0 {
		c.Errorf(path+".overlap", "overlap must not be negative")
	}
	if o.RateLimit <= 0 {
		c.Errorf(path+".rate_limit", "rate_limit must be more than 0 requests per second (Xero allows 60 a minute: 0.9 leaves room)")
	}
	if o.DayReserve < 0 {
		c.Errorf(path+".day_reserve", "day_reserve must not be negative")
	}
	if o.RetryWait <= 0 || o.RetryWait.Std() > time.Minute {
		c.Errorf(path+".retry_wait", "retry_wait must be more than 0 and at most 1m")
	}
}

// Register adds the xero connector type to r.
func Register(r *connectors.Registry) {
	r.Register(TypeName, connectors.TypeOf(defaults, New))
}

// Source is a configured xero connector.
type Source struct {
	streams    []connectors.Stream
	webhookKey string
}

var _ connectors.Source = (*Source)(nil)

// Streams returns contacts, invoices, credit_notes and payments, in that
// order: contacts first, so merges are known before the sales that name
// merged-away contacts.
func (s *Source) Streams() []connectors.Stream { return s.streams }

// New builds a source from valid options. It has no side effects.
func New(env connectors.Env, o *Options) (*Source, error) {
	if err := connectors.CheckOptions(TypeName, o); err != nil {
		return nil, err
	}
	log, name := env.Log(), env.NameOr(TypeName)
	var auth httpx.Authenticator = httpx.Bearer(o.AccessToken.Reveal())
	if app := o.OAuthApp; app.ClientID != "" {
		if env.Tokens == nil {
			return nil, errors.New("oauth needs secret_key in the configuration: Xero's refresh tokens rotate, and nayose keeps them encrypted in the database")
		}
		auth = httpx.OAuth2(&oauth2.Config{
			ClientID:     app.ClientID,
			ClientSecret: app.ClientSecret.Reveal(),
			Endpoint:     oauth2.Endpoint{TokenURL: o.TokenURL, AuthStyle: oauth2.AuthStyleInHeader},
		}, app.Seeded(env.Tokens), TypeName+"/"+name)
	}
	loc := env.Location
	if loc == nil {
		loc = time.UTC
	}
	lim := newLimits(o.DayReserve)
	hc, err := httpx.New(httpx.Options{
		Name:          name,
		BaseURL:       o.BaseURL,
		Auth:          auth,
		RateLimit:     rate.Limit(o.RateLimit),
		Burst:         max(1, min(MaxConcurrent, int(o.RateLimit))),
		MaxConcurrent: MaxConcurrent,
		MinWait:       o.RetryWait.Std(),
		Classify:      lim.classify,
		Logger:        log,
	})
	if err != nil {
		return nil, fmt.Errorf("xero: %w", err)
	}
	cl := &client{http: hc, opts: o, limits: lim, log: log, sleep: httpx.Sleep}
	merges := &mergeMap{}
	mk := func(name string, spec listSpec) *listStream {
		return &listStream{c: cl, spec: spec, name: name, log: log.With("stream", name), overlap: o.Overlap.Std(), pageSize: o.PageSize}
	}
	contacts := mk("contacts", contactsSpec(merges))
	contacts.first = true
	return &Source{streams: []connectors.Stream{
		contacts,
		mk("invoices", invoicesSpec(merges, loc)),
		mk("credit_notes", creditNotesSpec(merges, loc)),
		mk("payments", paymentsSpec(merges, loc)),
	}, webhookKey: o.WebhookKey.Reveal()}, nil
}
