package square

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
	"github.com/nayose/nayose/mapping"
)

// customersStream reads POST /v2/customers/search filtered on updated_at.
// Square cannot sort customers by updated_at, so one sweep's pages come in
// name order: the cursor's since moves to the highest updated_at seen only
// on the sweep's last page; intermediate pages carry a cursor that resumes
// the same sweep (the same query and Square's page cursor).
type customersStream struct {
	c   *client
	log *slog.Logger
}

func (s *customersStream) Name() string { return "customers" }

// sweepCursor is the customers stream's cursor.
type sweepCursor struct {
	// Since is the highest updated_at of the last complete sweep.
	Since time.Time `json:"since,omitzero"`
	// Start, Page and High resume an unfinished sweep: its start_at as
	// sent, Square's cursor, and the highest updated_at seen so far.
	Start string    `json:"start,omitempty"`
	Page  string    `json:"page_cursor,omitempty"`
	High  time.Time `json:"high,omitzero"`
}

func (c sweepCursor) String() string { return cursorString(c) }

// cursorString writes a stream's cursor as JSON.
func cursorString(c any) string {
	b, _ := json.Marshal(c)
	return string(b)
}

// parseCursor reads a stream's JSON cursor; an empty or unreadable one
// (logged) is the zero cursor, which reads from the start.
func parseCursor[C any](s string, log *slog.Logger) C {
	var c C
	if s == "" {
		return c
	}
	if err := json.Unmarshal([]byte(s), &c); err != nil {
		log.Warn("unreadable cursor; reading from the start", "error", err)
		var zero C
		return zero
	}
	return c
}

// windowStart is where an incremental window starts: overlap before since.
func (c *client) windowStart(since time.Time) time.Time {
	if since.IsZero() {
		return epoch
	}
	return later(epoch, since.Add(-c.opts.Overlap.Std()))
}

func (s *customersStream) Pages(ctx context.Context, cursor string) iter.Seq2[connectors.Page, error] {
	return func(yield func(connectors.Page, error) bool) {
		cur := parseCursor[sweepCursor](cursor, s.log)
		start, page, high := cur.Start, cur.Page, cur.High
		if start == "" || page == "" {
			start, page, high = stamp(s.c.windowStart(cur.Since)), "", cur.Since
		}
		for {
			res, err := s.c.searchCustomers(ctx, start, page)
			if err != nil {
				yield(connectors.Page{}, streamErr("customers", err))
				return
			}
			var out connectors.Page
			for _, raw := range res.Customers {
				id, rej := decodeCustomer(raw)
				if rej != nil {
					out.Rejects = append(out.Rejects, *rej)
					continue
				}
				high = later(high, id.UpdatedAt)
				out.Identities = append(out.Identities, id)
			}
			if res.Cursor != "" {
				out.Cursor = sweepCursor{Since: cur.Since, Start: start, Page: res.Cursor, High: high}.String()
			} else {
				out.Cursor = sweepCursor{Since: high}.String()
			}
			if !yield(out, nil) || res.Cursor == "" {
				return
			}
			page = res.Cursor
		}
	}
}

type squareAddress struct {
	AddressLine1 string `json:"address_line_1"`
	AddressLine2 string `json:"address_line_2"`
	Locality     string `json:"locality"`
	Admin1       string `json:"administrative_district_level_1"`
	PostalCode   string `json:"postal_code"`
	Country      string `json:"country"`
}

type squareCustomer struct {
	ID           string         `json:"id"`
	UpdatedAt    string         `json:"updated_at"`
	GivenName    string         `json:"given_name"`
	FamilyName   string         `json:"family_name"`
	CompanyName  string         `json:"company_name"`
	EmailAddress string         `json:"email_address"`
	PhoneNumber  string         `json:"phone_number"`
	Birthday     string         `json:"birthday"`
	Address      *squareAddress `json:"address"`
	Preferences  *struct {
		EmailUnsubscribed bool `json:"email_unsubscribed"`
	} `json:"preferences"`
}

func reject(stream string, raw json.RawMessage, id, field, reason string) *connectors.Reject {
	if id == "" {
		id = rejectID(raw)
	}
	return &connectors.Reject{ExternalID: id, Location: "square/" + stream, Field: field, Reason: reason, Raw: raw}
}

// decodeError turns a JSON error into the field to blame and a reason.
func decodeError(err error) (field, reason string) {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return te.Field, "expected " + te.Type.String() + ", found a JSON " + te.Value
	}
	return "", err.Error()
}

func decodeCustomer(raw json.RawMessage) (connectors.Identity, *connectors.Reject) {
	var c squareCustomer
	if err := json.Unmarshal(raw, &c); err != nil {
		f, r := decodeError(err)
		return connectors.Identity{}, reject("customers", raw, "", f, r)
	}
	if c.ID == "" {
		return connectors.Identity{}, reject("customers", raw, "", "id", "the customer has no id")
	}
	updated, err := time.Parse(time.RFC3339Nano, c.UpdatedAt)
	if err != nil {
		return connectors.Identity{}, reject("customers", raw, c.ID, "updated_at", "updated_at "+strconv.Quote(c.UpdatedAt)+" is not an RFC 3339 time")
	}
	id := connectors.Identity{
		ExternalID: c.ID,
		GivenName:  c.GivenName,
		FamilyName: c.FamilyName,
		Company:    c.CompanyName,
		UpdatedAt:  updated,
		Raw:        raw,
	}
	if c.EmailAddress != "" {
		id.Emails = []string{c.EmailAddress}
	}
	if c.PhoneNumber != "" {
		id.Phones = []string{c.PhoneNumber}
	}
	if c.Birthday != "" {
		d, ok := parseBirthday(c.Birthday)
		if !ok {
			return connectors.Identity{}, reject("customers", raw, c.ID, "birthday", "birthday "+strconv.Quote(c.Birthday)+" is not YYYY-MM-DD or 0000-MM-DD")
		}
		id.Birthday = d
	}
	if a := c.Address; a != nil {
		id.PostalCode = a.PostalCode
		id.Address = formatAddress(a)
	}
	if p := c.Preferences; p != nil {
		consent := !p.EmailUnsubscribed
		id.MarketingConsent = &consent
	}
	return id, nil
}

// parseBirthday reads Square's "1985-04-12", or "0000-04-12" when the year
// is unknown (Year 0).
func parseBirthday(s string) (mapping.Date, bool) {
	t, err := time.Parse("2006-01-02", s)
	if err == nil {
		return mapping.Date{Year: t.Year(), Month: t.Month(), Day: t.Day()}, true
	}
	if rest, ok := strings.CutPrefix(s, "0000-"); ok {
		// A leap year, so that 0000-02-29 reads.
		if t, err := time.Parse("2006-01-02", "2000-"+rest); err == nil {
			return mapping.Date{Month: t.Month(), Day: t.Day()}, true
		}
	}
	return mapping.Date{}, false
}

// formatAddress writes a Japanese address prefecture first (東京都渋谷区神南1-2-3),
// any other as line, locality, region.
func formatAddress(a *squareAddress) string {
	if strings.EqualFold(a.Country, "JP") {
		out := a.Admin1 + a.Locality + a.AddressLine1
		if l2 := strings.TrimSpace(a.AddressLine2); l2 != "" {
			out += " " + l2
		}
		return strings.TrimSpace(out)
	}
	return joinNonEmpty(", ", a.AddressLine1, a.AddressLine2, a.Locality, a.Admin1)
}

func joinNonEmpty(sep string, parts ...string) string {
	var out []string
	for _, p := range parts {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, sep)
}
