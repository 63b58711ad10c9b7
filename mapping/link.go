package mapping

import "strconv"

// Candidate is an identity reduced to what linking compares.
type Candidate struct {
	// CustomerID is the customer the identity belongs to now; 0 if none yet.
	CustomerID int64
	EmailKey   string
	PhoneKey   string
}

// Linker decides which identities are one person.
type Linker interface {
	// Group partitions cands into people: each group lists indexes into
	// cands, every index appears in exactly one group, and the grouping
	// does not depend on the order of cands. Identities already of one
	// customer stay together.
	Group(cands []Candidate) [][]int
}

// ExactKeyLinker is the simplest correct rule: identities that share a
// normalized email or phone are one person. It knows nothing of households
// or junk values; the identity-resolution work replaces it.
type ExactKeyLinker struct{}

// Group implements Linker with a union-find over shared keys.
func (ExactKeyLinker) Group(cands []Candidate) [][]int {
	parent := make([]int, len(cands))
	for i := range parent {
		parent[i] = i
	}
	var find func(int) int
	find = func(i int) int {
		for parent[i] != i {
			parent[i] = parent[parent[i]]
			i = parent[i]
		}
		return i
	}
	union := func(a, b int) {
		ra, rb := find(a), find(b)
		if ra == rb {
			return
		}
		if ra > rb {
			ra, rb = rb, ra
		}
		parent[rb] = ra
	}
	first := map[string]int{}
	join := func(kind, value string, i int) {
		if value == "" {
			return
		}
		key := kind + "\x00" + value
		if j, ok := first[key]; ok {
			union(i, j)
		} else {
			first[key] = i
		}
	}
	for i, c := range cands {
		join("email", c.EmailKey, i)
		join("phone", c.PhoneKey, i)
		if c.CustomerID != 0 {
			join("customer", strconv.FormatInt(c.CustomerID, 10), i)
		}
	}
	groups := map[int][]int{}
	var roots []int
	for i := range cands {
		r := find(i)
		if _, ok := groups[r]; !ok {
			roots = append(roots, r)
		}
		groups[r] = append(groups[r], i)
	}
	out := make([][]int, 0, len(roots))
	for _, r := range roots {
		out = append(out, groups[r])
	}
	return out
}
