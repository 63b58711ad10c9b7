package httpx

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Kind is what a response means for the call that got it.
type Kind int

const (
	// OK is a response to hand to the caller.
	OK Kind = iota
	// Retry is a transient failure (5xx, timeout, network error): try
	// again after a backoff, up to MaxRetries.
	Retry
	// Throttled is the vendor's rate limiting: try again after the wait it
	// asked for (or a backoff), charged to the throttle budget.
	Throttled
	// Fatal is a refusal that retrying would not fix (most 4xx): the call
	// fails with an *HTTPError.
	Fatal
)

// String returns the kind's name.
func (k Kind) String() string {
	switch k {
	case OK:
		return "ok"
	case Retry:
		return "retry"
	case Throttled:
		return "throttled"
	case Fatal:
		return "fatal"
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

// Verdict is a Classifier's decision about one response.
type Verdict struct {
	// Kind says what to do.
	Kind Kind
	// Wait is how long the vendor asked to wait before the next attempt;
	// zero means it did not say. When a hook leaves it zero for Retry or
	// Throttled, the client reads it from the headers (see DefaultClassify).
	// The backoff never waits less.
	Wait time.Duration
	// Reason says why, for logs and errors ("429 Too Many Requests",
	// "error.code 613"). It must not contain secrets.
	Reason string
}

// Classifier decides what a response means. body is the whole response
// body, already read. A vendor hook handles its own signals and returns
// DefaultClassify(resp, body) for everything else. It must be safe for
// concurrent use.
type Classifier func(resp *http.Response, body []byte) Verdict

// DefaultClassify is the classification every vendor starts from:
//
//   - 1xx–3xx: OK
//   - 429: Throttled
//   - 403 with a rate-limit signal (Retry-After, or an X-RateLimit-Remaining
//     of 0): Throttled; a plain 403 is Fatal
//   - 408, and 5xx except 501: Retry
//   - other 4xx, and 501: Fatal
//
// Wait comes from Retry-After (seconds or an HTTP date) for Throttled and
// Retry; for Throttled also from X-RateLimit-Reset, RateLimit-Reset or
// X-Rate-Limit-Reset, read as seconds until the reset, a unix time (when
// above 1e9), or an ISO-8601 time (freee).
func DefaultClassify(resp *http.Response, _ []byte) Verdict {
	code := resp.StatusCode
	var kind Kind
	switch {
	case code < 400:
		return Verdict{Kind: OK}
	case code == http.StatusTooManyRequests:
		kind = Throttled
	case code == http.StatusForbidden && rateLimitSignal(resp.Header):
		kind = Throttled
	case code == http.StatusRequestTimeout:
		kind = Retry
	case code == http.StatusNotImplemented:
		return Verdict{Kind: Fatal, Reason: statusLine(code)}
	case code >= 500:
		kind = Retry
	default:
		return Verdict{Kind: Fatal, Reason: statusLine(code)}
	}
	v := Verdict{Kind: kind, Reason: statusLine(code)}
	if wait, header := vendorWait(resp.Header, kind == Throttled, time.Now()); header != "" {
		v.Wait = wait
		v.Reason += ", " + header
	}
	return v
}

// ThrottledOnStatus returns a Classifier that treats the given statuses as
// rate limiting (Mailchimp's and freee's 403 under heavy use) and defers to
// DefaultClassify for everything else. The wait still comes from the
// headers when the vendor sends any.
func ThrottledOnStatus(codes ...int) Classifier {
	codes = slices.Clone(codes)
	return func(resp *http.Response, body []byte) Verdict {
		if slices.Contains(codes, resp.StatusCode) {
			return Verdict{Kind: Throttled, Reason: statusLine(resp.StatusCode) + " (rate limiting for this vendor)"}
		}
		return DefaultClassify(resp, body)
	}
}

// ThrottledOnJSONCode returns a Classifier that treats an error response
// (status 400 or above) as rate limiting when its JSON body holds one of
// codes at path, and defers to DefaultClassify otherwise. path is
// dot-separated object keys; an array along it matches when any element
// does. Codes compare with the value's JSON text, unquoted, so a number 613
// and a string "613" both match "613". Meta:
//
//	ThrottledOnJSONCode("error.code", "4", "17", "32", "613", "80001", "80002", "80006")
func ThrottledOnJSONCode(path string, codes ...string) Classifier {
	keys := strings.Split(path, ".")
	codes = slices.Clone(codes)
	return func(resp *http.Response, body []byte) Verdict {
		if resp.StatusCode >= 400 {
			if code, ok := jsonCode(body, keys, codes); ok {
				return Verdict{Kind: Throttled, Reason: fmt.Sprintf("%s, %s %s", statusLine(resp.StatusCode), path, code)}
			}
		}
		return DefaultClassify(resp, body)
	}
}

// jsonCode finds the first value at keys in body that is one of codes.
func jsonCode(body []byte, keys, codes []string) (string, bool) {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var doc any
	if err := dec.Decode(&doc); err != nil {
		return "", false
	}
	var walk func(v any, keys []string) (string, bool)
	walk = func(v any, keys []string) (string, bool) {
		if arr, ok := v.([]any); ok {
			for _, e := range arr {
				if code, ok := walk(e, keys); ok {
					return code, true
				}
			}
			return "", false
		}
		if len(keys) == 0 {
			var s string
			switch x := v.(type) {
			case string:
				s = x
			case json.Number:
				s = x.String()
			default:
				return "", false
			}
			return s, slices.Contains(codes, s)
		}
		obj, ok := v.(map[string]any)
		if !ok {
			return "", false
		}
		next, ok := obj[keys[0]]
		if !ok {
			return "", false
		}
		return walk(next, keys[1:])
	}
	return walk(doc, keys)
}

// rateLimitSignal reports whether headers say the request hit a rate limit.
func rateLimitSignal(h http.Header) bool {
	if h.Get("Retry-After") != "" {
		return true
	}
	for _, k := range []string{"X-RateLimit-Remaining", "RateLimit-Remaining", "X-Rate-Limit-Remaining"} {
		if v := strings.TrimSpace(h.Get(k)); v == "0" {
			return true
		}
	}
	return false
}

// resetHeaders name when a rate-limit window resets, in order of trust.
// Header.Get is case-insensitive, so x-ratelimit-reset is read too.
var resetHeaders = []string{"X-RateLimit-Reset", "RateLimit-Reset", "X-Rate-Limit-Reset"}

// vendorWait reads how long the vendor asked to wait, and from which header:
// Retry-After always, the rate-limit reset headers only when throttled
// (elsewhere they describe the window, not a request to wait). A time in the
// past means no wait.
func vendorWait(h http.Header, throttled bool, now time.Time) (time.Duration, string) {
	if v := strings.TrimSpace(h.Get("Retry-After")); v != "" {
		if secs, err := strconv.ParseFloat(v, 64); err == nil && secs >= 0 && !math.IsInf(secs, 0) {
			return seconds(secs), "Retry-After: " + v
		}
		if t, err := http.ParseTime(v); err == nil {
			return max(t.Sub(now), 0), "Retry-After: " + v
		}
	}
	if !throttled {
		return 0, ""
	}
	for _, k := range resetHeaders {
		v := strings.TrimSpace(h.Get(k))
		if v == "" {
			continue
		}
		if d, ok := parseReset(v, now); ok {
			return d, k + ": " + v
		}
	}
	return 0, ""
}

// parseReset reads a reset header value: seconds until the reset, a unix
// time in seconds (above 1e9) or milliseconds (above 1e12), an ISO-8601
// time, or an HTTP date.
func parseReset(v string, now time.Time) (time.Duration, bool) {
	if n, err := strconv.ParseFloat(v, 64); err == nil && n >= 0 && !math.IsInf(n, 0) {
		switch {
		case n > 1e12:
			return max(time.UnixMilli(int64(n)).Sub(now), 0), true
		case n > 1e9:
			return max(time.Unix(int64(n), 0).Sub(now), 0), true
		default:
			return seconds(n), true
		}
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05Z0700", "2006-01-02 15:04:05Z07:00"} {
		if t, err := time.Parse(layout, v); err == nil {
			return max(t.Sub(now), 0), true
		}
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(t.Sub(now), 0), true
	}
	return 0, false
}

// seconds converts a count of seconds to a Duration, capping absurd values
// (the throttle budget refuses them anyway).
func seconds(n float64) time.Duration {
	const ceiling = 365 * 24 * time.Hour
	if n >= ceiling.Seconds() {
		return ceiling
	}
	return time.Duration(n * float64(time.Second))
}
