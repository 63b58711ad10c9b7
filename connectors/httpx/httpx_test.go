package httpx_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nayose/nayose/connectors/httpx"
	"golang.org/x/oauth2"
)

// --- fakes and helpers ---------------------------------------------------

// hit is one request a fake vendor received.
type hit struct {
	Method string
	URL    *url.URL
	Header http.Header
	Body   []byte
}

// vendor is a scripted fake API: the nth request is answered by
// steps[n-1], the last step repeating. It records every request.
type vendor struct {
	*httptest.Server
	mu    sync.Mutex
	hits  []hit
	steps []http.HandlerFunc
}

func newVendor(t testing.TB, steps ...http.HandlerFunc) *vendor {
	t.Helper()
	v := &vendor{steps: steps}
	v.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		v.mu.Lock()
		v.hits = append(v.hits, hit{Method: r.Method, URL: r.URL, Header: r.Header.Clone(), Body: body})
		n := len(v.hits)
		v.mu.Unlock()
		if len(v.steps) == 0 {
			t.Errorf("fake vendor: no route for %s %s", r.Method, r.URL)
			http.Error(w, "no route in test fixture", http.StatusNotImplemented)
			return
		}
		v.steps[min(n, len(v.steps))-1](w, r)
	}))
	t.Cleanup(v.Close)
	return v
}

func (v *vendor) Hits() []hit {
	v.mu.Lock()
	defer v.mu.Unlock()
	return append([]hit(nil), v.hits...)
}

// reply answers with status, headers (name, value pairs) and body.
func reply(status int, body string, headers ...string) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		for i := 0; i+1 < len(headers); i += 2 {
			// Set the map directly so lower-case names go out as written.
			w.Header()[headers[i]] = []string{headers[i+1]}
		}
		if strings.HasPrefix(body, "{") {
			w.Header().Set("Content-Type", "application/json")
		}
		w.WriteHeader(status)
		io.WriteString(w, body)
	}
}

// replyAt is reply with one header whose value is computed from the time
// the request arrived (reset times, HTTP dates).
func replyAt(status int, body, header string, value func(now time.Time) string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		reply(status, body, header, value(time.Now()))(w, r)
	}
}

var ok200 = reply(http.StatusOK, `{"ok":true}`)

// dropConnection closes the connection without a response.
func dropConnection(w http.ResponseWriter, _ *http.Request) {
	conn, _, err := w.(http.Hijacker).Hijack()
	if err != nil {
		panic(err)
	}
	conn.Close()
}

// sleeps records the waits a Client asks for instead of spending them.
type sleeps struct {
	mu sync.Mutex
	d  []time.Duration
}

func (s *sleeps) sleep(ctx context.Context, d time.Duration) error {
	s.mu.Lock()
	s.d = append(s.d, d)
	s.mu.Unlock()
	return ctx.Err()
}

func (s *sleeps) Waits() []time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]time.Duration(nil), s.d...)
}

// logBuffer collects log output from concurrent requests.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// testOptions are Options for a fake vendor with tiny backoffs.
func testOptions(baseURL string) httpx.Options {
	return httpx.Options{
		Name:    "test",
		BaseURL: baseURL,
		MinWait: time.Millisecond,
		MaxWait: 5 * time.Millisecond,
	}
}

// newClient builds a Client whose waits are recorded, not spent.
func newClient(t testing.TB, o httpx.Options) (*httpx.Client, *sleeps) {
	t.Helper()
	s := &sleeps{}
	c, err := httpx.New(httpx.WithSleep(o, s.sleep))
	if err != nil {
		t.Fatal(err)
	}
	return c, s
}

type okBody struct {
	OK bool `json:"ok"`
}

// --- vendor waits and classification --------------------------------------

func TestDo_HonoursVendorWait(t *testing.T) {
	tokyo := time.FixedZone("JST", 9*60*60)
	isoIn4s := func(now time.Time) string { return now.Add(4 * time.Second).In(tokyo).Format(time.RFC3339) }
	meta := httpx.ThrottledOnJSONCode("error.code", "4", "17", "32", "613", "80001", "80002", "80006")
	tests := []struct {
		name      string
		classify  httpx.Classifier
		first     http.HandlerFunc
		lo, hi    time.Duration // bounds of the recorded wait
		throttled bool          // charged to the throttle budget
	}{
		{
			name:  "429 Retry-After seconds",
			first: reply(429, "", "Retry-After", "1"),
			lo:    time.Second, hi: time.Second, throttled: true,
		},
		{
			name:  "429 Retry-After HTTP date",
			first: replyAt(429, "", "Retry-After", func(now time.Time) string { return now.Add(3 * time.Second).UTC().Format(http.TimeFormat) }),
			lo:    time.Second, hi: 3 * time.Second, throttled: true,
		},
		{
			name:  "Calendly 429 X-RateLimit-Reset seconds",
			first: reply(429, "", "X-RateLimit-Limit", "500", "X-RateLimit-Remaining", "0", "X-RateLimit-Reset", "7"),
			lo:    7 * time.Second, hi: 7 * time.Second, throttled: true,
		},
		{
			name:  "429 X-RateLimit-Reset unix time",
			first: replyAt(429, "", "X-RateLimit-Reset", func(now time.Time) string { return strconv.FormatInt(now.Add(5*time.Second).Unix(), 10) }),
			lo:    3 * time.Second, hi: 5 * time.Second, throttled: true,
		},
		{
			name:  "freee 429 lower-case x-ratelimit-reset ISO time",
			first: replyAt(429, `{"status_code":429}`, "x-ratelimit-reset", isoIn4s),
			lo:    2 * time.Second, hi: 4 * time.Second, throttled: true,
		},
		{
			name:  "429 RateLimit-Reset seconds",
			first: reply(429, "", "RateLimit-Reset", "2"),
			lo:    2 * time.Second, hi: 2 * time.Second, throttled: true,
		},
		{
			name:  "429 X-Rate-Limit-Reset seconds",
			first: reply(429, "", "X-Rate-Limit-Reset", "3"),
			lo:    3 * time.Second, hi: 3 * time.Second, throttled: true,
		},
		{
			name:  "Square 429 JSON body without headers gets jittered backoff",
			first: reply(429, `{"errors":[{"category":"RATE_LIMIT_ERROR","code":"RATE_LIMITED"}]}`),
			lo:    time.Millisecond, hi: 5 * time.Millisecond, throttled: true,
		},
		{
			name:     "Mailchimp 403 without headers throttled by hook",
			classify: httpx.ThrottledOnStatus(http.StatusForbidden),
			first:    reply(403, ""),
			lo:       time.Millisecond, hi: 5 * time.Millisecond, throttled: true,
		},
		{
			name:     "freee 403 throttled by hook still reads reset header",
			classify: httpx.ThrottledOnStatus(http.StatusForbidden),
			first:    replyAt(403, `{"status_code":403}`, "X-RateLimit-Reset", isoIn4s),
			lo:       2 * time.Second, hi: 4 * time.Second, throttled: true,
		},
		{
			name:     "Meta 400 error.code 613 throttled by hook",
			classify: meta,
			first:    reply(400, `{"error":{"message":"Calls to this api have exceeded the rate limit.","type":"OAuthException","code":613,"is_transient":true}}`),
			lo:       time.Millisecond, hi: 5 * time.Millisecond, throttled: true,
		},
		{
			name:  "403 with Retry-After is rate limiting by default",
			first: reply(403, "", "Retry-After", "2"),
			lo:    2 * time.Second, hi: 2 * time.Second, throttled: true,
		},
		{
			name:  "503 Retry-After is honoured but not charged to the budget",
			first: reply(503, "", "Retry-After", "2"),
			lo:    2 * time.Second, hi: 2 * time.Second,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := newVendor(t, tt.first, ok200)
			o := testOptions(v.URL)
			o.Classify = tt.classify
			c, s := newClient(t, o)
			var out okBody
			resp, err := c.Get(context.Background(), "/things", nil, &out)
			if err != nil {
				t.Fatal(err)
			}
			if !out.OK || resp.StatusCode != 200 {
				t.Errorf("got status %d, body %+v; want 200 and the decoded body", resp.StatusCode, out)
			}
			if got := len(v.Hits()); got != 2 || resp.Attempts != 2 {
				t.Errorf("vendor saw %d requests, Response.Attempts %d; want 2 (one retry)", got, resp.Attempts)
			}
			waits := s.Waits()
			if len(waits) != 1 {
				t.Fatalf("waits %v, want exactly one", waits)
			}
			if waits[0] < tt.lo || waits[0] > tt.hi {
				t.Errorf("waited %s, want between %s and %s", waits[0], tt.lo, tt.hi)
			}
			if tt.throttled && resp.ThrottleWait != waits[0] {
				t.Errorf("ThrottleWait %s, want the wait %s", resp.ThrottleWait, waits[0])
			}
			if !tt.throttled && resp.ThrottleWait != 0 {
				t.Errorf("ThrottleWait %s, want 0 for a transient failure", resp.ThrottleWait)
			}
		})
	}
}

func TestDefaultClassify(t *testing.T) {
	tests := []struct {
		status  int
		headers http.Header
		want    httpx.Kind
	}{
		{200, nil, httpx.OK},
		{204, nil, httpx.OK},
		{304, nil, httpx.OK},
		{400, nil, httpx.Fatal},
		{401, nil, httpx.Fatal},
		{403, nil, httpx.Fatal},
		{403, http.Header{"X-Ratelimit-Remaining": {"0"}}, httpx.Throttled},
		{403, http.Header{"Retry-After": {"10"}}, httpx.Throttled},
		{404, nil, httpx.Fatal},
		{408, nil, httpx.Retry},
		{422, nil, httpx.Fatal},
		{429, nil, httpx.Throttled},
		{500, nil, httpx.Retry},
		{501, nil, httpx.Fatal},
		{502, nil, httpx.Retry},
		{503, nil, httpx.Retry},
		{504, nil, httpx.Retry},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%d %v", tt.status, tt.headers), func(t *testing.T) {
			resp := &http.Response{StatusCode: tt.status, Header: tt.headers}
			if resp.Header == nil {
				resp.Header = http.Header{}
			}
			if got := httpx.DefaultClassify(resp, nil); got.Kind != tt.want {
				t.Errorf("got %v (%q), want %v", got.Kind, got.Reason, tt.want)
			}
		})
	}
}

func TestDo_FatalResponsesAreNotRetried(t *testing.T) {
	meta := httpx.ThrottledOnJSONCode("error.code", "4", "17", "32", "613")
	tests := []struct {
		name     string
		classify httpx.Classifier
		auth     httpx.Authenticator
		resp     http.HandlerFunc
		status   int
	}{
		{name: "400", resp: reply(400, `{"errors":[{"code":"BAD_REQUEST"}]}`), status: 400},
		{name: "plain 403", resp: reply(403, ""), status: 403},
		{name: "404", resp: reply(404, "not found"), status: 404},
		{name: "501", resp: reply(501, ""), status: 501},
		{name: "401 with a static bearer token", auth: httpx.Bearer("static-token-123"), resp: reply(401, ""), status: 401},
		{name: "Meta 400 with a non-throttling code", classify: meta, resp: reply(400, `{"error":{"code":100,"message":"Invalid parameter"}}`), status: 400},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := newVendor(t, tt.resp, ok200)
			o := testOptions(v.URL)
			o.Classify, o.Auth = tt.classify, tt.auth
			c, s := newClient(t, o)
			_, err := c.Get(context.Background(), "/x", nil, nil)
			var he *httpx.HTTPError
			if !errors.As(err, &he) {
				t.Fatalf("error %v (%T), want *httpx.HTTPError", err, err)
			}
			if he.Status != tt.status {
				t.Errorf("status %d, want %d", he.Status, tt.status)
			}
			if n := len(v.Hits()); n != 1 {
				t.Errorf("vendor saw %d requests, want 1 (no retry)", n)
			}
			if w := s.Waits(); len(w) != 0 {
				t.Errorf("waited %v, want no wait", w)
			}
			if errors.Is(err, httpx.ErrThrottled) || errors.Is(err, httpx.ErrUnavailable) {
				t.Errorf("error %v wraps a retry sentinel", err)
			}
		})
	}
}

func TestDo_HTTPErrorCarriesRedactedSnippet(t *testing.T) {
	const apiKey = "sq0-api-key-4f9d2c81e7"
	long := strings.Repeat("x", 2000)
	v := newVendor(t, reply(400, `{"errors":[{"code":"INVALID_REQUEST","detail":"key `+apiKey+` not allowed"}],"pad":"`+long+`"}`))
	o := testOptions(v.URL)
	o.Name = "square"
	o.Secrets = []string{apiKey}
	c, _ := newClient(t, o)
	_, err := c.Post(context.Background(), "/v2/orders/search", map[string]any{"limit": 10}, nil)
	var he *httpx.HTTPError
	if !errors.As(err, &he) {
		t.Fatalf("error %v, want *httpx.HTTPError", err)
	}
	if want := `square: POST /v2/orders/search: 400 Bad Request: {"errors":[{"code":"INVALID_REQUEST","detail":"key <redacted> not allowed"}]`; !strings.HasPrefix(err.Error(), want) {
		t.Errorf("error\n%s\nwant prefix\n%s", err, want)
	}
	if strings.Contains(err.Error(), apiKey) || strings.Contains(he.Body, apiKey) {
		t.Errorf("secret in error: %s", err)
	}
	if len(he.Body) > 512+len("…") {
		t.Errorf("body snippet is %d bytes, want at most 512", len(he.Body))
	}
	if he.Method != "POST" || he.URL != v.URL+"/v2/orders/search" {
		t.Errorf("method %q URL %q", he.Method, he.URL)
	}
}

// --- retries ------------------------------------------------------------------

func TestDo_RetriesTransientFailures(t *testing.T) {
	tests := []struct {
		name  string
		fail  http.HandlerFunc
		times int
	}{
		{"500 twice", reply(500, "oops"), 2},
		{"502 twice", reply(502, ""), 2},
		{"503 twice", reply(503, ""), 2},
		{"504 once", reply(504, ""), 1},
		{"408 once", reply(408, ""), 1},
		{"dropped connection twice", dropConnection, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var steps []http.HandlerFunc
			for range tt.times {
				steps = append(steps, tt.fail)
			}
			v := newVendor(t, append(steps, ok200)...)
			c, s := newClient(t, testOptions(v.URL))
			var out okBody
			resp, err := c.Get(context.Background(), "/x", nil, &out)
			if err != nil {
				t.Fatal(err)
			}
			if want := tt.times + 1; resp.Attempts != want || len(v.Hits()) != want {
				t.Errorf("attempts %d, vendor saw %d; want %d", resp.Attempts, len(v.Hits()), want)
			}
			if w := s.Waits(); len(w) != tt.times {
				t.Errorf("waits %v, want %d", w, tt.times)
			}
			for _, w := range s.Waits() {
				if w < time.Millisecond || w > 5*time.Millisecond {
					t.Errorf("backoff %s outside [MinWait, MaxWait]", w)
				}
			}
			if !out.OK {
				t.Error("body not decoded")
			}
		})
	}
}

func TestDo_GivesUpWithErrUnavailableAfterMaxRetries(t *testing.T) {
	tests := []struct {
		name string
		fail http.HandlerFunc
	}{
		{"503 forever", reply(503, "down for maintenance")},
		{"connection dropped forever", dropConnection},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := newVendor(t, tt.fail)
			o := testOptions(v.URL)
			o.MaxRetries = 3
			c, _ := newClient(t, o)
			_, err := c.Get(context.Background(), "/x", nil, nil)
			if !errors.Is(err, httpx.ErrUnavailable) {
				t.Fatalf("error %v, want ErrUnavailable", err)
			}
			if errors.Is(err, httpx.ErrThrottled) {
				t.Errorf("error %v also wraps ErrThrottled", err)
			}
			if n := len(v.Hits()); n != 4 {
				t.Errorf("vendor saw %d requests, want 4 (1 + MaxRetries)", n)
			}
			if !strings.Contains(err.Error(), "4 attempts") || !strings.HasPrefix(err.Error(), "test: GET /x: ") {
				t.Errorf("error %q should name the connector, request and attempt count", err)
			}
		})
	}
}

func TestDo_ThrottleBudgetBoundsWaiting(t *testing.T) {
	tests := []struct {
		name       string
		resp       http.HandlerFunc
		budget     time.Duration
		maxRetries int
		deadline   time.Duration // on the caller's context; 0: none
		attempts   int
		waits      []time.Duration
	}{
		{
			name:   "vendor asks 10s each time, budget 25s",
			resp:   reply(429, "", "Retry-After", "10"),
			budget: 25 * time.Second, maxRetries: 100,
			attempts: 3, waits: []time.Duration{10 * time.Second, 10 * time.Second},
		},
		{
			name:   "vendor asks for longer than the whole budget",
			resp:   reply(429, "", "Retry-After", "3600"),
			budget: time.Minute, maxRetries: 100,
			attempts: 1, waits: nil,
		},
		{
			name:   "vendor asks for longer than the caller's deadline",
			resp:   reply(429, "", "Retry-After", "60"),
			budget: time.Hour, maxRetries: 100, deadline: 30 * time.Second,
			attempts: 1, waits: nil,
		},
		{
			name:   "retries run out while throttled",
			resp:   reply(429, `{"errors":[{"code":"RATE_LIMITED"}]}`),
			budget: time.Hour, maxRetries: 2,
			attempts: 3,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := newVendor(t, tt.resp)
			o := testOptions(v.URL)
			o.Name = "calendly"
			o.ThrottleBudget, o.MaxRetries = tt.budget, tt.maxRetries
			c, s := newClient(t, o)
			ctx := context.Background()
			if tt.deadline > 0 {
				var cancel context.CancelFunc
				ctx, cancel = context.WithTimeout(ctx, tt.deadline)
				defer cancel()
			}
			_, err := c.Get(ctx, "/scheduled_events", nil, nil)
			if !errors.Is(err, httpx.ErrThrottled) {
				t.Fatalf("error %v, want ErrThrottled", err)
			}
			if !strings.HasPrefix(err.Error(), "calendly: ") {
				t.Errorf("error %q should name the vendor", err)
			}
			if n := len(v.Hits()); n != tt.attempts {
				t.Errorf("vendor saw %d requests, want %d", n, tt.attempts)
			}
			if tt.waits != nil || tt.attempts == 1 {
				if got := s.Waits(); fmt.Sprint(got) != fmt.Sprint(tt.waits) {
					t.Errorf("waits %v, want %v", got, tt.waits)
				}
			}
		})
	}
}

func TestDo_ReturnsPromptlyWhenCancelled(t *testing.T) {
	tests := []struct {
		name string
		opts func(*httpx.Options)
		// occupy, when set, runs a first request in the background that
		// leaves the client unable to send the call under test at once.
		occupy bool
		// hold keeps the vendor from answering until the test ends.
		hold bool
		resp http.HandlerFunc
	}{
		{
			name: "vendor asked to wait an hour",
			opts: func(o *httpx.Options) { o.ThrottleBudget = 2 * time.Hour },
			resp: reply(429, "", "Retry-After", "3600"),
		},
		{
			name:   "rate limiter has no token for an hour",
			opts:   func(o *httpx.Options) { o.RateLimit, o.Burst = 1.0/3600, 1 },
			occupy: true,
			resp:   ok200,
		},
		{
			name:   "no concurrency slot free",
			opts:   func(o *httpx.Options) { o.MaxConcurrent = 1 },
			occupy: true, hold: true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			release := make(chan struct{})
			defer close(release)
			seen := make(chan struct{}, 10)
			v := newVendor(t, func(w http.ResponseWriter, r *http.Request) {
				seen <- struct{}{}
				if tt.hold {
					select {
					case <-release:
					case <-r.Context().Done():
					}
					return
				}
				tt.resp(w, r)
			})
			o := testOptions(v.URL)
			tt.opts(&o)
			waiting := make(chan struct{}, 10)
			o.Observer = waitSignal(waiting)
			c, err := httpx.New(o) // the real clock
			if err != nil {
				t.Fatal(err)
			}
			if tt.occupy {
				go c.Get(context.Background(), "/first", nil, nil)
				<-seen
			}
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			errc := make(chan error, 1)
			go func() {
				_, err := c.Get(ctx, "/second", nil, nil)
				errc <- err
			}()
			if !tt.occupy {
				<-seen
				<-waiting // the client is starting its hour-long wait
			}
			start := time.Now()
			cancel()
			select {
			case err := <-errc:
				if !errors.Is(err, context.Canceled) {
					t.Errorf("error %v, want context.Canceled", err)
				}
				if d := time.Since(start); d > 2*time.Second {
					t.Errorf("returned %s after cancel", d)
				}
			case <-time.After(2 * time.Second):
				t.Fatal("Do did not return within 2s of cancel")
			}
		})
	}
}

// waitSignal is an Observer that signals each throttle wait as it starts.
type waitSignal chan struct{}

func (waitSignal) Request(string, string, string, int, time.Duration) {}
func (w waitSignal) Throttled(string, time.Duration)                  { w <- struct{}{} }

func TestDo_RateLimitSpacesRequests(t *testing.T) {
	v := newVendor(t, ok200)
	o := testOptions(v.URL)
	o.RateLimit, o.Burst = 50, 1
	c, _ := newClient(t, o)
	start := time.Now()
	for i := range 5 {
		if _, err := c.Get(context.Background(), "/x", nil, nil); err != nil {
			t.Fatalf("request %d: %v", i, err)
		}
	}
	// One token at once, then one every 20ms: four waits.
	if d := time.Since(start); d < 75*time.Millisecond {
		t.Errorf("5 requests at 50/s took %s, want at least ~80ms", d)
	}
}

func TestDo_MaxConcurrentCapsInFlight(t *testing.T) {
	var inFlight, peak atomic.Int32
	v := newVendor(t, func(w http.ResponseWriter, r *http.Request) {
		n := inFlight.Add(1)
		defer inFlight.Add(-1)
		for p := peak.Load(); n > p && !peak.CompareAndSwap(p, n); p = peak.Load() {
		}
		// Stay in flight until a third request joins (a missing cap) or
		// a short deadline passes, so requests overlap on every run.
		deadline := time.Now().Add(100 * time.Millisecond)
		for inFlight.Load() < 3 && time.Now().Before(deadline) {
			time.Sleep(time.Millisecond)
		}
		ok200(w, r)
	})
	o := testOptions(v.URL)
	o.MaxConcurrent = 2
	c, _ := newClient(t, o)
	var wg sync.WaitGroup
	for range 10 {
		wg.Go(func() {
			if _, err := c.Get(context.Background(), "/x", nil, nil); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if p := peak.Load(); p != 2 {
		t.Errorf("vendor saw at most %d requests in flight, want 2", p)
	}
	if n := len(v.Hits()); n != 10 {
		t.Errorf("vendor saw %d requests, want 10", n)
	}
}

func TestDo_ReplaysBodyOnRetry(t *testing.T) {
	tests := []struct {
		name        string
		body        any
		want        string
		contentType string
	}{
		{"JSON", map[string]any{"query": map[string]any{"filter": "x"}, "limit": 100}, `{"limit":100,"query":{"filter":"x"}}`, "application/json"},
		{"form", url.Values{"grant_type": {"refresh_token"}, "scope": {"a b"}}, "grant_type=refresh_token&scope=a+b", "application/x-www-form-urlencoded"},
		{"Raw", httpx.Raw{ContentType: "text/csv", Data: []byte("a,b\n1,2\n")}, "a,b\n1,2\n", "text/csv"},
		{"bytes", []byte("raw bytes"), "raw bytes", "application/octet-stream"},
		{"reader", strings.NewReader("from a reader"), "from a reader", "application/octet-stream"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := newVendor(t, reply(503, ""), reply(429, ""), ok200)
			c, _ := newClient(t, testOptions(v.URL))
			if _, err := c.Post(context.Background(), "/v2/customers/search", tt.body, nil); err != nil {
				t.Fatal(err)
			}
			hits := v.Hits()
			if len(hits) != 3 {
				t.Fatalf("vendor saw %d requests, want 3", len(hits))
			}
			for i, h := range hits {
				if string(h.Body) != tt.want {
					t.Errorf("attempt %d body %q, want %q", i+1, h.Body, tt.want)
				}
				if ct := h.Header.Get("Content-Type"); ct != tt.contentType {
					t.Errorf("attempt %d Content-Type %q, want %q", i+1, ct, tt.contentType)
				}
			}
		})
	}
}

func TestDo_RetriesAttemptThatTimesOut(t *testing.T) {
	v := newVendor(t, func(w http.ResponseWriter, r *http.Request) {
		<-r.Context().Done() // hang until the client gives up on the attempt
	}, ok200)
	o := testOptions(v.URL)
	o.Timeout = 100 * time.Millisecond
	c, _ := newClient(t, o)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	resp, err := c.Get(ctx, "/slow", nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if resp.Attempts != 2 {
		t.Errorf("attempts %d, want 2", resp.Attempts)
	}
}

func TestDo_SendsFixedAndPerRequestHeaders(t *testing.T) {
	v := newVendor(t, ok200)
	o := testOptions(v.URL)
	o.UserAgent = "nayose-test/1"
	o.Headers = http.Header{"Square-Version": {"2025-08-20"}}
	o.Auth = httpx.Bearer("tok-abc-123")
	c, _ := newClient(t, o)
	_, err := c.DoRequest(context.Background(), httpx.Request{
		Path:   "/v2/customers",
		Header: http.Header{"If-Modified-Since": {"Mon, 02 Jan 2006 15:04:05 GMT"}},
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	h := v.Hits()[0].Header
	for k, want := range map[string]string{
		"Square-Version":    "2025-08-20",
		"User-Agent":        "nayose-test/1",
		"If-Modified-Since": "Mon, 02 Jan 2006 15:04:05 GMT",
		"Authorization":     "Bearer tok-abc-123",
		"Accept":            "application/json",
	} {
		if got := h.Get(k); got != want {
			t.Errorf("%s: %q, want %q", k, got, want)
		}
	}
}

func TestDo_CredentialsNeverFollowARedirectToAnotherHost(t *testing.T) {
	other := newVendor(t, ok200)
	v := newVendor(t, func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, other.URL+"/elsewhere", http.StatusFound)
	})
	o := testOptions(v.URL)
	o.Auth = httpx.Bearer("tok-must-stay-home")
	c, _ := newClient(t, o)
	if _, err := c.Get(context.Background(), "/download", nil, nil); err != nil {
		t.Fatal(err)
	}
	if got := v.Hits()[0].Header.Get("Authorization"); got == "" {
		t.Error("the vendor's own host got no credentials")
	}
	if got := other.Hits()[0].Header.Get("Authorization"); got != "" {
		t.Errorf("the other host got Authorization %q", got)
	}
}

// --- paths and next links -----------------------------------------------------

func TestDo_ResolvesPathsAndNextLinksOnTheBaseHostOnly(t *testing.T) {
	v := newVendor(t, ok200)
	other := newVendor(t, ok200)
	base := v.URL + "/3.0"
	tests := []struct {
		name     string
		path     string
		query    url.Values
		wantPath string
		wantQ    url.Values
		refused  bool
	}{
		{name: "relative path under the base path", path: "/lists/abc/members", query: url.Values{"count": {"1000"}},
			wantPath: "/3.0/lists/abc/members", wantQ: url.Values{"count": {"1000"}}},
		{name: "path without slash", path: "campaigns", wantPath: "/3.0/campaigns", wantQ: url.Values{}},
		{name: "path with its own query, merged", path: "/lists?offset=10&count=5", query: url.Values{"count": {"50"}},
			wantPath: "/3.0/lists", wantQ: url.Values{"offset": {"10"}, "count": {"50"}}},
		{name: "full next URL on the same host", path: base + "/lists?after=QVFI&limit=25",
			wantPath: "/3.0/lists", wantQ: url.Values{"after": {"QVFI"}, "limit": {"25"}}},
		{name: "full URL on another host", path: other.URL + "/3.0/lists", refused: true},
		{name: "full URL outside the base path", path: v.URL + "/admin", refused: true},
		{name: "full URL with another scheme", path: strings.Replace(base, "http://", "https://", 1) + "/lists", refused: true},
		{name: "full URL with credentials", path: strings.Replace(base, "http://", "http://u:p@", 1) + "/lists", refused: true},
	}
	o := testOptions(base)
	o.Auth = httpx.Bearer("tok-next-link")
	c, _ := newClient(t, o)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := len(v.Hits())
			_, err := c.Get(context.Background(), tt.path, tt.query, nil)
			if tt.refused {
				if err == nil || !strings.Contains(err.Error(), "refusing URL") {
					t.Errorf("error %v, want a refusal", err)
				}
				if len(v.Hits()) != before || len(other.Hits()) != 0 {
					t.Error("a refused URL was requested")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			h := v.Hits()[before]
			if h.URL.Path != tt.wantPath || h.URL.Query().Encode() != tt.wantQ.Encode() {
				t.Errorf("requested %s, want %s?%s", h.URL, tt.wantPath, tt.wantQ.Encode())
			}
		})
	}
}

func TestNew_RejectsBadOptions(t *testing.T) {
	tests := []struct {
		name string
		o    httpx.Options
		want string
	}{
		{"no base URL", httpx.Options{Name: "x"}, "base URL is required"},
		{"relative base URL", httpx.Options{Name: "x", BaseURL: "/v2"}, "scheme must be http or https"},
		{"ftp base URL", httpx.Options{Name: "x", BaseURL: "ftp://example.com"}, "scheme must be http or https"},
		{"no host", httpx.Options{Name: "x", BaseURL: "https://"}, "no host"},
		{"query in base URL", httpx.Options{Name: "x", BaseURL: "https://api.example.com?key=1"}, "no query"},
		{"no name", httpx.Options{BaseURL: "https://api.example.com"}, "name is required"},
		{"negative timeout", httpx.Options{Name: "x", BaseURL: "https://api.example.com", Timeout: -time.Second}, "timeout -1s is negative"},
		{"negative concurrency", httpx.Options{Name: "x", BaseURL: "https://api.example.com", MaxConcurrent: -1}, "max concurrent -1 is negative"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := httpx.New(tt.o)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want one containing %q", err, tt.want)
			}
		})
	}
	if _, err := httpx.New(httpx.Options{Name: "ok", BaseURL: "https://api.example.com/v1/"}); err != nil {
		t.Errorf("valid options: %v", err)
	}
}

// --- OAuth2 -------------------------------------------------------------------

// oauthVendor is a fake vendor with a token endpoint whose refresh tokens
// are single-use and rotate (Calendly, freee), and an API that accepts only
// access tokens it issued and checks they were saved before use.
type oauthVendor struct {
	t     testing.TB
	api   *httptest.Server
	token *httptest.Server
	store *httpx.MemoryTokenStore
	key   string

	mu        sync.Mutex
	issued    int
	refreshes int             // successful refreshes
	rejected  int             // refresh attempts with a spent or unknown token
	refresh   map[string]bool // refresh token -> still valid
	access    map[string]bool // access tokens the API accepts
	apiCalls  int
	// hold, when set, delays the token endpoint until closed; arrived
	// then tells when a request is being held.
	hold, arrived chan struct{}
}

func newOAuthVendor(t testing.TB) *oauthVendor {
	t.Helper()
	f := &oauthVendor{t: t, store: &httpx.MemoryTokenStore{}, key: "calendly/main",
		refresh: map[string]bool{}, access: map[string]bool{}}
	f.token = httptest.NewServer(http.HandlerFunc(f.serveToken))
	f.api = httptest.NewServer(http.HandlerFunc(f.serveAPI))
	t.Cleanup(f.token.Close)
	t.Cleanup(f.api.Close)
	return f
}

func (f *oauthVendor) config() *oauth2.Config {
	return &oauth2.Config{
		ClientID:     "client-id",
		ClientSecret: "client-secret-7d1e9a",
		Endpoint:     oauth2.Endpoint{TokenURL: f.token.URL + "/oauth/token", AuthStyle: oauth2.AuthStyleInParams},
	}
}

// seed stores a first token: access valid (accepted by the API) or not, and
// an expiry.
func (f *oauthVendor) seed(accepted bool, expiry time.Time) *oauth2.Token {
	f.mu.Lock()
	tok := f.mint()
	if !accepted {
		delete(f.access, tok.AccessToken)
	}
	f.mu.Unlock()
	tok.Expiry = expiry
	if err := f.store.Save(context.Background(), f.key, tok); err != nil {
		f.t.Fatal(err)
	}
	return tok
}

// mint issues a new token pair. The caller holds f.mu.
func (f *oauthVendor) mint() *oauth2.Token {
	f.issued++
	tok := &oauth2.Token{
		AccessToken:  fmt.Sprintf("access-%d-9f8e7d6c5b", f.issued),
		RefreshToken: fmt.Sprintf("refresh-%d-a1b2c3d4e5", f.issued),
		TokenType:    "Bearer",
	}
	f.refresh[tok.RefreshToken] = true
	f.access[tok.AccessToken] = true
	return tok
}

func (f *oauthVendor) serveToken(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	hold, arrived := f.hold, f.arrived
	f.mu.Unlock()
	if hold != nil {
		arrived <- struct{}{}
		<-hold
	}
	if err := r.ParseForm(); err != nil || r.PostForm.Get("grant_type") != "refresh_token" {
		http.Error(w, `{"error":"unsupported_grant_type"}`, http.StatusBadRequest)
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	rt := r.PostForm.Get("refresh_token")
	if !f.refresh[rt] {
		f.rejected++
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusBadRequest)
		io.WriteString(w, `{"error":"invalid_grant","error_description":"refresh token already used"}`)
		return
	}
	delete(f.refresh, rt) // single-use
	f.refreshes++
	tok := f.mint()
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(map[string]any{
		"access_token": tok.AccessToken, "refresh_token": tok.RefreshToken,
		"token_type": "Bearer", "expires_in": 7200,
	})
}

func (f *oauthVendor) serveAPI(w http.ResponseWriter, r *http.Request) {
	bearer := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
	f.mu.Lock()
	f.apiCalls++
	ok := f.access[bearer]
	f.mu.Unlock()
	if !ok {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusUnauthorized)
		io.WriteString(w, `{"title":"Unauthenticated","message":"The access token is invalid"}`)
		return
	}
	stored, _ := f.store.Load(r.Context(), f.key)
	if stored == nil || stored.AccessToken != bearer {
		f.t.Errorf("API used access token %q before it was saved (store has %+v)", bearer, stored)
	}
	ok200(w, r)
}

func (f *oauthVendor) counts() (refreshes, rejected, apiCalls int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.refreshes, f.rejected, f.apiCalls
}

func (f *oauthVendor) client(t testing.TB, auth httpx.Authenticator) *httpx.Client {
	o := testOptions(f.api.URL)
	o.Name = "calendly"
	o.Auth = auth
	o.MaxConcurrent = 8
	c, _ := newClient(t, o)
	return c
}

// getAll runs n concurrent GETs and returns their errors.
func getAll(c *httpx.Client, n int) []error {
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			_, errs[i] = c.Get(context.Background(), "/users/me", nil, nil)
		})
	}
	wg.Wait()
	return errs
}

// slowStore is a TokenStore whose saves take a while, like a database
// across a network: a token used before its save completed would show.
type slowStore struct{ *httpx.MemoryTokenStore }

func (s slowStore) Save(ctx context.Context, key string, tok *oauth2.Token) error {
	time.Sleep(20 * time.Millisecond)
	return s.MemoryTokenStore.Save(ctx, key, tok)
}

func TestOAuth2_ExpiredTokenIsRefreshedOnceForConcurrentRequests(t *testing.T) {
	f := newOAuthVendor(t)
	old := f.seed(true, time.Now().Add(-time.Minute))
	c := f.client(t, httpx.OAuth2(f.config(), slowStore{f.store}, f.key))
	for _, err := range getAll(c, 8) {
		if err != nil {
			t.Fatal(err)
		}
	}
	refreshes, rejected, calls := f.counts()
	if refreshes != 1 || rejected != 0 {
		t.Errorf("%d refreshes and %d rejected refresh attempts, want exactly 1 and 0", refreshes, rejected)
	}
	if calls != 8 {
		t.Errorf("API saw %d calls, want 8", calls)
	}
	stored, _ := f.store.Load(context.Background(), f.key)
	if stored.RefreshToken == old.RefreshToken || stored.AccessToken == old.AccessToken {
		t.Errorf("store still holds the old token %+v", stored)
	}
	// Spending the old refresh token again must fail: the fake is strict.
	_, err := f.config().TokenSource(context.Background(), &oauth2.Token{RefreshToken: old.RefreshToken}).Token()
	if err == nil {
		t.Error("the fake accepted a spent refresh token")
	}
}

func TestOAuth2_401RefreshesOnceAndRetries(t *testing.T) {
	f := newOAuthVendor(t)
	f.seed(false, time.Now().Add(time.Hour)) // looks valid, revoked by the vendor
	c := f.client(t, httpx.OAuth2(f.config(), f.store, f.key))
	for _, err := range getAll(c, 8) {
		if err != nil {
			t.Fatal(err)
		}
	}
	refreshes, rejected, calls := f.counts()
	if refreshes != 1 || rejected != 0 {
		t.Errorf("%d refreshes and %d rejected refresh attempts, want exactly 1 and 0", refreshes, rejected)
	}
	if calls < 9 || calls > 16 {
		t.Errorf("API saw %d calls, want each request's 401 retried once (9..16)", calls)
	}
}

func TestOAuth2_401TwiceIsFatal(t *testing.T) {
	f := newOAuthVendor(t)
	f.seed(false, time.Now().Add(time.Hour))
	v := newVendor(t, reply(401, `{"message":"nope"}`))
	o := testOptions(v.URL)
	o.Auth = httpx.OAuth2(f.config(), f.store, f.key)
	c, _ := newClient(t, o)
	_, err := c.Get(context.Background(), "/x", nil, nil)
	var he *httpx.HTTPError
	if !errors.As(err, &he) || he.Status != 401 {
		t.Fatalf("error %v, want a 401 HTTPError", err)
	}
	if n := len(v.Hits()); n != 2 {
		t.Errorf("vendor saw %d requests, want 2 (one retry with a fresh token)", n)
	}
	if refreshes, _, _ := f.counts(); refreshes != 1 {
		t.Errorf("%d refreshes, want 1", refreshes)
	}
}

func TestOAuth2_AdoptsTokenRotatedByAnotherInstance(t *testing.T) {
	f := newOAuthVendor(t)
	f.seed(true, time.Now().Add(-time.Minute))
	// Two clients (or two daemons) sharing one store.
	first := httpx.OAuth2(f.config(), f.store, f.key)
	second := httpx.OAuth2(f.config(), f.store, f.key)
	ctx := context.Background()
	tok2, err := second.Token(ctx) // refreshes: refresh-1 spent
	if err != nil {
		t.Fatal(err)
	}
	if tok, err := first.Token(ctx); err != nil || tok.AccessToken != tok2.AccessToken {
		t.Fatalf("first: %v, %v; want the token second saved", tok, err)
	}
	// The vendor revokes that access token: both get a 401 for it.
	rejected := httptest.NewRequest(http.MethodGet, "/", nil)
	tok2.SetAuthHeader(rejected)
	first.Invalidate(rejected)
	second.Invalidate(rejected)
	tok3, err := first.Token(ctx) // refreshes: refresh-2 spent
	if err != nil {
		t.Fatal(err)
	}
	// second still holds refresh-2 in memory; it must adopt first's token
	// from the store instead of spending refresh-2 again.
	tok, err := second.Token(ctx)
	if err != nil {
		t.Fatalf("second: %v", err)
	}
	if tok.AccessToken != tok3.AccessToken {
		t.Errorf("second uses %q, want %q", tok.AccessToken, tok3.AccessToken)
	}
	if refreshes, rejected, _ := f.counts(); refreshes != 2 || rejected != 0 {
		t.Errorf("%d refreshes, %d with a spent token; want 2 and 0", refreshes, rejected)
	}
}

func TestOAuth2_NoStoredTokenFailsWithoutRetry(t *testing.T) {
	f := newOAuthVendor(t)
	c := f.client(t, httpx.OAuth2(f.config(), f.store, f.key))
	_, err := c.Get(context.Background(), "/users/me", nil, nil)
	if !errors.Is(err, httpx.ErrNoToken) {
		t.Fatalf("error %v, want ErrNoToken", err)
	}
	if _, _, calls := f.counts(); calls != 0 {
		t.Errorf("API saw %d calls, want 0", calls)
	}
}

// failingStore fails the first n saves.
type failingStore struct {
	httpx.MemoryTokenStore
	fail atomic.Int32
}

func (s *failingStore) Save(ctx context.Context, key string, tok *oauth2.Token) error {
	if s.fail.Add(-1) >= 0 {
		return errors.New("database is down")
	}
	return s.MemoryTokenStore.Save(ctx, key, tok)
}

func TestOAuth2_RotatedTokenSurvivesAFailedSave(t *testing.T) {
	f := newOAuthVendor(t)
	f.seed(true, time.Now().Add(-time.Minute))
	seeded, _ := f.store.Load(context.Background(), f.key)
	store := &failingStore{}
	store.MemoryTokenStore.Save(context.Background(), f.key, seeded)
	store.fail.Store(1)
	auth := httpx.OAuth2(f.config(), store, f.key)

	if _, err := auth.Token(context.Background()); err == nil || !strings.Contains(err.Error(), "database is down") {
		t.Fatalf("error %v, want the save failure", err)
	}
	tok, err := auth.Token(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	saved, _ := store.Load(context.Background(), f.key)
	if saved.AccessToken != tok.AccessToken {
		t.Errorf("saved %q, using %q", saved.AccessToken, tok.AccessToken)
	}
	if refreshes, rejected, _ := f.counts(); refreshes != 1 || rejected != 0 {
		t.Errorf("%d refreshes, %d rejected; want 1 and 0", refreshes, rejected)
	}
}

func TestOAuth2_CancelledCallerDoesNotLoseARotatedToken(t *testing.T) {
	f := newOAuthVendor(t)
	hold := make(chan struct{})
	f.mu.Lock()
	f.hold, f.arrived = hold, make(chan struct{}, 1)
	f.mu.Unlock()
	f.seed(true, time.Now().Add(-time.Minute))
	auth := httpx.OAuth2(f.config(), f.store, f.key)
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() {
		_, err := auth.Token(ctx)
		errc <- err
	}()
	<-f.arrived // the refresh is under way
	cancel()
	if err := <-errc; !errors.Is(err, context.Canceled) {
		t.Fatalf("error %v, want context.Canceled", err)
	}
	close(hold) // the vendor now rotates the refresh token
	deadline := time.Now().Add(5 * time.Second)
	for {
		if refreshes, _, _ := f.counts(); refreshes == 1 {
			stored, _ := f.store.Load(context.Background(), f.key)
			if stored.RefreshToken == "refresh-2-a1b2c3d4e5" {
				break
			}
		}
		if time.Now().After(deadline) {
			refreshes, rejected, _ := f.counts()
			t.Fatalf("rotated token not saved: %d refreshes, %d rejected", refreshes, rejected)
		}
		time.Sleep(5 * time.Millisecond)
	}
	if _, err := auth.Token(context.Background()); err != nil {
		t.Fatal(err)
	}
	if refreshes, rejected, _ := f.counts(); refreshes != 1 || rejected != 0 {
		t.Errorf("%d refreshes, %d rejected; want 1 and 0", refreshes, rejected)
	}
}

// --- redaction and metrics ---------------------------------------------------

func TestRedaction_SecretsNeverInLogsOrErrors(t *testing.T) {
	const apiKey = "qk-5e4d3c2b1a0f"
	const extra = "whsec-0a9b8c7d"
	f := newOAuthVendor(t)
	f.seed(false, time.Now().Add(time.Hour)) // the API will 401 it: refresh

	var logs logBuffer
	logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	mux := http.NewServeMux()
	mux.HandleFunc("/ok", func(w http.ResponseWriter, r *http.Request) { f.serveAPI(w, r) })
	var throttledOnce atomic.Bool
	mux.HandleFunc("/throttled", func(w http.ResponseWriter, r *http.Request) {
		if throttledOnce.CompareAndSwap(false, true) {
			reply(429, "", "Retry-After", "1")(w, r)
			return
		}
		f.serveAPI(w, r)
	})
	mux.HandleFunc("/echo", func(w http.ResponseWriter, r *http.Request) {
		// A vendor echoing everything back in its error.
		stored, _ := f.store.Load(r.Context(), f.key)
		reply(400, fmt.Sprintf(`{"url":%q,"auth":%q,"refresh_token":%q,"note":"%s %s"}`,
			r.URL.String(), r.Header.Get("Authorization"), stored.RefreshToken,
			stored.RefreshToken, extra))(w, r)
	})
	mux.HandleFunc("/down", reply(503, "down, try "+api503Hint(apiKey)))
	mux.HandleFunc("/drop", dropConnection)
	api := httptest.NewServer(mux)
	t.Cleanup(api.Close)

	o := testOptions(api.URL)
	o.Name = "calendly"
	o.Logger = logger
	o.Secrets = []string{extra}
	o.MaxRetries = 2
	o.Auth = httpx.OAuth2(f.config(), f.store, f.key)
	obs := &recordingObserver{}
	o.Observer = obs
	c, _ := newClient(t, o)

	q := url.Values{"api_key": {apiKey}}
	var errs []error
	for _, p := range []string{"/ok", "/throttled", "/echo", "/down", "/drop", "https://elsewhere.example/ok?api_key=" + apiKey} {
		_, err := c.Get(context.Background(), p, q, nil)
		errs = append(errs, err)
	}
	if errs[0] != nil || errs[1] != nil {
		t.Fatalf("setup calls failed: %v, %v", errs[0], errs[1])
	}

	secrets := []string{apiKey, extra, "client-secret-7d1e9a"}
	f.mu.Lock()
	for tok := range f.access {
		secrets = append(secrets, tok)
	}
	for i := 1; i <= f.issued; i++ {
		secrets = append(secrets, fmt.Sprintf("access-%d-9f8e7d6c5b", i), fmt.Sprintf("refresh-%d-a1b2c3d4e5", i))
	}
	f.mu.Unlock()

	var texts []string
	for _, err := range errs[2:] {
		if err == nil {
			t.Fatal("a failing call succeeded")
		}
		texts = append(texts, err.Error())
		var he *httpx.HTTPError
		if errors.As(err, &he) {
			texts = append(texts, he.URL, he.Body)
		}
	}
	texts = append(texts, logs.String(), obs.String())
	for _, text := range texts {
		for _, s := range secrets {
			if strings.Contains(text, s) {
				t.Errorf("secret %q leaked in:\n%s", s, text)
			}
		}
	}
	if !strings.Contains(logs.String(), "<redacted>") {
		t.Errorf("logs show no redaction; logs:\n%s", logs.String())
	}
	if !strings.Contains(logs.String(), "level=WARN msg=\"vendor rate limit; waiting\"") {
		t.Errorf("no throttle warning logged:\n%s", logs.String())
	}
	if !strings.Contains(logs.String(), "level=DEBUG msg=attempt") {
		t.Errorf("no per-attempt debug line:\n%s", logs.String())
	}
}

// api503Hint is a vendor echoing the key the way a URL would carry it.
func api503Hint(key string) string { return "/status?api_key=" + key }

// recordingObserver keeps every metric label it is given.
type recordingObserver struct {
	mu        sync.Mutex
	lines     []string
	throttled []time.Duration
}

func (o *recordingObserver) Request(connector, method, host string, status int, d time.Duration) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.lines = append(o.lines, fmt.Sprintf("request %s %s %s %d", connector, method, host, status))
}

func (o *recordingObserver) Throttled(connector string, wait time.Duration) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.lines = append(o.lines, fmt.Sprintf("throttled %s %s", connector, wait))
	o.throttled = append(o.throttled, wait)
}

func (o *recordingObserver) String() string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return strings.Join(o.lines, "\n")
}

func TestObserver_SeesEveryAttemptAndThrottleWait(t *testing.T) {
	v := newVendor(t, reply(429, "", "Retry-After", "2"), reply(500, ""), ok200)
	o := testOptions(v.URL)
	o.Name = "xero"
	obs := &recordingObserver{}
	o.Observer = obs
	c, _ := newClient(t, o)
	if _, err := c.Get(context.Background(), "/Contacts", nil, nil); err != nil {
		t.Fatal(err)
	}
	host := strings.TrimPrefix(v.URL, "http://")
	want := strings.Join([]string{
		"request xero GET " + host + " 429",
		"throttled xero 2s",
		"request xero GET " + host + " 500",
		"request xero GET " + host + " 200",
	}, "\n")
	if got := obs.String(); got != want {
		t.Errorf("observer saw\n%s\nwant\n%s", got, want)
	}
}

func TestRedact(t *testing.T) {
	o := httpx.Options{Name: "x", BaseURL: "https://api.example.com", Secrets: []string{"s3cr3t+/="}, Auth: httpx.Basic("user", "pa55word")}
	c, err := httpx.New(o)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct{ in, want string }{
		{"plain s3cr3t+/= here", "plain <redacted> here"},
		{"escaped s3cr3t%2B%2F%3D here", "escaped <redacted> here"},
		{"/v1/x?access_token=abc123&limit=10", "/v1/x?access_token=<redacted>&limit=10"},
		{"/cb?code=auth-code-1&state=xyz", "/cb?code=<redacted>&state=xyz"},
		{"?hub.verify_token=vt&hub.challenge=42", "?hub.verify_token=<redacted>&hub.challenge=42"},
		{"?api_key=k&sig=1&signature=abc", "?api_key=<redacted>&sig=1&signature=<redacted>"},
		{`{"refresh_token": "r-1", "expires_in": 3600}`, `{"refresh_token": "<redacted>", "expires_in": 3600}`},
		{`{"client_secret":"cs","apiKey":"ak","code":"RATE_LIMITED"}`, `{"client_secret":"<redacted>","apiKey":"<redacted>","code":"RATE_LIMITED"}`},
		{"Basic " + "dXNlcjpwYTU1d29yZA==", "Basic <redacted>"},
		{"password pa55word", "password <redacted>"},
		{"nothing secret", "nothing secret"},
	}
	for _, tt := range tests {
		if got := c.Redact(tt.in); got != tt.want {
			t.Errorf("Redact(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
