package httpx

import (
	"cmp"
	"context"
	"fmt"
	"log/slog"
	"net/url"
	"regexp"
	"slices"
	"strings"
)

// Redacted replaces every secret in redacted text.
const Redacted = "<redacted>"

// secretParam matches a query parameter (or key=value pair) whose name says
// it holds a secret: access_token, api_key, client_secret, password,
// signature, code (an OAuth authorization code), hub.verify_token.
var secretParam = regexp.MustCompile(`(?i)([a-z0-9_.\-\[\]]*(?:token|key|secret|password|passwd|signature|credential|code)[a-z0-9_.\-\[\]]*=)[^&#\s"'<>,;]+`)

// secretField matches a JSON string field whose name says it holds a secret
// ("refresh_token": "...", "client_secret": "...", "api_key": "...").
var secretField = regexp.MustCompile(`(?i)("[a-z0-9_\-]*(?:token|secret|password|passwd|api_?key|credential)[a-z0-9_\-]*"\s*:\s*)"(?:[^"\\]|\\.)*"`)

// Redact returns s with every secret the Client knows replaced by
// "<redacted>": Options.Secrets, what Auth reports (tokens as they
// rotate), in plain and URL-escaped form, and the values of query
// parameters and JSON fields named like secrets. Every log line and error
// the Client produces has been through it.
func (c *Client) Redact(s string) string {
	if s == "" {
		return s
	}
	secrets := append([]string(nil), c.opts.Secrets...)
	if src, ok := c.auth.(SecretSource); ok {
		secrets = append(secrets, src.Secrets()...)
	}
	var forms []string
	for _, sec := range secrets {
		if sec == "" {
			continue
		}
		forms = append(forms, sec, url.QueryEscape(sec), url.PathEscape(sec))
	}
	// Longest first, so a secret containing another is replaced whole.
	slices.SortFunc(forms, func(a, b string) int { return cmp.Compare(len(b), len(a)) })
	for _, f := range slices.Compact(forms) {
		s = strings.ReplaceAll(s, f, Redacted)
	}
	s = secretParam.ReplaceAllString(s, "${1}"+Redacted)
	s = secretField.ReplaceAllString(s, `${1}"`+Redacted+`"`)
	return s
}

// redactedError carries a redacted message while keeping the original
// error's chain for errors.Is and errors.As.
type redactedError struct {
	msg string
	err error
}

func (e *redactedError) Error() string { return e.msg }
func (e *redactedError) Unwrap() error { return e.err }

// redactErr wraps err so its message is redacted and its chain kept.
func redactErr(err error, redact func(string) string) error {
	return &redactedError{msg: redact(err.Error()), err: err}
}

var _ slog.Handler = (*redactHandler)(nil)

// redactHandler passes records to h with the message and every string,
// error and Stringer value redacted, whoever logs them.
type redactHandler struct {
	h      slog.Handler
	redact func(string) string
}

// Enabled implements slog.Handler.
func (r *redactHandler) Enabled(ctx context.Context, l slog.Level) bool { return r.h.Enabled(ctx, l) }

// Handle implements slog.Handler.
func (r *redactHandler) Handle(ctx context.Context, rec slog.Record) error {
	out := slog.NewRecord(rec.Time, rec.Level, r.redact(rec.Message), rec.PC)
	rec.Attrs(func(a slog.Attr) bool {
		out.AddAttrs(r.attr(a))
		return true
	})
	return r.h.Handle(ctx, out)
}

// WithAttrs implements slog.Handler.
func (r *redactHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	red := make([]slog.Attr, len(attrs))
	for i, a := range attrs {
		red[i] = r.attr(a)
	}
	return &redactHandler{h: r.h.WithAttrs(red), redact: r.redact}
}

// WithGroup implements slog.Handler.
func (r *redactHandler) WithGroup(name string) slog.Handler {
	return &redactHandler{h: r.h.WithGroup(name), redact: r.redact}
}

// attr redacts an attribute's value: strings, errors, Stringers and other
// values printed as text, groups recursively. Numbers, durations and times
// pass through.
func (r *redactHandler) attr(a slog.Attr) slog.Attr {
	v := a.Value.Resolve()
	switch v.Kind() {
	case slog.KindString:
		return slog.String(a.Key, r.redact(v.String()))
	case slog.KindGroup:
		attrs := v.Group()
		red := make([]any, len(attrs))
		for i, g := range attrs {
			red[i] = r.attr(g)
		}
		return slog.Group(a.Key, red...)
	case slog.KindAny:
		switch x := v.Any().(type) {
		case error:
			return slog.String(a.Key, r.redact(x.Error()))
		case fmt.Stringer:
			return slog.String(a.Key, r.redact(x.String()))
		default:
			return slog.String(a.Key, r.redact(fmt.Sprint(x)))
		}
	}
	return slog.Attr{Key: a.Key, Value: v}
}
