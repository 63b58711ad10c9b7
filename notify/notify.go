// Package notify tells people about what needs them, reliably.
//
// A Notifier delivers an Alert: Slack posts it to a channel as Block Kit
// (through a bot token or an incoming webhook), Console prints it for
// trials and for operators watching a terminal, Multi does both. Several
// alerts of one rule that come in a burst are told as one Digest by
// notifiers that implement BatchNotifier.
//
// The Outbox makes delivery durable: rules Enqueue alerts into the alerts
// table under a unique dedup key (a re-sync or a restart never alerts
// twice), and Deliver, on every tick, sends what waits, oldest first,
// batching bursts into digests, holding everything back during quiet
// hours, and keeping failed alerts pending until a later tick delivers
// them. What raises an alert (new inquiries, dormant customers) is decided
// by the rules that call Enqueue, not here.
package notify

import (
	"context"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"
)

// Alert is one message for people.
type Alert struct {
	// Rule names what raised it: "sync_failed", "new_inquiry", ...
	Rule string
	// Title is one line a person reads at a glance.
	Title string
	// Fields are labelled details, in order.
	Fields []Field
	// At is when it happened.
	At time.Time
}

// Field is one labelled detail of an alert.
type Field struct {
	Label string
	Value string
}

// Notifier delivers alerts. Notify returns once the alert is delivered or
// delivery failed; it respects ctx, and returns at once when ctx ends.
// An error means the alert may not have been delivered; nil means it was.
type Notifier interface {
	Notify(ctx context.Context, a Alert) error
}

// Digest is several alerts of one rule told as one message, for bursts:
// "12 new inquiries" rather than twelve messages.
type Digest struct {
	// Rule is the rule of every alert in it.
	Rule string
	// Title is the headline: "12 new inquiries".
	Title string
	// Alerts are oldest first. The first DigestShown are shown in full,
	// the rest only counted ("…and 2 more").
	Alerts []Alert
}

// DigestShown is how many alerts of a digest are shown in full.
const DigestShown = 10

// BatchNotifier is a Notifier that can tell a digest as one message.
// NotifyBatch follows the contract of Notify: nil means the whole digest
// was delivered.
type BatchNotifier interface {
	Notifier
	NotifyBatch(ctx context.Context, d Digest) error
}

// NotifyDigest delivers d through n: as one message when n is a
// BatchNotifier, otherwise alert by alert, stopping at the first failure.
func NotifyDigest(ctx context.Context, n Notifier, d Digest) error {
	if b, ok := n.(BatchNotifier); ok {
		return b.NotifyBatch(ctx, d)
	}
	for _, a := range d.Alerts {
		if err := n.Notify(ctx, a); err != nil {
			return err
		}
	}
	return nil
}

// ChannelOf names where n delivers, as recorded in alerts.channel:
// "slack:#shop-alerts", "slack:webhook", "console". A notifier names
// itself with a Channel method; others are named by their type.
func ChannelOf(n Notifier) string {
	if c, ok := n.(interface{ Channel() string }); ok {
		return c.Channel()
	}
	return fmt.Sprintf("%T", n)
}

// Console writes alerts as short blocks of text, times in Location.
type Console struct {
	W        io.Writer
	Location *time.Location

	mu sync.Mutex
}

var _ BatchNotifier = (*Console)(nil)

// Channel returns "console".
func (c *Console) Channel() string { return "console" }

// Notify implements Notifier.
func (c *Console) Notify(ctx context.Context, a Alert) error {
	var b strings.Builder
	fmt.Fprintf(&b, "[%s] %s: %s\n", c.format(a.At), a.Rule, a.Title)
	for _, f := range a.Fields {
		fmt.Fprintf(&b, "    %s: %s\n", f.Label, f.Value)
	}
	return c.write(b.String())
}

// NotifyBatch implements BatchNotifier: one block headed by the digest's
// title and time, then each alert shown, then how many more there are.
func (c *Console) NotifyBatch(ctx context.Context, d Digest) error {
	var b strings.Builder
	fmt.Fprintf(&b, "[%s] %s: %s\n", c.format(latest(d.Alerts)), d.Rule, d.Title)
	shown := d.Alerts[:min(len(d.Alerts), DigestShown)]
	for _, a := range shown {
		fmt.Fprintf(&b, "  - [%s] %s\n", c.format(a.At), a.Title)
		for _, f := range a.Fields {
			fmt.Fprintf(&b, "      %s: %s\n", f.Label, f.Value)
		}
	}
	if more := len(d.Alerts) - len(shown); more > 0 {
		fmt.Fprintf(&b, "  …and %d more\n", more)
	}
	return c.write(b.String())
}

func (c *Console) format(t time.Time) string {
	loc := c.Location
	if loc == nil {
		loc = time.UTC
	}
	return t.In(loc).Format("2006-01-02 15:04")
}

func (c *Console) write(s string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, err := io.WriteString(c.W, s); err != nil {
		return fmt.Errorf("writing alert to console: %w", err)
	}
	return nil
}

// latest returns the time of the newest alert.
func latest(alerts []Alert) time.Time {
	var t time.Time
	for _, a := range alerts {
		if a.At.After(t) {
			t = a.At
		}
	}
	return t
}

// Multi delivers to several notifiers in order and stops at the first
// that fails, so that a retry repeats only the ones before it: put the
// one most likely to fail (Slack, over the network) first.
type Multi []Notifier

var _ BatchNotifier = Multi(nil)

// Notify implements Notifier.
func (m Multi) Notify(ctx context.Context, a Alert) error {
	for _, n := range m {
		if err := n.Notify(ctx, a); err != nil {
			return err
		}
	}
	return nil
}

// NotifyBatch implements BatchNotifier.
func (m Multi) NotifyBatch(ctx context.Context, d Digest) error {
	for _, n := range m {
		if err := NotifyDigest(ctx, n, d); err != nil {
			return err
		}
	}
	return nil
}

// Channel joins the channels of the notifiers: "slack:#shop-alerts,console".
func (m Multi) Channel() string {
	names := make([]string, len(m))
	for i, n := range m {
		names[i] = ChannelOf(n)
	}
	return strings.Join(names, ",")
}
