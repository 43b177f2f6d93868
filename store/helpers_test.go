package store

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"onboard/flow"
)

// testClock is a settable clock for SetClock.
type testClock struct{ t time.Time }

func (c *testClock) now() time.Time          { return c.t }
func (c *testClock) advance(d time.Duration) { c.t = c.t.Add(d) }

var t0 = time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)

func openTest(t *testing.T) (*DB, *testClock) {
	t.Helper()
	db, err := Open(context.Background(), filepath.Join(t.TempDir(), "data", "onboard.db"))
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	clk := &testClock{t: t0}
	db.SetClock(clk.now)
	return db, clk
}

var agent = flow.Actor{Kind: flow.ActorAgent, Name: "alice"}

func mustCustomer(t *testing.T, db *DB) flow.Customer {
	t.Helper()
	c := flow.Customer{CompanyName: "Contoso", FirstName: "Ann", LastName: "Lee", Email: "ann@contoso.example"}
	if err := db.CreateCustomer(context.Background(), &c); err != nil {
		t.Fatalf("CreateCustomer: %v", err)
	}
	return c
}

func mustOrder(t *testing.T, db *DB, customerID string, status flow.OrderStatus) flow.Order {
	t.Helper()
	o := flow.Order{
		CustomerID: customerID, Status: status, Policy: flow.PolicyPayFirst, Currency: "EUR",
		CreatedBy: agent,
		Lines: []flow.OrderLine{
			{OfferID: "offer-e3", Name: "Office 365 E3", SkuID: "sku-e3", Quantity: 5, UnitPrice: 2000},
			{OfferID: "offer-teams", Name: "Teams", SkuID: "sku-teams", Quantity: 2, UnitPrice: 500},
		},
	}
	if err := db.CreateOrder(context.Background(), &o, flow.AuditEvent{Actor: agent, Action: "order.created"}); err != nil {
		t.Fatalf("CreateOrder: %v", err)
	}
	return o
}

// latestVersion is the number of the newest migration.
func latestVersion(t *testing.T) int {
	t.Helper()
	ms, err := loadMigrations(migrationFiles)
	if err != nil {
		t.Fatal(err)
	}
	return ms[len(ms)-1].version
}
