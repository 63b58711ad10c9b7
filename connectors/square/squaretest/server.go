// Package squaretest is an in-memory fake of the Square API for tests: the endpoints a
// customer-data connector reads (locations, customers, orders, payments, refunds,
// bookings), with Square's paths, JSON shapes, limits, validation errors and cursor
// pagination, plus hooks that inject Square's failure modes (429 without Retry-After,
// 5xx, a malformed record in a page, slow responses, late-arriving orders).
//
// A zero Server is ready to use; serve it with httptest:
//
//	var sq squaretest.Server
//	sq.AddCustomers(squaretest.Customer{GivenName: "健太", FamilyName: "佐藤"})
//	ts := httptest.NewServer(&sq) // or sq.Serve(t), which also fails t on unknown routes
//	defer ts.Close()
//
// Requests must carry "Authorization: Bearer <AccessToken>" and a Square-Version header.
// A request to a route the fake does not serve answers 404 and is recorded in
// UnknownRoutes, so a test can fail loudly instead of passing on an empty answer.
//
// Configuration fields (AccessToken, Now, ExclusiveBounds) are read while serving: set
// them before the first request. Every method is safe for concurrent use.
package squaretest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/nayose/nayose/connectors/vendortest"
)

// DefaultAccessToken is the bearer token a Server accepts when AccessToken is empty.
const DefaultAccessToken = "sq-test-token"

// SquareVersion is the API version the fake's shapes were taken from.
const SquareVersion = "2025-08-20"

// Server is a fake Square API. The zero value is ready to use.
//
// The request log, unknown routes, delay and in-flight counts come from the embedded
// vendortest.Hooks (Requests, CountRequests, ResetRequests, UnknownRoutes, SetDelay,
// InFlight, MaxInFlight, MalformedIDs); what a fault looks like is Square's.
type Server struct {
	vendortest.Hooks

	// AccessToken is the bearer token requests must carry; empty means
	// DefaultAccessToken. Use SetAccessToken to change it while serving.
	AccessToken string

	// Now is the clock used for updated_at on mutations, the request log and the
	// endpoints' time defaults (bookings from now, payments over the last year, the
	// pinned end of an open-ended order search). Nil means time.Now.
	Now func() time.Time

	// ExclusiveBounds makes every time-range filter exclusive at both ends, the most
	// hostile reading of Square's unspecified bounds: a connector whose windows do not
	// overlap loses the records that sit exactly on a boundary. See README.md.
	ExclusiveBounds bool

	muxOnce sync.Once
	mux     *http.ServeMux

	mu    sync.Mutex
	ready bool
	token string // set by SetAccessToken

	locations []Location
	customers table[customerRec]
	custName  *index[customerRec] // DEFAULT sort: given_name+family_name, ...
	custCrt   *index[customerRec]
	custUpd   *index[customerRec]
	orders    table[orderRec]
	ordCrt    *index[orderRec]
	ordUpd    *index[orderRec]
	ordCls    *index[orderRec] // only orders with a closed_at
	payments  table[paymentRec]
	payCrt    *index[paymentRec]
	payUpd    *index[paymentRec]
	refunds   table[refundRec]
	refCrt    *index[refundRec]
	refUpd    *index[refundRec]
	bookings  table[bookingRec]
	bookStart *index[bookingRec]

	lag        time.Duration
	shortPages bool
	epoch      uint64
	seq        uint64
}

// Request is one request the Server received, as recorded in its log.
type Request = vendortest.Request

func (s *Server) now() time.Time {
	if s.Now != nil {
		return s.Now().UTC().Truncate(time.Millisecond)
	}
	return time.Now().UTC().Truncate(time.Millisecond)
}

// initLocked builds the tables on first use, so that the zero Server works.
func (s *Server) initLocked() {
	if s.ready {
		return
	}
	s.ready = true
	s.custName = &index[customerRec]{keyOf: func(r *customerRec) key { return key{s: r.name, id: r.c.ID} }}
	s.custCrt = &index[customerRec]{keyOf: func(r *customerRec) key { return key{n: r.created, id: r.c.ID} }}
	s.custUpd = &index[customerRec]{keyOf: func(r *customerRec) key { return key{n: r.updated, id: r.c.ID} }}
	s.customers = table[customerRec]{idOf: func(r *customerRec) string { return r.c.ID }, indexes: []*index[customerRec]{s.custName, s.custCrt, s.custUpd}}

	s.ordCrt = &index[orderRec]{keyOf: func(r *orderRec) key { return key{n: r.created, id: r.id} }}
	s.ordUpd = &index[orderRec]{keyOf: func(r *orderRec) key { return key{n: r.updated, id: r.id} }}
	s.ordCls = &index[orderRec]{keyOf: func(r *orderRec) key { return key{n: r.closed, id: r.id} }, include: func(r *orderRec) bool { return r.closed != 0 }}
	s.orders = table[orderRec]{idOf: func(r *orderRec) string { return r.id }, indexes: []*index[orderRec]{s.ordCrt, s.ordUpd, s.ordCls}}

	s.payCrt = &index[paymentRec]{keyOf: func(r *paymentRec) key { return key{n: r.created, id: r.id} }}
	s.payUpd = &index[paymentRec]{keyOf: func(r *paymentRec) key { return key{n: r.updated, id: r.id} }}
	s.payments = table[paymentRec]{idOf: func(r *paymentRec) string { return r.id }, indexes: []*index[paymentRec]{s.payCrt, s.payUpd}}

	s.refCrt = &index[refundRec]{keyOf: func(r *refundRec) key { return key{n: r.created, id: r.id} }}
	s.refUpd = &index[refundRec]{keyOf: func(r *refundRec) key { return key{n: r.updated, id: r.id} }}
	s.refunds = table[refundRec]{idOf: func(r *refundRec) string { return r.id }, indexes: []*index[refundRec]{s.refCrt, s.refUpd}}

	s.bookStart = &index[bookingRec]{keyOf: func(r *bookingRec) key { return key{n: r.start, id: r.b.ID} }}
	s.bookings = table[bookingRec]{idOf: func(r *bookingRec) string { return r.b.ID }, indexes: []*index[bookingRec]{s.bookStart}}
}

// Serve starts s on an httptest.Server that is closed when the test ends. At that point
// the test fails if any request reached a route the fake does not serve.
func (s *Server) Serve(t testing.TB) *httptest.Server {
	t.Helper()
	return vendortest.Serve(t, "squaretest", s)
}

// SetAccessToken changes the bearer token the Server accepts.
func (s *Server) SetAccessToken(token string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.token = token
}

func (s *Server) accessTokenLocked() string {
	switch {
	case s.token != "":
		return s.token
	case s.AccessToken != "":
		return s.AccessToken
	}
	return DefaultAccessToken
}

// RateLimitNext makes the next n requests (to any known route) answer 429 with Square's
// RATE_LIMITED error and, as Square documents none, no Retry-After header.
func (s *Server) RateLimitNext(n int) { s.InjectAhead(n, http.StatusTooManyRequests) }

// FailNext makes the next n requests (to any known route, after any pending 429s) answer
// status, which must be a 5xx, with Square's API_ERROR envelope.
func (s *Server) FailNext(n int, status int) {
	if status < 500 || status > 599 {
		panic(fmt.Sprintf("squaretest: FailNext status %d is not a 5xx", status))
	}
	s.Inject(n, status)
}

// SetVisibilityLag hides from list and search endpoints every record whose updated_at is
// less than d before the request (or before the first request of a cursor's scan), like
// Square, where a change "can take closer to one minute" to become searchable. A sync
// that ends each window at "now" and starts the next one there never sees such a change
// unless its windows overlap by more than d. Zero turns the lag off.
func (s *Server) SetVisibilityLag(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.lag = d
}

// visibleLocked reports whether a record updated at updated (ms) is visible to a scan
// pinned at now (ms).
func (s *Server) visibleLocked(updated, now int64) bool {
	return s.lag <= 0 || updated <= now-s.lag.Milliseconds()
}

// SetShortPages makes list endpoints return about half the requested limit per page
// while more results remain, as Square may ("the limit is advisory"): a client that
// stops at the first short page instead of at the first page without a cursor loses data.
func (s *Server) SetShortPages(on bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.shortPages = on
}

// ExpireCursors invalidates every cursor handed out so far: presenting one answers 400
// INVALID_CURSOR. Square does not document how long cursors live; this simulates one
// that expired between two pages.
func (s *Server) ExpireCursors() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.epoch++
}

// ServeHTTP answers one request the way Square would. Order: log, route, delay,
// injected 429s, injected 5xx, authentication, Square-Version, endpoint.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.initLocked()
	s.mu.Unlock()
	s.Handle(w, r, &vendortest.Vendor{
		Routes:   s.routes(),
		Next:     http.HandlerFunc(s.serveKnown),
		Now:      s.now,
		NotFound: notFoundRoute,
		Fault:    fault,
	})
}

func notFoundRoute(w http.ResponseWriter, r *http.Request) {
	writeError(w, &apiError{status: http.StatusNotFound, errs: []Error{{
		Category: "INVALID_REQUEST_ERROR", Code: "NOT_FOUND",
		Detail: fmt.Sprintf("squaretest: no route for %s %s", r.Method, r.URL.Path),
	}}})
}

// fault answers an injected status: Square's RATE_LIMITED, documented without a
// Retry-After, or an API_ERROR.
func fault(w http.ResponseWriter, _ *http.Request, status int) {
	if status == http.StatusTooManyRequests {
		writeError(w, &apiError{status: status, errs: []Error{{
			Category: "RATE_LIMIT_ERROR", Code: "RATE_LIMITED", Detail: "Rate limit exceeded.",
		}}})
		return
	}
	writeError(w, &apiError{status: status, errs: []Error{{
		Category: "API_ERROR", Code: serverErrorCode(status), Detail: "squaretest: injected failure",
	}}})
}

// serveKnown checks the bearer token and Square-Version, then serves the route.
func (s *Server) serveKnown(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	token := s.accessTokenLocked()
	s.mu.Unlock()
	if auth := r.Header.Get("Authorization"); auth != "Bearer "+token {
		writeError(w, &apiError{status: http.StatusUnauthorized, errs: []Error{{
			Category: "AUTHENTICATION_ERROR", Code: "UNAUTHORIZED",
			Detail: "This request could not be authorized.",
		}}})
		return
	}
	switch v := r.Header.Get("Square-Version"); {
	case v == "":
		writeError(w, badRequest("MISSING_REQUIRED_PARAMETER", "Square-Version",
			"squaretest: the Square-Version header is required (real Square falls back to the application's version; pin one)"))
		return
	case !validVersion(v):
		writeError(w, badRequest("INVALID_SQUARE_VERSION_FORMAT", "Square-Version",
			fmt.Sprintf("Invalid Square-Version format %q; expected YYYY-MM-DD.", v)))
		return
	}
	s.routes().ServeHTTP(w, r)
}

func validVersion(v string) bool {
	_, err := time.Parse("2006-01-02", v)
	return err == nil
}

func serverErrorCode(status int) string {
	switch status {
	case http.StatusBadGateway:
		return "BAD_GATEWAY"
	case http.StatusServiceUnavailable:
		return "SERVICE_UNAVAILABLE"
	case http.StatusGatewayTimeout:
		return "GATEWAY_TIMEOUT"
	}
	return "INTERNAL_SERVER_ERROR"
}

// endpointFunc answers one request with a response value to encode, or an error.
type endpointFunc func(r *http.Request, body []byte) (any, *apiError)

// route describes one endpoint; list is the response field holding the page's records
// (empty for single-record endpoints), which MalformNext corrupts.
type route struct {
	pattern string
	path    string
	list    string
	money   string // the money field MalformMoneyNext turns into a string
	fn      func(s *Server) endpointFunc
}

var routeTable = []route{
	{pattern: "GET /v2/locations", path: "/v2/locations", list: "locations", fn: (*Server).listLocations},
	{pattern: "GET /v2/locations/{location_id}", fn: (*Server).retrieveLocation},
	{pattern: "GET /v2/customers", path: "/v2/customers", list: "customers", fn: (*Server).listCustomers},
	{pattern: "POST /v2/customers/search", path: "/v2/customers/search", list: "customers", fn: (*Server).searchCustomers},
	{pattern: "GET /v2/customers/{customer_id}", fn: (*Server).retrieveCustomer},
	{pattern: "POST /v2/orders/search", path: "/v2/orders/search", list: "orders", money: "total_money", fn: (*Server).searchOrders},
	{pattern: "POST /v2/orders/batch-retrieve", path: "/v2/orders/batch-retrieve", list: "orders", money: "total_money", fn: (*Server).batchRetrieveOrders},
	{pattern: "GET /v2/orders/{order_id}", fn: (*Server).retrieveOrder},
	{pattern: "GET /v2/payments", path: "/v2/payments", list: "payments", money: "amount_money", fn: (*Server).listPayments},
	{pattern: "GET /v2/payments/{payment_id}", fn: (*Server).retrievePayment},
	{pattern: "GET /v2/refunds", path: "/v2/refunds", list: "refunds", money: "amount_money", fn: (*Server).listRefunds},
	{pattern: "GET /v2/refunds/{refund_id}", fn: (*Server).retrieveRefund},
	{pattern: "GET /v2/bookings", path: "/v2/bookings", list: "bookings", fn: (*Server).listBookings},
	{pattern: "GET /v2/bookings/{booking_id}", fn: (*Server).retrieveBooking},
}

func (s *Server) routes() *http.ServeMux {
	s.muxOnce.Do(func() {
		m := http.NewServeMux()
		for _, rt := range routeTable {
			m.Handle(rt.pattern, s.endpoint(rt))
		}
		s.mux = m
	})
	return s.mux
}

func (s *Server) endpoint(rt route) http.Handler {
	fn := rt.fn(s)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		resp, aerr := fn(r, body)
		if aerr != nil {
			writeError(w, aerr)
			return
		}
		b, err := json.Marshal(resp)
		if err != nil {
			writeError(w, &apiError{status: http.StatusInternalServerError, errs: []Error{{
				Category: "API_ERROR", Code: "INTERNAL_SERVER_ERROR", Detail: "squaretest: encoding the response: " + err.Error(),
			}}})
			return
		}
		if rt.list != "" {
			b = s.applyMalform(rt, b)
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusOK)
		w.Write(b)
	})
}

// apiError is an error answer: an HTTP status and Square's error envelope.
type apiError struct {
	status int
	errs   []Error
}

func badRequest(code, field, detail string) *apiError {
	return &apiError{status: http.StatusBadRequest, errs: []Error{{
		Category: "INVALID_REQUEST_ERROR", Code: code, Field: field, Detail: detail,
	}}}
}

func notFound(what, id string) *apiError {
	return &apiError{status: http.StatusNotFound, errs: []Error{{
		Category: "INVALID_REQUEST_ERROR", Code: "NOT_FOUND",
		Detail: fmt.Sprintf("Could not find %s with id %q.", what, id),
	}}}
}

func writeError(w http.ResponseWriter, e *apiError) {
	b, _ := json.Marshal(ErrorResponse{Errors: e.errs})
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(e.status)
	w.Write(b)
}

// Malformed records.

type malformKind int

const (
	malformTimestamp malformKind = iota
	malformMoney
)

// BadTimestamp is the value MalformNext writes into a record's timestamp.
const BadTimestamp = "2024-13-45T25:61:00.000Z"

// MalformNext makes the next non-empty page served by the list endpoint at path (for
// example "/v2/orders/search") carry one record, the middle one, whose updated_at is the
// unparseable BadTimestamp (created_at for locations, version for order entries). The
// rest of the page is intact. It panics if path is not a list endpoint of the fake.
func (s *Server) MalformNext(path string) { s.queueMalform(path, malformTimestamp) }

// MalformMoneyNext is like MalformNext but turns the record's money amount into a JSON
// string ("amount":"1200"): total_money for orders, amount_money for payments and
// refunds. It panics for an endpoint whose records carry no money.
func (s *Server) MalformMoneyNext(path string) { s.queueMalform(path, malformMoney) }

func (s *Server) queueMalform(path string, kind malformKind) {
	i := slices.IndexFunc(routeTable, func(rt route) bool { return rt.path == path && rt.list != "" })
	if i < 0 {
		panic(fmt.Sprintf("squaretest: %q is not a list endpoint of the fake", path))
	}
	if kind == malformMoney && routeTable[i].money == "" {
		panic(fmt.Sprintf("squaretest: records of %q carry no money", path))
	}
	s.QueueMalform(path, int(kind))
}

func (s *Server) applyMalform(rt route, b []byte) []byte {
	s.Malform(rt.path, func(kind int) (string, bool) {
		out, id, ok := malform(rt, malformKind(kind), b)
		if ok {
			b = out
		}
		return id, ok
	})
	return b
}

// malform corrupts one record of the page b, the middle one. It reports false for a
// page without records, which keeps the malformation for the next page.
func malform(rt route, kind malformKind, b []byte) (out []byte, id string, ok bool) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var page map[string]any
	if err := dec.Decode(&page); err != nil {
		return nil, "", false
	}
	list := rt.list
	if _, ok := page[list]; !ok && list == "orders" {
		list = "order_entries"
	}
	items, _ := page[list].([]any)
	if len(items) == 0 {
		return nil, "", false
	}
	rec, _ := items[len(items)/2].(map[string]any)
	if rec == nil {
		return nil, "", false
	}
	switch {
	case kind == malformMoney && list != "order_entries":
		if m, ok := rec[rt.money].(map[string]any); ok {
			m["amount"] = fmt.Sprint(m["amount"])
		} else {
			rec[rt.money] = map[string]any{"amount": "0", "currency": "JPY"}
		}
	case list == "locations":
		rec["created_at"] = BadTimestamp
	case list == "order_entries":
		rec["version"] = "one"
	default:
		rec["updated_at"] = BadTimestamp
	}
	id, _ = rec["id"].(string)
	if id == "" {
		id, _ = rec["order_id"].(string)
	}
	out, err := json.Marshal(page)
	if err != nil {
		return nil, "", false
	}
	return out, id, true
}
