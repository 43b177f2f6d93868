// Package store persists the onboarding domain (package flow) in SQLite
// through the pure-Go driver modernc.org/sqlite (the embedded default) or
// in PostgreSQL through pgx. Both share the queries and, where the SQL
// agrees, the migrations (postgres.go says where they differ).
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"sync/atomic"
	"time"

	"github.com/adrg/xdg"
	_ "modernc.org/sqlite" // registers the "sqlite" driver

	"onboard/flow"
)

// DB is the SQL implementation of flow.Store. It is safe for concurrent
// use, also by several processes on the same file or database.
type DB struct {
	sql      *sql.DB
	path     string
	postgres bool
	clock    atomic.Pointer[func() time.Time]
	ckpt     *checkpointer // SQLite only
	misses   probeMisses
}

var _ flow.Store = (*DB)(nil)

// dsnParams apply to every pooled connection. busy_timeout lets writers of
// other connections and processes wait instead of failing, and _txlock makes
// every transaction BEGIN IMMEDIATE: a writer takes the write lock up front,
// so two transactions never deadlock upgrading a read lock ("database is
// locked" despite busy_timeout). The last three are for imports, measured
// with 100,000 users in random key order: statement journals of multi-row
// upserts stay in memory instead of a temp file, a 16 MiB page cache holds
// the indexes being filled, and checkpointing every 10,000 WAL pages instead
// of 1,000 copies pages rewritten by successive batches once (11 s → 4.6 s
// CPU; 3.7 s with the schema choices of migrations 1 and 2).
// journal_size_limit keeps a WAL that a long transaction grew at 64 MiB
// once it restarts.
const dsnParams = "_pragma=busy_timeout(10000)" +
	"&_pragma=journal_mode(WAL)" +
	"&_pragma=foreign_keys(1)" +
	"&_pragma=synchronous(NORMAL)" +
	"&_pragma=temp_store(MEMORY)" +
	"&_pragma=cache_size(-16384)" +
	"&_pragma=wal_autocheckpoint(" + walAutocheckpoint + ")" +
	"&_pragma=journal_size_limit(67108864)" +
	"&_txlock=immediate"

// DefaultPath is $XDG_DATA_HOME/onboard/onboard.db; its directory is created
// (0700) if missing.
func DefaultPath() (string, error) {
	p, err := xdg.DataFile(filepath.Join("onboard", "onboard.db"))
	if err != nil {
		return "", fmt.Errorf("locate data file: %w", err)
	}
	return p, nil
}

// Open opens the database at path and applies pending migrations: a
// PostgreSQL database when path is a postgres:// URL, else a SQLite file,
// created if needed. The file holds personal data, so it and its WAL/SHM
// files are readable by the owner only.
func Open(ctx context.Context, path string) (*DB, error) {
	if IsPostgresURL(path) {
		sqlDB, err := openPostgres(path)
		if err != nil {
			return nil, err
		}
		db := &DB{sql: sqlDB, path: Redact(path), postgres: true}
		if err := migrate(ctx, sqlDB, migrationFiles, 0, dialectPostgres); err != nil {
			sqlDB.Close()
			return nil, fmt.Errorf("migrate database %s: %w", db.path, err)
		}
		return db, nil
	}
	if err := createPrivateFile(path); err != nil {
		return nil, err
	}
	sqlDB, err := sql.Open("sqlite", SQLiteDSN(path))
	if err != nil {
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	db := &DB{sql: sqlDB, path: path}
	if err := migrate(ctx, sqlDB, migrationFiles, 0, dialectSQLite); err != nil {
		sqlDB.Close()
		return nil, fmt.Errorf("migrate database %s: %w", path, err)
	}
	if err := chmodSidecars(path); err != nil {
		sqlDB.Close()
		return nil, err
	}
	db.ckpt = startCheckpointer(sqlDB)
	return db, nil
}

// SQLiteDSN is the modernc.org/sqlite data source name the store opens
// the file at path with, for others sharing the file (the job queue).
func SQLiteDSN(path string) string {
	u := url.URL{Scheme: "file", Path: path, RawQuery: dsnParams}
	return u.String()
}

// createPrivateFile makes the parent directory (0700) and the database file
// (0600) before SQLite sees the path, so the file is never world-readable.
func createPrivateFile(path string) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("create database directory: %w", err)
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return fmt.Errorf("create database file: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("create database file: %w", err)
	}
	if err := os.Chmod(path, 0o600); err != nil {
		return fmt.Errorf("restrict database file: %w", err)
	}
	return nil
}

// chmodSidecars restricts the WAL and shared-memory files, which hold the
// same data as the database itself.
func chmodSidecars(path string) error {
	for _, suffix := range []string{"-wal", "-shm"} {
		err := os.Chmod(path+suffix, 0o600)
		if err != nil && !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("restrict %s: %w", filepath.Base(path+suffix), err)
		}
	}
	return nil
}

// Close closes the database.
func (db *DB) Close() error {
	if db.ckpt != nil {
		db.ckpt.close()
	}
	if err := db.sql.Close(); err != nil {
		return fmt.Errorf("close database %s: %w", db.path, err)
	}
	return nil
}

// Path is the database file, or the PostgreSQL URL without its password.
func (db *DB) Path() string { return db.path }

// Postgres reports whether the database is PostgreSQL.
func (db *DB) Postgres() bool { return db.postgres }

func (db *DB) dialect() dialect {
	if db.postgres {
		return dialectPostgres
	}
	return dialectSQLite
}

// SetClock replaces time.Now, for draft expiry and default timestamps.
func (db *DB) SetClock(now func() time.Time) { db.clock.Store(&now) }

func (db *DB) now() time.Time {
	if f := db.clock.Load(); f != nil {
		return (*f)().UTC()
	}
	return time.Now().UTC()
}

// resetTables is every table Reset empties: all of the schema's but
// schema_migrations and the job queue's (TestResetEmptiesEveryTable). A
// relationship or lease left behind would outlive the sandbox's, and a
// demo after a reset would show a "renewed" admin relationship request.
var resetTables = []string{
	"license_assignments", "tenant_users", "tenant_domains", "import_positions",
	"subscriptions", "line_readbacks", "payments", "pipeline_steps", "order_leases",
	"gdap_relationships", "consent_baselines", "order_lines", "orders",
	"tenants", "customers", "drafts", "audit_events", "counters", "short_links", "lookup_failures",
}

// sqliteKeyTable holds SQLite's user keys (migration 16); PostgreSQL has none.
const sqliteKeyTable = "tenant_user_keys"

// Reset deletes every row of every table but keeps the schema; for
// `onboard demo reset`. Children go before parents for the foreign keys.
func (db *DB) Reset(ctx context.Context) error {
	return db.write(ctx, func(tx *sql.Tx) error {
		for _, t := range resetTables {
			if _, err := tx.ExecContext(ctx, "DELETE FROM "+t); err != nil {
				return fmt.Errorf("reset %s: %w", t, err)
			}
		}
		if !db.postgres { // SQLite's key table, and its contentless search index emptied by command
			if _, err := tx.ExecContext(ctx, "DELETE FROM "+sqliteKeyTable); err != nil {
				return fmt.Errorf("reset %s: %w", sqliteKeyTable, err)
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO user_search (user_search) VALUES ('delete-all')`); err != nil {
				return fmt.Errorf("reset user_search: %w", err)
			}
		}
		return nil
	})
}

// writeLock is the PostgreSQL advisory lock every write transaction
// takes, with the schema's hash as the lock's second key so that
// databases in separate schemas (tests, several services) do not wait for
// each other.
const writeLock = 0x6f6e62 // "onb"

const pgLockArgs = `(?, hashtext(current_schema()))`

// write runs fn in one write transaction, committing when fn returns nil.
// Write transactions run one at a time, as their read-check-write code
// expects: on SQLite by BEGIN IMMEDIATE (the DSN), on PostgreSQL by a
// transaction-scoped advisory lock taken first. Each is short; the
// invariants are also held by the unique indexes on both.
func (db *DB) write(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := db.sql.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin transaction: %w", err)
	}
	if db.postgres {
		if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock`+pgLockArgs, writeLock); err != nil {
			_ = tx.Rollback()
			return fmt.Errorf("take write lock: %w", err)
		}
	}
	if err := fn(tx); err != nil {
		_ = tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}
