// Package notify tells people about what needs them. A Notifier delivers
// an Alert; Console prints alerts for trials and for operators watching a
// terminal. Slack and the alert rules build on the same contract.
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
// delivery failed; it respects ctx.
type Notifier interface {
	Notify(ctx context.Context, a Alert) error
}

// Console writes alerts as short blocks of text, times in Location.
type Console struct {
	W        io.Writer
	Location *time.Location

	mu sync.Mutex
}

// Notify implements Notifier.
func (c *Console) Notify(ctx context.Context, a Alert) error {
	loc := c.Location
	if loc == nil {
		loc = time.UTC
	}
	var b strings.Builder
	fmt.Fprintf(&b, "[%s] %s: %s\n", a.At.In(loc).Format("2006-01-02 15:04"), a.Rule, a.Title)
	for _, f := range a.Fields {
		fmt.Fprintf(&b, "    %s: %s\n", f.Label, f.Value)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, err := io.WriteString(c.W, b.String()); err != nil {
		return fmt.Errorf("writing alert to console: %w", err)
	}
	return nil
}
