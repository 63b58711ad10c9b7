package meta

import (
	"context"
	"encoding/json"
	"fmt"
	"iter"
	"strconv"
	"strings"
	"time"

	"github.com/nayose/nayose/connectors"
)

// inboxBatch is how many stored webhook events one page reads.
const inboxBatch = 500

// inboxStream turns the webhook events the daemon stored for this
// connector into activities: each message a customer sent is a message
// activity, and a sender's first message event in the inbox is also an
// inquiry. The cursor is the Seq of the last event read.
// Without an inbox (no database) it reads nothing.
//
// Webhooks carry only the sender's id, so no identity is sent: the
// activities name it, and the engine keeps a bare identity in its place
// until the conversations stream brings the name, without ever blanking
// a name it already has.
type inboxStream struct {
	inbox     connectors.WebhookInbox
	connector string
	account   string
}

func (s *inboxStream) Name() string { return "webhook_messages" }

func (s *inboxStream) Pages(ctx context.Context, cursor string) iter.Seq2[connectors.Page, error] {
	return connectors.InboxPages(ctx, s.inbox, s.connector, cursor, inboxBatch, func(ctx context.Context, evs []connectors.StoredWebhookEvent) (connectors.Page, error) {
		firsts, err := connectors.FirstEvents(ctx, s.inbox, s.connector, EventMessage, evs)
		if err != nil {
			return connectors.Page{}, fmt.Errorf("meta webhook_messages: %w", err)
		}
		var out connectors.Page
		for _, ev := range evs {
			s.readEvent(ev, firsts, &out)
		}
		return out, nil
	})
}

// customerMessage reads a stored event as a message a customer sent.
func customerMessage(ev connectors.StoredWebhookEvent, account string) (messaging, bool) {
	var m messaging
	if ev.Type != EventMessage || json.Unmarshal(ev.Body, &m) != nil || m.Message == nil || m.Message.IsEcho {
		return m, false
	}
	if m.Sender.ID == "" || m.Sender.ID == account || m.Message.MID == "" || m.Timestamp <= 0 {
		return m, false
	}
	return m, true
}

// readEvent maps one stored event into out. Events other than messages
// (echoes of the business's own, reads, deliveries) are skipped; a message
// that cannot be read is rejected with its mid. A sender's first message
// event in the inbox is also an inquiry.
func (s *inboxStream) readEvent(ev connectors.StoredWebhookEvent, firsts map[int64]bool, out *connectors.Page) {
	if ev.Type != EventMessage {
		return
	}
	m, ok := customerMessage(ev, s.account)
	if !ok {
		var probe messaging
		if json.Unmarshal(ev.Body, &probe) == nil && probe.Message != nil && probe.Sender.ID == s.account {
			return // the business's own message, delivered without is_echo
		}
		out.Rejects = append(out.Rejects, connectors.Reject{
			ExternalID: ev.ID,
			Location:   "meta/webhook_messages seq " + strconv.FormatInt(ev.Seq, 10),
			Reason:     "a message event without a readable sender.id, message.mid or timestamp",
			Raw:        validJSON(ev.Body),
		})
		return
	}
	at := time.UnixMilli(m.Timestamp).UTC()
	summary := messageSummary(m)
	out.Activities = append(out.Activities, connectors.Activity{
		ExternalID:         m.Message.MID,
		Kind:               connectors.KindMessage,
		IdentityExternalID: m.Sender.ID,
		OccurredAt:         at,
		Summary:            summary,
		Raw:                ev.Body,
	})
	if firsts[ev.Seq] {
		// Named by the message's mid, as the conversations stream names
		// a conversation's inquiry by its first message.
		out.Activities = append(out.Activities, connectors.Activity{
			ExternalID:         m.Message.MID,
			Kind:               connectors.KindInquiry,
			IdentityExternalID: m.Sender.ID,
			OccurredAt:         at,
			Summary:            summary,
			Raw:                ev.Body,
		})
	}
}

// messageSummary is the text, or the kinds of attachment sent without.
func messageSummary(m messaging) string {
	if m.Message.Text != "" {
		return m.Message.Text
	}
	var kinds []string
	for _, a := range m.Message.Attachments {
		kinds = append(kinds, "["+a.Type+"]")
	}
	return strings.Join(kinds, " ")
}

// validJSON is b when it is JSON, else b as a JSON string.
func validJSON(b []byte) json.RawMessage {
	if json.Valid(b) {
		return b
	}
	q, _ := json.Marshal(string(b))
	return q
}
