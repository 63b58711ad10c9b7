package metatest

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"time"
)

// Messaging is one item of a webhook entry's messaging array: a message
// from Sender to Recipient.
type Messaging struct {
	// SenderID is the customer's PSID or IGSID (or the business's, for an
	// echo).
	SenderID    string
	RecipientID string
	// Time is the message's time (sent as milliseconds); zero means now.
	Time time.Time
	// MID is the message id; empty gets one from the text and time.
	MID  string
	Text string
	// Echo marks a message the business sent (message.is_echo).
	Echo bool
}

// DeliveryBody builds the JSON body of a webhook delivery for object
// ("page" or "instagram"), with one entry for entryID (the Page's or the
// Instagram account's id) holding items.
func DeliveryBody(object, entryID string, items ...Messaging) []byte {
	type msg struct {
		MID    string `json:"mid"`
		Text   string `json:"text,omitempty"`
		IsEcho bool   `json:"is_echo,omitempty"`
	}
	type id struct {
		ID string `json:"id"`
	}
	type item struct {
		Sender    id    `json:"sender"`
		Recipient id    `json:"recipient"`
		Timestamp int64 `json:"timestamp"`
		Message   msg   `json:"message"`
	}
	now := time.Now()
	var list []item
	for i, m := range items {
		at := m.Time
		if at.IsZero() {
			at = now
		}
		mid := m.MID
		if mid == "" {
			mid = "m_wh" + hex.EncodeToString([]byte(m.SenderID + at.String() + string(rune('a'+i%26))))[:24]
		}
		list = append(list, item{Sender: id{m.SenderID}, Recipient: id{m.RecipientID}, Timestamp: at.UnixMilli(),
			Message: msg{MID: mid, Text: m.Text, IsEcho: m.Echo}})
	}
	body, _ := json.Marshal(map[string]any{
		"object": object,
		"entry":  []map[string]any{{"id": entryID, "time": now.UnixMilli(), "messaging": list}},
	})
	return body
}

// Signature is the X-Hub-Signature-256 value of body under appSecret.
func Signature(appSecret string, body []byte) string {
	h := hmac.New(sha256.New, []byte(appSecret))
	h.Write(body)
	return "sha256=" + hex.EncodeToString(h.Sum(nil))
}

// SignedDelivery returns a POST of body to target signed with appSecret
// as Meta signs it, for a handler or a connector's ReceiveWebhook.
func SignedDelivery(target, appSecret string, body []byte) *http.Request {
	r := httptest.NewRequest(http.MethodPost, target, bytes.NewReader(body))
	r.Header.Set("Content-Type", "application/json")
	r.Header.Set("X-Hub-Signature-256", Signature(appSecret, body))
	return r
}

// Handshake returns Meta's GET check of a callback URL with verifyToken
// and challenge.
func Handshake(target, verifyToken, challenge string) *http.Request {
	q := url.Values{"hub.mode": {"subscribe"}, "hub.verify_token": {verifyToken}, "hub.challenge": {challenge}}
	return httptest.NewRequest(http.MethodGet, target+"?"+q.Encode(), nil)
}
