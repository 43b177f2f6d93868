package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"onboard/flow"
)

// AcquireLease takes the processing lease on the order for owner until
// now+ttl, in one statement: it succeeds when nobody holds it, when owner
// already does, or when the holder's lease expired (the holder died). Else
// it returns flow.ErrLeaseHeld naming the holder.
func (db *DB) AcquireLease(ctx context.Context, orderID, owner string, ttl time.Duration) error {
	now := db.now()
	var got string
	err := db.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO order_leases (order_id, owner, expires_at)
			VALUES (?, ?, ?)
			ON CONFLICT (order_id) DO UPDATE SET owner = excluded.owner, expires_at = excluded.expires_at
			WHERE order_leases.owner = excluded.owner OR order_leases.expires_at <= ?`,
			orderID, owner, formatTime(now.Add(ttl)), formatTime(now))
		if err != nil {
			return mapForeignKey(err)
		}
		if n, err := res.RowsAffected(); err != nil || n == 1 {
			return err
		}
		return tx.QueryRowContext(ctx, `SELECT owner FROM order_leases WHERE order_id = ?`, orderID).Scan(&got)
	})
	if err != nil {
		return fmt.Errorf("lease order %s: %w", orderID, err)
	}
	if got != "" {
		return fmt.Errorf("lease order %s: %w by %s", orderID, flow.ErrLeaseHeld, got)
	}
	return nil
}

// RenewLease extends owner's lease to now+ttl; flow.ErrLeaseLost when owner
// no longer holds it (it expired and another process took it).
func (db *DB) RenewLease(ctx context.Context, orderID, owner string, ttl time.Duration) error {
	var n int64
	err := db.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE order_leases SET expires_at = ? WHERE order_id = ? AND owner = ?`,
			formatTime(db.now().Add(ttl)), orderID, owner)
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	if err != nil {
		return fmt.Errorf("renew lease of order %s: %w", orderID, err)
	}
	if n == 0 {
		return fmt.Errorf("renew lease of order %s: %w", orderID, flow.ErrLeaseLost)
	}
	return nil
}

// ReleaseLease gives owner's lease up; a no-op when owner does not hold it.
func (db *DB) ReleaseLease(ctx context.Context, orderID, owner string) error {
	err := db.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM order_leases WHERE order_id = ? AND owner = ?`, orderID, owner)
		return err
	})
	if err != nil {
		return fmt.Errorf("release lease of order %s: %w", orderID, err)
	}
	return nil
}

// LeaseHolder is who holds a live lease on the order; "" when nobody does
// (never leased, released, or expired).
func (db *DB) LeaseHolder(ctx context.Context, orderID string) (string, error) {
	var owner string
	err := db.sql.QueryRowContext(ctx, `SELECT owner FROM order_leases WHERE order_id = ? AND expires_at > ?`,
		orderID, formatTime(db.now())).Scan(&owner)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("lease holder of order %s: %w", orderID, err)
	}
	return owner, nil
}

// OrdersOwingRefunds lists the ids of orders holding a capture to give
// back: a checkout recorded as a duplicate, or a paid one of a cancelled order.
func (db *DB) OrdersOwingRefunds(ctx context.Context) ([]string, error) {
	ids, err := db.queryIDs(ctx, `SELECT DISTINCT p.order_id FROM payments p
		JOIN orders o ON o.id = p.order_id
		WHERE p.state = 'duplicate' OR (p.state = ? AND o.status = ?)
		ORDER BY p.order_id`, statePaid, string(flow.StatusCancelled))
	if err != nil {
		return nil, fmt.Errorf("orders owing refunds: %w", err)
	}
	return ids, nil
}

// InterruptedOrders lists the ids of orders in provisioning that no live lease
// covers: their process died (or was stopped) before finishing.
func (db *DB) InterruptedOrders(ctx context.Context) ([]string, error) {
	ids, err := db.queryIDs(ctx, `SELECT o.id FROM orders o
		LEFT JOIN order_leases l ON l.order_id = o.id AND l.expires_at > ?
		WHERE o.status = ? AND l.order_id IS NULL
		ORDER BY o.created_at, o.id`, formatTime(db.now()), string(flow.StatusProvisioning))
	if err != nil {
		return nil, fmt.Errorf("interrupted orders: %w", err)
	}
	return ids, nil
}

// queryIDs runs a query of one text column and returns its values.
func (db *DB) queryIDs(ctx context.Context, query string, args ...any) ([]string, error) {
	rows, err := db.sql.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}
