package connectortest_test

// A toy vendor, small enough to read in one sitting, that exercises the
// kit: a JSON API of people and their sales with updated_at filters,
// cursor pages, 429 with Retry-After, and a fake that can misbehave. It
// proves the kit catches what it should, before real vendors use it.

import (
	"context"
	"encoding/json"
	"fmt"
	"iter"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/go-retryablehttp"
	"github.com/nayose/nayose/config"
	"github.com/nayose/nayose/connectors"
	"github.com/nayose/nayose/connectors/connectortest"
)

const toyToken = "toy-secret-token-4d2c"

type toyPerson struct {
	ID        string    `json:"id"`
	Name      string    `json:"name"`
	Email     string    `json:"email"`
	UpdatedAt time.Time `json:"updated_at"`
}

type toySale struct {
	ID        string    `json:"id"`
	PersonID  string    `json:"person_id"`
	Amount    any       `json:"amount"` // a number; a string when malformed
	At        time.Time `json:"at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// toyFake is the vendor's server.
type toyFake struct {
	srv *httptest.Server

	mu        sync.Mutex
	people    []toyPerson
	sales     []toySale
	now       time.Time
	limited   int
	failing   int
	malformed bool
	delay     time.Duration
	requests  int
}

func startToy(t testing.TB) *toyFake {
	f := &toyFake{now: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)}
	f.srv = httptest.NewServer(f)
	return f
}

func (f *toyFake) tick() time.Time { f.now = f.now.Add(time.Minute); return f.now }

func (f *toyFake) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	f.requests++
	delay := f.delay
	f.mu.Unlock()
	if delay > 0 {
		select {
		case <-time.After(delay):
		case <-r.Context().Done():
			return
		}
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if r.Header.Get("Authorization") != "Bearer "+toyToken {
		http.Error(w, `{"error":"unauthorized"}`, http.StatusUnauthorized)
		return
	}
	if f.limited > 0 {
		f.limited--
		w.Header().Set("Retry-After", "0")
		http.Error(w, `{"error":"rate limited"}`, http.StatusTooManyRequests)
		return
	}
	if f.failing > 0 {
		f.failing--
		http.Error(w, `{"error":"internal"}`, http.StatusInternalServerError)
		return
	}
	since, _ := time.Parse(time.RFC3339Nano, r.URL.Query().Get("since"))
	offset, _ := strconv.Atoi(r.URL.Query().Get("cursor"))
	const limit = 10
	page := func(n int) (int, int) { return min(offset, n), min(offset+limit, n) }
	switch r.URL.Path {
	case "/people":
		var sel []toyPerson
		for _, p := range f.people {
			if p.UpdatedAt.After(since) {
				sel = append(sel, p)
			}
		}
		slices.SortFunc(sel, func(a, b toyPerson) int { return a.UpdatedAt.Compare(b.UpdatedAt) })
		lo, hi := page(len(sel))
		next := ""
		if hi < len(sel) {
			next = strconv.Itoa(hi)
		}
		json.NewEncoder(w).Encode(map[string]any{"people": sel[lo:hi], "next_cursor": next})
	case "/sales":
		var sel []toySale
		for _, s := range f.sales {
			if s.UpdatedAt.After(since) {
				sel = append(sel, s)
			}
		}
		slices.SortFunc(sel, func(a, b toySale) int { return a.UpdatedAt.Compare(b.UpdatedAt) })
		lo, hi := page(len(sel))
		out := slices.Clone(sel[lo:hi])
		if f.malformed && len(out) > 0 {
			f.malformed = false
			out[0].Amount = "lots"
		}
		next := ""
		if hi < len(sel) {
			next = strconv.Itoa(hi)
		}
		json.NewEncoder(w).Encode(map[string]any{"sales": out, "next_cursor": next})
	default:
		http.NotFound(w, r)
	}
}

func (f *toyFake) URL() string { return f.srv.URL }

func (f *toyFake) Seed(n int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	base := len(f.people)
	for i := range n {
		id := fmt.Sprintf("p%04d", base+i)
		f.people = append(f.people, toyPerson{ID: id, Name: fmt.Sprintf("客 %d", base+i), Email: fmt.Sprintf("c%d@shop-mail.jp", base+i), UpdatedAt: f.tick()})
		f.sales = append(f.sales, toySale{ID: "s" + id, PersonID: id, Amount: 1000 + i, At: f.now, UpdatedAt: f.now})
	}
}

func (f *toyFake) Change(k int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for i := 0; i < k && i < len(f.people); i++ {
		f.people[i].Name += "様"
		f.people[i].UpdatedAt = f.tick()
	}
}

func (f *toyFake) AddLate() {
	f.mu.Lock()
	defer f.mu.Unlock()
	// Uploaded now, but stamped ten minutes ago: inside the overlap.
	f.sales = append(f.sales, toySale{ID: "late", PersonID: f.people[0].ID, Amount: 500, At: f.now.Add(-10 * time.Minute), UpdatedAt: f.now.Add(-10 * time.Minute)})
}

func (f *toyFake) Want() (int, int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.people), len(f.sales)
}

func (f *toyFake) RateLimitNext(n int) { f.mu.Lock(); f.limited += n; f.mu.Unlock() }
func (f *toyFake) FailNext(n int)      { f.mu.Lock(); f.failing += n; f.mu.Unlock() }
func (f *toyFake) SetDelay(d time.Duration) {
	f.mu.Lock()
	f.delay = d
	f.mu.Unlock()
}
func (f *toyFake) Requests() int { f.mu.Lock(); defer f.mu.Unlock(); return f.requests }
func (f *toyFake) Close()        { f.srv.Close() }

func (f *toyFake) MalformNext() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.malformed = true
	// The first sale a full sync reads.
	first := slices.MinFunc(f.sales, func(a, b toySale) int { return a.UpdatedAt.Compare(b.UpdatedAt) })
	return first.ID
}

// The toy connector.

type toyOptions struct {
	BaseURL string        `yaml:"base_url"`
	Token   config.Secret `yaml:"token"`
}

type toySource struct {
	client *retryablehttp.Client
	o      *toyOptions
}

func (s *toySource) Streams() []connectors.Stream {
	return []connectors.Stream{toyStream{s, "people"}, toyStream{s, "sales"}}
}

type toyStream struct {
	s    *toySource
	name string
}

func (t toyStream) Name() string { return t.name }

// Pages reads everything updated after the cursor (an RFC 3339 time) minus
// a 15-minute overlap, so late arrivals are not missed; upserts make the
// overlap harmless.
func (t toyStream) Pages(ctx context.Context, cursor string) iter.Seq2[connectors.Page, error] {
	return func(yield func(connectors.Page, error) bool) {
		since := time.Time{}
		if c, err := time.Parse(time.RFC3339Nano, cursor); err == nil {
			since = c.Add(-15 * time.Minute)
		}
		high := since
		next := ""
		for {
			q := url.Values{"since": {since.Format(time.RFC3339Nano)}, "cursor": {next}}
			req, err := retryablehttp.NewRequestWithContext(ctx, http.MethodGet, t.s.o.BaseURL+"/"+t.name+"?"+q.Encode(), nil)
			if err != nil {
				yield(connectors.Page{}, err)
				return
			}
			req.Header.Set("Authorization", "Bearer "+t.s.o.Token.Reveal())
			resp, err := t.s.client.Do(req)
			if err != nil {
				yield(connectors.Page{}, fmt.Errorf("toy: %s: %w", t.name, ctx.Err()))
				return
			}
			var body struct {
				People []toyPerson       `json:"people"`
				Sales  []json.RawMessage `json:"sales"`
				Next   string            `json:"next_cursor"`
			}
			err = json.NewDecoder(resp.Body).Decode(&body)
			resp.Body.Close()
			if err != nil {
				yield(connectors.Page{}, fmt.Errorf("toy: %s: %w", t.name, err))
				return
			}
			var page connectors.Page
			for _, p := range body.People {
				page.Identities = append(page.Identities, connectors.Identity{ExternalID: p.ID, FullName: p.Name, Emails: []string{p.Email}, UpdatedAt: p.UpdatedAt})
				high = later(high, p.UpdatedAt)
			}
			for _, raw := range body.Sales {
				var s struct {
					ID        string    `json:"id"`
					PersonID  string    `json:"person_id"`
					Amount    int64     `json:"amount"`
					At        time.Time `json:"at"`
					UpdatedAt time.Time `json:"updated_at"`
				}
				if err := json.Unmarshal(raw, &s); err != nil {
					var id struct{ ID string }
					_ = json.Unmarshal(raw, &id)
					page.Rejects = append(page.Rejects, connectors.Reject{ExternalID: id.ID, Location: "toy/sales", Reason: err.Error(), Raw: raw})
					continue
				}
				amount := s.Amount
				page.Activities = append(page.Activities, connectors.Activity{ExternalID: s.ID, Kind: connectors.KindPurchase, IdentityExternalID: s.PersonID, OccurredAt: s.At, Amount: &amount, Currency: "JPY", Raw: raw})
				high = later(high, s.UpdatedAt)
			}
			page.Cursor = high.Format(time.RFC3339Nano)
			if !yield(page, nil) {
				return
			}
			if body.Next == "" {
				return
			}
			next = body.Next
		}
	}
}

func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

type toyVendor struct{}

func (toyVendor) Type() string { return "toy" }

func (toyVendor) Register(r *connectors.Registry) {
	r.Register("toy", connectors.Type{
		Options: func() any { return &toyOptions{} },
		New: func(env connectors.Env, opts any) (connectors.Source, error) {
			c := retryablehttp.NewClient()
			c.Logger = nil
			c.RetryWaitMin, c.RetryWaitMax, c.RetryMax = time.Millisecond, 5*time.Millisecond, 5
			return &toySource{client: c, o: opts.(*toyOptions)}, nil
		},
	})
}

func (toyVendor) Start(t testing.TB) connectortest.Fake { return startToy(t) }

func (toyVendor) Options(baseURL string) string {
	return "base_url: " + baseURL + "\ntoken: " + toyToken + "\n"
}

func (toyVendor) Secrets() []string { return []string{toyToken} }

func TestConformance_Toy(t *testing.T) { connectortest.Run(t, toyVendor{}) }
