// Package square is the connector for Square (POS, online store): it reads
// customers as identities, orders as purchase, refund and discount
// activities, payments (and refunds no return order carries) as payment and
// refund activities, and optionally bookings, through the shared httpx
// client.
//
// Register links it into a connectors.Registry under the type name
// "square"; README.md documents the options and sample.yaml shows them.
package square

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
const TypeName = "square"

// Defaults.
const (
	DefaultBaseURL           = "https://connect.squareup.com"
	DefaultVersion           = "2025-08-20"
	DefaultPageSize          = 500
	DefaultCustomersPageSize = 100
	DefaultOverlap           = 15 * time.Minute
	DefaultLateWindow        = 72 * time.Hour
	DefaultRateLimit         = 10
	// lateSweepEvery is how often (wall clock) the orders stream widens its
	// window to late_window, to pick up offline orders uploaded late.
	lateSweepEvery = 24 * time.Hour
)

//go:embed sample.yaml
var sampleConfig string

// SampleConfig returns sample.yaml, which README.md shows and a test loads.
func SampleConfig() string { return sampleConfig }

// Options is the connector's `options:` block.
type Options struct {
	// AccessToken is the OAuth or personal access token (required).
	AccessToken config.Secret `yaml:"access_token"`
	// BaseURL is the API's root; the sandbox is https://connect.squareupsandbox.com.
	BaseURL string `yaml:"base_url"`
	// SquareVersion is sent as the Square-Version header.
	SquareVersion string `yaml:"square_version"`
	// LocationIDs restricts orders, payments and refunds to these
	// locations; empty means every location GET /v2/locations lists.
	LocationIDs []string `yaml:"location_ids"`
	// PageSize is the orders search limit, 1–1000.
	PageSize int `yaml:"page_size"`
	// CustomersPageSize is the customers search limit, 1–100.
	CustomersPageSize int `yaml:"customers_page_size"`
	// Overlap is how far before the cursor each incremental window starts.
	Overlap config.Duration `yaml:"overlap"`
	// LateWindow is how far back a daily late sweep of orders reads.
	LateWindow config.Duration `yaml:"late_window"`
	// RateLimit is requests per second.
	RateLimit float64 `yaml:"rate_limit"`
	// Payments turns on the payments stream (needs PAYMENTS_READ); on by
	// default.
	Payments bool `yaml:"payments"`
	// Bookings turns on the bookings stream (needs APPOINTMENTS_READ).
	Bookings bool `yaml:"bookings"`
	// BookingsFrom is how far back the first run reads appointments.
	BookingsFrom config.Duration `yaml:"bookings_from"`
	// BookingsAhead is how far ahead of now appointments are read, on
	// every run.
	BookingsAhead config.Duration `yaml:"bookings_ahead"`
	// WebhookSignatureKey is the subscription's signature key, to verify
	// webhooks at /webhooks/<name>; empty turns them away.
	WebhookSignatureKey config.Secret `yaml:"webhook_signature_key"`
	// WebhookURL is the notification URL exactly as registered with
	// Square: it is part of what Square signs.
	WebhookURL string `yaml:"webhook_url"`
	// RetryWait is the shortest wait before retrying a refused or failed
	// request (Square sends no Retry-After); it doubles, with jitter, on
	// each retry. Default 500ms.
	RetryWait config.Duration `yaml:"retry_wait"`
}

func defaults() *Options {
	return &Options{
		BaseURL:           DefaultBaseURL,
		SquareVersion:     DefaultVersion,
		PageSize:          DefaultPageSize,
		CustomersPageSize: DefaultCustomersPageSize,
		Overlap:           config.Duration(DefaultOverlap),
		LateWindow:        config.Duration(DefaultLateWindow),
		RateLimit:         DefaultRateLimit,
		RetryWait:         config.Duration(httpx.DefaultMinWait),
		Payments:          true,
		BookingsFrom:      config.Duration(90 * 24 * time.Hour),
		BookingsAhead:     config.Duration(31 * 24 * time.Hour),
	}
}

// Defaults returns the options a configuration starts from.
func Defaults() *Options { return defaults() }

var versionRE = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)

// Validate checks the options without touching the network.
func (o *Options) Validate(c *config.Checker, path string) {
	if strings.TrimSpace(o.AccessToken.Reveal()) == "" {
		c.Errorf(path+".access_token", "access_token is required: a Square access token with CUSTOMERS_READ, ORDERS_READ and PAYMENTS_READ (use ${SQUARE_ACCESS_TOKEN})")
	}
	if u, err := url.Parse(o.BaseURL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		c.Errorf(path+".base_url", "base_url %q must be an absolute URL like %s", o.BaseURL, DefaultBaseURL)
	}
	if !versionRE.MatchString(o.SquareVersion) {
		c.Errorf(path+".square_version", "square_version %q must be a date like %s", o.SquareVersion, DefaultVersion)
	}
	for i, id := range o.LocationIDs {
		if strings.TrimSpace(id) == "" {
			c.Errorf(fmt.Sprintf("%s.location_ids[%d]", path, i), "a location id is empty")
		}
	}
	if o.PageSize < 1 || o.PageSize > 1000 {
		c.Errorf(path+".page_size", "page_size must be between 1 and 1000 (Square's orders search limit)")
	}
	if o.CustomersPageSize < 1 || o.CustomersPageSize > 100 {
		c.Errorf(path+".customers_page_size", "customers_page_size must be between 1 and 100 (Square's customers search limit)")
	}
	if o.Overlap < 0 {
		c.Errorf(path+".overlap", "overlap must not be negative; Square needs about 1m for changes to appear")
	}
	if o.LateWindow < 0 {
		c.Errorf(path+".late_window", "late_window must not be negative; offline orders arrive up to 72h late")
	}
	if o.RateLimit <= 0 {
		c.Errorf(path+".rate_limit", "rate_limit must be more than 0 requests per second")
	}
	if o.BookingsFrom < 0 || o.BookingsAhead < 0 {
		c.Errorf(path+".bookings_from", "bookings_from and bookings_ahead must not be negative")
	}
	if o.RetryWait <= 0 || o.RetryWait.Std() > time.Minute {
		c.Errorf(path+".retry_wait", "retry_wait must be more than 0 and at most 1m")
	}
}

// Register adds the square connector type to r.
func Register(r *connectors.Registry) {
	r.Register(TypeName, connectors.TypeOf(defaults, New))
}

// Source is a configured square connector.
type Source struct {
	streams    []connectors.Stream
	webhookKey string
	webhookURL string
}

var _ connectors.Source = (*Source)(nil)

// Streams returns customers, orders, then payments and bookings when they
// are on.
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
		Auth:      httpx.Bearer(o.AccessToken.Reveal()),
		Headers:   http.Header{"Square-Version": {o.SquareVersion}},
		RateLimit: rate.Limit(o.RateLimit),
		Burst:     max(1, int(o.RateLimit/2)),
		MinWait:   o.RetryWait.Std(),
		Logger:    log,
	})
	if err != nil {
		return nil, fmt.Errorf("square: %w", err)
	}
	cl := &client{http: hc, opts: o}
	streams := []connectors.Stream{
		&customersStream{c: cl, log: log.With("stream", "customers")},
		&ordersStream{c: cl, log: log.With("stream", "orders"), now: time.Now},
	}
	if o.Payments {
		streams = append(streams, &paymentsStream{c: cl, log: log.With("stream", "payments")})
	}
	if o.Bookings {
		streams = append(streams, &bookingsStream{c: cl, log: log.With("stream", "bookings"), now: time.Now})
	}
	return &Source{streams: streams, webhookKey: o.WebhookSignatureKey.Reveal(), webhookURL: o.WebhookURL}, nil
}
