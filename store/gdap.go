package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"onboard/flow"
)

// SaveGDAP inserts or updates the tenant's GDAP relationship.
func (db *DB) SaveGDAP(ctx context.Context, g flow.GDAPRecord) error {
	end := ""
	if !g.EndAt.IsZero() {
		end = formatTime(g.EndAt)
	}
	err := db.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO gdap_relationships
			(tenant_id, relationship_id, status, approval_url, assigned, end_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (tenant_id) DO UPDATE SET relationship_id = excluded.relationship_id,
				status = excluded.status, approval_url = excluded.approval_url,
				assigned = excluded.assigned, end_at = excluded.end_at, updated_at = excluded.updated_at`,
			strings.ToLower(g.TenantID), g.RelationshipID, g.Status, g.URL, boolInt(g.Assigned), end, formatTime(db.now()))
		return err
	})
	if err != nil {
		return fmt.Errorf("save GDAP relationship of %s: %w", g.TenantID, err)
	}
	return nil
}

// GDAPForTenant returns the tenant's GDAP relationship, or flow.ErrNotFound.
func (db *DB) GDAPForTenant(ctx context.Context, tenantID string) (flow.GDAPRecord, error) {
	g := flow.GDAPRecord{TenantID: strings.ToLower(tenantID)}
	var assigned int
	var end string
	err := db.sql.QueryRowContext(ctx, `SELECT relationship_id, status, approval_url, assigned, end_at
		FROM gdap_relationships WHERE tenant_id = ?`, g.TenantID).Scan(&g.RelationshipID, &g.Status, &g.URL, &assigned, &end)
	if errors.Is(err, sql.ErrNoRows) {
		return flow.GDAPRecord{}, fmt.Errorf("GDAP relationship of %s: %w", tenantID, flow.ErrNotFound)
	}
	if err != nil {
		return flow.GDAPRecord{}, fmt.Errorf("GDAP relationship of %s: %w", tenantID, err)
	}
	g.Assigned = assigned == 1
	if end != "" {
		if g.EndAt, err = parseTime(end); err != nil {
			return flow.GDAPRecord{}, err
		}
	}
	return g, nil
}
