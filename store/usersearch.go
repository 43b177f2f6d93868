package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"

	"onboard/flow"
)

var _ flow.UserSearcher = (*DB)(nil)

// probeRows is how many rows a search reads in import order, matching them
// in Go, before it asks the full-text index instead. Broad searches (a
// frequent first name, a short prefix) find a page within a few hundred
// rows, where FTS5 would first merge the doclists of every word they begin;
// narrow ones go to the index, whose doclists are then short.
const probeRows = 1500

const userColumns = `u.id, u.user_id, u.upn, u.first_name, u.last_name, u.display_name, u.usage_location, u.active`

// SearchUsers returns a page of the tenant's users matching q.Text, in
// import order, with their SKUs.
func (db *DB) SearchUsers(ctx context.Context, tenantID string, q flow.UserQuery) (flow.UserPage, error) {
	limit := max(q.Limit, 1)
	m := flow.NewUserMatcher(q.Text)
	var page flow.UserPage
	var err error
	if m.Empty() {
		page, _, err = db.scanUsers(ctx, m, limit, `SELECT `+userColumns+` FROM tenant_users u
			WHERE u.tenant_id = ? AND u.id > ? ORDER BY u.id LIMIT ?`, tenantID, q.After, limit+1)
	} else {
		page, err = db.searchUsers(ctx, tenantID, q.Text, m, q.After, limit)
	}
	if err != nil {
		return flow.UserPage{}, fmt.Errorf("search users of %s: %w", tenantID, err)
	}
	if err := db.loadPageSkus(ctx, tenantID, page.Users); err != nil {
		return flow.UserPage{}, fmt.Errorf("search users of %s: %w", tenantID, err)
	}
	return page, nil
}

func (db *DB) searchUsers(ctx context.Context, tenantID, text string, m flow.UserMatcher, after int64, limit int) (flow.UserPage, error) {
	if db.postgres {
		return db.searchUsersPostgres(ctx, tenantID, text, m, after, limit)
	}
	// Candidates in import order: the users holding every whole word (an
	// exact, cheap index lookup), else everyone; matched in Go on their
	// names alone, the matches then read whole.
	probe := `SELECT u.id, u.display_name, u.upn FROM tenant_users u
		WHERE u.tenant_id = ? AND u.id > ? ORDER BY u.id LIMIT ?`
	args := []any{tenantID, after, probeRows}
	if len(m.Whole) > 0 {
		probe = `SELECT u.id, u.display_name, u.upn FROM user_search JOIN tenant_users u ON u.id = user_search.rowid
			WHERE user_search MATCH ? AND user_search.rowid > ? AND u.tenant_id = ?
			ORDER BY user_search.rowid LIMIT ?`
		args = []any{ftsQuery(flow.UserMatcher{Whole: m.Whole}), after, tenantID, probeRows}
	}
	ids, missed, err := db.probe(ctx, tenantID, text, after, limit, m, probe, args...)
	if err != nil {
		return flow.UserPage{}, err
	}
	if missed {
		// Few matches among many candidates: the index finds them directly.
		ids, _, err = matchingIDs(ctx, db.sql, m, limit+1, `SELECT u.id, u.display_name, u.upn FROM user_search
			JOIN tenant_users u ON u.id = user_search.rowid
			WHERE user_search MATCH ? AND user_search.rowid > ? AND u.tenant_id = ?
			ORDER BY user_search.rowid LIMIT ?`, ftsQuery(m), after, tenantID, limit+1)
		if err != nil {
			return flow.UserPage{}, err
		}
	}
	if len(ids) == 0 {
		return flow.UserPage{}, nil
	}
	return db.usersByRowID(ctx, ids, limit)
}

// probe matches the candidates query lists (probeRows of them, in import
// order) against m and returns the ids of up to limit+1 matches, or says it
// missed: it read probeRows candidates and found no more than a page, so
// the search asks the index. A first page whose text adds to the tenant's
// last missed one is not probed (probeMisses).
func (db *DB) probe(ctx context.Context, tenantID, text string, after int64, limit int, m flow.UserMatcher,
	query string, args ...any) (ids []int64, missed bool, err error) {
	first := after == 0
	if first && db.misses.skip(tenantID, text) {
		return nil, true, nil
	}
	ids, read, err := matchingIDs(ctx, db.sql, m, limit+1, query, args...)
	if err != nil {
		return nil, false, err
	}
	missed = len(ids) <= limit && read == probeRows
	if missed && first {
		db.misses.missed(tenantID, text)
	}
	return ids, missed, nil
}

// usersByRowID reads the users of ids (ascending) whole: a page of limit,
// Next set when there are more.
func (db *DB) usersByRowID(ctx context.Context, ids []int64, limit int) (flow.UserPage, error) {
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	page, _, err := db.scanUsers(ctx, flow.UserMatcher{}, limit, `SELECT `+userColumns+`
		FROM tenant_users u WHERE u.id IN (`+placeholders(len(ids))+`) ORDER BY u.id`, args...)
	return page, err
}

// searchUsersPostgres finds a page as SQLite's search does: first among
// the next probeRows users in import order, matched in Go (broad searches
// fill a page there), else through the GIN index of the users' words
// (migration 10), whose candidates the Go matcher confirms.
func (db *DB) searchUsersPostgres(ctx context.Context, tenantID, text string, m flow.UserMatcher, after int64, limit int) (flow.UserPage, error) {
	ids, missed, err := db.probe(ctx, tenantID, text, after, limit, m, `SELECT u.id, u.display_name, u.upn FROM tenant_users u
		WHERE u.tenant_id = ? AND u.id > ? ORDER BY u.id LIMIT ?`, tenantID, after, probeRows)
	if err != nil {
		return flow.UserPage{}, err
	}
	if missed {
		// By u.id + 0, not u.id: PostgreSQL cannot estimate how many users
		// a tsquery matches (it assumes 2 %) and for ORDER BY u.id LIMIT
		// would walk the primary key computing every user's words until a
		// page matched: 1–2 s at 1M users for a prefix whose matches come
		// late. Sorting the index's few matches costs 10–20 ms.
		// Planned for its own arguments each time: the driver prepares
		// statements, and after five runs PostgreSQL's generic plan ANDs
		// the index with every row past an unknown u.id (120 ms at 1M).
		// Without parallel workers: starting them took 10–40 ms (more
		// under load) for a page the index finds in under 1 ms.
		err = db.readOnly(ctx, func(tx *sql.Tx) error {
			if _, err := tx.ExecContext(ctx, `SELECT set_config('plan_cache_mode', 'force_custom_plan', true),
				set_config('max_parallel_workers_per_gather', '0', true)`); err != nil {
				return err
			}
			ids, _, err = matchingIDs(ctx, tx, m, limit+1, `SELECT u.id, u.display_name, u.upn FROM tenant_users u
				WHERE `+pgWordsMatch+` AND u.tenant_id = ? AND u.id > ? ORDER BY u.id + 0 LIMIT ?`,
				tsQuery(m), tenantID, after, limit+1)
			return err
		})
		if err != nil {
			return flow.UserPage{}, err
		}
	}
	if len(ids) == 0 {
		return flow.UserPage{}, nil
	}
	return db.usersByRowID(ctx, ids, limit)
}

// pgWordsMatch is the condition the GIN index tenant_users_words answers:
// the same expression as the index's, against a tsquery.
const pgWordsMatch = `onboard_user_words(u.display_name, u.upn) @@ to_tsquery('simple', ?)`

// tsQuery is m as a PostgreSQL tsquery: the whole words, and the word being
// typed as a prefix (words hold only letters and digits, nothing to quote).
func tsQuery(m flow.UserMatcher) string {
	parts := slices.Clone(m.Whole)
	if m.Prefix != "" {
		parts = append(parts, m.Prefix+":*")
	}
	return strings.Join(parts, " & ")
}

// querier is a *sql.DB or a *sql.Tx.
type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// readOnly runs fn in a read-only transaction, rolled back after.
func (db *DB) readOnly(ctx context.Context, fn func(*sql.Tx) error) error {
	tx, err := db.sql.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return err
	}
	defer tx.Rollback() //nolint:errcheck // nothing was written
	return fn(tx)
}

// matchingIDs reads (id, display name, UPN) rows and returns the ids of up
// to max rows m matches, and how many rows it read.
func matchingIDs(ctx context.Context, q querier, m flow.UserMatcher, max int, query string, args ...any) ([]int64, int, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var ids []int64
	read := 0
	var name, upn sql.RawBytes
	for rows.Next() {
		read++
		var id int64
		if err := rows.Scan(&id, &name, &upn); err != nil {
			return nil, 0, err
		}
		if m.MatchText(string(name), string(upn)) {
			ids = append(ids, id)
			if len(ids) == max {
				break
			}
		}
	}
	return ids, read, rows.Err()
}

// scanUsers reads the query's rows, keeping those m matches: up to limit,
// and Next set when one more matched. It returns how many rows it read.
func (db *DB) scanUsers(ctx context.Context, m flow.UserMatcher, limit int, query string, args ...any) (flow.UserPage, int, error) {
	rows, err := db.sql.QueryContext(ctx, query, args...)
	if err != nil {
		return flow.UserPage{}, 0, err
	}
	defer rows.Close()
	var page flow.UserPage
	var lastID int64
	read := 0
	for rows.Next() {
		read++
		var u flow.User
		var id int64
		var active int
		if err := rows.Scan(&id, &u.ID, &u.UPN, &u.FirstName, &u.LastName, &u.DisplayName,
			&u.UsageLocation, &active); err != nil {
			return flow.UserPage{}, 0, err
		}
		if !m.Match(u) {
			continue
		}
		if len(page.Users) == limit {
			page.Next = lastID
			break
		}
		u.Active = active != 0
		page.Users = append(page.Users, u)
		lastID = id
	}
	return page, read, rows.Err()
}

// ftsQuery is m as an FTS5 query: each word a quoted string (words hold
// only letters and digits), the one being typed as a prefix.
func ftsQuery(m flow.UserMatcher) string {
	parts := make([]string, 0, len(m.Whole)+1)
	for _, w := range m.Whole {
		parts = append(parts, `"`+w+`"`)
	}
	if m.Prefix != "" {
		parts = append(parts, `"`+m.Prefix+`"*`)
	}
	return strings.Join(parts, " ")
}

// loadPageSkus fills the SKUs of a page of users.
func (db *DB) loadPageSkus(ctx context.Context, tenantID string, us []flow.User) error {
	if len(us) == 0 {
		return nil
	}
	index := make(map[string]int, len(us))
	args := make([]any, 0, len(us)+1)
	args = append(args, tenantID)
	for i, u := range us {
		index[u.ID] = i
		args = append(args, u.ID)
	}
	rows, err := db.sql.QueryContext(ctx, `SELECT user_id, sku_id FROM license_assignments
		WHERE tenant_id = ? AND user_id IN (`+placeholders(len(us))+`) ORDER BY user_id, sku_id`, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id, sku string
		if err := rows.Scan(&id, &sku); err != nil {
			return err
		}
		if i, ok := index[id]; ok {
			us[i].SkuIDs = append(us[i].SkuIDs, sku)
		}
	}
	return rows.Err()
}

// CountMatchingUsers is how many of the tenant's users match text.
func (db *DB) CountMatchingUsers(ctx context.Context, tenantID, text string) (int, error) {
	m := flow.NewUserMatcher(text)
	var n int
	var err error
	switch {
	case m.Empty():
		err = db.sql.QueryRowContext(ctx, `SELECT COUNT(*) FROM tenant_users WHERE tenant_id = ?`, tenantID).Scan(&n)
	case db.postgres:
		err = db.sql.QueryRowContext(ctx, `SELECT COUNT(*) FROM tenant_users u WHERE `+pgWordsMatch+`
			AND u.tenant_id = ?`, tsQuery(m), tenantID).Scan(&n)
	default:
		err = db.sql.QueryRowContext(ctx, `SELECT COUNT(*) FROM user_search
			JOIN tenant_users u ON u.id = user_search.rowid
			WHERE user_search MATCH ? AND u.tenant_id = ?`, ftsQuery(m), tenantID).Scan(&n)
	}
	if err != nil {
		return 0, fmt.Errorf("count users of %s matching %q: %w", tenantID, text, err)
	}
	return n, nil
}

// CountAssigned is how many of the tenant's users hold skuID (any case).
func (db *DB) CountAssigned(ctx context.Context, tenantID, skuID string) (int, error) {
	var n int
	err := db.sql.QueryRowContext(ctx, `SELECT COUNT(*) FROM license_assignments
		WHERE tenant_id = ? AND lower(sku_id) = ?`, tenantID, strings.ToLower(skuID)).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count %s assignments in %s: %w", skuID, tenantID, err)
	}
	return n, nil
}

// CountHolders is how many of the tenant's users hold any of skuIDs (any case).
func (db *DB) CountHolders(ctx context.Context, tenantID string, skuIDs []string) (int, error) {
	if len(skuIDs) == 0 {
		return 0, nil
	}
	args := []any{tenantID}
	for _, s := range skuIDs {
		args = append(args, strings.ToLower(s))
	}
	var n int
	err := db.sql.QueryRowContext(ctx, `SELECT COUNT(DISTINCT user_id) FROM license_assignments
		WHERE tenant_id = ? AND lower(sku_id) IN (`+placeholders(len(skuIDs))+`)`, args...).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count holders in %s: %w", tenantID, err)
	}
	return n, nil
}

// UsersByID returns the stored users among ids (unknown ones are left
// out), with their SKUs.
func (db *DB) UsersByID(ctx context.Context, tenantID string, ids []string) ([]flow.User, error) {
	var out []flow.User
	ids = uniqueStrings(ids)
	for len(ids) > 0 {
		n := min(len(ids), batchRows)
		args := make([]any, n)
		for i, id := range ids[:n] {
			args[i] = userKey(tenantID, id)
		}
		page, _, err := db.scanUsers(ctx, flow.UserMatcher{}, n, `SELECT `+userColumns+`
			FROM tenant_users u WHERE `+db.keyedBy(n), args...)
		if err != nil {
			return nil, fmt.Errorf("users of %s: %w", tenantID, err)
		}
		if err := db.loadPageSkus(ctx, tenantID, page.Users); err != nil {
			return nil, fmt.Errorf("users of %s: %w", tenantID, err)
		}
		out = append(out, page.Users...)
		ids = ids[n:]
	}
	return out, nil
}

// FirstUsers returns the tenant's first n users by UPN (all when n is 0)
// with their SKUs: a sort that keeps only n rows, so listing a few users
// of a million-user tenant holds a few in memory.
func (db *DB) FirstUsers(ctx context.Context, tenantID string, n int) ([]flow.User, error) {
	if n <= 0 {
		return db.ListUsers(ctx, tenantID)
	}
	page, _, err := db.scanUsers(ctx, flow.UserMatcher{}, n, `SELECT `+userColumns+` FROM tenant_users u
		WHERE u.tenant_id = ? ORDER BY u.upn, u.user_id LIMIT ?`, tenantID, n)
	if err == nil {
		err = db.loadPageSkus(ctx, tenantID, page.Users)
	}
	if err != nil {
		return nil, fmt.Errorf("first %d users of %s: %w", n, tenantID, err)
	}
	return page.Users, nil
}
