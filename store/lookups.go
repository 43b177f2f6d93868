package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"onboard/flow"
)

var _ flow.LookupLimiter = (*DB)(nil)

// lookupFailuresKept is how long a failed look-up is kept: far beyond
// flow's window, so the table stays small without a job of its own.
const lookupFailuresKept = 24 * time.Hour

// RecordFailedLookup notes a look-up by actor that found nothing, and
// drops the notes older than a day.
func (db *DB) RecordFailedLookup(ctx context.Context, actor string, at time.Time) error {
	err := db.write(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM lookup_failures WHERE at < ?`,
			formatTime(at.Add(-lookupFailuresKept))); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO lookup_failures (actor, at) VALUES (?, ?)`, actor, formatTime(at))
		return err
	})
	if err != nil {
		return fmt.Errorf("record failed look-up by %s: %w", actor, err)
	}
	return nil
}

// FailedLookups counts actor's failed look-ups since since.
func (db *DB) FailedLookups(ctx context.Context, actor string, since time.Time) (int, error) {
	var n int
	if err := db.sql.QueryRowContext(ctx, `SELECT COUNT(*) FROM lookup_failures WHERE actor = ? AND at >= ?`,
		actor, formatTime(since)).Scan(&n); err != nil {
		return 0, fmt.Errorf("count failed look-ups by %s: %w", actor, err)
	}
	return n, nil
}
