package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/google/uuid"

	"onboard/flow"
)

const orderColumns = `id, number, customer_id, status, policy, currency, tenant_id,
	tenant_domain, admin_upn, approved, fail_reason, failed_from,
	created_by_kind, created_by_name, created_at, updated_at,
	contact_first_name, contact_last_name, contact_email, contact_phone`

// orderNumberCounter is the counters row that numbers orders.
const orderNumberCounter = "order_number"

// CreateOrder inserts the order, its lines and ev in one transaction and
// sets ID (when empty), Number, CreatedAt and UpdatedAt; Status defaults to
// draft. Idempotent on ID: an existing order is left alone (no event
// written, no number used) and o is filled from it. flow.ErrOpenOrder when
// the tenant (by id or initial domain) has an open order already; a
// customer left with neither a tenant nor an order is then removed.
func (db *DB) CreateOrder(ctx context.Context, o *flow.Order, ev flow.AuditEvent) error {
	if o.ID == "" {
		o.ID = uuid.NewString()
	}
	err := db.write(ctx, func(tx *sql.Tx) error {
		existing, err := getOrder(ctx, tx, o.ID)
		if err == nil {
			*o = existing
			return nil
		}
		if !errors.Is(err, flow.ErrNotFound) {
			return err
		}
		if err := db.insertOrder(ctx, tx, o); err != nil {
			return err
		}
		ev.OrderID = o.ID
		if ev.Action == "" {
			ev.Action = "order.created"
		}
		if ev.To == "" {
			ev.To = string(o.Status)
		}
		return db.insertAudit(ctx, tx, ev)
	})
	if errors.Is(err, flow.ErrOpenOrder) {
		// The customer made for the refused order alone (no tenant, no
		// order) would be a second record of the tenant's customer.
		_ = db.write(ctx, func(tx *sql.Tx) error {
			_, err := tx.ExecContext(ctx, `DELETE FROM customers WHERE id = ? AND tenant_id = ''
				AND NOT EXISTS (SELECT 1 FROM orders WHERE customer_id = ?)`, o.CustomerID, o.CustomerID)
			return err
		})
	}
	if err != nil {
		return fmt.Errorf("create order %s: %w", o.ID, err)
	}
	return nil
}

func (db *DB) insertOrder(ctx context.Context, tx *sql.Tx, o *flow.Order) error {
	var seq int64
	if err := tx.QueryRowContext(ctx, `INSERT INTO counters (name, value) VALUES (?, 1)
		ON CONFLICT (name) DO UPDATE SET value = counters.value + 1
		RETURNING value`, orderNumberCounter).Scan(&seq); err != nil {
		return fmt.Errorf("next order number: %w", err)
	}
	now := db.now()
	o.Number = fmt.Sprintf("ORD-%06d", seq)
	o.CreatedAt = orNow(o.CreatedAt, now).UTC()
	o.UpdatedAt = o.CreatedAt
	if o.Status == "" {
		o.Status = flow.StatusDraft
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO orders (`+orderColumns+`)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		o.ID, o.Number, o.CustomerID, string(o.Status), string(o.Policy), o.Currency, o.TenantID,
		o.TenantDomain, o.AdminUPN, boolInt(o.Approved), o.FailReason, string(o.FailedFrom),
		string(o.CreatedBy.Kind), o.CreatedBy.Name, formatTime(o.CreatedAt), formatTime(o.UpdatedAt),
		o.Contact.FirstName, o.Contact.LastName, o.Contact.Email, o.Contact.Phone)
	if err != nil {
		return fmt.Errorf("insert order: %w", mapOpenOrder(err))
	}
	for i := range o.Lines {
		l := &o.Lines[i]
		if l.LineNo == 0 {
			l.LineNo = i + 1
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO order_lines
			(order_id, line_no, offer_id, name, sku_id, quantity, unit_price, term_duration, billing_cycle)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			o.ID, l.LineNo, l.OfferID, l.Name, l.SkuID, l.Quantity, l.UnitPrice, l.TermDuration, l.BillingCycle); err != nil {
			return fmt.Errorf("insert line %d: %w", l.LineNo, err)
		}
		if l.SubscriptionID != "" {
			if err := upsertSubscription(ctx, tx, o.ID, l.LineNo, l.SubscriptionID, l.Converted, now); err != nil {
				return err
			}
		}
	}
	return nil
}

// openOrderIndex prefixes the names of the indexes that allow one open
// order per tenant (by tenant id, by initial domain).
const openOrderIndex = "orders_one_open_per_"

// mapOpenOrder turns the one-open-order-per-tenant index's refusal into
// flow.ErrOpenOrder; flow looks the open order up to offer it instead.
func mapOpenOrder(err error) error {
	if err != nil && isUniqueViolation(err) && strings.Contains(err.Error(), openOrderIndex) {
		return fmt.Errorf("%w (%v)", flow.ErrOpenOrder, err)
	}
	return err
}

// OpenOrderForTenant returns the oldest open order (neither completed nor
// cancelled), other than except, of the tenant tenantID or ordered for the
// initial domain; flow.ErrNotFound when there is none. Either key may be
// empty.
func (db *DB) OpenOrderForTenant(ctx context.Context, tenantID, domain, except string) (flow.Order, error) {
	o, err := openOrderForTenant(ctx, db.sql, tenantID, domain, except)
	if err != nil {
		return flow.Order{}, fmt.Errorf("open order of tenant %s %s: %w", tenantID, domain, err)
	}
	return o, nil
}

func openOrderForTenant(ctx context.Context, q queryer, tenantID, domain, except string) (flow.Order, error) {
	tenantID = strings.ToLower(strings.TrimSpace(tenantID))
	domain = strings.ToLower(strings.TrimSpace(domain))
	if tenantID == "" && domain == "" {
		return flow.Order{}, flow.ErrNotFound
	}
	o, err := scanOrder(q.QueryRowContext(ctx, `SELECT `+orderColumns+` FROM orders
		WHERE status NOT IN ('completed', 'cancelled') AND id <> ?
		  AND ((? <> '' AND lower(tenant_id) = ?) OR (? <> '' AND lower(tenant_domain) = ?))
		ORDER BY duplicate_of <> '', created_at, id LIMIT 1`,
		except, tenantID, tenantID, domain, domain))
	if err != nil {
		return flow.Order{}, err
	}
	if err := loadLines(ctx, q, map[string]*flow.Order{o.ID: &o}); err != nil {
		return flow.Order{}, err
	}
	return o, nil
}

// AttachOrderTenant records, in one transaction, that the order's tenant is
// tenantID (accepted by adminUPN): when the tenant already belongs to a
// customer the order moves to that customer, the customer made for the
// order alone is dropped and ev is written; else the tenant is linked to
// the order's customer. A tenant is never moved away from its customer.
// flow.ErrOpenOrder when the tenant has another open order.
func (db *DB) AttachOrderTenant(ctx context.Context, orderID, tenantID, domain, adminUPN string, ev flow.AuditEvent) (flow.Order, error) {
	var o flow.Order
	err := db.write(ctx, func(tx *sql.Tx) error {
		var err error
		if o, err = getOrder(ctx, tx, orderID); err != nil {
			return err
		}
		now := db.now()
		owner, err := tenantOwner(ctx, tx, tenantID)
		switch {
		case err == nil && owner != o.CustomerID:
			if _, err := tx.ExecContext(ctx, `UPDATE orders SET customer_id = ? WHERE id = ?`, owner, o.ID); err != nil {
				return err
			}
			// The customer created for this order alone would be a second
			// record of the tenant's customer.
			if _, err := tx.ExecContext(ctx, `DELETE FROM customers WHERE id = ? AND tenant_id = ''
				AND NOT EXISTS (SELECT 1 FROM orders WHERE customer_id = ?)`, o.CustomerID, o.CustomerID); err != nil {
				return err
			}
			o.CustomerID = owner
			ev.OrderID = o.ID
			if err := db.insertAudit(ctx, tx, ev); err != nil {
				return err
			}
		case err == nil:
		case errors.Is(err, flow.ErrNotFound):
			if err := linkTenant(ctx, tx, o.CustomerID, tenantID, domain, now); err != nil {
				return err
			}
		default:
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE orders SET tenant_id = ?, tenant_domain = ?, admin_upn = ?,
			updated_at = ? WHERE id = ?`, tenantID, domain, adminUPN, formatTime(now), o.ID); err != nil {
			return mapOpenOrder(err)
		}
		o.TenantID, o.TenantDomain, o.AdminUPN, o.UpdatedAt = tenantID, domain, adminUPN, now
		// The order no longer waits for its invitation: its baseline of the
		// partner's customers has served.
		_, err = tx.ExecContext(ctx, `DELETE FROM consent_baselines WHERE order_id = ?`, o.ID)
		return err
	})
	if err != nil {
		return flow.Order{}, fmt.Errorf("attach tenant %s to order %s: %w", tenantID, orderID, err)
	}
	return o, nil
}

// SaveConsentBaseline records the partner's customers (tenant ids) when the
// order started waiting for its invitation; a baseline taken before is kept.
func (db *DB) SaveConsentBaseline(ctx context.Context, orderID string, tenantIDs []string) error {
	err := db.write(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM consent_baselines
			WHERE order_id = ? AND tenant_id = ''`, orderID).Scan(&n); err != nil || n > 0 {
			return err
		}
		for _, id := range append([]string{""}, tenantIDs...) {
			if _, err := tx.ExecContext(ctx, `INSERT INTO consent_baselines (order_id, tenant_id)
				VALUES (?, ?) ON CONFLICT DO NOTHING`, orderID, strings.ToLower(id)); err != nil {
				return mapForeignKey(err)
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("save consent baseline of order %s: %w", orderID, err)
	}
	return nil
}

// ConsentBaseline returns the tenant ids (lower case) SaveConsentBaseline
// recorded for the order, or flow.ErrNotFound when none was taken.
func (db *DB) ConsentBaseline(ctx context.Context, orderID string) (map[string]bool, error) {
	rows, err := db.sql.QueryContext(ctx, `SELECT tenant_id FROM consent_baselines WHERE order_id = ?`, orderID)
	if err != nil {
		return nil, fmt.Errorf("consent baseline of order %s: %w", orderID, err)
	}
	defer rows.Close()
	ids, taken := map[string]bool{}, false
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("consent baseline of order %s: %w", orderID, err)
		}
		if id == "" {
			taken = true
			continue
		}
		ids[id] = true
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("consent baseline of order %s: %w", orderID, err)
	}
	if !taken {
		return nil, fmt.Errorf("consent baseline of order %s: %w", orderID, flow.ErrNotFound)
	}
	return ids, nil
}

// GetOrder returns the order with its lines, or flow.ErrNotFound.
func (db *DB) GetOrder(ctx context.Context, id string) (flow.Order, error) {
	o, err := getOrder(ctx, db.sql, id)
	if err != nil {
		return flow.Order{}, fmt.Errorf("get order %s: %w", id, err)
	}
	return o, nil
}

// GetOrderByNumber returns the order numbered number (ORD-000001), or
// flow.ErrNotFound.
func (db *DB) GetOrderByNumber(ctx context.Context, number string) (flow.Order, error) {
	o, err := queryOrder(ctx, db.sql, `number = ?`, strings.ToUpper(strings.TrimSpace(number)))
	if err != nil {
		return flow.Order{}, fmt.Errorf("get order %s: %w", number, err)
	}
	return o, nil
}

func getOrder(ctx context.Context, q queryer, id string) (flow.Order, error) {
	return queryOrder(ctx, q, `id = ?`, id)
}

// queryOrder loads the one order matching where, lines included.
func queryOrder(ctx context.Context, q queryer, where string, arg any) (flow.Order, error) {
	o, err := scanOrder(q.QueryRowContext(ctx, `SELECT `+orderColumns+` FROM orders WHERE `+where, arg))
	if err != nil {
		return flow.Order{}, err
	}
	byID := map[string]*flow.Order{o.ID: &o}
	if err := loadLines(ctx, q, byID); err != nil {
		return flow.Order{}, err
	}
	return o, nil
}

// ListOrders returns the orders matching f, newest first, lines included.
func (db *DB) ListOrders(ctx context.Context, f flow.OrderFilter) ([]flow.Order, error) {
	var conds []string
	var args []any
	if f.Status != "" {
		conds, args = append(conds, `status = ?`), append(args, string(f.Status))
	}
	if f.CustomerID != "" {
		conds, args = append(conds, `customer_id = ?`), append(args, f.CustomerID)
	}
	if !f.Since.IsZero() {
		conds, args = append(conds, `created_at >= ?`), append(args, formatTime(f.Since))
	}
	query := `SELECT ` + orderColumns + ` FROM orders`
	if len(conds) > 0 {
		query += ` WHERE ` + strings.Join(conds, ` AND `)
	}
	query += ` ORDER BY created_at DESC, number DESC`
	if f.Limit > 0 {
		query, args = query+` LIMIT ?`, append(args, f.Limit)
	}
	orders, err := db.listOrders(ctx, query, args)
	if err != nil {
		return nil, fmt.Errorf("list orders: %w", err)
	}
	return orders, nil
}

func (db *DB) listOrders(ctx context.Context, query string, args []any) ([]flow.Order, error) {
	rows, err := db.sql.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var orders []flow.Order
	for rows.Next() {
		o, err := scanOrder(rows)
		if err != nil {
			return nil, err
		}
		orders = append(orders, o)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows.Close()
	byID := make(map[string]*flow.Order, len(orders))
	for i := range orders {
		byID[orders[i].ID] = &orders[i]
	}
	return orders, loadLines(ctx, db.sql, byID)
}

// maxInParams bounds the parameters of one IN (...) list.
const maxInParams = 500

// loadLines fills the lines of the given orders with one query per
// maxInParams orders (not one per order).
func loadLines(ctx context.Context, q queryer, byID map[string]*flow.Order) error {
	ids := make([]any, 0, len(byID))
	for id := range byID {
		ids = append(ids, id)
	}
	for len(ids) > 0 {
		n := min(len(ids), maxInParams)
		if err := loadLinesOf(ctx, q, ids[:n], byID); err != nil {
			return err
		}
		ids = ids[n:]
	}
	return nil
}

func loadLinesOf(ctx context.Context, q queryer, ids []any, byID map[string]*flow.Order) error {
	rows, err := q.QueryContext(ctx, `SELECT l.order_id, l.line_no, l.offer_id, l.name, l.sku_id,
		l.quantity, l.unit_price, l.term_duration, l.billing_cycle, COALESCE(s.subscription_id, ''), COALESCE(s.converted, 0)
		FROM order_lines l
		LEFT JOIN subscriptions s ON s.order_id = l.order_id AND s.line_no = l.line_no
		WHERE l.order_id IN (`+placeholders(len(ids))+`)
		ORDER BY l.order_id, l.line_no`, ids...)
	if err != nil {
		return fmt.Errorf("load order lines: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var orderID string
		var l flow.OrderLine
		var converted int
		if err := rows.Scan(&orderID, &l.LineNo, &l.OfferID, &l.Name, &l.SkuID,
			&l.Quantity, &l.UnitPrice, &l.TermDuration, &l.BillingCycle, &l.SubscriptionID, &converted); err != nil {
			return fmt.Errorf("load order lines: %w", err)
		}
		l.Converted = converted != 0
		o := byID[orderID]
		o.Lines = append(o.Lines, l)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("load order lines: %w", err)
	}
	return nil
}

// placeholders is "?, ?, …" n times.
func placeholders(n int) string {
	if n <= 0 {
		return ""
	}
	return strings.Repeat("?, ", n-1) + "?"
}

func scanOrder(s scanner) (flow.Order, error) {
	var o flow.Order
	var status, policy, failedFrom, kind, created, updated string
	var approved int
	err := s.Scan(&o.ID, &o.Number, &o.CustomerID, &status, &policy, &o.Currency, &o.TenantID,
		&o.TenantDomain, &o.AdminUPN, &approved, &o.FailReason, &failedFrom,
		&kind, &o.CreatedBy.Name, &created, &updated,
		&o.Contact.FirstName, &o.Contact.LastName, &o.Contact.Email, &o.Contact.Phone)
	if errors.Is(err, sql.ErrNoRows) {
		return flow.Order{}, flow.ErrNotFound
	}
	if err != nil {
		return flow.Order{}, err
	}
	o.Status, o.Policy, o.FailedFrom = flow.OrderStatus(status), flow.Policy(policy), flow.OrderStatus(failedFrom)
	o.CreatedBy.Kind = flow.ActorKind(kind)
	o.Approved = approved != 0
	if o.CreatedAt, err = parseTime(created); err != nil {
		return flow.Order{}, err
	}
	if o.UpdatedAt, err = parseTime(updated); err != nil {
		return flow.Order{}, err
	}
	return o, nil
}
