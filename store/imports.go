package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"

	"onboard/flow"
)

// SaveDomains upserts the tenant's domains keyed by name, in one transaction.
func (db *DB) SaveDomains(ctx context.Context, tenantID string, ds []flow.Domain) error {
	byName := make(map[string]int, len(ds))
	var args []any
	for _, d := range ds {
		row := []any{tenantID, d.Name, boolInt(d.IsInitial), boolInt(d.IsDefault), boolInt(d.IsVerified)}
		if i, dup := byName[d.Name]; dup { // the last of duplicates wins, as an upsert would
			copy(args[i*5:], row)
			continue
		}
		byName[d.Name] = len(byName)
		args = append(args, row...)
	}
	err := db.write(ctx, func(tx *sql.Tx) error {
		b := &batch{tx: tx, width: 5, sep: ", ", group: "(?, ?, ?, ?, ?)",
			prefix: `INSERT INTO tenant_domains (tenant_id, name, is_initial, is_default, is_verified) VALUES `,
			suffix: ` ON CONFLICT (tenant_id, name) DO UPDATE SET is_initial = excluded.is_initial,
				is_default = excluded.is_default, is_verified = excluded.is_verified`}
		defer b.close()
		return b.exec(ctx, args)
	})
	if err != nil {
		return fmt.Errorf("save domains of %s: %w", tenantID, err)
	}
	return nil
}

// searchTerms is the text user_search indexes for a tenant_users row: the
// display name and the UPN up to its @. Matcher (usersearch.go) splits the
// same text into the same words.
const searchTerms = `display_name || ' ' || substr(upn, 1, instr(upn || '@', '@') - 1)`

// SaveUsers upserts the tenant's users keyed by user id and replaces each
// given user's license assignments with its SkuIDs, all in one transaction,
// so a resumed import never stores anything twice. Imports of whole tenants
// go through BeginUserImport instead.
func (db *DB) SaveUsers(ctx context.Context, tenantID string, us []flow.User) error {
	us = lastOfEachUser(us)
	userArgs := make([]any, 0, len(us)*9)
	keys := make([]any, 0, len(us))
	idArgs := make([]any, 0, len(us))
	var skuArgs []any
	for _, u := range us {
		key := userKey(tenantID, u.ID)
		userArgs = append(userArgs, key, tenantID, u.ID, u.UPN, u.FirstName, u.LastName,
			u.DisplayName, u.UsageLocation, boolInt(u.Active))
		keys = append(keys, key)
		idArgs = append(idArgs, u.ID)
		for _, sku := range uniqueStrings(u.SkuIDs) {
			skuArgs = append(skuArgs, tenantID, u.ID, sku)
		}
	}
	err := db.write(ctx, func(tx *sql.Tx) error {
		// The search words of users being replaced go first: a contentless
		// index forgets a row only when given the words it was indexed with.
		// (PostgreSQL has no search index: it searches tenant_users.)
		if !db.postgres {
			if err := eachKeys(ctx, tx, keys, `INSERT INTO user_search (user_search, rowid, terms)
				SELECT 'delete', id, `+searchTerms+` FROM tenant_users u WHERE `+keyedByKeyTable); err != nil {
				return fmt.Errorf("unindex users: %w", err)
			}
		}
		if err := db.upsertUsers(ctx, tx, userArgs); err != nil {
			return fmt.Errorf("upsert users: %w", err)
		}
		if !db.postgres {
			if err := eachKeys(ctx, tx, keys, `INSERT INTO user_search (rowid, terms)
				SELECT id, `+searchTerms+` FROM tenant_users u WHERE `+keyedByKeyTable); err != nil {
				return fmt.Errorf("index users: %w", err)
			}
		}
		if err := deleteAssignments(ctx, tx, tenantID, idArgs); err != nil {
			return err
		}
		if err := insertAssignments(ctx, tx, skuArgs); err != nil {
			return err
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("save users of %s: %w", tenantID, err)
	}
	return nil
}

// upsertUsers inserts or updates tenant_users rows, 9 values each in
// userInsert's order, by user_key. PostgreSQL's unique index on user_key
// takes an upsert; SQLite's keys are in tenant_user_keys (migration 16), so
// each row is updated through it or inserted and filed there.
func (db *DB) upsertUsers(ctx context.Context, tx *sql.Tx, args []any) error {
	if db.postgres {
		users := &batch{tx: tx, width: 9, sep: ", ", group: "(?, ?, ?, ?, ?, ?, ?, ?, ?)",
			prefix: userInsert,
			suffix: ` ON CONFLICT (user_key) DO UPDATE SET upn = excluded.upn,
				first_name = excluded.first_name, last_name = excluded.last_name,
				display_name = excluded.display_name, usage_location = excluded.usage_location,
				active = excluded.active`}
		defer users.close()
		return users.exec(ctx, args)
	}
	update, err := tx.PrepareContext(ctx, `UPDATE tenant_users SET upn = ?, first_name = ?, last_name = ?,
		display_name = ?, usage_location = ?, active = ?
		WHERE id = (SELECT id FROM tenant_user_keys WHERE user_key = ?)`)
	if err != nil {
		return err
	}
	defer update.Close()
	insert, err := tx.PrepareContext(ctx, userInsert+groups(1, 9))
	if err != nil {
		return err
	}
	defer insert.Close()
	file, err := tx.PrepareContext(ctx, `INSERT INTO tenant_user_keys (user_key, id) VALUES (?, ?)`)
	if err != nil {
		return err
	}
	defer file.Close()
	for ; len(args) >= 9; args = args[9:] {
		row := args[:9]
		res, err := update.ExecContext(ctx, append(row[3:9:9], row[0])...)
		if err != nil {
			return err
		}
		updated, err := res.RowsAffected()
		if err != nil {
			return err
		}
		if updated > 0 {
			continue // its key is filed already
		}
		res, err = insert.ExecContext(ctx, row...)
		if err != nil {
			return err
		}
		id, err := res.LastInsertId()
		if err != nil {
			return err
		}
		if _, err := file.ExecContext(ctx, row[0], id); err != nil {
			return err
		}
	}
	return nil
}

// keyedByKeyTable is SQLite's condition on tenant_users u for the rows whose
// user_key is in a list of placeholders (%s), found through tenant_user_keys.
const keyedByKeyTable = `u.id IN (SELECT id FROM tenant_user_keys WHERE user_key IN (%s))`

// keyedBy is the condition on tenant_users u for the rows whose user_key
// is one of n parameters: through SQLite's key table or PostgreSQL's
// unique index.
func (db *DB) keyedBy(n int) string {
	if db.postgres {
		return `u.user_key IN (` + placeholders(n) + `)`
	}
	return fmt.Sprintf(keyedByKeyTable, placeholders(n))
}

const userInsert = `INSERT INTO tenant_users (user_key, tenant_id, user_id, upn, first_name,
	last_name, display_name, usage_location, active) VALUES `

// eachKeys runs query, whose %s is a list of placeholders, over keys in
// batches of batchRows.
func eachKeys(ctx context.Context, tx *sql.Tx, keys []any, query string) error {
	for len(keys) > 0 {
		n := min(len(keys), batchRows)
		if _, err := tx.ExecContext(ctx, fmt.Sprintf(query, placeholders(n)), keys[:n]...); err != nil {
			return err
		}
		keys = keys[n:]
	}
	return nil
}

// deleteAssignments removes all assignments of the given users of tenantID.
func deleteAssignments(ctx context.Context, tx *sql.Tx, tenantID string, userIDs []any) error {
	del := &batch{tx: tx, width: 1, sep: ", ", group: "?",
		prefix: `DELETE FROM license_assignments WHERE tenant_id = ? AND user_id IN (`, suffix: `)`}
	defer del.close()
	// The tenant id is the first parameter of every batch, so run the
	// batches here rather than through batch.exec's flat argument list.
	for len(userIDs) > 0 {
		n := min(len(userIDs), batchRows)
		args := append([]any{tenantID}, userIDs[:n]...)
		if n == batchRows {
			if del.full == nil {
				st, err := tx.PrepareContext(ctx, del.query(batchRows))
				if err != nil {
					return fmt.Errorf("prepare delete assignments: %w", err)
				}
				del.full = st
			}
			if _, err := del.full.ExecContext(ctx, args...); err != nil {
				return fmt.Errorf("delete assignments: %w", err)
			}
		} else if _, err := tx.ExecContext(ctx, del.query(n), args...); err != nil {
			return fmt.Errorf("delete assignments: %w", err)
		}
		userIDs = userIDs[n:]
	}
	return nil
}

// insertAssignments inserts (tenant, user, sku) triples, skipping existing.
func insertAssignments(ctx context.Context, tx *sql.Tx, triples []any) error {
	ins := &batch{tx: tx, width: 3, sep: ", ", group: "(?, ?, ?)",
		prefix: `INSERT INTO license_assignments (tenant_id, user_id, sku_id) VALUES `,
		suffix: ` ON CONFLICT (tenant_id, user_id, sku_id) DO NOTHING`}
	defer ins.close()
	if err := ins.exec(ctx, triples); err != nil {
		return fmt.Errorf("insert assignments: %w", err)
	}
	return nil
}

// lastOfEachUser drops all but the last occurrence of each user id, keeping
// the order, so one statement never upserts the same row twice.
func lastOfEachUser(us []flow.User) []flow.User {
	last := make(map[string]int, len(us))
	for i, u := range us {
		last[u.ID] = i
	}
	if len(last) == len(us) {
		return us
	}
	out := make([]flow.User, 0, len(last))
	for i, u := range us {
		if last[u.ID] == i {
			out = append(out, u)
		}
	}
	return out
}

func uniqueStrings(ss []string) []string {
	if len(ss) < 2 {
		return ss
	}
	out := slices.Clone(ss)
	slices.Sort(out)
	return slices.Compact(out)
}

// AddAssignments records skuID as assigned to the users, with ev, in one
// transaction; flow.ErrNotFound when a user was never imported.
func (db *DB) AddAssignments(ctx context.Context, tenantID, skuID string, userIDs []string, ev flow.AuditEvent) error {
	triples := make([]any, 0, 3*len(userIDs))
	for _, id := range uniqueStrings(userIDs) {
		triples = append(triples, tenantID, id, skuID)
	}
	if ev.Action == "" {
		ev.Action = "licenses.assigned"
	}
	if ev.Detail == "" {
		ev.Detail = fmt.Sprintf("%s to %d users of %s", skuID, len(triples)/3, tenantID)
	}
	err := db.write(ctx, func(tx *sql.Tx) error {
		if err := db.checkUsersExist(ctx, tx, tenantID, triples); err != nil {
			return err
		}
		if err := insertAssignments(ctx, tx, triples); err != nil {
			return err
		}
		return db.insertAudit(ctx, tx, ev)
	})
	if err != nil {
		return fmt.Errorf("assign %s to users of %s: %w", skuID, tenantID, err)
	}
	return nil
}

// checkUsersExist fails with flow.ErrNotFound unless every user of the
// (tenant, user, sku) triples is stored.
func (db *DB) checkUsersExist(ctx context.Context, tx *sql.Tx, tenantID string, triples []any) error {
	for len(triples) > 0 {
		n := min(len(triples)/3, batchRows)
		args := make([]any, 0, n)
		for i := 0; i < n; i++ {
			args = append(args, userKey(tenantID, triples[3*i+1].(string)))
		}
		var found int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM tenant_users u
			WHERE `+db.keyedBy(n), args...).Scan(&found); err != nil {
			return fmt.Errorf("check users: %w", err)
		}
		if found != n {
			return fmt.Errorf("%d of %d users not imported: %w", n-found, n, flow.ErrNotFound)
		}
		triples = triples[3*n:]
	}
	return nil
}

// CountUsers is how many users of the tenant are stored.
func (db *DB) CountUsers(ctx context.Context, tenantID string) (int, error) {
	var n int
	err := db.sql.QueryRowContext(ctx, `SELECT COUNT(*) FROM tenant_users WHERE tenant_id = ?`, tenantID).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count users of %s: %w", tenantID, err)
	}
	return n, nil
}

// CountDomains is how many domains of the tenant are stored.
func (db *DB) CountDomains(ctx context.Context, tenantID string) (int, error) {
	var n int
	err := db.sql.QueryRowContext(ctx, `SELECT COUNT(*) FROM tenant_domains WHERE tenant_id = ?`, tenantID).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count domains of %s: %w", tenantID, err)
	}
	return n, nil
}

// ListUsers returns the tenant's users ordered by UPN with their SkuIDs
// (sorted), in two queries.
func (db *DB) ListUsers(ctx context.Context, tenantID string) ([]flow.User, error) {
	us, err := db.listUsers(ctx, tenantID)
	if err != nil {
		return nil, fmt.Errorf("list users of %s: %w", tenantID, err)
	}
	return us, nil
}

func (db *DB) listUsers(ctx context.Context, tenantID string) ([]flow.User, error) {
	rows, err := db.sql.QueryContext(ctx, `SELECT user_id, upn, first_name, last_name, display_name,
		usage_location, active FROM tenant_users WHERE tenant_id = ? ORDER BY upn, user_id`, tenantID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var us []flow.User
	index := map[string]int{}
	for rows.Next() {
		var u flow.User
		var active int
		if err := rows.Scan(&u.ID, &u.UPN, &u.FirstName, &u.LastName, &u.DisplayName,
			&u.UsageLocation, &active); err != nil {
			return nil, err
		}
		u.Active = active != 0
		index[u.ID] = len(us)
		us = append(us, u)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows.Close()
	return us, db.loadSkus(ctx, tenantID, us, index)
}

func (db *DB) loadSkus(ctx context.Context, tenantID string, us []flow.User, index map[string]int) error {
	rows, err := db.sql.QueryContext(ctx, `SELECT user_id, sku_id FROM license_assignments
		WHERE tenant_id = ? ORDER BY user_id, sku_id`, tenantID)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var userID, sku string
		if err := rows.Scan(&userID, &sku); err != nil {
			return err
		}
		if i, ok := index[userID]; ok {
			us[i].SkuIDs = append(us[i].SkuIDs, sku)
		}
	}
	return rows.Err()
}

// ListDomains returns the tenant's stored domains ordered by name.
func (db *DB) ListDomains(ctx context.Context, tenantID string) ([]flow.Domain, error) {
	rows, err := db.sql.QueryContext(ctx, `SELECT name, is_initial, is_default, is_verified
		FROM tenant_domains WHERE tenant_id = ? ORDER BY name`, tenantID)
	if err != nil {
		return nil, fmt.Errorf("list domains of %s: %w", tenantID, err)
	}
	defer rows.Close()
	var ds []flow.Domain
	for rows.Next() {
		var d flow.Domain
		var initial, def, verified int
		if err := rows.Scan(&d.Name, &initial, &def, &verified); err != nil {
			return nil, fmt.Errorf("list domains of %s: %w", tenantID, err)
		}
		d.IsInitial, d.IsDefault, d.IsVerified = initial != 0, def != 0, verified != 0
		ds = append(ds, d)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list domains of %s: %w", tenantID, err)
	}
	return ds, nil
}

// TenantOfDomain returns the tenant a stored domain belongs to (the name
// compared without case), or flow.ErrNotFound.
func (db *DB) TenantOfDomain(ctx context.Context, name string) (string, error) {
	var id string
	err := db.sql.QueryRowContext(ctx, `SELECT tenant_id FROM tenant_domains WHERE name = ? COLLATE NOCASE
		ORDER BY tenant_id LIMIT 1`, name).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return "", fmt.Errorf("tenant of domain %s: %w", name, flow.ErrNotFound)
	}
	if err != nil {
		return "", fmt.Errorf("tenant of domain %s: %w", name, err)
	}
	return id, nil
}
