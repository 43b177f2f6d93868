package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"

	"onboard/flow"
)

// queryer is what both *sql.DB and *sql.Tx offer for reads.
type queryer interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

const customerColumns = `id, company_name, first_name, last_name, email, phone,
	addr_line1, addr_line2, city, state, postal_code, country, tenant_id, domain, created_at`

// CreateCustomer inserts c, setting ID and CreatedAt when empty. Idempotent
// on ID: an existing customer is not changed and c is filled from it.
func (db *DB) CreateCustomer(ctx context.Context, c *flow.Customer) error {
	if c.ID == "" {
		c.ID = uuid.NewString()
	}
	c.CreatedAt = orNow(c.CreatedAt, db.now()).UTC()
	err := db.write(ctx, func(tx *sql.Tx) error {
		a := c.Address
		res, err := tx.ExecContext(ctx, `INSERT INTO customers (`+customerColumns+`)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (id) DO NOTHING`,
			c.ID, c.CompanyName, c.FirstName, c.LastName, c.Email, c.Phone,
			a.Line1, a.Line2, a.City, a.State, a.PostalCode, a.Country, c.TenantID, c.Domain,
			formatTime(c.CreatedAt))
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 1 {
			return err
		}
		existing, err := getCustomer(ctx, tx, c.ID)
		*c = existing
		return err
	})
	if err != nil {
		return fmt.Errorf("create customer %s: %w", c.ID, err)
	}
	return nil
}

// GetCustomer returns the customer, or flow.ErrNotFound.
func (db *DB) GetCustomer(ctx context.Context, id string) (flow.Customer, error) {
	c, err := getCustomer(ctx, db.sql, id)
	if err != nil {
		return flow.Customer{}, fmt.Errorf("get customer %s: %w", id, err)
	}
	return c, nil
}

func getCustomer(ctx context.Context, q queryer, id string) (flow.Customer, error) {
	row := q.QueryRowContext(ctx, `SELECT `+customerColumns+` FROM customers WHERE id = ?`, id)
	return scanCustomer(row)
}

// ListCustomers returns customers created at or after since (zero: all),
// newest first, at most limit (0: no limit).
func (db *DB) ListCustomers(ctx context.Context, since time.Time, limit int) ([]flow.Customer, error) {
	query := `SELECT ` + customerColumns + ` FROM customers WHERE created_at >= ?
		ORDER BY created_at DESC, id DESC`
	args := []any{formatTime(since)}
	if limit > 0 {
		query += ` LIMIT ?`
		args = append(args, limit)
	}
	rows, err := db.sql.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("list customers: %w", err)
	}
	defer rows.Close()
	var cs []flow.Customer
	for rows.Next() {
		c, err := scanCustomer(rows)
		if err != nil {
			return nil, fmt.Errorf("list customers: %w", err)
		}
		cs = append(cs, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list customers: %w", err)
	}
	return cs, nil
}

// LinkTenant records tenantID as the customer's Microsoft tenant. Linking
// again is a no-op; linking the tenant to another customer moves it (the
// latest link is the one Microsoft confirmed).
func (db *DB) LinkTenant(ctx context.Context, customerID, tenantID, domain string) error {
	err := db.write(ctx, func(tx *sql.Tx) error {
		// A tenant belongs to one customer: unlink it from any other first.
		if _, err := tx.ExecContext(ctx, `UPDATE customers SET tenant_id = '', domain = ''
			WHERE tenant_id = ? AND id <> ?`, tenantID, customerID); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx,
			`UPDATE customers SET tenant_id = ?, domain = ? WHERE id = ?`, tenantID, domain, customerID)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return flow.ErrNotFound
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO tenants (tenant_id, customer_id, domain, linked_at)
			VALUES (?, ?, ?, ?)
			ON CONFLICT (tenant_id) DO UPDATE SET customer_id = excluded.customer_id, domain = excluded.domain`,
			tenantID, customerID, domain, formatTime(db.now()))
		return err
	})
	if err != nil {
		return fmt.Errorf("link tenant %s to customer %s: %w", tenantID, customerID, err)
	}
	return nil
}

type scanner interface{ Scan(dest ...any) error }

func scanCustomer(s scanner) (flow.Customer, error) {
	var c flow.Customer
	var created string
	a := &c.Address
	err := s.Scan(&c.ID, &c.CompanyName, &c.FirstName, &c.LastName, &c.Email, &c.Phone,
		&a.Line1, &a.Line2, &a.City, &a.State, &a.PostalCode, &a.Country, &c.TenantID, &c.Domain, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return flow.Customer{}, flow.ErrNotFound
	}
	if err != nil {
		return flow.Customer{}, err
	}
	c.CreatedAt, err = parseTime(created)
	return c, err
}
