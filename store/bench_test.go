package store

import (
	"context"
	"math/rand/v2"
	"path/filepath"
	"testing"

	"onboard/flow"
)

const benchUsers, benchBatch = 100_000, 1_000

// benchTenant has the length of a real tenant id, which every key repeats.
const benchTenant = "3f2b8c1e-5d4a-4e7b-9c0d-1a2b3c4d5e6f"

// BenchmarkSaveUsers100k saves 100,000 users (two SKUs each) through
// SaveUsers in batches of 1,000, as an import does page by page.
func BenchmarkSaveUsers100k(b *testing.B) {
	benchSaveUsers(b, makeUsers(benchUsers))
}

// BenchmarkSaveUsers100kRandomOrder is the same with the users arriving in
// random key order, as Graph's GUID object ids do: every batch then touches
// pages all over the indexes, which is what an import really costs.
func BenchmarkSaveUsers100kRandomOrder(b *testing.B) {
	us := makeUsers(benchUsers)
	rand.New(rand.NewPCG(1, 2)).Shuffle(len(us), func(i, j int) { us[i], us[j] = us[j], us[i] })
	benchSaveUsers(b, us)
}

func benchSaveUsers(b *testing.B, us []flow.User) {
	ctx := context.Background()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		db := openBench(b)
		b.StartTimer()
		for lo := 0; lo < len(us); lo += benchBatch {
			if err := db.SaveUsers(ctx, benchTenant, us[lo:lo+benchBatch]); err != nil {
				b.Fatal(err)
			}
		}
		b.StopTimer()
		db.Close()
	}
	b.ReportMetric(float64(len(us)*b.N)/b.Elapsed().Seconds(), "users/s")
}

// BenchmarkBaselineInsert100k stores the same rows with one prepared
// single-row INSERT per row in one transaction: the naive approach
// SaveUsers is measured against.
func BenchmarkBaselineInsert100k(b *testing.B) {
	us := makeUsers(benchUsers)
	ctx := context.Background()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		db := openBench(b)
		b.StartTimer()
		if err := baselineInsert(ctx, db, benchTenant, us); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		db.Close()
	}
	b.ReportMetric(float64(benchUsers*b.N)/b.Elapsed().Seconds(), "users/s")
}

func baselineInsert(ctx context.Context, db *DB, tenantID string, us []flow.User) error {
	tx, err := db.sql.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	userSt, err := tx.PrepareContext(ctx, `INSERT INTO tenant_users (tenant_id, user_id, upn,
		first_name, last_name, display_name, usage_location, active) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`)
	if err != nil {
		return err
	}
	defer userSt.Close()
	skuSt, err := tx.PrepareContext(ctx, `INSERT INTO license_assignments (tenant_id, user_id, sku_id) VALUES (?, ?, ?)`)
	if err != nil {
		return err
	}
	defer skuSt.Close()
	for _, u := range us {
		if _, err := userSt.ExecContext(ctx, tenantID, u.ID, u.UPN, u.FirstName, u.LastName,
			u.DisplayName, u.UsageLocation, boolInt(u.Active)); err != nil {
			return err
		}
		for _, sku := range u.SkuIDs {
			if _, err := skuSt.ExecContext(ctx, tenantID, u.ID, sku); err != nil {
				return err
			}
		}
	}
	return tx.Commit()
}

func openBench(b *testing.B) *DB {
	b.Helper()
	db, err := Open(context.Background(), filepath.Join(b.TempDir(), "bench.db"))
	if err != nil {
		b.Fatal(err)
	}
	return db
}
