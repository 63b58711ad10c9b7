package squaretest

import (
	"cmp"
	"slices"
	"sort"
	"strings"
)

// key orders records inside one index: a number (a timestamp in milliseconds), then a
// string (a name for the customers' DEFAULT sort), then the record ID, so that no two
// records of a table share a key and a cursor can name an exact position.
type key struct {
	n  int64
	s  string
	id string
}

func (a key) compare(b key) int {
	if c := cmp.Compare(a.n, b.n); c != 0 {
		return c
	}
	if c := strings.Compare(a.s, b.s); c != 0 {
		return c
	}
	return strings.Compare(a.id, b.id)
}

// index keeps pointers to immutable records sorted by key. Records are never changed in
// place: a mutation removes the old record and inserts a new one, so the key a record
// was inserted under is always the key it is found under.
type index[R any] struct {
	keyOf   func(*R) key
	include func(*R) bool // nil: every record
	items   []*R
}

func (x *index[R]) has(r *R) bool { return x.include == nil || x.include(r) }

// search returns the position of the first item whose key is >= k.
func (x *index[R]) search(k key) int {
	return sort.Search(len(x.items), func(i int) bool { return x.keyOf(x.items[i]).compare(k) >= 0 })
}

func (x *index[R]) insert(r *R) {
	if !x.has(r) {
		return
	}
	x.items = slices.Insert(x.items, x.search(x.keyOf(r)), r)
}

func (x *index[R]) remove(r *R) {
	if !x.has(r) {
		return
	}
	i := x.search(x.keyOf(r))
	if i < len(x.items) && x.items[i] == r {
		x.items = slices.Delete(x.items, i, i+1)
		return
	}
	panic("squaretest: index out of step with its table")
}

// appendUnsorted adds records without keeping the order; call sortAll afterwards.
func (x *index[R]) appendUnsorted(r *R) {
	if x.has(r) {
		x.items = append(x.items, r)
	}
}

func (x *index[R]) sortAll() {
	// Sorting precomputed keys is several times faster than calling keyOf twice per
	// comparison, which matters when Generate sorts hundreds of thousands of records.
	type keyed struct {
		k key
		r *R
	}
	ks := make([]keyed, len(x.items))
	for i, r := range x.items {
		ks[i] = keyed{x.keyOf(r), r}
	}
	slices.SortFunc(ks, func(a, b keyed) int { return a.k.compare(b.k) })
	for i := range ks {
		x.items[i] = ks[i].r
	}
}

// table holds one kind of record by ID and in each of its sort orders.
type table[R any] struct {
	idOf    func(*R) string
	byID    map[string]*R
	indexes []*index[R]
}

func (t *table[R]) get(id string) *R { return t.byID[id] }

func (t *table[R]) len() int { return len(t.byID) }

// put inserts r, replacing any record with the same ID.
func (t *table[R]) put(r *R) {
	if t.byID == nil {
		t.byID = make(map[string]*R)
	}
	id := t.idOf(r)
	if old := t.byID[id]; old != nil {
		for _, x := range t.indexes {
			x.remove(old)
		}
	}
	t.byID[id] = r
	for _, x := range t.indexes {
		x.insert(r)
	}
}

func (t *table[R]) delete(id string) bool {
	old := t.byID[id]
	if old == nil {
		return false
	}
	for _, x := range t.indexes {
		x.remove(old)
	}
	delete(t.byID, id)
	return true
}

// putMany inserts many records at once: one sort per index instead of one shifted
// insert per record, which is what lets Generate load hundreds of thousands quickly.
func (t *table[R]) putMany(rs []*R) {
	if len(rs) < 64 {
		for _, r := range rs {
			t.put(r)
		}
		return
	}
	if t.byID == nil {
		t.byID = make(map[string]*R, len(rs))
	}
	for _, r := range rs {
		if old := t.byID[t.idOf(r)]; old != nil {
			for _, x := range t.indexes {
				x.remove(old)
			}
			delete(t.byID, t.idOf(r))
		}
	}
	before := len(t.byID)
	for _, r := range rs {
		t.byID[t.idOf(r)] = r
	}
	// A batch may repeat an ID; then only the last record with it is indexed.
	repeats := len(t.byID)-before != len(rs)
	for _, x := range t.indexes {
		x.items = slices.Grow(x.items, len(rs))
		for _, r := range rs {
			if !repeats || t.byID[t.idOf(r)] == r {
				x.appendUnsorted(r)
			}
		}
		x.sortAll()
	}
}

// bounds restricts a scan to keys whose number lies in [lo, hi).
type bounds struct {
	lo, hi       int64
	hasLo, hasHi bool
}

// scan walks one index in key order from just past the cursor position, keeping the
// records that match, and reports whether at least one more matching record follows.
// It costs O(log n + records visited), so a page is a binary search and a slice walk.
type scan[R any] struct {
	ix    *index[R]
	desc  bool
	b     bounds
	after *key // the key of the last record of the previous page
	match func(*R) bool
	limit int
}

func (q scan[R]) run() (page []*R, more bool) {
	items := q.ix.items
	start, end := 0, len(items)
	if q.b.hasLo {
		start = q.ix.search(key{n: q.b.lo})
	}
	if q.b.hasHi {
		end = q.ix.search(key{n: q.b.hi})
	}
	keep := func(r *R) bool { return q.match == nil || q.match(r) }
	if !q.desc {
		if q.after != nil {
			i := q.ix.search(*q.after)
			if i < len(items) && q.ix.keyOf(items[i]).compare(*q.after) == 0 {
				i++
			}
			start = max(start, i)
		}
		for i := start; i < end; i++ {
			if !keep(items[i]) {
				continue
			}
			if len(page) == q.limit {
				return page, true
			}
			page = append(page, items[i])
		}
		return page, false
	}
	if q.after != nil {
		end = min(end, q.ix.search(*q.after))
	}
	for i := end - 1; i >= start; i-- {
		if !keep(items[i]) {
			continue
		}
		if len(page) == q.limit {
			return page, true
		}
		page = append(page, items[i])
	}
	return page, false
}
