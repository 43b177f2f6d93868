package store

import (
	"context"
	"database/sql"
	"fmt"

	"onboard/flow"
)

// execer is what both *sql.DB and *sql.Tx offer for writes.
type execer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// Audit appends ev to the audit trail; At defaults to now.
func (db *DB) Audit(ctx context.Context, ev flow.AuditEvent) error {
	if err := db.insertAudit(ctx, db.sql, ev); err != nil {
		return fmt.Errorf("audit %s of order %s: %w", ev.Action, ev.OrderID, err)
	}
	return nil
}

// insertAudit writes ev with the caller's transaction so the event exists
// exactly when the change it describes does.
func (db *DB) insertAudit(ctx context.Context, x execer, ev flow.AuditEvent) error {
	if ev.Action == "" {
		return fmt.Errorf("audit event without action")
	}
	_, err := x.ExecContext(ctx, `INSERT INTO audit_events
		(at, actor_kind, actor_name, order_id, action, from_state, to_state, detail)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		formatTime(orNow(ev.At, db.now())), string(ev.Actor.Kind), ev.Actor.Name,
		ev.OrderID, ev.Action, ev.From, ev.To, ev.Detail)
	if err != nil {
		return fmt.Errorf("insert audit event: %w", err)
	}
	return nil
}

// AuditTrail is the order's audit trail, oldest first.
func (db *DB) AuditTrail(ctx context.Context, orderID string) ([]flow.AuditEvent, error) {
	rows, err := db.sql.QueryContext(ctx, `SELECT id, at, actor_kind, actor_name, order_id,
		action, from_state, to_state, detail
		FROM audit_events WHERE order_id = ? ORDER BY at, id`, orderID)
	if err != nil {
		return nil, fmt.Errorf("audit trail of order %s: %w", orderID, err)
	}
	defer rows.Close()
	var evs []flow.AuditEvent
	for rows.Next() {
		var ev flow.AuditEvent
		var at, kind string
		if err := rows.Scan(&ev.ID, &at, &kind, &ev.Actor.Name, &ev.OrderID,
			&ev.Action, &ev.From, &ev.To, &ev.Detail); err != nil {
			return nil, fmt.Errorf("audit trail of order %s: %w", orderID, err)
		}
		ev.Actor.Kind = flow.ActorKind(kind)
		if ev.At, err = parseTime(at); err != nil {
			return nil, fmt.Errorf("audit trail of order %s: %w", orderID, err)
		}
		evs = append(evs, ev)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("audit trail of order %s: %w", orderID, err)
	}
	return evs, nil
}
