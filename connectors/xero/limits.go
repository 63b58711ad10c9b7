package xero

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/nayose/nayose/connectors"
	"github.com/nayose/nayose/connectors/httpx"
)

// Xero's limit headers. They come on every answer of the accounting API.
const (
	hdrMinRemaining = "X-MinLimit-Remaining"
	hdrDayRemaining = "X-DayLimit-Remaining"
	hdrProblem      = "X-Rate-Limit-Problem"
)

// minuteWindow is how long a spent minute limit is waited out when Xero
// said no request was left this minute but gave no Retry-After (it only
// gives one on a 429).
const minuteWindow = time.Minute

// dayWait is the wait a day-limit 429 without Retry-After is taken to ask
// for: longer than any throttle budget, so httpx gives up at once with
// ErrThrottled (a partial run) instead of retrying into the wall.
const dayWait = 24 * time.Hour

// limits follows Xero's per-tenant limit headers across the streams of one
// source, so that a run slows down before the minute limit and stops (as
// partial) before the day limit, rather than spending requests on 429s.
//
// It lives here and not in httpx because httpx has no hook that runs
// before a request with the previous answer's headers; Classify sees every
// answer (retries included) and is where the headers are read.
type limits struct {
	reserve int

	mu        sync.Mutex
	dayLeft   int // -1 until an answer said
	minLeft   int
	minSeenAt time.Time
	dayOut    bool // a 429 said the day limit is spent
}

// newRun forgets what the last run learnt: Xero does not say when its day
// window resets, so each run asks at least once.
func (l *limits) newRun() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.dayLeft, l.minLeft, l.dayOut = -1, -1, false
}

func newLimits(reserve int) *limits { return &limits{reserve: reserve, dayLeft: -1, minLeft: -1} }

// classify reads the limit headers of every answer and classifies it as
// httpx does, except that a 429 for the day limit asks for a wait no
// throttle budget covers: retrying it is pointless until midnight UTC.
func (l *limits) classify(resp *http.Response, body []byte) httpx.Verdict {
	l.observe(resp.Header, time.Now())
	v := httpx.DefaultClassify(resp, body)
	if resp.StatusCode == http.StatusTooManyRequests {
		problem := resp.Header.Get(hdrProblem)
		if problem != "" {
			v.Reason += ", " + hdrProblem + ": " + problem
		}
		if problem == "day" {
			l.mu.Lock()
			l.dayOut = true
			l.mu.Unlock()
			if v.Wait < dayWait {
				v.Wait = dayWait
			}
		}
	}
	return v
}

func (l *limits) observe(h http.Header, now time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if n, err := strconv.Atoi(h.Get(hdrDayRemaining)); err == nil {
		l.dayLeft = n
	}
	if n, err := strconv.Atoi(h.Get(hdrMinRemaining)); err == nil {
		l.minLeft, l.minSeenAt = n, now
	}
}

// errDayLimit is the error of a stream stopped for the day limit.
func errDayLimit(left int) error {
	return fmt.Errorf("%w: xero day limit reached (%d requests left today, reserve kept): the next run resumes", connectors.ErrPartial, left)
}

// before runs before each request: it stops the run (as partial) when the
// day limit is spent or down to the reserve, and waits out the minute when
// Xero said none of its requests were left.
func (l *limits) before(ctx context.Context, sleep func(context.Context, time.Duration) error) error {
	l.mu.Lock()
	dayOut, dayLeft := l.dayOut, l.dayLeft
	var wait time.Duration
	if l.minLeft == 0 {
		wait = time.Until(l.minSeenAt.Add(minuteWindow))
		l.minLeft = -1 // one wait per empty minute
	}
	l.mu.Unlock()
	if dayOut || (dayLeft >= 0 && dayLeft <= l.reserve) {
		return errDayLimit(max(dayLeft, 0))
	}
	if wait > 0 {
		return sleep(ctx, wait)
	}
	return nil
}
