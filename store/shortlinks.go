package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"onboard/flow"
)

var _ flow.ShortLinkStore = (*DB)(nil)

// SaveShortLink stores l, or updates the target and expiry of the link
// its order already has for its purpose, keeping that link's code: the
// unique index on (order_id, purpose) makes a second showing, from any
// terminal or server, find the first one's code.
func (db *DB) SaveShortLink(ctx context.Context, l flow.ShortLink) (flow.ShortLink, error) {
	if l.Code == "" || l.Purpose == "" || l.Target == "" || l.ExpiresAt.IsZero() {
		return flow.ShortLink{}, fmt.Errorf("save short link: code, purpose, target and expiry are required")
	}
	var got flow.ShortLink
	err := db.write(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO short_links
			(code, order_id, purpose, target, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)
			ON CONFLICT (order_id, purpose) DO UPDATE SET target = excluded.target, expires_at = excluded.expires_at`,
			l.Code, l.OrderID, l.Purpose, l.Target, formatTime(orNow(l.CreatedAt, db.now())), formatTime(l.ExpiresAt)); err != nil {
			return err
		}
		var err error
		got, err = scanShortLink(tx.QueryRowContext(ctx, `SELECT `+shortLinkColumns+` FROM short_links
			WHERE order_id = ? AND purpose = ?`, l.OrderID, l.Purpose))
		return err
	})
	if err != nil {
		return flow.ShortLink{}, fmt.Errorf("save short link %s of order %q: %w", l.Purpose, l.OrderID, err)
	}
	return got, nil
}

// ShortLink returns the link of code, expired or not, or flow.ErrNotFound.
func (db *DB) ShortLink(ctx context.Context, code string) (flow.ShortLink, error) {
	l, err := scanShortLink(db.sql.QueryRowContext(ctx, `SELECT `+shortLinkColumns+` FROM short_links WHERE code = ?`, code))
	if errors.Is(err, sql.ErrNoRows) {
		err = flow.ErrNotFound
	}
	if err != nil {
		return flow.ShortLink{}, fmt.Errorf("short link %s: %w", code, err)
	}
	return l, nil
}

// ShortLinkFor returns the order's link for purpose, or flow.ErrNotFound.
func (db *DB) ShortLinkFor(ctx context.Context, orderID, purpose string) (flow.ShortLink, error) {
	l, err := scanShortLink(db.sql.QueryRowContext(ctx, `SELECT `+shortLinkColumns+` FROM short_links
		WHERE order_id = ? AND purpose = ?`, orderID, purpose))
	if errors.Is(err, sql.ErrNoRows) {
		err = flow.ErrNotFound
	}
	if err != nil {
		return flow.ShortLink{}, fmt.Errorf("short link %s of order %q: %w", purpose, orderID, err)
	}
	return l, nil
}

const shortLinkColumns = `code, order_id, purpose, target, created_at, expires_at`

func scanShortLink(row *sql.Row) (flow.ShortLink, error) {
	var l flow.ShortLink
	var created, expires string
	if err := row.Scan(&l.Code, &l.OrderID, &l.Purpose, &l.Target, &created, &expires); err != nil {
		return flow.ShortLink{}, err
	}
	var err error
	if l.CreatedAt, err = parseTime(created); err != nil {
		return flow.ShortLink{}, err
	}
	if l.ExpiresAt, err = parseTime(expires); err != nil {
		return flow.ShortLink{}, err
	}
	return l, nil
}
