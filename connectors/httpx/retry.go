package httpx

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"strings"
	"time"
)

// call is one Do's state across its attempts. It travels in the request's
// context so the shared retryablehttp hooks and the transport can find it.
// Attempts of one call run one after another on the caller's goroutine, so
// it needs no lock.
type call struct {
	method  string
	display string // redacted path and query, for logs and errors

	attempts  int           // attempts finished
	start     time.Time     // when the current attempt was sent
	throttled time.Duration // waited on rate limiting so far
	reauthed  bool          // a 401 already invalidated the credentials
	body      []byte        // last response body
	err       error         // the call's final error, set by checkRetry
}

type callKey struct{}

// callFrom returns the call state Do put in ctx, or nil.
func callFrom(ctx context.Context) *call {
	st, _ := ctx.Value(callKey{}).(*call)
	return st
}

// checkRetry is retryablehttp's CheckRetry hook and the heart of the chain
// after the attempt: it reads the body, classifies the response, and either
// ends the call (OK, or a final error in st.err) or charges the throttle
// budget, waits, and asks for another attempt.
//
// The wait happens here rather than in retryablehttp's own timer, so the
// budget check and the wait use the same duration, the wait honours ctx,
// and tests can replace the clock; the Backoff hook (waited) returns zero.
func (c *Client) checkRetry(ctx context.Context, resp *http.Response, err error) (bool, error) {
	st := callFrom(ctx)
	if st == nil {
		return false, errors.New("httpx: request without call state")
	}
	st.attempts++
	var d time.Duration
	if !st.start.IsZero() {
		d = time.Since(st.start)
		st.start = time.Time{}
	}

	if ctxErr := ctx.Err(); ctxErr != nil {
		closeBody(resp)
		return c.fail(st, c.errorf(st, "%w", ctxErr))
	}

	var v Verdict
	status := 0
	if err != nil {
		var perm *permanentError
		if errors.As(err, &perm) {
			c.logAttempt(st, 0, d, perm)
			return c.fail(st, c.errorf(st, "%w", redactErr(perm.err, c.Redact)))
		}
		c.logAttempt(st, 0, d, err)
		v = Verdict{Kind: Retry, Reason: c.Redact(err.Error())}
	} else {
		status = resp.StatusCode
		body, rerr := readBody(resp)
		c.logAttempt(st, status, d, rerr)
		switch {
		case rerr != nil && ctx.Err() != nil:
			return c.fail(st, c.errorf(st, "%w", ctx.Err()))
		case errors.Is(rerr, errTooLarge):
			return c.fail(st, c.errorf(st, "%d %s: %v", status, http.StatusText(status), rerr))
		case rerr != nil:
			v = Verdict{Kind: Retry, Reason: c.Redact("reading body: " + rerr.Error())}
		default:
			st.body = body
			v = c.classify(resp, body)
			if v.Reason == "" {
				v.Reason = statusLine(status)
			}
			if v.Wait <= 0 && (v.Kind == Throttled || v.Kind == Retry) {
				v.Wait, _ = vendorWait(resp.Header, v.Kind == Throttled, time.Now())
			}
		}
	}

	switch v.Kind {
	case OK:
		return false, nil
	case Retry, Throttled:
		// handled below
	default: // Fatal, or a Kind a hook made up
		if status == http.StatusUnauthorized && !st.reauthed && st.attempts <= c.opts.MaxRetries {
			if inv, ok := c.auth.(Invalidator); ok {
				// The credentials may have been revoked or rotated
				// elsewhere: drop them once and try again at once.
				st.reauthed = true
				inv.Invalidate(resp.Request)
				c.log.DebugContext(ctx, "credentials refused; retrying with fresh ones",
					"method", st.method, "path", st.display, "attempt", st.attempts)
				return true, nil
			}
		}
		return c.fail(st, c.httpError(st, resp))
	}

	sentinel := ErrUnavailable
	if v.Kind == Throttled {
		sentinel = ErrThrottled
	}
	if st.attempts > c.opts.MaxRetries {
		return c.fail(st, c.errorf(st, "giving up after %s: %s: %w", plural(st.attempts, "attempt"), v.Reason, sentinel))
	}

	wait := c.backoff(st.attempts-1, v.Wait)
	if deadline, ok := ctx.Deadline(); ok && time.Until(deadline) < wait {
		// Sleeping into the deadline would only end in DeadlineExceeded,
		// which reads as the caller's doing; say what happened instead.
		return c.fail(st, c.errorf(st, "%s: waiting %s would pass the context deadline (after %s): %w",
			v.Reason, wait, plural(st.attempts, "attempt"), sentinel))
	}
	if v.Kind == Throttled {
		if st.throttled+wait > c.opts.ThrottleBudget {
			return c.fail(st, c.errorf(st, "%s: waiting %s more would pass the throttle budget of %s (waited %s over %s): %w",
				v.Reason, wait, c.opts.ThrottleBudget, st.throttled, plural(st.attempts, "attempt"), ErrThrottled))
		}
		st.throttled += wait
		c.log.WarnContext(ctx, "vendor rate limit; waiting",
			"method", st.method, "path", st.display, "wait", wait, "reason", v.Reason,
			"attempt", st.attempts, "throttled", st.throttled, "budget", c.opts.ThrottleBudget)
		if c.observer != nil {
			c.observer.Throttled(c.name, wait)
		}
	} else {
		c.log.DebugContext(ctx, "transient failure; retrying",
			"method", st.method, "path", st.display, "wait", wait, "reason", v.Reason, "attempt", st.attempts)
	}
	if err := c.sleep(ctx, wait); err != nil {
		return c.fail(st, c.errorf(st, "%w", err))
	}
	return true, nil
}

// fail records the call's final error for Do and hands it to retryablehttp,
// which passes it to closeAndFail.
func (c *Client) fail(st *call, err error) (bool, error) {
	st.err = err
	return false, err
}

// waited is retryablehttp's Backoff hook. checkRetry has already waited, so
// retryablehttp's own timer has nothing left to do.
func waited(_, _ time.Duration, _ int, _ *http.Response) time.Duration { return 0 }

// closeAndFail is retryablehttp's ErrorHandler: it releases the last
// response and returns the error checkRetry decided on.
func closeAndFail(resp *http.Response, err error, _ int) (*http.Response, error) {
	closeBody(resp)
	if err == nil {
		// retryablehttp stopped on its own count; checkRetry stops first,
		// so this is a safety net.
		err = ErrUnavailable
	}
	return nil, err
}

// backoff is full-jitter exponential backoff for the retry numbered n (0 for
// the first retry): uniform between MinWait and min(MaxWait, MinWait·2ⁿ), but
// never shorter than what the vendor asked for.
func (c *Client) backoff(n int, asked time.Duration) time.Duration {
	lo, hi := c.opts.MinWait, c.opts.MinWait
	for i := 0; i < n && hi < c.opts.MaxWait; i++ {
		hi *= 2
	}
	hi = min(hi, c.opts.MaxWait)
	d := lo
	if hi > lo {
		d += rand.N(hi - lo + 1)
	}
	return max(d, asked)
}

// httpError builds the HTTPError for a Fatal response.
func (c *Client) httpError(st *call, resp *http.Response) error {
	return &HTTPError{
		Connector: c.name,
		Method:    st.method,
		URL:       c.Redact(resp.Request.URL.String()),
		Status:    resp.StatusCode,
		Body:      snippet(c.Redact(string(st.body))),
	}
}

// snippet is the start of a body for an error message: at most snippetLen
// bytes, cut on a character boundary, on one line.
func snippet(s string) string {
	s = strings.TrimSpace(s)
	if len(s) > snippetLen {
		cut := snippetLen
		for cut > 0 && !isRuneStart(s[cut]) {
			cut--
		}
		s = s[:cut] + "…"
	}
	return strings.Join(strings.Fields(s), " ")
}

// isRuneStart reports whether b begins a UTF-8 character.
func isRuneStart(b byte) bool { return b&0xC0 != 0x80 }

// readBody reads a whole response body (at most maxBody bytes), closes it,
// and puts the bytes back so the response can be read again.
func readBody(resp *http.Response) ([]byte, error) {
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBody+1))
	if err == nil && len(body) > maxBody {
		err = errTooLarge
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
	return body, err
}

// errTooLarge is a response body past maxBody: not worth retrying.
var errTooLarge = fmt.Errorf("response body larger than %d bytes", maxBody)

// closeBody closes resp's body, if there is one.
func closeBody(resp *http.Response) {
	if resp != nil && resp.Body != nil {
		resp.Body.Close()
	}
}

// plural is "1 attempt", "3 attempts".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// statusLine is "429 Too Many Requests".
func statusLine(code int) string {
	return fmt.Sprintf("%d %s", code, http.StatusText(code))
}

// logAttempt writes the per-attempt debug line and reports the metric.
func (c *Client) logAttempt(st *call, status int, d time.Duration, err error) {
	attrs := []any{"method", st.method, "path", st.display, "status", status, "duration", d, "attempt", st.attempts}
	if err != nil {
		attrs = append(attrs, "error", c.Redact(err.Error()))
	}
	c.log.Debug("attempt", attrs...)
	if c.observer != nil {
		c.observer.Request(c.name, st.method, c.Redact(c.base.Host), status, d)
	}
}
