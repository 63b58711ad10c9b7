package resolve

import (
	"cmp"
	"math"
	"slices"
)

// strongMargin is how far above the auto-merge score a pair with nothing
// identifying (only names, a town, a household's phone or address) must
// score to merge on its own: many fields agreeing at once.
const strongMargin = 10

// edge is a pair considered for joining, with its order of consideration.
type edge struct {
	scored
	manual bool
	lo, hi int // the pair's record indexes ordered by record key
}

// cluster joins records along accepted pairs, strongest first, refusing a
// join that a guard forbids, and fills in res.
func cluster(res *Result, recs []Record, feats []features, pairs []scored, cons constraintSet, o *Options) {
	n := len(recs)
	var edges []edge
	for _, m := range cons.must {
		edges = append(edges, newEdge(recs, scored{a: int32(m[0]), b: int32(m[1]), score: math.Inf(1)}, true))
	}
	var reviews []scored
	for _, p := range pairs {
		if cons.never[[2]int{int(p.a), int(p.b)}] {
			p.conflict = conflictNever
			reviews = append(reviews, p)
			continue
		}
		switch {
		case p.score >= o.AutoMerge && (identifying(p.levels, feats[p.a].commonName && feats[p.b].commonName) || p.score >= o.AutoMerge+strongMargin):
			edges = append(edges, newEdge(recs, p, false))
		case reviewable(p.levels):
			reviews = append(reviews, p)
		}
	}
	// Strongest first; equal scores in the order of their records' keys,
	// so the outcome never depends on input order.
	slices.SortFunc(edges, func(x, y edge) int {
		if x.manual != y.manual {
			if x.manual {
				return -1
			}
			return 1
		}
		if c := cmp.Compare(y.score, x.score); c != 0 {
			return c
		}
		if c := keyLess(recs, x.lo, y.lo); c != 0 {
			return c
		}
		return keyLess(recs, x.hi, y.hi)
	})

	comp := newUnionFind(n)
	for _, e := range edges {
		comp.union(int(e.a), int(e.b))
	}
	clusters := newUnionFind(n)
	members := make(map[int][]int) // root -> members, for roots of size > 1
	membersOf := func(root int) []int {
		if m, ok := members[root]; ok {
			return m
		}
		return []int{root}
	}
	for _, e := range edges {
		ra, rb := clusters.find(int(e.a)), clusters.find(int(e.b))
		if ra == rb {
			continue
		}
		ma, mb := membersOf(ra), membersOf(rb)
		if !e.manual {
			if why := guard(feats, cons, ma, mb); why != noConflict {
				e.conflict = why
				reviews = append(reviews, e.scored)
				continue
			}
		}
		root := clusters.union(ra, rb)
		merged := append(append(make([]int, 0, len(ma)+len(mb)), ma...), mb...)
		delete(members, ra)
		delete(members, rb)
		members[root] = merged
		l := Link{A: int(e.a), B: int(e.b), Score: e.score, Rule: RuleScore, levels: e.levels}
		if e.manual {
			l.Rule, l.Score = RuleManual, 0
		}
		res.Links = append(res.Links, l)
	}

	res.Cluster = representatives(recs, clusters)
	res.Component = representatives(recs, comp)
	for _, p := range reviews {
		if res.Cluster[p.a] == res.Cluster[p.b] {
			continue
		}
		res.Reviews = append(res.Reviews, Link{A: int(p.a), B: int(p.b), Score: p.score, Rule: RuleScore, levels: p.levels, conflict: p.conflict})
	}
	slices.SortFunc(res.Reviews, func(x, y Link) int {
		if c := cmp.Compare(y.Score, x.Score); c != 0 {
			return c
		}
		if c := cmp.Compare(x.A, y.A); c != 0 {
			return c
		}
		return cmp.Compare(x.B, y.B)
	})
}

func newEdge(recs []Record, s scored, manual bool) edge {
	e := edge{scored: s, manual: manual, lo: int(s.a), hi: int(s.b)}
	if keyLess(recs, e.lo, e.hi) > 0 {
		e.lo, e.hi = e.hi, e.lo
	}
	return e
}

// guard says why the clusters with members a and b must stay apart, or ""
// if they may join: some record of one and some record of the other are
// marked never-match, or clearly differ in given name or birthday.
func guard(feats []features, cons constraintSet, a, b []int) conflict {
	for _, x := range a {
		for _, y := range b {
			lo, hi := min(x, y), max(x, y)
			if cons.never[[2]int{lo, hi}] {
				return conflictNever
			}
			if why := compare(&feats[lo], &feats[hi]).conflict; why != noConflict {
				return why
			}
		}
	}
	return noConflict
}

// representatives maps each record to the member of its set with the
// smallest key.
func representatives(recs []Record, uf *unionFind) []int {
	rep := make([]int32, len(recs)) // by root: the best member so far, +1
	for i := range recs {
		r := uf.find(i)
		if cur := rep[r] - 1; cur < 0 || recs[i].Key < recs[cur].Key {
			rep[r] = int32(i) + 1
		}
	}
	out := make([]int, len(recs))
	for i := range recs {
		out[i] = int(rep[uf.find(i)] - 1)
	}
	return out
}

type unionFind struct{ parent []int32 }

func newUnionFind(n int) *unionFind {
	p := make([]int32, n)
	for i := range p {
		p[i] = int32(i)
	}
	return &unionFind{p}
}

func (u *unionFind) find(i int) int {
	for int(u.parent[i]) != i {
		u.parent[i] = u.parent[u.parent[i]]
		i = int(u.parent[i])
	}
	return i
}

// union joins the sets of a and b and returns the new root.
func (u *unionFind) union(a, b int) int {
	ra, rb := u.find(a), u.find(b)
	if ra == rb {
		return ra
	}
	if ra > rb {
		ra, rb = rb, ra
	}
	u.parent[rb] = int32(ra)
	return ra
}
