package xerotest

import (
	"fmt"
	"net/http"
)

// SetRefreshToken makes tok the one refresh token /connect/token accepts
// next. Xero's refresh tokens rotate: each use returns a new one and spends
// the old.
func (s *Server) SetRefreshToken(tok string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.initLocked()
	s.refresh = tok
}

// RefreshToken returns the refresh token /connect/token accepts next.
func (s *Server) RefreshToken() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.refresh
}

// LastAccessToken returns the access token /connect/token issued last.
func (s *Server) LastAccessToken() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.lastAccess
}

// serveToken is the refresh grant. The client authenticates with HTTP
// Basic (what Xero documents) or client_id/client_secret in the form.
func (s *Server) serveToken(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		oauthError(w, http.StatusBadRequest, "invalid_request")
		return
	}
	id, secret, ok := r.BasicAuth()
	if !ok {
		id, secret = r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
	}
	wantID, wantSecret := s.ClientID, s.ClientSecret
	if wantID == "" {
		wantID, wantSecret = DefaultClientID, DefaultClientSecret
	}
	if id != wantID || secret != wantSecret {
		oauthError(w, http.StatusBadRequest, "invalid_client")
		return
	}
	if r.PostForm.Get("grant_type") != "refresh_token" {
		oauthError(w, http.StatusBadRequest, "unsupported_grant_type")
		return
	}
	s.mu.Lock()
	s.initLocked()
	if s.refresh == "" || r.PostForm.Get("refresh_token") != s.refresh {
		s.mu.Unlock()
		oauthError(w, http.StatusBadRequest, "invalid_grant")
		return
	}
	s.seq++
	access := fmt.Sprintf("xerotest-access-%d", s.seq)
	s.refresh = fmt.Sprintf("xerotest-refresh-%d", s.seq)
	s.access[access] = s.now().Add(AccessTokenLifetime)
	s.lastAccess = access
	s.tokenCalls++
	refresh := s.refresh
	s.mu.Unlock()
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, map[string]any{
		"access_token":  access,
		"refresh_token": refresh,
		"expires_in":    int(AccessTokenLifetime.Seconds()),
		"token_type":    "Bearer",
		"scope":         "offline_access accounting.contacts.read accounting.transactions.read",
	})
}

func oauthError(w http.ResponseWriter, status int, code string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	fmt.Fprintf(w, `{"error":%q}`, code)
}
