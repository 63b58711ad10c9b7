// Package calendlytest is an in-memory fake of the Calendly API v2 for connector tests:
// GET /users/me, GET /scheduled_events, GET /scheduled_events/{uuid}/invitees and the
// OAuth refresh grant at POST /oauth/token, with Calendly's JSON shapes, page-token
// pagination, rate-limit headers and limits, single-use rotating refresh tokens, and
// hooks that inject failures (429, 5xx, a malformed record, slow answers).
//
// A zero Server is ready to use; serve it with httptest:
//
//	var cal calendlytest.Server
//	cal.Generate(1, 300, time.Date(2024, 4, 1, 0, 0, 0, 0, time.UTC))
//	ts := cal.Serve(t) // fails t at cleanup if a request hit an unknown route
//
// Requests must carry "Authorization: Bearer <token>": the personal access token
// (PersonalAccessToken, default DefaultAccessToken) or, once SetRefreshToken has switched
// the fake to OAuth mode, an unexpired access token from POST /oauth/token. URIs in
// answers are built from the request's Host, so a connector can follow them.
//
// Configuration fields are read while serving: set them before the first request.
// Every method is safe for concurrent use.
package calendlytest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nayose/nayose/connectors/vendortest"
)

const (
	// DefaultAccessToken is the personal access token accepted when PersonalAccessToken is empty.
	DefaultAccessToken = "calendlytest-pat"
	// DefaultClientID and DefaultClientSecret are the OAuth client credentials accepted
	// when ClientID and ClientSecret are empty.
	DefaultClientID     = "calendlytest-client"
	DefaultClientSecret = "calendlytest-secret"
	// DefaultRateLimit is the API limit per minute (Calendly's paid plans; free is 50).
	DefaultRateLimit = 500
	// TokenRequestsPerMinute is the limit on POST /oauth/token.
	TokenRequestsPerMinute = 8
	// AccessTokenLifetime is how long an OAuth access token is accepted.
	AccessTokenLifetime = 2 * time.Hour
	// RealBaseURL is the base URL of the real API; BaseURL may be set to it.
	RealBaseURL = "https://api.calendly.com"
)

// Server is a fake Calendly API v2. The zero value is ready to use.
//
// The request log, unknown routes, delay and in-flight counts come from the embedded
// vendortest.Hooks (Requests, CountRequests, ResetRequests, UnknownRoutes, SetDelay,
// InFlight, MaxInFlight); what a fault looks like is Calendly's.
type Server struct {
	vendortest.Hooks

	// PersonalAccessToken is the static bearer token accepted until SetRefreshToken
	// switches the fake to OAuth mode; empty means DefaultAccessToken.
	PersonalAccessToken string
	// ClientID and ClientSecret authenticate OAuth clients; empty means the defaults.
	ClientID, ClientSecret string
	// RateLimit is the number of API requests allowed per clock minute; 0 means
	// DefaultRateLimit.
	RateLimit int
	// Now is the clock for token expiry, rate-limit windows, the request log and
	// mutations. Nil means time.Now.
	Now func() time.Time
	// BaseURL, if set, is used in URIs instead of "http://" + the request's Host.
	BaseURL string

	muxOnce sync.Once
	mux     *http.ServeMux

	mu     sync.Mutex
	ready  bool
	user   User
	events map[string]*eventRec
	seq    uint64

	// OAuth
	oauth       bool
	refresh     string               // the one valid refresh token
	usedRefresh map[string]bool      // consumed refresh tokens
	access      map[string]time.Time // access token -> expiry
	lastAccess  string
	tokenTimes  []time.Time // token requests in the last minute
	windowStart time.Time   // API rate-limit window
	windowUsed  int
}

type eventRec struct {
	ev       Event
	invitees []*Invitee
}

// Request is one request the Server received.
type Request = vendortest.Request

func (s *Server) now() time.Time {
	if s.Now != nil {
		return s.Now().UTC()
	}
	return time.Now().UTC()
}

func (s *Server) initLocked() {
	if s.ready {
		return
	}
	s.ready = true
	s.events = make(map[string]*eventRec)
	s.usedRefresh = make(map[string]bool)
	s.access = make(map[string]time.Time)
	if s.user.UUID == "" {
		s.user = User{
			UUID:             "5b0e6f8a-1c2d-4e3f-8a9b-0c1d2e3f4a5b",
			OrganizationUUID: "9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a",
			Name:             "田中 美咲",
			Email:            "misaki.tanaka@salon-sakura.example.jp",
			Timezone:         "Asia/Tokyo",
			Slug:             "salon-sakura",
		}
	}
}

// uuid returns a new deterministic UUID-shaped string.
func (s *Server) uuidLocked() string {
	s.seq++
	return fmt.Sprintf("%08x-c41e-4d0a-8000-%012x", uint32(s.seq*2654435761), s.seq)
}

// Serve starts s on an httptest.Server closed when the test ends; the test then fails
// if any request reached a route the fake does not serve.
func (s *Server) Serve(t testing.TB) *httptest.Server {
	t.Helper()
	return vendortest.Serve(t, "calendlytest", s)
}

// SetUser replaces the authenticated user; empty fields keep the default values.
func (s *Server) SetUser(u User) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.initLocked()
	d := s.user
	if u.UUID == "" {
		u.UUID = d.UUID
	}
	if u.OrganizationUUID == "" {
		u.OrganizationUUID = d.OrganizationUUID
	}
	if u.Name == "" {
		u.Name = d.Name
	}
	if u.Email == "" {
		u.Email = d.Email
	}
	if u.Timezone == "" {
		u.Timezone = d.Timezone
	}
	if u.Slug == "" {
		u.Slug = d.Slug
	}
	s.user = u
}

// User returns the authenticated user.
func (s *Server) User() User {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.initLocked()
	return s.user
}

// SetRefreshToken switches the fake to OAuth mode: the personal access token is no
// longer accepted, tok becomes the one valid refresh token, and a fresh access token
// (see AccessToken) is issued, valid for AccessTokenLifetime from Now.
func (s *Server) SetRefreshToken(tok string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.initLocked()
	s.oauth = true
	s.refresh = tok
	delete(s.usedRefresh, tok)
	s.issueAccessLocked()
}

// RefreshToken returns the refresh token the fake accepts next ("" before OAuth mode).
func (s *Server) RefreshToken() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.refresh
}

// AccessToken returns the bearer token a client should send: the latest OAuth access
// token in OAuth mode (it may have expired by Now), the personal access token otherwise.
func (s *Server) AccessToken() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.oauth {
		return s.lastAccess
	}
	return s.patLocked()
}

func (s *Server) patLocked() string {
	if s.PersonalAccessToken != "" {
		return s.PersonalAccessToken
	}
	return DefaultAccessToken
}

func (s *Server) issueAccessLocked() string {
	s.seq++
	tok := fmt.Sprintf("calendlytest-access-%d", s.seq)
	s.access[tok] = s.now().Add(AccessTokenLifetime)
	s.lastAccess = tok
	return tok
}

// RateLimitNext makes the next n requests to known routes answer 429 with
// X-RateLimit-Remaining 0 and X-RateLimit-Reset 1.
func (s *Server) RateLimitNext(n int) { s.InjectAhead(n, http.StatusTooManyRequests) }

// FailNext makes the next n requests to known routes (after pending 429s) answer
// status, which must be a 5xx.
func (s *Server) FailNext(n int, status int) {
	if status < 500 || status > 599 {
		panic(fmt.Sprintf("calendlytest: FailNext status %d is not a 5xx", status))
	}
	s.Inject(n, status)
}

// MalformNext makes the next non-empty page of /scheduled_events or of an invitees list
// carry one record (the middle one) with an unparseable time: start_time for an event,
// created_at for an invitee (invitees have no start_time). MalformedURIs names it.
func (s *Server) MalformNext() { s.QueueMalform("", 0) }

// MalformedURIs returns the URIs of the records corrupted so far, oldest first. It is
// MalformedIDs under Calendly's name for a record's id.
func (s *Server) MalformedURIs() []string { return s.MalformedIDs() }

func (s *Server) routes() *http.ServeMux {
	s.muxOnce.Do(func() {
		m := http.NewServeMux()
		m.HandleFunc("POST /oauth/token", s.token)
		m.HandleFunc("GET /users/me", s.api(s.usersMe))
		m.HandleFunc("GET /scheduled_events", s.api(s.listEvents))
		m.HandleFunc("GET /scheduled_events/{uuid}/invitees", s.api(s.listInvitees))
		s.mux = m
	})
	return s.mux
}

// ServeHTTP answers one request the way Calendly would. Order: log, route, delay,
// injected 429s, injected 5xx, then the route (authentication and the rate limit).
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.initLocked()
	s.mu.Unlock()
	s.Handle(w, r, &vendortest.Vendor{
		Routes: s.routes(),
		Next:   s.routes(),
		Now:    s.now,
		NotFound: func(w http.ResponseWriter, r *http.Request) {
			s.mu.Lock()
			s.rateHeadersLocked(w, s.now())
			s.mu.Unlock()
			writeJSON(w, http.StatusNotFound, ErrorResponse{Title: "Resource Not Found",
				Message: fmt.Sprintf("calendlytest: no route for %s %s", r.Method, r.URL.Path)})
		},
		Fault: s.fault,
	})
}

// fault answers an injected status: a 429 with an exhausted X-RateLimit-* set, or an
// error with the current rate-limit headers.
func (s *Server) fault(w http.ResponseWriter, _ *http.Request, status int) {
	s.mu.Lock()
	if status == http.StatusTooManyRequests {
		h := w.Header()
		h.Set("X-RateLimit-Limit", strconv.Itoa(s.limit()))
		h.Set("X-RateLimit-Remaining", "0")
		h.Set("X-RateLimit-Reset", "1")
		s.mu.Unlock()
		writeJSON(w, status, ErrorResponse{Title: "Too Many Requests",
			Message: "You have exceeded the rate limit. Please try again later."})
		return
	}
	s.rateHeadersLocked(w, s.now())
	s.mu.Unlock()
	writeJSON(w, status, ErrorResponse{Title: http.StatusText(status), Message: "calendlytest: injected failure"})
}

func (s *Server) limit() int {
	if s.RateLimit > 0 {
		return s.RateLimit
	}
	return DefaultRateLimit
}

// rollLocked starts a new rate-limit window when the current one is over.
func (s *Server) rollLocked(now time.Time) {
	if s.windowStart.IsZero() || !now.Before(s.windowStart.Add(time.Minute)) || now.Before(s.windowStart) {
		s.windowStart = now
		s.windowUsed = 0
	}
}

func (s *Server) rateHeadersLocked(w http.ResponseWriter, now time.Time) {
	s.rollLocked(now)
	h := w.Header()
	h.Set("X-RateLimit-Limit", strconv.Itoa(s.limit()))
	h.Set("X-RateLimit-Remaining", strconv.Itoa(max(s.limit()-s.windowUsed, 0)))
	h.Set("X-RateLimit-Reset", strconv.Itoa(ceilSeconds(s.windowStart.Add(time.Minute).Sub(now))))
}

func ceilSeconds(d time.Duration) int {
	return int((d + time.Second - 1) / time.Second)
}

// apiFunc answers an authenticated API request with a value to encode or an error.
type apiFunc func(r *http.Request, base string) (any, *apiError)

type apiError struct {
	status int
	body   ErrorResponse
}

func invalidArgument(param, msg string) *apiError {
	return &apiError{status: http.StatusBadRequest, body: ErrorResponse{
		Title: "Invalid Argument", Message: "The supplied parameters are invalid.",
		Details: []ErrorDetail{{Parameter: param, Message: msg}},
	}}
}

// api wraps an endpoint with authentication, the API rate limit and its headers.
func (s *Server) api(fn apiFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		now := s.now()
		msg := s.authLocked(r.Header.Get("Authorization"), now)
		if msg != "" {
			s.rateHeadersLocked(w, now)
			s.mu.Unlock()
			writeJSON(w, http.StatusUnauthorized, ErrorResponse{Title: "Unauthenticated", Message: msg})
			return
		}
		s.rollLocked(now)
		if s.windowUsed >= s.limit() {
			s.rateHeadersLocked(w, now)
			s.mu.Unlock()
			writeJSON(w, http.StatusTooManyRequests, ErrorResponse{Title: "Too Many Requests",
				Message: "You have exceeded the rate limit. Please try again later."})
			return
		}
		s.windowUsed++
		s.rateHeadersLocked(w, now)
		s.mu.Unlock()

		resp, aerr := fn(r, s.baseURL(r))
		if aerr != nil {
			writeJSON(w, aerr.status, aerr.body)
			return
		}
		writeJSON(w, http.StatusOK, resp)
	}
}

func (s *Server) authLocked(header string, now time.Time) string {
	const invalid = "The access token is invalid"
	tok, ok := strings.CutPrefix(header, "Bearer ")
	if !ok || tok == "" {
		return invalid
	}
	if !s.oauth {
		if tok == s.patLocked() {
			return ""
		}
		return invalid
	}
	exp, ok := s.access[tok]
	switch {
	case !ok:
		return invalid
	case !now.Before(exp):
		return "The access token is expired"
	}
	return ""
}

func (s *Server) baseURL(r *http.Request) string {
	if s.BaseURL != "" {
		return strings.TrimSuffix(s.BaseURL, "/")
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		status = http.StatusInternalServerError
		b = []byte(`{"title":"Internal Server Error","message":"calendlytest: encoding failed"}`)
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	w.Write(b)
}

// token serves POST /oauth/token (refresh_token grant only).
func (s *Server) token(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	// Token requests have their own limit and headers.
	kept := s.tokenTimes[:0]
	for _, t := range s.tokenTimes {
		if now.Sub(t) < time.Minute && !now.Before(t) {
			kept = append(kept, t)
		}
	}
	s.tokenTimes = kept
	h := w.Header()
	h.Set("X-RateLimit-Limit", strconv.Itoa(TokenRequestsPerMinute))
	if len(s.tokenTimes) >= TokenRequestsPerMinute {
		h.Set("X-RateLimit-Remaining", "0")
		h.Set("X-RateLimit-Reset", strconv.Itoa(max(ceilSeconds(s.tokenTimes[0].Add(time.Minute).Sub(now)), 1)))
		writeJSON(w, http.StatusTooManyRequests, OAuthError{Error: "too_many_requests",
			ErrorDescription: "calendlytest: more than 8 token requests in a minute"})
		return
	}
	s.tokenTimes = append(s.tokenTimes, now)
	h.Set("X-RateLimit-Remaining", strconv.Itoa(TokenRequestsPerMinute-len(s.tokenTimes)))
	h.Set("X-RateLimit-Reset", strconv.Itoa(ceilSeconds(s.tokenTimes[0].Add(time.Minute).Sub(now))))

	if err := r.ParseForm(); err != nil {
		writeJSON(w, http.StatusBadRequest, OAuthError{Error: "invalid_request", ErrorDescription: err.Error()})
		return
	}
	id, secret, basic := r.BasicAuth()
	if !basic {
		id, secret = r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
	}
	wantID, wantSecret := s.ClientID, s.ClientSecret
	if wantID == "" {
		wantID = DefaultClientID
	}
	if wantSecret == "" {
		wantSecret = DefaultClientSecret
	}
	if id != wantID || secret != wantSecret {
		writeJSON(w, http.StatusUnauthorized, OAuthError{Error: "invalid_client",
			ErrorDescription: "Client authentication failed due to unknown client, no client authentication included, or unsupported authentication method."})
		return
	}
	if gt := r.PostForm.Get("grant_type"); gt != "refresh_token" {
		writeJSON(w, http.StatusBadRequest, OAuthError{Error: "unsupported_grant_type",
			ErrorDescription: fmt.Sprintf("calendlytest: grant_type %q is not supported (only refresh_token)", gt)})
		return
	}
	rt := r.PostForm.Get("refresh_token")
	if !s.oauth || rt == "" || rt != s.refresh || s.usedRefresh[rt] {
		writeJSON(w, http.StatusBadRequest, OAuthError{Error: "invalid_grant",
			ErrorDescription: "The provided authorization grant is invalid, expired, revoked, does not match the redirection URI used in the authorization request, or was issued to another client."})
		return
	}
	s.usedRefresh[rt] = true
	s.seq++
	s.refresh = fmt.Sprintf("calendlytest-refresh-%d", s.seq)
	access := s.issueAccessLocked()
	base := s.baseURL(r)
	writeJSON(w, http.StatusOK, TokenResponse{
		TokenType: "Bearer", AccessToken: access, RefreshToken: s.refresh,
		ExpiresIn: int(AccessTokenLifetime / time.Second), CreatedAt: now.Unix(), Scope: "default",
		Owner:        base + "/users/" + s.user.UUID,
		Organization: base + "/organizations/" + s.user.OrganizationUUID,
	})
}
