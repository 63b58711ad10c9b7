package engine

import (
	"errors"
	"strconv"
	"testing"

	"github.com/nayose/nayose/connectors"
)

func TestGather_ReadyPagesShareATransactionAndAnErrorComesAfterThem(t *testing.T) {
	people := func(from, n int) connectors.Page {
		p := connectors.Page{Cursor: strconv.Itoa(from + n)}
		for i := range n {
			p.Identities = append(p.Identities, connectors.Identity{ExternalID: strconv.Itoa(from + i)})
		}
		return p
	}
	vendorDown := errors.New("vendor returned 500")
	pages := make(chan fetched, 8)
	// Three small pages, one that fills a batch past batchRecords, one that
	// keeps the cursor, then an error.
	pages <- fetched{page: people(0, 10)}
	pages <- fetched{page: people(10, 10)}
	pages <- fetched{page: people(20, batchRecords)}
	pages <- fetched{page: connectors.Page{Identities: people(2000, 5).Identities}}
	pages <- fetched{err: vendorDown}
	close(pages)

	type got struct {
		pages, records int
		cursor         string
		err            error
	}
	var seen []got
	for b, err := range gather(pages) {
		seen = append(seen, got{b.pages, b.page.Len(), b.page.Cursor, err})
	}
	want := []got{
		{pages: 3, records: 20 + batchRecords, cursor: strconv.Itoa(20 + batchRecords)},
		{pages: 1, records: 5, cursor: ""},
		{err: vendorDown},
	}
	if len(seen) != len(want) {
		t.Fatalf("batches = %+v, want %+v", seen, want)
	}
	for i := range want {
		if seen[i] != want[i] {
			t.Errorf("batch %d = %+v, want %+v", i, seen[i], want[i])
		}
	}
}
