package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"onboard/flow"
)

// Import transactions grow with the tenant: one commits when it holds a
// quarter of the users committed before it (at least minImportTx). Each
// commit writes every page of the user_key index it dirtied, and random
// keys dirty nearly all of them, so commits of a fixed size make an
// import's writes grow with the square of the tenant; growing ones keep
// them linear. (A cap of 100,000 users made a 1M import write the whole
// index ten times.) Only time bounds a transaction: other writers (other
// terminals, the lease renewal) wait for the write lock, and the lease
// lasts three renewals (flow.LeaseTTL).
const (
	minImportTx     = 10_000
	maxImportTxTime = 5 * time.Second
)

// usersStep is the pipeline step whose position import_positions keeps.
const usersStep = "users"

// userImport is one import of a tenant's users on its own connection.
type userImport struct {
	// ctx is BeginUserImport's: transactions live across Add calls, whose
	// contexts may end first, and database/sql rolls a transaction back
	// when the context it began with ends.
	ctx       context.Context
	db        *DB
	conn      *sql.Conn
	tx        *sql.Tx
	ins       *sql.Stmt
	orderID   string
	tenantID  string
	position  string
	complete  bool
	fresh     bool      // nothing committed yet: the tenant's old users go first
	txStart   int64     // largest tenant_users.id when the transaction began
	txBegan   time.Time // when it began
	committed int
	pending   int
}

var _ flow.UserImporter = (*DB)(nil)

// BeginUserImport starts or resumes the import of the tenant's users for
// an order: it continues from the position committed with the last batch.
func (db *DB) BeginUserImport(ctx context.Context, orderID, tenantID string) (flow.UserImport, error) {
	conn, err := db.sql.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("import users of %s: connect: %w", tenantID, err)
	}
	im := &userImport{ctx: ctx, db: db, conn: conn, orderID: orderID, tenantID: tenantID}
	err = conn.QueryRowContext(ctx, `SELECT position, users FROM import_positions
		WHERE order_id = ? AND step = ?`, orderID, usersStep).Scan(&im.position, &im.committed)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		im.fresh = true
	case err != nil:
		conn.Close()
		return nil, fmt.Errorf("import users of %s: read position: %w", tenantID, err)
	default:
		im.complete = im.position == ""
	}
	if !db.postgres {
		// An import's connection keeps the pool's 16 MiB page cache: with
		// the keys filed in order (fileKeys) a cache of 64 MiB imported a
		// million users no faster and took the process's peak RSS from
		// 104 to 205 MB. It does not checkpoint at its commits: the
		// checkpointer copies the WAL on its own goroutine instead.
		if _, err := conn.ExecContext(ctx, "PRAGMA wal_autocheckpoint = 0"); err != nil {
			conn.Close()
			return nil, fmt.Errorf("import users of %s: checkpoints: %w", tenantID, err)
		}
	}
	return im, nil
}

func (im *userImport) Position() (next string, complete bool) { return im.position, im.complete }
func (im *userImport) Saved() int                             { return im.committed }

// Add writes users in the open transaction (beginning one if none is) and
// commits, with next as the position, once the transaction is big enough.
// next is where the listing continues after these users ("" at the end).
func (im *userImport) Add(ctx context.Context, us []flow.User, next string) error {
	if err := im.add(ctx, us); err != nil {
		im.rollback()
		return fmt.Errorf("import users of %s: %w", im.tenantID, err)
	}
	im.position = next
	if im.pending >= max(minImportTx, im.committed/4) || time.Since(im.txBegan) >= maxImportTxTime {
		return im.commit(ctx)
	}
	return nil
}

func (im *userImport) add(ctx context.Context, us []flow.User) error {
	if im.tx == nil {
		if err := im.begin(ctx); err != nil {
			return err
		}
	}
	args := make([]any, 0, batchRows*9)
	var skus []any
	for i, u := range us {
		args = append(args, userKey(im.tenantID, u.ID), im.tenantID, u.ID, u.UPN, u.FirstName,
			u.LastName, u.DisplayName, u.UsageLocation, boolInt(u.Active))
		for _, sku := range uniqueStrings(u.SkuIDs) {
			skus = append(skus, im.tenantID, u.ID, sku)
		}
		if len(args) == batchRows*9 || i == len(us)-1 {
			if err := im.insert(ctx, args); err != nil {
				return err
			}
			args = args[:0]
		}
	}
	if err := insertAssignments(ctx, im.tx, skus); err != nil {
		return err
	}
	im.pending += len(us)
	return nil
}

// insertUsers is the statement that adds rows users. A user listed twice
// (pages shifting under a changing directory) is stored once, as first
// seen: PostgreSQL's unique index skips the second at once; on SQLite,
// fileKeys drops it at commit.
func (im *userImport) insertUsers(rows int) string {
	if im.db.postgres {
		return userInsert + groups(rows, 9) + ` ON CONFLICT (user_key) DO NOTHING`
	}
	return userInsert + groups(rows, 9)
}

func (im *userImport) insert(ctx context.Context, args []any) error {
	rows := len(args) / 9
	if rows == batchRows {
		if im.ins == nil {
			st, err := im.tx.PrepareContext(ctx, im.insertUsers(batchRows))
			if err != nil {
				return fmt.Errorf("prepare insert users: %w", err)
			}
			im.ins = st
		}
		_, err := im.ins.ExecContext(ctx, args...)
		return err
	}
	_, err := im.tx.ExecContext(ctx, im.insertUsers(rows), args...)
	return err
}

// begin opens a write transaction; the first of a fresh import removes
// what an earlier import of the tenant left, so the tenant's users are
// exactly those listed now.
func (im *userImport) begin(ctx context.Context) error {
	tx, err := im.conn.BeginTx(im.ctx, nil)
	if err != nil {
		return fmt.Errorf("begin transaction: %w", err)
	}
	im.tx, im.txBegan = tx, time.Now()
	if im.db.postgres {
		// PostgreSQL's writers take turns by an advisory lock (DB.write).
		if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock`+pgLockArgs, writeLock); err != nil {
			return fmt.Errorf("take write lock: %w", err)
		}
	}
	if im.fresh {
		if err := clearTenantUsers(ctx, tx, im.db.postgres, im.tenantID); err != nil {
			return err
		}
	}
	if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(id), 0) FROM tenant_users`).Scan(&im.txStart); err != nil {
		return fmt.Errorf("last user row: %w", err)
	}
	return nil
}

func clearTenantUsers(ctx context.Context, tx *sql.Tx, postgres bool, tenantID string) error {
	qs := []string{
		`DELETE FROM tenant_users WHERE tenant_id = ?`,
		`DELETE FROM license_assignments WHERE tenant_id = ?`,
	}
	if !postgres { // SQLite's search index and key table forget the users first
		qs = append([]string{`INSERT INTO user_search (user_search, rowid, terms)
			SELECT 'delete', id, ` + searchTerms + ` FROM tenant_users WHERE tenant_id = ?`,
			// By id: the key table is read in order, a page at a time,
			// where looking each key up visits its pages at random (3.1 s
			// against 7.0 s for a tenant of a million users).
			`DELETE FROM tenant_user_keys WHERE id IN (SELECT id FROM tenant_users WHERE tenant_id = ?)`}, qs...)
	}
	for _, q := range qs {
		if _, err := tx.ExecContext(ctx, q, tenantID); err != nil {
			return fmt.Errorf("clear earlier users: %w", err)
		}
	}
	return nil
}

// commit indexes the rows this transaction added for search, records the
// position and commits.
func (im *userImport) commit(ctx context.Context) error {
	if im.tx == nil {
		if err := im.begin(ctx); err != nil {
			im.rollback()
			return fmt.Errorf("import users of %s: %w", im.tenantID, err)
		}
	}
	err := func() error {
		if !im.db.postgres {
			if err := im.fileKeys(ctx); err != nil {
				return err
			}
			if _, err := im.tx.ExecContext(ctx, `INSERT INTO user_search (rowid, terms)
				SELECT id, `+searchTerms+` FROM tenant_users WHERE id > ? AND tenant_id = ?`,
				im.txStart, im.tenantID); err != nil {
				return fmt.Errorf("index users: %w", err)
			}
		}
		if _, err := im.tx.ExecContext(ctx, `INSERT INTO import_positions (order_id, step, position, users)
			VALUES (?, ?, ?, ?) ON CONFLICT (order_id, step) DO UPDATE SET position = excluded.position,
			users = excluded.users`, im.orderID, usersStep, im.position, im.committed+im.pending); err != nil {
			return fmt.Errorf("record position: %w", err)
		}
		im.closeStmt()
		return im.tx.Commit()
	}()
	if err != nil {
		im.rollback()
		return fmt.Errorf("import users of %s: commit: %w", im.tenantID, err)
	}
	im.tx, im.fresh = nil, false
	im.committed += im.pending
	im.pending = 0
	if im.db.ckpt != nil {
		im.db.ckpt.request()
	}
	return nil
}

// Commit commits what was added, with its position: what a failed listing
// fetched before failing is kept.
func (im *userImport) Commit(ctx context.Context) error {
	if im.pending == 0 {
		return nil
	}
	return im.commit(ctx)
}

// Finish commits what is left and records the listing complete.
func (im *userImport) Finish(ctx context.Context) error {
	im.position = ""
	if err := im.commit(ctx); err != nil {
		return err
	}
	if im.db.postgres {
		// GIN keeps the import's last few MB of words in a pending list
		// every search reads through (≈ 90 ms a search at 1M users): merged
		// into the index now rather than by a later vacuum.
		if _, err := im.conn.ExecContext(ctx, `SELECT gin_clean_pending_list('tenant_users_words'::regclass)`); err != nil {
			return fmt.Errorf("import users of %s: index the last users: %w", im.tenantID, err)
		}
	}
	im.complete = true
	return nil
}

// Restart forgets the position and what this import committed: the next
// Add lists the tenant from the start into a cleared tenant.
func (im *userImport) Restart(ctx context.Context) error {
	im.rollback()
	if _, err := im.conn.ExecContext(ctx, `DELETE FROM import_positions WHERE order_id = ? AND step = ?`,
		im.orderID, usersStep); err != nil {
		return fmt.Errorf("import users of %s: forget position: %w", im.tenantID, err)
	}
	im.position, im.complete, im.fresh, im.committed = "", false, true, 0
	return nil
}

// Close rolls back an uncommitted transaction and returns the connection
// checkpointing again.
func (im *userImport) Close() error {
	im.rollback()
	var err error
	if !im.db.postgres {
		_, err = im.conn.ExecContext(context.Background(), "PRAGMA wal_autocheckpoint = "+walAutocheckpoint)
		err = errors.Join(err, im.conn.Close())
		if im.db.ckpt != nil {
			im.db.ckpt.requestTruncate() // after the connection is back: no reader left
		}
		return err
	}
	return errors.Join(err, im.conn.Close())
}

// fileKeys enters the keys of the rows this transaction added into
// tenant_user_keys (SQLite) in one statement, sorted by SQLite so that the
// insert walks the key tree once, in order (sorted in Go and bound 100 a
// statement, the keys' garbage took the import's heap from 26 to 35 MB,
// for no less time). A key already there, from an earlier transaction or
// earlier in this one (the lower id sorts first), is a user listed twice:
// its later row is deleted, so the tenant keeps the user as first seen.
func (im *userImport) fileKeys(ctx context.Context) error {
	res, err := im.tx.ExecContext(ctx, `INSERT OR IGNORE INTO tenant_user_keys (user_key, id)
		SELECT user_key, id FROM tenant_users WHERE id > ? AND tenant_id = ? ORDER BY user_key, id`,
		im.txStart, im.tenantID)
	if err != nil {
		return fmt.Errorf("file user keys: %w", err)
	}
	filed, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("file user keys: %w", err)
	}
	if filed != int64(im.pending) {
		if _, err := im.tx.ExecContext(ctx, `DELETE FROM tenant_users WHERE id > ? AND NOT EXISTS
			(SELECT 1 FROM tenant_user_keys k WHERE k.user_key = tenant_users.user_key AND k.id = tenant_users.id)`,
			im.txStart); err != nil {
			return fmt.Errorf("drop users listed twice: %w", err)
		}
	}
	return nil
}

func (im *userImport) rollback() {
	im.closeStmt()
	if im.tx != nil {
		_ = im.tx.Rollback()
		im.tx = nil
	}
	im.pending = 0
}

func (im *userImport) closeStmt() {
	if im.ins != nil {
		im.ins.Close()
		im.ins = nil
	}
}

// groups is n row groups of width placeholders: "(?, ?), (?, ?)".
func groups(n, width int) string {
	b := &batch{group: "(" + placeholders(width) + ")", sep: ", "}
	return b.query(n)
}
