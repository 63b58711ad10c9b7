package store_test

import (
	"context"
	"slices"
	"testing"

	"github.com/nayose/nayose/store"
	"github.com/nayose/nayose/store/storetest"
)

func TestMigrate_IsIdempotentAndRecorded(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		applied, err := db.Migrate(context.Background())
		if err != nil || len(applied) != 0 {
			t.Fatalf("second migrate applied %v, %v; want nothing", applied, err)
		}
		var versions []int
		db.Gorm.Raw("SELECT version FROM schema_migrations ORDER BY version").Scan(&versions)
		if !slices.Equal(versions, []int{1, 2, 3, 4, 5, 6, 7}) {
			t.Errorf("schema_migrations = %v", versions)
		}
		want := []string{"customers", "customer_identities", "activities", "customer_aliases", "merge_events", "sync_runs", "sync_state", "rejected_records", "alerts", "sync_locks", "match_keys", "match_components", "match_overrides", "match_reviews", "oauth_tokens", "stale_customers", "metric_cuts", "webhook_events"}
		for _, table := range want {
			if !db.Gorm.Migrator().HasTable(table) {
				t.Errorf("table %s missing", table)
			}
		}
		if got := slices.Sorted(slices.Values(store.Tables())); !slices.Equal(got, slices.Sorted(slices.Values(want))) {
			t.Errorf("store.Tables() = %v, want %v", got, want)
		}
	})
}

func TestSchema_KeysAreExactAndTextIsJapaneseSafe(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		// Ids that differ only in case or width are different records.
		for _, id := range []string{"abc", "ABC", "ｱ", "ア"} {
			row := store.Identity{Source: "s", ExternalID: id, FullName: "𠮷野家 髙橋", Emails: "[]", Phones: "[]", Raw: "{}"}
			if err := db.Gorm.Create(&row).Error; err != nil {
				t.Fatalf("inserting id %q: %v", id, err)
			}
		}
		var got store.Identity
		db.Gorm.Where("external_id = ?", "ア").First(&got)
		if got.FullName != "𠮷野家 髙橋" {
			t.Errorf("4-byte characters did not survive: %q", got.FullName)
		}
	})
}

func TestSchema_MySQLTablesAreCommentedForBI(t *testing.T) {
	db := storetest.Open(t, store.MySQL)
	var missing []string
	db.Gorm.Raw(`SELECT CONCAT(table_name, '.', column_name) FROM information_schema.columns
		WHERE table_schema = DATABASE() AND table_name <> 'schema_migrations' AND column_comment = ''`).Scan(&missing)
	if len(missing) > 0 {
		t.Errorf("columns without a comment: %v", missing)
	}
	var charsets []string
	db.Gorm.Raw(`SELECT DISTINCT table_collation FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name <> 'schema_migrations'`).Scan(&charsets)
	if !slices.Equal(charsets, []string{"utf8mb4_unicode_ci"}) {
		t.Errorf("table collations = %v", charsets)
	}
}

func TestMigrate_ActivityTotalsIndexReplacesTheTimelineIndex(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		m := db.Gorm.Migrator()
		if !m.HasIndex("customer_identities", "ix_identities_source_refs") || !m.HasIndex("activities", "ix_activities_customer_totals") || m.HasIndex("activities", "ix_activities_customer_occurred") {
			t.Fatalf("after migrating: totals index %v, old timeline index %v; want only the totals index",
				m.HasIndex("activities", "ix_activities_customer_totals"), m.HasIndex("activities", "ix_activities_customer_occurred"))
		}
		// A migration cut off after creating the new index but before
		// recording itself runs again cleanly.
		if err := db.Gorm.Exec("DELETE FROM schema_migrations WHERE version = 4").Error; err != nil {
			t.Fatal(err)
		}
		applied, err := db.Migrate(context.Background())
		if err != nil || !slices.Equal(applied, []int{4}) {
			t.Fatalf("re-running migration 4: applied %v, %v", applied, err)
		}
	})
}

func TestMigrate_AlertDeliveryColumnsAddedOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		m := db.Gorm.Migrator()
		for _, col := range []string{"attempts", "not_before"} {
			if !m.HasColumn("alerts", col) {
				t.Errorf("alerts.%s missing after migrating", col)
			}
		}
		// A migration cut off after adding its first column runs again
		// without adding it twice.
		if err := db.Gorm.Exec("DELETE FROM schema_migrations WHERE version = 5").Error; err != nil {
			t.Fatal(err)
		}
		applied, err := db.Migrate(context.Background())
		if err != nil || !slices.Equal(applied, []int{5}) {
			t.Fatalf("re-running migration 5: applied %v, %v", applied, err)
		}
		// The columns work through the model, with their defaults.
		row := store.Alert{Rule: "r", DedupKey: "k", Status: store.AlertPending, Payload: "{}"}
		if err := db.Gorm.Create(&row).Error; err != nil {
			t.Fatal(err)
		}
		var got store.Alert
		if err := db.Gorm.First(&got, row.ID).Error; err != nil {
			t.Fatal(err)
		}
		if got.Attempts != 0 || got.NotBefore != nil {
			t.Errorf("new alert: attempts %d, not_before %v; want 0 and NULL", got.Attempts, got.NotBefore)
		}
	})
}
