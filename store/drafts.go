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
// to now. Two rules hold whatever order saves arrive in (reproduction 8 of
// issue 11: a stale save without the order id landed after the one with it):
// a save without an order id never overwrites a draft that has one, and no
// draft is saved for an order that is completed or cancelled (a late save
// must not bring a finished sign-up back). Such a save is a silent no-op:
// the newer state is already stored.
func (db *DB) SaveDraft(ctx context.Context, d flow.Draft) error {
	if d.Code == "" {
		return fmt.Errorf("save draft: empty code")
	}
	if d.ExpiresAt.IsZero() {
		return fmt.Errorf("save draft %s: %w", d.Code, errNoExpiry)
	}
	_, err := db.sql.ExecContext(ctx, `INSERT INTO drafts
		(code, terminal, mode, step, data, updated_at, expires_at, order_id)
		SELECT ?, ?, ?, ?, ?, ?, ?, ?
		WHERE NOT EXISTS (SELECT 1 FROM orders WHERE id = ?8 AND status IN (?9, ?10))
		ON CONFLICT (code) DO UPDATE SET terminal = excluded.terminal, mode = excluded.mode,
			step = excluded.step, data = excluded.data, updated_at = excluded.updated_at,
			expires_at = excluded.expires_at, order_id = excluded.order_id
		WHERE drafts.order_id = '' OR excluded.order_id <> ''`,
		d.Code, d.Terminal, d.Mode, d.Step, string(d.Data),
		formatTime(orNow(d.UpdatedAt, db.now())), formatTime(d.ExpiresAt), d.OrderID,
		string(flow.StatusCompleted), string(flow.StatusCancelled))
	if err != nil {
		return fmt.Errorf("save draft %s: %w", d.Code, err)
	}
	return nil
}

const draftColumns = `code, terminal, mode, step, data, updated_at, expires_at, order_id`

// draftLive keeps out drafts of an order that is completed or cancelled:
// such a draft is never returned, whatever wrote it.
const draftLive = `NOT EXISTS (SELECT 1 FROM orders o
	WHERE o.id = drafts.order_id AND o.status IN ('completed', 'cancelled'))`

// LoadDraft returns the draft, flow.ErrNotFound (also when its order is
// completed or cancelled), or flow.ErrDraftExpired once the clock has
// reached its ExpiresAt.
func (db *DB) LoadDraft(ctx context.Context, code string) (flow.Draft, error) {
	d, err := scanDraft(db.sql.QueryRowContext(ctx,
		`SELECT `+draftColumns+` FROM drafts WHERE code = ? AND `+draftLive, code))
	if err == nil && !db.now().Before(d.ExpiresAt) {
		err = flow.ErrDraftExpired
	}
	if err != nil {
		return flow.Draft{}, fmt.Errorf("load draft %s: %w", code, err)
	}
	return d, nil
}

// LatestDraft is the most recently saved unexpired draft of terminal whose
// order, if any, is neither completed nor cancelled.
func (db *DB) LatestDraft(ctx context.Context, terminal string) (flow.Draft, error) {
	d, err := scanDraft(db.sql.QueryRowContext(ctx, `SELECT `+draftColumns+` FROM drafts
		WHERE terminal = ? AND expires_at > ? AND `+draftLive+`
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
	err := s.Scan(&d.Code, &d.Terminal, &d.Mode, &d.Step, &data, &updated, &expires, &d.OrderID)
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
