package httpx

import (
	"context"
	"encoding/base64"
	"net/http"
)

// Authenticator adds credentials to a request. The Client calls Authorize
// once per attempt, on a copy of the request it may modify, and only for
// requests to its BaseURL's host. Authorize may block (an OAuth2 refresh)
// and must return promptly once ctx is done; an error ends the call without
// retrying. It must be safe for concurrent use.
type Authenticator interface {
	Authorize(ctx context.Context, req *http.Request) error
}

// Invalidator is implemented by Authenticators whose credentials can go
// stale before they say so (OAuth2 access tokens revoked or rotated
// elsewhere). When the API answers 401, the Client calls Invalidate once
// per call with the request as it was sent, then retries at once; the
// Authenticator should hand out fresh credentials unless the rejected ones
// were already replaced.
type Invalidator interface {
	Invalidate(rejected *http.Request)
}

// SecretSource is implemented by Authenticators that hold secrets. The
// Client redacts every string Secrets returns, asked anew each time, so
// rotating tokens stay covered.
type SecretSource interface {
	Secrets() []string
}

// Bearer sends "Authorization: Bearer token": a personal access token, a
// LINE channel token, a non-expiring Mailchimp OAuth token.
func Bearer(token string) Authenticator {
	return &headerAuth{name: "Authorization", value: "Bearer " + token, secrets: []string{token}}
}

// Basic sends HTTP basic authentication (Mailchimp: any user, the API key
// as password).
func Basic(user, pass string) Authenticator {
	enc := base64.StdEncoding.EncodeToString([]byte(user + ":" + pass))
	return &headerAuth{name: "Authorization", value: "Basic " + enc, secrets: []string{pass, enc}}
}

// HeaderAuth sends the header name with value (an API key header). The
// value is treated as a secret.
func HeaderAuth(name, value string) Authenticator {
	return &headerAuth{name: name, value: value, secrets: []string{value}}
}

var (
	_ Authenticator = (*headerAuth)(nil)
	_ SecretSource  = (*headerAuth)(nil)
)

// headerAuth sets one fixed header.
type headerAuth struct {
	name, value string
	secrets     []string
}

// Authorize implements Authenticator.
func (a *headerAuth) Authorize(_ context.Context, req *http.Request) error {
	req.Header.Set(a.name, a.value)
	return nil
}

// Secrets implements SecretSource.
func (a *headerAuth) Secrets() []string { return a.secrets }
