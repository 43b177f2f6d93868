package store

import (
	"context"
	"testing"
	"time"

	"onboard/flow"
	"onboard/store/storetest"
)

// testClock is a settable clock for SetClock.
type testClock struct{ t time.Time }

func (c *testClock) now() time.Time          { return c.t }
func (c *testClock) advance(d time.Duration) { c.t = c.t.Add(d) }

var t0 = time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)

// forEachBackend is the conformance suite's loop: it runs fn as a subtest
// on a fresh database of every backend (storetest.Backends: SQLite, and
// PostgreSQL when ONBOARD_TEST_POSTGRES is set).
func forEachBackend(t *testing.T, fn func(t *testing.T, db *DB, clk *testClock)) {
	t.Helper()
	for _, b := range storetest.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			db, clk := openAt(t, b.Fresh(t))
			fn(t, db, clk)
		})
	}
}

// forEachDSN runs fn as a subtest per backend with a fresh database's
// --db value, for tests that open it themselves.
func forEachDSN(t *testing.T, fn func(t *testing.T, dsn string)) {
	t.Helper()
	for _, b := range storetest.Backends() {
		t.Run(b.Name, func(t *testing.T) { fn(t, b.Fresh(t)) })
	}
}

// openTest opens a fresh SQLite database, for tests of SQLite alone.
func openTest(t *testing.T) (*DB, *testClock) {
	t.Helper()
	return openAt(t, storetest.SQLite(t))
}

func openAt(t *testing.T, dsn string) (*DB, *testClock) {
	t.Helper()
	db, err := Open(context.Background(), dsn)
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
		Contact:   flow.Contact{FirstName: "Jean", LastName: "Dupont", Email: "jean@tailspin.example", Phone: "+33123456789"},
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
