package notify_test

import (
	"testing"
	"time"

	"github.com/nayose/nayose/notify"
)

func TestQuietHours_Contains(t *testing.T) {
	at := func(h, m, s int) time.Time { return time.Date(2026, 11, 23, h, m, s, 0, tokyo) }
	overnight := notify.QuietHours{From: 22 * time.Hour, To: 8 * time.Hour}
	lunch := notify.QuietHours{From: 12 * time.Hour, To: 13*time.Hour + 30*time.Minute}
	tests := []struct {
		q    notify.QuietHours
		t    time.Time
		want bool
	}{
		{overnight, at(21, 59, 59), false},
		{overnight, at(22, 0, 0), true},
		{overnight, at(23, 59, 59), true},
		{overnight, at(0, 0, 0), true},
		{overnight, at(7, 59, 59), true},
		{overnight, at(8, 0, 0), false},
		{overnight, at(12, 0, 0), false},
		{lunch, at(11, 59, 0), false},
		{lunch, at(12, 0, 0), true},
		{lunch, at(13, 29, 59), true},
		{lunch, at(13, 30, 0), false},
		{notify.QuietHours{}, at(0, 0, 0), false},
		{notify.QuietHours{From: 9 * time.Hour, To: 9 * time.Hour}, at(9, 0, 0), false},
	}
	for _, tt := range tests {
		if got := tt.q.Contains(tt.t); got != tt.want {
			t.Errorf("%v contains %s = %v, want %v", tt.q, tt.t.Format("15:04:05"), got, tt.want)
		}
	}
	if got := overnight.String(); got != "22:00-08:00" {
		t.Errorf("String() = %q", got)
	}
}
