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
	"slices"
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
	for b.Loop() {
		im := importOnce(b, users, fresh(b))
		imports += im.wall
		importCPU += im.cpu
		peak = max(peak, im.peakHeap)
		b.StopTimer()
		runtime.GC()
		start, cpu0 := time.Now(), cpuTime()
		if err := baselineInsert(ctx, fresh(b), im.tenantID, users); err != nil {
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

// BenchmarkImportGrowth imports 100k and then 1M users, one after the
// other, b.N times, and reports the median of the 1M import's time over
// the 100k one's of each pair: how the import grows with the tenant. The
// pairs follow each other closely, so a machine whose speed drifts (a
// shared VM) slows both imports of a pair alike, where the separate
// Import100k and Import1M runs, minutes apart, may not.
//
//	go test -run XXX -bench ImportGrowth -benchtime 5x ./bench
func BenchmarkImportGrowth(b *testing.B) {
	var ratios, cpuRatios []float64
	for b.Loop() {
		small := importOnce(b, 100_000, filepath.Join(b.TempDir(), "onboard.db"))
		large := importOnce(b, 1_000_000, filepath.Join(b.TempDir(), "onboard.db"))
		ratios = append(ratios, large.wall.Seconds()/small.wall.Seconds())
		cpuRatios = append(cpuRatios, large.cpu.Seconds()/small.cpu.Seconds())
	}
	b.ReportMetric(median(ratios), "ratio-1M/100k")
	b.ReportMetric(slices.Max(ratios), "max-ratio")
	b.ReportMetric(median(cpuRatios), "cpu-ratio-1M/100k")
}

func median(xs []float64) float64 {
	s := slices.Sorted(slices.Values(xs))
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// importRun is what one timed import measured.
type importRun struct {
	wall, cpu time.Duration
	peakHeap  uint64
	tenantID  string
}

// importOnce sets up a fresh sandbox Microsoft with Northwind of users
// users and a paid order for it in the database at path, untimed, then
// times flow.Service.Process of the order.
func importOnce(b *testing.B, users int, path string) importRun {
	ctx := context.Background()
	b.StopTimer()
	defer b.StartTimer()
	m := testworld.NewMicrosoft(b, sandbox.Options{NorthwindUsers: users})
	svc, db := m.Service(b, path)
	defer db.Close()
	o, err := m.SignUp(ctx, svc, testworld.Answers(northwindDomain, northwindAdmin, "m365-business-premium", 10), northwindPass)
	if err != nil {
		b.Fatal(err)
	}
	runtime.GC()
	stop := sampleHeap()
	b.StartTimer()
	start, cpu0 := time.Now(), cpuTime()
	res, err := svc.Process(ctx, o.ID, nil)
	run := importRun{wall: time.Since(start), cpu: cpuTime() - cpu0}
	b.StopTimer()
	run.peakHeap = stop()
	if err != nil {
		b.Fatal(err)
	}
	if res.UsersImported != users || res.DomainsImported != 50 {
		b.Fatalf("imported %d users and %d domains", res.UsersImported, res.DomainsImported)
	}
	run.tenantID = res.Order.TenantID
	return run
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
