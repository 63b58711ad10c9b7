package httpx

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/go-cleanhttp"
	"golang.org/x/oauth2"
)

var (
	_ Authenticator = (*OAuth2Authenticator)(nil)
	_ Invalidator   = (*OAuth2Authenticator)(nil)
	_ SecretSource  = (*OAuth2Authenticator)(nil)
	_ TokenStore    = (*MemoryTokenStore)(nil)
)

// ErrNoToken is wrapped by OAuth2 errors when the store holds no token for
// the key: the connector has not been authorized yet, or its authorization
// was removed.
var ErrNoToken = errors.New("no OAuth2 token stored: authorize the connector first")

// TokenStore keeps OAuth2 tokens between runs and processes. Load returns
// (nil, nil) when there is no token under key. Save must be durable when it
// returns: with vendors whose refresh tokens are single-use (Calendly,
// freee), the old refresh token is already spent, and a token not saved is
// an authorization lost. Implementations must be safe for concurrent use.
type TokenStore interface {
	Load(ctx context.Context, key string) (*oauth2.Token, error)
	Save(ctx context.Context, key string, tok *oauth2.Token) error
}

// refreshTimeout bounds one token refresh and the save after it. They run
// detached from the caller's context, so a cancelled run cannot lose a
// rotated token between the vendor issuing it and the store keeping it.
const refreshTimeout = time.Minute

// keepSecrets is how many tokens an OAuth2Authenticator remembers for
// redaction: the current ones and those they replaced.
const keepSecrets = 32

// OAuth2Authenticator authorizes requests with an OAuth2 access token from a
// TokenStore, refreshing it with the config's token endpoint when it
// expires or the API refuses it. Refreshes are serialized, and a refreshed
// token is saved before anyone uses it, so two requests never spend the
// same single-use refresh token. It implements Authenticator, Invalidator
// and SecretSource.
type OAuth2Authenticator struct {
	cfg    *oauth2.Config
	store  TokenStore
	key    string
	client *http.Client // for the token endpoint

	// renewing is a one-slot lock held while loading, refreshing and
	// saving, acquired with a context so a waiter can give up.
	renewing chan struct{}

	mu       sync.Mutex // guards the fields below; never held across I/O
	tok      *oauth2.Token
	unsaved  bool   // tok was refreshed but Save failed: retry before use
	rejected string // access token the API refused with 401
	seen     []string
}

// OAuth2 returns an Authenticator using the token stored under key in
// store, refreshed with cfg (whose Endpoint.TokenURL may be a test server;
// set Endpoint.AuthStyle explicitly, as auto-detection may send a
// single-use refresh token twice).
func OAuth2(cfg *oauth2.Config, store TokenStore, key string) *OAuth2Authenticator {
	client := cleanhttp.DefaultPooledClient()
	client.Timeout = DefaultTimeout
	return &OAuth2Authenticator{
		cfg:      cfg,
		store:    store,
		key:      key,
		client:   client,
		renewing: make(chan struct{}, 1),
	}
}

// Authorize implements Authenticator: it sets the Authorization header from
// a valid token, refreshing it first if needed.
func (a *OAuth2Authenticator) Authorize(ctx context.Context, req *http.Request) error {
	tok, err := a.Token(ctx)
	if err != nil {
		return err
	}
	tok.SetAuthHeader(req)
	return nil
}

// Token returns a valid token (a copy), loading it from the store or
// refreshing it when the one in hand has expired or was refused. It gives
// up waiting when ctx is done; a refresh already under way still completes
// and is saved.
func (a *OAuth2Authenticator) Token(ctx context.Context) (*oauth2.Token, error) {
	if tok := a.usable(); tok != nil {
		return tok, nil
	}
	select {
	case a.renewing <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	// Someone may have renewed while this goroutine waited for the lock.
	if tok := a.usable(); tok != nil {
		<-a.renewing
		return tok, nil
	}
	type result struct {
		tok *oauth2.Token
		err error
	}
	done := make(chan result, 1)
	go func() {
		defer func() { <-a.renewing }()
		rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), refreshTimeout)
		defer cancel()
		tok, err := a.renew(rctx)
		done <- result{tok, err}
	}()
	select {
	case r := <-done:
		return r.tok, r.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// usable returns a copy of the token in hand if it can be used as is.
func (a *OAuth2Authenticator) usable() *oauth2.Token {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.tok == nil || a.unsaved || !a.tok.Valid() || a.tok.AccessToken == a.rejected {
		return nil
	}
	t := *a.tok
	return &t
}

// renew makes the token in hand usable: it saves a refreshed token whose
// save failed, adopts a newer token from the store (another process may
// have refreshed), or refreshes. The caller holds a.renewing.
func (a *OAuth2Authenticator) renew(ctx context.Context) (*oauth2.Token, error) {
	a.mu.Lock()
	tok, unsaved, rejected := a.tok, a.unsaved, a.rejected
	a.mu.Unlock()

	if unsaved {
		if err := a.save(ctx, tok); err != nil {
			return nil, err
		}
		if t := a.usable(); t != nil {
			return t, nil
		}
	}

	stored, err := a.store.Load(ctx, a.key)
	if err != nil {
		return nil, fmt.Errorf("loading OAuth2 token %q: %w", a.key, err)
	}
	if stored == nil {
		return nil, fmt.Errorf("OAuth2 token %q: %w", a.key, ErrNoToken)
	}
	a.mu.Lock()
	a.remember(stored)
	a.tok = stored
	a.mu.Unlock()
	if stored.Valid() && stored.AccessToken != rejected {
		t := *stored
		return &t, nil
	}
	if stored.RefreshToken == "" {
		return nil, fmt.Errorf("OAuth2 token %q expired and has no refresh token: %w", a.key, ErrNoToken)
	}

	hctx := context.WithValue(ctx, oauth2.HTTPClient, a.client)
	fresh, err := a.cfg.TokenSource(hctx, &oauth2.Token{RefreshToken: stored.RefreshToken}).Token()
	if err != nil {
		return nil, fmt.Errorf("refreshing OAuth2 token %q: %w", a.key, err)
	}
	a.mu.Lock()
	a.remember(fresh)
	// Held in memory before saving: the old refresh token is spent, so if
	// Save fails this is the only copy left, and Save is retried.
	a.tok, a.unsaved = fresh, true
	a.mu.Unlock()
	if err := a.save(ctx, fresh); err != nil {
		return nil, err
	}
	t := *fresh
	return &t, nil
}

// save stores tok and marks it saved.
func (a *OAuth2Authenticator) save(ctx context.Context, tok *oauth2.Token) error {
	if err := a.store.Save(ctx, a.key, tok); err != nil {
		return fmt.Errorf("saving refreshed OAuth2 token %q: %w", a.key, err)
	}
	a.mu.Lock()
	if a.tok == tok {
		a.unsaved = false
	}
	a.mu.Unlock()
	return nil
}

// remember records tok's secrets for redaction. The caller holds a.mu.
func (a *OAuth2Authenticator) remember(tok *oauth2.Token) {
	for _, s := range []string{tok.AccessToken, tok.RefreshToken} {
		if s != "" && !slices.Contains(a.seen, s) {
			a.seen = append(a.seen, s)
		}
	}
	if len(a.seen) > keepSecrets {
		a.seen = append([]string(nil), a.seen[len(a.seen)-keepSecrets:]...)
	}
}

// Invalidate implements Invalidator: it marks the access token the rejected
// request carried as refused. Only a token in hand that equals it is
// renewed; if another request already replaced it, nothing more happens, so
// many concurrent 401s cause one refresh.
func (a *OAuth2Authenticator) Invalidate(rejected *http.Request) {
	_, access, ok := strings.Cut(rejected.Header.Get("Authorization"), " ")
	if !ok || access == "" {
		return
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	a.rejected = access
}

// Secrets implements SecretSource: the client secret and every access and
// refresh token seen recently.
func (a *OAuth2Authenticator) Secrets() []string {
	a.mu.Lock()
	defer a.mu.Unlock()
	out := append([]string(nil), a.seen...)
	if a.cfg != nil && a.cfg.ClientSecret != "" {
		out = append(out, a.cfg.ClientSecret)
	}
	return out
}

// MemoryTokenStore is a TokenStore in memory, for tests and one-off tools.
// Its zero value is ready to use.
type MemoryTokenStore struct {
	mu     sync.Mutex
	tokens map[string]*oauth2.Token
}

// Load implements TokenStore; it returns a copy.
func (s *MemoryTokenStore) Load(_ context.Context, key string) (*oauth2.Token, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	tok, ok := s.tokens[key]
	if !ok {
		return nil, nil
	}
	t := *tok
	return &t, nil
}

// Save implements TokenStore; it keeps a copy.
func (s *MemoryTokenStore) Save(_ context.Context, key string, tok *oauth2.Token) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.tokens == nil {
		s.tokens = map[string]*oauth2.Token{}
	}
	t := *tok
	s.tokens[key] = &t
	return nil
}
