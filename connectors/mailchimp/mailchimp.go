// Package mailchimp is the connector for the Mailchimp Marketing API v3: it
// reads an audience's members as identities (with subscribe and unsubscribe
// activities) and its sent campaigns' opens and clicks as email_open and
// email_click activities, through the shared httpx client.
//
// Register links it into a connectors.Registry under the type name
// "mailchimp"; README.md documents the options and sample.yaml shows them.
package mailchimp

import (
	_ "embed"
	"fmt"
	"net/http"
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
const TypeName = "mailchimp"

// Defaults and limits.
const (
	DefaultPageSize     = 1000
	MaxPageSize         = 1000
	DefaultOverlap      = 5 * time.Minute
	DefaultActivityDays = 90
	DefaultRateLimit    = 5
	// MaxConnections is Mailchimp's cap on simultaneous connections per user.
	MaxConnections = 10
)

//go:embed sample.yaml
var sampleConfig string

// SampleConfig returns sample.yaml, which README.md shows and a test loads.
func SampleConfig() string { return sampleConfig }

// Options is the connector's `options:` block.
type Options struct {
	// APIKey is the Mailchimp API key (required); its suffix after the last
	// "-" is the data center (us6).
	APIKey config.Secret `yaml:"api_key"`
	// OAuthToken is an OAuth access token, instead of api_key. Mailchimp's
	// OAuth tokens never expire and have no refresh; DataCenter is then
	// needed (login.mailchimp.com/oauth2/metadata gives it as "dc").
	OAuthToken config.Secret `yaml:"oauth_token"`
	// DataCenter is the account's data center (us6), with oauth_token.
	DataCenter string `yaml:"data_center"`
	// BaseURL overrides https://<dc>.api.mailchimp.com/3.0.
	BaseURL string `yaml:"base_url"`
	// ListID is the audience to read (required).
	ListID string `yaml:"list_id"`
	// PageSize is the count of members and e-mails per page, 1–1000.
	PageSize int `yaml:"page_size"`
	// Overlap is how far before the cursor each incremental window starts.
	Overlap config.Duration `yaml:"overlap"`
	// ActivityDays is how far back campaigns are read for e-mail activity.
	ActivityDays int `yaml:"activity_days"`
	// RateLimit is requests per second.
	RateLimit float64 `yaml:"rate_limit"`
	// RetryWait is the shortest wait before retrying a refused or failed
	// request; it doubles, with jitter, on each retry. Default 500ms.
	RetryWait config.Duration `yaml:"retry_wait"`
}

func defaults() *Options {
	return &Options{
		PageSize:     DefaultPageSize,
		Overlap:      config.Duration(DefaultOverlap),
		ActivityDays: DefaultActivityDays,
		RateLimit:    DefaultRateLimit,
		RetryWait:    config.Duration(httpx.DefaultMinWait),
	}
}

// DataCenter returns the data center an API key names ("us6" for
// "...-us6"), or "" when it names none.
func DataCenter(key string) string {
	i := strings.LastIndexByte(key, '-')
	if i < 0 {
		return ""
	}
	dc := key[i+1:]
	for _, r := range dc {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9') {
			return ""
		}
	}
	return dc
}

// baseURL is base_url, or the key's data center's API root.
func (o *Options) baseURL() string {
	if o.BaseURL != "" {
		return o.BaseURL
	}
	dc := o.DataCenter
	if dc == "" {
		dc = DataCenter(o.APIKey.Reveal())
	}
	if dc != "" {
		return "https://" + dc + ".api.mailchimp.com/3.0"
	}
	return ""
}

// Validate checks the options without touching the network.
func (o *Options) Validate(c *config.Checker, path string) {
	key := strings.TrimSpace(o.APIKey.Reveal())
	oauth := strings.TrimSpace(o.OAuthToken.Reveal())
	switch {
	case key != "" && oauth != "":
		c.Errorf(path+".oauth_token", "set api_key or oauth_token, not both")
	case oauth != "":
		if o.BaseURL == "" && !dataCenterRE.MatchString(o.DataCenter) {
			c.Errorf(path+".data_center", "oauth_token needs data_center (like us6: the \"dc\" of https://login.mailchimp.com/oauth2/metadata)")
		}
	case key == "":
		c.Errorf(path+".api_key", "api_key is required: a Mailchimp API key ending in its data center, like ...-us6 (use ${MAILCHIMP_API_KEY}), or oauth_token with data_center")
	case o.BaseURL == "" && DataCenter(key) == "":
		c.Errorf(path+".api_key", "api_key does not end in a data center (like -us6); set base_url or check the key")
	}
	if o.BaseURL != "" {
		if u, err := url.Parse(o.BaseURL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			c.Errorf(path+".base_url", "base_url %q must be an absolute URL like https://us6.api.mailchimp.com/3.0", o.BaseURL)
		}
	}
	if strings.TrimSpace(o.ListID) == "" {
		c.Errorf(path+".list_id", "list_id is required: the audience id from Audience > Settings > Audience name and defaults")
	}
	if o.PageSize < 1 || o.PageSize > MaxPageSize {
		c.Errorf(path+".page_size", "page_size must be between 1 and %d (Mailchimp's count limit)", MaxPageSize)
	}
	if o.Overlap < 0 {
		c.Errorf(path+".overlap", "overlap must not be negative")
	}
	if o.ActivityDays < 1 {
		c.Errorf(path+".activity_days", "activity_days must be at least 1")
	}
	if o.RateLimit <= 0 {
		c.Errorf(path+".rate_limit", "rate_limit must be more than 0 requests per second")
	}
	if o.RetryWait <= 0 || o.RetryWait.Std() > time.Minute {
		c.Errorf(path+".retry_wait", "retry_wait must be more than 0 and at most 1m")
	}
}

// Register adds the mailchimp connector type to r.
func Register(r *connectors.Registry) {
	r.Register(TypeName, connectors.TypeOf(defaults, New))
}

// Source is a configured mailchimp connector.
type Source struct {
	streams []connectors.Stream
}

var _ connectors.Source = (*Source)(nil)

// Streams returns members, then email_activity.
func (s *Source) Streams() []connectors.Stream { return s.streams }

// classify treats Mailchimp's bare 403 as throttling (heavy throttling has
// been reported to come back that way), and defers to DefaultClassify.
var classify = httpx.ThrottledOnStatus(http.StatusForbidden)

// New builds a source from valid options. It has no side effects.
func New(env connectors.Env, o *Options) (*Source, error) {
	if err := connectors.CheckOptions(TypeName, o); err != nil {
		return nil, err
	}
	log, name := env.Log(), env.NameOr(TypeName)
	hc, err := httpx.New(httpx.Options{
		Name:          name,
		BaseURL:       o.baseURL(),
		Auth:          o.auth(),
		RateLimit:     rate.Limit(o.RateLimit),
		Burst:         max(1, int(o.RateLimit/2)),
		MaxConcurrent: 4,
		MinWait:       o.RetryWait.Std(),
		Classify:      classify,
		Logger:        log,
	})
	if err != nil {
		return nil, fmt.Errorf("mailchimp: %w", err)
	}
	cl := &client{http: hc, opts: o}
	return &Source{streams: []connectors.Stream{
		&membersStream{c: cl, log: log.With("stream", "members")},
		&activityStream{c: cl, log: log.With("stream", "email_activity"), now: time.Now},
	}}, nil
}

// dataCenterRE is what a Mailchimp data center looks like.
var dataCenterRE = regexp.MustCompile(`^[a-z]{2,3}[0-9]{1,3}$`)

// auth is Basic with the API key, or Bearer with the OAuth token.
func (o *Options) auth() httpx.Authenticator {
	if t := o.OAuthToken.Reveal(); t != "" {
		return httpx.Bearer(t)
	}
	return httpx.Basic("nayose", o.APIKey.Reveal())
}
