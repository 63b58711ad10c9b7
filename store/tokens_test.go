package store_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/nayose/nayose/store"
	"github.com/nayose/nayose/store/storetest"
	"golang.org/x/oauth2"
)

func TestTokenStore_SealsRotatesAndRefusesTheWrongKey(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		if _, err := store.NewTokenStore(db, "short"); err == nil {
			t.Error("a 5-character secret key was accepted")
		}
		ts, err := store.NewTokenStore(db, "correct horse battery staple")
		if err != nil {
			t.Fatal(err)
		}
		if tok, err := ts.Load(ctx, "calendly"); tok != nil || err != nil {
			t.Fatalf("load of nothing = %v, %v", tok, err)
		}
		first := &oauth2.Token{AccessToken: "at-1-SECRET", RefreshToken: "rt-1-SECRET", TokenType: "Bearer", Expiry: time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)}
		if err := ts.Save(ctx, "calendly", first); err != nil {
			t.Fatal(err)
		}
		// A single-use refresh token rotates: the new one replaces it.
		second := &oauth2.Token{AccessToken: "at-2-SECRET", RefreshToken: "rt-2-SECRET", TokenType: "Bearer", Expiry: first.Expiry.Add(2 * time.Hour)}
		if err := ts.Save(ctx, "calendly", second); err != nil {
			t.Fatal(err)
		}
		got, err := ts.Load(ctx, "calendly")
		if err != nil || got.RefreshToken != "rt-2-SECRET" || got.AccessToken != "at-2-SECRET" || !got.Expiry.Equal(second.Expiry) {
			t.Fatalf("load = %+v, %v", got, err)
		}
		// Nothing readable in the table.
		var rows []store.OAuthToken
		db.Gorm.Find(&rows)
		if len(rows) != 1 || strings.Contains(rows[0].Ciphertext, "SECRET") || strings.Contains(rows[0].Ciphertext, "rt-2") {
			t.Errorf("rows = %+v", rows)
		}
		// Another key cannot open it, nor can the same sealed value under
		// another name.
		other, _ := store.NewTokenStore(db, "another key of some length")
		if _, err := other.Load(ctx, "calendly"); !errors.Is(err, store.ErrSealed) {
			t.Errorf("load with the wrong key: %v", err)
		}
		db.Gorm.Create(&store.OAuthToken{Name: "freee", Ciphertext: rows[0].Ciphertext, UpdatedAt: time.Now()})
		if _, err := ts.Load(ctx, "freee"); !errors.Is(err, store.ErrSealed) || strings.Contains(err.Error(), "SECRET") {
			t.Errorf("load of a moved ciphertext: %v", err)
		}
	})
}
