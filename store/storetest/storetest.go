// Package storetest hands tests fresh, empty databases on every backend the
// store supports: a SQLite file always, and PostgreSQL when
// ONBOARD_TEST_POSTGRES holds a server's URL. Each PostgreSQL database is
// a schema of its own, dropped when the test ends, so tests run in
// parallel on one server.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
)

// EnvPostgres names the variable holding the PostgreSQL server's URL.
const EnvPostgres = "ONBOARD_TEST_POSTGRES"

// Backend is one kind of database a test can run on.
type Backend struct {
	Name string // "sqlite" or "postgres"
	// Fresh returns the --db value of a new, empty database for t.
	Fresh func(t testing.TB) string
}

// Backends are SQLite and, when EnvPostgres is set, PostgreSQL.
func Backends() []Backend {
	bs := []Backend{{Name: "sqlite", Fresh: SQLite}}
	if PostgresURL() != "" {
		bs = append(bs, Backend{Name: "postgres", Fresh: Postgres})
	}
	return bs
}

// PostgresURL is the server tests may use, "" when none.
func PostgresURL() string { return os.Getenv(EnvPostgres) }

// SQLite is the path of a new database file in t's temporary directory.
func SQLite(t testing.TB) string {
	return filepath.Join(t.TempDir(), "data", "onboard.db")
}

// Postgres makes a new schema on the server and returns the server's URL
// selecting it (search_path); the schema is dropped when t ends. Without a
// server it skips t.
func Postgres(t testing.TB) string {
	t.Helper()
	base := PostgresURL()
	if base == "" {
		t.Skipf("%s is not set: no PostgreSQL server to test against", EnvPostgres)
	}
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("%s: %v", EnvPostgres, err)
	}
	var b [6]byte
	if _, err := rand.Read(b[:]); err != nil {
		t.Fatal(err)
	}
	schema := "t_" + hex.EncodeToString(b[:])
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatalf("connect to %s: %v", u.Redacted(), err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := admin.ExecContext(ctx, `CREATE SCHEMA `+schema); err != nil {
		admin.Close()
		t.Fatalf("create schema on %s: %v", u.Redacted(), err)
	}
	t.Cleanup(func() {
		defer admin.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if _, err := admin.ExecContext(ctx, `DROP SCHEMA `+schema+` CASCADE`); err != nil {
			t.Errorf("drop schema %s: %v", schema, err)
		}
	})
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}
