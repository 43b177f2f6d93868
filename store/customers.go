package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
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
	addr_line1, addr_line2, city, state, postal_code, country, tenant_id, domain, created_at, language`

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
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (id) DO NOTHING`,
			c.ID, c.CompanyName, c.FirstName, c.LastName, c.Email, c.Phone,
			a.Line1, a.Line2, a.City, a.State, a.PostalCode, a.Country, c.TenantID, c.Domain,
			formatTime(c.CreatedAt), c.Language)
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
// again is a no-op. A tenant belongs to one customer for good: linking it
// to another customer is refused with flow.ErrTenantTaken (a second
// sign-up for the tenant must use its customer, see AttachOrderTenant), and
// so is linking a second tenant to a customer that has one.
func (db *DB) LinkTenant(ctx context.Context, customerID, tenantID, domain string) error {
	err := db.write(ctx, func(tx *sql.Tx) error {
		return linkTenant(ctx, tx, customerID, tenantID, domain, db.now())
	})
	if err != nil {
		return fmt.Errorf("link tenant %s to customer %s: %w", tenantID, customerID, err)
	}
	return nil
}

func linkTenant(ctx context.Context, tx *sql.Tx, customerID, tenantID, domain string, now time.Time) error {
	c, err := getCustomer(ctx, tx, customerID)
	if err != nil {
		return err
	}
	if c.TenantID != "" && !strings.EqualFold(c.TenantID, tenantID) {
		return fmt.Errorf("customer has tenant %s: %w", c.TenantID, flow.ErrTenantTaken)
	}
	owner, err := tenantOwner(ctx, tx, tenantID)
	switch {
	case err == nil && owner != customerID:
		return fmt.Errorf("tenant belongs to customer %s: %w", owner, flow.ErrTenantTaken)
	case err != nil && !errors.Is(err, flow.ErrNotFound):
		return err
	}
	if _, err := tx.ExecContext(ctx,
		`UPDATE customers SET tenant_id = ?, domain = ? WHERE id = ?`, tenantID, domain, customerID); err != nil {
		return mapTenantTaken(err)
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO tenants (tenant_id, customer_id, domain, linked_at)
		VALUES (?, ?, ?, ?)
		ON CONFLICT (tenant_id) DO UPDATE SET domain = excluded.domain
		WHERE tenants.customer_id = excluded.customer_id`,
		tenantID, customerID, domain, formatTime(now))
	return mapTenantTaken(err)
}

// mapTenantTaken turns the one-customer-per-tenant index's refusal (a
// concurrent link won) into flow.ErrTenantTaken.
func mapTenantTaken(err error) error {
	if err != nil && isUniqueViolation(err) {
		return fmt.Errorf("%w (%v)", flow.ErrTenantTaken, err)
	}
	return err
}

// tenantOwner is the id of the customer tenantID belongs to, or flow.ErrNotFound.
func tenantOwner(ctx context.Context, q queryer, tenantID string) (string, error) {
	var id string
	err := q.QueryRowContext(ctx, `SELECT customer_id FROM tenants WHERE tenant_id = ?`, tenantID).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return "", flow.ErrNotFound
	}
	return id, err
}

// CustomerByTenant returns the customer tenantID belongs to, or flow.ErrNotFound.
func (db *DB) CustomerByTenant(ctx context.Context, tenantID string) (flow.Customer, error) {
	id, err := tenantOwner(ctx, db.sql, tenantID)
	if err == nil {
		var c flow.Customer
		if c, err = getCustomer(ctx, db.sql, id); err == nil {
			return c, nil
		}
	}
	return flow.Customer{}, fmt.Errorf("customer of tenant %s: %w", tenantID, err)
}

type scanner interface{ Scan(dest ...any) error }

func scanCustomer(s scanner) (flow.Customer, error) {
	var c flow.Customer
	var created string
	a := &c.Address
	err := s.Scan(&c.ID, &c.CompanyName, &c.FirstName, &c.LastName, &c.Email, &c.Phone,
		&a.Line1, &a.Line2, &a.City, &a.State, &a.PostalCode, &a.Country, &c.TenantID, &c.Domain, &created, &c.Language)
	if errors.Is(err, sql.ErrNoRows) {
		return flow.Customer{}, flow.ErrNotFound
	}
	if err != nil {
		return flow.Customer{}, err
	}
	c.CreatedAt, err = parseTime(created)
	return c, err
}
