package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
	"time"
)

// ErrSchemaTooNew means the database was migrated by a newer onboard than
// this one; opening it could corrupt data the newer schema relies on.
var ErrSchemaTooNew = errors.New("database schema is newer than this version of onboard supports")

//go:embed migrations/*.sql migrations/postgres/*.sql
var migrationFiles embed.FS

// dialect names a backend's SQL. A migration in migrations/<dialect>/ with
// the name of one in migrations/ replaces it on that backend; the two
// files must make the same tables, indexes and constraints.
type dialect string

const (
	dialectSQLite   dialect = "sqlite"
	dialectPostgres dialect = "postgres"
)

// migration is one numbered SQL file, NNNN_name.sql.
type migration struct {
	version int
	name    string
	sql     string
}

// loadMigrations reads and orders the migrations of dialect d and checks
// they are numbered 1..n without gaps, so a missing file is caught before
// any runs.
func loadMigrations(fsys fs.FS, d dialect) ([]migration, error) {
	names, err := fs.Glob(fsys, "migrations/*.sql")
	if err != nil {
		return nil, fmt.Errorf("list migrations: %w", err)
	}
	ms := make([]migration, 0, len(names))
	for _, n := range names {
		base := path.Base(n)
		num, _, ok := strings.Cut(base, "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || v <= 0 {
			return nil, fmt.Errorf("migration %s: name must be NNNN_name.sql", base)
		}
		body, err := fs.ReadFile(fsys, path.Join("migrations", string(d), base))
		if errors.Is(err, fs.ErrNotExist) {
			body, err = fs.ReadFile(fsys, n)
		}
		if err != nil {
			return nil, fmt.Errorf("read migration %s: %w", base, err)
		}
		ms = append(ms, migration{version: v, name: strings.TrimSuffix(base, ".sql"), sql: string(body)})
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].version < ms[j].version })
	for i, m := range ms {
		if m.version != i+1 {
			return nil, fmt.Errorf("migration %s: expected version %d", m.name, i+1)
		}
	}
	return ms, nil
}

// migrate applies the migrations not yet applied, up to target (0: all),
// each in its own transaction. Concurrent openers are safe: on SQLite the
// applied check happens inside the write transaction, on PostgreSQL the
// openers take turns by a session advisory lock.
func migrate(ctx context.Context, sqlDB *sql.DB, fsys fs.FS, target int, d dialect) error {
	ms, err := loadMigrations(fsys, d)
	if err != nil {
		return err
	}
	var db migrator = sqlDB
	if d == dialectPostgres {
		conn, err := sqlDB.Conn(ctx)
		if err != nil {
			return fmt.Errorf("connect: %w", err)
		}
		defer conn.Close()
		if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock`+pgLockArgs, writeLock); err != nil {
			return fmt.Errorf("take migration lock: %w", err)
		}
		// Unlocked before the connection goes back to the pool.
		defer conn.ExecContext(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock`+pgLockArgs, writeLock) //nolint:errcheck // closing the session frees it too
		db = conn
	}
	if _, err := db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version    INTEGER PRIMARY KEY,
		name       TEXT NOT NULL,
		applied_at TEXT NOT NULL)`); err != nil {
		return fmt.Errorf("create schema_migrations: %w", err)
	}
	current, err := schemaVersion(ctx, db)
	if err != nil {
		return err
	}
	if current > len(ms) {
		return fmt.Errorf("schema version %d, known up to %d: %w", current, len(ms), ErrSchemaTooNew)
	}
	if target == 0 || target > len(ms) {
		target = len(ms)
	}
	for _, m := range ms[:target] {
		if err := applyMigration(ctx, db, m); err != nil {
			return err
		}
	}
	return nil
}

// migrator is a *sql.DB or, holding PostgreSQL's migration lock, a *sql.Conn.
type migrator interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	BeginTx(ctx context.Context, opts *sql.TxOptions) (*sql.Tx, error)
}

func applyMigration(ctx context.Context, db migrator, m migration) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("migration %s: begin: %w", m.name, err)
	}
	defer tx.Rollback() //nolint:errcheck // no-op after Commit
	var n int
	if err := tx.QueryRowContext(ctx,
		`SELECT COUNT(*) FROM schema_migrations WHERE version = ?`, m.version).Scan(&n); err != nil {
		return fmt.Errorf("migration %s: check applied: %w", m.name, err)
	}
	if n > 0 {
		return nil
	}
	if _, err := tx.ExecContext(ctx, m.sql); err != nil {
		return fmt.Errorf("migration %s: %w", m.name, err)
	}
	if _, err := tx.ExecContext(ctx,
		`INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)`,
		m.version, m.name, formatTime(time.Now())); err != nil {
		return fmt.Errorf("migration %s: record: %w", m.name, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("migration %s: commit: %w", m.name, err)
	}
	return nil
}

func schemaVersion(ctx context.Context, q interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}) (int, error) {
	var v sql.NullInt64
	if err := q.QueryRowContext(ctx, `SELECT MAX(version) FROM schema_migrations`).Scan(&v); err != nil {
		return 0, fmt.Errorf("read schema version: %w", err)
	}
	return int(v.Int64), nil
}

// SchemaVersion is the highest migration applied to the database.
func (db *DB) SchemaVersion(ctx context.Context) (int, error) {
	return schemaVersion(ctx, db.sql)
}
