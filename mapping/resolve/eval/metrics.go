package eval

import (
	"fmt"
	"slices"
)

// Scores are pairwise scores: a pair is two distinct records, true when
// both belong to one person, predicted when the resolver put both in one
// cluster.
type Scores struct {
	// TruePairs, PredictedPairs and TP (pairs both true and predicted)
	// count unordered pairs.
	TruePairs, PredictedPairs, TP int64
	// Precision is TP/PredictedPairs, 1 when nothing was predicted (no
	// false merge). Recall is TP/TruePairs, 1 when there is nothing to find.
	// F1 is their harmonic mean, 0 when both are 0.
	Precision, Recall, F1 float64
}

// String formats s as one table line:
// "P 0.9876  R 0.8765  F1 0.9288  (TP 4321, predicted 4375, true 5000)".
func (s Scores) String() string {
	return fmt.Sprintf("P %.4f  R %.4f  F1 %.4f  (TP %d, predicted %d, true %d)",
		s.Precision, s.Recall, s.F1, s.TP, s.PredictedPairs, s.TruePairs)
}

func newScores(truePairs, predPairs, tp int64) Scores {
	s := Scores{TruePairs: truePairs, PredictedPairs: predPairs, TP: tp, Precision: 1, Recall: 1}
	if predPairs > 0 {
		s.Precision = float64(tp) / float64(predPairs)
	}
	if truePairs > 0 {
		s.Recall = float64(tp) / float64(truePairs)
	}
	s.F1 = f1(s.Precision, s.Recall)
	return s
}

func f1(p, r float64) float64 {
	if p+r == 0 {
		return 0
	}
	return 2 * p * r / (p + r)
}

func pairs(n int64) int64 { return n * (n - 1) / 2 }

// clusters numbers the labels 0, 1, 2, … in order of first appearance. An
// empty label is a cluster of its own (a record nobody clustered).
func clusters(labels []string) (ids []int32, sizes []int64) {
	ids = make([]int32, len(labels))
	seen := make(map[string]int32, len(labels)/2+1)
	for i, l := range labels {
		id, ok := seen[l]
		if !ok {
			id = int32(len(sizes))
			sizes = append(sizes, 0)
			if l != "" {
				seen[l] = id
			}
		}
		ids[i] = id
		sizes[id]++
	}
	return ids, sizes
}

// contingency counts the records in each (truth, predicted) cell.
type contingency struct {
	truth, pred         []int32
	truthSize, predSize []int64
	cells               map[uint64]int64
}

func newContingency(truth, predicted []string) *contingency {
	if len(truth) != len(predicted) {
		panic(fmt.Sprintf("eval: %d truth labels but %d predicted labels", len(truth), len(predicted)))
	}
	c := &contingency{cells: make(map[uint64]int64, len(truth))}
	c.truth, c.truthSize = clusters(truth)
	c.pred, c.predSize = clusters(predicted)
	for i := range c.truth {
		c.cells[cellKey(c.truth[i], c.pred[i])]++
	}
	return c
}

func cellKey(t, p int32) uint64 { return uint64(uint32(t))<<32 | uint64(uint32(p)) }

// Pairwise scores predicted clusters against true ones. truth[i] and
// predicted[i] are the cluster labels of record i; an empty label puts the
// record in a cluster of its own. It counts from the contingency table in
// time linear in the number of records: TruePairs is the sum of C(n,2) over
// true clusters, PredictedPairs over predicted clusters and TP over the
// cells of records that agree on both. It panics if the slices differ in
// length.
func Pairwise(truth, predicted []string) Scores {
	c := newContingency(truth, predicted)
	var tp, tr, pr int64
	for _, n := range c.cells {
		tp += pairs(n)
	}
	for _, n := range c.truthSize {
		tr += pairs(n)
	}
	for _, n := range c.predSize {
		pr += pairs(n)
	}
	return newScores(tr, pr, tp)
}

// BCubed returns the B-cubed precision, recall and F1 of predicted
// clusters against true ones (Bagga and Baldwin): for each record, the
// share of its predicted cluster that is truly its person (precision) and
// the share of its person that is in its predicted cluster (recall),
// averaged over records; F1 is the harmonic mean of the two averages.
// Labels are as for Pairwise. With no records all three are 1. It runs in
// linear time and panics if the slices differ in length.
func BCubed(truth, predicted []string) (precision, recall, f float64) {
	c := newContingency(truth, predicted)
	if len(c.truth) == 0 {
		return 1, 1, 1
	}
	// Sort the cells so the floating-point sums do not depend on map order.
	keys := make([]uint64, 0, len(c.cells))
	for k := range c.cells {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		n := float64(c.cells[k])
		t, p := int32(k>>32), int32(uint32(k))
		precision += n * n / float64(c.predSize[p])
		recall += n * n / float64(c.truthSize[t])
	}
	total := float64(len(c.truth))
	precision /= total
	recall /= total
	return precision, recall, f1(precision, recall)
}

// RecallByCase scores, for each Case value among rows (including "" for
// plain records), the pairs that touch that case. For case c, let R(c) be
// the records whose Case is c. Then
//
//   - TruePairs counts the true pairs (same Truth) with at least one record
//     in R(c): Recall says how many of them the resolver found, so the
//     "maiden_name" recall is the share of pairs between a maiden-name
//     record and the person's other records that ended up together;
//   - PredictedPairs counts the predicted pairs (same predicted label) with
//     at least one record in R(c), and TP those that are also true pairs:
//     PredictedPairs - TP are the false merges involving the case, so the
//     "household" precision drops when household members are merged.
//
// A pair between two cases counts for both. predicted[i] is the cluster
// label of rows[i], as for Pairwise, and Truth labels are as well. A group
// of n records of which k are in R(c) has C(n,2) - C(n-k,2) such pairs, so
// this runs in linear time. It panics if the lengths differ.
func RecallByCase(rows []Row, predicted []string) map[string]Scores {
	truth := make([]string, len(rows))
	for i := range rows {
		truth[i] = rows[i].Truth
	}
	c := newContingency(truth, predicted)
	caseID := make(map[string]int32)
	var names []string
	cs := make([]int32, len(rows))
	for i := range rows {
		id, ok := caseID[rows[i].Case]
		if !ok {
			id = int32(len(names))
			caseID[rows[i].Case] = id
			names = append(names, rows[i].Case)
		}
		cs[i] = id
	}
	type key struct {
		group uint64
		cs    int32
	}
	// k counts, per group and case, the records of that case in the group;
	// groups are true clusters, predicted clusters and cells.
	inTruth, inPred, inCell := make(map[key]int64), make(map[key]int64), make(map[key]int64)
	for i := range rows {
		t, p := c.truth[i], c.pred[i]
		inTruth[key{uint64(t), cs[i]}]++
		inPred[key{uint64(p), cs[i]}]++
		inCell[key{cellKey(t, p), cs[i]}]++
	}
	touching := func(n, k int64) int64 { return pairs(n) - pairs(n-k) }
	tr := make([]int64, len(names))
	pr := make([]int64, len(names))
	tp := make([]int64, len(names))
	for k, n := range inTruth {
		tr[k.cs] += touching(c.truthSize[k.group], n)
	}
	for k, n := range inPred {
		pr[k.cs] += touching(c.predSize[k.group], n)
	}
	for k, n := range inCell {
		tp[k.cs] += touching(c.cells[k.group], n)
	}
	out := make(map[string]Scores, len(names))
	for i, name := range names {
		out[name] = newScores(tr[i], pr[i], tp[i])
	}
	return out
}
