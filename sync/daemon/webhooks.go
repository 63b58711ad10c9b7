package daemon

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/nayose/nayose/connectors"
	"github.com/nayose/nayose/store"
)

// maxWebhookBody bounds a webhook delivery; vendors send a few KiB.
const maxWebhookBody = 1 << 20

// webhookDebounce gathers a burst of deliveries into one connector run.
const webhookDebounce = 2 * time.Second

// receiveWebhook takes a delivery at POST /webhooks/{name}: verified by
// the connector, stored, then answered 200; the connector then runs.
func (d *Daemon) receiveWebhook(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	conn, recv, ok := d.webhookReceiver(name)
	if !ok {
		http.Error(w, fmt.Sprintf("no connector named %q takes webhooks", name), http.StatusNotFound)
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxWebhookBody))
	if err != nil {
		http.Error(w, "the body could not be read or is over 1 MiB", http.StatusRequestEntityTooLarge)
		return
	}
	events, err := recv.ReceiveWebhook(r, body)
	switch {
	case errors.Is(err, connectors.ErrWebhookSignature):
		d.log.Warn("webhook refused: signature", "connector", name, "remote", r.RemoteAddr, "err", err)
		http.Error(w, "signature does not verify", http.StatusUnauthorized)
		return
	case errors.Is(err, connectors.ErrWebhookNotConfigured):
		d.log.Warn("webhook refused: not configured", "connector", name, "err", err)
		http.Error(w, err.Error(), http.StatusNotFound)
		return
	case err != nil:
		d.log.Warn("webhook refused", "connector", name, "err", err)
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	if d.o.DB == nil {
		http.Error(w, "no database to keep webhooks in", http.StatusServiceUnavailable)
		return
	}
	rows := store.WebhookEventsOf(name, events, time.Now())
	// Stored before the answer: a crash after the 200 loses nothing, and a
	// failure here makes the vendor deliver again.
	fresh, err := d.o.DB.SaveWebhookEvents(r.Context(), rows)
	if err != nil {
		d.log.Error("webhook not stored; the vendor will deliver it again", "connector", name, "err", err)
		http.Error(w, "could not store the events", http.StatusInternalServerError)
		return
	}
	fmt.Fprintln(w, "ok")
	d.log.Info("webhook received", "connector", name, "events", len(rows), "new", fresh)
	if fresh > 0 {
		d.kick(conn.Config.Name)
	}
}

// webhookHandshake answers a vendor's GET check of the endpoint.
func (d *Daemon) webhookHandshake(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	_, recv, ok := d.webhookReceiver(name)
	hs, can := recv.(connectors.WebhookHandshaker)
	if !ok || !can {
		http.Error(w, fmt.Sprintf("no connector named %q answers webhook checks", name), http.StatusNotFound)
		return
	}
	answer, err := hs.WebhookHandshake(r)
	if err != nil {
		d.log.Warn("webhook check refused", "connector", name, "err", err)
		http.Error(w, "verification failed", http.StatusForbidden)
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	io.WriteString(w, answer)
}

func (d *Daemon) webhookReceiver(name string) (connectors.Connector, connectors.WebhookReceiver, bool) {
	for _, c := range d.o.Connectors {
		if c.Config.Name == name {
			recv, ok := c.Source.(connectors.WebhookReceiver)
			return c, recv, ok
		}
	}
	return connectors.Connector{}, nil, false
}

// kick asks for a run of the connector soon; kicks while one is waiting
// or running fold into one more run.
func (d *Daemon) kick(name string) {
	if ch := d.kicks[name]; ch != nil {
		select {
		case ch <- struct{}{}:
		default:
		}
	}
}

// runOnKicks runs conn after each kick, a moment later so a burst of
// deliveries makes one run, until ctx ends.
func (d *Daemon) runOnKicks(ctx context.Context, conn connectors.Connector, kicks <-chan struct{}) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-kicks:
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(webhookDebounce):
		}
		d.runJob(ctx, conn)
	}
}
