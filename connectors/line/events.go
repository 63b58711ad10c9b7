package line

import (
	"context"
	"encoding/json"
	"fmt"
	"iter"
	"log/slog"
	"time"

	"github.com/nayose/nayose/connectors"
)

// eventsStream reads the webhook events the daemon stored for this
// connector, in the order they arrived; its cursor is the last one read.
//   - follow: the person (profile fetched), and a subscribe activity;
//   - unfollow (a block): an unsubscribe activity;
//   - message: the person, a message activity, and an inquiry when it is
//     the first message the person ever sent the account.
//
// Events from groups and rooms, and kinds nayose does not use, are passed
// over.
type eventsStream struct {
	c         *client
	inbox     connectors.WebhookInbox
	connector string
	log       *slog.Logger
}

func (s *eventsStream) Name() string { return "events" }

// event is one LINE webhook event, as far as nayose reads it.
type event struct {
	Type           string `json:"type"`
	WebhookEventID string `json:"webhookEventId"`
	Timestamp      *int64 `json:"timestamp"`
	Source         struct {
		Type   string `json:"type"`
		UserID string `json:"userId"`
	} `json:"source"`
	Follow *struct {
		IsUnblocked bool `json:"isUnblocked"`
	} `json:"follow,omitempty"`
	Message *struct {
		ID   string `json:"id"`
		Type string `json:"type"`
		Text string `json:"text"`
	} `json:"message,omitempty"`
}

func (s *eventsStream) Pages(ctx context.Context, cursor string) iter.Seq2[connectors.Page, error] {
	return connectors.InboxPages(ctx, s.inbox, s.connector, cursor, EventsPageSize, s.page)
}

func (s *eventsStream) page(ctx context.Context, stored []connectors.StoredWebhookEvent) (connectors.Page, error) {
	var page connectors.Page
	profiles := map[string]bool{} // users whose identity the page already holds
	firsts, err := connectors.FirstEvents(ctx, s.inbox, s.connector, "message", stored)
	if err != nil {
		return connectors.Page{}, fmt.Errorf("line events: %w", err)
	}
	for _, se := range stored {
		var ev event
		if err := json.Unmarshal(se.Body, &ev); err != nil {
			page.Rejects = append(page.Rejects, reject(se, "", "the event is not JSON: "+err.Error()))
			continue
		}
		if ev.Source.Type != "user" || ev.Source.UserID == "" {
			continue
		}
		if ev.Timestamp == nil || *ev.Timestamp <= 0 {
			page.Rejects = append(page.Rejects, reject(se, "timestamp", "the event has no timestamp (milliseconds since 1970)"))
			continue
		}
		at := time.UnixMilli(*ev.Timestamp).UTC()
		user := ev.Source.UserID
		act := func(kind connectors.ActivityKind, id, summary string) connectors.Activity {
			return connectors.Activity{ExternalID: id, Kind: kind, IdentityExternalID: user, OccurredAt: at, Summary: summary, Raw: se.Body}
		}
		switch ev.Type {
		case "follow", "message":
			if !profiles[user] {
				p, found, err := s.c.profile(ctx, user)
				if err != nil {
					return connectors.Page{}, fmt.Errorf("line events: profile of %s: %w", user, err)
				}
				profiles[user] = true
				if found {
					id := identityOf(p)
					if id.Emails, id.Phones, err = s.contactsOf(ctx, user); err != nil {
						return connectors.Page{}, fmt.Errorf("line events: %w", err)
					}
					page.Identities = append(page.Identities, id)
				}
			}
		}
		switch ev.Type {
		case "follow":
			summary := "LINE 友だち追加"
			if ev.Follow != nil && ev.Follow.IsUnblocked {
				summary = "LINE ブロック解除"
			}
			page.Activities = append(page.Activities, act(connectors.KindSubscribe, ev.WebhookEventID, summary))
		case "unfollow":
			page.Activities = append(page.Activities, act(connectors.KindUnsubscribe, ev.WebhookEventID, "LINE ブロック"))
		case "message":
			if ev.Message == nil || ev.Message.ID == "" {
				page.Rejects = append(page.Rejects, reject(se, "message", "a message event without a message id"))
				continue
			}
			text := ev.Message.Text
			if ev.Message.Type != "text" {
				text = "[" + ev.Message.Type + "]"
			}
			page.Activities = append(page.Activities, act(connectors.KindMessage, ev.Message.ID, text))
			if firsts[se.Seq] {
				page.Activities = append(page.Activities, act(connectors.KindInquiry, ev.Message.ID, text))
			}
		}
	}
	return page, nil
}

func reject(se connectors.StoredWebhookEvent, field, reason string) connectors.Reject {
	return connectors.Reject{ExternalID: se.ID, Location: fmt.Sprintf("line/webhook event %d", se.Seq), Field: field, Reason: reason, Raw: validJSON(se.Body)}
}

func validJSON(b []byte) json.RawMessage {
	if json.Valid(b) {
		return b
	}
	q, _ := json.Marshal(string(b))
	return q
}
