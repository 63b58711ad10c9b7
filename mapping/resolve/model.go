package resolve

import (
	"fmt"
	"math"
	"strings"
)

// Field is a part of a record that two records are compared on.
type Field uint8

// The compared fields, in the order evidence lists them.
const (
	FamilyName Field = iota
	GivenName
	Birthday
	Email
	Phone
	PostalCode
	Address
	numFields
)

var fieldNames = [numFields]string{"family_name", "given_name", "birthday", "email", "phone", "postal_code", "address"}

// Fields lists every compared field.
func Fields() []Field {
	out := make([]Field, numFields)
	for i := range out {
		out[i] = Field(i)
	}
	return out
}

// String returns the field's name as config and evidence spell it.
func (f Field) String() string {
	if f < numFields {
		return fieldNames[f]
	}
	return fmt.Sprintf("field(%d)", uint8(f))
}

// ParseField reads a field name.
func ParseField(s string) (Field, bool) {
	for i, n := range fieldNames {
		if n == s {
			return Field(i), true
		}
	}
	return 0, false
}

// Level is how well two records agree on a field.
type Level uint8

// Agreement levels. Which levels a field uses is in its comparator: names
// use all four; email only Exact and Differ; a phone agrees Exact on a
// mobile and Partial on a landline, which a household shares.
const (
	Missing Level = iota // one side or both have no value: no evidence
	Exact                // the same value
	Close                // nearly the same: a typo, a reading that agrees
	Partial              // somewhat alike
	Differ               // different
	numLevels
)

var levelNames = [numLevels]string{"missing", "exact", "close", "partial", "differ"}

// String returns the level's name.
func (l Level) String() string {
	if l < numLevels {
		return levelNames[l]
	}
	return fmt.Sprintf("level(%d)", uint8(l))
}

// ParseLevel reads a level name.
func ParseLevel(s string) (Level, bool) {
	for i, n := range levelNames {
		if n == s {
			return Level(i), true
		}
	}
	return 0, false
}

// fieldLevels lists the levels each field's comparator can give, besides
// Missing.
var fieldLevels = [numFields][]Level{
	FamilyName: {Exact, Close, Partial, Differ},
	GivenName:  {Exact, Close, Partial, Differ},
	Birthday:   {Exact, Close, Partial, Differ},
	Email:      {Exact, Differ},
	Phone:      {Exact, Partial, Differ},
	PostalCode: {Exact, Partial, Differ},
	Address:    {Exact, Close, Partial, Differ},
}

// Levels lists the levels field f can take besides Missing.
func (f Field) Levels() []Level { return fieldLevels[f] }

// Model holds the Fellegi–Sunter parameters: for each field and level, M is
// the probability of that level among pairs that are one person and U among
// pairs that are not. A level's weight is log2(M/U): positive when the level
// is evidence for one person, negative against.
type Model struct {
	M, U [numFields][numLevels]float64
}

// DefaultModel returns parameters set by hand for customer lists of a
// Japanese small business, where the compared pairs are those that share a
// blocking key. They are the starting point for Learn, and what the daemon
// uses unless the config sets weights.
//
// Rationale, per field: an exact given name is rarer among non-matches than
// a family name (佐藤 is one person in sixty); a full birthday agreeing by
// chance is about 1 in 20,000 pairs; a mobile number or personal email
// shared by two people is rare, a landline much less so (households); the
// postal code agrees by chance inside a town.
func DefaultModel() Model {
	var m Model
	set := func(f Field, l Level, pm, pu float64) { m.M[f][l], m.U[f][l] = pm, pu }
	for _, f := range []Field{FamilyName, GivenName} {
		set(f, Exact, 0.90, 0.02)
		set(f, Close, 0.05, 0.01)
		set(f, Partial, 0.03, 0.03)
		set(f, Differ, 0.02, 0.94)
	}
	set(GivenName, Exact, 0.90, 0.005)
	set(GivenName, Close, 0.05, 0.005)
	set(GivenName, Differ, 0.02, 0.97)
	set(Birthday, Exact, 0.88, 0.00005)
	set(Birthday, Close, 0.06, 0.002)
	set(Birthday, Partial, 0.04, 0.002)
	set(Birthday, Differ, 0.02, 0.99595)
	set(Email, Exact, 0.85, 0.0001)
	set(Email, Differ, 0.15, 0.9999)
	set(Phone, Exact, 0.80, 0.0001)
	set(Phone, Partial, 0.10, 0.005)
	set(Phone, Differ, 0.10, 0.9949)
	set(PostalCode, Exact, 0.85, 0.03)
	set(PostalCode, Partial, 0.05, 0.05)
	set(PostalCode, Differ, 0.10, 0.92)
	set(Address, Exact, 0.70, 0.002)
	set(Address, Close, 0.15, 0.005)
	set(Address, Partial, 0.05, 0.03)
	set(Address, Differ, 0.10, 0.963)
	return m
}

// Weights are the match weights a Model gives, in bits.
type Weights [numFields][numLevels]float64

// Weights returns log2(M/U) for every field and level; Missing weighs 0.
func (m Model) Weights() Weights {
	var w Weights
	for f := range numFields {
		for _, l := range fieldLevels[f] {
			w[f][l] = math.Log2(clampProb(m.M[f][l]) / clampProb(m.U[f][l]))
		}
	}
	return w
}

// Weight returns the weight of level l on field f.
func (w *Weights) Weight(f Field, l Level) float64 { return w[f][l] }

// Set replaces the weight of level l on field f.
func (w *Weights) Set(f Field, l Level, v float64) { w[f][l] = v }

func clampProb(p float64) float64 { return min(max(p, 1e-9), 1) }

// String lists the weights, one field per line, for people to read.
func (w Weights) String() string {
	var b strings.Builder
	for f := range numFields {
		fmt.Fprintf(&b, "%-12s", f)
		for _, l := range fieldLevels[f] {
			fmt.Fprintf(&b, " %s %+.1f", l, w[f][l])
		}
		b.WriteByte('\n')
	}
	return b.String()
}

// pattern packs a comparison vector, 3 bits per field.
type pattern uint32

func (p pattern) level(f Field) Level { return Level(p >> (3 * f) & 7) }

func (p *pattern) set(f Field, l Level) { *p = *p&^(7<<(3*f)) | pattern(l)<<(3*f) }

// score sums the weights of a comparison vector.
func (w *Weights) score(p pattern) float64 {
	s := 0.0
	for f := range numFields {
		s += w[f][p.level(f)]
	}
	return s
}
