package mailchimp

import (
	"context"
	"crypto/md5"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/nayose/nayose/connectors/httpx"
)

// client is the typed part of Mailchimp's API the streams read.
type client struct {
	http *httpx.Client
	opts *Options
}

// timeLayout is how Mailchimp writes times: 2024-05-01T01:02:03+00:00.
const timeLayout = "2006-01-02T15:04:05-07:00"

func stamp(t time.Time) string { return t.UTC().Format(timeLayout) }

// parseTime reads a Mailchimp time (RFC 3339).
func parseTime(s string) (time.Time, error) { return time.Parse(time.RFC3339, s) }

// subscriberHash is Mailchimp's member id: the MD5 of the lower-cased e-mail.
func subscriberHash(email string) string {
	h := md5.Sum([]byte(strings.ToLower(email)))
	return hex.EncodeToString(h[:])
}

type membersPage struct {
	Members    []json.RawMessage `json:"members"`
	TotalItems int               `json:"total_items"`
}

// members reads one page of the list's members changed after since (all
// when since is zero).
func (c *client) members(ctx context.Context, since time.Time, offset int) (membersPage, error) {
	q := url.Values{"count": {strconv.Itoa(c.opts.PageSize)}, "offset": {strconv.Itoa(offset)}}
	if !since.IsZero() {
		q.Set("since_last_changed", stamp(since))
	}
	var out membersPage
	_, err := c.http.Get(ctx, "/lists/"+url.PathEscape(c.opts.ListID)+"/members", q, &out)
	return out, err
}

type campaign struct {
	ID         string `json:"id"`
	SendTime   string `json:"send_time"`
	Recipients struct {
		ListID string `json:"list_id"`
	} `json:"recipients"`
	Settings struct {
		SubjectLine string `json:"subject_line"`
		Title       string `json:"title"`
	} `json:"settings"`
}

// campaigns lists the list's sent campaigns sent after since, every page.
func (c *client) campaigns(ctx context.Context, since time.Time) ([]campaign, error) {
	var all []campaign
	for offset := 0; ; {
		q := url.Values{
			"status": {"sent"}, "list_id": {c.opts.ListID}, "since_send_time": {stamp(since)},
			"count": {strconv.Itoa(MaxPageSize)}, "offset": {strconv.Itoa(offset)},
		}
		var out struct {
			Campaigns  []campaign `json:"campaigns"`
			TotalItems int        `json:"total_items"`
		}
		if _, err := c.http.Get(ctx, "/campaigns", q, &out); err != nil {
			return nil, err
		}
		all = append(all, out.Campaigns...)
		offset += len(out.Campaigns)
		if len(out.Campaigns) < MaxPageSize || offset >= out.TotalItems {
			return all, nil
		}
	}
}

type emailActivity struct {
	CampaignID   string `json:"campaign_id"`
	EmailID      string `json:"email_id"`
	EmailAddress string `json:"email_address"`
	Activity     []struct {
		Action    string `json:"action"`
		Timestamp string `json:"timestamp"`
		URL       string `json:"url"`
	} `json:"activity"`
}

type activityPage struct {
	Emails     []json.RawMessage `json:"emails"`
	TotalItems int               `json:"total_items"`
}

// emailActivity reads one page of a campaign's e-mail activity after since
// (all when since is zero).
func (c *client) emailActivity(ctx context.Context, campaignID string, since time.Time, offset int) (activityPage, error) {
	q := url.Values{"count": {strconv.Itoa(c.opts.PageSize)}, "offset": {strconv.Itoa(offset)}}
	if !since.IsZero() {
		q.Set("since", stamp(since))
	}
	var out activityPage
	_, err := c.http.Get(ctx, "/reports/"+url.PathEscape(campaignID)+"/email-activity", q, &out)
	return out, err
}

// streamErr names the stream in an HTTP error. Rate limiting past the
// budget (httpx.ErrThrottled) wraps connectors.ErrPartial, so the engine
// ends such a run as partial; anything else fails it.
func streamErr(stream string, err error) error {
	return fmt.Errorf("mailchimp %s: %w", stream, err)
}

func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// windowStart is where an incremental window starts: overlap before since,
// or zero (no filter) on a first run.
func (c *client) windowStart(since time.Time) time.Time {
	if since.IsZero() {
		return time.Time{}
	}
	return since.Add(-c.opts.Overlap.Std())
}

// decodeError turns a JSON error into the field to blame and a reason.
func decodeError(err error) (field, reason string) {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return te.Field, "expected " + te.Type.String() + ", found a JSON " + te.Value
	}
	return "", err.Error()
}

func parseCursor[T any](s string, log interface{ Warn(string, ...any) }) T {
	var c T
	if s == "" {
		return c
	}
	if err := json.Unmarshal([]byte(s), &c); err != nil {
		log.Warn("unreadable cursor; reading from the start", "error", err)
		var zero T
		return zero
	}
	return c
}

func marshal(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
