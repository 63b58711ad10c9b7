package connectors

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"iter"
	"net/http"
	"strconv"
	"time"
)

// WebhookReceiver is a Source that accepts its vendor's webhooks, at
// /webhooks/<connector name> on the daemon's listener. The daemon reads
// the body, asks the receiver to verify it and split it into events,
// stores the events (each once) and only then answers 200; afterwards it
// runs the connector, whose pulls fetch what the events announce. Pulls
// still run on their schedule, filling any gap a lost webhook leaves.
type WebhookReceiver interface {
	// ReceiveWebhook verifies a request against its raw body and returns
	// the events it carries. An error wrapping ErrWebhookSignature is
	// answered 401 (the vendor gave a wrong or stale signature); any other
	// error 400. It must not keep r or body.
	ReceiveWebhook(r *http.Request, body []byte) ([]WebhookEvent, error)
}

// WebhookHandshaker is a WebhookReceiver whose vendor checks the endpoint
// with a GET first (Meta's hub.challenge). It returns the body to answer
// 200 with, or an error wrapping ErrWebhookSignature for 403.
type WebhookHandshaker interface {
	WebhookHandshake(r *http.Request) (string, error)
}

// WebhookEvent is one event of a webhook delivery.
type WebhookEvent struct {
	// ID is the vendor's event id, by which a redelivery is known; empty
	// makes it a hash of Body.
	ID string
	// Type is the vendor's event type ("order.updated", "follow").
	Type string
	// Subject is who the event is about, in the vendor's ids (a LINE
	// userId), or empty.
	Subject string
	// Body is the event as the vendor sent it (JSON).
	Body []byte
}

// WebhookInbox gives a connector the webhook events the daemon stored for
// it. A push-only source (LINE) reads its records from here, with the
// last Seq it read as its cursor.
type WebhookInbox interface {
	// WebhookEventsAfter returns the connector's events stored after seq
	// after, oldest first, at most limit of them.
	WebhookEventsAfter(ctx context.Context, connector string, after int64, limit int) ([]StoredWebhookEvent, error)
	// FirstWebhookEvents returns, for each subject, the Seq of the
	// connector's first stored event of that type about it (subjects with
	// none are left out): a first message from a person is an inquiry.
	FirstWebhookEvents(ctx context.Context, connector, eventType string, subjects []string) (map[string]int64, error)
	// WebhookEventsAbout returns the connector's events of that type about
	// that subject, newest first, at most limit of them: what a person
	// said before, for details they gave in an earlier message.
	WebhookEventsAbout(ctx context.Context, connector, eventType, subject string, limit int) ([]StoredWebhookEvent, error)
}

// StoredWebhookEvent is a webhook event as the daemon stored it.
type StoredWebhookEvent struct {
	// Seq orders a connector's events by arrival.
	Seq        int64
	ID, Type   string
	Subject    string
	Body       []byte
	ReceivedAt time.Time
}

// ErrWebhookNotConfigured says the connector takes webhooks but its
// configuration has no key to verify them with (answered 404).
var ErrWebhookNotConfigured = errors.New("webhooks are not configured for this connector")

// ErrWebhookSignature says a webhook's signature is missing, wrong or
// stale.
var ErrWebhookSignature = errors.New("webhook signature does not verify")

// EqualHMACSHA256 reports whether mac (as the vendor encoded it, decoded
// by the caller) is the HMAC-SHA256 of msg under key, in constant time.
func EqualHMACSHA256(key, msg, mac []byte) bool {
	h := hmac.New(sha256.New, key)
	h.Write(msg)
	return hmac.Equal(h.Sum(nil), mac)
}

// BodyHash is the event id of a body that carries none.
func BodyHash(body []byte) string {
	sum := sha256.Sum256(body)
	return "sha256:" + hex.EncodeToString(sum[:])
}

// FirstEvents returns the Seqs of those of events (of eventType) that are
// the first stored event of that type about their subject, asking the
// inbox once for the whole batch.
func FirstEvents(ctx context.Context, inbox WebhookInbox, connector, eventType string, events []StoredWebhookEvent) (map[int64]bool, error) {
	var subjects []string
	for _, e := range events {
		if e.Type == eventType && e.Subject != "" {
			subjects = append(subjects, e.Subject)
		}
	}
	if len(subjects) == 0 {
		return nil, nil
	}
	firsts, err := inbox.FirstWebhookEvents(ctx, connector, eventType, subjects)
	if err != nil {
		return nil, err
	}
	out := make(map[int64]bool, len(firsts))
	for _, seq := range firsts {
		out[seq] = true
	}
	return out, nil
}

// InboxPages reads a connector's stored webhook events after cursor (the
// Seq of the last event read, "" for the start), batch at a time, and
// yields what page makes of each batch with the batch's last Seq as its
// cursor. A push-only stream (LINE, Meta's webhook messages) is this loop
// around its own reading of events. With no inbox it yields nothing.
func InboxPages(ctx context.Context, inbox WebhookInbox, connector, cursor string, batch int,
	page func(ctx context.Context, events []StoredWebhookEvent) (Page, error)) iter.Seq2[Page, error] {
	return func(yield func(Page, error) bool) {
		if inbox == nil {
			return // checking a configuration: there is no database
		}
		var after int64
		if cursor != "" {
			n, err := strconv.ParseInt(cursor, 10, 64)
			if err != nil {
				yield(Page{}, fmt.Errorf("%s: cursor %q is not a webhook event number", connector, cursor))
				return
			}
			after = n
		}
		for {
			events, err := inbox.WebhookEventsAfter(ctx, connector, after, batch)
			if err != nil || len(events) == 0 {
				if err != nil {
					yield(Page{}, err)
				}
				return
			}
			p, err := page(ctx, events)
			if err != nil {
				yield(Page{}, err)
				return
			}
			after = events[len(events)-1].Seq
			p.Cursor = strconv.FormatInt(after, 10)
			if !yield(p, nil) || len(events) < batch {
				return
			}
		}
	}
}
