package resolve

import (
	"hash/fnv"
	"slices"
	"strings"

	"github.com/nayose/nayose/mapping"
)

// Key is a blocking key: records that share one are compared, records that
// share none never are. Its top four bits say its kind, the rest are a hash
// of its text. Keys are stable across runs and versions of the same rules,
// so they can be stored.
type Key uint64

// KeyKind is what a blocking key is made of.
type KeyKind uint8

// Kinds of blocking keys. A contact key (email, phone, address) is also a
// value that a person owns: one held by too many records is junk, and is
// neither blocked on nor counted as agreement.
const (
	KeyEmail KeyKind = iota + 1
	KeyPhone
	KeyAddress
	KeyNameBirth   // whole name + month and day of birth
	KeyNamePostal  // whole name + postal code
	KeyFamilyBirth // family name sound + birthday
	KeyGivenBirth  // given name sound + birthday
	KeyPostalBirth // postal code + birthday
	KeyNameSound   // family and given name sounds
	KeyPostal      // postal code alone
	KeyStreet      // the first words of an address
)

// Kind returns the key's kind.
func (k Key) Kind() KeyKind { return KeyKind(k >> 60) }

// Contact reports whether the key is a value one person owns.
func (k KeyKind) Contact() bool { return k == KeyEmail || k == KeyPhone || k == KeyAddress }

func makeKey(kind KeyKind, parts ...string) Key {
	h := fnv.New64a()
	for i, p := range parts {
		if i > 0 {
			h.Write([]byte{0})
		}
		h.Write([]byte(p))
	}
	return Key(uint64(kind)<<60 | h.Sum64()>>4)
}

// appendKeys appends a record's blocking keys to out; a key may appear
// twice (a name whose two readings agree).
func (f *features) appendKeys(out []Key) []Key {
	add := func(kind KeyKind, parts ...string) {
		for _, p := range parts {
			if p == "" {
				return
			}
		}
		out = append(out, makeKey(kind, parts...))
	}
	for _, e := range f.emails {
		add(KeyEmail, e)
	}
	for _, p := range f.phones {
		add(KeyPhone, p.E164)
	}
	add(KeyAddress, f.address)
	if f.address != "" {
		add(KeyStreet, street(f.address))
	}
	md, full := f.birth.monthDay(), ""
	if f.birth.hasYear() {
		full = string(f.birth)
	}
	for _, n := range nameKeys(&f.name) {
		add(KeyNameBirth, n, md)
		add(KeyNamePostal, n, f.postal)
	}
	fam, giv := sounds(&f.name)
	for _, s := range fam {
		add(KeyFamilyBirth, s, full)
		for _, g := range giv {
			add(KeyNameSound, s, g)
		}
	}
	for _, s := range giv {
		add(KeyGivenBirth, s, full)
	}
	add(KeyPostalBirth, f.postal, full)
	add(KeyPostal, f.postal)
	return out
}

// nameKeys lists a name's whole forms that do not depend on its order: the
// readings of its parts sorted, and its script form when not Latin.
func nameKeys(n *mapping.PersonName) []string {
	var out []string
	switch {
	case n.FamilyReading != "" && n.GivenReading != "":
		a, b := n.FamilyReading, n.GivenReading
		if a > b {
			a, b = b, a
		}
		out = append(out, "r"+a+" "+b)
	case n.FullReading != "":
		out = append(out, "r"+n.FullReading)
	}
	if n.Full != "" && !isLatinOnly(n.Full) {
		out = append(out, "s"+n.Full)
	}
	return out
}

// sounds returns keys for how the family and given names sound: for a
// reading, its first letter and its consonants (so most typos keep the
// key); for a kanji name, the name itself. When the order of the name is
// not known, each part counts as either.
func sounds(n *mapping.PersonName) (family, given []string) {
	part := func(script, reading string) []string {
		var out []string
		if reading != "" {
			out = append(out, "r"+skeleton(reading))
		}
		if script != "" && !isLatinOnly(script) {
			out = append(out, "s"+script)
		}
		return out
	}
	family = part(n.Family, n.FamilyReading)
	given = part(n.Given, n.GivenReading)
	if !n.OrderKnown {
		both := slices.Concat(family, given)
		return both, both
	}
	return family, given
}

// skeleton is a reading's first letter and then its consonants, runs
// collapsed, at most five letters.
func skeleton(s string) string {
	s = strings.ReplaceAll(s, " ", "")
	if s == "" {
		return ""
	}
	b := make([]byte, 0, 5)
	b = append(b, s[0])
	for i := 1; i < len(s) && len(b) < 5; i++ {
		c := s[i]
		switch c {
		case 'a', 'e', 'i', 'o', 'u', 'y', 'h', 'w':
			continue
		}
		if c != b[len(b)-1] {
			b = append(b, c)
		}
	}
	return string(b)
}

// street is the start of an address: enough to tell a street or a town
// block, short enough that a typo later in the address keeps the key.
func street(address string) string {
	if isLatinOnly(address) {
		fields := strings.Fields(address)
		return strings.Join(fields[:min(2, len(fields))], " ")
	}
	n := 0
	for i := range address {
		if n == 6 {
			return address[:i]
		}
		n++
	}
	return address
}
