// Package freeetest is an in-memory fake of freee 会計's API for connector
// tests: GET /api/1/companies, GET /api/1/partners, GET /api/1/deals, the
// freee請求書 API's GET /iv/invoices and the OAuth token endpoint POST
// /public_api/token (refresh grant), with freee's JSON shapes and error
// body ({status_code, errors[{type, messages[]}]}), X-Freee-Request-ID on every answer, company_id required
// on every call, offset/limit paging with freee's limits, date-only update
// filters evaluated in JST, single-use rotating refresh tokens, and hooks
// for 403 throttling, a daily quota per company, 5xx, malformed records and
// slow answers.
//
// A zero Server is ready to use; serve it with httptest:
//
//	var f freeetest.Server
//	f.Generate(50, 1)
//	ts := f.Serve(t) // fails t at cleanup if a request hit an unknown route
//
// Requests must carry "Authorization: Bearer <token>": AccessToken
// (default DefaultAccessToken) or, once SetRefreshToken has switched the
// fake to OAuth mode, an unexpired access token from the token endpoint.
//
// Configuration fields are read while serving: set them before the first
// request. Every method is safe for concurrent use.
package freeetest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/nayose/nayose/connectors/vendortest"
)

const (
	// DefaultAccessToken is the access token accepted when AccessToken is empty.
	DefaultAccessToken = "freeetest-access-token"
	// DefaultClientID and DefaultClientSecret are the OAuth client
	// credentials accepted when ClientID and ClientSecret are empty.
	DefaultClientID     = "freeetest-client"
	DefaultClientSecret = "freeetest-client-secret"
	// DefaultCompanyID is the one company a zero Server has.
	DefaultCompanyID int64 = 1001
	// AccessTokenLifetime is how long an OAuth access token is accepted (6 h).
	AccessTokenLifetime = 6 * time.Hour
	// TokenPath is the token endpoint's path (on accounts.secure.freee.co.jp
	// for real).
	TokenPath = "/public_api/token"
	// MaxPartnersLimit and MaxDealsLimit are freee's largest limits;
	// DefaultPartnersLimit and DefaultDealsLimit apply without one.
	MaxPartnersLimit     = 3000
	MaxDealsLimit        = 100
	DefaultPartnersLimit = 50
	DefaultDealsLimit    = 20
)

// JST is Japan Standard Time, in which freee writes dates.
var JST = time.FixedZone("JST", 9*60*60)

// Date is t's JST date as freee writes it (yyyy-mm-dd).
func Date(t time.Time) string { return t.In(JST).Format("2006-01-02") }

// Server is a fake freee 会計 API. The zero value is ready to use.
//
// The request log, unknown routes, delay and in-flight counts come from the
// embedded vendortest.Hooks (Requests, CountRequests, ResetRequests,
// UnknownRoutes, SetDelay, InFlight, MaxInFlight).
type Server struct {
	vendortest.Hooks

	// AccessToken is the bearer token accepted until SetRefreshToken
	// switches the fake to OAuth mode; empty means DefaultAccessToken.
	AccessToken string
	// ClientID and ClientSecret authenticate OAuth clients; empty means
	// the defaults.
	ClientID, ClientSecret string
	// Now is the clock for token expiry, the daily quota, update dates and
	// the request log. Nil means time.Now.
	Now func() time.Time

	muxOnce sync.Once
	mux     *http.ServeMux

	mu        sync.Mutex
	ready     bool
	companies []Company
	partners  []*Partner // id order
	deals     []*Deal    // id order
	invoices  []*Invoice // id order
	seq       int64
	reqSeq    int64

	quota     int                  // API calls per company per JST day; 0: none
	quotaUsed map[string]int       // company + JST date -> calls
	oauth     bool                 // SetRefreshToken was called
	refresh   string               // the one valid refresh token
	used      map[string]bool      // spent refresh tokens
	access    map[string]time.Time // access token -> expiry
	last      string               // latest access token
}

// Request is one request the Server received.
type Request = vendortest.Request

func (s *Server) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

func (s *Server) initLocked() {
	if s.ready {
		return
	}
	s.ready = true
	s.quotaUsed = map[string]int{}
	s.used = map[string]bool{}
	s.access = map[string]time.Time{}
	if len(s.companies) == 0 {
		s.companies = []Company{{ID: DefaultCompanyID, Name: "株式会社さくらデザイン", NameKana: "カブシキガイシャサクラデザイン",
			DisplayName: "さくらデザイン", CompanyNumber: "1234567890", Role: "admin"}}
	}
}

// Serve starts s on an httptest.Server closed when the test ends; the test
// then fails if any request reached a route the fake does not serve.
func (s *Server) Serve(t testing.TB) *httptest.Server {
	t.Helper()
	return vendortest.Serve(t, "freeetest", s)
}

// SetCompanies replaces the companies the token can read.
func (s *Server) SetCompanies(cs ...Company) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.initLocked()
	s.companies = append([]Company(nil), cs...)
}

// SetDailyQuota limits API calls per company and JST day to n (freee: 3,000,
// or 5,000 / 10,000 on higher plans); past it every call for that company
// answers 403 until the JST date changes. 0 removes the limit.
func (s *Server) SetDailyQuota(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.initLocked()
	s.quota = n
}

// QuotaUsed returns the API calls counted today (JST, by Now) for company.
func (s *Server) QuotaUsed(company int64) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.initLocked()
	return s.quotaUsed[quotaKey(company, s.now())]
}

func quotaKey(company int64, t time.Time) string { return fmt.Sprintf("%d/%s", company, Date(t)) }

// SetRefreshToken switches the fake to OAuth mode: AccessToken is no longer
// accepted, tok becomes the one valid refresh token, and a fresh access
// token is issued (see CurrentAccessToken).
func (s *Server) SetRefreshToken(tok string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.initLocked()
	s.oauth = true
	s.refresh = tok
	delete(s.used, tok)
	s.issueLocked()
}

// RefreshToken returns the refresh token the fake accepts next.
func (s *Server) RefreshToken() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.refresh
}

// CurrentAccessToken returns the bearer token a client should send: the
// latest OAuth access token in OAuth mode, AccessToken otherwise.
func (s *Server) CurrentAccessToken() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.oauth {
		return s.last
	}
	return s.staticLocked()
}

func (s *Server) staticLocked() string {
	if s.AccessToken != "" {
		return s.AccessToken
	}
	return DefaultAccessToken
}

func (s *Server) issueLocked() string {
	s.seq++
	tok := fmt.Sprintf("freeetest-oauth-access-%d", s.seq)
	s.access[tok] = s.now().Add(AccessTokenLifetime)
	s.last = tok
	return tok
}

// ThrottleNext makes the next n requests to known routes answer 403 the way
// freee signals over-use (ahead of queued 5xx).
func (s *Server) ThrottleNext(n int) { s.InjectAhead(n, http.StatusForbidden) }

// FailNext makes the next n requests to known routes answer status (5xx).
func (s *Server) FailNext(n, status int) {
	if status < 500 || status > 599 {
		panic(fmt.Sprintf("freeetest: FailNext status %d is not a 5xx", status))
	}
	s.Inject(n, status)
}

// MalformPartnerNext makes the next non-empty partners page carry one
// partner (the middle one) whose update_date is not a date. MalformedIDs
// names it.
func (s *Server) MalformPartnerNext() { s.QueueMalform("/api/1/partners", 0) }

// MalformDealNext makes the next non-empty deals page carry one deal (the
// middle one) whose issue_date is not a date. MalformedIDs names it.
func (s *Server) MalformDealNext() { s.QueueMalform("/api/1/deals", 0) }

func (s *Server) routes() *http.ServeMux {
	s.muxOnce.Do(func() {
		m := http.NewServeMux()
		m.HandleFunc("POST "+TokenPath, s.token)
		m.HandleFunc("GET /api/1/companies", s.api(false, s.listCompanies))
		m.HandleFunc("GET /api/1/partners", s.api(true, s.listPartners))
		m.HandleFunc("GET /api/1/deals", s.api(true, s.listDeals))
		m.HandleFunc("GET "+InvoicesPath, s.api(true, s.listInvoices))
		s.mux = m
	})
	return s.mux
}

// ServeHTTP answers one request the way freee would. Order: log, route,
// delay, injected 403s, injected 5xx, then the route (authentication,
// company_id, the daily quota, the handler).
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.initLocked()
	s.reqSeq++
	w.Header().Set("X-Freee-Request-ID", fmt.Sprintf("freeetest-req-%06d", s.reqSeq))
	s.mu.Unlock()
	s.Handle(w, r, &vendortest.Vendor{
		Routes: s.routes(),
		Next:   s.routes(),
		Now:    s.now,
		NotFound: func(w http.ResponseWriter, r *http.Request) {
			writeError(w, http.StatusNotFound, fmt.Sprintf("freeetest: no route for %s %s", r.Method, r.URL.Path))
		},
		Fault: func(w http.ResponseWriter, _ *http.Request, status int) {
			if status == http.StatusForbidden {
				writeThrottled(w)
				return
			}
			writeError(w, status, "freeetest: injected failure")
		},
	})
}

// ThrottleMessage is the message of the fake's over-use 403. freee
// documents the status, not the body; this one is the fake's.
const ThrottleMessage = "アクセスが集中しています。しばらく時間をおいてから再度お試しください。"

func writeThrottled(w http.ResponseWriter) {
	writeError(w, http.StatusForbidden, ThrottleMessage)
}

// writeError answers freee's error shape with one "status" entry: msgs,
// or the status's usual message.
func writeError(w http.ResponseWriter, status int, msgs ...string) {
	if len(msgs) == 0 {
		msgs = []string{statusMessage(status)}
	}
	writeJSON(w, status, errorBody{StatusCode: status, Errors: []errorEntry{{Type: "status", Messages: msgs}}})
}

// writeInvalid answers 400 with a "status" and a "validation" entry, as
// freee's documentation shows.
func writeInvalid(w http.ResponseWriter, msgs ...string) {
	writeJSON(w, http.StatusBadRequest, errorBody{StatusCode: http.StatusBadRequest, Errors: []errorEntry{
		{Type: "status", Messages: []string{statusMessage(http.StatusBadRequest)}},
		{Type: "validation", Messages: msgs},
	}})
}

func statusMessage(status int) string {
	switch status {
	case http.StatusBadRequest:
		return "不正なリクエストです。"
	case http.StatusUnauthorized:
		return "ログインしてください。"
	case http.StatusForbidden:
		return "権限がありません。"
	case http.StatusNotFound:
		return "指定したリソースが見つかりませんでした。"
	}
	return http.StatusText(status)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		status = http.StatusInternalServerError
		b = []byte(`{"status_code":500,"errors":[{"type":"status","messages":["freeetest: encoding failed"]}]}`)
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	w.Write(b)
}
