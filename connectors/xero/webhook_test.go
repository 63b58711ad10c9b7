package xero

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

func signXero(key, body string) string {
	h := hmac.New(sha256.New, []byte(key))
	h.Write([]byte(body))
	return base64.StdEncoding.EncodeToString(h.Sum(nil))
}

// TestWebhook_XeroIntentToReceiveAndEvents: Xero's intent-to-receive
// deliveries (no events) get 200 when signed with the key and 401 when
// not; real deliveries give one event per resource change.
func TestWebhook_XeroIntentToReceiveAndEvents(t *testing.T) {
	const key = "xero-webhooks-KEYSECRETm2"
	o := defaults()
	o.AccessToken, o.TenantID, o.WebhookKey = config.Secret("tok"), "t-1", config.Secret(key)
	src, err := New(connectors.Env{Name: "books"}, o)
	if err != nil {
		t.Fatal(err)
	}
	intent := `{"events":[],"firstEventSequence":0,"lastEventSequence":0,"entropy":"S0m3r4Nd0mt3xt"}`
	r := httptest.NewRequest("POST", "/webhooks/books", strings.NewReader(intent))
	r.Header.Set("x-xero-signature", signXero(key, intent))
	if evs, err := src.ReceiveWebhook(r, []byte(intent)); err != nil || len(evs) != 0 {
		t.Errorf("signed intent to receive: %v, %v", evs, err)
	}
	r.Header.Set("x-xero-signature", signXero("wrong", intent))
	if _, err := src.ReceiveWebhook(r, []byte(intent)); !errors.Is(err, connectors.ErrWebhookSignature) {
		t.Errorf("wrongly signed intent to receive: %v (must be 401)", err)
	}
	body := `{"events":[{"resourceUrl":"https://api.xero.com/api.xro/2.0/Contacts/c-1","resourceId":"c-1","eventDateUtc":"2026-12-05T03:00:00.000","eventType":"UPDATE","eventCategory":"CONTACT","tenantId":"t-1","tenantType":"ORGANISATION"}],"firstEventSequence":7,"lastEventSequence":7,"entropy":"x"}`
	r.Header.Set("x-xero-signature", signXero(key, body))
	evs, err := src.ReceiveWebhook(r, []byte(body))
	if err != nil || len(evs) != 1 || evs[0].Type != "CONTACT.UPDATE" || evs[0].Subject != "c-1" || evs[0].ID != "" {
		t.Errorf("contact update: %+v, %v", evs, err)
	}
	if err != nil && strings.Contains(err.Error(), key) {
		t.Error("the error shows the key")
	}
	o.WebhookKey = ""
	bare, _ := New(connectors.Env{Name: "books"}, o)
	if _, err := bare.ReceiveWebhook(r, []byte(body)); !errors.Is(err, connectors.ErrWebhookNotConfigured) {
		t.Errorf("without a key: %v", err)
	}
}
