package square

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/nayose/nayose/connectors"
)

var _ connectors.WebhookReceiver = (*Source)(nil)

// ReceiveWebhook verifies a Square event notification: the
// x-square-hmacsha256-signature header is the base64 HMAC-SHA256, under
// the subscription's signature key, of the notification URL followed by
// the raw body. The event's event_id identifies redeliveries.
func (s *Source) ReceiveWebhook(r *http.Request, body []byte) ([]connectors.WebhookEvent, error) {
	if s.webhookKey == "" || s.webhookURL == "" {
		return nil, fmt.Errorf("square: %w (set webhook_signature_key and webhook_url)", connectors.ErrWebhookNotConfigured)
	}
	sig, err := base64.StdEncoding.DecodeString(r.Header.Get("x-square-hmacsha256-signature"))
	if err != nil || len(sig) == 0 {
		return nil, fmt.Errorf("square: %w: no base64 x-square-hmacsha256-signature header", connectors.ErrWebhookSignature)
	}
	if !connectors.EqualHMACSHA256([]byte(s.webhookKey), append([]byte(s.webhookURL), body...), sig) {
		return nil, fmt.Errorf("square: %w (is webhook_url exactly the notification URL registered with Square?)", connectors.ErrWebhookSignature)
	}
	var ev struct {
		EventID string `json:"event_id"`
		Type    string `json:"type"`
	}
	if err := json.Unmarshal(body, &ev); err != nil {
		return nil, fmt.Errorf("square: the event is not JSON: %w", err)
	}
	if ev.EventID == "" {
		return nil, fmt.Errorf("square: the event has no event_id")
	}
	return []connectors.WebhookEvent{{ID: ev.EventID, Type: ev.Type, Body: body}}, nil
}
