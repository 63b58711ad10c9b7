package notify_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/nayose/nayose/notify"
)

func TestConsole_PrintsTitleAndFieldsInLocalTime(t *testing.T) {
	var buf bytes.Buffer
	c := &notify.Console{W: &buf, Location: tokyo}
	err := c.Notify(context.Background(), notify.Alert{
		Rule:   "sync_failed",
		Title:  "salon_pos/customers failed",
		Fields: []notify.Field{{Label: "error", Value: "exports/customers.csv: no such file"}, {Label: "next run", Value: "10:00"}},
		At:     time.Date(2026, 11, 23, 1, 0, 0, 0, time.UTC),
	})
	if err != nil {
		t.Fatal(err)
	}
	want := "[2026-11-23 10:00] sync_failed: salon_pos/customers failed\n    error: exports/customers.csv: no such file\n    next run: 10:00\n"
	if buf.String() != want {
		t.Errorf("got\n%s\nwant\n%s", buf.String(), want)
	}
}

func TestConsole_DigestShowsTenAndCountsTheRest(t *testing.T) {
	var buf bytes.Buffer
	c := &notify.Console{W: &buf, Location: tokyo}
	d := notify.Digest{Rule: "new_inquiry", Title: "12 new inquiries"}
	for i := range 12 {
		d.Alerts = append(d.Alerts, notify.Alert{Rule: "new_inquiry", Title: fmt.Sprint("Inquiry ", i+1),
			Fields: []notify.Field{{Label: "email", Value: fmt.Sprintf("c%d@example.com", i+1)}},
			At:     time.Date(2026, 11, 23, 1, i, 0, 0, time.UTC)})
	}
	if err := c.NotifyBatch(context.Background(), d); err != nil {
		t.Fatal(err)
	}
	want := "[2026-11-23 10:11] new_inquiry: 12 new inquiries\n"
	for i := range 10 {
		want += fmt.Sprintf("  - [2026-11-23 10:%02d] Inquiry %d\n      email: c%d@example.com\n", i, i+1, i+1)
	}
	want += "  …and 2 more\n"
	if buf.String() != want {
		t.Errorf("got\n%s\nwant\n%s", buf.String(), want)
	}
}

// recorder is a notifier that keeps what it was told, and fails when
// told to.
type recorder struct {
	name string
	fail error
	got  *[]string
}

func (r recorder) Notify(_ context.Context, a notify.Alert) error {
	*r.got = append(*r.got, r.name+":"+a.Title)
	return r.fail
}

func TestMulti_StopsAtTheFirstFailure(t *testing.T) {
	down := errors.New("slack down")
	var got []string
	m := notify.Multi{recorder{"slack", down, &got}, recorder{"console", nil, &got}}
	if err := m.Notify(context.Background(), notify.Alert{Title: "A"}); !errors.Is(err, down) {
		t.Errorf("err = %v, want the first notifier's", err)
	}
	// A notifier without NotifyBatch gets a digest alert by alert.
	m = notify.Multi{recorder{"one", nil, &got}, recorder{"two", nil, &got}}
	if err := m.NotifyBatch(context.Background(), notify.Digest{Alerts: []notify.Alert{{Title: "B"}, {Title: "C"}}}); err != nil {
		t.Fatal(err)
	}
	want := []string{"slack:A", "one:B", "one:C", "two:B", "two:C"}
	if !slices.Equal(got, want) {
		t.Errorf("told %v, want %v (console not told after Slack failed)", got, want)
	}
}
