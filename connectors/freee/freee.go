// Package freee is the connector for freee 会計 (accounting): it reads the
// partners (取引先) of one company (事業所) as identities, its income deals
// (取引, type=income) as purchases with their payments, and its freee請求書
// invoices as invoice activities, through the shared httpx client.
//
// Register links it into a connectors.Registry under the type name
// "freee"; README.md documents the options and sample.yaml shows them.
package freee

import (
	_ "embed"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/hashicorp/go-cleanhttp"
	"github.com/nayose/nayose/config"
	"github.com/nayose/nayose/connectors"
	"github.com/nayose/nayose/connectors/httpx"
	"golang.org/x/oauth2"
	"golang.org/x/time/rate"
)

// TypeName is the `type:` that selects this connector.
const TypeName = "freee"

// Defaults.
const (
	DefaultBaseURL  = "https://api.freee.co.jp"
	DefaultTokenURL = "https://accounts.secure.freee.co.jp/public_api/token"
	// DefaultPartnersPageSize is the partners page size (freee allows 3000).
	DefaultPartnersPageSize = 500
	// MaxPartnersPageSize is freee's largest partners limit.
	MaxPartnersPageSize = 3000
	// MaxDealsPageSize is freee's largest deals limit (and the default).
	MaxDealsPageSize = 100
	// DefaultOverlapDays is how many days before the last run's JST date a
	// partners run starts again: update dates have no time.
	DefaultOverlapDays = 1
	// DefaultFromDays is how far back (by issue date) the first run reads deals.
	DefaultFromDays = 730
	// DefaultLookbackDays is how far back (by issue date) every later run
	// re-reads deals: freee cannot filter deals by when they changed.
	DefaultLookbackDays = 60
	// DefaultRateLimit keeps well under the daily quota's pace.
	DefaultRateLimit = 2
	// DefaultThrottleBudget is how long one request may wait on freee's
	// 403 throttling before the run ends as partial. freee lifts it after
	// about 10 minutes; waiting longer in one run would only spend quota.
	DefaultThrottleBudget = 2 * time.Minute
)

// jst is Japan Standard Time, in which freee's dates are written. A fixed
// zone: Japan has no daylight saving time, and no tz database is needed.
var jst = time.FixedZone("JST", 9*60*60)

//go:embed sample.yaml
var sampleConfig string

// SampleConfig returns sample.yaml, which README.md shows and a test loads.
func SampleConfig() string { return sampleConfig }

// OAuth makes the connector authorize with OAuth access tokens kept in a
// token store, refreshed (single-use, rotating refresh tokens) at the
// token URL. It is set from Go only, not from YAML.
type OAuth struct {
	ClientID     string
	ClientSecret string
	// Store keeps the token; a rotated refresh token is saved before use.
	Store httpx.TokenStore
	// Key is the token's key in Store; empty means "freee/" + the
	// connector's name.
	Key string
}

// Options is the connector's `options:` block.
type Options struct {
	// Token is an access token, for trials (it expires after 6 hours).
	// Required unless an oauth block or OAuth is set.
	Token config.Secret `yaml:"token"`
	// OAuthApp authorizes with OAuth: the app's client id and secret and
	// the refresh token from authorizing it once. Tokens are kept
	// encrypted in the database (the config needs secret_key); the
	// configured refresh token is used only until the first rotation.
	OAuthApp httpx.OAuthApp `yaml:"oauth"`
	// CompanyID is the 事業所 to read; 0 means the only company the token
	// can see (GET /api/1/companies).
	CompanyID int64 `yaml:"company_id"`
	// BaseURL is the API's root.
	BaseURL string `yaml:"base_url"`
	// TokenURL is the OAuth token endpoint.
	TokenURL string `yaml:"token_url"`
	// PartnersPageSize is the limit of each partners request (1..3000).
	PartnersPageSize int `yaml:"partners_page_size"`
	// DealsPageSize is the limit of each deals and invoices request (1..100).
	DealsPageSize int `yaml:"deals_page_size"`
	// OverlapDays is how many days before the last run's JST date the
	// partners stream reads again.
	OverlapDays int `yaml:"overlap_days"`
	// FromDays is how far back the first run reads deals, by issue date.
	FromDays int `yaml:"from_days"`
	// LookbackDays is how far back every later run reads deals again.
	LookbackDays int `yaml:"lookback_days"`
	// Invoices turns on the invoices stream (freee請求書, GET /iv/invoices).
	Invoices bool `yaml:"invoices"`
	// RateLimit is requests per second.
	RateLimit float64 `yaml:"rate_limit"`
	// RetryWait is the shortest wait before retrying a failed request.
	RetryWait config.Duration `yaml:"retry_wait"`
	// ThrottleBudget is how long one request may wait on freee's rate
	// limiting before the run ends as partial.
	ThrottleBudget config.Duration `yaml:"throttle_budget"`
	// OAuth, when set (from Go), replaces Token.
	OAuth *OAuth `yaml:"-"`
	// Clock, when set (from Go), replaces time.Now: it decides "today" in JST.
	Clock func() time.Time `yaml:"-"`
}

func defaults() *Options {
	return &Options{
		BaseURL:          DefaultBaseURL,
		TokenURL:         DefaultTokenURL,
		PartnersPageSize: DefaultPartnersPageSize,
		DealsPageSize:    MaxDealsPageSize,
		OverlapDays:      DefaultOverlapDays,
		FromDays:         DefaultFromDays,
		LookbackDays:     DefaultLookbackDays,
		Invoices:         true,
		RateLimit:        DefaultRateLimit,
		RetryWait:        config.Duration(time.Second),
		ThrottleBudget:   config.Duration(DefaultThrottleBudget),
	}
}

// Defaults returns options holding every default, for building a source
// from Go (with OAuth).
func Defaults() *Options { return defaults() }

func checkURL(c *config.Checker, path, name, v, example string) {
	if u, err := url.Parse(v); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		c.Errorf(path+"."+name, "%s %q must be an absolute URL like %s", name, v, example)
	}
}

// Validate checks the options without touching the network.
func (o *Options) Validate(c *config.Checker, path string) {
	app := o.OAuthApp
	if o.OAuth == nil && app.ClientID == "" && strings.TrimSpace(o.Token.Reveal()) == "" {
		c.Errorf(path+".token", "token is required: a freee access token (use ${FREEE_ACCESS_TOKEN}), or an oauth block")
	}
	if app.ClientID != "" && (app.ClientSecret == "" || app.RefreshToken == "") {
		c.Errorf(path+".oauth", "oauth needs client_id, client_secret and refresh_token (from authorizing the app once)")
	}
	if o.OAuth != nil && o.OAuth.Store == nil {
		c.Errorf(path+".oauth", "OAuth needs a token store")
	}
	if o.CompanyID < 0 {
		c.Errorf(path+".company_id", "company_id must be a 事業所 id from GET /api/1/companies, or 0 to use the only one")
	}
	checkURL(c, path, "base_url", o.BaseURL, DefaultBaseURL)
	checkURL(c, path, "token_url", o.TokenURL, DefaultTokenURL)
	if o.PartnersPageSize < 1 || o.PartnersPageSize > MaxPartnersPageSize {
		c.Errorf(path+".partners_page_size", "partners_page_size must be 1 to %d", MaxPartnersPageSize)
	}
	if o.DealsPageSize < 1 || o.DealsPageSize > MaxDealsPageSize {
		c.Errorf(path+".deals_page_size", "deals_page_size must be 1 to %d", MaxDealsPageSize)
	}
	if o.OverlapDays < 1 {
		c.Errorf(path+".overlap_days", "overlap_days must be at least 1: update dates are JST days without a time")
	}
	if o.FromDays < 1 {
		c.Errorf(path+".from_days", "from_days must be at least 1 (how far back the first run reads deals)")
	}
	if o.LookbackDays < 1 {
		c.Errorf(path+".lookback_days", "lookback_days must be at least 1 (how far back each run re-reads deals)")
	}
	if o.RateLimit <= 0 {
		c.Errorf(path+".rate_limit", "rate_limit must be more than 0 requests per second")
	}
	if o.RetryWait <= 0 || o.RetryWait.Std() > time.Minute {
		c.Errorf(path+".retry_wait", "retry_wait must be more than 0 and at most 1m")
	}
	if o.ThrottleBudget <= 0 {
		c.Errorf(path+".throttle_budget", "throttle_budget must be more than 0 (e.g. 2m)")
	}
}

// Register adds the freee connector type to r.
func Register(r *connectors.Registry) {
	r.Register(TypeName, connectors.TypeOf(defaults, New))
}

// Source is a configured freee connector.
type Source struct {
	streams []connectors.Stream
}

var _ connectors.Source = (*Source)(nil)

// Streams returns partners, then deals and invoices (which refer to
// partners).
func (s *Source) Streams() []connectors.Stream { return s.streams }

// New builds a source from valid options. It has no side effects.
func New(env connectors.Env, o *Options) (*Source, error) {
	if err := connectors.CheckOptions(TypeName, o); err != nil {
		return nil, err
	}
	if app := o.OAuthApp; app.ClientID != "" && o.OAuth == nil {
		if env.Tokens == nil {
			return nil, errors.New("oauth needs secret_key in the configuration: freee's refresh tokens are single-use and rotate, and nayose keeps them encrypted in the database")
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
			Endpoint:     oauth2.Endpoint{TokenURL: o.TokenURL, AuthStyle: oauth2.AuthStyleInParams},
		}, oa.Store, key)
	}
	hc, err := httpx.New(httpx.Options{
		Name:           name,
		BaseURL:        o.BaseURL,
		Auth:           auth,
		RateLimit:      rate.Limit(o.RateLimit),
		Burst:          1,
		MaxConcurrent:  1,
		MinWait:        o.RetryWait.Std(),
		ThrottleBudget: o.ThrottleBudget.Std(),
		Classify:       Classify,
		Transport:      requestIDTransport{base: cleanhttp.DefaultPooledTransport()},
		Logger:         log,
	})
	if err != nil {
		return nil, fmt.Errorf("freee: %w", err)
	}
	now := o.Clock
	if now == nil {
		now = time.Now
	}
	cl := &client{http: hc, opts: o, now: now}
	streams := []connectors.Stream{
		&partnersStream{c: cl, log: log.With("stream", "partners"), now: now},
		&dealsStream{c: cl, log: log.With("stream", "deals"), now: now},
	}
	if o.Invoices {
		streams = append(streams, &invoicesStream{c: cl, log: log.With("stream", "invoices"), now: now})
	}
	return &Source{streams: streams}, nil
}
