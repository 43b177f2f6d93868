package worker

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivermigrate"

	"onboard/store"
)

// migrationLock is the PostgreSQL advisory lock under which a worker
// migrates River's tables, so several starting at once take turns; the
// schema's hash keeps schemas apart, as the store's lock does.
const migrationLock = 0x6f6e72 // "onr"

// openQueue opens River on the database dsn, migrating its tables, and
// returns the client and what closes its connections.
func openQueue(ctx context.Context, dsn string, cfg *river.Config) (queue, func(), error) {
	if store.IsPostgresURL(dsn) {
		return openPostgresQueue(ctx, dsn, cfg)
	}
	return openSQLiteQueue(ctx, dsn, cfg)
}

func openPostgresQueue(ctx context.Context, dsn string, cfg *river.Config) (queue, func(), error) {
	pcfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		return nil, nil, fmt.Errorf("job queue: parse %s: %w", store.Redact(dsn), err)
	}
	if pcfg.ConnConfig.ConnectTimeout == 0 {
		pcfg.ConnConfig.ConnectTimeout = store.DefaultConnectTimeout
	}
	pool, err := pgxpool.NewWithConfig(ctx, pcfg)
	if err != nil {
		return nil, nil, fmt.Errorf("job queue: connect to %s: %w", store.Redact(dsn), err)
	}
	drv := riverpgxv5.New(pool)
	if err := migratePostgres(ctx, pool, drv); err != nil {
		pool.Close()
		return nil, nil, err
	}
	c, err := river.NewClient(drv, cfg)
	if err != nil {
		pool.Close()
		return nil, nil, fmt.Errorf("job queue: %w", err)
	}
	return c, pool.Close, nil
}

func migratePostgres(ctx context.Context, pool *pgxpool.Pool, drv *riverpgxv5.Driver) error {
	conn, err := pool.Acquire(ctx)
	if err != nil {
		return fmt.Errorf("job queue: connect: %w", err)
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, `SELECT pg_advisory_lock($1, hashtext(current_schema()))`, migrationLock); err != nil {
		return fmt.Errorf("job queue: take migration lock: %w", err)
	}
	defer conn.Exec(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock($1, hashtext(current_schema()))`, migrationLock) //nolint:errcheck // ending the session frees it too
	m, err := rivermigrate.New(drv, nil)
	if err == nil {
		_, err = m.Migrate(ctx, rivermigrate.DirectionUp, nil)
	}
	if err != nil {
		return fmt.Errorf("job queue: migrate: %w", err)
	}
	return nil
}

func openSQLiteQueue(ctx context.Context, path string, cfg *river.Config) (queue, func(), error) {
	db, err := sql.Open("sqlite", store.SQLiteDSN(path))
	if err != nil {
		return nil, nil, fmt.Errorf("job queue: open %s: %w", path, err)
	}
	// River's advice for SQLite: one connection, so River's own goroutines
	// never find the file locked by each other.
	db.SetMaxOpenConns(1)
	drv := riversqlite.New(db)
	m, err := rivermigrate.New(drv, nil)
	if err == nil {
		_, err = m.Migrate(ctx, rivermigrate.DirectionUp, nil)
	}
	if err != nil {
		db.Close()
		return nil, nil, fmt.Errorf("job queue: migrate %s: %w", path, err)
	}
	c, err := river.NewClient(drv, cfg)
	if err != nil {
		db.Close()
		return nil, nil, fmt.Errorf("job queue: %w", err)
	}
	return c, func() { db.Close() }, nil
}
