package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"onboard/flow"
	"onboard/payment"
)

var statePaid = string(payment.StatePaid)

var errPaymentKey = errors.New("payment needs a checkout id and an order id")

// SavePayment inserts or updates a checkout attempt by CheckoutID.
// flow.ErrAlreadyPaid when p is paid and the order has another paid payment.
func (db *DB) SavePayment(ctx context.Context, p flow.Payment) error {
	err := db.write(ctx, func(tx *sql.Tx) error { return db.upsertPayment(ctx, tx, p) })
	if err != nil {
		return fmt.Errorf("save payment %s of order %s: %w", p.CheckoutID, p.OrderID, err)
	}
	return nil
}

func (db *DB) upsertPayment(ctx context.Context, tx *sql.Tx, p flow.Payment) error {
	if p.CheckoutID == "" || p.OrderID == "" {
		return errPaymentKey
	}
	now := db.now()
	_, err := tx.ExecContext(ctx, `INSERT INTO payments
		(checkout_id, order_id, amount, currency, state, payment_id, reason, tax, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (checkout_id) DO UPDATE SET
			amount = excluded.amount, currency = excluded.currency, state = excluded.state,
			payment_id = excluded.payment_id, reason = excluded.reason, tax = excluded.tax, updated_at = excluded.updated_at`,
		p.CheckoutID, p.OrderID, p.Amount, p.Currency, p.State, p.PaymentID, p.Reason, p.Tax,
		formatTime(orNow(p.CreatedAt, now)), formatTime(orNow(p.UpdatedAt, now)))
	if isUniqueViolation(err) {
		return flow.ErrAlreadyPaid
	}
	return mapForeignKey(err)
}

// Payments are the order's checkout attempts, oldest first.
func (db *DB) Payments(ctx context.Context, orderID string) ([]flow.Payment, error) {
	rows, err := db.sql.QueryContext(ctx, `SELECT checkout_id, order_id, amount, currency, state,
		payment_id, reason, tax, created_at, updated_at
		FROM payments WHERE order_id = ? ORDER BY created_at, checkout_id`, orderID)
	if err != nil {
		return nil, fmt.Errorf("payments of order %s: %w", orderID, err)
	}
	defer rows.Close()
	var ps []flow.Payment
	for rows.Next() {
		p, err := scanPayment(rows)
		if err != nil {
			return nil, fmt.Errorf("payments of order %s: %w", orderID, err)
		}
		ps = append(ps, p)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("payments of order %s: %w", orderID, err)
	}
	return ps, nil
}

func scanPayment(s scanner) (flow.Payment, error) {
	var p flow.Payment
	var created, updated string
	err := s.Scan(&p.CheckoutID, &p.OrderID, &p.Amount, &p.Currency, &p.State,
		&p.PaymentID, &p.Reason, &p.Tax, &created, &updated)
	if err != nil {
		return flow.Payment{}, err
	}
	if p.CreatedAt, err = parseTime(created); err != nil {
		return flow.Payment{}, err
	}
	p.UpdatedAt, err = parseTime(updated)
	return p, err
}

// MarkPaid records p as paid and moves the order awaiting_payment → paid
// with ev, in one transaction. flow.ErrAlreadyPaid when another checkout of
// the order is paid (the first one stays). Recording the same paid
// checkout again is a no-op, so a redelivered confirmation is harmless.
func (db *DB) MarkPaid(ctx context.Context, p flow.Payment, ev flow.AuditEvent) error {
	p.State = statePaid
	ev.OrderID = p.OrderID
	if ev.Action == "" {
		ev.Action = "payment.paid"
	}
	if ev.From == "" && ev.To == "" {
		ev.From, ev.To = string(flow.StatusAwaitingPayment), string(flow.StatusPaid)
	}
	if ev.Detail == "" {
		ev.Detail = p.CheckoutID
	}
	if p.CheckoutID == "" || p.OrderID == "" {
		return fmt.Errorf("mark order %s paid: %w", p.OrderID, errPaymentKey)
	}
	err := db.write(ctx, func(tx *sql.Tx) error { return db.markPaid(ctx, tx, p, ev) })
	if errors.Is(err, errAlreadyRecorded) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("mark order %s paid by %s: %w", p.OrderID, p.CheckoutID, err)
	}
	return nil
}

// errAlreadyRecorded rolls back a MarkPaid that repeats one already done.
var errAlreadyRecorded = errors.New("payment already recorded as paid")

func (db *DB) markPaid(ctx context.Context, tx *sql.Tx, p flow.Payment, ev flow.AuditEvent) error {
	var paidBy string
	err := tx.QueryRowContext(ctx, `SELECT checkout_id FROM payments
		WHERE order_id = ? AND state = ?`, p.OrderID, statePaid).Scan(&paidBy)
	switch {
	case err == nil && paidBy != p.CheckoutID:
		return fmt.Errorf("paid by checkout %s: %w", paidBy, flow.ErrAlreadyPaid)
	case err != nil && !errors.Is(err, sql.ErrNoRows):
		return err
	}
	repeated := paidBy == p.CheckoutID
	if err := db.upsertPayment(ctx, tx, p); err != nil {
		return err
	}
	res, err := tx.ExecContext(ctx, `UPDATE orders SET status = ?, updated_at = ?
		WHERE id = ? AND status = ?`,
		string(flow.StatusPaid), formatTime(db.now()), p.OrderID, string(flow.StatusAwaitingPayment))
	if err != nil {
		return err
	}
	// A checkout saved as paid earlier still moves an order left waiting
	// (a crash between SavePayment and MarkPaid); once moved, a repeat is
	// a no-op whatever state the order has reached since.
	if err := expectOneRow(ctx, tx, res, p.OrderID, flow.StatusAwaitingPayment); err != nil {
		if repeated && errors.Is(err, flow.ErrConflict) {
			return errAlreadyRecorded
		}
		return err
	}
	return db.insertAudit(ctx, tx, ev)
}
