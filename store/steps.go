package store

import (
	"context"
	"database/sql"
	"fmt"

	"onboard/flow"
)

// StepsDone is the set of pipeline steps recorded done for the order.
func (db *DB) StepsDone(ctx context.Context, orderID string) (map[string]bool, error) {
	rows, err := db.sql.QueryContext(ctx, `SELECT step FROM pipeline_steps WHERE order_id = ?`, orderID)
	if err != nil {
		return nil, fmt.Errorf("steps of order %s: %w", orderID, err)
	}
	defer rows.Close()
	done := map[string]bool{}
	for rows.Next() {
		var step string
		if err := rows.Scan(&step); err != nil {
			return nil, fmt.Errorf("steps of order %s: %w", orderID, err)
		}
		done[step] = true
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("steps of order %s: %w", orderID, err)
	}
	return done, nil
}

// MarkStepDone records step as done, with ev, in one transaction. Marking
// it again is a no-op and writes no second event.
func (db *DB) MarkStepDone(ctx context.Context, orderID, step string, ev flow.AuditEvent) error {
	ev.OrderID = orderID
	if ev.Action == "" {
		ev.Action = "step.done"
	}
	if ev.Detail == "" {
		ev.Detail = step
	}
	err := db.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO pipeline_steps (order_id, step, done_at)
			VALUES (?, ?, ?) ON CONFLICT (order_id, step) DO NOTHING`,
			orderID, step, formatTime(db.now()))
		if err != nil {
			return mapForeignKey(err)
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return err
		}
		return db.insertAudit(ctx, tx, ev)
	})
	if err != nil {
		return fmt.Errorf("mark step %s of order %s done: %w", step, orderID, err)
	}
	return nil
}

// SaveLineReadback records what Microsoft reported for the order's line
// after provisioning it; a later read replaces an earlier one.
func (db *DB) SaveLineReadback(ctx context.Context, orderID string, rb flow.LineReadback) error {
	err := db.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO line_readbacks (order_id, line_no, subscription_id, quantity, read_at)
			VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (order_id, line_no) DO UPDATE SET subscription_id = excluded.subscription_id,
				quantity = excluded.quantity, read_at = excluded.read_at`,
			orderID, rb.LineNo, rb.SubscriptionID, rb.Quantity, formatTime(db.now()))
		return mapForeignKey(err)
	})
	if err != nil {
		return fmt.Errorf("record line %d of order %s as Microsoft reports it: %w", rb.LineNo, orderID, err)
	}
	return nil
}

// LineReadbacks are the order's lines as Microsoft reported them, by line number.
func (db *DB) LineReadbacks(ctx context.Context, orderID string) (map[int]flow.LineReadback, error) {
	rows, err := db.sql.QueryContext(ctx, `SELECT line_no, subscription_id, quantity FROM line_readbacks WHERE order_id = ?`, orderID)
	if err != nil {
		return nil, fmt.Errorf("lines of order %s as Microsoft reports them: %w", orderID, err)
	}
	defer rows.Close()
	out := map[int]flow.LineReadback{}
	for rows.Next() {
		var rb flow.LineReadback
		if err := rows.Scan(&rb.LineNo, &rb.SubscriptionID, &rb.Quantity); err != nil {
			return nil, fmt.Errorf("lines of order %s as Microsoft reports them: %w", orderID, err)
		}
		out[rb.LineNo] = rb
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("lines of order %s as Microsoft reports them: %w", orderID, err)
	}
	return out, nil
}
