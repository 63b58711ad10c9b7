package calendly

import (
	"context"
	"encoding/json"
	"errors"
	"iter"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/nayose/nayose/connectors"
)

// location is where rejects of this stream are.
const location = "calendly/bookings"

// bookingsStream sweeps start-time windows of scheduled events, from the
// cursor (less overlap) to now+ahead, and reads every event's invitees.
// Calendly has no updated_at filter, and a booking can be made or canceled
// until it happens, so the part of the sweep after now is read on every
// run; the cursor (the start of the next window still to read) never
// passes now and only moves forward.
type bookingsStream struct {
	c   *client
	log *slog.Logger
	now func() time.Time
}

func (s *bookingsStream) Name() string { return "bookings" }

// windowCursor is the bookings stream's cursor.
type windowCursor struct {
	// Start is the start time from which events still have to be read.
	Start time.Time `json:"start,omitzero"`
}

func (c windowCursor) String() string {
	if c.Start.IsZero() {
		return ""
	}
	b, _ := json.Marshal(c)
	return string(b)
}

func parseCursor(s string, log *slog.Logger) windowCursor {
	var c windowCursor
	if s == "" {
		return c
	}
	if err := json.Unmarshal([]byte(s), &c); err != nil {
		log.Warn("unreadable cursor; reading from the start", "error", err)
		return windowCursor{}
	}
	return c
}

func (s *bookingsStream) Pages(ctx context.Context, cursor string) iter.Seq2[connectors.Page, error] {
	return func(yield func(connectors.Page, error) bool) {
		o := s.c.opts
		now := s.now().UTC()
		end := now.Add(o.Ahead.Std())
		cur := parseCursor(cursor, s.log)
		start := now.Add(-o.From.Std())
		if !cur.Start.IsZero() {
			start = cur.Start.Add(-o.Overlap.Std())
		}
		committed := cur.Start
		org, err := s.c.organization(ctx)
		if err != nil {
			yield(connectors.Page{}, streamErr("bookings", err))
			return
		}
		for w := start; w.Before(end); {
			wEnd := earliest(w.Add(o.Window.Std()), end)
			token := ""
			for {
				res, err := s.c.events(ctx, org, w, wEnd, token)
				if err != nil {
					yield(connectors.Page{}, streamErr("bookings", err))
					return
				}
				var out connectors.Page
				for _, raw := range res.Collection {
					if err := s.readEvent(ctx, raw, &out); err != nil {
						yield(connectors.Page{}, streamErr("bookings", err))
						return
					}
				}
				token = res.next()
				if token == "" {
					committed = later(committed, earliest(wEnd, now))
				} else {
					committed = later(committed, earliest(w, now))
				}
				out.Cursor = windowCursor{Start: committed}.String()
				if !yield(out, nil) {
					return
				}
				if token == "" {
					break
				}
			}
			w = wEnd
		}
	}
}

type cancellation struct {
	CreatedAt string `json:"created_at"`
}

type event struct {
	URI          string        `json:"uri"`
	Name         string        `json:"name"`
	Status       string        `json:"status"`
	StartTime    string        `json:"start_time"`
	Cancellation *cancellation `json:"cancellation"`
}

type qa struct {
	Question string `json:"question"`
	Answer   string `json:"answer"`
}

type invitee struct {
	URI                 string        `json:"uri"`
	Email               string        `json:"email"`
	Name                string        `json:"name"`
	FirstName           *string       `json:"first_name"`
	LastName            *string       `json:"last_name"`
	Status              string        `json:"status"`
	CreatedAt           string        `json:"created_at"`
	UpdatedAt           string        `json:"updated_at"`
	Cancellation        *cancellation `json:"cancellation"`
	QuestionsAndAnswers []qa          `json:"questions_and_answers"`
	TextReminderNumber  *string       `json:"text_reminder_number"`
}

func reject(raw json.RawMessage, uri, field, reason string) connectors.Reject {
	if uri == "" {
		var r struct {
			URI string `json:"uri"`
		}
		_ = json.Unmarshal(raw, &r)
		uri = r.URI
	}
	return connectors.Reject{ExternalID: uri, Location: location, Field: field, Reason: reason, Raw: raw}
}

// decodeError turns a JSON error into the field to blame and a reason.
func decodeError(err error) (field, reason string) {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return te.Field, "expected " + te.Type.String() + ", found a JSON " + te.Value
	}
	return "", err.Error()
}

func parseTime(s string) (time.Time, bool) {
	t, err := time.Parse(time.RFC3339Nano, s)
	return t, err == nil
}

func badTime(field, value string) string {
	return field + " " + strconv.Quote(value) + " is not an RFC 3339 time"
}

// readEvent maps one event and its invitees into out. An event whose
// start_time cannot be read is rejected, but its invitees are still read
// (the people are known; only their bookings' times are not). Only an HTTP
// error is returned.
func (s *bookingsStream) readEvent(ctx context.Context, raw json.RawMessage, out *connectors.Page) error {
	var ev event
	if err := json.Unmarshal(raw, &ev); err != nil {
		f, r := decodeError(err)
		out.Rejects = append(out.Rejects, reject(raw, "", f, r))
		return nil
	}
	if ev.URI == "" {
		out.Rejects = append(out.Rejects, reject(raw, "", "uri", "the event has no uri"))
		return nil
	}
	start, ok := parseTime(ev.StartTime)
	if !ok {
		out.Rejects = append(out.Rejects, reject(raw, ev.URI, "start_time", badTime("start_time", ev.StartTime)))
	}
	invs, err := s.c.invitees(ctx, lastSegment(ev.URI))
	if err != nil {
		return err
	}
	for _, iraw := range invs {
		s.mapInvitee(ev, start, ok, iraw, out)
	}
	return nil
}

func (s *bookingsStream) mapInvitee(ev event, start time.Time, startOK bool, raw json.RawMessage, out *connectors.Page) {
	var inv invitee
	if err := json.Unmarshal(raw, &inv); err != nil {
		f, r := decodeError(err)
		out.Rejects = append(out.Rejects, reject(raw, "", f, r))
		return
	}
	if inv.URI == "" {
		out.Rejects = append(out.Rejects, reject(raw, "", "uri", "the invitee has no uri"))
		return
	}
	created, ok := parseTime(inv.CreatedAt)
	if !ok {
		out.Rejects = append(out.Rejects, reject(raw, inv.URI, "created_at", badTime("created_at", inv.CreatedAt)))
		return
	}
	updated, ok := parseTime(inv.UpdatedAt)
	if !ok {
		out.Rejects = append(out.Rejects, reject(raw, inv.URI, "updated_at", badTime("updated_at", inv.UpdatedAt)))
		return
	}
	id := lastSegment(inv.URI)
	ident := connectors.Identity{
		ExternalID: id,
		FullName:   inv.Name,
		UpdatedAt:  updated,
		Raw:        raw,
	}
	if inv.FirstName != nil {
		ident.GivenName = *inv.FirstName
	}
	if inv.LastName != nil {
		ident.FamilyName = *inv.LastName
	}
	if inv.Email != "" {
		ident.Emails = []string{inv.Email}
	}
	if inv.TextReminderNumber != nil && *inv.TextReminderNumber != "" {
		ident.Phones = []string{*inv.TextReminderNumber}
	}
	out.Identities = append(out.Identities, ident)

	if startOK {
		a := connectors.Activity{
			ExternalID:         id,
			Kind:               connectors.KindBooking,
			IdentityExternalID: id,
			OccurredAt:         start,
			Summary:            ev.Name,
			Raw:                raw,
		}
		if inv.Status == "canceled" || ev.Status == "canceled" {
			a.ExternalID = id + ":canceled"
			a.Kind = connectors.KindBookingCanceled
			a.OccurredAt = canceledAt(start, inv.Cancellation, ev.Cancellation)
		}
		out.Activities = append(out.Activities, a)
	}
	if summary := answers(inv.QuestionsAndAnswers); summary != "" {
		out.Activities = append(out.Activities, connectors.Activity{
			ExternalID:         id + ":answers",
			Kind:               connectors.KindInquiry,
			IdentityExternalID: id,
			OccurredAt:         created,
			Summary:            summary,
			Raw:                raw,
		})
	}
}

// canceledAt is when the booking was canceled: the invitee's cancellation,
// else the event's, else (unknown) the event's start.
func canceledAt(start time.Time, cs ...*cancellation) time.Time {
	for _, c := range cs {
		if c == nil {
			continue
		}
		if t, ok := parseTime(c.CreatedAt); ok {
			return t
		}
	}
	return start
}

// answers joins the booking form's answered questions as "Q: A / Q: A".
func answers(qas []qa) string {
	var parts []string
	for _, x := range qas {
		a := strings.TrimSpace(x.Answer)
		if a == "" {
			continue
		}
		parts = append(parts, strings.TrimSpace(x.Question)+": "+a)
	}
	return strings.Join(parts, " / ")
}

func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

func earliest(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}
