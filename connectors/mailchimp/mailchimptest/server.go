// Package mailchimptest is an in-memory fake of the Mailchimp Marketing API v3 for
// tests: the read endpoints an audience connector uses (lists, list members, campaigns,
// per-campaign e-mail activity, per-member activity), with Mailchimp's paths, JSON
// shapes, count/offset pagination and problem+json errors, plus hooks that inject
// Mailchimp's failure modes (429, 403 throttling without headers, 5xx, a malformed
// member, slow answers, the 10-simultaneous-connection cap).
//
// A zero Server is ready to use:
//
//	var mc mailchimptest.Server
//	mc.AddMembers(mailchimptest.Member{EmailAddress: "kenta@example.jp"})
//	ts := mc.Serve(t) // fails t at cleanup if a request hit an unknown route
//
// Requests authenticate with HTTP Basic ("anystring:<APIKey>") or
// "Authorization: Bearer <OAuthToken>". Configuration fields (APIKey, OAuthToken, Now,
// InclusiveSince) are read while serving: set them before the first request. Every
// method is safe for concurrent use.
package mailchimptest

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

// DefaultAPIKey is the API key a Server accepts when APIKey is empty.
const DefaultAPIKey = "0123456789abcdef0123456789abcdef-us6"

// DefaultOAuthToken is the OAuth access token a Server accepts when OAuthToken is empty.
const DefaultOAuthToken = "mc-test-oauth-token"

// MaxConnections is how many requests a Server answers at once; one more answers 429,
// as Mailchimp allows 10 simultaneous connections per user.
const MaxConnections = 10

// Server is a fake Mailchimp Marketing API v3. The zero value is ready to use.
//
// The request log, unknown routes, delay, in-flight counts and malformed ids come from
// the embedded vendortest.Hooks (CountRequests, ResetRequests, UnknownRoutes, SetDelay,
// InFlight, MaxInFlight, MalformedIDs); what a fault looks like is Mailchimp's.
type Server struct {
	vendortest.Hooks

	// APIKey is the key requests must present as the Basic-auth password (or as a
	// bearer token); empty means DefaultAPIKey. Its "-usN" suffix is the data center.
	APIKey string

	// OAuthToken is the OAuth access token accepted as "Bearer <token>"; empty means
	// DefaultOAuthToken. Mailchimp's OAuth tokens do not expire.
	OAuthToken string

	// Now is the clock for last_changed on mutations, defaults of added records and the
	// request log. Nil means time.Now.
	Now func() time.Time

	// InclusiveSince makes since_last_changed, since_send_time and since match records
	// exactly at the given time too. The default is strictly after (see README.md).
	InclusiveSince bool

	muxOnce sync.Once
	mux     *http.ServeMux

	mu        sync.Mutex
	lists     map[string]*listRec
	listOrder []string
	campaigns map[string]*Campaign
	activity  map[string][]Activity // campaign id -> events, in insertion order
	seq       uint64

	retryAfter time.Duration
}

// Request is one request the Server received, as recorded in its log, with the data
// center of the key it presented.
type Request struct {
	vendortest.Request
	// DC is the data center of the presented API key ("us6" for "...-us6"), empty for
	// OAuth or a missing key. Tests run on httptest hosts, so the fake cannot check the
	// host against it unless the host is "<dc>.api.mailchimp.com".
	DC string
}

func (s *Server) now() time.Time {
	if s.Now != nil {
		return s.Now().UTC().Truncate(time.Second)
	}
	return time.Now().UTC().Truncate(time.Second)
}

func (s *Server) apiKey() string {
	if s.APIKey != "" {
		return s.APIKey
	}
	return DefaultAPIKey
}

func (s *Server) oauthToken() string {
	if s.OAuthToken != "" {
		return s.OAuthToken
	}
	return DefaultOAuthToken
}

// Serve starts s on an httptest.Server that is closed when the test ends. At that point
// the test fails if any request reached a route the fake does not serve.
func (s *Server) Serve(t testing.TB) *httptest.Server {
	t.Helper()
	return vendortest.Serve(t, "mailchimptest", s)
}

// RateLimitNext makes the next n requests to known routes answer 429 with Mailchimp's
// problem+json ("Too Many Requests"). Retry-After is sent only if SetRetryAfter set one.
func (s *Server) RateLimitNext(n int) { s.Inject(n, http.StatusTooManyRequests) }

// ForbidNext makes the next n requests answer 403 with no rate-limit or Retry-After
// headers, as Mailchimp's heavy throttling has been reported to look.
func (s *Server) ForbidNext(n int) { s.Inject(n, http.StatusForbidden) }

// FailNext makes the next n requests answer status (a 4xx or 5xx) with problem+json.
func (s *Server) FailNext(n int, status int) {
	if status < 400 || status > 599 {
		panic(fmt.Sprintf("mailchimptest: FailNext status %d is not an error status", status))
	}
	s.Inject(n, status)
}

// SetRetryAfter makes 429 answers (injected or from the connection cap) carry
// "Retry-After: <seconds>". Zero, the default, sends none: Mailchimp documents none.
func (s *Server) SetRetryAfter(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.retryAfter = d
}

// BadTimestamp is the last_changed MalformNext writes into a member.
const BadTimestamp = "2024-13-45T25:61:00+00:00"

// MalformNext makes the next members page that holds at least one member carry one
// member (the middle one) whose last_changed is BadTimestamp; the rest of the page is
// intact. Which member is only known when the page is served: MalformedIDs names it.
func (s *Server) MalformNext() { s.QueueMalform("", 0) }

// Requests returns a copy of the request log, oldest first, each request with the data
// center of the key it presented.
func (s *Server) Requests() []Request {
	log := s.Hooks.Requests()
	out := make([]Request, len(log))
	for i, r := range log {
		out[i] = Request{Request: r, DC: presentedDC(r.Header)}
	}
	return out
}

// Problem is Mailchimp's error document (application/problem+json).
type Problem struct {
	Type     string `json:"type"`
	Title    string `json:"title"`
	Status   int    `json:"status"`
	Detail   string `json:"detail"`
	Instance string `json:"instance"`
}

const errorDocs = "https://mailchimp.com/developer/marketing/docs/errors/"

func problem(status int, title, detail string) *Problem {
	return &Problem{Type: errorDocs, Title: title, Status: status, Detail: detail}
}

func (s *Server) routes() *http.ServeMux {
	s.muxOnce.Do(func() {
		m := http.NewServeMux()
		m.HandleFunc("GET /3.0/lists", s.endpoint(s.listLists))
		m.HandleFunc("GET /3.0/lists/{list_id}/members", s.endpoint(s.listMembers))
		m.HandleFunc("GET /3.0/lists/{list_id}/members/{subscriber_hash}/activity", s.endpoint(s.memberActivity))
		m.HandleFunc("GET /3.0/campaigns", s.endpoint(s.listCampaigns))
		m.HandleFunc("GET /3.0/reports/{campaign_id}/email-activity", s.endpoint(s.emailActivity))
		s.mux = m
	})
	return s.mux
}

type endpointFunc func(r *http.Request) (any, *Problem)

func (s *Server) endpoint(fn endpointFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		resp, p := fn(r)
		if p != nil {
			s.writeProblem(w, r, p)
			return
		}
		b, err := json.Marshal(resp)
		if err != nil {
			s.writeProblem(w, r, problem(http.StatusInternalServerError, "Internal Server Error", "mailchimptest: encoding: "+err.Error()))
			return
		}
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.WriteHeader(http.StatusOK)
		w.Write(b)
	}
}

func (s *Server) writeProblem(w http.ResponseWriter, r *http.Request, p *Problem) {
	if p.Instance == "" {
		p.Instance = instanceID(r)
	}
	b, _ := json.Marshal(p)
	w.Header().Set("Content-Type", "application/problem+json; charset=utf-8")
	if p.Status == http.StatusTooManyRequests {
		s.mu.Lock()
		ra := s.retryAfter
		s.mu.Unlock()
		if ra > 0 {
			w.Header().Set("Retry-After", strconv.Itoa(int((ra+time.Second-1)/time.Second)))
		}
	}
	w.WriteHeader(p.Status)
	w.Write(b)
}

// instanceID makes a stable, request-specific instance value (a UUID-like string).
func instanceID(r *http.Request) string {
	h := md5hex(r.Method + " " + r.URL.String())
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}

// ServeHTTP answers one request the way Mailchimp would. Order: log, route, connection
// cap, delay, injected faults (in the order queued), authentication, endpoint.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.Handle(w, r, &vendortest.Vendor{
		Routes: s.routes(),
		Next:   http.HandlerFunc(s.serveKnown),
		Now:    s.now,
		NotFound: func(w http.ResponseWriter, r *http.Request) {
			s.writeProblem(w, r, problem(http.StatusNotFound, "Resource Not Found",
				fmt.Sprintf("mailchimptest: no route for %s %s", r.Method, r.URL.Path)))
		},
		Fault:       s.fault,
		MaxInFlight: MaxConnections,
		Busy: func(w http.ResponseWriter, r *http.Request) {
			s.writeProblem(w, r, problem(http.StatusTooManyRequests, "Too Many Requests",
				fmt.Sprintf("You have exceeded the limit of %d simultaneous connections.", MaxConnections)))
		},
	})
}

// fault answers an injected status.
func (s *Server) fault(w http.ResponseWriter, r *http.Request, status int) {
	switch status {
	case http.StatusTooManyRequests:
		s.writeProblem(w, r, problem(status, "Too Many Requests",
			"You have exceeded the limit of 10 simultaneous connections."))
	case http.StatusForbidden:
		// Reported heavy throttling: a bare 403, no rate or Retry-After headers.
		s.writeProblem(w, r, problem(status, "Forbidden", "You don't have permission to access this resource."))
	default:
		s.writeProblem(w, r, problem(status, http.StatusText(status), "mailchimptest: injected failure"))
	}
}

// serveKnown checks the API key or OAuth token, then serves the route.
func (s *Server) serveKnown(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	key, token := s.apiKey(), s.oauthToken()
	s.mu.Unlock()
	if p := checkAuth(r, key, token); p != nil {
		s.writeProblem(w, r, p)
		return
	}
	s.routes().ServeHTTP(w, r)
}

// presentedDC returns the data-center suffix of the key presented in Basic auth or as
// a bearer token.
func presentedDC(h http.Header) string {
	var secret string
	r := http.Request{Header: h}
	if _, pw, ok := r.BasicAuth(); ok {
		secret = pw
	} else if tok, ok := strings.CutPrefix(h.Get("Authorization"), "Bearer "); ok {
		secret = tok
	}
	if i := strings.LastIndexByte(secret, '-'); i >= 0 {
		return secret[i+1:]
	}
	return ""
}

func checkAuth(r *http.Request, key, token string) *Problem {
	invalid := problem(http.StatusUnauthorized, "API Key Invalid",
		"Your request did not include an API key.")
	var secret string
	if _, pw, ok := r.BasicAuth(); ok {
		secret = pw
		invalid.Detail = "Your API key may be invalid, or you've attempted to access the wrong datacenter."
		if pw != key {
			return invalid
		}
	} else if tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); ok {
		secret = tok
		invalid.Detail = "Your API key may be invalid, or you've attempted to access the wrong datacenter."
		if tok != token && tok != key {
			return invalid
		}
	} else {
		return invalid
	}
	// A client that reaches the fake under a Mailchimp host name must use the key's dc.
	host := r.Host
	if h, _, ok := strings.Cut(host, ":"); ok {
		host = h
	}
	if dc, ok := strings.CutSuffix(host, ".api.mailchimp.com"); ok && secret == key {
		if want := key[strings.LastIndexByte(key, '-')+1:]; dc != want {
			return problem(http.StatusForbidden, "Wrong Datacenter",
				"The API key provided is linked to a different datacenter")
		}
	}
	return nil
}
