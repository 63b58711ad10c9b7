package meta

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"
	"time"

	"github.com/nayose/nayose/connectors/httpx"
)

// client is the typed part of the Graph API the streams read.
type client struct {
	http *httpx.Client
	opts *Options
}

// messageFields asks, per conversation, for the most recent messages
// Graph lets an app read in detail, with who sent them and their text.
var messageFields = fmt.Sprintf("messages.limit(%d){id,created_time,from,to,message}", ReadableMessages)

// conversationFields is the fields= of the conversations request.
var conversationFields = "participants,updated_time," + messageFields

// paging is Graph's cursor paging block.
type paging struct {
	Cursors struct {
		Before string `json:"before"`
		After  string `json:"after"`
	} `json:"cursors"`
	// Next is the next page's URL, absent on the last page. It may carry
	// the access token as a query parameter, so it is never followed: the
	// after cursor is sent instead, with the token in the header.
	Next string `json:"next"`
}

// listPage is one page of a Graph edge.
type listPage struct {
	Data   []json.RawMessage `json:"data"`
	Paging paging            `json:"paging"`
}

// more reports whether a page follows this one.
func (p listPage) more() bool { return p.Paging.Next != "" && p.Paging.Cursors.After != "" }

// conversations reads one page of the Page's conversations on the
// platform, most recently updated first, after a paging cursor.
func (c *client) conversations(ctx context.Context, after string) (listPage, error) {
	q := url.Values{
		"platform": {c.opts.Platform},
		"fields":   {conversationFields},
		"limit":    {strconv.Itoa(c.opts.PageSize)},
	}
	if after != "" {
		q.Set("after", after)
	}
	var out listPage
	_, err := c.http.Get(ctx, "/"+url.PathEscape(c.opts.PageID)+"/conversations", q, &out)
	return out, err
}

// graphTime reads Graph's times: ISO 8601 with a numeric zone without a
// colon ("2026-12-05T03:04:05+0000"); RFC 3339 is accepted too.
func graphTime(s string) (time.Time, bool) {
	for _, layout := range []string{"2006-01-02T15:04:05-0700", time.RFC3339Nano} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}

// streamErr names the stream in an error. Rate limiting past the budget
// (httpx.ErrThrottled) wraps connectors.ErrPartial, so the engine ends
// such a run as partial and the next one resumes.
func streamErr(stream string, err error) error {
	return fmt.Errorf("meta %s: %w", stream, err)
}
