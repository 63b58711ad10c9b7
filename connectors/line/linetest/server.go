// Package linetest is a fake LINE Messaging API for tests and the demo:
// profiles and the followers list behind a channel access token, with
// LINE's error shapes, and signed webhook deliveries of follow, unfollow
// and message events. Fault hooks come from vendortest.
package linetest

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nayose/nayose/connectors/vendortest"
)

// Credentials the fake accepts unless set otherwise.
const (
	DefaultAccessToken   = "linetest-channel-access-token"
	DefaultChannelSecret = "linetest-channel-secret"
)

// Profile is a LINE user as GET /v2/bot/profile/{userId} gives it.
type Profile struct {
	UserID        string `json:"userId"`
	DisplayName   string `json:"displayName"`
	PictureURL    string `json:"pictureUrl,omitempty"`
	StatusMessage string `json:"statusMessage,omitempty"`
	Language      string `json:"language,omitempty"`
}

// Server is the fake. The zero value is ready; Serve starts it.
type Server struct {
	vendortest.Hooks
	// AccessToken is the channel access token it accepts; empty means
	// DefaultAccessToken.
	AccessToken string
	// ChannelSecret signs deliveries; empty means DefaultChannelSecret.
	ChannelSecret string
	// NoFollowerList answers GET /v2/bot/followers/ids with 403, as
	// LINE does for accounts that are neither verified nor premium.
	NoFollowerList bool
	// Now is the clock for event timestamps; nil is time.Now.
	Now func() time.Time

	mu         sync.Mutex
	profiles   map[string]Profile
	followers  []string // in the order they followed
	blocked    map[string]bool
	malformed  map[string]bool // user ids whose profile comes back broken
	deliveries [][]byte
	seq        int
}

// Request is one request the fake received.
type Request = vendortest.Request

func (s *Server) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

func (s *Server) token() string {
	if s.AccessToken != "" {
		return s.AccessToken
	}
	return DefaultAccessToken
}

func (s *Server) secret() string {
	if s.ChannelSecret != "" {
		return s.ChannelSecret
	}
	return DefaultChannelSecret
}

// Serve starts the fake for the length of the test.
func (s *Server) Serve(t testing.TB) *httptest.Server { return vendortest.Serve(t, "linetest", s) }

// RateLimitNext makes the next n requests answer 429 as LINE does.
func (s *Server) RateLimitNext(n int) { s.Inject(n, http.StatusTooManyRequests) }

// FailNext makes the next n requests answer status (5xx).
func (s *Server) FailNext(n, status int) { s.Inject(n, status) }

// ServeHTTP answers like api.line.me.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /v2/bot/profile/{userId}", s.getProfile)
	mux.HandleFunc("GET /v2/bot/followers/ids", s.getFollowers)
	s.Handle(w, r, &vendortest.Vendor{
		Routes: mux,
		Next: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Header.Get("Authorization") != "Bearer "+s.token() {
				writeError(w, http.StatusUnauthorized, "Authentication failed. Confirm that the access token in the authorization header is valid.")
				return
			}
			mux.ServeHTTP(w, r)
		}),
		Now:      s.Now,
		NotFound: func(w http.ResponseWriter, r *http.Request) { writeError(w, http.StatusNotFound, "Not found") },
		Fault: func(w http.ResponseWriter, r *http.Request, status int) {
			msg := "An error occurred on the server."
			if status == http.StatusTooManyRequests {
				msg = "The API rate limit has been exceeded. Try again later."
			}
			writeError(w, status, msg)
		},
	})
}

func writeError(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Line-Request-Id", fmt.Sprintf("req-%d", time.Now().UnixNano()))
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]string{"message": msg})
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(v)
}

func (s *Server) getProfile(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("userId")
	s.mu.Lock()
	p, ok := s.profiles[id]
	blocked, broken := s.blocked[id], s.malformed[id]
	s.mu.Unlock()
	if !ok || blocked {
		writeError(w, http.StatusNotFound, "Not found")
		return
	}
	if broken {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"userId":%q,"displayName":`, id)
		return
	}
	writeJSON(w, p)
}

func (s *Server) getFollowers(w http.ResponseWriter, r *http.Request) {
	if s.NoFollowerList {
		writeError(w, http.StatusForbidden, "Access to this API is not available for your account")
		return
	}
	limit := 300
	if v := r.URL.Query().Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 1000 {
			writeError(w, http.StatusBadRequest, "The request body has 1 error(s)")
			return
		}
		limit = n
	}
	start := 0
	if v := r.URL.Query().Get("start"); v != "" {
		n, err := strconv.Atoi(strings.TrimPrefix(v, "next-"))
		if err != nil {
			writeError(w, http.StatusBadRequest, "Invalid start")
			return
		}
		start = n
	}
	s.mu.Lock()
	var ids []string
	for _, id := range s.followers {
		if !s.blocked[id] {
			ids = append(ids, id)
		}
	}
	s.mu.Unlock()
	end := min(len(ids), start+limit)
	out := map[string]any{"userIds": slices.Clone(ids[min(start, end):end])}
	if end < len(ids) {
		out["next"] = fmt.Sprintf("next-%d", end)
	}
	writeJSON(w, out)
}

// Event is one webhook event as LINE sends it.
type Event map[string]any

func (s *Server) event(typ, userID string, at time.Time) Event {
	s.seq++
	return Event{
		"type": typ, "mode": "active", "timestamp": at.UnixMilli(),
		"webhookEventId":  fmt.Sprintf("01HLINEFAKE%015d", s.seq),
		"deliveryContext": map[string]any{"isRedelivery": false},
		"source":          map[string]any{"type": "user", "userId": userID},
	}
}

// Follow makes p a friend now and pushes a follow event.
func (s *Server) Follow(p Profile) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.addLocked(p)
	ev := s.event("follow", p.UserID, s.now())
	ev["replyToken"] = fmt.Sprintf("reply-%d", s.seq)
	ev["follow"] = map[string]any{"isUnblocked": false}
	s.pushLocked(ev)
}

// AddFollower makes p a friend who followed before anyone listened: no
// event is pushed (the followers list has them).
func (s *Server) AddFollower(p Profile) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.addLocked(p)
}

func (s *Server) addLocked(p Profile) {
	if s.profiles == nil {
		s.profiles, s.blocked, s.malformed = map[string]Profile{}, map[string]bool{}, map[string]bool{}
	}
	if _, ok := s.profiles[p.UserID]; !ok {
		s.followers = append(s.followers, p.UserID)
	}
	s.profiles[p.UserID] = p
	delete(s.blocked, p.UserID)
}

// Rename changes a friend's display name, as the person may at any time;
// LINE sends no event for it.
func (s *Server) Rename(userID, name string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.profiles[userID]
	p.DisplayName = name
	s.profiles[userID] = p
}

// Block makes the user block the account now and pushes an unfollow event.
func (s *Server) Block(userID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.blocked == nil {
		s.blocked = map[string]bool{}
	}
	s.blocked[userID] = true
	s.pushLocked(s.event("unfollow", userID, s.now()))
}

// Say pushes a text message from the user, sent at at (zero: now), and
// returns the message id.
func (s *Server) Say(userID, text string, at time.Time) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if at.IsZero() {
		at = s.now()
	}
	ev := s.event("message", userID, at)
	id := fmt.Sprintf("%018d", 500000000000000000+s.seq)
	ev["replyToken"] = fmt.Sprintf("reply-%d", s.seq)
	ev["message"] = map[string]any{"id": id, "type": "text", "quoteToken": "q" + id, "text": text}
	s.pushLocked(ev)
	return id
}

// PushRaw pushes an event as given, for malformed ones.
func (s *Server) PushRaw(ev Event) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.pushLocked(ev)
}

// NextEventID is the webhookEventId the next pushed event gets.
func (s *Server) NextEventID() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return fmt.Sprintf("01HLINEFAKE%015d", s.seq+1)
}

// BreakProfile makes the user's profile come back as broken JSON.
func (s *Server) BreakProfile(userID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.malformed[userID] = true
}

func (s *Server) pushLocked(ev Event) {
	body, _ := json.Marshal(map[string]any{"destination": "Ufakebotdestination0000000000000", "events": []Event{ev}})
	s.deliveries = append(s.deliveries, body)
}

// Deliveries returns the webhook requests pushed since the last call,
// signed with the channel secret as LINE signs them.
func (s *Server) Deliveries() []*http.Request {
	s.mu.Lock()
	bodies := s.deliveries
	s.deliveries = nil
	s.mu.Unlock()
	out := make([]*http.Request, len(bodies))
	for i, b := range bodies {
		out[i] = s.Delivery(b)
	}
	return out
}

// Delivery is body as LINE posts it to a webhook URL.
func (s *Server) Delivery(body []byte) *http.Request {
	r, _ := http.NewRequest("POST", "https://nayose.example/webhooks/line", bytes.NewReader(body))
	r.Header.Set("Content-Type", "application/json; charset=utf-8")
	r.Header.Set("X-Line-Signature", Sign(s.secret(), body))
	return r
}

// Sign is the X-Line-Signature of body under secret.
func Sign(secret string, body []byte) string {
	h := hmac.New(sha256.New, []byte(secret))
	h.Write(body)
	return base64.StdEncoding.EncodeToString(h.Sum(nil))
}
