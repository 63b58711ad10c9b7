package vendortest_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nayose/nayose/connectors/vendortest"
)

// toy is the smallest fake: two routes, faults answered as "fault <status>".
type toy struct {
	vendortest.Hooks
	maxInFlight int
}

func (f *toy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /items", func(w http.ResponseWriter, _ *http.Request) { io.WriteString(w, "items") })
	mux.HandleFunc("POST /items/{id}", func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		w.WriteHeader(http.StatusCreated)
		w.Write(b)
	})
	f.Handle(w, r, &vendortest.Vendor{
		Routes:   mux,
		Next:     mux,
		Now:      func() time.Time { return time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC) },
		NotFound: func(w http.ResponseWriter, _ *http.Request) { http.Error(w, "no route", http.StatusNotFound) },
		Fault: func(w http.ResponseWriter, _ *http.Request, status int) {
			http.Error(w, fmt.Sprint("fault ", status), status)
		},
		MaxInFlight: f.maxInFlight,
		Busy:        func(w http.ResponseWriter, _ *http.Request) { http.Error(w, "busy", http.StatusTooManyRequests) },
	})
}

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, strings.TrimSpace(string(b))
}

func TestInjectAhead_GoesBeforeInjectedFaultsAndKeepsItsOrder(t *testing.T) {
	f := &toy{}
	ts := vendortest.Serve(t, "toy", f)
	f.Inject(1, 500)
	f.InjectAhead(2, 429)
	f.Inject(1, 503)
	f.InjectAhead(1, 420)
	f.InjectAhead(0, 418)
	var got []int
	for range 6 {
		status, _ := get(t, ts.URL+"/items")
		got = append(got, status)
	}
	if want := []int{429, 429, 420, 500, 503, 200}; !slices.Equal(got, want) {
		t.Errorf("statuses %v, want %v", got, want)
	}
}

func TestHandle_LogsEveryRequestWithItsStatus(t *testing.T) {
	f := &toy{}
	srv := httptest.NewServer(f) // not Serve: this test calls an unknown route on purpose
	defer srv.Close()
	ts := srv.URL
	get(t, ts+"/items")
	resp, err := http.Post(ts+"/items/7?x=1", "text/plain", strings.NewReader("body"))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(b) != "body" {
		t.Errorf("the route read %q, want the body as sent", b)
	}
	get(t, ts+"/itemsx")

	reqs := f.Requests()
	if len(reqs) != 3 {
		t.Fatalf("%d requests logged, want 3", len(reqs))
	}
	if r := reqs[1]; r.Method != "POST" || r.Path != "/items/7" || r.Query.Get("x") != "1" || string(r.Body) != "body" ||
		r.Status != http.StatusCreated || !r.At.Equal(time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)) || r.Host == "" {
		t.Errorf("logged %+v", r)
	}
	if reqs[0].Status != 200 || reqs[2].Status != 404 {
		t.Errorf("statuses %d, %d; want 200, 404", reqs[0].Status, reqs[2].Status)
	}
	if got := f.UnknownRoutes(); !slices.Equal(got, []string{"GET /itemsx"}) {
		t.Errorf("unknown routes %v", got)
	}
	// The log is a copy.
	reqs[1].Query.Set("x", "2")
	reqs[1].Body[0] = 'B'
	if r := f.Requests()[1]; r.Query.Get("x") != "1" || string(r.Body) != "body" {
		t.Error("editing a returned request changed the log")
	}
	for path, want := range map[string]int{"/items": 2, "/items/": 1, "/items/7": 1, "/item": 0, "/": 3} {
		if n := f.CountRequests(path); n != want {
			t.Errorf("CountRequests(%q) = %d, want %d", path, n, want)
		}
	}
	f.ResetRequests()
	if len(f.Requests()) != 0 || len(f.UnknownRoutes()) != 0 {
		t.Error("ResetRequests left entries")
	}
}

func TestHandle_DelayHoldsASlotAndMaxInFlightAnswersBusy(t *testing.T) {
	f := &toy{maxInFlight: 2}
	ts := httptest.NewServer(f)
	defer ts.Close()
	f.SetDelay(time.Minute)
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	for range 2 {
		wg.Go(func() {
			req, _ := http.NewRequestWithContext(ctx, "GET", ts.URL+"/items", nil)
			if resp, err := http.DefaultClient.Do(req); err == nil {
				resp.Body.Close()
				t.Error("a delayed request was answered before its client gave up")
			}
		})
	}
	waitFor(t, func() bool { return f.InFlight() == 2 })
	if status, body := get(t, ts.URL+"/items"); status != 429 || body != "busy" {
		t.Errorf("a third request: %d %q, want the vendor's busy answer", status, body)
	}
	cancel()
	wg.Wait()
	waitFor(t, func() bool { return f.InFlight() == 0 })
	f.SetDelay(0)
	if status, _ := get(t, ts.URL+"/items"); status != 200 || f.MaxInFlight() != 2 {
		t.Errorf("after the delay: status %d, MaxInFlight %d; want 200, 2", status, f.MaxInFlight())
	}
}

func TestResetRequests_AnswerAfterAResetDoesNotLandInTheNewLog(t *testing.T) {
	f := &toy{}
	ts := vendortest.Serve(t, "toy", f)
	f.SetDelay(200 * time.Millisecond)
	done := make(chan struct{})
	go func() {
		defer close(done)
		get(t, ts.URL+"/items")
	}()
	waitFor(t, func() bool { return f.InFlight() == 1 })
	f.ResetRequests()
	f.SetDelay(0)
	get(t, ts.URL+"/items")
	<-done
	reqs := f.Requests()
	if len(reqs) != 1 || reqs[0].Status != 200 {
		t.Errorf("log after reset: %+v, want the one request made since", reqs)
	}
}

func TestMalform_WaitsForAPageWithRecords(t *testing.T) {
	var h vendortest.Hooks
	h.QueueMalform("/a", 1)
	h.QueueMalform("/a", 2)
	h.QueueMalform("", 0)
	var kinds []int
	corrupt := func(page []string) func(int) (string, bool) {
		return func(kind int) (string, bool) {
			kinds = append(kinds, kind)
			if len(page) == 0 {
				return "", false
			}
			return page[len(page)/2], true
		}
	}
	h.Malform("/b", corrupt([]string{"x"}))              // nothing queued for /b
	h.Malform("/a", corrupt(nil))                        // an empty page keeps it
	h.Malform("/a", corrupt([]string{"r1", "r2", "r3"})) // the middle record
	h.Malform("/a", corrupt([]string{"r4"}))
	h.Malform("/a", corrupt([]string{"r5"})) // the queue for /a is empty
	h.Malform("", corrupt([]string{"r6"}))
	if got := h.MalformedIDs(); !slices.Equal(got, []string{"r2", "r4", "r6"}) {
		t.Errorf("MalformedIDs %v, want [r2 r4 r6]", got)
	}
	if !slices.Equal(kinds, []int{1, 1, 2, 0}) {
		t.Errorf("kinds offered %v, want [1 1 2 0]", kinds)
	}
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); !cond(); {
		if time.Now().After(deadline) {
			t.Fatal("timed out")
		}
		time.Sleep(5 * time.Millisecond)
	}
}
