package store

import (
	"context"
	"errors"
	"testing"
	"time"

	"onboard/flow"
)

func TestCustomerRoundTrip(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db *DB, _ *testClock) {
		ctx := context.Background()
		in := flow.Customer{
			CompanyName: "Contoso", FirstName: "Ann", LastName: "Lee", Email: "ann@contoso.example",
			Phone: "+441234567890",
			Address: flow.Address{Line1: "1 Main St", Line2: "Floor 2", City: "Leeds", State: "WY",
				PostalCode: "LS1 1AA", Country: "GB"},
			Language: "fr", // kept: Microsoft is told the customer's language
		}
		if err := db.CreateCustomer(ctx, &in); err != nil {
			t.Fatal(err)
		}
		if in.ID == "" || !in.CreatedAt.Equal(t0) {
			t.Fatalf("CreateCustomer set ID=%q CreatedAt=%v", in.ID, in.CreatedAt)
		}
		got, err := db.GetCustomer(ctx, in.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got != in {
			t.Errorf("GetCustomer = %+v\nwant %+v", got, in)
		}
		if _, err := db.GetCustomer(ctx, "nope"); !errors.Is(err, flow.ErrNotFound) {
			t.Errorf("missing customer: %v", err)
		}
	})
}

func TestCreateCustomerIdempotent(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db *DB, _ *testClock) {
		ctx := context.Background()
		first := mustCustomer(t, db)
		again := flow.Customer{ID: first.ID, CompanyName: "Other"}
		if err := db.CreateCustomer(ctx, &again); err != nil {
			t.Fatal(err)
		}
		if again != first {
			t.Errorf("second create = %+v, want the first %+v", again, first)
		}
		cs, _ := db.ListCustomers(ctx, time.Time{}, 0)
		if len(cs) != 1 {
			t.Errorf("%d customers, want 1", len(cs))
		}
	})
}

func TestListCustomers(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db *DB, clk *testClock) {
		ctx := context.Background()
		var ids []string
		for i := 0; i < 3; i++ {
			ids = append(ids, mustCustomer(t, db).ID)
			clk.advance(time.Hour)
		}
		all, err := db.ListCustomers(ctx, time.Time{}, 0)
		if err != nil || len(all) != 3 || all[0].ID != ids[2] || all[2].ID != ids[0] {
			t.Fatalf("ListCustomers = %v, %v; want newest first", all, err)
		}
		since, _ := db.ListCustomers(ctx, t0.Add(time.Hour), 0)
		if len(since) != 2 {
			t.Errorf("since: %d, want 2", len(since))
		}
		limited, _ := db.ListCustomers(ctx, time.Time{}, 1)
		if len(limited) != 1 || limited[0].ID != ids[2] {
			t.Errorf("limit 1: %v", limited)
		}
	})
}

func TestLinkTenant(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db *DB, _ *testClock) {
		ctx := context.Background()
		c := mustCustomer(t, db)
		for i := 0; i < 2; i++ { // idempotent
			if err := db.LinkTenant(ctx, c.ID, "tenant-1", "contoso.onmicrosoft.com"); err != nil {
				t.Fatal(err)
			}
		}
		got, _ := db.GetCustomer(ctx, c.ID)
		if got.TenantID != "tenant-1" || got.Domain != "contoso.onmicrosoft.com" {
			t.Errorf("linked customer = %+v", got)
		}
		// A tenant is never moved to another customer.
		other := mustCustomer(t, db)
		if err := db.LinkTenant(ctx, other.ID, "tenant-1", "contoso.onmicrosoft.com"); !errors.Is(err, flow.ErrTenantTaken) {
			t.Fatalf("link a taken tenant: %v, want ErrTenantTaken", err)
		}
		if got, _ := db.GetCustomer(ctx, c.ID); got.TenantID != "tenant-1" {
			t.Errorf("first customer lost its tenant: %+v", got)
		}
		if got, _ := db.GetCustomer(ctx, other.ID); got.TenantID != "" {
			t.Errorf("second customer got the tenant: %+v", got)
		}
		// Nor does a customer change tenants.
		if err := db.LinkTenant(ctx, c.ID, "tenant-3", "other.onmicrosoft.com"); !errors.Is(err, flow.ErrTenantTaken) {
			t.Errorf("link a second tenant: %v, want ErrTenantTaken", err)
		}
		if owner, err := db.CustomerByTenant(ctx, "tenant-1"); err != nil || owner.ID != c.ID {
			t.Errorf("CustomerByTenant = %+v, %v", owner, err)
		}
		if _, err := db.CustomerByTenant(ctx, "tenant-9"); !errors.Is(err, flow.ErrNotFound) {
			t.Errorf("CustomerByTenant of an unknown tenant: %v", err)
		}
		if err := db.LinkTenant(ctx, "nope", "tenant-2", "x"); !errors.Is(err, flow.ErrNotFound) {
			t.Errorf("link to missing customer: %v", err)
		}
	})
}
