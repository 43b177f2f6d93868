package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"onboard/flow"
)

// errNoExpiry refuses a draft that would never expire (or always be
// expired): every draft must say how long it is kept.
var errNoExpiry = errors.New("draft has no expiry time")

// SaveDraft inserts or replaces the draft with d.Code; UpdatedAt defaults
// to now.
func (db *DB) SaveDraft(ctx context.Context, d flow.Draft) error {
	if d.Code == "" {
		return fmt.Errorf("save draft: empty code")
	}
	if d.ExpiresAt.IsZero() {
		return fmt.Errorf("save draft %s: %w", d.Code, errNoExpiry)
	}
	_, err := db.sql.ExecContext(ctx, `INSERT INTO drafts
		(code, terminal, mode, step, data, updated_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (code) DO UPDATE SET terminal = excluded.terminal, mode = excluded.mode,
			step = excluded.step, data = excluded.data, updated_at = excluded.updated_at,
			expires_at = excluded.expires_at`,
		d.Code, d.Terminal, d.Mode, d.Step, string(d.Data),
		formatTime(orNow(d.UpdatedAt, db.now())), formatTime(d.ExpiresAt))
	if err != nil {
		return fmt.Errorf("save draft %s: %w", d.Code, err)
	}
	return nil
}

const draftColumns = `code, terminal, mode, step, data, updated_at, expires_at`

// LoadDraft returns the draft, flow.ErrNotFound, or flow.ErrDraftExpired
// once the clock has reached its ExpiresAt.
func (db *DB) LoadDraft(ctx context.Context, code string) (flow.Draft, error) {
	d, err := scanDraft(db.sql.QueryRowContext(ctx,
		`SELECT `+draftColumns+` FROM drafts WHERE code = ?`, code))
	if err == nil && !db.now().Before(d.ExpiresAt) {
		err = flow.ErrDraftExpired
	}
	if err != nil {
		return flow.Draft{}, fmt.Errorf("load draft %s: %w", code, err)
	}
	return d, nil
}

// LatestDraft is the most recently saved unexpired draft of terminal.
func (db *DB) LatestDraft(ctx context.Context, terminal string) (flow.Draft, error) {
	d, err := scanDraft(db.sql.QueryRowContext(ctx, `SELECT `+draftColumns+` FROM drafts
		WHERE terminal = ? AND expires_at > ?
		ORDER BY updated_at DESC, code DESC LIMIT 1`, terminal, formatTime(db.now())))
	if err != nil {
		return flow.Draft{}, fmt.Errorf("latest draft of terminal %q: %w", terminal, err)
	}
	return d, nil
}

// DeleteDraft removes the draft; deleting a missing draft is not an error.
func (db *DB) DeleteDraft(ctx context.Context, code string) error {
	if _, err := db.sql.ExecContext(ctx, `DELETE FROM drafts WHERE code = ?`, code); err != nil {
		return fmt.Errorf("delete draft %s: %w", code, err)
	}
	return nil
}

// PurgeDrafts deletes the drafts expired at now and says how many.
func (db *DB) PurgeDrafts(ctx context.Context, now time.Time) (int, error) {
	res, err := db.sql.ExecContext(ctx, `DELETE FROM drafts WHERE expires_at <= ?`, formatTime(now))
	if err != nil {
		return 0, fmt.Errorf("purge drafts: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("purge drafts: %w", err)
	}
	return int(n), nil
}

func scanDraft(s scanner) (flow.Draft, error) {
	var d flow.Draft
	var data, updated, expires string
	err := s.Scan(&d.Code, &d.Terminal, &d.Mode, &d.Step, &data, &updated, &expires)
	if errors.Is(err, sql.ErrNoRows) {
		return flow.Draft{}, flow.ErrNotFound
	}
	if err != nil {
		return flow.Draft{}, err
	}
	d.Data = []byte(data)
	if d.UpdatedAt, err = parseTime(updated); err != nil {
		return flow.Draft{}, err
	}
	d.ExpiresAt, err = parseTime(expires)
	return d, err
}
