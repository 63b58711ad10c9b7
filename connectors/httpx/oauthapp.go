package httpx

import (
	"context"

	"github.com/nayose/nayose/config"
	"golang.org/x/oauth2"
)

// OAuthApp is a connector's `oauth:` block: the app's client id and
// secret, and the refresh token from authorizing it once. Tokens are kept
// encrypted in the database; the configured refresh token is used only
// until the first rotation.
type OAuthApp struct {
	ClientID     string        `yaml:"client_id"`
	ClientSecret config.Secret `yaml:"client_secret"`
	RefreshToken config.Secret `yaml:"refresh_token"`
}

// Seeded returns store, answering Load with the app's configured refresh
// token until the store holds a token of its own, so the first run can
// refresh; from then on the rotated tokens in the store are used.
func (a OAuthApp) Seeded(store TokenStore) TokenStore {
	return seededStore{TokenStore: store, refresh: a.RefreshToken.Reveal()}
}

type seededStore struct {
	TokenStore
	refresh string
}

func (s seededStore) Load(ctx context.Context, key string) (*oauth2.Token, error) {
	tok, err := s.TokenStore.Load(ctx, key)
	if err != nil || tok != nil {
		return tok, err
	}
	return &oauth2.Token{RefreshToken: s.refresh}, nil // expired: refreshed before use
}
