// Package metatest is an in-memory fake of the Meta Graph API's social
// inbox for connector tests: GET /{version}/{page-id}/conversations with
// the participants, updated_time and messages fields, Graph's cursor
// paging (paging.cursors.after, paging.next), conversations most recently
// updated first, only the newest messages readable, Graph's error JSON and
// rate limiting (error codes 4, 17, 32, 613, 80001, 80002, 80006 on a 400
// or 403 with usage headers and no Retry-After), and helpers that build
// signed webhook deliveries.
//
// A zero Server is ready to use; serve it with httptest:
//
//	var fb metatest.Server
//	conv := fb.AddConversation(metatest.Participant{Name: "佐藤 花子"})
//	fb.AddMessage(conv, metatest.Message{Text: "予約できますか"})
//	ts := fb.Serve(t) // fails t at cleanup if a request hit an unknown route
//
// Requests must carry the access token (AccessToken, default
// DefaultAccessToken) as "Authorization: Bearer <token>" or as the
// access_token query parameter, as Graph accepts both.
//
// Configuration fields are read while serving: set them before the first
// request. Every method is safe for concurrent use.
package metatest

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nayose/nayose/connectors/vendortest"
)

// Defaults of a zero Server.
const (
	DefaultAccessToken = "metatest-page-token"
	DefaultPageID      = "104000000000001"
	DefaultIGAccountID = "178400000000001"
	DefaultAppSecret   = "metatest-app-secret"
	// ReadableMessages is how many of a conversation's newest messages
	// Graph returns in detail.
	ReadableMessages = 20
	// DefaultLimit and MaxLimit bound limit= on the conversations edge.
	DefaultLimit = 25
	MaxLimit     = 100
	// TimeLayout is how Graph writes times.
	TimeLayout = "2006-01-02T15:04:05-0700"
)

// Platforms.
const (
	Messenger = "messenger"
	Instagram = "instagram"
)

// Server is a fake Graph API for one Page. The zero value is ready to use.
//
// The request log, unknown routes, delay and in-flight counts come from
// the embedded vendortest.Hooks; what a fault looks like is Graph's.
type Server struct {
	vendortest.Hooks

	// AccessToken is the Page access token accepted; empty means
	// DefaultAccessToken.
	AccessToken string
	// PageID is the Page's id; empty means DefaultPageID.
	PageID string
	// IGAccountID is the Instagram professional account's id, the
	// business's participant in Instagram conversations; empty means
	// DefaultIGAccountID.
	IGAccountID string
	// Now is the clock for messages added without a time; nil means
	// time.Now.
	Now func() time.Time

	muxOnce sync.Once
	mux     *http.ServeMux

	mu        sync.Mutex
	convs     []*convRec
	seq       int
	throttles []Throttle // specs of queued throttle faults, next first
}

// Participant is a person in a conversation: Messenger gives name and
// email, Instagram username.
type Participant struct {
	// ID is the PSID or IGSID; empty gets a fresh one.
	ID       string
	Name     string
	Email    string
	Username string
}

// Message is a message of a conversation.
type Message struct {
	// ID is the mid; empty gets a fresh one.
	ID string
	// FromPage makes the business the sender; otherwise the customer is.
	FromPage bool
	Text     string
	// CreatedTime zero means now.
	CreatedTime time.Time
}

// Throttle is how one rate-limited answer looks.
type Throttle struct {
	// Code is the Graph error code (613 when 0).
	Code int
	// Status is the HTTP status (400 when 0).
	Status int
	// RegainMinutes is estimated_time_to_regain_access in
	// X-Business-Use-Case-Usage.
	RegainMinutes int
}

type convRec struct {
	id       string
	platform string
	customer Participant
	created  time.Time
	updated  time.Time
	msgs     []Message // oldest first
}

// throttleFault is the vendortest fault status standing for the next
// queued Throttle.
const throttleFault = 4290

func (s *Server) now() time.Time {
	if s.Now != nil {
		return s.Now().UTC()
	}
	return time.Now().UTC()
}

func (s *Server) token() string  { return cmpOr(s.AccessToken, DefaultAccessToken) }
func (s *Server) pageID() string { return cmpOr(s.PageID, DefaultPageID) }
func (s *Server) igID() string   { return cmpOr(s.IGAccountID, DefaultIGAccountID) }
func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// business is the business's participant on a platform.
func (s *Server) business(platform string) Participant {
	if platform == Instagram {
		return Participant{ID: s.igID(), Username: "salon_sakura"}
	}
	return Participant{ID: s.pageID(), Name: "Salon Sakura"}
}

// Serve starts the fake on an httptest.Server closed when the test ends.
func (s *Server) Serve(t testing.TB) *httptest.Server {
	t.Helper()
	return vendortest.Serve(t, "metatest", s)
}

// AddConversation adds a Messenger conversation with the customer p and
// returns its id. See AddConversationOn for Instagram.
func (s *Server) AddConversation(p Participant) string { return s.AddConversationOn(Messenger, p) }

// AddConversationOn adds a conversation on platform with the customer p
// and returns its id ("t_..."). Without messages it counts as updated now.
func (s *Server) AddConversationOn(platform string, p Participant) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.seq++
	if p.ID == "" {
		p.ID = fmt.Sprintf("%d", 7100000000000000+s.seq)
	}
	if platform == Instagram && p.Username == "" && p.Name == "" {
		p.Username = fmt.Sprintf("customer_%d", s.seq)
	}
	now := s.now()
	c := &convRec{id: fmt.Sprintf("t_%d", 9000000000+s.seq), platform: platform, customer: p, created: now, updated: now}
	s.convs = append(s.convs, c)
	return c.id
}

// AddMessage adds a message to a conversation, which counts as updated at
// the message's time if that is later, and returns the mid ("m_..."). It
// panics on an unknown conversation: a test bug.
func (s *Server) AddMessage(conv string, m Message) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.convLocked(conv)
	if c == nil {
		panic("metatest: AddMessage to unknown conversation " + conv)
	}
	s.seq++
	if m.ID == "" {
		m.ID = fmt.Sprintf("m_%s%06d", strings.Repeat("A", 8), s.seq)
	}
	if m.CreatedTime.IsZero() {
		m.CreatedTime = s.now()
	}
	m.CreatedTime = m.CreatedTime.UTC().Truncate(time.Second) // Graph's precision
	i, _ := slices.BinarySearchFunc(c.msgs, m.CreatedTime, func(x Message, t time.Time) int { return x.CreatedTime.Compare(t) })
	c.msgs = slices.Insert(c.msgs, i, m)
	if m.CreatedTime.After(c.updated) || len(c.msgs) == 1 {
		c.updated = m.CreatedTime
	}
	return m.ID
}

// Customer returns a conversation's customer.
func (s *Server) Customer(conv string) Participant {
	s.mu.Lock()
	defer s.mu.Unlock()
	if c := s.convLocked(conv); c != nil {
		return c.customer
	}
	return Participant{}
}

// NewestMessageID returns the mid of the newest message of the most
// recently updated conversation: the first message a first page carries.
func (s *Server) NewestMessageID() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	sorted := s.sortedLocked(Messenger)
	for _, c := range sorted {
		if len(c.msgs) > 0 {
			return c.msgs[len(c.msgs)-1].ID
		}
	}
	return ""
}

func (s *Server) convLocked(id string) *convRec {
	for _, c := range s.convs {
		if c.id == id {
			return c
		}
	}
	return nil
}

// sortedLocked is the platform's conversations, most recently updated
// first (ties: the higher id first).
func (s *Server) sortedLocked(platform string) []*convRec {
	var out []*convRec
	for _, c := range s.convs {
		if c.platform == platform {
			out = append(out, c)
		}
	}
	slices.SortFunc(out, func(a, b *convRec) int {
		if d := b.updated.Compare(a.updated); d != 0 {
			return d
		}
		return strings.Compare(b.id, a.id)
	})
	return out
}

// ThrottleNext makes the next n requests answer as Graph's rate limiting
// does: a 400 or 403 with error code th.Code, X-App-Usage and
// X-Business-Use-Case-Usage headers, and no Retry-After. They go before
// queued server errors.
func (s *Server) ThrottleNext(n int, th Throttle) {
	if th.Code == 0 {
		th.Code = 613
	}
	if th.Status == 0 {
		th.Status = http.StatusBadRequest
	}
	s.mu.Lock()
	for range n {
		s.throttles = append(s.throttles, th)
	}
	s.mu.Unlock()
	s.InjectAhead(n, throttleFault)
}

// RateLimitNext is ThrottleNext with code 613 on a 400, regained at once.
func (s *Server) RateLimitNext(n int) { s.ThrottleNext(n, Throttle{}) }

// FailNext makes the next n requests fail with status (500 when 0) and
// Graph's transient error JSON.
func (s *Server) FailNext(n, status int) {
	if status == 0 {
		status = http.StatusInternalServerError
	}
	s.Inject(n, status)
}

// Malformations MalformNext can make.
const (
	// BadMessageTime breaks the created_time of the newest message of the
	// first conversation (with messages) on the next page; the mid is
	// logged.
	BadMessageTime = iota
	// BadUpdatedTime breaks the updated_time of the first conversation on
	// the next page; the conversation id is logged.
	BadUpdatedTime
)

// MalformNext makes the next conversations page carry one malformed
// record of kind (BadMessageTime, BadUpdatedTime). MalformedIDs lists the
// ids broken so far.
func (s *Server) MalformNext(kind int) { s.QueueMalform("conversations", kind) }

var versionRE = regexp.MustCompile(`^v[0-9]+\.[0-9]+$`)

func (s *Server) routes() *http.ServeMux {
	s.muxOnce.Do(func() {
		m := http.NewServeMux()
		m.HandleFunc("GET /{version}/{node}/conversations", s.api(s.conversations))
		s.mux = m
	})
	return s.mux
}

// ServeHTTP answers one request the way Graph would: log, route, delay,
// injected faults, then authentication and the edge.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.Handle(w, r, &vendortest.Vendor{
		Routes: s.routes(),
		Next:   s.routes(),
		Now:    s.now,
		NotFound: func(w http.ResponseWriter, r *http.Request) {
			writeError(w, http.StatusBadRequest, GraphError{Code: 100, Type: "GraphMethodException",
				Message: fmt.Sprintf("Unsupported %s request (metatest: no route for %s)", r.Method, r.URL.Path)})
		},
		Fault: s.fault,
	})
}

// GraphError is the "error" object of Graph's error answers.
type GraphError struct {
	Message      string `json:"message"`
	Type         string `json:"type"`
	Code         int    `json:"code"`
	ErrorSubcode int    `json:"error_subcode,omitempty"`
	IsTransient  bool   `json:"is_transient"`
	FBTraceID    string `json:"fbtrace_id"`
}

func writeError(w http.ResponseWriter, status int, e GraphError) {
	if e.FBTraceID == "" {
		e.FBTraceID = "AmetatestTRACE"
	}
	writeJSON(w, status, map[string]GraphError{"error": e})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=UTF-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// throttleMessages words the rate-limiting errors as Graph does.
var throttleMessages = map[int]string{
	4:     "(#4) Application request limit reached",
	17:    "(#17) User request limit reached",
	32:    "(#32) Page request limit reached",
	613:   "(#613) Calls to this api have exceeded the rate limit.",
	80001: "(#80001) There have been too many calls to this Page account. Wait a bit and try again.",
	80002: "(#80002) There have been too many calls to this Instagram account. Wait a bit and try again.",
	80006: "(#80006) There have been too many messenger api calls to this Page account. Wait a bit and try again.",
}

func (s *Server) fault(w http.ResponseWriter, _ *http.Request, status int) {
	if status != throttleFault {
		writeError(w, status, GraphError{Code: 2, Type: "OAuthException", IsTransient: true,
			Message: "An unexpected error has occurred. Please retry your request later."})
		return
	}
	s.mu.Lock()
	th := Throttle{Code: 613, Status: http.StatusBadRequest}
	if len(s.throttles) > 0 {
		th, s.throttles = s.throttles[0], s.throttles[1:]
	}
	page := s.pageID()
	s.mu.Unlock()
	h := w.Header()
	h.Set("X-App-Usage", `{"call_count":100,"total_cputime":42,"total_time":57}`)
	buc, _ := json.Marshal(map[string][]map[string]any{page: {{
		"type": "messenger", "call_count": 100, "total_cputime": 30, "total_time": 40,
		"estimated_time_to_regain_access": th.RegainMinutes,
	}}})
	h.Set("X-Business-Use-Case-Usage", string(buc))
	msg := throttleMessages[th.Code]
	if msg == "" {
		msg = fmt.Sprintf("(#%d) rate limited", th.Code)
	}
	writeError(w, th.Status, GraphError{Code: th.Code, Type: "OAuthException", IsTransient: true, Message: msg})
}

// apiFunc answers an authenticated request.
type apiFunc func(r *http.Request) (any, int, *GraphError)

func (s *Server) api(fn apiFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if !versionRE.MatchString(r.PathValue("version")) {
			writeError(w, http.StatusBadRequest, GraphError{Code: 2635, Type: "OAuthException",
				Message: fmt.Sprintf("Unknown API version %q", r.PathValue("version"))})
			return
		}
		if !s.authorized(r) {
			writeError(w, http.StatusBadRequest, GraphError{Code: 190, Type: "OAuthException",
				Message: "Invalid OAuth access token - Cannot parse access token"})
			return
		}
		v, status, gerr := fn(r)
		if gerr != nil {
			writeError(w, status, *gerr)
			return
		}
		w.Header().Set("X-App-Usage", `{"call_count":1,"total_cputime":1,"total_time":1}`)
		writeJSON(w, http.StatusOK, v)
	}
}

func (s *Server) authorized(r *http.Request) bool {
	tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok {
		tok = r.URL.Query().Get("access_token")
	}
	return tok != "" && tok == s.token()
}

// pageCursor encodes a conversation's place in the order.
func pageCursor(c *convRec) string {
	return base64.RawURLEncoding.EncodeToString([]byte(strconv.FormatInt(c.updated.UnixNano(), 10) + "|" + c.id))
}

// afterCursor reports whether c comes after the place cur encodes.
func afterCursor(c *convRec, cur string) (bool, error) {
	b, err := base64.RawURLEncoding.DecodeString(cur)
	if err != nil {
		return false, err
	}
	ns, id, ok := strings.Cut(string(b), "|")
	n, perr := strconv.ParseInt(ns, 10, 64)
	if !ok || perr != nil {
		return false, fmt.Errorf("bad cursor")
	}
	t := time.Unix(0, n)
	if d := c.updated.Compare(t); d != 0 {
		return d < 0, nil
	}
	return c.id < id, nil
}

var messagesLimitRE = regexp.MustCompile(`messages\.limit\((\d+)\)`)

func (s *Server) conversations(r *http.Request) (any, int, *GraphError) {
	q := r.URL.Query()
	if node := r.PathValue("node"); node != s.pageID() {
		return nil, http.StatusBadRequest, &GraphError{Code: 100, Type: "GraphMethodException",
			Message: fmt.Sprintf("Unsupported get request. Object with ID '%s' does not exist", node)}
	}
	platform := q.Get("platform")
	if platform == "" {
		platform = Messenger
	}
	if platform != Messenger && platform != Instagram {
		return nil, http.StatusBadRequest, &GraphError{Code: 100, Type: "OAuthException", Message: "(#100) Invalid platform"}
	}
	limit := DefaultLimit
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return nil, http.StatusBadRequest, &GraphError{Code: 100, Type: "OAuthException", Message: "(#100) limit must be a positive integer"}
		}
		limit = min(n, MaxLimit)
	}
	fields := q.Get("fields")
	msgLimit := 0
	if strings.Contains(fields, "messages") {
		msgLimit = ReadableMessages
		if m := messagesLimitRE.FindStringSubmatch(fields); m != nil {
			n, _ := strconv.Atoi(m[1])
			msgLimit = min(max(n, 1), ReadableMessages)
		}
	}
	userID := q.Get("user_id")

	s.mu.Lock()
	defer s.mu.Unlock()
	all := s.sortedLocked(platform)
	start := 0
	if after := q.Get("after"); after != "" {
		start = len(all)
		for i, c := range all {
			ok, err := afterCursor(c, after)
			if err != nil {
				return nil, http.StatusBadRequest, &GraphError{Code: 100, Type: "OAuthException", Message: "(#100) Invalid after cursor"}
			}
			if ok {
				start = i
				break
			}
		}
	}
	var page []*convRec
	for _, c := range all[start:] {
		if userID != "" && c.customer.ID != userID {
			continue
		}
		if len(page) == limit {
			break
		}
		page = append(page, c)
	}
	more := start+len(page) < len(all) && len(page) == limit
	data := make([]map[string]any, len(page))
	for i, c := range page {
		data[i] = s.renderLocked(c, fields, msgLimit)
	}
	s.Malform("conversations", func(kind int) (string, bool) { return corrupt(data, kind) })
	out := map[string]any{"data": data}
	if len(page) > 0 {
		p := map[string]any{"cursors": map[string]string{"before": pageCursor(page[0]), "after": pageCursor(page[len(page)-1])}}
		if more {
			nq := r.URL.Query()
			nq.Set("after", pageCursor(page[len(page)-1]))
			nq.Set("limit", strconv.Itoa(limit))
			p["next"] = "http://" + r.Host + r.URL.Path + "?" + nq.Encode()
		}
		out["paging"] = p
	}
	return out, 0, nil
}

// renderLocked writes one conversation with the requested fields.
func (s *Server) renderLocked(c *convRec, fields string, msgLimit int) map[string]any {
	out := map[string]any{"id": c.id}
	if strings.Contains(fields, "updated_time") {
		out["updated_time"] = c.updated.Format(TimeLayout)
	}
	biz := s.business(c.platform)
	if strings.Contains(fields, "participants") {
		out["participants"] = map[string]any{"data": []map[string]string{person(c.customer), person(biz)}}
	}
	if msgLimit > 0 {
		var data []map[string]any
		for i := len(c.msgs) - 1; i >= 0 && len(data) < msgLimit; i-- {
			m := c.msgs[i]
			from, to := c.customer, biz
			if m.FromPage {
				from, to = biz, c.customer
			}
			data = append(data, map[string]any{
				"id":           m.ID,
				"created_time": m.CreatedTime.Format(TimeLayout),
				"from":         person(from),
				"to":           map[string]any{"data": []map[string]string{person(to)}},
				"message":      m.Text,
			})
		}
		msgs := map[string]any{"data": data}
		if len(data) > 0 {
			p := map[string]any{"cursors": map[string]string{"before": "QVFI" + data[0]["id"].(string), "after": "QVFI" + data[len(data)-1]["id"].(string)}}
			if len(c.msgs) > len(data) {
				// Graph links the older messages, which cannot be read in
				// detail; the fake serves no route for them.
				p["next"] = "https://graph.facebook.com/" + c.id + "/messages?after=older"
			}
			msgs["paging"] = p
		}
		out["messages"] = msgs
	}
	return out
}

func person(p Participant) map[string]string {
	out := map[string]string{"id": p.ID}
	if p.Name != "" {
		out["name"] = p.Name
	}
	if p.Email != "" {
		out["email"] = p.Email
	}
	if p.Username != "" {
		out["username"] = p.Username
	}
	return out
}

// corrupt breaks one record of a rendered page and returns its id.
func corrupt(data []map[string]any, kind int) (string, bool) {
	for _, c := range data {
		switch kind {
		case BadUpdatedTime:
			c["updated_time"] = "yesterday"
			return c["id"].(string), true
		default:
			msgs, _ := c["messages"].(map[string]any)
			if msgs == nil {
				continue
			}
			list, _ := msgs["data"].([]map[string]any)
			if len(list) == 0 {
				continue
			}
			list[0]["created_time"] = "not a time"
			return list[0]["id"].(string), true
		}
	}
	return "", false
}
