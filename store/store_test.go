package store

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/adrg/xdg"

	"onboard/flow"
)

func TestOpenCreatesPrivateFiles(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "nested", "dir")
	path := filepath.Join(dir, "onboard.db")
	db, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if db.Path() != path {
		t.Errorf("Path() = %q, want %q", db.Path(), path)
	}
	mustCustomer(t, db) // a write makes sure the WAL exists
	for _, p := range []string{path, path + "-wal"} {
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatalf("stat %s: %v", p, err)
		}
		if got := fi.Mode().Perm(); got != 0o600 {
			t.Errorf("%s mode = %o, want 600", filepath.Base(p), got)
		}
	}
	fi, err := os.Stat(dir)
	if err != nil {
		t.Fatal(err)
	}
	if got := fi.Mode().Perm(); got != 0o700 {
		t.Errorf("dir mode = %o, want 700", got)
	}
}

func TestOpenTightensExistingFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "onboard.db")
	if err := os.WriteFile(path, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	db, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	fi, _ := os.Stat(path)
	if got := fi.Mode().Perm(); got != 0o600 {
		t.Errorf("mode = %o, want 600", got)
	}
}

func TestPragmasOnEveryConnection(t *testing.T) {
	db, _ := openTest(t) // SQLite's settings
	ctx := context.Background()
	// Hold several connections at once so the pool must open new ones.
	var conns []interface{ Close() error }
	for i := 0; i < 4; i++ {
		c, err := db.sql.Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		conns = append(conns, c)
		var mode string
		var fk, busy, sync, temp int
		if err := c.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode); err != nil {
			t.Fatal(err)
		}
		if err := c.QueryRowContext(ctx, "PRAGMA foreign_keys").Scan(&fk); err != nil {
			t.Fatal(err)
		}
		if err := c.QueryRowContext(ctx, "PRAGMA busy_timeout").Scan(&busy); err != nil {
			t.Fatal(err)
		}
		if err := c.QueryRowContext(ctx, "PRAGMA synchronous").Scan(&sync); err != nil {
			t.Fatal(err)
		}
		if err := c.QueryRowContext(ctx, "PRAGMA temp_store").Scan(&temp); err != nil {
			t.Fatal(err)
		}
		if mode != "wal" || fk != 1 || busy != 10000 || sync != 1 || temp != 2 {
			t.Errorf("conn %d: journal_mode=%s foreign_keys=%d busy_timeout=%d synchronous=%d temp_store=%d",
				i, mode, fk, busy, sync, temp)
		}
	}
	for _, c := range conns {
		c.Close()
	}
}

func TestDefaultPath(t *testing.T) {
	home := t.TempDir()
	t.Setenv("XDG_DATA_HOME", home)
	xdg.Reload()
	t.Cleanup(xdg.Reload)
	p, err := DefaultPath()
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(home, "onboard", "onboard.db"); p != want {
		t.Errorf("DefaultPath() = %q, want %q", p, want)
	}
	fi, err := os.Stat(filepath.Dir(p))
	if err != nil {
		t.Fatal(err)
	}
	if got := fi.Mode().Perm(); got != 0o700 {
		t.Errorf("data dir mode = %o, want 700", got)
	}
}

func TestReset(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db *DB, _ *testClock) {
		ctx := context.Background()
		c := mustCustomer(t, db)
		o := mustOrder(t, db, c.ID, flow.StatusAwaitingPayment)
		if err := db.SaveUsers(ctx, "t1", []flow.User{{ID: "u1", UPN: "a@x", SkuIDs: []string{"s"}}}); err != nil {
			t.Fatal(err)
		}
		if err := db.SaveDraft(ctx, flow.Draft{Code: "ABC", ExpiresAt: t0.Add(time.Hour)}); err != nil {
			t.Fatal(err)
		}
		if err := db.MarkPaid(ctx, flow.Payment{CheckoutID: "co1", OrderID: o.ID, Amount: 1}, flow.AuditEvent{Actor: agent}); err != nil {
			t.Fatal(err)
		}
		if _, err := db.SaveShortLink(ctx, flow.ShortLink{Code: "aaaaaaaaaa", OrderID: o.ID, Purpose: flow.LinkGDAP,
			Target: "https://admin.example/rel-1", ExpiresAt: t0.Add(time.Hour)}); err != nil {
			t.Fatal(err)
		}
		if err := db.Reset(ctx); err != nil {
			t.Fatal(err)
		}
		if _, err := db.GetOrder(ctx, o.ID); !errors.Is(err, flow.ErrNotFound) {
			t.Errorf("order after reset: %v, want ErrNotFound", err)
		}
		if n, _ := db.CountUsers(ctx, "t1"); n != 0 {
			t.Errorf("users after reset = %d", n)
		}
		if _, err := db.ShortLink(ctx, "aaaaaaaaaa"); !errors.Is(err, flow.ErrNotFound) {
			t.Errorf("short link after reset: %v, want ErrNotFound", err)
		}
		if trail, _ := db.AuditTrail(ctx, o.ID); len(trail) != 0 {
			t.Errorf("audit after reset = %v", trail)
		}
		if v, err := db.SchemaVersion(ctx); err != nil || v != knownMigrations(t) {
			t.Errorf("schema after reset = %d, %v", v, err)
		}
		// Numbering restarts: a demo begins at ORD-000001 again.
		if o2 := mustOrder(t, db, mustCustomer(t, db).ID, flow.StatusDraft); o2.Number != "ORD-000001" {
			t.Errorf("first number after reset = %s", o2.Number)
		}
	})
}

// Reset empties every table the migrations make, so a table added later
// must be added to resetTables (or kept on purpose here).
func TestResetEmptiesEveryTable(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db *DB, _ *testClock) {
		ctx := context.Background()
		q := `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`
		if db.postgres {
			q = `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()
				AND table_type = 'BASE TABLE'`
		}
		rows, err := db.sql.QueryContext(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		kept := func(name string) bool {
			return name == "schema_migrations" || strings.HasPrefix(name, "river_") || // the job queue's own
				strings.HasPrefix(name, "user_search") || // SQLite's search index, emptied by command
				name == sqliteKeyTable // emptied after resetTables
		}
		for rows.Next() {
			var name string
			if err := rows.Scan(&name); err != nil {
				t.Fatal(err)
			}
			if !kept(name) && !slices.Contains(resetTables, name) {
				t.Errorf("Reset leaves table %s as it is", name)
			}
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		if err := db.SaveUsers(ctx, "t1", []flow.User{{ID: "u1", UPN: "ada@x", DisplayName: "Ada"}}); err != nil {
			t.Fatal(err)
		}
		if err := db.Reset(ctx); err != nil {
			t.Fatal(err)
		}
		if err := db.SaveUsers(ctx, "t1", []flow.User{{ID: "u2", UPN: "bob@x", DisplayName: "Bob"}}); err != nil {
			t.Fatal(err)
		}
		if n, err := db.CountMatchingUsers(ctx, "t1", "ada"); err != nil || n != 0 {
			t.Errorf("a user from before the reset is still found: %d, %v", n, err)
		}
		// Stored again, the user from before is new: no key of it is left.
		if err := db.SaveUsers(ctx, "t1", []flow.User{{ID: "u1", UPN: "ada@x", DisplayName: "Ada"}}); err != nil {
			t.Fatal(err)
		}
		if n, err := db.CountUsers(ctx, "t1"); err != nil || n != 2 {
			t.Errorf("%d users after storing two since the reset, %v", n, err)
		}
	})
}
