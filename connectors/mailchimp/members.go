package mailchimp

import (
	"context"
	"encoding/json"
	"iter"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/nayose/nayose/connectors"
	"github.com/nayose/nayose/mapping"
)

// membersStream reads GET /lists/{list_id}/members filtered on
// since_last_changed, by offset. One sweep's window stays fixed while its
// pages are read; its cursor moves since to the highest last_changed seen
// only when the sweep ends.
type membersStream struct {
	c   *client
	log *slog.Logger
}

func (s *membersStream) Name() string { return "members" }

// membersCursor is the members stream's cursor.
type membersCursor struct {
	// Since is the highest last_changed of the last complete sweep.
	Since time.Time `json:"since,omitzero"`
	// Offset and High resume an unfinished sweep: the next offset and the
	// highest last_changed seen so far.
	Offset int       `json:"offset,omitempty"`
	High   time.Time `json:"high,omitzero"`
}

func (s *membersStream) Pages(ctx context.Context, cursor string) iter.Seq2[connectors.Page, error] {
	return func(yield func(connectors.Page, error) bool) {
		cur := parseCursor[membersCursor](cursor, s.log)
		start := s.c.windowStart(cur.Since)
		offset, high := cur.Offset, later(cur.High, cur.Since)
		for {
			res, err := s.c.members(ctx, start, offset)
			if err != nil {
				yield(connectors.Page{}, streamErr("members", err))
				return
			}
			var out connectors.Page
			for _, raw := range res.Members {
				id, acts, rej := decodeMember(raw)
				if rej != nil {
					out.Rejects = append(out.Rejects, *rej)
					continue
				}
				high = later(high, id.UpdatedAt)
				out.Identities = append(out.Identities, id)
				out.Activities = append(out.Activities, acts...)
			}
			offset += len(res.Members)
			done := len(res.Members) < s.c.opts.PageSize || offset >= res.TotalItems
			if done {
				out.Cursor = marshal(membersCursor{Since: high})
			} else {
				out.Cursor = marshal(membersCursor{Since: cur.Since, Offset: offset, High: high})
			}
			if !yield(out, nil) || done {
				return
			}
		}
	}
}

type mcAddress struct {
	Addr1   string `json:"addr1"`
	Addr2   string `json:"addr2"`
	City    string `json:"city"`
	State   string `json:"state"`
	Zip     string `json:"zip"`
	Country string `json:"country"`
}

type mcMember struct {
	ID           string `json:"id"`
	EmailAddress string `json:"email_address"`
	FullName     string `json:"full_name"`
	Status       string `json:"status"`
	MergeFields  struct {
		FNAME    string          `json:"FNAME"`
		LNAME    string          `json:"LNAME"`
		PHONE    string          `json:"PHONE"`
		ADDRESS  json.RawMessage `json:"ADDRESS"`
		BIRTHDAY string          `json:"BIRTHDAY"`
	} `json:"merge_fields"`
	TimestampOpt string `json:"timestamp_opt"`
	LastChanged  string `json:"last_changed"`
}

func reject(raw json.RawMessage, id, field, reason string) *connectors.Reject {
	if id == "" {
		var r struct {
			ID string `json:"id"`
		}
		_ = json.Unmarshal(raw, &r)
		id = r.ID
	}
	return &connectors.Reject{ExternalID: id, Location: "mailchimp/members", Field: field, Reason: reason, Raw: raw}
}

func decodeMember(raw json.RawMessage) (connectors.Identity, []connectors.Activity, *connectors.Reject) {
	var m mcMember
	if err := json.Unmarshal(raw, &m); err != nil {
		f, r := decodeError(err)
		return connectors.Identity{}, nil, reject(raw, "", f, r)
	}
	if m.ID == "" && m.EmailAddress != "" {
		m.ID = subscriberHash(m.EmailAddress)
	}
	if m.ID == "" {
		return connectors.Identity{}, nil, reject(raw, "", "id", "the member has no id or email_address")
	}
	changed, err := parseTime(m.LastChanged)
	if err != nil {
		return connectors.Identity{}, nil, reject(raw, m.ID, "last_changed", "last_changed "+strconv.Quote(m.LastChanged)+" is not an RFC 3339 time")
	}
	mf := m.MergeFields
	id := connectors.Identity{
		ExternalID: m.ID,
		GivenName:  strings.TrimSpace(mf.FNAME),
		FamilyName: strings.TrimSpace(mf.LNAME),
		UpdatedAt:  changed,
		Raw:        raw,
	}
	if id.GivenName == "" && id.FamilyName == "" {
		id.FullName = strings.TrimSpace(m.FullName)
	}
	if m.EmailAddress != "" {
		id.Emails = []string{m.EmailAddress}
	}
	if p := strings.TrimSpace(mf.PHONE); p != "" {
		id.Phones = []string{p}
	}
	if len(mf.ADDRESS) > 0 && mf.ADDRESS[0] == '{' {
		var a mcAddress
		if err := json.Unmarshal(mf.ADDRESS, &a); err != nil {
			f, r := decodeError(err)
			return connectors.Identity{}, nil, reject(raw, m.ID, "merge_fields.ADDRESS."+f, r)
		}
		id.PostalCode = strings.TrimSpace(a.Zip)
		id.Address = formatAddress(&a)
	}
	if b := strings.TrimSpace(mf.BIRTHDAY); b != "" {
		d, ok := parseBirthday(b)
		if !ok {
			return connectors.Identity{}, nil, reject(raw, m.ID, "merge_fields.BIRTHDAY", "BIRTHDAY "+strconv.Quote(b)+" is not MM/DD")
		}
		id.Birthday = d
	}
	switch m.Status {
	case "subscribed":
		id.MarketingConsent = ptr(true)
	case "unsubscribed", "cleaned":
		id.MarketingConsent = ptr(false)
	}
	var acts []connectors.Activity
	var kind connectors.ActivityKind
	switch m.Status {
	case "subscribed":
		kind = connectors.KindSubscribe
	case "unsubscribed":
		kind = connectors.KindUnsubscribe
	}
	if kind != "" {
		at := changed
		if t, err := parseTime(m.TimestampOpt); err == nil && m.TimestampOpt != "" {
			at = t
		}
		acts = append(acts, connectors.Activity{
			ExternalID:         m.ID + ":" + m.Status + ":" + stamp(at),
			Kind:               kind,
			IdentityExternalID: m.ID,
			OccurredAt:         at,
			Raw:                raw,
		})
	}
	return id, acts, nil
}

func ptr[T any](v T) *T { return &v }

// parseBirthday reads Mailchimp's "MM/DD" birthday; the year is unknown.
func parseBirthday(s string) (mapping.Date, bool) {
	// A leap year, so that 02/29 reads.
	t, err := time.Parse("2006/01/02", "2000/"+s)
	if err != nil {
		return mapping.Date{}, false
	}
	return mapping.Date{Month: t.Month(), Day: t.Day()}, true
}

// formatAddress writes a Japanese address prefecture first (東京都渋谷区神南1-2-3),
// any other as line, city, state.
func formatAddress(a *mcAddress) string {
	if strings.EqualFold(a.Country, "JP") {
		out := strings.TrimSpace(a.State) + strings.TrimSpace(a.City) + strings.TrimSpace(a.Addr1)
		if l2 := strings.TrimSpace(a.Addr2); l2 != "" {
			out += " " + l2
		}
		return strings.TrimSpace(out)
	}
	var parts []string
	for _, p := range []string{a.Addr1, a.Addr2, a.City, a.State} {
		if p = strings.TrimSpace(p); p != "" {
			parts = append(parts, p)
		}
	}
	return strings.Join(parts, ", ")
}
