package engine_test

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/nayose/nayose/connectors"
	"github.com/nayose/nayose/mapping"
	"github.com/nayose/nayose/mapping/resolve"
	"github.com/nayose/nayose/mapping/resolve/eval"
	"github.com/nayose/nayose/store"
	"github.com/nayose/nayose/store/storetest"
	"github.com/nayose/nayose/sync/engine"
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

func TestRematch_IndexesOldDataAndFollowsNewThresholds(t *testing.T) {
	rows := eval.Japanese(5, 120)
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		e := newEngine(db)
		var ids []connectors.Identity
		for _, r := range rows {
			ids = append(ids, identityOf(r))
		}
		run(t, e, connector("crm", &pagedStream{name: "customers", pages: []connectors.Page{{Identities: ids}}}))
		want := storedPartition(t, db)

		// A database written before match keys existed: no index at all.
		for _, table := range []string{"match_keys", "match_components"} {
			if err := db.Gorm.Exec("DELETE FROM " + table).Error; err != nil {
				t.Fatal(err)
			}
		}
		if n, err := e.Unindexed(ctx); err != nil || n != len(rows) {
			t.Fatalf("unindexed = %d, %v; want %d", n, err, len(rows))
		}
		res, err := e.Rematch(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if n, _ := e.Unindexed(ctx); n != 0 || res.Identities != len(rows) {
			t.Errorf("after rematch: %d unindexed, %d re-resolved", n, res.Identities)
		}
		if got := storedPartition(t, db); !slices.EqualFunc(got, want, slices.Equal) {
			t.Errorf("rematch of unchanged data gave %d customers, want %d", len(got), len(want))
		}

		// A far stricter auto-merge score: fewer merges, and a person's
		// decision still holds.
		var two []int64
		db.Gorm.Model(&store.Customer{}).Order("id").Limit(2).Pluck("id", &two)
		// The decision binds each customer's oldest identity.
		oldest := make([]int64, 2)
		for i, c := range two {
			db.Gorm.Model(&store.Identity{}).Where("customer_id = ?", c).Select("MIN(id)").Scan(&oldest[i])
		}
		if _, err := e.Merge(ctx, two[0], two[1], engine.Decision{Note: "same person"}); err != nil {
			t.Fatal(err)
		}
		strict := engine.New(engine.Options{DB: db, Resolve: resolve.Options{AutoMerge: 40}})
		res, err = strict.Rematch(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if res.Customers <= len(want)-1 {
			t.Errorf("customers with auto-merge 40 = %d, want more than %d", res.Customers, len(want)-1)
		}
		var owners []int64
		db.Gorm.Model(&store.Identity{}).Where("id IN ?", oldest).Distinct("customer_id").Pluck("customer_id", &owners)
		if len(owners) != 1 {
			t.Errorf("after a strict rematch the manually merged identities belong to customers %v", owners)
		}
	})
}

func TestSurvivorship_SourcePriorityThenRecency(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := engine.New(engine.Options{DB: db, SourcePriority: []string{"pos", "line"}})
		newer := time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)
		older := newer.AddDate(-1, 0, 0)
		line := withKana(person("l1", "さとう たろう", "taro.s@gmail.com", "090-2468-1357"), "サトウ タロウ")
		line.UpdatedAt, line.Address = newer, "東京都渋谷区神南1-2-3"
		crm := withKana(person("c1", "Taro Sato", "taro.s@gmail.com", ""), "サトウ タロウ")
		crm.UpdatedAt, crm.Address, crm.Company = newer.AddDate(0, 1, 0), "大阪府大阪市北区梅田1-1-1", "佐藤商店"
		pos := withKana(person("p1", "佐藤 太郎", "", "090-2468-1357"), "サトウ タロウ")
		pos.UpdatedAt = older
		run(t, e, connector("line", &pagedStream{name: "friends", pages: []connectors.Page{{Identities: []connectors.Identity{line}}}}))
		run(t, e, connector("crm", &pagedStream{name: "contacts", pages: []connectors.Page{{Identities: []connectors.Identity{crm}}}}))
		run(t, e, connector("pos", &pagedStream{name: "customers", pages: []connectors.Page{{Identities: []connectors.Identity{pos}}}}))
		var cs []store.Customer
		db.Gorm.Find(&cs)
		if len(cs) != 1 {
			t.Fatalf("customers = %d, want 1", len(cs))
		}
		c := cs[0]
		// pos is trusted most: its name wins though it is the oldest. pos
		// has no address: line (listed) beats crm (newer, unlisted).
		// Only crm has a company.
		if c.DisplayName != "佐藤 太郎" || c.Address != "東京都渋谷区神南1-2-3" || c.Company != "佐藤商店" {
			t.Errorf("customer = %q / %q / %q", c.DisplayName, c.Address, c.Company)
		}
		var sources map[string]string
		_ = json.Unmarshal([]byte(c.FieldSources), &sources)
		if sources["display_name"] != "pos" || sources["address"] != "line" || sources["company"] != "crm" || sources["email"] != "line" {
			t.Errorf("field_sources = %v", sources)
		}
	})
}

func TestDecisions_SplitIsKeptAndUndoesTheMerge(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		e := newEngine(db)
		page := connectors.Page{Identities: []connectors.Identity{
			withKana(person("a", "佐藤 太郎", "taro.s@gmail.com", "090-2468-1357"), "サトウ タロウ"),
			withKana(person("b", "佐藤太郎", "", "09024681357"), "さとう たろう"),
		}}
		c := connector("crm", &pagedStream{name: "customers", pages: []connectors.Page{page}})
		run(t, e, c)
		var ids []int64
		db.Gorm.Model(&store.Identity{}).Order("id").Pluck("id", &ids)
		if n := count(t, db, "customers"); n != 1 {
			t.Fatalf("customers = %d, want 1", n)
		}
		if err := e.NeverMatch(ctx, 1, 1, engine.Decision{}); err == nil || !strings.Contains(err.Error(), "split") {
			t.Errorf("never-match of one customer with itself: %v", err)
		}
		moved, err := e.Split(ctx, ids[1], engine.Decision{Actor: "hanako", Note: "his son"})
		if err != nil {
			t.Fatal(err)
		}
		if n := count(t, db, "merge_events", "identity_id = ? AND action = ? AND undone_at IS NOT NULL", ids[1], "merge"); n != 1 {
			t.Errorf("undone merges of the split identity = %d, want 1", n)
		}
		var split store.MergeEvent
		if err := db.Gorm.Where("action = ?", "split").First(&split).Error; err != nil || split.Actor != "manual" || split.Rule != "manual_split" || *split.OtherCustomerID != moved {
			t.Errorf("split event = %+v (%v)", split, err)
		}
		var o store.MatchOverride
		if err := db.Gorm.First(&o).Error; err != nil || o.Decision != store.DecisionNever || o.Actor != "hanako" || o.Note != "his son" {
			t.Errorf("override = %+v (%v)", o, err)
		}
		// The same data again, even changed: the split holds.
		db.Gorm.Where("1 = 1").Delete(&store.SyncState{})
		page.Identities[1].Emails = []string{"taro.s@gmail.com"}
		run(t, e, connector("crm", &pagedStream{name: "customers", pages: []connectors.Page{page}}))
		if n := count(t, db, "customers"); n != 2 {
			t.Errorf("customers after a re-run = %d, want 2", n)
		}
		// Merging them again lifts the decision.
		if _, err := e.Merge(ctx, 1, moved, engine.Decision{}); err != nil {
			t.Fatal(err)
		}
		if n := count(t, db, "customers"); n != 1 {
			t.Errorf("customers after merge = %d, want 1", n)
		}
		if n := count(t, db, "match_overrides", "decision = ?", store.DecisionNever); n != 0 {
			t.Errorf("never-match decisions left after merge = %d", n)
		}
	})
}
