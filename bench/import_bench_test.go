package bench

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"onboard/internal/testworld"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"syscall"
	"testing"
	"time"

	_ "modernc.org/sqlite" // the baseline writes through the same driver as the store

	"onboard/flow"
	"onboard/msapi"
	"onboard/msapi/sandbox"
	"onboard/store"
)

const (
	importUsers     = 100_000
	northwindDomain = "northwind.onmicrosoft.com"
	northwindAdmin  = "admin@" + northwindDomain
	northwindPass   = "Northwind-Admin-1"
)

// BenchmarkImport100k processes a paid order for Northwind (100,000 users,
// 50 domains) through the production path: flow.Service.Process with the
// real Microsoft client paging Graph ($top=999) from the sandbox over
// loopback HTTP into a fresh SQLite file. Only Process is timed. In the same
// run it measures the baseline: the same user rows inserted with one
// prepared single-row INSERT in one transaction, and reports the ratio.
func BenchmarkImport100k(b *testing.B) {
	ctx := context.Background()
	var imports, baselines, importCPU time.Duration
	var peak uint64
	for i := 0; b.Loop(); i++ {
		b.StopTimer()
		m := testworld.NewMicrosoft(b, sandbox.Options{NorthwindUsers: importUsers, PageSize: msapi.MaxPageSize})
		svc, db := m.Service(b, filepath.Join(b.TempDir(), fmt.Sprintf("import%d.db", i)))
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
		if res.UsersImported != importUsers || res.DomainsImported != 50 {
			b.Fatalf("imported %d users and %d domains", res.UsersImported, res.DomainsImported)
		}
		users, err := db.ListUsers(ctx, res.Order.TenantID)
		if err != nil {
			b.Fatal(err)
		}
		d, err := baselineInsert(ctx, filepath.Join(b.TempDir(), fmt.Sprintf("baseline%d.db", i)), res.Order.TenantID, users)
		if err != nil {
			b.Fatal(err)
		}
		baselines += d
		b.StartTimer()
	}
	n := float64(b.N)
	b.ReportMetric(importUsers*n/imports.Seconds(), "users/s")
	b.ReportMetric(imports.Seconds()/n, "s/import")
	b.ReportMetric(baselines.Seconds()/n, "s/baseline")
	b.ReportMetric(imports.Seconds()/baselines.Seconds(), "ratio")
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
	b.ReportMetric(importCPU.Seconds()/n, "cpu-s/import")
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

// baselineInsert inserts us into a freshly migrated database at path with
// one prepared single-row INSERT in one transaction and returns how long
// that took: the floor any import through SQLite is compared with.
func baselineInsert(ctx context.Context, path, tenantID string, us []flow.User) (time.Duration, error) {
	db, err := store.Open(ctx, path)
	if err != nil {
		return 0, err
	}
	if err := db.Close(); err != nil {
		return 0, err
	}
	u := url.URL{Scheme: "file", Path: path,
		RawQuery: "_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)&_pragma=busy_timeout(10000)"}
	raw, err := sql.Open("sqlite", u.String())
	if err != nil {
		return 0, err
	}
	defer raw.Close()
	if err := raw.PingContext(ctx); err != nil {
		return 0, err
	}
	start := time.Now()
	tx, err := raw.BeginTx(ctx, nil)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback()
	st, err := tx.PrepareContext(ctx, `INSERT INTO tenant_users (tenant_id, user_id, upn, first_name,
		last_name, display_name, usage_location, active) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`)
	if err != nil {
		return 0, err
	}
	defer st.Close()
	for _, u := range us {
		active := 0
		if u.Active {
			active = 1
		}
		if _, err := st.ExecContext(ctx, tenantID, u.ID, u.UPN, u.FirstName, u.LastName,
			u.DisplayName, u.UsageLocation, active); err != nil {
			return 0, err
		}
	}
	if err := tx.Commit(); err != nil {
		return 0, err
	}
	return time.Since(start), nil
}
