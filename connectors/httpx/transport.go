package httpx

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// transport is the part of the chain that runs once per attempt, before the
// request goes out: rate limiter → concurrency cap → auth → per-attempt
// timeout. It holds a concurrency slot until the response body is closed.
//
// It deliberately does not forward CloseIdleConnections: retryablehttp
// calls it after every failed call, which would empty the shared pool.
type transport struct {
	c       *Client
	base    http.RoundTripper
	limiter *rate.Limiter // nil: unlimited
	slots   chan struct{} // one token per request in flight
	timeout time.Duration
}

var _ http.RoundTripper = (*transport)(nil)

// permanentError is a failure before the request went out that retrying
// would not fix (credentials could not be had, the rate limiter cannot
// fit the request before ctx's deadline). checkRetry ends the call on it.
type permanentError struct{ err error }

func (e *permanentError) Error() string { return e.err.Error() }
func (e *permanentError) Unwrap() error { return e.err }

// RoundTrip implements http.RoundTripper.
func (t *transport) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	if t.limiter != nil {
		if err := t.limiter.Wait(ctx); err != nil {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			return nil, &permanentError{fmt.Errorf("rate limiter: %w", err)}
		}
	}
	select {
	case t.slots <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	release := func() { <-t.slots }

	out := req.Clone(ctx)
	// Credentials go to the vendor's own host only, never to a host a
	// redirect points at.
	if t.c.auth != nil && sameOrigin(out.URL, t.c.base) {
		if err := t.c.auth.Authorize(ctx, out); err != nil {
			release()
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			return nil, &permanentError{fmt.Errorf("authorizing: %w", err)}
		}
	}
	// The attempt's timeout starts after auth: a token refresh has its own.
	actx, cancel := context.WithTimeout(ctx, t.timeout)
	out = out.WithContext(actx)
	if st := callFrom(ctx); st != nil && st.start.IsZero() {
		st.start = time.Now()
	}
	resp, err := t.base.RoundTrip(out)
	if err != nil {
		cancel()
		release()
		return nil, err
	}
	resp.Body = &releasingBody{ReadCloser: resp.Body, done: func() { cancel(); release() }}
	return resp, nil
}

// releasingBody ends the attempt (its timeout and its concurrency slot)
// when the body is closed.
type releasingBody struct {
	io.ReadCloser
	once sync.Once
	done func()
}

func (b *releasingBody) Close() error {
	err := b.ReadCloser.Close()
	b.once.Do(b.done)
	return err
}
