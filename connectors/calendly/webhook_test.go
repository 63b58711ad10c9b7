package calendly

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/nayose/nayose/config"
	"github.com/nayose/nayose/connectors"
)

const testSigningKey = "cal-signing-KEYSECRETx4"

func signCalendly(key string, t int64, body string) string {
	h := hmac.New(sha256.New, []byte(key))
	fmt.Fprintf(h, "%d.%s", t, body)
	return fmt.Sprintf("t=%d,v1=%s", t, hex.EncodeToString(h.Sum(nil)))
}

// TestWebhook_CalendlySignedRecentlyOrRefused: a delivery must be signed
// with the key over "<t>.<body>" and signed within the tolerance; a
// replay of an old delivery is refused even with a good signature.
func TestWebhook_CalendlySignedRecentlyOrRefused(t *testing.T) {
	body := `{"event":"invitee.created","created_at":"2026-12-05T03:00:00.000000Z","payload":{"uri":"https://api.calendly.com/scheduled_events/E1/invitees/I1","email":"taro.sato@gmail.com"}}`
	now := time.Date(2026, 12, 5, 3, 0, 10, 0, time.UTC)
	o := Defaults()
	o.Token, o.WebhookSigningKey = config.Secret("pat"), config.Secret(testSigningKey)
	src, err := New(connectors.Env{Name: "booking"}, o)
	if err != nil {
		t.Fatal(err)
	}
	src.now = func() time.Time { return now }
	cases := []struct {
		name, header string
		want         error
	}{
		{"signed now", signCalendly(testSigningKey, now.Unix()-5, body), nil},
		{"another key", signCalendly("other", now.Unix(), body), connectors.ErrWebhookSignature},
		{"replayed an hour later", signCalendly(testSigningKey, now.Add(-time.Hour).Unix(), body), connectors.ErrWebhookSignature},
		{"from the future", signCalendly(testSigningKey, now.Add(10*time.Minute).Unix(), body), connectors.ErrWebhookSignature},
		{"garbled", "v1=zz", connectors.ErrWebhookSignature},
		{"missing", "", connectors.ErrWebhookSignature},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := httptest.NewRequest("POST", "/webhooks/booking", strings.NewReader(body))
			r.Header.Set("Calendly-Webhook-Signature", c.header)
			evs, err := src.ReceiveWebhook(r, []byte(body))
			if !errors.Is(err, c.want) {
				t.Fatalf("err = %v, want %v", err, c.want)
			}
			if c.want == nil && (len(evs) != 1 || evs[0].Type != "invitee.created" || evs[0].ID != "") {
				t.Errorf("events = %+v", evs)
			}
			if err != nil && strings.Contains(err.Error(), testSigningKey) {
				t.Errorf("the error shows the key: %v", err)
			}
		})
	}
	o.WebhookSigningKey = ""
	bare, _ := New(connectors.Env{Name: "booking"}, o)
	if _, err := bare.ReceiveWebhook(httptest.NewRequest("POST", "/", nil), []byte(body)); !errors.Is(err, connectors.ErrWebhookNotConfigured) {
		t.Errorf("without a key: %v", err)
	}
}
