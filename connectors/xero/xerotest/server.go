// Package xerotest is an in-memory fake of the Xero Accounting API for
// connector tests: GET /Connections, GET /api.xro/2.0/Contacts, /Invoices,
// /CreditNotes and /Payments, and the refresh grant at POST /connect/token,
// with Xero's JSON shapes (PascalCase, /Date(ms+0000)/ times, decimal
// amounts as JSON numbers), If-Modified-Since filtering on UpdatedDateUTC,
// page/pageSize pagination with a pagination block, the per-tenant minute
// and day limits with their headers, merged contacts, rotating refresh
// tokens and hooks that inject failures (429, 5xx, an exhausted day limit,
// a malformed record, slow answers).
//
// A zero Server is ready to use; serve it with httptest:
//
//	var xs xerotest.Server
//	xs.Generate(50, time.Now().Add(-time.Hour))
//	ts := xs.Serve(t) // fails t at cleanup if a request hit an unknown route
//
// Requests must carry "Authorization: Bearer <token>" (AccessToken, default
// DefaultAccessToken, or an unexpired token from POST /connect/token), and
// requests under /api.xro/2.0 an "xero-tenant-id" naming a connected tenant.
// Configuration fields are read while serving: set them before the first
// request. Every method is safe for concurrent use.
package xerotest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/nayose/nayose/connectors/vendortest"
)

const (
	// DefaultAccessToken is the bearer token accepted when AccessToken is empty.
	DefaultAccessToken = "xerotest-access-token"
	// DefaultTenantID is the one connected tenant when Tenants is empty.
	DefaultTenantID = "fe79f7dd-b6d4-4a92-ba7b-538af6289c58"
	// DefaultClientID and DefaultClientSecret are the OAuth client
	// credentials accepted when ClientID and ClientSecret are empty.
	DefaultClientID     = "xerotest-client"
	DefaultClientSecret = "xerotest-client-secret"
	// MinuteLimit and DayLimit are Xero's per-tenant limits, the defaults.
	MinuteLimit = 60
	DayLimit    = 5000
	// AppMinuteLimit is Xero's limit across all tenants of an app.
	AppMinuteLimit = 10000
	// AccessTokenLifetime is how long a token from /connect/token is accepted.
	AccessTokenLifetime = 30 * time.Minute
	// APIPrefix is where the accounting API lives.
	APIPrefix = "/api.xro/2.0"
	// MaxPageSize is the largest pageSize the fake honours.
	MaxPageSize = 1000
)

// Malformations MalformNext can apply to one record of the next list page.
const (
	// BadUpdated makes UpdatedDateUTC unreadable.
	BadUpdated = iota + 1
	// BadAmount makes the money amount (Total, or a payment's Amount) a
	// string that is not a number.
	BadAmount
	// NoID drops the record's id.
	NoID
)

// Server is a fake Xero API. The zero value is ready to use.
//
// The request log, unknown routes, delay, injected faults and in-flight
// counts come from the embedded vendortest.Hooks; what a fault looks like
// is Xero's.
type Server struct {
	vendortest.Hooks

	// AccessToken is the static bearer token accepted (a trial's token);
	// empty means DefaultAccessToken.
	AccessToken string
	// ClientID and ClientSecret authenticate /connect/token; empty means
	// the defaults.
	ClientID, ClientSecret string
	// Tenants are the connections GET /Connections lists; empty means one
	// tenant, DefaultTenantID.
	Tenants []Connection
	// MinuteLimit and DayLimit are the per-tenant limits; 0 means Xero's
	// (60 and 5,000).
	MinuteLimit, DayLimit int
	// RetryAfter is the Retry-After, in seconds, of an injected 429 (0 by
	// default, so tests do not wait) and, when more than 0, of a 429 for
	// the minute limit, which otherwise asks for the rest of the minute.
	RetryAfter int
	// Now is the clock for UpdatedDateUTC, token expiry and the limit
	// windows; nil means time.Now.
	Now func() time.Time

	muxOnce sync.Once
	mux     *http.ServeMux

	mu          sync.Mutex
	seq         uint64
	contacts    map[string]*Contact
	invoices    map[string]*Invoice
	creditNotes map[string]*CreditNote
	payments    map[string]*Payment
	refresh     string               // the one valid refresh token
	access      map[string]time.Time // OAuth access token -> expiry
	lastAccess  string
	usage       map[string]*usage // per tenant
	tokenCalls  int
}

// usage is one tenant's requests in the current minute and day.
type usage struct {
	minute    time.Time
	minuteN   int
	day       time.Time
	dayN      int
	exhausted bool // ExhaustDayLimit: every request is over the day limit
}

func (s *Server) now() time.Time {
	if s.Now != nil {
		return s.Now().UTC()
	}
	return time.Now().UTC()
}

func (s *Server) initLocked() {
	if s.contacts != nil {
		return
	}
	s.contacts = map[string]*Contact{}
	s.invoices = map[string]*Invoice{}
	s.creditNotes = map[string]*CreditNote{}
	s.payments = map[string]*Payment{}
	s.access = map[string]time.Time{}
	s.usage = map[string]*usage{}
}

// uuidLocked returns a new deterministic UUID-shaped id.
func (s *Server) uuidLocked() string {
	s.seq++
	return fmt.Sprintf("%08x-5ee0-4a11-9c2d-%012x", uint32(s.seq*2654435761), s.seq)
}

// Serve starts s on an httptest.Server closed when the test ends; the test
// then fails if any request reached a route the fake does not serve.
func (s *Server) Serve(t testing.TB) *httptest.Server {
	t.Helper()
	return vendortest.Serve(t, "xerotest", s)
}

func (s *Server) tenants() []Connection {
	if len(s.Tenants) > 0 {
		return s.Tenants
	}
	return []Connection{{ID: "7cb59f93-2964-421d-bb5e-a0f7a4572a44", TenantID: DefaultTenantID, TenantType: "ORGANISATION", TenantName: "Demo Company (NZ)"}}
}

func (s *Server) minuteLimit() int { return cmpOr(s.MinuteLimit, MinuteLimit) }
func (s *Server) dayLimit() int    { return cmpOr(s.DayLimit, DayLimit) }

func cmpOr(v, def int) int {
	if v > 0 {
		return v
	}
	return def
}

// ServeHTTP answers one request the way Xero does.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.muxOnce.Do(func() { s.mux = s.routes() })
	s.Handle(w, r, &vendortest.Vendor{
		Routes: s.mux,
		Next:   s.mux,
		Now:    s.now,
		NotFound: func(w http.ResponseWriter, r *http.Request) {
			problem(w, http.StatusNotFound, "NotFound", "The resource you're looking for cannot be found")
		},
		Fault: s.fault,
	})
}

func (s *Server) routes() *http.ServeMux {
	m := http.NewServeMux()
	m.HandleFunc("POST /connect/token", s.serveToken)
	m.HandleFunc("GET /Connections", s.authorized(s.serveConnections))
	m.HandleFunc("GET "+APIPrefix+"/Contacts", s.api(s.serveContacts))
	m.HandleFunc("GET "+APIPrefix+"/Invoices", s.api(s.serveInvoices))
	m.HandleFunc("GET "+APIPrefix+"/CreditNotes", s.api(s.serveCreditNotes))
	m.HandleFunc("GET "+APIPrefix+"/Payments", s.api(s.servePayments))
	return m
}

// fault answers an injected status: a 429 as Xero's minute limit does,
// anything else with Xero's problem body.
func (s *Server) fault(w http.ResponseWriter, _ *http.Request, status int) {
	if status == http.StatusTooManyRequests {
		w.Header().Set("Retry-After", strconv.Itoa(s.RetryAfter))
		w.Header().Set("X-Rate-Limit-Problem", "minute")
		problem(w, status, "TooManyRequests", "rate limit exceeded")
		return
	}
	problem(w, status, http.StatusText(status), "injected failure")
}

// problem writes Xero's error body for the identity and rate-limit layer.
func problem(w http.ResponseWriter, status int, title, detail string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]any{"Type": nil, "Title": title, "Status": status, "Detail": detail, "Instance": "00000000-0000-0000-0000-000000000000"})
}

// authorized checks the bearer token.
func (s *Server) authorized(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		tok, ok := bearer(r)
		if !ok || !s.accepts(tok) {
			w.Header().Set("WWW-Authenticate", `Bearer error="invalid_token"`)
			problem(w, http.StatusUnauthorized, "Unauthorized", "AuthenticationUnsuccessful")
			return
		}
		next(w, r)
	}
}

func bearer(r *http.Request) (string, bool) {
	const p = "Bearer "
	h := r.Header.Get("Authorization")
	if len(h) <= len(p) || h[:len(p)] != p {
		return "", false
	}
	return h[len(p):], true
}

func (s *Server) accepts(tok string) bool {
	static := s.AccessToken
	if static == "" {
		static = DefaultAccessToken
	}
	if tok == static {
		return true
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.initLocked()
	exp, ok := s.access[tok]
	return ok && s.now().Before(exp)
}

// api checks the bearer token and the tenant, counts the request against
// the tenant's limits and sets the limit headers.
func (s *Server) api(next http.HandlerFunc) http.HandlerFunc {
	return s.authorized(func(w http.ResponseWriter, r *http.Request) {
		tenant := r.Header.Get("Xero-Tenant-Id")
		if tenant == "" {
			problem(w, http.StatusForbidden, "Forbidden", "AuthorizationUnsuccessful: xero-tenant-id header is missing")
			return
		}
		known := false
		for _, c := range s.tenants() {
			known = known || c.TenantID == tenant
		}
		if !known {
			problem(w, http.StatusForbidden, "Forbidden", "AuthorizationUnsuccessful")
			return
		}
		if !s.count(w, tenant) {
			return
		}
		next(w, r)
	})
}

// count charges one request to tenant; over a limit it answers 429 and
// returns false.
func (s *Server) count(w http.ResponseWriter, tenant string) bool {
	s.mu.Lock()
	s.initLocked()
	now := s.now()
	u := s.usage[tenant]
	if u == nil {
		u = &usage{}
		s.usage[tenant] = u
	}
	if m := now.Truncate(time.Minute); !m.Equal(u.minute) {
		u.minute, u.minuteN = m, 0
	}
	if d := now.Truncate(24 * time.Hour); !d.Equal(u.day) {
		u.day, u.dayN, u.exhausted = d, 0, false
	}
	minLeft, dayLeft := s.minuteLimit()-u.minuteN, s.dayLimit()-u.dayN
	if u.exhausted {
		dayLeft = 0
	}
	problemName, retry := "", 0
	switch {
	case dayLeft <= 0:
		problemName, retry = "day", int(u.day.Add(24*time.Hour).Sub(now).Seconds())+1
	case minLeft <= 0:
		problemName, retry = "minute", int(u.minute.Add(time.Minute).Sub(now).Seconds())+1
		if s.RetryAfter > 0 {
			retry = s.RetryAfter
		}
	default:
		u.minuteN++
		u.dayN++
		minLeft--
		dayLeft--
	}
	s.mu.Unlock()
	h := w.Header()
	h.Set("X-MinLimit-Remaining", strconv.Itoa(max(minLeft, 0)))
	h.Set("X-DayLimit-Remaining", strconv.Itoa(max(dayLeft, 0)))
	h.Set("X-AppMinLimit-Remaining", strconv.Itoa(AppMinuteLimit-1))
	if problemName != "" {
		h.Set("Retry-After", strconv.Itoa(retry))
		h.Set("X-Rate-Limit-Problem", problemName)
		problem(w, http.StatusTooManyRequests, "TooManyRequests", "rate limit exceeded")
		return false
	}
	return true
}

// ExhaustDayLimit spends the day limit of every tenant: until the next UTC
// day (or RestoreDayLimit) every API request is answered 429 with
// "X-Rate-Limit-Problem: day" and a Retry-After until midnight UTC.
func (s *Server) ExhaustDayLimit() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.initLocked()
	for _, c := range s.tenants() {
		u := s.usage[c.TenantID]
		if u == nil {
			u = &usage{}
			s.usage[c.TenantID] = u
		}
		u.day, u.exhausted = s.now().Truncate(24*time.Hour), true
	}
}

// SetDayUsed sets how many requests every tenant has made today, so that
// X-DayLimit-Remaining counts down from DayLimit-n.
func (s *Server) SetDayUsed(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.initLocked()
	for _, c := range s.tenants() {
		s.usage[c.TenantID] = &usage{day: s.now().Truncate(24 * time.Hour), dayN: n}
	}
}

// RestoreDayLimit gives every tenant a fresh day, as midnight UTC would.
func (s *Server) RestoreDayLimit() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.initLocked()
	clear(s.usage)
}

// RateLimitNext makes the next n requests answer 429 with Retry-After and
// "X-Rate-Limit-Problem: minute", ahead of other injected faults.
func (s *Server) RateLimitNext(n int) { s.InjectAhead(n, http.StatusTooManyRequests) }

// FailNext makes the next n requests answer status (a 5xx).
func (s *Server) FailNext(n, status int) { s.Inject(n, status) }

// MalformNext corrupts one record (the middle one) of the next non-empty
// page served from path ("/api.xro/2.0/Invoices"; "" for any list) with
// kind (BadUpdated, BadAmount, NoID). The corrupted record's id is then in
// MalformedIDs.
func (s *Server) MalformNext(path string, kind int) { s.QueueMalform(path, kind) }

func (s *Server) serveConnections(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, s.tenants())
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	json.NewEncoder(w).Encode(v)
}
