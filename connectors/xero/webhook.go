package xero

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/nayose/nayose/connectors"
)

var _ connectors.WebhookReceiver = (*Source)(nil)

// ReceiveWebhook verifies a Xero delivery: x-xero-signature is the base64
// HMAC-SHA256 of the raw body under the app's webhooks key. Xero checks a
// new subscription with an "intent to receive": deliveries with no events,
// some signed wrongly on purpose, which must be answered 401, the others
// 200. Each event (CONTACT or INVOICE, CREATE or UPDATE) names a resource
// the next pull reads; it carries no id, so a redelivery is known by its
// body.
func (s *Source) ReceiveWebhook(r *http.Request, body []byte) ([]connectors.WebhookEvent, error) {
	if s.webhookKey == "" {
		return nil, fmt.Errorf("xero: %w (set webhook_key)", connectors.ErrWebhookNotConfigured)
	}
	sig, err := base64.StdEncoding.DecodeString(r.Header.Get("x-xero-signature"))
	if err != nil || len(sig) == 0 || !connectors.EqualHMACSHA256([]byte(s.webhookKey), body, sig) {
		return nil, fmt.Errorf("xero: %w", connectors.ErrWebhookSignature)
	}
	var delivery struct {
		Events []json.RawMessage `json:"events"`
	}
	if err := json.Unmarshal(body, &delivery); err != nil {
		return nil, fmt.Errorf("xero: the delivery is not JSON: %w", err)
	}
	out := make([]connectors.WebhookEvent, 0, len(delivery.Events))
	for _, raw := range delivery.Events {
		var ev struct {
			ResourceID    string `json:"resourceId"`
			EventCategory string `json:"eventCategory"`
			EventType     string `json:"eventType"`
		}
		_ = json.Unmarshal(raw, &ev)
		out = append(out, connectors.WebhookEvent{Type: ev.EventCategory + "." + ev.EventType, Subject: ev.ResourceID, Body: raw})
	}
	return out, nil
}
