package engine_test

import (
	"encoding/json"
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/nayose/nayose/connectors"
	"github.com/nayose/nayose/mapping"
	"github.com/nayose/nayose/mapping/resolve"
	"github.com/nayose/nayose/mapping/resolve/eval"
	"github.com/nayose/nayose/store"
	"github.com/nayose/nayose/store/storetest"
)

// identityOf turns a generated row into what a connector would emit.
func identityOf(r eval.Row) connectors.Identity {
	id := connectors.Identity{
		ExternalID: r.RecordID, FullName: r.FullName, FamilyName: r.FamilyName, GivenName: r.GivenName,
		NameKana: r.NameKana, Emails: nonEmpty(r.Email), Phones: nonEmpty(r.Phone),
		PostalCode: r.PostalCode, Address: r.Address, Company: r.Company,
	}
	if d, err := mapping.ParseDate(r.Birthday); err == nil {
		id.Birthday = d
	}
	return id
}

// storedPartition reads the customers as sets of "source/external_id".
func storedPartition(t *testing.T, db *store.DB) [][]string {
	t.Helper()
	var idents []store.Identity
	if err := db.Gorm.Order("id").Find(&idents).Error; err != nil {
		t.Fatal(err)
	}
	byCustomer := map[int64][]string{}
	for _, id := range idents {
		byCustomer[id.CustomerID] = append(byCustomer[id.CustomerID], id.Source+"/"+id.ExternalID)
	}
	return sortedGroups(byCustomer)
}

func sortedGroups[K comparable](m map[K][]string) [][]string {
	out := make([][]string, 0, len(m))
	for _, g := range m {
		slices.Sort(g)
		out = append(out, g)
	}
	slices.SortFunc(out, func(a, b []string) int { return strings.Compare(a[0], b[0]) })
	return out
}

// batchPartition resolves every stored identity at once.
func batchPartition(t *testing.T, db *store.DB) [][]string {
	t.Helper()
	var idents []store.Identity
	if err := db.Gorm.Order("id").Find(&idents).Error; err != nil {
		t.Fatal(err)
	}
	recs := make([]resolve.Record, len(idents))
	for i, id := range idents {
		var emails, phones []string
		_ = json.Unmarshal([]byte(id.Emails), &emails)
		_ = json.Unmarshal([]byte(id.Phones), &phones)
		recs[i] = resolve.Record{
			Key: id.Source + "\x1f" + id.ExternalID, Source: id.Source,
			FullName: id.FullName, FamilyName: id.FamilyName, GivenName: id.GivenName, NameKana: id.NameKana,
			Emails: emails, Phones: phones, Birthday: id.Birthday, PostalCode: id.PostalCode, Address: id.Address, Company: id.Company,
		}
	}
	res, err := resolve.Resolve(resolve.Input{Records: recs}, resolve.Options{})
	if err != nil {
		t.Fatal(err)
	}
	byRep := map[int][]string{}
	for i, c := range res.Cluster {
		byRep[c] = append(byRep[c], idents[i].Source+"/"+idents[i].ExternalID)
	}
	return sortedGroups(byRep)
}

// TestSync_PageByPageEqualsAllAtOnce feeds generated customer records
// through the engine in shuffled order and pages of random size, and
// checks that the customers are exactly the clusters that resolving every
// record at once gives; then that a re-run of the same data changes
// nothing.
func TestSync_PageByPageEqualsAllAtOnce(t *testing.T) {
	rows := eval.Japanese(3, 250)
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		rng := rand.New(rand.NewPCG(uint64(len(db.Dialect)), 9))
		shuffled := slices.Clone(rows)
		rng.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
		// Three rounds; in each, every source delivers its share in pages
		// of 1 to 40 records.
		e := newEngine(db)
		var conns []connectors.Connector
		for round := range 3 {
			bySource := map[string][]connectors.Identity{}
			for i, r := range shuffled {
				if i%3 == round {
					bySource[r.Source] = append(bySource[r.Source], identityOf(r))
				}
			}
			for _, src := range slices.Sorted(maps.Keys(bySource)) {
				var pages []connectors.Page
				for ids := bySource[src]; len(ids) > 0; {
					n := min(len(ids), 1+rng.IntN(40))
					pages = append(pages, connectors.Page{Identities: ids[:n]})
					ids = ids[n:]
				}
				c := connector(src, &pagedStream{name: fmt.Sprintf("round%d", round), pages: pages})
				conns = append(conns, c)
				run(t, e, c)
			}
		}
		got, want := storedPartition(t, db), batchPartition(t, db)
		if !slices.EqualFunc(got, want, slices.Equal) {
			t.Fatalf("page by page gave %d customers, all at once %d", len(got), len(want))
		}
		t.Logf("%d records of 250 people -> %d customers, %d merge events", len(rows), len(got), count(t, db, "merge_events"))
		if len(got) == len(rows) || len(got) > 300 {
			t.Fatalf("%d customers from %d records of 250 people: resolution did not work", len(got), len(rows))
		}

		// The same data again, from the start: nothing changes.
		events := count(t, db, "merge_events")
		var before []store.Customer
		db.Gorm.Order("id").Find(&before)
		if err := db.Gorm.Where("1 = 1").Delete(&store.SyncState{}).Error; err != nil {
			t.Fatal(err)
		}
		for _, c := range conns {
			run(t, e, c)
		}
		if n := count(t, db, "merge_events"); n != events {
			t.Errorf("re-run wrote %d merge events", n-events)
		}
		var after []store.Customer
		db.Gorm.Order("id").Find(&after)
		if len(after) != len(before) || !slices.EqualFunc(after, before, func(a, b store.Customer) bool {
			return a.ID == b.ID && a.IdentityCount == b.IdentityCount && a.DisplayName == b.DisplayName
		}) {
			t.Errorf("re-run changed customers: %d before, %d after", len(before), len(after))
		}
	})
}
