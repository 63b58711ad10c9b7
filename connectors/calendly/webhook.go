package calendly

import (
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/nayose/nayose/connectors"
)

// WebhookTolerance is how old a delivery's signed timestamp may be, and
// how far ahead of this clock: a replayed delivery is refused.
const WebhookTolerance = 3 * time.Minute

var _ connectors.WebhookReceiver = (*Source)(nil)

// ReceiveWebhook verifies a Calendly webhook: Calendly-Webhook-Signature
// is "t=<unix seconds>,v1=<hex>", the hex HMAC-SHA256 under the signing
// key of "<t>.<raw body>"; a timestamp outside WebhookTolerance is stale.
// Calendly gives no event id: a redelivery is the same body.
func (s *Source) ReceiveWebhook(r *http.Request, body []byte) ([]connectors.WebhookEvent, error) {
	if s.webhookKey == "" {
		return nil, fmt.Errorf("calendly: %w (set webhook_signing_key)", connectors.ErrWebhookNotConfigured)
	}
	var t, v1 string
	for _, part := range strings.Split(r.Header.Get("Calendly-Webhook-Signature"), ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(part), "=")
		switch k {
		case "t":
			t = v
		case "v1":
			v1 = v
		}
	}
	sec, err := strconv.ParseInt(t, 10, 64)
	mac, herr := hex.DecodeString(v1)
	if err != nil || herr != nil || len(mac) == 0 {
		return nil, fmt.Errorf("calendly: %w: Calendly-Webhook-Signature is not t=<seconds>,v1=<hex>", connectors.ErrWebhookSignature)
	}
	if !connectors.EqualHMACSHA256([]byte(s.webhookKey), append([]byte(t+"."), body...), mac) {
		return nil, fmt.Errorf("calendly: %w", connectors.ErrWebhookSignature)
	}
	if age := s.now().Sub(time.Unix(sec, 0)); age > WebhookTolerance || age < -WebhookTolerance {
		return nil, fmt.Errorf("calendly: %w: signed %s ago, more than %s", connectors.ErrWebhookSignature, age.Round(time.Second), WebhookTolerance)
	}
	var ev struct {
		Event string `json:"event"`
	}
	if err := json.Unmarshal(body, &ev); err != nil {
		return nil, fmt.Errorf("calendly: the event is not JSON: %w", err)
	}
	return []connectors.WebhookEvent{{Type: ev.Event, Body: body}}, nil
}
