package xero

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/nayose/nayose/connectors"
	"github.com/nayose/nayose/connectors/httpx"
)

func TestLimits_SlowDownAndStopBeforeTheWall(t *testing.T) {
	var waits []time.Duration
	sleep := func(_ context.Context, d time.Duration) error { waits = append(waits, d); return nil }
	l := newLimits(10)
	ctx := context.Background()
	if err := l.before(ctx, sleep); err != nil || len(waits) != 0 {
		t.Fatalf("nothing known yet: %v, waits %v", err, waits)
	}
	l.observe(header(hdrMinRemaining, "0", hdrDayRemaining, "4000"), time.Now())
	if err := l.before(ctx, sleep); err != nil || len(waits) != 1 || waits[0] < 59*time.Second || waits[0] > time.Minute {
		t.Errorf("no request left this minute: %v, waits %v; want a wait of about a minute", err, waits)
	}
	if err := l.before(ctx, sleep); err != nil || len(waits) != 1 {
		t.Errorf("the minute was waited out once: %v, waits %v", err, waits)
	}
	l.observe(header(hdrMinRemaining, "50", hdrDayRemaining, "10"), time.Now())
	if err := l.before(ctx, sleep); !errors.Is(err, connectors.ErrPartial) {
		t.Errorf("day limit down to the reserve: %v, want ErrPartial", err)
	}
	l.newRun()
	if err := l.before(ctx, sleep); err != nil {
		t.Errorf("a new run asks again: %v", err)
	}
}

func TestLimits_DayLimit429IsNotRetried(t *testing.T) {
	l := newLimits(0)
	resp := &http.Response{StatusCode: http.StatusTooManyRequests, Header: header("Retry-After", "0", hdrProblem, "day")}
	if v := l.classify(resp, nil); v.Kind != httpx.Throttled || v.Wait < dayWait {
		t.Errorf("day 429: %+v, want throttled with a wait past any budget", v)
	}
	if err := l.before(context.Background(), nil); !errors.Is(err, connectors.ErrPartial) {
		t.Errorf("after a day 429: %v, want ErrPartial", err)
	}
	resp.Header.Set(hdrProblem, "minute")
	resp.Header.Set("Retry-After", "7")
	if v := newLimits(0).classify(resp, nil); v.Kind != httpx.Throttled || v.Wait != 7*time.Second {
		t.Errorf("minute 429: %+v, want throttled for Retry-After", v)
	}
}

// header builds a header as a response carries it: canonical keys.
func header(kv ...string) http.Header {
	h := http.Header{}
	for i := 0; i+1 < len(kv); i += 2 {
		h.Set(kv[i], kv[i+1])
	}
	return h
}
