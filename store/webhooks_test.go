package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/nayose/nayose/store"
	"github.com/nayose/nayose/store/storetest"
)

// TestWebhookEvents_StoredOnceAndReadInOrder: a redelivered event changes
// nothing; the same event id under another connector is another event;
// a connector reads its own events after its cursor, oldest first.
func TestWebhookEvents_StoredOnceAndReadInOrder(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := time.Now().UTC().Truncate(time.Second)
		ev := func(conn, id, body string) store.WebhookEvent {
			return store.WebhookEvent{Connector: conn, EventID: id, EventType: "message", Body: body, ReceivedAt: now}
		}
		n, err := db.SaveWebhookEvents(ctx, []store.WebhookEvent{ev("line", "E1", `{"n":1}`), ev("line", "E2", `{"n":2}`), ev("square", "E1", `{"s":1}`)})
		if err != nil || n != 3 {
			t.Fatalf("first delivery: %d new, %v", n, err)
		}
		n, err = db.SaveWebhookEvents(ctx, []store.WebhookEvent{ev("line", "E2", `{"n":2,"redelivered":true}`), ev("line", "E3", `{"n":3}`)})
		if err != nil || n != 1 {
			t.Fatalf("redelivery with one new event: %d new, %v", n, err)
		}
		all, err := db.WebhookEventsAfter(ctx, "line", 0, 10)
		if err != nil {
			t.Fatal(err)
		}
		var bodies []string
		for _, e := range all {
			bodies = append(bodies, e.Body)
		}
		if len(all) != 3 || bodies[0] != `{"n":1}` || bodies[1] != `{"n":2}` || bodies[2] != `{"n":3}` {
			t.Fatalf("line's events = %q", bodies)
		}
		// The same, as a connector's inbox.
		got, err := db.Inbox().WebhookEventsAfter(ctx, "line", 0, 10)
		if err != nil || len(got) != 3 || got[2].Seq != all[2].ID || got[2].ID != "E3" || string(got[2].Body) != `{"n":3}` || got[0].Type != "message" {
			t.Errorf("inbox = %+v, %v", got, err)
		}
		// The first event of a kind about someone.
		db.SaveWebhookEvents(ctx, []store.WebhookEvent{
			{Connector: "line", EventID: "M1", EventType: "message", Subject: "Uaaa", Body: "{}", ReceivedAt: now},
			{Connector: "line", EventID: "M2", EventType: "message", Subject: "Uaaa", Body: "{}", ReceivedAt: now},
		})
		firsts, err := db.Inbox().FirstWebhookEvents(ctx, "line", "message", []string{"Uaaa", "Ubbb", "Uaaa"})
		var m1 store.WebhookEvent
		db.Gorm.Where("event_id = ?", "M1").First(&m1)
		if err != nil || len(firsts) != 1 || firsts["Uaaa"] != m1.ID {
			t.Errorf("first messages of Uaaa and Ubbb = %v, %v; want only Uaaa's, %d", firsts, err, m1.ID)
		}
		about, err := db.Inbox().WebhookEventsAbout(ctx, "line", "message", "Uaaa", 10)
		if err != nil || len(about) != 2 || about[0].ID != "M2" || about[1].ID != "M1" {
			t.Errorf("messages of Uaaa, newest first = %+v, %v", about, err)
		}

		rest, err := db.WebhookEventsAfter(ctx, "line", all[0].ID, 1)
		if err != nil || len(rest) != 1 || rest[0].EventID != "E2" {
			t.Errorf("after the first, limit 1: %+v, %v", rest, err)
		}
	})
}
