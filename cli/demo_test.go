package cli

import (
	"context"
	"testing"

	"onboard/config"
	"onboard/flow"
	"onboard/internal/testworld"
	"onboard/payment"
)

// openTestEnv wires the embedded default as `onboard` does, on the
// isolated XDG directories.
func openTestEnv(t *testing.T, db string) *env {
	t.Helper()
	cfg, err := config.Load("", func(k string) string {
		if k == "ONBOARD_DB" {
			return db
		}
		return ""
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	e, err := openAll(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// TestDemoStateSurvivesRestartAndResets: a tenant linked in the database is
// still linked in the embedded sandbox after a restart, and `onboard demo
// reset` returns both to the seeded state.
func TestDemoStateSurvivesRestartAndResets(t *testing.T) {
	db := isolate(t)
	ctx := context.Background()
	const domain = "fabrikam.onmicrosoft.com"

	e := openTestEnv(t, db)
	a := flow.Answers{Mode: flow.ModeCustomer, Account: flow.AccountExisting,
		Lines: []flow.LineChoice{{OfferID: "m365-business-premium", Seats: 10}}, Company: "Fabrikam Inc",
		FirstName: "Ada", LastName: "Lovelace", Email: "ada@fabrikam.com", Phone: "+44 20 7946 0958", PhoneCountry: "GB",
		Address:    flow.Address{Line1: "1 Main Street", City: "London", PostalCode: "SW1A 1AA", Country: "GB"},
		AdminLogin: "admin@" + domain, Domain: domain, AgreementAccepted: true, AgreementDate: fixedNow}
	o, err := e.svc.CreateOrder(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	if err := testworld.AcceptAndApproveGDAP(ctx, e.svc, e.sb.ms, o.ID, "admin@"+domain, "Fabrikam-Admin-1"); err != nil {
		t.Fatal(err)
	}
	if c, err := e.svc.CheckConsent(ctx, o.ID); err != nil || !c.Accepted {
		t.Fatalf("consent: %v %v", c.Accepted, err)
	}
	sess, err := e.svc.StartPayment(ctx, o.ID)
	if err != nil {
		t.Fatal(err)
	}
	if st, err := e.sb.pay.Pay(sess.ID, "4242424242424242"); err != nil || st != payment.StatePaid {
		t.Fatalf("pay: %s %v", st, err)
	}
	if _, _, err := e.svc.CheckPayment(ctx, o.ID, sess.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.Process(ctx, o.ID, nil); err != nil {
		t.Fatal(err)
	}
	e.close()

	// A new run: the sandbox reloads its state, so the tenant is still linked.
	e = openTestEnv(t, db)
	if ok, err := e.svc.InvitationAccepted(ctx, domain); err != nil || !ok {
		t.Fatalf("after restart the sandbox lost the relationship: %v %v", ok, err)
	}
	if got, err := e.db.GetOrder(ctx, o.ID); err != nil || got.Status != flow.StatusCompleted {
		t.Fatalf("after restart: %+v %v", got, err)
	}
	e.close()

	if _, errOut, code := run(t, "demo", "reset", "--db", db); code != ExitOK {
		t.Fatalf("demo reset: %d %s", code, errOut)
	}
	e = openTestEnv(t, db)
	defer e.close()
	if ok, err := e.svc.InvitationAccepted(ctx, domain); err != nil || ok {
		t.Fatalf("after reset fabrikam is still linked: %v %v", ok, err)
	}
	if orders, err := e.db.ListOrders(ctx, flow.OrderFilter{}); err != nil || len(orders) != 0 {
		t.Fatalf("after reset: %d orders, %v", len(orders), err)
	}
	if _, err := e.sb.pay.Pay(sess.ID, "4242424242424242"); err == nil {
		t.Fatal("after reset the old checkout still exists")
	}
}
