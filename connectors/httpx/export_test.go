package httpx

import (
	"context"
	"time"
)

// WithSleep returns o with the wait between attempts replaced by sleep, so
// tests can record vendor-asked waits without spending them.
func WithSleep(o Options, sleep func(ctx context.Context, d time.Duration) error) Options {
	o.sleep = sleep
	return o
}
