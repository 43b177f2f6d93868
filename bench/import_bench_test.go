package bench

import (
	"context"
	"database/sql"
	"encoding/binary"
	"fmt"
	"net/url"
	"onboard/internal/testworld"
	"onboard/store/storetest"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"strings"
	"syscall"
	"testing"
	"time"

	_ "modernc.org/sqlite" // the baseline writes through the same driver as the store

	"onboard/msapi/sandbox"
	"onboard/store"
)

const (
	northwindDomain = "northwind.onmicrosoft.com"
	northwindAdmin  = "admin@" + northwindDomain
	northwindPass   = "Northwind-Admin-1"
)

// BenchmarkImport100k, 300k and 1M process a paid order for Northwind
// (that many users, 50 domains) through the production path:
// flow.Service.Process with the real Microsoft client paging Graph
// ($top=999) from the sandbox over loopback HTTP into a fresh SQLite file.
// Only Process is timed. In the same run each measures the anchor: as many
// user rows with sequential keys inserted into a freshly migrated database
// with one prepared single-row INSERT in one transaction, and reports the
// import's ratio to it.
func BenchmarkImport100k(b *testing.B) { benchImport(b, 100_000) }
func BenchmarkImport300k(b *testing.B) { benchImport(b, 300_000) }
func BenchmarkImport1M(b *testing.B)   { benchImport(b, 1_000_000) }

// BenchmarkImport100kPostgres and 1MPostgres are the same on PostgreSQL
// (ONBOARD_TEST_POSTGRES names the server; skipped without one), the anchor
// inserted there too.
func BenchmarkImport100kPostgres(b *testing.B) { benchImportOn(b, 100_000, storetest.Postgres) }
func BenchmarkImport1MPostgres(b *testing.B)   { benchImportOn(b, 1_000_000, storetest.Postgres) }

func benchImport(b *testing.B, users int) {
	benchImportOn(b, users, func(tb testing.TB) string { return filepath.Join(tb.TempDir(), "onboard.db") })
}

// benchImportOn runs the import benchmark on the databases fresh makes.
func benchImportOn(b *testing.B, users int, fresh func(testing.TB) string) {
	ctx := context.Background()
	var imports, baselines, importCPU, baselineCPU time.Duration
	var peak uint64
	for i := 0; b.Loop(); i++ {
		b.StopTimer()
		m := testworld.NewMicrosoft(b, sandbox.Options{NorthwindUsers: users})
		svc, db := m.Service(b, fresh(b))
		o, err := m.SignUp(ctx, svc, testworld.Answers(northwindDomain, northwindAdmin, "m365-business-premium", 10), northwindPass)
		if err != nil {
			b.Fatal(err)
		}
		runtime.GC()
		stop := sampleHeap()
		b.StartTimer()
		start, cpu0 := time.Now(), cpuTime()
		res, err := svc.Process(ctx, o.ID, nil)
		imports += time.Since(start)
		importCPU += cpuTime() - cpu0
		b.StopTimer()
		peak = max(peak, stop())
		if err != nil {
			b.Fatal(err)
		}
		if res.UsersImported != users || res.DomainsImported != 50 {
			b.Fatalf("imported %d users and %d domains", res.UsersImported, res.DomainsImported)
		}
		db.Close()
		runtime.GC()
		start, cpu0 = time.Now(), cpuTime()
		if err := baselineInsert(ctx, fresh(b), res.Order.TenantID, users); err != nil {
			b.Fatal(err)
		}
		baselines += time.Since(start)
		baselineCPU += cpuTime() - cpu0
		b.StartTimer()
	}
	n := float64(b.N)
	b.ReportMetric(float64(users)*n/imports.Seconds(), "users/s")
	b.ReportMetric(imports.Seconds()/n, "s/import")
	b.ReportMetric(baselines.Seconds()/n, "s/baseline")
	b.ReportMetric(imports.Seconds()/baselines.Seconds(), "ratio")
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
	b.ReportMetric(importCPU.Seconds()/n, "cpu-s/import")
	b.ReportMetric(baselineCPU.Seconds()/n, "cpu-s/baseline")
}

// cpuTime is the CPU time (user and system) the process has used: on a
// machine shared with other work it varies far less than the wall clock.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// heapMetric is the bytes of live and not yet swept heap objects: the heap
// the import holds, sampled while it runs.
const heapMetric = "/memory/classes/heap/objects:bytes"

// sampleHeap samples the heap every millisecond until the returned stop
// function is called, which returns the largest sample.
func sampleHeap() (stop func() uint64) {
	done, result := make(chan struct{}), make(chan uint64)
	go func() {
		s := []metrics.Sample{{Name: heapMetric}}
		var peak uint64
		t := time.NewTicker(time.Millisecond)
		defer t.Stop()
		for {
			metrics.Read(s)
			peak = max(peak, s[0].Value.Uint64())
			select {
			case <-done:
				result <- peak
				return
			case <-t.C:
			}
		}
	}()
	return func() uint64 {
		close(done)
		return <-result
	}
}

// baselineInsert inserts n user rows with sequential keys (user_key and
// user id in ascending order, Northwind-sized names and UPNs) into a freshly
// migrated database at path (a SQLite file or a PostgreSQL URL) with one prepared single-row INSERT in one
// transaction: the floor any import through SQLite is compared with.
func baselineInsert(ctx context.Context, path, tenantID string, n int) error {
	db, err := store.Open(ctx, path)
	if err != nil {
		return err
	}
	if err := db.Close(); err != nil {
		return err
	}
	driver, dsn := "pgx", path
	insert := `INSERT INTO tenant_users (user_key, tenant_id, user_id, upn, first_name, last_name,
		display_name, usage_location, active) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`
	if !store.IsPostgresURL(path) {
		u := url.URL{Scheme: "file", Path: path,
			RawQuery: "_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)&_pragma=busy_timeout(10000)"}
		driver, dsn = "sqlite", u.String()
		insert = strings.NewReplacer("$1", "?", "$2", "?", "$3", "?", "$4", "?", "$5", "?",
			"$6", "?", "$7", "?", "$8", "?", "$9", "?").Replace(insert)
	}
	raw, err := sql.Open(driver, dsn)
	if err != nil {
		return err
	}
	defer raw.Close()
	if err := raw.PingContext(ctx); err != nil {
		return err
	}
	tx, err := raw.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	st, err := tx.PrepareContext(ctx, insert)
	if err != nil {
		return err
	}
	defer st.Close()
	key := make([]byte, 16)
	for i := range n {
		binary.BigEndian.PutUint64(key[8:], uint64(i))
		if _, err := st.ExecContext(ctx, key, tenantID, fmt.Sprintf("00000000-0000-0000-0000-%012d", i),
			fmt.Sprintf("abigail.adams%d@northwind.onmicrosoft.com", i), "Abigail", "Adams",
			"Abigail Adams", "GB", 1); err != nil {
			return err
		}
	}
	return tx.Commit()
}
