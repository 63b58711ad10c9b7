package calendly

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/nayose/nayose/connectors/httpx"
)

// client is the typed part of Calendly's API the stream reads.
type client struct {
	http *httpx.Client
	opts *Options

	mu  sync.Mutex
	org string // discovered organization URI
}

// stamp formats a time as Calendly does: UTC with microseconds.
func stamp(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000000Z") }

type pagination struct {
	NextPageToken *string `json:"next_page_token"`
}

type listPage struct {
	Collection []json.RawMessage `json:"collection"`
	Pagination pagination        `json:"pagination"`
}

func (p listPage) next() string {
	if p.Pagination.NextPageToken == nil {
		return ""
	}
	return *p.Pagination.NextPageToken
}

// organization returns the configured organization URI or, once per
// source, the current_organization of GET /users/me.
func (c *client) organization(ctx context.Context) (string, error) {
	if c.opts.Organization != "" {
		return c.opts.Organization, nil
	}
	c.mu.Lock()
	org := c.org
	c.mu.Unlock()
	if org != "" {
		return org, nil
	}
	var out struct {
		Resource struct {
			CurrentOrganization string `json:"current_organization"`
		} `json:"resource"`
	}
	if _, err := c.http.Get(ctx, "/users/me", nil, &out); err != nil {
		return "", err
	}
	org = out.Resource.CurrentOrganization
	if org == "" {
		return "", errors.New("GET /users/me named no current_organization; set options.organization")
	}
	c.mu.Lock()
	c.org = org
	c.mu.Unlock()
	return org, nil
}

// events reads one page of scheduled events (every status) starting in
// [from, to), by start time.
func (c *client) events(ctx context.Context, org string, from, to time.Time, token string) (listPage, error) {
	q := url.Values{
		"organization":   {org},
		"min_start_time": {stamp(from)},
		"max_start_time": {stamp(to)},
		"sort":           {"start_time:asc"},
		"count":          {strconv.Itoa(pageSize)},
	}
	if token != "" {
		q.Set("page_token", token)
	}
	var out listPage
	_, err := c.http.Get(ctx, "/scheduled_events", q, &out)
	return out, err
}

// invitees reads every invitee of an event, following page tokens.
func (c *client) invitees(ctx context.Context, eventUUID string) ([]json.RawMessage, error) {
	var all []json.RawMessage
	token := ""
	for {
		q := url.Values{"sort": {"created_at:asc"}, "count": {strconv.Itoa(pageSize)}}
		if token != "" {
			q.Set("page_token", token)
		}
		var out listPage
		if _, err := c.http.Get(ctx, "/scheduled_events/"+url.PathEscape(eventUUID)+"/invitees", q, &out); err != nil {
			return nil, err
		}
		all = append(all, out.Collection...)
		if token = out.next(); token == "" {
			return all, nil
		}
	}
}

// streamErr names the stream in an HTTP error. Rate limiting past the
// budget (httpx.ErrThrottled) wraps connectors.ErrPartial, so the engine
// ends such a run as partial; anything else fails it.
func streamErr(stream string, err error) error {
	return fmt.Errorf("calendly %s: %w", stream, err)
}

// lastSegment returns a URI's last path segment (Calendly's uuid).
func lastSegment(uri string) string {
	uri = strings.TrimRight(uri, "/")
	if i := strings.LastIndexByte(uri, '/'); i >= 0 {
		return uri[i+1:]
	}
	return uri
}
