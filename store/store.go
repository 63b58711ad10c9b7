// Package store opens the database (embedded SQLite by default, MySQL or
// MariaDB for a business), keeps its schema up to date with versioned
// migrations, and defines the GORM models of the unified tables.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/glebarez/sqlite"
	"github.com/go-sql-driver/mysql"
	gormmysql "gorm.io/driver/mysql"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"
)

// DB is an open database.
type DB struct {
	Gorm    *gorm.DB
	SQL     *sql.DB
	Dialect string
	// BatchRows is how many rows one multi-row INSERT carries. The SQLite
	// driver binds parameters in time quadratic in their number, so its
	// statements stay small; MySQL gains from large ones.
	BatchRows int
}

// BatchFor returns how many rows of a table with the given number of
// columns one multi-row INSERT should carry: about as many parameters as
// BatchRows rows of a wide table (the identities' 24 columns), so narrow
// tables get longer batches, up to maxBatchRows.
func (db *DB) BatchFor(columns int) int {
	return min(maxBatchRows, max(1, db.BatchRows*24/max(columns, 1)))
}

// maxBatchRows bounds a batch of a narrow table (a few ids a row).
const maxBatchRows = 5000

// Options says which database to open.
type Options struct {
	// Dialect is SQLite or MySQL.
	Dialect string
	// Path is the SQLite file.
	Path string
	// DSN is the MySQL data source name.
	DSN string
	// MaxOpenConns caps the MySQL pool.
	MaxOpenConns int
	Logger       *slog.Logger
}

// Open connects and checks the connection. It does not migrate.
func Open(ctx context.Context, o Options) (*DB, error) {
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	gcfg := &gorm.Config{
		Logger:                   gormLogger{log: o.Logger},
		NowFunc:                  func() time.Time { return time.Now().UTC().Truncate(time.Millisecond) },
		SkipDefaultTransaction:   true,
		DisableNestedTransaction: true,
	}
	batch := 500
	if o.Dialect == SQLite {
		batch = 40
	}
	gcfg.CreateBatchSize = batch
	var (
		dialector gorm.Dialector
		where     string
	)
	switch o.Dialect {
	case SQLite:
		if dir := filepath.Dir(o.Path); dir != "" {
			if err := os.MkdirAll(dir, 0o755); err != nil {
				return nil, fmt.Errorf("creating the directory of %s: %w", o.Path, err)
			}
		}
		// WAL lets BI tools read while nayose writes; busy_timeout waits
		// for a writer in another process instead of failing.
		dsn := "file:" + o.Path + "?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)&_time_format=sqlite"
		dialector = sqlite.Open(dsn)
		where = "SQLite " + o.Path
	case MySQL:
		mc, err := mysql.ParseDSN(o.DSN)
		if err != nil {
			// The DSN holds a password: never echo it.
			return nil, errors.New("database.dsn is not a valid MySQL DSN (write user:password@tcp(host:3306)/dbname)")
		}
		mc.ParseTime = true
		mc.Loc = time.UTC
		mc.ClientFoundRows = true   // RowsAffected counts matched rows, as SQLite does
		mc.InterpolateParams = true // one round trip per statement, no server-side prepare
		mc.Collation = "utf8mb4_unicode_ci"
		if mc.Params == nil {
			mc.Params = map[string]string{}
		}
		mc.Params["time_zone"] = "'+00:00'"
		dialector = gormmysql.New(gormmysql.Config{DSNConfig: mc, DSN: mc.FormatDSN()})
		where = fmt.Sprintf("MySQL %s/%s", mc.Addr, mc.DBName)
	default:
		return nil, fmt.Errorf("unknown database driver %q", o.Dialect)
	}
	g, err := gorm.Open(dialector, gcfg)
	if err != nil {
		return nil, fmt.Errorf("opening %s: %w", where, redactDSN(err, o.DSN))
	}
	sqlDB, err := g.DB()
	if err != nil {
		return nil, fmt.Errorf("opening %s: %w", where, err)
	}
	if o.Dialect == SQLite {
		// One writer at a time is what SQLite allows; one connection makes
		// the engine queue instead of failing with "database is locked".
		sqlDB.SetMaxOpenConns(1)
	} else {
		sqlDB.SetMaxOpenConns(max(o.MaxOpenConns, 2))
		sqlDB.SetMaxIdleConns(max(o.MaxOpenConns, 2))
		sqlDB.SetConnMaxLifetime(time.Hour)
	}
	if err := sqlDB.PingContext(ctx); err != nil {
		sqlDB.Close()
		return nil, fmt.Errorf("connecting to %s: %w", where, redactDSN(err, o.DSN))
	}
	return &DB{Gorm: g, SQL: sqlDB, Dialect: o.Dialect, BatchRows: batch}, nil
}

// Close closes the connections.
func (db *DB) Close() error { return db.SQL.Close() }

// Ping checks that the database answers.
func (db *DB) Ping(ctx context.Context) error { return db.SQL.PingContext(ctx) }

// redactDSN keeps a driver error that quotes the DSN from leaking the password.
func redactDSN(err error, dsn string) error {
	if err == nil || dsn == "" {
		return err
	}
	if mc, perr := mysql.ParseDSN(dsn); perr == nil && mc.Passwd != "" {
		return redactedError{err: err, secret: mc.Passwd}
	}
	return err
}

type redactedError struct {
	err    error
	secret string
}

func (e redactedError) Error() string { return strings.ReplaceAll(e.err.Error(), e.secret, "<secret>") }
func (e redactedError) Unwrap() error { return e.err }

// gormLogger sends GORM's messages to slog. SQL statements can carry
// customers' personal data, so they are logged at debug level only.
type gormLogger struct{ log *slog.Logger }

func (l gormLogger) LogMode(logger.LogLevel) logger.Interface { return l }
func (l gormLogger) Info(ctx context.Context, msg string, args ...any) {
	l.log.DebugContext(ctx, fmt.Sprintf(msg, args...))
}
func (l gormLogger) Warn(ctx context.Context, msg string, args ...any) {
	l.log.WarnContext(ctx, fmt.Sprintf(msg, args...))
}
func (l gormLogger) Error(ctx context.Context, msg string, args ...any) {
	l.log.DebugContext(ctx, fmt.Sprintf(msg, args...))
}
func (l gormLogger) Trace(ctx context.Context, begin time.Time, fc func() (string, int64), err error) {
	if elapsed := time.Since(begin); elapsed > 2*time.Second {
		l.log.WarnContext(ctx, "slow query", "elapsed", elapsed.Round(time.Millisecond))
	}
	if l.log.Enabled(ctx, slog.LevelDebug-4) {
		sqlText, rows := fc()
		l.log.Log(ctx, slog.LevelDebug-4, "sql", "sql", sqlText, "rows", rows, "err", err)
	}
}
