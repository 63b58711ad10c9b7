package resolve

import (
	"cmp"
	"math"
	"math/rand/v2"
	"slices"
	"sync"
)

// LearnStats says how learning went.
type LearnStats struct {
	Pairs      int     // candidate pairs the model was fitted on
	Patterns   int     // distinct comparison vectors among them
	Iterations int     // EM iterations run
	MatchShare float64 // the fitted share of pairs that are one person
}

// Learn fits the Fellegi–Sunter parameters to the records with the
// expectation–maximization algorithm, starting from start, over the pairs
// blocking would compare. Pairs are summed in a fixed order, so the result
// depends on the set of records only.
func Learn(recs []Record, start Model, opts Options) (Model, LearnStats, error) {
	o := opts.withDefaults()
	feats := prepareAll(recs, &o)
	pairs, _ := candidatePairs(feats, nil, &o)
	if len(pairs) == 0 {
		return start, LearnStats{}, ErrNoRecords
	}
	start.U = randomU(recs, feats)
	counts := patternCounts(feats, pairs, o.Workers)
	m, stats := em(counts, start)
	stats.Pairs = len(pairs)
	return m, stats, nil
}

// randomU estimates how often each level occurs between two different
// people from random pairs of records: nearly every random pair is two
// people. Blocked pairs cannot tell this, because blocking picks pairs
// that agree on something. Records are sampled in key order with a fixed
// seed, so the estimate depends on the set of records only.
func randomU(recs []Record, feats []features) [numFields][numLevels]float64 {
	const samples = 200_000
	order := make([]int, len(recs))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int { return cmp.Compare(recs[a].Key, recs[b].Key) })
	rng := rand.New(rand.NewPCG(1, 2))
	var count [numFields][numLevels]float64
	for range samples {
		a, b := order[rng.IntN(len(order))], order[rng.IntN(len(order))]
		if a == b {
			continue
		}
		c := compare(&feats[min(a, b)], &feats[max(a, b)])
		for f := range numFields {
			count[f][c.levels.level(f)]++
		}
	}
	var u [numFields][numLevels]float64
	for f := range numFields {
		total := 0.0
		for _, l := range fieldLevels[f] {
			total += count[f][l] + 1
		}
		for _, l := range fieldLevels[f] {
			u[f][l] = (count[f][l] + 1) / total
		}
	}
	return u
}

type patternCount struct {
	p pattern
	n float64
}

func patternCounts(feats []features, pairs []uint64, workers int) []patternCount {
	parts := make([]map[pattern]int, workers)
	step := (len(pairs) + workers - 1) / workers
	var wg sync.WaitGroup
	for w := range workers {
		lo, hi := w*step, min(len(pairs), (w+1)*step)
		if lo >= hi {
			continue
		}
		wg.Go(func() {
			m := map[pattern]int{}
			for _, p := range pairs[lo:hi] {
				m[compare(&feats[p>>32], &feats[p&0xffffffff]).levels]++
			}
			parts[w] = m
		})
	}
	wg.Wait()
	total := map[pattern]int{}
	for _, m := range parts {
		for p, n := range m {
			total[p] += n
		}
	}
	out := make([]patternCount, 0, len(total))
	for p, n := range total {
		out = append(out, patternCount{p, float64(n)})
	}
	slices.SortFunc(out, func(a, b patternCount) int { return cmp.Compare(a.p, b.p) })
	return out
}

// em runs expectation–maximization on counted comparison vectors, under
// the usual assumption that fields agree independently given the class.
// It fits M and the share of matches; U stays as given.
func em(counts []patternCount, m Model) (Model, LearnStats) {
	const (
		maxIter = 200
		epsilon = 1e-7
		smooth  = 1e-3 // pseudo-count, so no level's probability becomes 0
	)
	total := 0.0
	for _, c := range counts {
		total += c.n
	}
	share := 0.1
	var stats LearnStats
	stats.Patterns = len(counts)
	for iter := 1; iter <= maxIter; iter++ {
		var mSum [numFields][numLevels]float64
		matched := 0.0
		for _, c := range counts {
			pm, pu := share, 1-share
			for f := range numFields {
				if l := c.p.level(f); l != Missing {
					pm *= m.M[f][l]
					pu *= m.U[f][l]
				}
			}
			g := 0.0
			if pm+pu > 0 {
				g = pm / (pm + pu)
			}
			matched += g * c.n
			for f := range numFields {
				l := c.p.level(f)
				mSum[f][l] += g * c.n
			}
		}
		var next Model
		change := math.Abs(matched/total - share)
		for f := range numFields {
			var mTot float64
			for _, l := range fieldLevels[f] {
				mTot += mSum[f][l] + smooth
			}
			for _, l := range fieldLevels[f] {
				next.M[f][l] = (mSum[f][l] + smooth) / mTot
				next.U[f][l] = m.U[f][l] // fixed: estimated from random pairs
				change = max(change, math.Abs(next.M[f][l]-m.M[f][l]), math.Abs(next.U[f][l]-m.U[f][l]))
			}
		}
		m, share = next, matched/total
		stats.Iterations = iter
		if change < epsilon {
			break
		}
	}
	stats.MatchShare = share
	return m, stats
}
