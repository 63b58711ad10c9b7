package square

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/nayose/nayose/config"
	"github.com/nayose/nayose/connectors"
)

const (
	testHookKey = "sq-hook-KEYSECRETq7"
	testHookURL = "https://nayose.example.jp/webhooks/pos"
)

func signSquare(key, url, body string) string {
	h := hmac.New(sha256.New, []byte(key))
	h.Write([]byte(url + body))
	return base64.StdEncoding.EncodeToString(h.Sum(nil))
}

func webhookSource(t *testing.T, key, url string) *Source {
	t.Helper()
	o := defaults()
	o.AccessToken = config.Secret("sq-token")
	o.WebhookSignatureKey, o.WebhookURL = config.Secret(key), url
	s, err := New(connectors.Env{Name: "pos"}, o)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestWebhook_SquareSignatureOverURLAndBody: Square signs the notification
// URL followed by the body; anything else is refused as a bad signature,
// and a connector without the key turns webhooks away.
func TestWebhook_SquareSignatureOverURLAndBody(t *testing.T) {
	body := `{"merchant_id":"M1","type":"order.updated","event_id":"6a8f5f28-54a1-4eb0-a98a-3111513fd4fc","created_at":"2026-12-05T03:00:00Z","data":{"type":"order_updated","id":"ORD-1"}}`
	src := webhookSource(t, testHookKey, testHookURL)
	cases := []struct {
		name, sig, body string
		want            error
	}{
		{"signed", signSquare(testHookKey, testHookURL, body), body, nil},
		{"another key", signSquare("other", testHookURL, body), body, connectors.ErrWebhookSignature},
		{"another URL", signSquare(testHookKey, "https://nayose.example.jp/webhooks/other", body), body, connectors.ErrWebhookSignature},
		{"body changed", signSquare(testHookKey, testHookURL, body), strings.Replace(body, "ORD-1", "ORD-2", 1), connectors.ErrWebhookSignature},
		{"no header", "", body, connectors.ErrWebhookSignature},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := httptest.NewRequest("POST", "/webhooks/pos", strings.NewReader(c.body))
			if c.sig != "" {
				r.Header.Set("x-square-hmacsha256-signature", c.sig)
			}
			evs, err := src.ReceiveWebhook(r, []byte(c.body))
			if !errors.Is(err, c.want) {
				t.Fatalf("err = %v, want %v", err, c.want)
			}
			if c.want == nil && (len(evs) != 1 || evs[0].ID != "6a8f5f28-54a1-4eb0-a98a-3111513fd4fc" || evs[0].Type != "order.updated") {
				t.Errorf("events = %+v", evs)
			}
			if err != nil && strings.Contains(err.Error(), testHookKey) {
				t.Errorf("the error shows the key: %v", err)
			}
		})
	}
	_, err := webhookSource(t, "", "").ReceiveWebhook(httptest.NewRequest("POST", "/", nil), []byte(body))
	if !errors.Is(err, connectors.ErrWebhookNotConfigured) {
		t.Errorf("without a key: %v", err)
	}
}
