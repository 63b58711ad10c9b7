package resolve

import (
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/nayose/nayose/mapping"
)

// Record is one source record as it arrives: text as the source wrote it.
// The resolver normalizes it.
type Record struct {
	// Key identifies the record, unique and stable across runs (for a
	// stored identity, its source and external id). Ties between equally
	// strong matches are broken on it, so results never depend on input
	// order.
	Key        string
	Source     string
	FullName   string
	FamilyName string
	GivenName  string
	NameKana   string
	Emails     []string
	Phones     []string
	Birthday   string
	PostalCode string
	Address    string
	Company    string
}

// features is a record in comparable form.
type features struct {
	name    mapping.PersonName
	emails  []string // email keys, junk left out
	phones  []mapping.Phone
	birth   birthday
	postal  string
	address string
	// commonName is set when the name's sound key is held by more
	// records than a block may hold: the name alone tells little.
	commonName bool
}

// birthday is a date as eight digits YYYYMMDD, or four MMDD when the year is
// unknown. A date that is not on the calendar but is eight digits (a typo
// in an export) is kept as its digits, so a near miss can still be seen.
type birthday string

func (b birthday) hasYear() bool { return len(b) == 8 }

func (b birthday) monthDay() string {
	if len(b) == 8 {
		return string(b[4:])
	}
	return string(b)
}

func prepare(r *Record, region string) features {
	f := features{
		name:    mapping.ParseName(r.FullName, r.FamilyName, r.GivenName, r.NameKana),
		postal:  mapping.PostalKey(r.PostalCode),
		address: mapping.AddressKey(r.Address),
		birth:   parseBirthday(r.Birthday),
	}
	for _, e := range r.Emails {
		if k := mapping.EmailKey(e); k != "" && !mapping.IsJunkEmail(k) && !slices.Contains(f.emails, k) {
			f.emails = append(f.emails, k)
		}
	}
	for _, s := range r.Phones {
		if p, ok := mapping.ParsePhone(s, region); ok && !mapping.IsJunkPhone(p.E164) && !slices.ContainsFunc(f.phones, func(q mapping.Phone) bool { return q.E164 == p.E164 }) {
			f.phones = append(f.phones, p)
		}
	}
	slices.Sort(f.emails)
	slices.SortFunc(f.phones, func(a, b mapping.Phone) int { return strings.Compare(a.E164, b.E164) })
	return f
}

func parseBirthday(s string) birthday {
	s = strings.TrimSpace(s)
	if s == "" {
		return ""
	}
	if d, err := mapping.ParseDate(s); err == nil {
		ds := d.String() // "1985-04-12" or "--04-12"
		return birthday(strings.ReplaceAll(strings.TrimPrefix(ds, "--"), "-", ""))
	}
	digits := mapping.Fold(s)
	if len(digits) == 8 && strings.Trim(digits, "0123456789") == "" {
		return birthday(digits)
	}
	return ""
}

// bigrams appends the distinct pairs of adjacent runes in s, each packed
// in a uint64, sorted, to buf.
func bigrams(s string, buf []uint64) []uint64 {
	if utf8.RuneCountInString(s) < 2 {
		return buf
	}
	var prev rune = -1
	for _, r := range s {
		if prev >= 0 {
			buf = append(buf, uint64(prev)<<32|uint64(r))
		}
		prev = r
	}
	slices.Sort(buf)
	return slices.Compact(buf)
}
