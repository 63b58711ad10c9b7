// Package httpx is the one HTTP layer every vendor connector uses. A Client
// sends each request through a fixed chain:
//
//	rate limiter → concurrency cap → auth → attempt with timeout →
//	classify → backoff / Retry-After → throttle budget
//
// The rate limiter (golang.org/x/time/rate) and the cap on requests in flight
// are per Client, so per connector. Auth adds credentials to requests for
// the connector's own host only; OAuth2 tokens are refreshed, rotated and
// saved before use. Each attempt has its own timeout. A response is then
// classified (OK, Retry, Throttled, Fatal) by the vendor's Classify hook or
// DefaultClassify; transient failures and rate limiting are retried after a
// full-jitter exponential backoff that is never shorter than what the vendor
// asked for (Retry-After, X-RateLimit-Reset and the like). Time spent waiting
// on the vendor's rate limiting is charged to a per-request budget; past it
// the call fails with ErrThrottled, so the engine can end the run as partial
// with what it already committed.
//
// Retries run on go-retryablehttp (its CheckRetry hook classifies, charges
// the budget and waits; request bodies are replayed from bytes). Every log
// line, error and metric label passes through the Client's redaction, so
// tokens, passwords and API keys never leave the package in clear.
//
// README.md in this directory documents the chain, the options and their
// defaults, and how a vendor plugs in its Classify hook.
package httpx

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/hashicorp/go-cleanhttp"
	"github.com/hashicorp/go-retryablehttp"
	"github.com/nayose/nayose/connectors"
	"golang.org/x/time/rate"
)

// Defaults applied by New to zero-valued Options fields.
const (
	// DefaultTimeout bounds one attempt: connecting, sending, and reading
	// the whole response body.
	DefaultTimeout = 30 * time.Second
	// DefaultMaxConcurrent is how many requests a Client has in flight at
	// most.
	DefaultMaxConcurrent = 4
	// DefaultMaxRetries is how many times a request is retried after its
	// first attempt.
	DefaultMaxRetries = 6
	// DefaultMinWait is the shortest backoff between attempts.
	DefaultMinWait = 500 * time.Millisecond
	// DefaultMaxWait is the longest backoff the client chooses by itself;
	// a vendor may ask for longer.
	DefaultMaxWait = 60 * time.Second
	// DefaultThrottleBudget is how long one request may wait, in total, on
	// the vendor's rate limiting before the call fails with ErrThrottled.
	DefaultThrottleBudget = 5 * time.Minute
	// DefaultUserAgent is sent when Options.UserAgent is empty.
	DefaultUserAgent = "nayose"
)

// maxBody bounds how much of one response is read. Vendor pages are far
// smaller; anything larger is a bug or an attack, not data.
const maxBody = 64 << 20

// snippetLen is how much of a failed response's body an HTTPError keeps.
const snippetLen = 512

// ErrThrottled is wrapped by the error of a call that gave up because the
// vendor kept rate limiting it: its throttle budget was spent, or its
// retries ran out while throttled. What was fetched before stays valid; the
// next run resumes from the last committed cursor. It wraps
// connectors.ErrPartial, so a stream that returns it (wrapped) ends its run
// as partial without mapping errors itself.
var ErrThrottled = fmt.Errorf("rate limited by the vendor: %w", connectors.ErrPartial)

// ErrUnavailable is wrapped by the error of a call whose retries ran out on
// transient failures (5xx, timeouts, network errors).
var ErrUnavailable = errors.New("vendor unavailable")

// Options configures a Client. The zero value of each field means its
// default, as documented on the field.
type Options struct {
	// Name is the connector's name. It prefixes errors and is the
	// "connector" label in logs and metrics. Required.
	Name string
	// BaseURL is the vendor's API root, an absolute http or https URL
	// (https://api.calendly.com, https://us6.api.mailchimp.com/3.0).
	// Request paths are joined to it. Required.
	BaseURL string
	// Timeout bounds one attempt, including reading the response body.
	// Default 30s.
	Timeout time.Duration
	// RateLimit is how many requests per second may start, counting every
	// attempt; 0 means unlimited.
	RateLimit rate.Limit
	// Burst is how many requests may start at once under RateLimit.
	// Default 1 when RateLimit is set.
	Burst int
	// MaxConcurrent caps the requests in flight. Default 4.
	MaxConcurrent int
	// MaxRetries is how many times a request is retried after its first
	// attempt, whatever the reason. Default 6; negative means never retry.
	MaxRetries int
	// MinWait and MaxWait bound the jittered exponential backoff. Default
	// 500ms and 60s. A vendor's asked wait may exceed MaxWait.
	MinWait, MaxWait time.Duration
	// ThrottleBudget is the total time one request may spend waiting on the
	// vendor's rate limiting before it fails with ErrThrottled. A wait that
	// would go past it is not started. Default 5m.
	ThrottleBudget time.Duration
	// Classify decides what a response means. Default DefaultClassify;
	// see ThrottledOnStatus and ThrottledOnJSONCode for vendors that signal
	// rate limiting without a 429.
	Classify Classifier
	// Auth adds credentials to each request to BaseURL's host. Nil sends
	// requests without credentials.
	Auth Authenticator
	// Logger receives one debug line per attempt and one warning per
	// throttle wait, redacted. Default: discard.
	Logger *slog.Logger
	// Secrets are strings, besides those Auth reports, that must never
	// appear in logs or errors (an API key sent in the URL, a webhook
	// secret echoed back).
	Secrets []string
	// UserAgent is sent on every request. Default "nayose".
	UserAgent string
	// Headers are sent on every request (Square-Version, xero-tenant-id).
	// Per-request headers (Request.Header) and Auth override them.
	Headers http.Header
	// Transport performs single HTTP exchanges. Default a pooled
	// go-cleanhttp transport; tests may pass a fake.
	Transport http.RoundTripper
	// Observer receives metrics; nil means none.
	Observer Observer

	// sleep waits between attempts; tests replace it (export_test.go).
	sleep func(ctx context.Context, d time.Duration) error
}

// Observer receives metrics without tying httpx to a metrics library. Its
// methods are called from request goroutines concurrently and must not
// block. Labels are redacted and never contain secrets.
type Observer interface {
	// Request is called after every attempt: the HTTP method, the vendor's
	// host, the status (0 when no response arrived) and how long the
	// exchange took, excluding time spent in the rate limiter and the
	// concurrency cap.
	Request(connector, method, host string, status int, d time.Duration)
	// Throttled is called before each wait the vendor's rate limiting
	// causes, with its length.
	Throttled(connector string, wait time.Duration)
}

// Client sends requests to one vendor through the chain described in the
// package documentation. It is safe for concurrent use.
type Client struct {
	name     string
	base     *url.URL
	opts     Options // with defaults applied
	classify Classifier
	auth     Authenticator
	log      *slog.Logger
	observer Observer
	headers  http.Header
	rc       *retryablehttp.Client
	sleep    func(ctx context.Context, d time.Duration) error
}

// New validates o, applies defaults and builds the Client. It does not touch
// the network.
func New(o Options) (*Client, error) {
	var problems []error
	if o.Name == "" {
		problems = append(problems, errors.New("name is required"))
	}
	base, err := parseBase(o.BaseURL)
	if err != nil {
		problems = append(problems, err)
	}
	for _, d := range []struct {
		name string
		v    time.Duration
	}{{"timeout", o.Timeout}, {"min wait", o.MinWait}, {"max wait", o.MaxWait}, {"throttle budget", o.ThrottleBudget}} {
		if d.v < 0 {
			problems = append(problems, fmt.Errorf("%s %s is negative", d.name, d.v))
		}
	}
	if o.RateLimit < 0 {
		problems = append(problems, fmt.Errorf("rate limit %v is negative", o.RateLimit))
	}
	if o.Burst < 0 {
		problems = append(problems, fmt.Errorf("burst %d is negative", o.Burst))
	}
	if o.MaxConcurrent < 0 {
		problems = append(problems, fmt.Errorf("max concurrent %d is negative", o.MaxConcurrent))
	}
	if len(problems) > 0 {
		return nil, fmt.Errorf("httpx %q: %w", o.Name, errors.Join(problems...))
	}

	setDefault(&o.Timeout, DefaultTimeout)
	setDefault(&o.MaxConcurrent, DefaultMaxConcurrent)
	setDefault(&o.MinWait, DefaultMinWait)
	setDefault(&o.MaxWait, DefaultMaxWait)
	setDefault(&o.ThrottleBudget, DefaultThrottleBudget)
	setDefault(&o.UserAgent, DefaultUserAgent)
	switch {
	case o.MaxRetries == 0:
		o.MaxRetries = DefaultMaxRetries
	case o.MaxRetries < 0:
		o.MaxRetries = 0
	}
	if o.MaxWait < o.MinWait {
		o.MaxWait = o.MinWait
	}
	if o.RateLimit > 0 && o.Burst == 0 {
		o.Burst = 1
	}
	if o.Classify == nil {
		o.Classify = DefaultClassify
	}
	if o.Transport == nil {
		o.Transport = cleanhttp.DefaultPooledTransport()
	}
	if o.sleep == nil {
		o.sleep = Sleep
	}
	o.Secrets = append([]string(nil), o.Secrets...)

	c := &Client{
		name:     o.Name,
		base:     base,
		classify: o.Classify,
		auth:     o.Auth,
		observer: o.Observer,
		headers:  o.Headers.Clone(),
		sleep:    o.sleep,
	}
	c.opts = o
	logger := o.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	c.log = slog.New(&redactHandler{h: logger.Handler(), redact: c.Redact}).With("connector", o.Name)

	var limiter *rate.Limiter
	if o.RateLimit > 0 {
		limiter = rate.NewLimiter(o.RateLimit, o.Burst)
	}
	t := &transport{
		c:       c,
		base:    o.Transport,
		limiter: limiter,
		slots:   make(chan struct{}, o.MaxConcurrent),
		timeout: o.Timeout,
	}
	c.rc = &retryablehttp.Client{
		// No Timeout here: it would count time spent in the rate limiter
		// and the concurrency cap. The transport times each attempt.
		HTTPClient:   &http.Client{Transport: t},
		Logger:       nil, // silenced: the hooks log through slog, redacted
		RetryWaitMin: o.MinWait,
		RetryWaitMax: o.MaxWait,
		RetryMax:     o.MaxRetries,
		CheckRetry:   c.checkRetry,
		Backoff:      waited,
		ErrorHandler: closeAndFail,
	}
	return c, nil
}

// setDefault sets *v to def when it is the zero value.
func setDefault[T comparable](v *T, def T) {
	var zero T
	if *v == zero {
		*v = def
	}
}

// parseBase checks BaseURL: absolute http or https, with a host, and no
// credentials, query or fragment. The path loses its trailing slash.
func parseBase(s string) (*url.URL, error) {
	if s == "" {
		return nil, errors.New("base URL is required")
	}
	u, err := url.Parse(s)
	if err != nil {
		return nil, fmt.Errorf("base URL: %w", err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, fmt.Errorf("base URL %q: scheme must be http or https", s)
	}
	if u.Host == "" {
		return nil, fmt.Errorf("base URL %q: no host", s)
	}
	if u.User != nil {
		return nil, fmt.Errorf("base URL: credentials in the URL are not allowed: use Auth")
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("base URL %q: no query or fragment allowed", s)
	}
	u.Path = strings.TrimSuffix(u.Path, "/")
	u.RawPath = ""
	return u, nil
}

// Raw is a request body sent as it is, with its content type: a
// pre-encoded document, a file. Pass url.Values for a form.
type Raw struct {
	ContentType string
	Data        []byte
}

// Request is a call with everything Do's arguments cannot say.
type Request struct {
	// Method is the HTTP method; default GET.
	Method string
	// Path is joined to the Client's BaseURL, or is a full URL under
	// BaseURL (a vendor's "next" link). It may carry a query.
	Path string
	// Query is added to Path's query, replacing keys both have.
	Query url.Values
	// Header is sent with this request only (If-Modified-Since).
	Header http.Header
	// Body is sent as described on Client.Do.
	Body any
}

// Response is a successful (1xx–3xx, or classified OK) response.
type Response struct {
	// StatusCode is the HTTP status.
	StatusCode int
	// Header is the response's header.
	Header http.Header
	// Body is the whole response body, already read.
	Body []byte
	// Attempts is how many attempts the call took, 1 when the first one
	// succeeded.
	Attempts int
	// ThrottleWait is how long the call waited on the vendor's rate
	// limiting.
	ThrottleWait time.Duration
}

// HTTPError is the error of a call whose response was classified Fatal: a
// 4xx other than rate limiting, which retrying would not fix. Check for it
// with errors.As. Its fields are redacted.
type HTTPError struct {
	// Connector is the Client's Name.
	Connector string
	// Method is the request's HTTP method.
	Method string
	// URL is the request URL, redacted.
	URL string
	// Status is the HTTP status code.
	Status int
	// Body is the start of the response body (at most 512 bytes), redacted.
	Body string
}

// Error prints like "square: POST /v2/orders/search: 400 Bad Request: {...}".
func (e *HTTPError) Error() string {
	s := fmt.Sprintf("%s: %s %s: %d %s", e.Connector, e.Method, pathOf(e.URL), e.Status, http.StatusText(e.Status))
	if e.Body != "" {
		s += ": " + e.Body
	}
	return s
}

// pathOf is u without its scheme and host.
func pathOf(u string) string {
	if i := strings.Index(u, "://"); i >= 0 {
		rest := u[i+3:]
		if j := strings.IndexByte(rest, '/'); j >= 0 {
			return rest[j:]
		}
		return "/"
	}
	return u
}

// Do sends one request and, on success, decodes its JSON body into out
// unless out is nil or the body is empty.
//
// path is joined to BaseURL, or is a full URL starting with BaseURL (a
// vendor's "next" link); a URL on another host or outside BaseURL's path is
// refused. query is added to path's own query.
//
// body is sent as: nothing when nil; a form (application/x-www-form-urlencoded)
// when url.Values; as it is with its content type when Raw; as it is
// (application/octet-stream) when []byte or io.Reader, which is read once;
// anything else JSON-encoded. Every attempt sends the same bytes.
//
// The error is *HTTPError when the vendor refused the request, wraps
// ErrThrottled or ErrUnavailable when retries or the throttle budget ran
// out, and wraps ctx's error when ctx ended first; the Response is then
// nil. When only decoding into out failed, both the Response and the error
// are returned. Errors never contain a secret.
func (c *Client) Do(ctx context.Context, method, path string, query url.Values, body, out any) (*Response, error) {
	return c.DoRequest(ctx, Request{Method: method, Path: path, Query: query, Body: body}, out)
}

// Get is Do with GET and no body.
func (c *Client) Get(ctx context.Context, path string, query url.Values, out any) (*Response, error) {
	return c.Do(ctx, http.MethodGet, path, query, nil, out)
}

// Post is Do with POST and no added query.
func (c *Client) Post(ctx context.Context, path string, body, out any) (*Response, error) {
	return c.Do(ctx, http.MethodPost, path, nil, body, out)
}

// DoRequest is Do for a Request, which may also carry per-request headers.
func (c *Client) DoRequest(ctx context.Context, r Request, out any) (*Response, error) {
	method := r.Method
	if method == "" {
		method = http.MethodGet
	}
	u, err := c.resolve(r.Path, r.Query)
	if err != nil {
		return nil, fmt.Errorf("%s: %s %s: %w", c.name, method, c.Redact(r.Path), err)
	}
	st := &call{method: method, display: c.Redact(u.RequestURI())}
	payload, ctype, err := encodeBody(r.Body)
	if err != nil {
		return nil, c.errorf(st, "encoding request body: %w", err)
	}
	req, err := retryablehttp.NewRequestWithContext(context.WithValue(ctx, callKey{}, st), method, u.String(), payload)
	if err != nil {
		return nil, c.errorf(st, "building request: %v", c.Redact(err.Error()))
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", c.opts.UserAgent)
	for k, vs := range c.headers {
		req.Header[k] = append([]string(nil), vs...)
	}
	for k, vs := range r.Header {
		req.Header[http.CanonicalHeaderKey(k)] = append([]string(nil), vs...)
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}

	resp, err := c.rc.Do(req)
	if st.err != nil {
		return nil, st.err
	}
	if err != nil {
		// Only retryablehttp's own failures get here (ctx ending while
		// it rewinds the body, say); ours are in st.err.
		if ctxErr := ctx.Err(); ctxErr != nil {
			return nil, c.errorf(st, "%w", ctxErr)
		}
		return nil, c.errorf(st, "%v", c.Redact(err.Error()))
	}
	resp.Body.Close()
	res := &Response{
		StatusCode:   resp.StatusCode,
		Header:       resp.Header,
		Body:         st.body,
		Attempts:     st.attempts,
		ThrottleWait: st.throttled,
	}
	if out != nil && len(bytes.TrimSpace(st.body)) > 0 {
		if err := json.Unmarshal(st.body, out); err != nil {
			return res, c.errorf(st, "decoding response: %v", c.Redact(err.Error()))
		}
	}
	return res, nil
}

// errorf prefixes an error with the connector and the request, redacted.
// Format arguments are redacted by the caller when they may hold secrets.
func (c *Client) errorf(st *call, format string, args ...any) error {
	return fmt.Errorf("%s: %s %s: "+format, append([]any{c.name, st.method, st.display}, args...)...)
}

// resolve joins path (and query) to the base URL, or checks that a full URL
// lies under it.
func (c *Client) resolve(path string, query url.Values) (*url.URL, error) {
	ref, err := url.Parse(path)
	if err != nil {
		return nil, fmt.Errorf("parsing path: %v", c.Redact(err.Error()))
	}
	var u *url.URL
	if ref.Scheme != "" || ref.Host != "" {
		if !sameOrigin(ref, c.base) || ref.User != nil {
			return nil, fmt.Errorf("refusing URL outside %s", c.base.Redacted())
		}
		if c.base.Path != "" && ref.Path != c.base.Path && !strings.HasPrefix(ref.Path, c.base.Path+"/") {
			return nil, fmt.Errorf("refusing URL outside %s", c.base.Redacted())
		}
		u = ref
	} else {
		u = &url.URL{
			Scheme:   c.base.Scheme,
			Host:     c.base.Host,
			Path:     c.base.Path + "/" + strings.TrimPrefix(ref.Path, "/"),
			RawQuery: ref.RawQuery,
		}
	}
	u.Fragment, u.RawFragment = "", ""
	if len(query) > 0 {
		q := u.Query()
		for k, vs := range query {
			q[k] = vs
		}
		u.RawQuery = q.Encode()
	}
	return u, nil
}

// sameOrigin reports whether a and b have the same scheme and host (with
// port).
func sameOrigin(a, b *url.URL) bool {
	return strings.EqualFold(a.Scheme, b.Scheme) && strings.EqualFold(a.Host, b.Host)
}

// encodeBody turns Do's body argument into replayable bytes and a content
// type.
func encodeBody(body any) ([]byte, string, error) {
	switch b := body.(type) {
	case nil:
		return nil, "", nil
	case url.Values:
		return []byte(b.Encode()), "application/x-www-form-urlencoded", nil
	case Raw:
		return b.Data, b.ContentType, nil
	case *Raw:
		return b.Data, b.ContentType, nil
	case []byte:
		return b, "application/octet-stream", nil
	case io.Reader:
		data, err := io.ReadAll(b)
		if err != nil {
			return nil, "", err
		}
		return data, "application/octet-stream", nil
	default:
		data, err := json.Marshal(b)
		if err != nil {
			return nil, "", err
		}
		return data, "application/json", nil
	}
}

// Sleep waits for d or until ctx is done, whichever comes first; it
// returns ctx.Err() in the second case. Connectors that pace themselves
// (Xero waiting out an empty minute) use it too.
func Sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
