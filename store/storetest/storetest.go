// Package storetest gives tests a real, migrated database: SQLite in a
// temporary file, and MySQL/MariaDB when NAYOSE_TEST_MYSQL_DSN names a
// server. Each test gets a database of its own.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"os"
	"path/filepath"
	"testing"

	"github.com/go-sql-driver/mysql"
	"github.com/nayose/nayose/store"
)

// EnvDSN names the MySQL server tests use, as a DSN whose database part is
// ignored: "root@tcp(127.0.0.1:3306)/test".
const EnvDSN = "NAYOSE_TEST_MYSQL_DSN"

// EnvRequire, set to 1, makes a missing MySQL server a test failure
// instead of a skip, so CI cannot pass without running the MySQL tests.
const EnvRequire = "NAYOSE_REQUIRE_MYSQL"

// Dialects lists the dialects tests run on.
var Dialects = []string{store.SQLite, store.MySQL}

// Each runs fn as a subtest on every dialect, each with a fresh migrated
// database.
func Each(t *testing.T, fn func(t *testing.T, db *store.DB)) {
	t.Helper()
	for _, d := range Dialects {
		t.Run(d, func(t *testing.T) {
			fn(t, Open(t, d))
		})
	}
}

// Open returns a fresh migrated database of the dialect, closed and (for
// MySQL) dropped when the test ends. MySQL tests skip when no server is
// configured, unless EnvRequire is set.
func Open(t testing.TB, dialect string) *store.DB {
	t.Helper()
	opts := Options(t, dialect)
	db, err := store.Open(context.Background(), opts)
	if err != nil {
		t.Fatalf("opening %s: %v", dialect, err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(context.Background()); err != nil {
		t.Fatalf("migrating %s: %v", dialect, err)
	}
	return db
}

// Options returns the options for a fresh, empty database of the dialect,
// without opening it.
func Options(t testing.TB, dialect string) store.Options {
	t.Helper()
	switch dialect {
	case store.SQLite:
		return store.Options{Dialect: store.SQLite, Path: filepath.Join(t.TempDir(), "nayose.db")}
	case store.MySQL:
		return store.Options{Dialect: store.MySQL, DSN: freshMySQL(t), MaxOpenConns: 4}
	}
	t.Fatalf("unknown dialect %q", dialect)
	return store.Options{}
}

// freshMySQL creates a database of its own for the test and returns its DSN.
func freshMySQL(t testing.TB) string {
	t.Helper()
	dsn := os.Getenv(EnvDSN)
	if dsn == "" {
		if os.Getenv(EnvRequire) == "1" {
			t.Fatalf("%s=1 but %s is not set: the MySQL tests cannot run", EnvRequire, EnvDSN)
		}
		t.Skipf("MySQL tests skipped: set %s (like root@tcp(127.0.0.1:3306)/test) to run them", EnvDSN)
	}
	cfg, err := mysql.ParseDSN(dsn)
	if err != nil {
		t.Fatalf("%s is not a MySQL DSN: %v", EnvDSN, err)
	}
	admin, err := sql.Open("mysql", cfg.FormatDSN())
	if err != nil {
		t.Fatalf("connecting to MySQL: %v", err)
	}
	defer admin.Close()
	var b [5]byte
	_, _ = rand.Read(b[:])
	name := "nayose_test_" + hex.EncodeToString(b[:])
	if _, err := admin.Exec("CREATE DATABASE " + name + " CHARACTER SET utf8mb4"); err != nil {
		t.Fatalf("creating test database (is MySQL running at %s?): %v", cfg.Addr, err)
	}
	t.Cleanup(func() {
		admin, err := sql.Open("mysql", cfg.FormatDSN())
		if err == nil {
			admin.Exec("DROP DATABASE IF EXISTS " + name)
			admin.Close()
		}
	})
	cfg.DBName = name
	return cfg.FormatDSN()
}

// Empty deletes every row of every nayose table, keeping the schema: a
// benchmark's rounds each start from an empty store. On MySQL the tables
// are truncated: deleting rows would leave InnoDB purging them in the
// background, slowing whatever is measured next.
func Empty(tb testing.TB, db *store.DB) {
	tb.Helper()
	stmt := "DELETE FROM "
	if db.Dialect == store.MySQL {
		stmt = "TRUNCATE TABLE "
	}
	for _, table := range store.Tables() {
		if err := db.Gorm.Exec(stmt + table).Error; err != nil {
			tb.Fatalf("emptying %s: %v", table, err)
		}
	}
}
