package store

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"golang.org/x/oauth2"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// OAuthToken is a connector's OAuth token, sealed.
type OAuthToken struct {
	Name       string `gorm:"primaryKey"`
	Ciphertext string
	UpdatedAt  time.Time
}

// TableName names the table.
func (OAuthToken) TableName() string { return "oauth_tokens" }

// MinSecretKeyLen is the shortest secret key TokenStore accepts.
const MinSecretKeyLen = 16

// TokenStore keeps OAuth tokens in the database, encrypted with AES-256-GCM
// under a key derived (HKDF-SHA256) from the configured secret key. A
// token's name is bound into its ciphertext, so a sealed token copied to
// another row does not open. Vendors whose refresh tokens are single-use
// (Calendly, freee) need the new token saved before it is used: Save
// commits at once, outside any page transaction.
type TokenStore struct {
	db   *gorm.DB
	aead cipher.AEAD
	now  func() time.Time
}

// NewTokenStore returns a TokenStore sealing with secretKey.
func NewTokenStore(db *DB, secretKey string) (*TokenStore, error) {
	if len(secretKey) < MinSecretKeyLen {
		return nil, fmt.Errorf("the secret key is %d characters; at least %d are needed to encrypt credentials", len(secretKey), MinSecretKeyLen)
	}
	key, err := hkdf.Key(sha256.New, []byte(secretKey), nil, "nayose oauth tokens v1", 32)
	if err != nil {
		return nil, fmt.Errorf("deriving the token key: %w", err)
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	return &TokenStore{db: db.Gorm, aead: aead, now: time.Now}, nil
}

// ErrSealed is returned when a stored token does not open: the secret key
// changed, or the row was altered.
var ErrSealed = errors.New("stored token cannot be decrypted (was the secret key changed?)")

// Load returns the token saved under name, or nil and no error when there
// is none.
func (s *TokenStore) Load(ctx context.Context, name string) (*oauth2.Token, error) {
	var row OAuthToken
	err := s.db.WithContext(ctx).Where("name = ?", name).Take(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading token %q: %w", name, err)
	}
	sealed, err := base64.StdEncoding.DecodeString(row.Ciphertext)
	if err != nil || len(sealed) < s.aead.NonceSize() {
		return nil, fmt.Errorf("token %q: %w", name, ErrSealed)
	}
	nonce, box := sealed[:s.aead.NonceSize()], sealed[s.aead.NonceSize():]
	plain, err := s.aead.Open(nil, nonce, box, []byte(name))
	if err != nil {
		return nil, fmt.Errorf("token %q: %w", name, ErrSealed)
	}
	var tok oauth2.Token
	if err := json.Unmarshal(plain, &tok); err != nil {
		return nil, fmt.Errorf("token %q: %w", name, ErrSealed)
	}
	return &tok, nil
}

// Save seals tok and stores it under name, replacing what was there.
func (s *TokenStore) Save(ctx context.Context, name string, tok *oauth2.Token) error {
	if tok == nil {
		return fmt.Errorf("saving token %q: no token", name)
	}
	plain, err := json.Marshal(tok)
	if err != nil {
		return fmt.Errorf("saving token %q: %w", name, err)
	}
	nonce := make([]byte, s.aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return fmt.Errorf("saving token %q: %w", name, err)
	}
	sealed := s.aead.Seal(nonce, nonce, plain, []byte(name))
	row := OAuthToken{Name: name, Ciphertext: base64.StdEncoding.EncodeToString(sealed), UpdatedAt: s.now().UTC()}
	err = s.db.WithContext(ctx).Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "name"}},
		DoUpdates: clause.AssignmentColumns([]string{"ciphertext", "updated_at"}),
	}).Create(&row).Error
	if err != nil {
		return fmt.Errorf("saving token %q: %w", name, err)
	}
	return nil
}
