package meta

import (
	"encoding/json"
	"net/http"
	"strings"
	"time"

	"github.com/nayose/nayose/connectors/httpx"
)

// ThrottleCodes are the Graph error codes that mean rate limiting: 4
// (application), 17 (user), 32 (page), 613 (custom), 80001 (Pages
// business use case), 80002 (Instagram), 80006 (Messenger).
var ThrottleCodes = []string{"4", "17", "32", "613", "80001", "80002", "80006"}

// usageHeaders carry Graph's usage, some with estimated_time_to_regain_access
// in minutes. X-Business-Use-Case-Usage is an object of arrays keyed by
// business object id; the others are flat objects.
var usageHeaders = []string{"X-Business-Use-Case-Usage", "X-Page-Usage", "X-App-Usage", "X-Ad-Account-Usage"}

// throttledOnCode is httpx's hook for vendors whose rate limiting is a
// JSON error code, usually on a 400 or 403 and never with Retry-After.
var throttledOnCode = httpx.ThrottledOnJSONCode("error.code", ThrottleCodes...)

// classify is the Graph classification, plugged into httpx as its
// Classify hook: the throttling codes are Throttled, waiting at least the
// estimated_time_to_regain_access of the usage headers; another error that
// says is_transient is retried; anything else is httpx's default (a plain
// 400 such as an expired token, code 190, is fatal).
func classify(resp *http.Response, body []byte) httpx.Verdict {
	v := throttledOnCode(resp, body)
	switch {
	case v.Kind == httpx.Throttled:
		if wait, header := regainWait(resp.Header); wait > v.Wait {
			v.Wait = wait
			v.Reason += ", " + header
		}
	case v.Kind == httpx.Fatal && transient(body):
		v.Kind = httpx.Retry
		v.Reason += ", is_transient"
	}
	return v
}

// transient reports whether a Graph error body says is_transient.
func transient(body []byte) bool {
	var e struct {
		Error struct {
			IsTransient bool `json:"is_transient"`
		} `json:"error"`
	}
	return json.Unmarshal(body, &e) == nil && e.Error.IsTransient
}

// regainWait is the longest estimated_time_to_regain_access (minutes) any
// usage header gives, and the header's name.
func regainWait(h http.Header) (time.Duration, string) {
	var best time.Duration
	var from string
	for _, name := range usageHeaders {
		v := strings.TrimSpace(h.Get(name))
		if v == "" {
			continue
		}
		var doc any
		if json.Unmarshal([]byte(v), &doc) != nil {
			continue
		}
		if m := maxRegain(doc); m > best {
			best, from = m, name
		}
	}
	if best == 0 {
		return 0, ""
	}
	return best, from + " estimated_time_to_regain_access " + best.String()
}

// maxRegain finds the largest estimated_time_to_regain_access in a usage
// header's JSON, wherever it is nested.
func maxRegain(v any) time.Duration {
	var best time.Duration
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			if n, ok := e.(float64); ok && k == "estimated_time_to_regain_access" && n > 0 {
				best = max(best, time.Duration(n*float64(time.Minute)))
				continue
			}
			best = max(best, maxRegain(e))
		}
	case []any:
		for _, e := range x {
			best = max(best, maxRegain(e))
		}
	}
	return best
}
