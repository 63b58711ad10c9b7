package resolve

import (
	"strings"
	"unicode/utf8"

	"github.com/nayose/nayose/mapping"
)

// Similarity cut-offs for names (Jaro–Winkler) and addresses (Dice over
// character bigrams).
const (
	nameClose      = 0.92
	namePartial    = 0.80
	addressClose   = 0.85
	addressPartial = 0.60
)

// comparison is what comparing two records found.
type comparison struct {
	levels pattern
	// conflict says why the two cannot be one person whatever else
	// agrees, or is noConflict.
	conflict conflict
}

// conflict is a reason a pair is kept apart whatever its score.
type conflict uint8

var conflictNames = [...]string{
	noConflict:        "",
	conflictGivenName: "given names differ",
	conflictBirthday:  "given names and birthdays differ",
	conflictNever:     "marked never-match",
	conflictHousehold: "given names differ on a shared phone or email",
}

func (c conflict) String() string { return conflictNames[c] }

// Reasons a pair is kept apart whatever its score.
const (
	noConflict conflict = iota
	conflictGivenName
	conflictBirthday
	conflictNever
	conflictHousehold
)

func compare(a, b *features) comparison {
	var c comparison
	fam, giv, givenClash := compareNames(&a.name, &b.name)
	c.levels.set(FamilyName, fam)
	c.levels.set(GivenName, giv)
	bl := compareBirthdays(a.birth, b.birth)
	c.levels.set(Birthday, bl)
	c.levels.set(Email, compareEmails(a.emails, b.emails))
	c.levels.set(Phone, comparePhones(a.phones, b.phones))
	// An address holds its postal code's town: when both addresses are
	// known the postal code adds nothing but a second count of the same
	// evidence, so it is compared only when an address is missing.
	if al := compareAddresses(a, b); al != Missing {
		c.levels.set(Address, al)
	} else {
		c.levels.set(PostalCode, comparePostal(a.postal, b.postal))
	}
	c.conflict = household(&c, fam, givenClash, bl)
	return c
}

// reviewable reports whether a pair kept apart is worth a person's look:
// it agrees on more than a name.
func reviewable(p pattern) bool {
	return identifying(p, false) || p.level(PostalCode) == Exact || p.level(Address) == Partial ||
		p.level(Phone) == Partial || p.level(Birthday) == Close
}

// identifying reports whether a comparison shows agreement on something
// that identifies one person rather than a name, a town or a household: an
// email, a mobile phone or a full birthday; or, with the same given name,
// a shared landline, a shared address or the same birthday without its
// year. When the family names differ, only an email, a mobile number or
// an address will do; when both records bear a name common in the list
// (commonName), only an email, a mobile number or a full birthday. Without one, no score merges two records on its own: the same name
// in the same postal code is how namesakes look, and the same family name,
// landline and address how a household does.
func identifying(p pattern, commonName bool) bool {
	contact := p.level(Email) == Exact || p.level(Phone) == Exact
	if p.level(FamilyName) == Differ {
		// A new family name (marriage) with the same given name and
		// birthday is also how strangers look in a large list: only a
		// shared email, mobile number or address says it is one person.
		return contact || p.level(Address) == Exact || p.level(Address) == Close
	}
	if commonName {
		// Many people in the list have this name: the same name with the
		// same month and day of birth, or the same town block, is how
		// strangers look. It takes a contact or a full birthday.
		return contact || p.level(Birthday) == Exact
	}
	sameGiven := p.level(GivenName) == Exact || p.level(GivenName) == Close
	return contact || p.level(Birthday) == Exact ||
		(sameGiven && (p.level(Phone) == Partial || p.level(Birthday) == Close ||
			p.level(Address) == Exact || p.level(Address) == Close))
}

// household says why two records that agree on some things are still two
// people, or "". Given names that clearly differ mean two people unless the
// full birthdays agree (a data-entry slip in the name); they mean two
// people even then when the pair shares a phone or email, which is how a
// household (twins included) looks. Two different full birthdays with two
// different given names are two people whatever else they share.
func household(c *comparison, fam Level, givenClash bool, birth Level) conflict {
	if !givenClash {
		return noConflict
	}
	switch {
	case birth == Differ:
		return conflictBirthday
	case birth != Exact:
		return conflictGivenName
	case c.levels.level(Email) == Exact || c.levels.level(Phone) == Exact || c.levels.level(Phone) == Partial:
		return conflictHousehold
	}
	return noConflict
}

// compareNames compares family and given names, trying both orders when a
// name's order is not known ("SATO TARO" may be family first), and whole
// names when either side could not be split. clash reports whether the given
// clash says the given names were compared and differ, for the household
// guard; a whole-name comparison never reports one, since it cannot tell
// which part differs.
func compareNames(pa, pb *mapping.PersonName) (fam, giv Level, clash bool) {
	a, b := alignName(*pa, pb), alignName(*pb, pa)
	if !isSplit(&a) || !isSplit(&b) {
		s, ok := wholeNameSimilarity(&a, &b)
		if !ok {
			return Missing, Missing, false
		}
		l := nameLevel(s)
		return l, l, false
	}
	fs, fok := partSimilarity(a.Family, a.FamilyReading, b.Family, b.FamilyReading)
	gs, gok := partSimilarity(a.Given, a.GivenReading, b.Given, b.GivenReading)
	sf, sfok := partSimilarity(a.Family, a.FamilyReading, b.Given, b.GivenReading)
	sg, sgok := partSimilarity(a.Given, a.GivenReading, b.Family, b.FamilyReading)
	total := func(f float64, fo bool, g float64, gok bool) float64 {
		t := 0.0
		if fo {
			t += f
		}
		if gok {
			t += g
		}
		return t
	}
	straight := total(fs, fok, gs, gok)
	other := total(sf, sfok, sg, sgok)
	useSwap := false
	if a.OrderKnown && b.OrderKnown {
		// Known order on both sides: only a clear swap of the two fields
		// (a data-entry slip) reads the other way.
		useSwap = sfok && sgok && other >= 2*nameClose-0.05 && other > straight+0.3
	} else {
		useSwap = other > straight
	}
	if useSwap {
		// a's family name is in its Given field: compare it with b's.
		fs, fok, gs, gok = sg, sgok, sf, sfok
	}
	if !fok && !gok {
		// No part compares (kanji parts against a reading written whole):
		// the whole names may still.
		if s, ok := wholeNameSimilarity(&a, &b); ok {
			l := nameLevel(s)
			return l, l, false
		}
	}
	fam, giv = Missing, Missing
	if fok {
		fam = nameLevel(fs)
	}
	if gok {
		giv = nameLevel(gs)
	}
	return fam, giv, giv == Differ
}

func isSplit(n *mapping.PersonName) bool {
	return n.Family != "" || n.Given != "" || n.FamilyReading != "" || n.GivenReading != ""
}

// alignName splits a name written whole ("森田陽子") along the parts of the
// name it is compared with: when the whole starts with the other's family
// name or ends with its given name, the rest is the other part. So a
// maiden name (森田陽子 against 斎藤 陽子) still shows that the given names
// agree and the family names differ. A whole that is exactly one of the
// other's parts is that part alone, the other unknown.
func alignName(n mapping.PersonName, other *mapping.PersonName) mapping.PersonName {
	if n.Family == "" && n.Given == "" && n.Full != "" {
		n.Family, n.Given = splitAlong(n.Full, other.Family, other.Given, other.OrderKnown)
	}
	if n.FamilyReading == "" && n.GivenReading == "" && n.FullReading != "" {
		n.FamilyReading, n.GivenReading = splitAlong(n.FullReading, other.FamilyReading, other.GivenReading, other.OrderKnown)
	}
	return n
}

func splitAlong(whole, family, given string, orderKnown bool) (string, string) {
	try := func(first, second string) (string, string, bool) {
		switch {
		// A name that is one of the other's parts and nothing more: a
		// LINE or Instagram name that is just a given name ("翔太",
		// "misaki") agrees on that part and says nothing of the other.
		case first != "" && whole == first:
			return first, "", true
		case second != "" && whole == second:
			return "", second, true
		case first != "" && len(whole) > len(first) && strings.HasPrefix(whole, first):
			return first, whole[len(first):], true
		case second != "" && len(whole) > len(second) && strings.HasSuffix(whole, second):
			return whole[:len(whole)-len(second)], second, true
		}
		return "", "", false
	}
	if f, g, ok := try(family, given); ok {
		return f, g
	}
	if !orderKnown {
		// The other name may be "Taro Sato" read the wrong way round.
		if g, f, ok := try(given, family); ok {
			return f, g
		}
	}
	return "", ""
}

// wholeNameSimilarity compares names as wholes: script forms, then
// readings, each side in every order it may be in.
func wholeNameSimilarity(a, b *mapping.PersonName) (float64, bool) {
	best, ok := -1.0, false
	try := func(x, y string) {
		if x == "" || y == "" {
			return
		}
		ok = true
		if s := similarity(x, y); s > best {
			best = s
		}
	}
	aScripts, aReadings := wholeForms(a)
	bScripts, bReadings := wholeForms(b)
	for _, x := range aScripts {
		for _, y := range bScripts {
			if x != "" && y != "" && scriptOf(x) == scriptOf(y) {
				try(x, y)
			}
		}
	}
	for _, x := range aReadings {
		for _, y := range bReadings {
			try(x, y)
		}
	}
	return best, ok
}

// wholeForms lists the ways a name may be written whole.
func wholeForms(n *mapping.PersonName) (scripts, readings []string) {
	scripts = append(scripts, n.Full)
	readings = append(readings, n.FullReading)
	if n.Family != "" && n.Given != "" {
		scripts = append(scripts, n.Family+n.Given)
		if !n.OrderKnown {
			scripts = append(scripts, n.Given+n.Family)
		}
	}
	if n.FamilyReading != "" && n.GivenReading != "" {
		readings = append(readings, n.FamilyReading+n.GivenReading)
		if !n.OrderKnown {
			readings = append(readings, n.GivenReading+n.FamilyReading)
		}
	}
	return scripts, readings
}

// partSimilarity compares one part of two names by its script form and its
// reading, giving the better. Forms in different scripts (kanji, kana,
// Latin letters) are not compared with each other: only readings bridge
// scripts, and a kanji name without kana has none.
func partSimilarity(aScript, aReading, bScript, bReading string) (float64, bool) {
	best, ok := -1.0, false
	sameScript := aScript != "" && bScript != "" && scriptOf(aScript) == scriptOf(bScript)
	if sameScript {
		ok = true
		best = similarity(aScript, bScript)
	}
	if aReading != "" && bReading != "" {
		ok = true
		if sameScript && scriptOf(aScript) == scriptLatin && aReading != bReading {
			// Two names in Latin letters: the reading key only helps when
			// it makes spellings of one reading meet (Satoh, Sato). Its
			// rewrites would otherwise make names like John and Jane
			// look closer than they are.
			return best, ok
		}
		best = max(best, similarity(aReading, bReading))
	}
	return best, ok
}

func nameLevel(s float64) Level {
	switch {
	case s >= 1:
		return Exact
	case s >= nameClose:
		return Close
	case s >= namePartial:
		return Partial
	default:
		return Differ
	}
}

// script is the writing system of a name form.
type script uint8

const (
	scriptLatin script = iota
	scriptKana
	scriptKanji // kanji, alone or with kana
)

func scriptOf(s string) script {
	if isLatinOnly(s) {
		return scriptLatin
	}
	if mapping.IsKana(s) {
		return scriptKana
	}
	return scriptKanji
}

func isLatinOnly(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// compareBirthdays: Exact for the same full date; Close for the same
// month and day where a year is missing (one day in 365); Partial for a
// full date one typed digit or one swap away; Differ otherwise.
func compareBirthdays(a, b birthday) Level {
	switch {
	case a == "" || b == "":
		return Missing
	case !a.hasYear() || !b.hasYear():
		if a.monthDay() == b.monthDay() {
			return Close
		}
		return Differ
	case a == b:
		return Exact
	case nearDigits(string(a), string(b)):
		return Partial
	default:
		return Differ
	}
}

// nearDigits reports whether two eight-digit dates differ by one typed
// digit, two adjacent digits swapped, or month and day swapped.
func nearDigits(a, b string) bool {
	if a[:4] == b[:4] && a[4:6] == b[6:8] && a[6:8] == b[4:6] {
		return true
	}
	diff := -1
	for i := 0; i < len(a); i++ {
		if a[i] != b[i] {
			if diff >= 0 {
				// A second difference: fine only as an adjacent swap.
				return diff == i-1 && a[diff] == b[i] && a[i] == b[diff] && a[i+1:] == b[i+1:]
			}
			diff = i
		}
	}
	return true
}

func compareEmails(a, b []string) Level {
	if len(a) == 0 || len(b) == 0 {
		return Missing
	}
	for _, x := range a {
		for _, y := range b {
			if x == y {
				return Exact
			}
		}
	}
	return Differ
}

func comparePhones(a, b []mapping.Phone) Level {
	if len(a) == 0 || len(b) == 0 {
		return Missing
	}
	best := Differ
	for _, x := range a {
		for _, y := range b {
			if x.E164 != y.E164 {
				continue
			}
			if x.Kind == mapping.PhoneLandline || x.Kind == mapping.PhoneOther {
				best = min(best, Partial)
			} else {
				return Exact
			}
		}
	}
	return best
}

func comparePostal(a, b string) Level {
	switch {
	case a == "" || b == "":
		return Missing
	case a == b:
		return Exact
	case len(a) >= 3 && len(b) >= 3 && a[:3] == b[:3]:
		return Partial
	default:
		return Differ
	}
}

func compareAddresses(a, b *features) Level {
	switch {
	case a.address == "" || b.address == "":
		return Missing
	case a.address == b.address:
		return Exact
	}
	// Bigrams are made here rather than kept with each record: a million
	// addresses' bigrams would outweigh everything else the resolver holds.
	var abuf, bbuf [96]uint64
	d := dice(bigrams(a.address, abuf[:0]), bigrams(b.address, bbuf[:0]))
	switch {
	case d >= addressClose:
		return Close
	case d >= addressPartial:
		return Partial
	default:
		return Differ
	}
}

// dice is the Sørensen–Dice coefficient of two sorted sets.
func dice(a, b []uint64) float64 {
	if len(a)+len(b) == 0 {
		return 0
	}
	n := 0
	for i, j := 0, 0; i < len(a) && j < len(b); {
		switch {
		case a[i] == b[j]:
			n++
			i++
			j++
		case a[i] < b[j]:
			i++
		default:
			j++
		}
	}
	return 2 * float64(n) / float64(len(a)+len(b))
}
