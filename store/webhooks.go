package store

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/nayose/nayose/connectors"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// WebhookEvent is one event a vendor pushed to /webhooks/<connector>.
type WebhookEvent struct {
	ID         int64 `gorm:"primaryKey"`
	Connector  string
	EventID    string
	EventType  string
	Subject    string
	Body       string
	ReceivedAt time.Time
}

// TableName names the table.
func (WebhookEvent) TableName() string { return "webhook_events" }

// maxEventID is the longest vendor event id stored as is; a longer one is
// stored as its hash.
const maxEventID = 191

// WebhookEventsOf turns the events of one delivery to a connector into
// rows: an event without an id (or with one too long to index) is known
// by its hash.
func WebhookEventsOf(connector string, events []connectors.WebhookEvent, received time.Time) []WebhookEvent {
	rows := make([]WebhookEvent, len(events))
	for i, e := range events {
		id := e.ID
		if id == "" || len(id) > maxEventID {
			id = connectors.BodyHash(append([]byte(id), e.Body...))
		}
		rows[i] = WebhookEvent{Connector: connector, EventID: id, EventType: e.Type, Subject: e.Subject, Body: string(e.Body), ReceivedAt: received.UTC()}
	}
	return rows
}

// SaveWebhookEvents stores events that are not stored yet (by connector
// and event id: a redelivery changes nothing) and returns how many were
// new. It returns only once they are committed.
func (db *DB) SaveWebhookEvents(ctx context.Context, events []WebhookEvent) (int, error) {
	if len(events) == 0 {
		return 0, nil
	}
	fresh := 0
	err := db.Gorm.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		byConnector := map[string][]string{}
		for _, e := range events {
			byConnector[e.Connector] = append(byConnector[e.Connector], e.EventID)
		}
		stored := map[[2]string]bool{}
		for conn, ids := range byConnector {
			var have []string
			if err := tx.Model(&WebhookEvent{}).Where("connector = ? AND event_id IN ?", conn, ids).Pluck("event_id", &have).Error; err != nil {
				return err
			}
			for _, id := range have {
				stored[[2]string{conn, id}] = true
			}
		}
		var rows []WebhookEvent
		for _, e := range events {
			k := [2]string{e.Connector, e.EventID}
			if !stored[k] {
				stored[k] = true
				rows = append(rows, e)
			}
		}
		fresh = len(rows)
		if fresh == 0 {
			return nil
		}
		// A concurrent delivery of the same event may have won the race:
		// its row stands.
		return tx.Clauses(clause.OnConflict{DoNothing: true}).Create(&rows).Error
	})
	if err != nil {
		return 0, fmt.Errorf("storing %d webhook events: %w", len(events), err)
	}
	return fresh, nil
}

// Inbox is the database as a connector's webhook inbox.
func (db *DB) Inbox() connectors.WebhookInbox { return inbox{db} }

type inbox struct{ db *DB }

func (i inbox) WebhookEventsAfter(ctx context.Context, connector string, after int64, limit int) ([]connectors.StoredWebhookEvent, error) {
	rows, err := i.db.WebhookEventsAfter(ctx, connector, after, limit)
	if err != nil {
		return nil, err
	}
	return storedEvents(rows), nil
}

func storedEvents(rows []WebhookEvent) []connectors.StoredWebhookEvent {
	out := make([]connectors.StoredWebhookEvent, len(rows))
	for k, r := range rows {
		out[k] = connectors.StoredWebhookEvent{Seq: r.ID, ID: r.EventID, Type: r.EventType, Subject: r.Subject, Body: []byte(r.Body), ReceivedAt: r.ReceivedAt}
	}
	return out
}

func (i inbox) WebhookEventsAbout(ctx context.Context, connector, eventType, subject string, limit int) ([]connectors.StoredWebhookEvent, error) {
	var rows []WebhookEvent
	err := i.db.Gorm.WithContext(ctx).Where("connector = ? AND subject = ? AND event_type = ?", connector, subject, eventType).
		Order("id DESC").Limit(limit).Find(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("reading the %s %s events of %s: %w", connector, eventType, subject, err)
	}
	return storedEvents(rows), nil
}

func (i inbox) FirstWebhookEvents(ctx context.Context, connector, eventType string, subjects []string) (map[string]int64, error) {
	out := make(map[string]int64, len(subjects))
	subjects = slices.Compact(slices.Sorted(slices.Values(subjects)))
	for chunk := range slices.Chunk(subjects, 500) {
		var rows []struct {
			Subject string
			First   int64
		}
		err := i.db.Gorm.WithContext(ctx).Model(&WebhookEvent{}).Select("subject, MIN(id) AS first").
			Where("connector = ? AND event_type = ? AND subject IN ?", connector, eventType, chunk).Group("subject").Scan(&rows).Error
		if err != nil {
			return nil, fmt.Errorf("reading the first %s %s events of %d subjects: %w", connector, eventType, len(chunk), err)
		}
		for _, r := range rows {
			out[r.Subject] = r.First
		}
	}
	return out, nil
}

// WebhookEventsAfter returns a connector's events stored after the event
// with id after, oldest first, at most limit of them.
func (db *DB) WebhookEventsAfter(ctx context.Context, connector string, after int64, limit int) ([]WebhookEvent, error) {
	var out []WebhookEvent
	err := db.Gorm.WithContext(ctx).Where("connector = ? AND id > ?", connector, after).Order("id").Limit(limit).Find(&out).Error
	if err != nil {
		return nil, fmt.Errorf("reading %s webhook events: %w", connector, err)
	}
	return out, nil
}
