// Package meta is the connector for Meta's social inbox through the Graph
// API: a Facebook Page's Messenger conversations or an Instagram
// professional account's direct messages. It reads the people in each
// conversation as identities, each conversation a customer opened as an
// inquiry and each message a customer sent as a message activity, and
// takes Meta's webhooks (signed message deliveries and the GET handshake)
// into a second stream that reads them from the daemon's inbox.
//
// Register links it into a connectors.Registry under the type name
// "meta"; README.md documents the options and sample.yaml shows them.
package meta

import (
	_ "embed"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/nayose/nayose/config"
	"github.com/nayose/nayose/connectors"
	"github.com/nayose/nayose/connectors/httpx"
	"golang.org/x/time/rate"
)

// TypeName is the `type:` that selects this connector.
const TypeName = "meta"

// The platforms a connector reads; one connector per platform.
const (
	Messenger = "messenger"
	Instagram = "instagram"
)

// Defaults.
const (
	DefaultBaseURL      = "https://graph.facebook.com"
	DefaultGraphVersion = "v21.0"
	DefaultPageSize     = 25
	DefaultOverlap      = time.Hour
	DefaultRateLimit    = 5
	// MaxPageSize is the most conversations asked for per request.
	MaxPageSize = 100
	// ReadableMessages is how many of a conversation's most recent
	// messages the Graph API returns in detail; older ones cannot be read.
	ReadableMessages = 20
)

//go:embed sample.yaml
var sampleConfig string

// SampleConfig returns sample.yaml, which README.md shows and a test loads.
func SampleConfig() string { return sampleConfig }

// Options is the connector's `options:` block.
type Options struct {
	// PageAccessToken is a Page access token with pages_messaging
	// (Messenger) or instagram_manage_messages (Instagram).
	PageAccessToken config.Secret `yaml:"page_access_token"`
	// PageID is the Facebook Page's id; Instagram conversations are read
	// through the Page the professional account is linked to.
	PageID string `yaml:"page_id"`
	// Platform is "messenger" or "instagram".
	Platform string `yaml:"platform"`
	// AccountID is the id the business itself has in conversations: the
	// Page id on Messenger (the default), the Instagram professional
	// account's id on Instagram (required there). Its messages are the
	// business's, not a customer's.
	AccountID string `yaml:"account_id"`
	// GraphVersion is the Graph API version in every path ("v21.0").
	GraphVersion string `yaml:"graph_version"`
	// BaseURL is the Graph API's root, without the version.
	BaseURL string `yaml:"base_url"`
	// AppSecret is the Meta app's secret, to verify X-Hub-Signature-256
	// on webhook deliveries; empty turns them away.
	AppSecret config.Secret `yaml:"app_secret"`
	// VerifyToken is the token typed into the app's webhook settings, to
	// answer Meta's GET handshake; empty refuses it.
	VerifyToken config.Secret `yaml:"verify_token"`
	// PageSize is how many conversations each request asks for.
	PageSize int `yaml:"page_size"`
	// Overlap is how far before the cursor each walk goes on.
	Overlap config.Duration `yaml:"overlap"`
	// RateLimit is requests per second.
	RateLimit float64 `yaml:"rate_limit"`
	// RetryWait is the shortest wait before retrying a failed request.
	RetryWait config.Duration `yaml:"retry_wait"`
}

func defaults() *Options {
	return &Options{
		Platform:     Messenger,
		GraphVersion: DefaultGraphVersion,
		BaseURL:      DefaultBaseURL,
		PageSize:     DefaultPageSize,
		Overlap:      config.Duration(DefaultOverlap),
		RateLimit:    DefaultRateLimit,
		RetryWait:    config.Duration(httpx.DefaultMinWait),
	}
}

// Defaults returns options holding every default, for building a source
// from Go.
func Defaults() *Options { return defaults() }

var (
	versionRE = regexp.MustCompile(`^v[0-9]+\.[0-9]+$`)
	idRE      = regexp.MustCompile(`^[0-9]+$`)
)

// Validate checks the options without touching the network.
func (o *Options) Validate(c *config.Checker, path string) {
	if strings.TrimSpace(o.PageAccessToken.Reveal()) == "" {
		c.Errorf(path+".page_access_token", "page_access_token is required: a Page access token (use ${META_PAGE_TOKEN})")
	}
	if !idRE.MatchString(o.PageID) {
		c.Errorf(path+".page_id", "page_id %q must be the Facebook Page's numeric id", o.PageID)
	}
	switch o.Platform {
	case Messenger:
		if o.AccountID != "" && !idRE.MatchString(o.AccountID) {
			c.Errorf(path+".account_id", "account_id %q must be numeric (leave it empty on Messenger: the Page id)", o.AccountID)
		}
	case Instagram:
		if !idRE.MatchString(o.AccountID) {
			c.Errorf(path+".account_id", "account_id %q must be the Instagram professional account's numeric id: on Instagram the business is not the Page", o.AccountID)
		}
	default:
		c.Errorf(path+".platform", "platform %q must be %q or %q (one connector per platform)", o.Platform, Messenger, Instagram)
	}
	if !versionRE.MatchString(o.GraphVersion) {
		c.Errorf(path+".graph_version", "graph_version %q must look like %s", o.GraphVersion, DefaultGraphVersion)
	}
	if u, err := url.Parse(o.BaseURL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.RawQuery != "" {
		c.Errorf(path+".base_url", "base_url %q must be an absolute URL like %s", o.BaseURL, DefaultBaseURL)
	}
	if o.PageSize < 1 || o.PageSize > MaxPageSize {
		c.Errorf(path+".page_size", "page_size %d must be between 1 and %d", o.PageSize, MaxPageSize)
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

// account is the business's own id in conversations.
func (o *Options) account() string {
	if o.AccountID != "" {
		return o.AccountID
	}
	return o.PageID
}

// Register adds the meta connector type to r.
func Register(r *connectors.Registry) {
	r.Register(TypeName, connectors.TypeOf(defaults, New))
}

// Source is a configured meta connector.
type Source struct {
	streams     []connectors.Stream
	platform    string
	account     string
	appSecret   string
	verifyToken string
}

var _ connectors.Source = (*Source)(nil)

// Streams returns conversations, then webhook_messages.
func (s *Source) Streams() []connectors.Stream { return s.streams }

// New builds a source from valid options. It has no side effects.
func New(env connectors.Env, o *Options) (*Source, error) {
	if err := connectors.CheckOptions(TypeName, o); err != nil {
		return nil, err
	}
	log, name := env.Log(), env.NameOr(TypeName)
	hc, err := httpx.New(httpx.Options{
		Name:      name,
		BaseURL:   strings.TrimSuffix(o.BaseURL, "/") + "/" + o.GraphVersion,
		Auth:      httpx.Bearer(o.PageAccessToken.Reveal()),
		RateLimit: rate.Limit(o.RateLimit),
		Burst:     max(1, int(o.RateLimit/2)),
		MinWait:   o.RetryWait.Std(),
		Classify:  classify,
		Logger:    log,
		// The webhook secrets never travel to Graph, but an error could
		// echo them; the token is covered by Auth.
		Secrets: []string{o.AppSecret.Reveal(), o.VerifyToken.Reveal()},
	})
	if err != nil {
		return nil, fmt.Errorf("meta: %w", err)
	}
	cl := &client{http: hc, opts: o}
	return &Source{
		streams: []connectors.Stream{
			&conversationsStream{c: cl, account: o.account(), overlap: o.Overlap.Std(), log: log.With("stream", "conversations")},
			&inboxStream{inbox: env.Inbox, connector: name, account: o.account()},
		},
		platform:    o.Platform,
		account:     o.account(),
		appSecret:   o.AppSecret.Reveal(),
		verifyToken: o.VerifyToken.Reveal(),
	}, nil
}
