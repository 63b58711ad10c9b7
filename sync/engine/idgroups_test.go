package engine

import (
	"slices"
	"testing"
)

func TestIDGroups_DenseRunsAreRangesAndSparseOnesShortLists(t *testing.T) {
	var ids []int64
	for id := int64(1); id <= 1200; id++ { // dense: 1..1200
		ids = append(ids, id)
	}
	for id := int64(10_000); id < 10_000+150*1000; id += 1000 { // sparse: 150 ids far apart
		ids = append(ids, id)
	}
	var got []idGroup
	for g := range idGroups(ids) {
		got = append(got, g)
	}
	var seen []int64
	for _, g := range got {
		seen = append(seen, g.ids...)
	}
	if !slices.Equal(seen, ids) {
		t.Fatalf("groups cover %d ids, want all %d in order", len(seen), len(ids))
	}
	want := []struct {
		n     int
		dense bool
	}{
		{rangeChunk, true}, {rangeChunk, true},
		// 1001..1200 then the sparse ones: not dense as a whole.
		{inChunk, false}, {inChunk, false}, {inChunk, false}, {50, false},
	}
	if len(got) != len(want) {
		t.Fatalf("got %d groups, want %d", len(got), len(want))
	}
	for i, w := range want {
		if len(got[i].ids) != w.n || got[i].dense != w.dense {
			t.Errorf("group %d: %d ids, dense %v; want %d, %v", i, len(got[i].ids), got[i].dense, w.n, w.dense)
		}
	}
	if cond, args := got[0].where("customer_id"); cond != "customer_id BETWEEN ? AND ?" || args[0] != int64(1) || args[1] != int64(rangeChunk) {
		t.Errorf("dense condition = %q %v", cond, args)
	}
	if cond, _ := got[2].where("id"); cond != "id IN ?" {
		t.Errorf("sparse condition = %q", cond)
	}
}
