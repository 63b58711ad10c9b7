package xero

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"log/slog"
	"net/url"
	"strconv"
	"time"

	"github.com/nayose/nayose/connectors"
)

// listSpec is what differs between the collections: where they are, how
// they are filtered, and how a record becomes identities or activities.
type listSpec struct {
	path  string // "/Contacts"
	key   string // "Contacts"
	query url.Values
	// start runs when a run of the stream starts, with the saved cursor.
	start func(c *cursor)
	// decode adds what raw yields to page and returns the record's
	// UpdatedDateUTC (zero when it could not be read: the record is then
	// a reject and does not move the cursor).
	decode func(raw json.RawMessage, page *connectors.Page) time.Time
	// finish runs after each page is decoded, to save state in the cursor.
	finish func(c *cursor)
}

// cursor is a stream's position. Between runs only Since (and, for
// contacts, Merged) is set; during a sweep of many pages, From, Page and
// Max let an interrupted run resume at the next page.
type cursor struct {
	// Since is the newest UpdatedDateUTC of the last complete sweep.
	Since time.Time `json:"since,omitzero"`
	// From is the If-Modified-Since of the sweep in progress.
	From time.Time `json:"from,omitzero"`
	// Page is the next page of the sweep in progress; 0 when none is.
	Page int `json:"page,omitempty"`
	// Max is the newest UpdatedDateUTC read in the sweep so far.
	Max time.Time `json:"max,omitzero"`
	// Merged maps merged-away ContactIDs to the contact they were merged
	// into (contacts only).
	Merged map[string]string `json:"merged,omitempty"`
}

func parseCursor(s string) (cursor, error) {
	var c cursor
	if s == "" {
		return c, nil
	}
	if err := json.Unmarshal([]byte(s), &c); err != nil {
		return c, fmt.Errorf("reading the saved cursor %q: %w", s, err)
	}
	return c, nil
}

func (c cursor) String() string {
	b, err := json.Marshal(c)
	if err != nil {
		panic(err) // times, ints and strings always marshal
	}
	return string(b)
}

// listStream reads one collection, newest changes last, with
// If-Modified-Since and page/pageSize.
type listStream struct {
	c        *client
	spec     listSpec
	name     string
	log      *slog.Logger
	overlap  time.Duration
	pageSize int
	// first marks the stream the engine runs first: it starts a run of
	// the whole source, and the limits learnt by the last run are reset.
	first bool
}

var _ connectors.Stream = (*listStream)(nil)

// Name returns the stream's name.
func (s *listStream) Name() string { return s.name }

// Pages sweeps the records changed since overlap before the cursor's
// Since, in pages ordered by UpdatedDateUTC. Each page's cursor resumes
// the sweep after it; the last one starts the next sweep at the newest
// UpdatedDateUTC read.
//
// Why the overlap: If-Modified-Since is compared with UpdatedDateUTC, set
// by Xero when it writes; a record written while a sweep reads its pages
// may carry a time just before the newest one read. Records that change
// during a sweep move to its end (the order is UpdatedDateUTC), so a
// record can shift onto a page already read; the overlap catches those
// written close to the sweep's end, and the next sweep reads every change
// since.
func (s *listStream) Pages(ctx context.Context, saved string) iter.Seq2[connectors.Page, error] {
	return func(yield func(connectors.Page, error) bool) {
		cur, err := parseCursor(saved)
		if err != nil {
			yield(connectors.Page{}, fmt.Errorf("xero %s: %w", s.name, err))
			return
		}
		if s.first {
			s.c.limits.newRun()
		}
		if s.spec.start != nil {
			s.spec.start(&cur)
		}
		if cur.Page == 0 {
			cur.Page, cur.Max, cur.From = 1, cur.Since, time.Time{}
			if !cur.Since.IsZero() {
				cur.From = cur.Since.Add(-s.overlap)
			}
		}
		for {
			if err := ctx.Err(); err != nil {
				yield(connectors.Page{}, err)
				return
			}
			q := url.Values{
				"page":     {strconv.Itoa(cur.Page)},
				"pageSize": {strconv.Itoa(s.pageSize)},
				"order":    {"UpdatedDateUTC ASC"},
			}
			for k, v := range s.spec.query {
				q[k] = v
			}
			lp, err := s.c.list(ctx, s.spec.path, s.spec.key, q, cur.From)
			if err != nil {
				yield(connectors.Page{}, s.fail(cur.Page, err))
				return
			}
			var page connectors.Page
			for _, raw := range lp.Items {
				if t := s.spec.decode(raw, &page); t.After(cur.Max) {
					cur.Max = t.UTC()
				}
			}
			last := len(lp.Items) < s.pageSize
			if p := lp.Pagination; p != nil {
				last = cur.Page >= p.PageCount
			}
			if last {
				cur = cursor{Since: cur.Max, Merged: cur.Merged}
			} else {
				cur.Page++
			}
			if s.spec.finish != nil {
				s.spec.finish(&cur)
			}
			page.Cursor = cur.String()
			if !yield(page, nil) || last {
				return
			}
		}
	}
}

// fail names the stream and page in an error. Rate limiting past the
// budget and the day limit wrap connectors.ErrPartial, so the engine ends
// such a run as partial and the next resumes at this page.
func (s *listStream) fail(page int, err error) error {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	return fmt.Errorf("xero %s page %d: %w", s.name, page, err)
}

// reject makes a connectors.Reject for a record of path.
func reject(path string, raw json.RawMessage, id, field, reason string) connectors.Reject {
	return connectors.Reject{ExternalID: id, Location: "xero " + apiPath + path + " " + id, Field: field, Reason: reason, Raw: raw}
}

// idOf reads key from a record that did not decode, so its reject can
// still name it.
func idOf(raw json.RawMessage, key string) string {
	var m map[string]json.RawMessage
	if json.Unmarshal(raw, &m) != nil {
		return ""
	}
	var id string
	if json.Unmarshal(m[key], &id) != nil {
		return ""
	}
	return id
}
