package engine

import (
	"encoding/json"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/nayose/nayose/connectors"
	"github.com/nayose/nayose/mapping"
	"github.com/nayose/nayose/store"
)

// checkIdentities drops identities the engine cannot store, as rejects, and
// keeps the last of several with one external id.
// prepared, when it has a row for each identity, holds their stored forms
// as prepareIdentity made them while the page was fetched.
func (w *pageWriter) checkIdentities(in []connectors.Identity, prepared []store.Identity) []pageIdentity {
	out := make([]pageIdentity, 0, len(in))
	pos := make(map[string]int, len(in))
	for i, id := range in {
		if reason := badExternalID(id.ExternalID); reason != "" {
			w.reject(id.ExternalID, "external_id", reason, id.Raw)
			continue
		}
		p := pageIdentity{Identity: id}
		if len(prepared) == len(in) {
			p.row = &prepared[i]
		}
		if j, dup := pos[id.ExternalID]; dup {
			out[j] = p
			continue
		}
		pos[id.ExternalID] = len(out)
		out = append(out, p)
	}
	return out
}

// checkActivities drops activities the engine cannot store, as rejects, and
// keeps the last of several with one kind and external id.
func (w *pageWriter) checkActivities(in []connectors.Activity) []connectors.Activity {
	out := make([]connectors.Activity, 0, len(in))
	pos := make(map[string]int, len(in))
	for _, a := range in {
		reason, field := "", ""
		switch {
		case badExternalID(a.ExternalID) != "":
			reason, field = badExternalID(a.ExternalID), "external_id"
		case a.Kind == "" || len(a.Kind) > 32:
			reason, field = fmt.Sprintf("activity kind %q is empty or too long", a.Kind), "kind"
		case a.OccurredAt.IsZero():
			reason, field = "activity has no time", "occurred_at"
		case a.Amount != nil && len(a.Currency) != 3:
			reason, field = fmt.Sprintf("amount without a three-letter currency (got %q)", a.Currency), "currency"
		case a.IdentityExternalID != "" && badExternalID(a.IdentityExternalID) != "":
			reason, field = "identity id: "+badExternalID(a.IdentityExternalID), "identity"
		}
		if reason != "" {
			w.reject(a.ExternalID, field, reason, a.Raw)
			continue
		}
		key := string(a.Kind) + "\x00" + a.ExternalID
		if i, dup := pos[key]; dup {
			out[i] = a
			continue
		}
		pos[key] = len(out)
		out = append(out, a)
	}
	return out
}

func badExternalID(id string) string {
	switch {
	case id == "":
		return "record has no id"
	case len(id) > 191:
		return fmt.Sprintf("id is %d bytes long; at most 191 are kept", len(id))
	case !utf8.ValidString(id):
		return "id is not valid UTF-8"
	}
	return ""
}

func (w *pageWriter) reject(externalID, field, reason string, raw json.RawMessage) {
	w.rejects = append(w.rejects, connectors.Reject{
		ExternalID: clip(externalID, 191),
		Location:   w.src.name + "/" + w.src.stream,
		Field:      field,
		Reason:     reason,
		Raw:        raw,
	})
}

// identityRow turns a page's identity into its stored form, first and
// last seen now.
func (w *pageWriter) identityRow(id pageIdentity) store.Identity {
	var row store.Identity
	if id.row != nil {
		row = *id.row
	} else {
		row = prepareIdentity(w.src, w.e.region, id.Identity)
	}
	row.FirstSeenAt, row.LastSeenAt = w.now, w.now
	return row
}

// prepareIdentities returns the stored forms of a page's identities. The
// engine calls it while pages are fetched: normalizing is a real share of
// the work, and off the committing goroutine it overlaps the database's.
func prepareIdentities(src sourceInfo, region string, ids []connectors.Identity) []store.Identity {
	if len(ids) == 0 {
		return nil
	}
	out := make([]store.Identity, len(ids))
	for i, id := range ids {
		out[i] = prepareIdentity(src, region, id)
	}
	return out
}

// prepareIdentity turns a connector's identity into its stored form, with
// the normalized keys linking compares; the times it was seen are left to
// the transaction that stores it.
func prepareIdentity(src sourceInfo, region string, id connectors.Identity) store.Identity {
	row := store.Identity{
		Source:           src.name,
		SourceType:       src.typ,
		ExternalID:       id.ExternalID,
		FullName:         clip(mapping.Fold(id.FullName), 255),
		FamilyName:       clip(mapping.Fold(id.FamilyName), 255),
		GivenName:        clip(mapping.Fold(id.GivenName), 255),
		NameKana:         clip(mapping.Fold(id.NameKana), 255),
		Emails:           jsonList(id.Emails),
		Phones:           jsonList(id.Phones),
		Birthday:         id.Birthday.String(),
		PostalCode:       clip(mapping.Fold(id.PostalCode), 16),
		Address:          clip(mapping.Fold(id.Address), 512),
		Company:          clip(mapping.Fold(id.Company), 255),
		MarketingConsent: id.MarketingConsent,
		Raw:              rawJSON(id.Raw),
	}
	for _, e := range id.Emails {
		if k := mapping.EmailKey(e); k != "" && len(k) <= 320 {
			row.Email, row.EmailKey = clip(strings.TrimSpace(e), 320), k
			break
		}
	}
	if row.Email == "" && len(id.Emails) > 0 {
		row.Email = clip(strings.TrimSpace(id.Emails[0]), 320)
	}
	for _, p := range id.Phones {
		if k := mapping.PhoneKey(p, region); k != "" {
			row.Phone, row.PhoneKey = clip(strings.TrimSpace(p), 64), k
			break
		}
	}
	if row.Phone == "" && len(id.Phones) > 0 {
		row.Phone = clip(strings.TrimSpace(id.Phones[0]), 64)
	}
	row.NameKey = clip(mapping.NameKey(mapping.DisplayName(id.FullName, id.FamilyName, id.GivenName)), 255)
	if !id.UpdatedAt.IsZero() {
		t := id.UpdatedAt.UTC()
		row.SourceUpdatedAt = &t
	}
	return row
}

func (w *pageWriter) activityRow(a connectors.Activity) store.Activity {
	row := store.Activity{
		Source:     w.src.name,
		SourceType: w.src.typ,
		ExternalID: a.ExternalID,
		Kind:       string(a.Kind),
		OccurredAt: a.OccurredAt.UTC(),
		Amount:     a.Amount,
		Summary:    clip(strings.TrimSpace(a.Summary), 1024),
		Raw:        rawJSON(a.Raw),
	}
	if a.Amount != nil {
		row.Currency = strings.ToUpper(a.Currency)
	}
	return row
}

// clip cuts s to at most n bytes without splitting a character, so a long
// value from a source never fails a whole page on a column's size.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

func jsonList(vs []string) string {
	var keep []string
	for _, v := range vs {
		if v = strings.TrimSpace(v); v != "" {
			keep = append(keep, v)
		}
	}
	if len(keep) == 0 {
		return "[]"
	}
	b, _ := json.Marshal(keep)
	return string(b)
}

// rawJSON returns a record's raw form as stored: {} when it has none.
// Pages come through prefetch, whose dropInvalidRaw dropped any that is
// not JSON.
func rawJSON(raw json.RawMessage) string {
	if len(raw) == 0 {
		return "{}"
	}
	return string(raw)
}
