package line

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/nayose/nayose/connectors"
)

var _ connectors.WebhookReceiver = (*Source)(nil)

// ReceiveWebhook verifies a LINE delivery: X-Line-Signature is the base64
// HMAC-SHA256 of the raw body under the channel secret. Each event is
// stored on its own, known by its webhookEventId (a redelivery carries the
// same id) and about its user.
func (s *Source) ReceiveWebhook(r *http.Request, body []byte) ([]connectors.WebhookEvent, error) {
	if s.secret == "" {
		return nil, fmt.Errorf("line: %w (set channel_secret)", connectors.ErrWebhookNotConfigured)
	}
	sig, err := base64.StdEncoding.DecodeString(r.Header.Get("X-Line-Signature"))
	if err != nil || len(sig) == 0 {
		return nil, fmt.Errorf("line: %w: no base64 X-Line-Signature header", connectors.ErrWebhookSignature)
	}
	if !connectors.EqualHMACSHA256([]byte(s.secret), body, sig) {
		return nil, fmt.Errorf("line: %w", connectors.ErrWebhookSignature)
	}
	var delivery struct {
		Events []json.RawMessage `json:"events"`
	}
	if err := json.Unmarshal(body, &delivery); err != nil {
		return nil, fmt.Errorf("line: the delivery is not JSON: %w", err)
	}
	out := make([]connectors.WebhookEvent, 0, len(delivery.Events))
	for _, raw := range delivery.Events {
		var ev struct {
			Type           string `json:"type"`
			WebhookEventID string `json:"webhookEventId"`
			Source         struct {
				UserID string `json:"userId"`
			} `json:"source"`
		}
		// An event that does not decode is stored as it came: the events
		// stream rejects it with its place, and the others go on.
		_ = json.Unmarshal(raw, &ev)
		out = append(out, connectors.WebhookEvent{ID: ev.WebhookEventID, Type: ev.Type, Subject: ev.Source.UserID, Body: raw})
	}
	return out, nil
}
