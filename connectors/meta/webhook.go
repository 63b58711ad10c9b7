package meta

import (
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	"github.com/nayose/nayose/connectors"
)

// SignatureHeader carries Meta's signature of a webhook delivery.
const SignatureHeader = "X-Hub-Signature-256"

// Webhook event types, as the inbox stores them.
const (
	EventMessage     = "message"
	EventMessageEcho = "message_echo" // a message the business sent
	EventOther       = "other"        // read, delivery, postback, reaction ...
)

var (
	_ connectors.WebhookReceiver   = (*Source)(nil)
	_ connectors.WebhookHandshaker = (*Source)(nil)
)

// delivery is the body Meta posts for the page and instagram objects.
type delivery struct {
	Object string `json:"object"`
	Entry  []struct {
		ID        string            `json:"id"`
		Time      int64             `json:"time"`
		Messaging []json.RawMessage `json:"messaging"`
	} `json:"entry"`
}

// messaging is one item of an entry's messaging array.
type messaging struct {
	Sender struct {
		ID string `json:"id"`
	} `json:"sender"`
	Recipient struct {
		ID string `json:"id"`
	} `json:"recipient"`
	Timestamp int64 `json:"timestamp"`
	Message   *struct {
		MID         string `json:"mid"`
		Text        string `json:"text"`
		IsEcho      bool   `json:"is_echo"`
		Attachments []struct {
			Type string `json:"type"`
		} `json:"attachments"`
	} `json:"message"`
}

// ReceiveWebhook verifies a delivery from Meta: X-Hub-Signature-256 is
// "sha256=" and the hex HMAC-SHA256 of the raw body under the app secret.
// Each messaging item of each entry is one event; a message's mid is its
// id, so a redelivered message is stored once. Items without a mid (read,
// delivery) are kept under a hash of their body.
func (s *Source) ReceiveWebhook(r *http.Request, body []byte) ([]connectors.WebhookEvent, error) {
	if s.appSecret == "" {
		return nil, fmt.Errorf("meta: %w (set app_secret)", connectors.ErrWebhookNotConfigured)
	}
	hexSig, ok := strings.CutPrefix(r.Header.Get(SignatureHeader), "sha256=")
	mac, err := hex.DecodeString(hexSig)
	if !ok || err != nil || len(mac) == 0 {
		return nil, fmt.Errorf("meta: %w: no %s: sha256=<hex> header", connectors.ErrWebhookSignature, SignatureHeader)
	}
	if !connectors.EqualHMACSHA256([]byte(s.appSecret), body, mac) {
		return nil, fmt.Errorf("meta: %w (is app_secret the secret of the app that subscribed?)", connectors.ErrWebhookSignature)
	}
	var d delivery
	if err := json.Unmarshal(body, &d); err != nil {
		return nil, fmt.Errorf("meta: the delivery is not the JSON Meta sends: %w", err)
	}
	if want := s.object(); d.Object != want {
		return nil, fmt.Errorf("meta: a delivery for object %q; this %s connector takes %q", d.Object, s.platform, want)
	}
	var events []connectors.WebhookEvent
	for _, e := range d.Entry {
		for _, item := range e.Messaging {
			events = append(events, webhookEvent(item))
		}
	}
	return events, nil
}

// object is the webhook object of the connector's platform.
func (s *Source) object() string {
	if s.platform == Instagram {
		return "instagram"
	}
	return "page"
}

// webhookEvent types one messaging item and names it by its mid.
func webhookEvent(item json.RawMessage) connectors.WebhookEvent {
	ev := connectors.WebhookEvent{Type: EventOther, Body: item}
	var m messaging
	if json.Unmarshal(item, &m) != nil || m.Message == nil {
		return ev
	}
	ev.ID, ev.Subject = m.Message.MID, m.Sender.ID
	ev.Type = EventMessage
	if m.Message.IsEcho {
		ev.Type = EventMessageEcho
	}
	return ev
}

// WebhookHandshake answers Meta's check of the callback URL: a GET with
// hub.mode=subscribe and hub.verify_token equal to verify_token is
// answered with hub.challenge; anything else is refused.
func (s *Source) WebhookHandshake(r *http.Request) (string, error) {
	if s.verifyToken == "" {
		return "", fmt.Errorf("meta: %w: %w (set verify_token)", connectors.ErrWebhookSignature, connectors.ErrWebhookNotConfigured)
	}
	q := r.URL.Query()
	if q.Get("hub.mode") != "subscribe" {
		return "", fmt.Errorf("meta: %w: hub.mode is %q, not subscribe", connectors.ErrWebhookSignature, q.Get("hub.mode"))
	}
	if subtle.ConstantTimeCompare([]byte(q.Get("hub.verify_token")), []byte(s.verifyToken)) != 1 {
		return "", fmt.Errorf("meta: %w: hub.verify_token does not match verify_token", connectors.ErrWebhookSignature)
	}
	challenge := q.Get("hub.challenge")
	if challenge == "" {
		return "", fmt.Errorf("meta: %w: no hub.challenge", connectors.ErrWebhookSignature)
	}
	return challenge, nil
}
