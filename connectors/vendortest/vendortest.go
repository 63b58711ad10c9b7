// Package vendortest is the machinery the vendor fakes (squaretest,
// calendlytest, mailchimptest) share: the request log, the unknown routes,
// injected faults, a delay, the count of requests in flight and the
// malformed records. What a fault looks like on the wire (Square's 429 and
// its error JSON, Calendly's X-RateLimit-* headers, Mailchimp's
// problem+json) stays with each fake; when and how often it happens lives
// here, once.
//
// A fake embeds Hooks, which gives it the methods its tests call, and
// answers every request through Hooks.Handle with a Vendor that names its
// routes and words its errors:
//
//	type Server struct {
//		vendortest.Hooks
//		...
//	}
//
//	func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
//		s.Handle(w, r, &vendortest.Vendor{Routes: s.routes(), Next: ..., NotFound: ..., Fault: ...})
//	}
//
// It imports neither the engine nor the store, so a fake stays usable on
// its own. Every method is safe for concurrent use.
package vendortest

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// maxBody is the most of a request body the log keeps and the fake reads.
const maxBody = 10 << 20

// Request is one request a fake received, as its log records it.
type Request struct {
	Method string
	Path   string
	Query  url.Values
	Header http.Header
	Host   string
	Body   []byte
	// Status is the status the fake answered; 0 while the request is in
	// flight, or when the client gave up before an answer.
	Status int
	// At is when the request arrived, by the fake's clock.
	At time.Time
}

func (r Request) clone() Request {
	q := make(url.Values, len(r.Query))
	for k, v := range r.Query {
		q[k] = slices.Clone(v)
	}
	r.Query = q
	r.Header = r.Header.Clone()
	r.Body = slices.Clone(r.Body)
	return r
}

// Vendor is what Handle needs from one fake: its routes and how its vendor
// words a 404, an injected fault and a refused connection.
type Vendor struct {
	// Routes are the routes the fake serves. A request that matches none is
	// logged as an unknown route and answered by NotFound.
	Routes *http.ServeMux
	// Next answers a request to a known route when no fault is injected
	// into it: the vendor's authentication, then Routes.
	Next http.Handler
	// Now is the fake's clock, for Request.At; nil means time.Now.
	Now func() time.Time
	// NotFound answers a request to an unknown route.
	NotFound func(w http.ResponseWriter, r *http.Request)
	// Fault answers a request with an injected status (429, 403, 5xx ...)
	// the way the vendor does.
	Fault func(w http.ResponseWriter, r *http.Request, status int)
	// MaxInFlight, when more than 0, caps how many requests are answered at
	// once; a request over the cap is answered by Busy instead.
	MaxInFlight int
	// Busy answers a request over MaxInFlight.
	Busy func(w http.ResponseWriter, r *http.Request)
}

// Hooks is the shared state of a fake. The zero value is ready to use; a
// fake embeds it.
type Hooks struct {
	mu        sync.Mutex
	requests  []Request
	gen       int // bumped by ResetRequests: a late status must not land in the new log
	unknown   []string
	faults    []int // injected statuses, next first
	ahead     int   // how many of faults, at the front, InjectAhead queued
	delay     time.Duration
	inFlight  int
	maxSeen   int
	malform   map[string][]int
	malformed []string
}

// Handle answers one request: it logs it, answers an unknown route with
// v.NotFound, a request over v.MaxInFlight with v.Busy, waits the delay
// (or until the client gives up), answers the next injected fault with
// v.Fault, and otherwise hands the request to v.Next. The body is read
// once, logged, and given to v.Next as it came.
func (h *Hooks) Handle(w http.ResponseWriter, r *http.Request, v *Vendor) {
	sw := &statusWriter{ResponseWriter: w}
	body, _ := io.ReadAll(io.LimitReader(r.Body, maxBody))
	r.Body = io.NopCloser(bytes.NewReader(body))
	_, pattern := v.Routes.Handler(r)
	at := time.Now()
	if v.Now != nil {
		at = v.Now()
	}

	h.mu.Lock()
	i, gen := len(h.requests), h.gen
	h.requests = append(h.requests, Request{
		Method: r.Method, Path: r.URL.Path, Query: r.URL.Query(), Header: r.Header.Clone(),
		Host: r.Host, Body: body, At: at,
	})
	defer func() {
		h.mu.Lock()
		if h.gen == gen && i < len(h.requests) {
			h.requests[i].Status = sw.status
		}
		h.mu.Unlock()
	}()
	if pattern == "" {
		h.unknown = append(h.unknown, r.Method+" "+r.URL.Path)
		h.mu.Unlock()
		v.NotFound(sw, r)
		return
	}
	if v.MaxInFlight > 0 && h.inFlight >= v.MaxInFlight {
		h.mu.Unlock()
		v.Busy(sw, r)
		return
	}
	h.inFlight++
	h.maxSeen = max(h.maxSeen, h.inFlight)
	delay := h.delay
	h.mu.Unlock()
	defer func() {
		h.mu.Lock()
		h.inFlight--
		h.mu.Unlock()
	}()

	if delay > 0 {
		t := time.NewTimer(delay)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
			return
		}
	}
	if status, ok := h.nextFault(); ok {
		v.Fault(sw, r, status)
		return
	}
	v.Next.ServeHTTP(sw, r)
}

// statusWriter remembers the status answered, for the log.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

// Serve starts fake on an httptest.Server that is closed when the test
// ends. At that point the test fails if any request reached a route the
// fake does not serve; name (such as "squaretest") starts that message.
func Serve(t testing.TB, name string, fake interface {
	http.Handler
	UnknownRoutes() []string
}) *httptest.Server {
	t.Helper()
	ts := httptest.NewServer(fake)
	t.Cleanup(func() {
		ts.Close()
		if u := fake.UnknownRoutes(); len(u) > 0 {
			t.Errorf("%s: requests to routes the fake does not serve: %s", name, strings.Join(u, ", "))
		}
	})
	return ts
}

// Inject makes the next n requests to known routes, after the faults
// already queued, answer status through Vendor.Fault.
func (h *Hooks) Inject(n, status int) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for range n {
		h.faults = append(h.faults, status)
	}
}

// InjectAhead is Inject, but the n answers go before every queued fault
// that Inject queued, as Square and Calendly answer pending 429s before
// pending 5xx. Among themselves, faults queued ahead keep their order.
func (h *Hooks) InjectAhead(n, status int) {
	if n <= 0 {
		return
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	h.faults = slices.Insert(h.faults, h.ahead, slices.Repeat([]int{status}, n)...)
	h.ahead += n
}

func (h *Hooks) nextFault() (int, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if len(h.faults) == 0 {
		return 0, false
	}
	status := h.faults[0]
	h.faults = h.faults[1:]
	h.ahead = max(h.ahead-1, 0)
	return status, true
}

// SetDelay makes every request to a known route wait d before it is
// answered (or until the client gives up); a waiting request is in flight.
// Zero turns the delay off.
func (h *Hooks) SetDelay(d time.Duration) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.delay = d
}

// InFlight returns how many requests are being answered now.
func (h *Hooks) InFlight() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.inFlight
}

// MaxInFlight returns the most requests answered at once so far.
func (h *Hooks) MaxInFlight() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.maxSeen
}

// QueueMalform queues one malformation of kind (the fake's own numbering:
// which field to break) for the next page served under key (the fake's
// choice: a path, or "" for any page).
func (h *Hooks) QueueMalform(key string, kind int) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.malform == nil {
		h.malform = make(map[string][]int)
	}
	h.malform[key] = append(h.malform[key], kind)
}

// Malform gives corrupt the next malformation queued under key, if there is
// one. When corrupt breaks a record and returns its id, the malformation is
// used up and the id logged for MalformedIDs; when it returns false (a
// page without records), the malformation waits for the next page.
// corrupt runs under the Hooks' lock and must not call the Hooks.
func (h *Hooks) Malform(key string, corrupt func(kind int) (id string, ok bool)) {
	h.mu.Lock()
	defer h.mu.Unlock()
	q := h.malform[key]
	if len(q) == 0 {
		return
	}
	id, ok := corrupt(q[0])
	if !ok {
		return
	}
	h.malform[key] = q[1:]
	h.malformed = append(h.malformed, id)
}

// MalformedIDs returns the ids of the records corrupted so far, oldest first.
func (h *Hooks) MalformedIDs() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return slices.Clone(h.malformed)
}

// Requests returns a copy of the request log, oldest first.
func (h *Hooks) Requests() []Request {
	h.mu.Lock()
	defer h.mu.Unlock()
	out := make([]Request, len(h.requests))
	for i, r := range h.requests {
		out[i] = r.clone()
	}
	return out
}

// CountRequests returns how many logged requests were for path or a path
// under it: "/v2/payments" counts "/v2/payments" and "/v2/payments/{id}"
// but not "/v2/payments-x"; "/" counts every request.
func (h *Hooks) CountRequests(path string) int {
	under := strings.TrimSuffix(path, "/") + "/"
	h.mu.Lock()
	defer h.mu.Unlock()
	n := 0
	for _, r := range h.requests {
		if r.Path == path || strings.HasPrefix(r.Path, under) {
			n++
		}
	}
	return n
}

// ResetRequests empties the request log and the list of unknown routes.
func (h *Hooks) ResetRequests() {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.requests = nil
	h.unknown = nil
	h.gen++
}

// UnknownRoutes returns "METHOD /path" for every request to a route the
// fake does not serve, oldest first.
func (h *Hooks) UnknownRoutes() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return slices.Clone(h.unknown)
}
