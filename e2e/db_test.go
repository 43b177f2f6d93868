package e2e

import (
	"path/filepath"
	"testing"

	"onboard/store/storetest"
)

// testDB is the --db of a test's database: a fresh PostgreSQL schema when
// ONBOARD_TEST_POSTGRES names a server (CI), else the default SQLite file
// under the test's data directory dataDir.
func testDB(t *testing.T, dataDir string) string {
	t.Helper()
	if storetest.PostgresURL() != "" {
		return storetest.Postgres(t)
	}
	return filepath.Join(dataDir, "onboard", "onboard.db")
}

// dbEnv passes db to the binary as --db does (config key db).
func dbEnv(db string) string { return "ONBOARD_DB=" + db }
