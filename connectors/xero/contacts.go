package xero

import (
	"encoding/json"
	"maps"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/nayose/nayose/connectors"
)

// mergeMap is what the contacts stream learnt about merged contacts: a
// merged-away ContactID -> the ContactID it was merged into. The sales
// streams read it to give a merged-away contact's sales to the survivor.
// It is saved in the contacts cursor, so it outlives the process.
type mergeMap struct {
	mu sync.Mutex
	m  map[string]string
}

func (mm *mergeMap) load(m map[string]string) {
	mm.mu.Lock()
	defer mm.mu.Unlock()
	mm.m = maps.Clone(m)
}

func (mm *mergeMap) add(from, into string) {
	mm.mu.Lock()
	defer mm.mu.Unlock()
	if mm.m == nil {
		mm.m = map[string]string{}
	}
	mm.m[from] = into
	delete(mm.m, into) // a contact merged into is no longer merged away (Xero cannot, but keep the map acyclic)
}

func (mm *mergeMap) snapshot() map[string]string {
	mm.mu.Lock()
	defer mm.mu.Unlock()
	return maps.Clone(mm.m)
}

// resolve follows merges from id to the contact that survives them.
func (mm *mergeMap) resolve(id string) string {
	mm.mu.Lock()
	defer mm.mu.Unlock()
	for range 16 { // a chain of merges; bounded against a cycle
		into, ok := mm.m[id]
		if !ok {
			return id
		}
		id = into
	}
	return id
}

// xeroContact is the part of a Xero contact the connector maps.
type xeroContact struct {
	ContactID         string
	ContactStatus     string
	Name              string
	FirstName         string
	LastName          string
	EmailAddress      string
	IsCustomer        bool
	MergedToContactID string
	UpdatedDateUTC    string
	Phones            []struct {
		PhoneType        string
		PhoneNumber      string
		PhoneAreaCode    string
		PhoneCountryCode string
	}
	Addresses []xeroAddress
}

type xeroAddress struct {
	AddressType                                            string
	AddressLine1, AddressLine2, AddressLine3, AddressLine4 string
	City, Region, PostalCode, Country                      string
}

func contactsSpec(merges *mergeMap) listSpec {
	return listSpec{
		path: "/Contacts",
		key:  "Contacts",
		// Archived contacts too: merged-away ones are archived, and an
		// archived customer still bought what they bought.
		query: url.Values{"includeArchived": {"true"}},
		start: func(c *cursor) { merges.load(c.Merged) },
		decode: func(raw json.RawMessage, page *connectors.Page) time.Time {
			return decodeContact(raw, page, merges)
		},
		finish: func(c *cursor) { c.Merged = merges.snapshot() },
	}
}

// decodeContact maps one contact. Only customers (IsCustomer) are people
// nayose wants; a merged-away contact is not a person of its own: its
// merge is remembered and it yields no identity.
func decodeContact(raw json.RawMessage, page *connectors.Page, merges *mergeMap) time.Time {
	var c xeroContact
	if err := json.Unmarshal(raw, &c); err != nil {
		page.Rejects = append(page.Rejects, reject("/Contacts", raw, idOf(raw, "ContactID"), "", "the contact does not read as Xero's Contact: "+err.Error()))
		return time.Time{}
	}
	if c.ContactID == "" {
		page.Rejects = append(page.Rejects, reject("/Contacts", raw, "", "ContactID", "the contact has no ContactID"))
		return time.Time{}
	}
	updated, err := parseTime(c.UpdatedDateUTC)
	if err != nil {
		page.Rejects = append(page.Rejects, reject("/Contacts", raw, c.ContactID, "UpdatedDateUTC", "UpdatedDateUTC: "+err.Error()))
		return time.Time{}
	}
	if c.MergedToContactID != "" && c.MergedToContactID != c.ContactID {
		merges.add(c.ContactID, c.MergedToContactID)
		return updated
	}
	if !c.IsCustomer {
		return updated
	}
	id := connectors.Identity{
		ExternalID: c.ContactID,
		GivenName:  strings.TrimSpace(c.FirstName),
		FamilyName: strings.TrimSpace(c.LastName),
		UpdatedAt:  updated.UTC(),
		Raw:        raw,
	}
	id.FullName, id.Company = splitName(strings.TrimSpace(c.Name), id.GivenName, id.FamilyName)
	if e := strings.TrimSpace(c.EmailAddress); e != "" {
		id.Emails = []string{e}
	}
	for _, p := range c.Phones {
		if p.PhoneType == "FAX" {
			continue
		}
		if n := composePhone(p.PhoneCountryCode, p.PhoneAreaCode, p.PhoneNumber); n != "" {
			id.Phones = append(id.Phones, n)
		}
	}
	if a, ok := pickAddress(c.Addresses); ok {
		id.PostalCode = strings.TrimSpace(a.PostalCode)
		id.Address = composeAddress(a)
	}
	page.Identities = append(page.Identities, id)
	return updated
}

// composePhone joins Xero's split phone: "+64 21 5550001" from country
// code 64, area code 21 and number 5550001; without a country code the
// number stays national ("(626) 847-1294"). No number, no phone.
func composePhone(country, area, number string) string {
	country = strings.TrimLeft(strings.TrimSpace(country), "+")
	area, number = strings.TrimSpace(area), strings.TrimSpace(number)
	if number == "" {
		return ""
	}
	var parts []string
	if country != "" {
		parts = append(parts, "+"+country)
		// Behind a country code a trunk 0 is not dialled: "+81 (0)3" reads +81 3.
		area = strings.TrimPrefix(area, "0")
	}
	if area != "" {
		parts = append(parts, area)
	}
	return strings.Join(append(parts, number), " ")
}

// pickAddress prefers the street address, then the postal one, skipping
// empty ones (Xero lists both types, often blank).
func pickAddress(as []xeroAddress) (xeroAddress, bool) {
	for _, typ := range []string{"STREET", "POBOX", ""} {
		for _, a := range as {
			if (typ == "" || a.AddressType == typ) && composeAddress(a) != "" {
				return a, true
			}
		}
	}
	return xeroAddress{}, false
}

// composeAddress writes an address on one line: the lines, city, region
// and country, comma-separated, the postal code apart (Identity has its
// own field). Japanese addresses are written largest first, without
// commas: 東京都渋谷区神南1-2-3.
func composeAddress(a xeroAddress) string {
	var parts []string
	add := func(ss ...string) {
		for _, s := range ss {
			if s = strings.TrimSpace(s); s != "" {
				parts = append(parts, s)
			}
		}
	}
	switch strings.ToLower(strings.TrimSpace(a.Country)) {
	case "japan", "jp", "日本":
		add(a.Region, a.City, a.AddressLine1, a.AddressLine2, a.AddressLine3, a.AddressLine4)
		return strings.Join(parts, "")
	}
	add(a.AddressLine1, a.AddressLine2, a.AddressLine3, a.AddressLine4, a.City, a.Region, a.Country)
	return strings.Join(parts, ", ")
}

// splitName reads Xero's Name, which is a person's or an organisation's
// display name. Without FirstName and LastName it is the full name. With
// them, a Name made of them is the same person (the parts win); any other
// Name is the organisation the person stands for.
func splitName(name, given, family string) (full, company string) {
	if given == "" && family == "" {
		return name, ""
	}
	rest := name
	for _, p := range []string{given, family} {
		rest = strings.Replace(rest, p, "", 1)
	}
	if strings.Trim(rest, " ,\u3000") == "" {
		return "", ""
	}
	return "", name
}
