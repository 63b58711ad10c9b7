package meta

import (
	"context"
	"encoding/json"
	"errors"
	"iter"
	"log/slog"
	"strconv"
	"time"

	"github.com/nayose/nayose/connectors"
)

// conversationsLocation is where rejects of the conversations stream are.
const conversationsLocation = "meta/conversations"

// conversationsStream walks the Page's conversations, most recently
// updated first, until one was last updated before the cursor less the
// overlap. Graph has no time filter on this edge, so this walk is the
// incremental read.
type conversationsStream struct {
	c       *client
	account string
	overlap time.Duration
	log     *slog.Logger
}

func (s *conversationsStream) Name() string { return "conversations" }

// walkCursor is the conversations stream's cursor. Between walks only
// Since is set. A walk commits each page with Since unchanged, the Graph
// paging cursor to go on from (After) and the newest updated_time it
// began with (Top); the last page commits Since = Top. So a walk cut short
// (rate limiting past its budget) resumes where it stopped, and nothing
// it had not reached is skipped; conversations updated during the walk
// are newer than Top and come first in the next one.
type walkCursor struct {
	Since time.Time `json:"since,omitzero"`
	Top   time.Time `json:"top,omitzero"`
	After string    `json:"after,omitempty"`
}

func (c walkCursor) String() string {
	if c.Since.IsZero() && c.Top.IsZero() && c.After == "" {
		return ""
	}
	b, _ := json.Marshal(c)
	return string(b)
}

func parseCursor(s string, log *slog.Logger) walkCursor {
	var c walkCursor
	if s == "" {
		return c
	}
	if err := json.Unmarshal([]byte(s), &c); err != nil {
		log.Warn("unreadable cursor; reading every conversation", "error", err)
		return walkCursor{}
	}
	return c
}

func (s *conversationsStream) Pages(ctx context.Context, cursor string) iter.Seq2[connectors.Page, error] {
	return func(yield func(connectors.Page, error) bool) {
		cur := parseCursor(cursor, s.log)
		var cutoff time.Time // zero: read everything
		if !cur.Since.IsZero() {
			cutoff = cur.Since.Add(-s.overlap)
		}
		top, after := cur.Top, cur.After
		for {
			res, err := s.c.conversations(ctx, after)
			if err != nil {
				yield(connectors.Page{}, streamErr("conversations", err))
				return
			}
			var out connectors.Page
			done := !res.more()
			for _, raw := range res.Data {
				mark := out
				updated, ok := s.readConversation(raw, &out)
				if !ok {
					continue
				}
				if updated.Before(cutoff) {
					// Read before: drop it. Sorted by updated_time, the
					// rest is older still.
					out = mark
					done = true
					break
				}
				if top.IsZero() || updated.After(top) {
					top = updated
				}
			}
			if done {
				// The walk reached the cursor: what it began with is now
				// read up to Top.
				out.Cursor = walkCursor{Since: later(cur.Since, top)}.String()
				yield(out, nil)
				return
			}
			after = res.Paging.Cursors.After
			out.Cursor = walkCursor{Since: cur.Since, Top: top, After: after}.String()
			if !yield(out, nil) {
				return
			}
		}
	}
}

// participant is a person (or the business) in a conversation. Messenger
// gives name and email, Instagram username.
type participant struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	Email    string `json:"email"`
	Username string `json:"username"`
}

type message struct {
	ID          string      `json:"id"`
	CreatedTime string      `json:"created_time"`
	From        participant `json:"from"`
	Message     string      `json:"message"`
}

type conversation struct {
	ID           string `json:"id"`
	UpdatedTime  string `json:"updated_time"`
	Participants struct {
		Data []json.RawMessage `json:"data"`
	} `json:"participants"`
	Messages struct {
		Data   []json.RawMessage `json:"data"`
		Paging paging            `json:"paging"`
	} `json:"messages"`
}

func reject(raw json.RawMessage, id, field, reason string) connectors.Reject {
	if id == "" {
		var r struct {
			ID string `json:"id"`
		}
		_ = json.Unmarshal(raw, &r)
		id = r.ID
	}
	return connectors.Reject{ExternalID: id, Location: conversationsLocation, Field: field, Reason: reason, Raw: raw}
}

// decodeError turns a JSON error into the field to blame and a reason.
func decodeError(err error) (field, reason string) {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return te.Field, "expected " + te.Type.String() + ", found a JSON " + te.Value
	}
	return "", err.Error()
}

func badTime(field, value string) string {
	return field + " " + strconv.Quote(value) + " is not an ISO 8601 time"
}

// readConversation maps one conversation into out and returns its
// updated_time; false when the conversation itself cannot be read (it is
// rejected with its id). A message that cannot be read is rejected with
// its mid and the rest of the conversation stays.
func (s *conversationsStream) readConversation(raw json.RawMessage, out *connectors.Page) (time.Time, bool) {
	var cv conversation
	if err := json.Unmarshal(raw, &cv); err != nil {
		f, r := decodeError(err)
		out.Rejects = append(out.Rejects, reject(raw, "", f, r))
		return time.Time{}, false
	}
	if cv.ID == "" {
		out.Rejects = append(out.Rejects, reject(raw, "", "id", "the conversation has no id"))
		return time.Time{}, false
	}
	updated, ok := graphTime(cv.UpdatedTime)
	if !ok {
		out.Rejects = append(out.Rejects, reject(raw, cv.ID, "updated_time", badTime("updated_time", cv.UpdatedTime)))
		return time.Time{}, false
	}
	for _, praw := range cv.Participants.Data {
		var p participant
		if err := json.Unmarshal(praw, &p); err != nil || p.ID == "" {
			out.Rejects = append(out.Rejects, reject(praw, cv.ID, "participants", "a participant without a readable id"))
			continue
		}
		if p.ID == s.account {
			continue
		}
		ident := connectors.Identity{ExternalID: p.ID, FullName: p.Name, UpdatedAt: updated, Raw: praw}
		if p.Email != "" {
			ident.Emails = []string{p.Email}
		}
		out.Identities = append(out.Identities, ident)
	}
	s.readMessages(cv, out)
	return updated, true
}

// readMessages maps the readable messages, newest first as Graph gives
// them. Each message a customer sent is a message activity; the
// business's own are left out. When the conversation's first message is
// among them (Graph says no older page, and the oldest, last in the list,
// could be read) and a customer sent it, the conversation is an inquiry,
// at that message.
func (s *conversationsStream) readMessages(cv conversation, out *connectors.Page) {
	var first *message
	var firstAt time.Time
	var firstRaw json.RawMessage
	complete := cv.Messages.Paging.Next == ""
	oldestBad := false
	for _, mraw := range cv.Messages.Data {
		oldestBad = true // until this one is read
		var m message
		if err := json.Unmarshal(mraw, &m); err != nil {
			f, r := decodeError(err)
			out.Rejects = append(out.Rejects, reject(mraw, "", f, r))
			continue
		}
		if m.ID == "" {
			out.Rejects = append(out.Rejects, reject(mraw, cv.ID, "id", "a message without an id (conversation "+cv.ID+")"))
			continue
		}
		at, ok := graphTime(m.CreatedTime)
		if !ok {
			out.Rejects = append(out.Rejects, reject(mraw, m.ID, "created_time", badTime("created_time", m.CreatedTime)))
			continue
		}
		oldestBad = false
		if first == nil || at.Before(firstAt) {
			first, firstAt, firstRaw = &m, at, mraw
		}
		if m.From.ID == "" || m.From.ID == s.account {
			continue
		}
		out.Activities = append(out.Activities, connectors.Activity{
			ExternalID:         m.ID,
			Kind:               connectors.KindMessage,
			IdentityExternalID: m.From.ID,
			OccurredAt:         at,
			Summary:            m.Message,
			Raw:                mraw,
		})
	}
	if !complete || oldestBad || first == nil || first.From.ID == "" || first.From.ID == s.account {
		return
	}
	// The inquiry's id is the first message's id, as the webhook stream
	// names it too: one inquiry whichever stream sees it first.
	out.Activities = append(out.Activities, connectors.Activity{
		ExternalID:         first.ID,
		Kind:               connectors.KindInquiry,
		IdentityExternalID: first.From.ID,
		OccurredAt:         firstAt,
		Summary:            first.Message,
		Raw:                inquiryRaw(cv.ID, firstRaw),
	})
}

// inquiryRaw keeps the conversation's id with its first message.
func inquiryRaw(conversationID string, first json.RawMessage) json.RawMessage {
	b, err := json.Marshal(struct {
		Conversation string          `json:"conversation_id"`
		FirstMessage json.RawMessage `json:"first_message"`
	}{conversationID, first})
	if err != nil {
		return first
	}
	return b
}

func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}
