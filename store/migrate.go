package store

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"
)

// migration is one versioned change to the schema. Versions only grow;
// a released migration never changes.
type migration struct {
	version int
	name    string
	// statements returns the SQL for a dialect.
	statements func(dialect string) []string
	// then, if set, runs after the statements: changes that must look at
	// the schema first to stay idempotent.
	then func(tx *gorm.DB, dialect string) error
}

var migrations = []migration{
	{version: 1, name: "unified tables", statements: func(dialect string) []string {
		var out []string
		for _, t := range schemaV1 {
			out = append(out, t.create(dialect)...)
		}
		return out
	}},
	{version: 2, name: "identity resolution state", statements: func(dialect string) []string {
		var out []string
		for _, t := range schemaV2 {
			out = append(out, t.create(dialect)...)
		}
		return out
	}},
	{version: 3, name: "connector credentials", statements: func(dialect string) []string {
		var out []string
		for _, t := range schemaV3 {
			out = append(out, t.create(dialect)...)
		}
		return out
	}},
	{version: 4, name: "customers awaiting a rebuild", statements: func(dialect string) []string {
		var out []string
		for _, t := range schemaV4 {
			out = append(out, t.create(dialect)...)
		}
		return out
	}, then: func(tx *gorm.DB, dialect string) error {
		// Rebuilding a customer totals its activities by kind and currency:
		// the index on (customer_id, occurred_at) grows to cover that query,
		// so it never reads the rows themselves (and their raw JSON).
		if err := ensureIndex(tx, dialect, "activities", activitiesByCustomer, "ix_activities_customer_occurred"); err != nil {
			return err
		}
		// A sale names its customer by the source's id: this index gives
		// the identity and its customer without reading the identity row.
		return ensureIndex(tx, dialect, "customer_identities", identitiesBySourceID, "")
	}},
	{version: 5, name: "alert delivery", statements: func(string) []string { return nil }, then: func(tx *gorm.DB, dialect string) error {
		for _, c := range alertDelivery {
			if err := ensureColumn(tx, dialect, "alerts", c); err != nil {
				return err
			}
		}
		return nil
	}},
	{version: 6, name: "customer metrics", statements: func(dialect string) []string {
		var out []string
		for _, t := range schemaV6 {
			out = append(out, t.create(dialect)...)
		}
		return out
	}, then: func(tx *gorm.DB, dialect string) error {
		for _, c := range customerMetricColumns {
			if err := ensureColumn(tx, dialect, "customers", c); err != nil {
				return err
			}
		}
		// The dormant digest asks who became dormant since it last ran.
		return ensureIndex(tx, dialect, "customers", index{name: "ix_customers_dormant_since", columns: []string{"dormant_since"}}, "")
	}},
	{version: 7, name: "webhook events", statements: func(dialect string) []string {
		var out []string
		for _, t := range schemaV7 {
			out = append(out, t.create(dialect)...)
		}
		return out
	}},
}

// Migrate brings the schema up to date, recording each applied version in
// schema_migrations. It is safe to run concurrently from several daemons on
// MySQL (a named lock serializes them) and to run again (applied versions
// are skipped).
func (db *DB) Migrate(ctx context.Context) (applied []int, err error) {
	conn := db.Gorm.WithContext(ctx)
	if db.Dialect == MySQL {
		// GET_LOCK belongs to one connection: hold one for the whole migration.
		sqlConn, err := db.SQL.Conn(ctx)
		if err != nil {
			return nil, fmt.Errorf("reserving a connection for migrations: %w", err)
		}
		defer sqlConn.Close()
		var got int
		if err := sqlConn.QueryRowContext(ctx, "SELECT GET_LOCK('nayose_migrate', 60)").Scan(&got); err != nil || got != 1 {
			return nil, fmt.Errorf("taking the migration lock: another nayose is migrating (result %d, %v)", got, err)
		}
		defer sqlConn.ExecContext(context.WithoutCancel(ctx), "SELECT RELEASE_LOCK('nayose_migrate')")
	}
	if err := conn.Exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
  version INTEGER NOT NULL PRIMARY KEY,
  name VARCHAR(200) NOT NULL,
  applied_at DATETIME NOT NULL
)`).Error; err != nil {
		return nil, fmt.Errorf("creating schema_migrations: %w", err)
	}
	var done []int
	if err := conn.Raw("SELECT version FROM schema_migrations").Scan(&done).Error; err != nil {
		return nil, fmt.Errorf("reading schema_migrations: %w", err)
	}
	have := map[int]bool{}
	for _, v := range done {
		have[v] = true
	}
	latest := migrations[len(migrations)-1].version
	for _, v := range done {
		if v > latest {
			return nil, fmt.Errorf("database schema version %d is newer than this nayose knows (%d): upgrade nayose", v, latest)
		}
	}
	for _, m := range migrations {
		if have[m.version] {
			continue
		}
		// MySQL commits DDL as it goes, so a transaction cannot undo a half
		// migration there; on SQLite it can, and does.
		err := conn.Transaction(func(tx *gorm.DB) error {
			for _, stmt := range m.statements(db.Dialect) {
				if err := tx.Exec(stmt).Error; err != nil {
					return fmt.Errorf("%w\nin: %.200s", err, stmt)
				}
			}
			if m.then != nil {
				if err := m.then(tx, db.Dialect); err != nil {
					return err
				}
			}
			return tx.Exec("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
				m.version, m.name, time.Now().UTC()).Error
		})
		if err != nil {
			return applied, fmt.Errorf("applying migration %d (%s): %w", m.version, m.name, err)
		}
		applied = append(applied, m.version)
	}
	return applied, nil
}

// ensureColumn adds c to table unless it is there already, so a migration
// cut off between two columns (MySQL commits each) runs again.
func ensureColumn(tx *gorm.DB, dialect, table string, c column) error {
	if tx.Migrator().HasColumn(table, c.name) {
		return nil
	}
	stmt := "ALTER TABLE " + ident(dialect, table) + " ADD COLUMN " + c.sql(dialect)
	if err := tx.Exec(stmt).Error; err != nil {
		return fmt.Errorf("adding column %s to %s: %w", c.name, table, err)
	}
	return nil
}

// ensureIndex creates ix on table and then drops the index it replaces (if
// named), each only if it is not done yet, so a migration cut off between
// the two runs again.
func ensureIndex(tx *gorm.DB, dialect, table string, ix index, replaces string) error {
	m := tx.Migrator()
	if !m.HasIndex(table, ix.name) {
		stmt := fmt.Sprintf("CREATE INDEX %s ON %s (%s)", ident(dialect, ix.name), ident(dialect, table), identList(dialect, ix.columns))
		if err := tx.Exec(stmt).Error; err != nil {
			return fmt.Errorf("creating index %s on %s: %w", ix.name, table, err)
		}
	}
	if replaces != "" && m.HasIndex(table, replaces) {
		stmt := "DROP INDEX " + ident(dialect, replaces)
		if dialect == MySQL {
			stmt += " ON " + ident(dialect, table)
		}
		if err := tx.Exec(stmt).Error; err != nil {
			return fmt.Errorf("dropping index %s on %s: %w", replaces, table, err)
		}
	}
	return nil
}
