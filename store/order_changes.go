package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"onboard/flow"
	"onboard/payment"
)

// TransitionOrder moves the order from → to (compare-and-set) and writes ev
// in the same transaction. flow.ErrConflict when the order is not in from,
// flow.ErrNotFound when there is no such order. Entering failed keeps reason
// and from as FailReason and FailedFrom; any other state clears both.
// Whether the transition is legal is package flow's decision. Reaching
// completed or cancelled deletes the order's drafts in the same transaction.
func (db *DB) TransitionOrder(ctx context.Context, id string, from, to flow.OrderStatus, reason string, ev flow.AuditEvent) error {
	failReason, failedFrom := "", ""
	if to == flow.StatusFailed {
		failReason, failedFrom = reason, string(from)
	}
	ev.OrderID, ev.From, ev.To = id, string(from), string(to)
	if ev.Action == "" {
		ev.Action = "order.transition"
	}
	if ev.Detail == "" {
		ev.Detail = reason
	}
	err := db.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE orders
			SET status = ?, fail_reason = ?, failed_from = ?, updated_at = ?
			WHERE id = ? AND status = ?`,
			string(to), failReason, failedFrom, formatTime(db.now()), id, string(from))
		if err != nil {
			return err
		}
		if err := expectOneRow(ctx, tx, res, id, from); err != nil {
			return err
		}
		if to == flow.StatusCompleted || to == flow.StatusCancelled {
			// Nothing is left to resume: a draft kept now would greet the
			// next person at the terminal with this sign-up.
			if _, err := tx.ExecContext(ctx, `DELETE FROM drafts WHERE order_id = ?`, id); err != nil {
				return fmt.Errorf("delete drafts: %w", err)
			}
		}
		return db.insertAudit(ctx, tx, ev)
	})
	if err != nil {
		return fmt.Errorf("move order %s from %s to %s: %w", id, from, to, err)
	}
	return nil
}

// expectOneRow explains a compare-and-set UPDATE that matched nothing: the
// order is missing (ErrNotFound) or not in the expected state (ErrConflict).
func expectOneRow(ctx context.Context, q queryer, res sql.Result, id string, want flow.OrderStatus) error {
	n, err := res.RowsAffected()
	if err != nil || n > 0 {
		return err
	}
	var status string
	err = q.QueryRowContext(ctx, `SELECT status FROM orders WHERE id = ?`, id).Scan(&status)
	if errors.Is(err, sql.ErrNoRows) {
		return flow.ErrNotFound
	}
	if err != nil {
		return err
	}
	return fmt.Errorf("order is %s, not %s: %w", status, want, flow.ErrConflict)
}

// UpdateOrderTenant sets the tenant and the administrator who accepted the
// invitation.
func (db *DB) UpdateOrderTenant(ctx context.Context, id, tenantID, domain, adminUPN string) error {
	err := db.updateOrder(ctx, id, nil, `tenant_id = ?, tenant_domain = ?, admin_upn = ?`,
		tenantID, domain, adminUPN)
	if err != nil {
		return fmt.Errorf("set tenant %s of order %s: %w", tenantID, id, err)
	}
	return nil
}

// SetApproved marks the order approved by an agent, with ev.
func (db *DB) SetApproved(ctx context.Context, id string, ev flow.AuditEvent) error {
	ev.OrderID = id
	if ev.Action == "" {
		ev.Action = "order.approved"
	}
	if err := db.updateOrder(ctx, id, &ev, `approved = 1`); err != nil {
		return fmt.Errorf("approve order %s: %w", id, err)
	}
	return nil
}

// updateOrder sets the columns of set (with args) and updated_at on one
// order and writes ev when not nil, in one transaction.
func (db *DB) updateOrder(ctx context.Context, id string, ev *flow.AuditEvent, set string, args ...any) error {
	return db.write(ctx, func(tx *sql.Tx) error {
		args = append(args, formatTime(db.now()), id)
		res, err := tx.ExecContext(ctx, `UPDATE orders SET `+set+`, updated_at = ? WHERE id = ?`, args...)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return flow.ErrNotFound
		}
		if ev == nil {
			return nil
		}
		return db.insertAudit(ctx, tx, *ev)
	})
}

// SetLineSubscription records the subscription provisioned for a line and
// whether it came from converting a trial. Setting it again overwrites.
func (db *DB) SetLineSubscription(ctx context.Context, orderID string, lineNo int, subscriptionID string, converted bool) error {
	err := db.write(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM order_lines
			WHERE order_id = ? AND line_no = ?`, orderID, lineNo).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return flow.ErrNotFound
		}
		return upsertSubscription(ctx, tx, orderID, lineNo, subscriptionID, converted, db.now())
	})
	if err != nil {
		return fmt.Errorf("set subscription of order %s line %d: %w", orderID, lineNo, err)
	}
	return nil
}

func upsertSubscription(ctx context.Context, x execer, orderID string, lineNo int, subscriptionID string, converted bool, now time.Time) error {
	_, err := x.ExecContext(ctx, `INSERT INTO subscriptions
		(order_id, line_no, subscription_id, converted, updated_at) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (order_id, line_no) DO UPDATE SET
			subscription_id = excluded.subscription_id, converted = excluded.converted,
			updated_at = excluded.updated_at`,
		orderID, lineNo, subscriptionID, boolInt(converted), formatTime(now))
	if err != nil {
		return fmt.Errorf("upsert subscription: %w", err)
	}
	return nil
}

// ReplaceOrderLines replaces the lines of an order in from with lines and
// writes ev, in one transaction; an agent's approval, given for the old
// lines, is cleared. flow.ErrAlreadyPaid when a checkout paid the order,
// flow.ErrConflict when the order is not in from or a checkout could still
// be paid at the old amount (flow closes those first): the lines a customer
// pays for are never changed under a payment.
func (db *DB) ReplaceOrderLines(ctx context.Context, id string, from flow.OrderStatus, lines []flow.OrderLine, ev flow.AuditEvent) error {
	ev.OrderID = id
	if ev.Action == "" {
		ev.Action = "order.lines"
	}
	err := db.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE orders SET approved = 0, updated_at = ?
			WHERE id = ? AND status = ?`, formatTime(db.now()), id, string(from))
		if err != nil {
			return err
		}
		if err := expectOneRow(ctx, tx, res, id, from); err != nil {
			return err
		}
		var state string
		err = tx.QueryRowContext(ctx, `SELECT state FROM payments WHERE order_id = ? AND state IN (?, ?, ?)
			ORDER BY state = ? DESC LIMIT 1`, id, statePaid, string(payment.StatePending), string(payment.StateDeclined), statePaid).Scan(&state)
		switch {
		case err == nil && state == statePaid:
			return flow.ErrAlreadyPaid
		case err == nil:
			return fmt.Errorf("a checkout is %s: %w", state, flow.ErrConflict)
		case !errors.Is(err, sql.ErrNoRows):
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM order_lines WHERE order_id = ?`, id); err != nil {
			return fmt.Errorf("delete lines: %w", err)
		}
		for i, l := range lines {
			if _, err := tx.ExecContext(ctx, `INSERT INTO order_lines
				(order_id, line_no, offer_id, name, sku_id, quantity, unit_price, term_duration, billing_cycle)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
				id, i+1, l.OfferID, l.Name, l.SkuID, l.Quantity, l.UnitPrice, l.TermDuration, l.BillingCycle); err != nil {
				return fmt.Errorf("insert line %d: %w", i+1, err)
			}
		}
		return db.insertAudit(ctx, tx, ev)
	})
	if err != nil {
		return fmt.Errorf("replace lines of order %s: %w", id, err)
	}
	return nil
}
