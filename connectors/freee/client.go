package freee

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/nayose/nayose/connectors/httpx"
)

// RequestIDHeader is the header freee answers every request with; support
// asks for it, so errors name it.
const RequestIDHeader = "X-Freee-Request-ID"

// client is the typed part of freee's accounting API the streams read.
type client struct {
	http *httpx.Client
	opts *Options

	now func() time.Time

	mu        sync.Mutex
	company   int64     // discovered company id
	throttled time.Time // until when calls fail at once (see get)
}

// throttlePause is how long after a call gave up on freee's rate limiting
// the client refuses to call again: freee lifts its 403 after about 10
// minutes, so the source's other streams end as partial at once instead of
// spending their own throttle budget (and quota) on the same refusal.
const throttlePause = 10 * time.Minute

// Classify is freee's Classifier: freee signals over-use (a burst, or the
// daily quota per company and app) with a plain 403, so a 403 is rate
// limiting unless its body speaks of missing permissions (権限), which no
// wait would fix. Everything else is httpx.DefaultClassify. The reason
// names the X-Freee-Request-ID.
func Classify(resp *http.Response, body []byte) httpx.Verdict {
	var v httpx.Verdict
	if resp.StatusCode == http.StatusForbidden && !strings.Contains(string(body), "権限") {
		v = httpx.ThrottledOnStatus(http.StatusForbidden)(resp, body)
	} else {
		v = httpx.DefaultClassify(resp, body)
	}
	if id := resp.Header.Get(RequestIDHeader); id != "" && v.Kind != httpx.OK {
		if v.Reason == "" {
			v.Reason = resp.Status
		}
		v.Reason += ", " + RequestIDHeader + " " + id
	}
	return v
}

// requestIDKey carries a *requestID through a request's context.
type requestIDKey struct{}

// requestID is the X-Freee-Request-ID of the last answer to one call.
type requestID struct {
	mu sync.Mutex
	id string
}

func (r *requestID) get() string { r.mu.Lock(); defer r.mu.Unlock(); return r.id }

// requestIDTransport notes each answer's X-Freee-Request-ID in the
// requestID its request's context carries, so a refused call's error can
// name it (httpx.HTTPError keeps the body, not the headers).
type requestIDTransport struct{ base http.RoundTripper }

func (t requestIDTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := t.base.RoundTrip(req)
	if resp != nil {
		if rid, ok := req.Context().Value(requestIDKey{}).(*requestID); ok {
			if id := resp.Header.Get(RequestIDHeader); id != "" {
				rid.mu.Lock()
				rid.id = id
				rid.mu.Unlock()
			}
		}
	}
	return resp, err
}

// apiError is freee's error body.
type apiError struct {
	StatusCode int `json:"status_code"`
	Errors     []struct {
		Type     string   `json:"type"`
		Messages []string `json:"messages"`
	} `json:"errors"`
	Message string `json:"message"`
}

// messages joins the messages of freee's error body, if it has one.
func (e apiError) messages() string {
	var out []string
	for _, x := range e.Errors {
		out = append(out, x.Messages...)
	}
	if len(out) == 0 && e.Message != "" {
		out = append(out, e.Message)
	}
	return strings.Join(out, " / ")
}

// RefusedError is a request freee refused (4xx other than throttling),
// with freee's messages and request id. It wraps the *httpx.HTTPError.
type RefusedError struct {
	Err       *httpx.HTTPError
	Messages  string
	RequestID string
}

func (e *RefusedError) Error() string {
	s := fmt.Sprintf("%s: %s %s: %d %s", e.Err.Connector, e.Err.Method, pathOf(e.Err.URL), e.Err.Status, http.StatusText(e.Err.Status))
	if e.Messages != "" {
		s += ": " + e.Messages
	}
	if e.RequestID != "" {
		s += " (" + RequestIDHeader + " " + e.RequestID + ")"
	}
	return s
}

func (e *RefusedError) Unwrap() error { return e.Err }

func pathOf(u string) string {
	if p, err := url.Parse(u); err == nil {
		return p.Path
	}
	return u
}

// get calls GET path and decodes the answer into out. After a call gave
// up on freee's rate limiting, it fails at once for throttlePause.
func (c *client) get(ctx context.Context, path string, q url.Values, out any) error {
	c.mu.Lock()
	until := c.throttled
	c.mu.Unlock()
	if now := c.now(); now.Before(until) {
		return fmt.Errorf("GET %s: not calling freee until %s, after it throttled this app: %w",
			path, until.In(jst).Format("15:04 MST"), httpx.ErrThrottled)
	}
	rid := &requestID{}
	_, err := c.http.Get(context.WithValue(ctx, requestIDKey{}, rid), path, q, out)
	if err == nil {
		return nil
	}
	if errors.Is(err, httpx.ErrThrottled) {
		c.mu.Lock()
		c.throttled = c.now().Add(throttlePause)
		c.mu.Unlock()
	}
	var he *httpx.HTTPError
	if errors.As(err, &he) {
		var body apiError
		_ = json.Unmarshal([]byte(he.Body), &body)
		return &RefusedError{Err: he, Messages: body.messages(), RequestID: rid.get()}
	}
	if id := rid.get(); id != "" && !strings.Contains(err.Error(), id) {
		return fmt.Errorf("%w (%s %s)", err, RequestIDHeader, id)
	}
	return err
}

// Company is one 事業所 of GET /api/1/companies.
type Company struct {
	ID          int64  `json:"id"`
	Name        string `json:"name"`
	DisplayName string `json:"display_name"`
	Role        string `json:"role"`
}

// companyID returns the configured company id or, once per source, the
// only company of GET /api/1/companies. Several companies are an error
// naming them, so the user can pick one.
func (c *client) companyID(ctx context.Context) (int64, error) {
	if c.opts.CompanyID > 0 {
		return c.opts.CompanyID, nil
	}
	c.mu.Lock()
	id := c.company
	c.mu.Unlock()
	if id > 0 {
		return id, nil
	}
	var out struct {
		Companies []Company `json:"companies"`
	}
	if err := c.get(ctx, "/api/1/companies", nil, &out); err != nil {
		return 0, fmt.Errorf("discovering the company: %w", err)
	}
	switch len(out.Companies) {
	case 0:
		return 0, errors.New("GET /api/1/companies lists no company for this token; check the app's authorization")
	case 1:
	default:
		names := make([]string, len(out.Companies))
		for i, co := range out.Companies {
			names[i] = fmt.Sprintf("%d %q", co.ID, co.DisplayName)
		}
		return 0, fmt.Errorf("the token can read %d companies (%s): set options.company_id to one of them", len(names), strings.Join(names, ", "))
	}
	id = out.Companies[0].ID
	c.mu.Lock()
	c.company = id
	c.mu.Unlock()
	return id, nil
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// partnersPage is GET /api/1/partners: no total count, so a short page is
// the last.
type partnersPage struct {
	Partners []json.RawMessage `json:"partners"`
}

func (c *client) partners(ctx context.Context, company int64, since string, offset, limit int) (partnersPage, error) {
	q := url.Values{
		"company_id": {itoa(company)},
		"offset":     {strconv.Itoa(offset)},
		"limit":      {strconv.Itoa(limit)},
	}
	if since != "" {
		q.Set("start_update_date", since)
	}
	var out partnersPage
	err := c.get(ctx, "/api/1/partners", q, &out)
	return out, err
}

// dealsPage is GET /api/1/deals.
type dealsPage struct {
	Deals []json.RawMessage `json:"deals"`
	Meta  struct {
		TotalCount int `json:"total_count"`
	} `json:"meta"`
}

func (c *client) deals(ctx context.Context, company int64, from string, offset, limit int) (dealsPage, error) {
	q := url.Values{
		"company_id":       {itoa(company)},
		"type":             {"income"},
		"start_issue_date": {from},
		"offset":           {strconv.Itoa(offset)},
		"limit":            {strconv.Itoa(limit)},
	}
	var out dealsPage
	err := c.get(ctx, "/api/1/deals", q, &out)
	return out, err
}
