// Package resolve decides which records are one person (名寄せ).
//
// It works in four steps, each a pure function of the records, so the
// result depends on the set of records and never on their order:
//
//  1. Normalize each record (package mapping): names to script and reading
//     forms, emails, phones to E.164, postal codes, addresses, birthdays.
//  2. Block: give each record keys (its email, its phone, its name with its
//     birthday, ...) and compare only records that share a key. A key held
//     by too many records is dropped, so the work grows about linearly.
//  3. Score each compared pair Fellegi–Sunter style: each field agrees or
//     differs at some level, each level has a weight in bits (log2 of how
//     much likelier it is for one person than for two), and the score is
//     their sum. Weights are set (DefaultModel, config) or learned from the
//     data with EM (Learn).
//  4. Cluster: take the pairs at or above the auto-merge score, strongest
//     first (ties broken by record key), and join their clusters unless a
//     guard keeps them apart: any two records of the would-be cluster whose
//     given names or birthdays clearly differ (a household sharing a phone,
//     an address or an email), or a pair marked never-match. Pairs between
//     the review and auto-merge scores, and pairs a guard refused, are
//     listed for a person to review.
//
// A component is a set of records joined by pairs at or above the
// auto-merge score, guards aside. Clusters never cross components, so a
// store that resolves incrementally recomputes only the components a change
// touches and gets the same clusters as resolving everything at once.
package resolve

import (
	"cmp"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"sync"

	"github.com/nayose/nayose/mapping"
)

// Options tune the resolver. The zero value of each field means its
// default.
type Options struct {
	// Region is the ISO 3166 country assumed for phone numbers written
	// without a country code. Default "JP".
	Region string
	// Weights score the compared fields. Default DefaultModel().Weights().
	Weights *Weights
	// AutoMerge is the score at or above which two records are merged.
	// Default 15 bits.
	AutoMerge float64
	// Review is the score at or above which a pair left apart is listed
	// for review. Default 6 bits.
	Review float64
	// MaxShared is how many records may hold one email, phone or address
	// before it counts as junk (a shop's own number typed for every
	// customer) and links nobody. Default 10.
	MaxShared int
	// MaxBlock is the most records a name or postal-code key may hold and
	// still be compared within. Default 50.
	MaxBlock int
	// Workers is how many goroutines normalize and score. Default
	// GOMAXPROCS.
	Workers int
}

// DefaultMemoryLimit is the soft memory limit (as runtime/debug.SetMemoryLimit
// takes it) that batch resolving runs under unless GOMEMLIMIT says
// otherwise. A million records take about 0.8 GiB beyond the input while
// resolving; without a limit the garbage collector lets the heap grow to
// twice what is live, past 2 GiB.
const DefaultMemoryLimit = 1200 << 20

// Defaults for Options.
const (
	DefaultAutoMerge = 15
	DefaultReview    = 6
	DefaultMaxShared = 10
	DefaultMaxBlock  = 20
)

func (o Options) withDefaults() Options {
	if o.Region == "" {
		o.Region = "JP"
	}
	if o.Weights == nil {
		w := DefaultModel().Weights()
		o.Weights = &w
	}
	if o.AutoMerge == 0 {
		o.AutoMerge = DefaultAutoMerge
	}
	if o.Review == 0 {
		o.Review = DefaultReview
	}
	if o.MaxShared == 0 {
		o.MaxShared = DefaultMaxShared
	}
	if o.MaxBlock == 0 {
		o.MaxBlock = DefaultMaxBlock
	}
	if o.Workers <= 0 {
		o.Workers = runtime.GOMAXPROCS(0)
	}
	return o
}

// limit returns how many records may hold a key of kind k.
func (o *Options) limit(k KeyKind) int {
	if k.Contact() {
		return o.MaxShared
	}
	return o.MaxBlock
}

// Constraint is a person's decision about two records, kept and respected
// by every later run.
type Constraint struct {
	A, B string // record keys
	// Never keeps the two apart; otherwise they are joined whatever their
	// score and guards say.
	Never bool
}

// Input is what to resolve.
type Input struct {
	Records     []Record
	Constraints []Constraint
	// Counts, when Records are part of a larger store, says how many
	// records in the whole store hold each key, so junk values and
	// oversized blocks are judged on the whole. A key missing from Counts
	// is counted in Records. Nil: Records are everything.
	Counts map[Key]int
}

// Result is how the records were resolved. Slices indexed by record follow
// the order of Input.Records.
type Result struct {
	// Cluster gives each record's cluster as the index of the cluster's
	// representative: its record with the smallest key.
	Cluster []int
	// Component gives each record's component as the index of its record
	// with the smallest key.
	Component []int
	// Links are the pairs that joined clusters, in the order they did.
	Links []Link
	// Reviews are pairs left apart that a person should look at: scored
	// between Review and AutoMerge, or at AutoMerge and refused by a
	// guard. Pairs that ended in one cluster anyway are left out.
	Reviews []Link
	// Compared is how many pairs were scored.
	Compared int
	// Junk lists the contact keys held by too many records.
	Junk []Key

	weights Weights
}

// Link is a scored pair of records (indexes into Input.Records, A < B).
type Link struct {
	A, B  int
	Score float64
	// Rule says why the pair was joined or listed: "score" for a pair
	// over the auto-merge score, "manual" for a person's decision; for a
	// review, "score" or the guard that refused it.
	Rule     string
	levels   pattern
	conflict conflict
}

// Rules a link can carry.
const (
	RuleScore  = "score"
	RuleManual = "manual"
)

// FieldEvidence is one field's part in a pair's score.
type FieldEvidence struct {
	Field  Field
	Level  Level
	Weight float64
}

// Evidence lists, field by field, how the pair of link l compared and what
// it weighed. Fields missing on either side are left out.
func (r *Result) Evidence(l Link) []FieldEvidence {
	var out []FieldEvidence
	for f := range numFields {
		lv := l.levels.level(f)
		if lv == Missing {
			continue
		}
		out = append(out, FieldEvidence{Field: f, Level: lv, Weight: r.weights[f][lv]})
	}
	return out
}

// Conflict says which guard keeps a reviewed pair apart, or "".
func (l Link) Conflict() string { return l.conflict.String() }

// Resolve clusters the records of in. It fails only on input that cannot
// be resolved at all: two records with the same key, or a constraint with
// a key used twice.
func Resolve(in Input, opts Options) (*Result, error) {
	o := opts.withDefaults()
	recs := in.Records
	// Record indexes in key order: duplicate keys sit side by side, and
	// constraints find their records by binary search.
	byKey := make([]int32, len(recs))
	for i := range byKey {
		byKey[i] = int32(i)
	}
	slices.SortFunc(byKey, func(a, b int32) int { return strings.Compare(recs[a].Key, recs[b].Key) })
	for i := 1; i < len(byKey); i++ {
		if recs[byKey[i]].Key == recs[byKey[i-1]].Key {
			return nil, fmt.Errorf("record key %q appears twice", recs[byKey[i]].Key)
		}
	}
	find := func(key string) (int, bool) {
		i, ok := slices.BinarySearchFunc(byKey, key, func(r int32, k string) int { return strings.Compare(recs[r].Key, k) })
		if !ok {
			return 0, false
		}
		return int(byKey[i]), true
	}
	cons, err := constraintsOf(in.Constraints, find)
	if err != nil {
		return nil, err
	}
	feats := prepareAll(recs, &o)
	res := &Result{weights: *o.Weights}
	pairs, junk := candidatePairs(feats, in.Counts, &o)
	res.Junk = junk
	res.Compared = len(pairs)
	scored := scorePairs(feats, pairs, &o)
	pairs = nil
	cluster(res, recs, feats, scored, cons, &o)
	return res, nil
}

func prepareAll(recs []Record, o *Options) []features {
	feats := make([]features, len(recs))
	parallel(len(recs), o.Workers, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			feats[i] = prepare(&recs[i], o.Region)
		}
	})
	return feats
}

// parallel runs fn over [0,n) split into contiguous parts.
func parallel(n, workers int, fn func(lo, hi int)) {
	if n < 1024 || workers <= 1 {
		fn(0, n)
		return
	}
	var wg sync.WaitGroup
	step := (n + workers - 1) / workers
	for lo := 0; lo < n; lo += step {
		wg.Go(func() { fn(lo, min(n, lo+step)) })
	}
	wg.Wait()
}

// candidatePairs lists the pairs of records that share a usable key, each
// once, as a<<32|b with a < b, sorted, and returns the contact keys that
// are junk after taking them out of the records that hold them (so they
// count as missing when compared).
func candidatePairs(feats []features, counts map[Key]int, o *Options) ([]uint64, []Key) {
	type entry struct {
		key Key
		rec int32
	}
	// Keys are made straight into one list: a record's keys are not kept,
	// which at a million records saves more than the list itself.
	entries := make([]entry, 0, 12*len(feats))
	var buf []Key
	for i := range feats {
		buf = feats[i].appendKeys(buf[:0])
		slices.Sort(buf)
		buf = slices.Compact(buf)
		for _, k := range buf {
			entries = append(entries, entry{k, int32(i)})
		}
	}
	slices.SortFunc(entries, func(a, b entry) int {
		if c := cmp.Compare(a.key, b.key); c != 0 {
			return c
		}
		return cmp.Compare(a.rec, b.rec)
	})
	// Two passes over the runs of equal keys: count the pairs, then list
	// them into a slice of the right size.
	var junk []Key
	var junkHolders []int32
	runs := func(visit func(lo, hi int)) {
		for lo := 0; lo < len(entries); {
			hi := lo + 1
			for hi < len(entries) && entries[hi].key == entries[lo].key {
				hi++
			}
			visit(lo, hi)
			lo = hi
		}
	}
	usable := func(lo, hi int) bool {
		k := entries[lo].key
		n := hi - lo
		if c, ok := counts[k]; ok {
			n = c
		}
		return n <= o.limit(k.Kind())
	}
	total := 0
	runs(func(lo, hi int) {
		if usable(lo, hi) {
			total += (hi - lo) * (hi - lo - 1) / 2
			return
		}
		if entries[lo].key.Kind() == KeyNameSound {
			for _, e := range entries[lo:hi] {
				feats[e.rec].commonName = true
			}
		}
		if k := entries[lo].key; k.Kind().Contact() {
			junk = append(junk, k)
			for _, e := range entries[lo:hi] {
				junkHolders = append(junkHolders, e.rec)
			}
		}
	})
	pairs := make([]uint64, 0, total)
	runs(func(lo, hi int) {
		if !usable(lo, hi) {
			return
		}
		for i := lo; i < hi; i++ {
			for j := i + 1; j < hi; j++ {
				pairs = append(pairs, uint64(entries[i].rec)<<32|uint64(entries[j].rec))
			}
		}
	})
	entries = nil
	slices.Sort(pairs)
	dropJunk(feats, junkHolders, junk)
	return slices.Compact(pairs), junk
}

// dropJunk removes junk contact values from the records that hold them.
func dropJunk(feats []features, holders []int32, junk []Key) {
	if len(junk) == 0 {
		return
	}
	isJunk := make(map[Key]bool, len(junk))
	for _, k := range junk {
		isJunk[k] = true
	}
	for _, i := range holders {
		f := &feats[i]
		f.emails = slices.DeleteFunc(slices.Clone(f.emails), func(e string) bool { return isJunk[makeKey(KeyEmail, e)] })
		f.phones = slices.DeleteFunc(slices.Clone(f.phones), func(p mapping.Phone) bool { return isJunk[makeKey(KeyPhone, p.E164)] })
		if isJunk[makeKey(KeyAddress, f.address)] {
			f.address = ""
		}
	}
}

// scored is a compared pair worth keeping: at or above the review score.
type scored struct {
	a, b     int32
	score    float64
	levels   pattern
	conflict conflict
}

func scorePairs(feats []features, pairs []uint64, o *Options) []scored {
	parts := make([][]scored, o.Workers)
	step := (len(pairs) + o.Workers - 1) / max(o.Workers, 1)
	var wg sync.WaitGroup
	for w := range o.Workers {
		lo, hi := w*step, min(len(pairs), (w+1)*step)
		if lo >= hi {
			continue
		}
		wg.Go(func() {
			var out []scored
			for _, p := range pairs[lo:hi] {
				a, b := int32(p>>32), int32(p&0xffffffff)
				c := compare(&feats[a], &feats[b])
				s := o.Weights.score(c.levels)
				if s >= o.Review && (s >= o.AutoMerge || reviewable(c.levels)) {
					out = append(out, scored{a, b, s, c.levels, c.conflict})
				}
			}
			parts[w] = out
		})
	}
	wg.Wait()
	return slices.Concat(parts...)
}

type constraintSet struct {
	must  [][2]int
	never map[[2]int]bool
}

func constraintsOf(cs []Constraint, find func(key string) (int, bool)) (constraintSet, error) {
	set := constraintSet{never: map[[2]int]bool{}}
	for _, c := range cs {
		if c.A == c.B {
			return set, fmt.Errorf("constraint between %q and itself", c.A)
		}
		a, aok := find(c.A)
		b, bok := find(c.B)
		if !aok || !bok {
			continue // about records not in this input
		}
		if a > b {
			a, b = b, a
		}
		if c.Never {
			set.never[[2]int{a, b}] = true
		} else {
			set.must = append(set.must, [2]int{a, b})
		}
	}
	return set, nil
}

// ErrNoRecords is returned by Learn when there is nothing to learn from.
var ErrNoRecords = errors.New("no pairs of records to learn from")

func keyLess(recs []Record, a, b int) int { return strings.Compare(recs[a].Key, recs[b].Key) }

// Keys returns a record's blocking keys, sorted, as Resolve computes them:
// a store keeps them to find the records a new one must be compared with.
func Keys(r *Record, opts Options) []Key {
	o := opts.withDefaults()
	f := prepare(r, o.Region)
	keys := f.appendKeys(nil)
	slices.Sort(keys)
	return slices.Compact(keys)
}

// Limit returns how many records may hold a key of kind k before it is
// junk (contact keys) or too common to compare within (the others).
func (o Options) Limit(k KeyKind) int {
	o = o.withDefaults()
	return o.limit(k)
}
