package store

import (
	"context"
	"database/sql"
	"errors"
	"path/filepath"
	"slices"
	"sort"
	"testing"
	"testing/fstest"

	"onboard/flow"
	"onboard/store/storetest"
)

func TestMigrateFromEmptyAndRerun(t *testing.T) {
	path := filepath.Join(t.TempDir(), "onboard.db")
	ctx := context.Background()
	want, err := loadMigrations(migrationFiles, dialectSQLite)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 2; i++ { // the second Open must be a no-op
		db, err := Open(ctx, path)
		if err != nil {
			t.Fatalf("Open #%d: %v", i+1, err)
		}
		v, err := db.SchemaVersion(ctx)
		if err != nil || v != len(want) {
			t.Fatalf("Open #%d: version %d, %v; want %d", i+1, v, err, len(want))
		}
		var n int
		if err := db.sql.QueryRowContext(ctx, `SELECT COUNT(*) FROM schema_migrations`).Scan(&n); err != nil || n != len(want) {
			t.Fatalf("Open #%d: %d migration rows, %v", i+1, n, err)
		}
		db.Close()
	}
}

// migratedTo makes a SQLite file migrated up to version and opens it
// without the store, for tests of what later migrations do to its rows.
func migratedTo(t *testing.T, version int) (string, *sql.DB) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "onboard.db")
	if err := createPrivateFile(path); err != nil {
		t.Fatal(err)
	}
	raw, err := sql.Open("sqlite", "file:"+path+"?"+dsnParams)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { raw.Close() })
	if err := migrate(context.Background(), raw, migrationFiles, version, dialectSQLite); err != nil {
		t.Fatal(err)
	}
	return path, raw
}

// openUpgraded closes raw and opens the file with the store, which
// applies the migrations after raw's.
func openUpgraded(t *testing.T, path string, raw *sql.DB) *DB {
	t.Helper()
	raw.Close()
	db, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func TestMigrateUpgradeKeepsRows(t *testing.T) {
	ctx := context.Background()
	path, raw := migratedTo(t, 1)
	if v, _ := schemaVersion(ctx, raw); v != 1 {
		t.Fatalf("version after partial migrate = %d", v)
	}
	if _, err := raw.ExecContext(ctx, `INSERT INTO customers (id, company_name, created_at)
		VALUES ('c1', 'Fabrikam', '2026-01-01T00:00:00.000000000Z')`); err != nil {
		t.Fatal(err)
	}
	db := openUpgraded(t, path, raw)
	if v, _ := db.SchemaVersion(ctx); v != knownMigrations(t) {
		t.Errorf("version after upgrade = %d, want %d", v, knownMigrations(t))
	}
	c, err := db.GetCustomer(ctx, "c1")
	if err != nil || c.CompanyName != "Fabrikam" {
		t.Errorf("customer after upgrade = %+v, %v", c, err)
	}
	var idx int
	if err := db.sql.QueryRowContext(ctx, `SELECT COUNT(*) FROM sqlite_master
		WHERE type = 'index' AND name = 'orders_customer'`).Scan(&idx); err != nil || idx != 1 {
		t.Errorf("migration 2 index present = %d, %v", idx, err)
	}
}

func TestOpenRefusesNewerSchema(t *testing.T) {
	path := filepath.Join(t.TempDir(), "onboard.db")
	ctx := context.Background()
	db, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.sql.ExecContext(ctx, `INSERT INTO schema_migrations (version, name, applied_at)
		VALUES (99, '0099_future', '2030-01-01T00:00:00.000000000Z')`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	if _, err := Open(ctx, path); !errors.Is(err, ErrSchemaTooNew) {
		t.Fatalf("Open of newer schema: %v, want ErrSchemaTooNew", err)
	}
}

func TestMigrationsRejectGapsAndBadNames(t *testing.T) {
	cases := map[string]fstest.MapFS{
		"gap": {
			"migrations/0001_a.sql": {Data: []byte("CREATE TABLE a (x INTEGER);")},
			"migrations/0003_c.sql": {Data: []byte("CREATE TABLE c (x INTEGER);")},
		},
		"bad name": {"migrations/init.sql": {Data: []byte("CREATE TABLE a (x INTEGER);")}},
	}
	for name, fsys := range cases {
		if _, err := loadMigrations(fsys, dialectSQLite); err == nil {
			t.Errorf("%s: loadMigrations succeeded", name)
		}
	}
}

func TestFailedMigrationRollsBack(t *testing.T) {
	path := filepath.Join(t.TempDir(), "onboard.db")
	ctx := context.Background()
	raw, err := sql.Open("sqlite", "file:"+path+"?"+dsnParams)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	fsys := fstest.MapFS{
		"migrations/0001_ok.sql":     {Data: []byte("CREATE TABLE a (x INTEGER);")},
		"migrations/0002_broken.sql": {Data: []byte("CREATE TABLE b (x INTEGER); SELECT nonsense FROM nowhere;")},
	}
	if err := migrate(ctx, raw, fsys, 0, dialectSQLite); err == nil {
		t.Fatal("broken migration succeeded")
	}
	if v, _ := schemaVersion(ctx, raw); v != 1 {
		t.Errorf("version = %d, want 1 (the broken one not recorded)", v)
	}
	var n int
	raw.QueryRowContext(ctx, `SELECT COUNT(*) FROM sqlite_master WHERE name = 'b'`).Scan(&n)
	if n != 0 {
		t.Error("table of the failed migration was kept")
	}
}

// The dialect files make the same schema: the same tables with the same
// columns, and the same named indexes, on SQLite and PostgreSQL.
func TestDialectsMakeTheSameSchema(t *testing.T) {
	if storetest.PostgresURL() == "" {
		t.Skipf("%s is not set", storetest.EnvPostgres)
	}
	ctx := context.Background()
	lite, _ := openTest(t)
	pg, _ := openAt(t, storetest.Postgres(t))
	describe := func(db *DB, tables, indexes string) []string {
		t.Helper()
		var out []string
		for _, q := range []string{tables, indexes} {
			rows, err := db.sql.QueryContext(ctx, q)
			if err != nil {
				t.Fatal(err)
			}
			for rows.Next() {
				var s string
				if err := rows.Scan(&s); err != nil {
					t.Fatal(err)
				}
				out = append(out, s)
			}
			rows.Close()
		}
		sort.Strings(out)
		return out
	}
	got := describe(pg,
		`SELECT table_name || '.' || column_name FROM information_schema.columns WHERE table_schema = current_schema()
			AND table_name NOT LIKE 'user_search%'`,
		`SELECT 'index ' || indexname FROM pg_indexes WHERE schemaname = current_schema()
			AND indexname NOT LIKE '%_pkey' AND indexname NOT LIKE '%_key'
			AND indexname NOT IN ('tenant_users_words', 'tenant_users_keys')`)
	want := describe(lite,
		// Each backend has its own search index: SQLite's (migration 8)
		// FTS5 table user_search and its shadow tables, PostgreSQL's GIN
		// index tenant_users_words (migration 10). Each keeps users
		// unique by user_key its own way: SQLite in the table
		// tenant_user_keys (migration 16), PostgreSQL by the unique index
		// tenant_users_keys.
		`SELECT m.name || '.' || c.name FROM sqlite_master m, pragma_table_info(m.name) c WHERE m.type = 'table'
			AND m.name NOT LIKE 'user_search%' AND m.name <> 'tenant_user_keys'`,
		`SELECT 'index ' || name FROM sqlite_master WHERE type = 'index' AND name NOT LIKE 'sqlite_autoindex_%'`)
	if !slices.Equal(got, want) {
		t.Errorf("PostgreSQL's schema differs from SQLite's:\n got %v\nwant %v", got, want)
	}
}

// Users stored before migration 16 are found by id afterwards and updated,
// not stored twice: the migration files their keys.
func TestMigrationFilesTheKeysOfStoredUsers(t *testing.T) {
	ctx := context.Background()
	path, raw := migratedTo(t, 15)
	if _, err := raw.ExecContext(ctx, `INSERT INTO tenant_users (user_key, tenant_id, user_id, upn, display_name)
		VALUES (onboard_user_key('t1', 'u1'), 't1', 'u1', 'ada@x', 'Ada'),
		       (onboard_user_key('t1', 'u2'), 't1', 'u2', 'bob@x', 'Bob')`); err != nil {
		t.Fatal(err)
	}
	if _, err := raw.ExecContext(ctx, `INSERT INTO user_search (rowid, terms)
		SELECT id, `+searchTerms+` FROM tenant_users`); err != nil {
		t.Fatal(err)
	}
	db := openUpgraded(t, path, raw)
	checkKeyTable(t, db)
	if us, err := db.UsersByID(ctx, "t1", []string{"u2", "u1"}); err != nil || len(us) != 2 {
		t.Fatalf("users by id after the upgrade = %+v, %v", us, err)
	}
	if err := db.SaveUsers(ctx, "t1", []flow.User{{ID: "u1", UPN: "ada@y", DisplayName: "Ada L"}}); err != nil {
		t.Fatal(err)
	}
	if n, err := db.CountUsers(ctx, "t1"); err != nil || n != 2 {
		t.Errorf("%d users after updating one, %v", n, err)
	}
	checkKeyTable(t, db)
}
