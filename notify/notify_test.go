package notify

import (
	"bytes"
	"context"
	"testing"
	"time"
)

func TestConsole_PrintsTitleAndFieldsInLocalTime(t *testing.T) {
	var buf bytes.Buffer
	tokyo, _ := time.LoadLocation("Asia/Tokyo")
	c := &Console{W: &buf, Location: tokyo}
	err := c.Notify(context.Background(), Alert{
		Rule:   "sync_failed",
		Title:  "salon_pos/customers failed",
		Fields: []Field{{"error", "exports/customers.csv: no such file"}, {"next run", "10:00"}},
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
