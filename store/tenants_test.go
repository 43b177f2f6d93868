package store

import (
	"context"
	"errors"
	"testing"

	"onboard/flow"
)

// orderFor creates an open order for the tenant key (tenant id or domain).
func orderFor(t *testing.T, db *DB, customerID, tenantID, domain string) (flow.Order, error) {
	t.Helper()
	o := flow.Order{
		CustomerID: customerID, Status: flow.StatusAwaitingConsent, Policy: flow.PolicyPayFirst,
		Currency: "EUR", TenantID: tenantID, TenantDomain: domain, CreatedBy: agent,
		Lines: []flow.OrderLine{{OfferID: "offer-e3", Name: "E3", SkuID: "sku-e3", Quantity: 1, UnitPrice: 100}},
	}
	err := db.CreateOrder(context.Background(), &o, flow.AuditEvent{Actor: agent})
	return o, err
}

func TestOneOpenOrderPerTenantHeldByTheDatabase(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db *DB, clk *testClock) {
		ctx := context.Background()
		c := mustCustomer(t, db)
		first, err := orderFor(t, db, c.ID, "", "contoso.onmicrosoft.com")
		if err != nil {
			t.Fatal(err)
		}
		clk.advance(1)
		if _, err := orderFor(t, db, c.ID, "", "CONTOSO.onmicrosoft.com"); !errors.Is(err, flow.ErrOpenOrder) {
			t.Fatalf("second open order for the domain: %v, want ErrOpenOrder", err)
		}
		got, err := db.OpenOrderForTenant(ctx, "", "contoso.onmicrosoft.com", "")
		if err != nil || got.ID != first.ID || len(got.Lines) != 1 {
			t.Fatalf("OpenOrderForTenant = %+v, %v", got, err)
		}
		if _, err := db.OpenOrderForTenant(ctx, "", "contoso.onmicrosoft.com", first.ID); !errors.Is(err, flow.ErrNotFound) {
			t.Fatalf("OpenOrderForTenant except the only one: %v", err)
		}
		// By tenant id too, whatever its case.
		if _, err := orderFor(t, db, c.ID, "T-1", "a.onmicrosoft.com"); err != nil {
			t.Fatal(err)
		}
		if _, err := orderFor(t, db, c.ID, "t-1", "b.onmicrosoft.com"); !errors.Is(err, flow.ErrOpenOrder) {
			t.Fatalf("second open order for the tenant id: %v, want ErrOpenOrder", err)
		}
		// A closed order frees the tenant.
		if err := db.TransitionOrder(ctx, first.ID, flow.StatusAwaitingConsent, flow.StatusCancelled, "", flow.AuditEvent{Actor: agent}); err != nil {
			t.Fatal(err)
		}
		if _, err := orderFor(t, db, c.ID, "", "contoso.onmicrosoft.com"); err != nil {
			t.Fatalf("new order after the open one was cancelled: %v", err)
		}
		// Orders of no tenant yet are not constrained.
		for i := 0; i < 2; i++ {
			if _, err := orderFor(t, db, c.ID, "", ""); err != nil {
				t.Fatal(err)
			}
		}
	})
}

func TestAttachOrderTenant(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db *DB, _ *testClock) {
		ctx := context.Background()
		first := mustCustomer(t, db)
		o1, err := orderFor(t, db, first.ID, "", "fabrikam.onmicrosoft.com")
		if err != nil {
			t.Fatal(err)
		}
		if err := db.SaveConsentBaseline(ctx, o1.ID, []string{"t-other"}); err != nil {
			t.Fatal(err)
		}
		got, err := db.AttachOrderTenant(ctx, o1.ID, "t-fab", "fabrikam.onmicrosoft.com", "admin@fabrikam.example", flow.AuditEvent{Actor: agent, Action: "order.customer"})
		if err != nil || got.TenantID != "t-fab" || got.CustomerID != first.ID {
			t.Fatalf("attach to a new tenant: %+v, %v", got, err)
		}
		if c, _ := db.GetCustomer(ctx, first.ID); c.TenantID != "t-fab" {
			t.Fatalf("tenant not linked: %+v", c)
		}
		if _, err := db.ConsentBaseline(ctx, o1.ID); !errors.Is(err, flow.ErrNotFound) {
			t.Fatalf("baseline kept after the tenant was attached: %v", err)
		}
		if trail, _ := db.AuditTrail(ctx, o1.ID); len(trail) != 1 {
			t.Fatalf("attaching to the order's own customer wrote %+v", trail)
		}
		// A second order for the same tenant while the first is open is refused.
		second := mustCustomer(t, db)
		o2, err := orderFor(t, db, second.ID, "", "")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.AttachOrderTenant(ctx, o2.ID, "t-fab", "fabrikam.onmicrosoft.com", "", flow.AuditEvent{Actor: agent, Action: "order.customer"}); !errors.Is(err, flow.ErrOpenOrder) {
			t.Fatalf("attach while another order is open: %v, want ErrOpenOrder", err)
		}
		// Once it is done, the second order joins the first customer, whose
		// tenant stays; the customer made for the second order alone goes.
		if err := db.TransitionOrder(ctx, o1.ID, flow.StatusAwaitingConsent, flow.StatusCancelled, "", flow.AuditEvent{Actor: agent}); err != nil {
			t.Fatal(err)
		}
		got, err = db.AttachOrderTenant(ctx, o2.ID, "t-fab", "fabrikam.onmicrosoft.com", "", flow.AuditEvent{Actor: agent, Action: "order.customer"})
		if err != nil || got.CustomerID != first.ID {
			t.Fatalf("attach to a known tenant: %+v, %v", got, err)
		}
		if c, _ := db.GetCustomer(ctx, first.ID); c.TenantID != "t-fab" {
			t.Fatalf("first customer lost its tenant: %+v", c)
		}
		if _, err := db.GetCustomer(ctx, second.ID); !errors.Is(err, flow.ErrNotFound) {
			t.Fatalf("the second customer record remains: %v", err)
		}
		if trail, _ := db.AuditTrail(ctx, o2.ID); len(trail) == 0 || trail[len(trail)-1].Action != "order.customer" || trail[len(trail)-1].OrderID != o2.ID {
			t.Fatalf("audit trail %+v", trail)
		}
	})
}

func TestConsentBaseline(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db *DB, _ *testClock) {
		ctx := context.Background()
		c := mustCustomer(t, db)
		o := mustOrder(t, db, c.ID, flow.StatusAwaitingConsent)
		if _, err := db.ConsentBaseline(ctx, o.ID); !errors.Is(err, flow.ErrNotFound) {
			t.Fatalf("no baseline yet: %v", err)
		}
		if err := db.SaveConsentBaseline(ctx, o.ID, nil); err != nil {
			t.Fatal(err)
		}
		// The first baseline is kept.
		if err := db.SaveConsentBaseline(ctx, o.ID, []string{"T-1"}); err != nil {
			t.Fatal(err)
		}
		if b, err := db.ConsentBaseline(ctx, o.ID); err != nil || len(b) != 0 {
			t.Fatalf("baseline %v, %v", b, err)
		}
		o2 := mustOrder(t, db, c.ID, flow.StatusAwaitingConsent)
		if err := db.SaveConsentBaseline(ctx, o2.ID, []string{"T-1", "t-2"}); err != nil {
			t.Fatal(err)
		}
		if b, err := db.ConsentBaseline(ctx, o2.ID); err != nil || len(b) != 2 || !b["t-1"] || !b["t-2"] {
			t.Fatalf("baseline %v, %v", b, err)
		}
	})
}

// Open orders that stood side by side before the constraint are kept and
// marked, and the constraint holds from then on.
func TestMigrationKeepsExistingDuplicateOpenOrders(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db *DB, _ *testClock) {
		ctx := context.Background()
		c := mustCustomer(t, db)
		if _, err := db.sql.ExecContext(ctx, `DROP INDEX orders_one_open_per_tenant_id; DROP INDEX orders_one_open_per_domain`); err != nil {
			t.Fatal(err)
		}
		var ids []string
		for i := 0; i < 3; i++ {
			o, err := orderFor(t, db, c.ID, "", "contoso.onmicrosoft.com")
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, o.ID)
		}
		// Run 0004 again over the duplicates, as an upgrade would.
		ms, err := loadMigrations(migrationFiles, db.dialect())
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.sql.ExecContext(ctx, `DROP INDEX customers_one_per_tenant;
		DROP TABLE consent_baselines; ALTER TABLE orders DROP COLUMN duplicate_of`); err != nil {
			t.Fatal(err)
		}
		if _, err := db.sql.ExecContext(ctx, ms[3].sql); err != nil {
			t.Fatalf("migration 0004 over duplicates: %v", err)
		}
		var marked int
		if err := db.sql.QueryRowContext(ctx, `SELECT COUNT(*) FROM orders WHERE duplicate_of <> ''`).Scan(&marked); err != nil || marked != 2 {
			t.Fatalf("%d duplicates marked, %v", marked, err)
		}
		if _, err := orderFor(t, db, c.ID, "", "contoso.onmicrosoft.com"); !errors.Is(err, flow.ErrOpenOrder) {
			t.Fatalf("a fourth open order: %v, want ErrOpenOrder", err)
		}
		if o, err := db.OpenOrderForTenant(ctx, "", "contoso.onmicrosoft.com", ""); err != nil || o.ID == "" {
			t.Fatalf("OpenOrderForTenant = %+v, %v", o, err)
		}
	})
}
