package store

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"testing"

	"onboard/flow"
)

func TestSaveUsersUpsertsAndReplacesAssignments(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db *DB, _ *testClock) {
		ctx := context.Background()
		first := []flow.User{
			{ID: "u2", UPN: "bob@x", DisplayName: "Bob", Active: true, SkuIDs: []string{"e3", "teams"}},
			{ID: "u1", UPN: "ann@x", FirstName: "Ann", LastName: "Lee", UsageLocation: "GB", SkuIDs: []string{"e3"}},
		}
		if err := db.SaveUsers(ctx, "t1", first); err != nil {
			t.Fatal(err)
		}
		// A resumed import sends u2 again with changes, and a new user.
		second := []flow.User{
			{ID: "u2", UPN: "robert@x", DisplayName: "Robert", Active: true, SkuIDs: []string{"teams", "e5", "teams"}},
			{ID: "u3", UPN: "cat@x"},
		}
		if err := db.SaveUsers(ctx, "t1", second); err != nil {
			t.Fatal(err)
		}
		if err := db.SaveUsers(ctx, "t2", []flow.User{{ID: "u1", UPN: "zed@y"}}); err != nil {
			t.Fatal(err)
		}
		got, err := db.ListUsers(ctx, "t1")
		if err != nil {
			t.Fatal(err)
		}
		want := []flow.User{
			{ID: "u1", UPN: "ann@x", FirstName: "Ann", LastName: "Lee", UsageLocation: "GB", SkuIDs: []string{"e3"}},
			{ID: "u3", UPN: "cat@x"},
			{ID: "u2", UPN: "robert@x", DisplayName: "Robert", Active: true, SkuIDs: []string{"e5", "teams"}},
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("ListUsers =\n%+v\nwant\n%+v", got, want)
		}
		if n, _ := db.CountUsers(ctx, "t1"); n != 3 {
			t.Errorf("CountUsers = %d, want 3", n)
		}
		if n, _ := db.CountUsers(ctx, "t2"); n != 1 {
			t.Errorf("CountUsers(t2) = %d, want 1", n)
		}
	})
}

func TestSaveUsersDuplicatesInOneCall(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db *DB, _ *testClock) {
		ctx := context.Background()
		us := []flow.User{{ID: "u1", UPN: "old@x", SkuIDs: []string{"a"}}, {ID: "u1", UPN: "new@x", SkuIDs: []string{"b"}}}
		if err := db.SaveUsers(ctx, "t", us); err != nil {
			t.Fatal(err)
		}
		got, _ := db.ListUsers(ctx, "t")
		if len(got) != 1 || got[0].UPN != "new@x" || !reflect.DeepEqual(got[0].SkuIDs, []string{"b"}) {
			t.Errorf("ListUsers = %+v", got)
		}
	})
}

// Batches span several full statements plus a short tail, twice over.
func TestSaveUsersManyBatchesResumed(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db *DB, _ *testClock) {
		ctx := context.Background()
		us := makeUsers(2*batchRows + 37)
		for round := 0; round < 2; round++ {
			if err := db.SaveUsers(ctx, "t", us); err != nil {
				t.Fatal(err)
			}
		}
		if n, _ := db.CountUsers(ctx, "t"); n != len(us) {
			t.Errorf("CountUsers = %d, want %d", n, len(us))
		}
		var assignments int
		db.sql.QueryRowContext(ctx, `SELECT COUNT(*) FROM license_assignments`).Scan(&assignments)
		if want := 2 * len(us); assignments != want {
			t.Errorf("%d assignments, want %d", assignments, want)
		}
		got, _ := db.ListUsers(ctx, "t")
		if len(got) != len(us) || got[0].UPN != "user000000@contoso.example" || len(got[0].SkuIDs) != 2 {
			t.Errorf("first listed = %+v", got[0])
		}
	})
}

func makeUsers(n int) []flow.User {
	us := make([]flow.User, n)
	for i := range us {
		us[i] = flow.User{
			ID: fmt.Sprintf("%08x-0000-4000-8000-%012d", i, i), UPN: fmt.Sprintf("user%06d@contoso.example", i),
			FirstName: "First", LastName: fmt.Sprintf("Last%d", i), DisplayName: fmt.Sprintf("User %d", i),
			UsageLocation: "GB", Active: true, SkuIDs: []string{"sku-e3", "sku-teams"},
		}
	}
	return us
}

func TestSaveDomains(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db *DB, _ *testClock) {
		ctx := context.Background()
		ds := []flow.Domain{
			{Name: "contoso.onmicrosoft.com", IsInitial: true, IsVerified: true},
			{Name: "contoso.com", IsDefault: false},
		}
		if err := db.SaveDomains(ctx, "t1", ds); err != nil {
			t.Fatal(err)
		}
		ds[1].IsDefault, ds[1].IsVerified = true, true
		if err := db.SaveDomains(ctx, "t1", append(ds, ds[1])); err != nil {
			t.Fatal(err)
		}
		if n, _ := db.CountDomains(ctx, "t1"); n != 2 {
			t.Errorf("CountDomains = %d, want 2", n)
		}
		var def, ver int
		db.sql.QueryRowContext(ctx, `SELECT is_default, is_verified FROM tenant_domains
		WHERE tenant_id = 't1' AND name = 'contoso.com'`).Scan(&def, &ver)
		if def != 1 || ver != 1 {
			t.Errorf("upserted domain default=%d verified=%d", def, ver)
		}
		if n, _ := db.CountDomains(ctx, "t2"); n != 0 {
			t.Errorf("CountDomains(t2) = %d", n)
		}
	})
}

func TestAddAssignments(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db *DB, _ *testClock) {
		ctx := context.Background()
		if err := db.SaveUsers(ctx, "t", []flow.User{{ID: "u1", UPN: "a@x", SkuIDs: []string{"e3"}}, {ID: "u2", UPN: "b@x"}}); err != nil {
			t.Fatal(err)
		}
		ev := flow.AuditEvent{Actor: agent, OrderID: "o1"}
		for i := 0; i < 2; i++ { // repeating adds nothing twice
			if err := db.AddAssignments(ctx, "t", "e5", []string{"u1", "u2", "u2"}, ev); err != nil {
				t.Fatal(err)
			}
		}
		got, _ := db.ListUsers(ctx, "t")
		if !reflect.DeepEqual(got[0].SkuIDs, []string{"e3", "e5"}) || !reflect.DeepEqual(got[1].SkuIDs, []string{"e5"}) {
			t.Errorf("users = %+v", got)
		}
		trail, _ := db.AuditTrail(ctx, "o1")
		if len(trail) != 2 || trail[0].Action != "licenses.assigned" {
			t.Errorf("audit = %+v", trail)
		}
		err := db.AddAssignments(ctx, "t", "e5", []string{"u1", "ghost"}, ev)
		if !errors.Is(err, flow.ErrNotFound) {
			t.Errorf("unknown user: %v, want ErrNotFound", err)
		}
		if trail, _ := db.AuditTrail(ctx, "o1"); len(trail) != 2 {
			t.Errorf("failed assignment left an event: %+v", trail)
		}
	})
}
