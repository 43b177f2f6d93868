package flow_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"onboard/flow"
	"onboard/msapi/sandbox"
)

// tenantCustomers is every customer record the store holds for tenantID,
// and how many customer records there are in all.
func tenantCustomers(t *testing.T, w *world, tenantID string) (mine []flow.Customer, all int) {
	t.Helper()
	cs, err := w.db.ListCustomers(context.Background(), time.Time{}, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cs {
		if strings.EqualFold(c.TenantID, tenantID) {
			mine = append(mine, c)
		}
	}
	return mine, len(cs)
}

// Repro 2: a second sign-up for a tenant (after a finished one, from the
// draft left behind) made a second customer record and moved the tenant
// to it; the first customer then showed "Tenant -".
func TestRepro02SecondSignUpSameTenantKeepsCustomer(t *testing.T) {
	w := newWorld(t, flow.PolicyPayFirst)
	ctx := context.Background()
	const admin, password = "admin@fabrikam.onmicrosoft.com", "Fabrikam-Admin-1"
	a := answers("fabrikam.onmicrosoft.com", admin, "m365-business-premium", 10)
	first := w.signUp(t, a, password)
	res, err := w.svc.Process(ctx, first.ID, nil)
	if err != nil || res.Order.Status != flow.StatusCompleted {
		t.Fatalf("first sign-up: %v, %v", res.Order.Status, err)
	}
	tenant := res.Order.TenantID
	// Microsoft's own record: the tenant is the partner's customer.
	if c, err := w.cli.GetCustomer(ctx, tenant); err != nil || !strings.EqualFold(c.Domain, "fabrikam.onmicrosoft.com") {
		t.Fatalf("Microsoft's customer %+v, %v", c, err)
	}

	// The next person at the terminal signs up for the same tenant, with
	// other details; the invitation is already accepted.
	again := answers("fabrikam.onmicrosoft.com", admin, "m365-business-premium", 2)
	again.Company, again.Email = "Fabrikam Again", "someone@example.com"
	second, err := w.svc.CreateOrder(ctx, again)
	if err != nil {
		t.Fatal(err)
	}
	if second.Status != flow.StatusAwaitingPayment || second.CustomerID != first.CustomerID || second.TenantID != tenant {
		t.Fatalf("second order %s: %s, customer %s (first %s), tenant %s", second.Number, second.Status, second.CustomerID, first.CustomerID, second.TenantID)
	}
	mine, all := tenantCustomers(t, w, tenant)
	if len(mine) != 1 || all != 1 || mine[0].ID != first.CustomerID {
		t.Fatalf("customers of the tenant %+v, %d in all; want only %s", mine, all, first.CustomerID)
	}
	if c, err := w.db.GetCustomer(ctx, first.CustomerID); err != nil || c.TenantID != tenant || c.CompanyName != "Test Co" {
		t.Fatalf("first customer after the second sign-up: %+v, %v", c, err)
	}

	// A third, with the administrator verified first (the tenant known at
	// once), while the second is still open: refused, that order offered.
	adm, err := w.SignIn(ctx, w.svc, admin, password, sandbox.MFADemoCode)
	if err != nil {
		t.Fatal(err)
	}
	third := again
	third.TenantID, third.AdminUPN = adm.TenantID, adm.UPN
	_, err = w.svc.CreateOrder(ctx, third)
	var open *flow.OpenOrderError
	if !errors.As(err, &open) || open.Order.ID != second.ID {
		t.Fatalf("third sign-up while the second is open: %v", err)
	}
	// Once that one is cancelled the third goes ahead, for the same customer.
	if _, err := w.svc.Cancel(ctx, second.ID, "customer started over"); err != nil {
		t.Fatal(err)
	}
	o3, err := w.svc.CreateOrder(ctx, third)
	if err != nil || o3.CustomerID != first.CustomerID || o3.Status != flow.StatusAwaitingPayment {
		t.Fatalf("third order %+v, %v", o3, err)
	}
	if mine, all := tenantCustomers(t, w, tenant); len(mine) != 1 || all != 1 {
		t.Fatalf("customers after the third sign-up: %+v, %d in all", mine, all)
	}
}

// Repro 3: an agent re-created an order a crash had already created, and
// eight open orders stood side by side for one tenant.
func TestRepro03NoDuplicateOpenOrders(t *testing.T) {
	ctx := flow.WithActor(context.Background(), flow.Actor{Kind: flow.ActorAgent, Name: "Sam"})
	agentAnswers := func(domain string) flow.Answers {
		a := answers(domain, "", "m365-business-premium", 3)
		a.Mode, a.AdminLogin = flow.ModeAgent, ""
		return a
	}

	t.Run("agent re-creates", func(t *testing.T) {
		w := newWorld(t, flow.PolicyPayFirst)
		first, err := w.svc.CreateOrder(ctx, agentAnswers("contoso.onmicrosoft.com"))
		if err != nil || first.Status != flow.StatusAwaitingConsent {
			t.Fatalf("first order %+v, %v", first, err)
		}
		// The crash lost the order id: the agent creates it again.
		_, err = w.svc.CreateOrder(ctx, agentAnswers("CONTOSO.onmicrosoft.com"))
		var open *flow.OpenOrderError
		if !errors.Is(err, flow.ErrOpenOrder) || !errors.As(err, &open) || open.Order.ID != first.ID || open.Order.Number != first.Number {
			t.Fatalf("second create: %v, want the open order %s", err, first.Number)
		}
		// The same order id is not a second order: it is returned.
		a := agentAnswers("contoso.onmicrosoft.com")
		a.OrderID = first.ID
		if o, err := w.svc.CreateOrder(ctx, a); err != nil || o.ID != first.ID {
			t.Fatalf("create with the order's id: %+v, %v", o, err)
		}
		// Accepting the invitation does not open a second order either.
		if err := w.ms.AcceptInvitation("admin@contoso.onmicrosoft.com", "Contoso-Admin-1"); err != nil {
			t.Fatal(err)
		}
		c, err := w.svc.CheckConsent(ctx, first.ID)
		if err != nil || !c.Accepted {
			t.Fatalf("consent: %+v, %v", c, err)
		}
		_, err = w.svc.CreateOrder(ctx, agentAnswers("contoso.onmicrosoft.com"))
		if !errors.As(err, &open) || open.Order.ID != first.ID {
			t.Fatalf("create after consent: %v", err)
		}
		// The database refuses a second open order whoever asks.
		for _, o := range []flow.Order{
			{CustomerID: first.CustomerID, Status: flow.StatusAwaitingConsent, TenantDomain: "contoso.onmicrosoft.com"},
			{CustomerID: first.CustomerID, Status: flow.StatusAwaitingPayment, TenantID: strings.ToUpper(c.Order.TenantID)},
		} {
			if err := w.db.CreateOrder(ctx, &o, flow.AuditEvent{Action: "order.created"}); !errors.Is(err, flow.ErrOpenOrder) {
				t.Fatalf("store insert of a second open order %+v: %v", o, err)
			}
		}
		if n := openOrders(t, w, "contoso.onmicrosoft.com"); n != 1 {
			t.Fatalf("%d open orders for contoso", n)
		}
	})

	t.Run("consent for a tenant with another open order", func(t *testing.T) {
		w := newWorld(t, flow.PolicyPayFirst)
		agentOrder, err := w.svc.CreateOrder(ctx, agentAnswers("contoso.onmicrosoft.com"))
		if err != nil {
			t.Fatal(err)
		}
		// A customer signs up with their verified administrator and no
		// initial domain: nothing names the agent's order's key yet.
		a := answers("", "admin@contoso.onmicrosoft.com", "m365-business-premium", 1)
		adm, err := w.svc.VerifyAdmin(ctx, a.AdminLogin, "Contoso-Admin-1")
		if err != nil {
			t.Fatal(err)
		}
		a.TenantID, a.AdminUPN = adm.TenantID, adm.UPN
		mine, err := w.svc.CreateOrder(context.Background(), a)
		if err != nil || mine.Status != flow.StatusAwaitingConsent {
			t.Fatalf("customer's order %+v, %v", mine, err)
		}
		if err := w.ms.AcceptInvitation("admin@contoso.onmicrosoft.com", "Contoso-Admin-1"); err != nil {
			t.Fatal(err)
		}
		_, err = w.svc.CheckConsent(context.Background(), mine.ID)
		var open *flow.OpenOrderError
		if !errors.As(err, &open) || open.Order.ID != agentOrder.ID {
			t.Fatalf("consent while the agent's order is open: %v", err)
		}
		// The order keeps the tenant its administrator signed in to, and
		// nothing more: it still waits.
		if o, _ := w.db.GetOrder(ctx, mine.ID); o.Status != flow.StatusAwaitingConsent || o.TenantID != a.TenantID {
			t.Fatalf("refused order moved on: %+v", o)
		}
		if n := openOrders(t, w, "contoso.onmicrosoft.com"); n != 1 {
			t.Fatalf("%d open orders for contoso", n)
		}
	})

	t.Run("two terminals at once", func(t *testing.T) {
		w := newWorld(t, flow.PolicyPayFirst)
		other, _ := w.Service(t, w.dbPath)
		other.MS = w.svc.MS
		svcs := []*flow.Service{w.svc, other}
		const rounds = 5
		for r := 0; r < rounds; r++ {
			domain := []string{"fabrikam.onmicrosoft.com", "contoso.onmicrosoft.com", "northwind.onmicrosoft.com"}[r%3]
			if r >= 3 {
				// Close the earlier round's order so the tenant is free again.
				o, err := w.db.OpenOrderForTenant(ctx, "", domain, "")
				if err != nil {
					t.Fatal(err)
				}
				if _, err := w.svc.Cancel(ctx, o.ID, "next round"); err != nil {
					t.Fatal(err)
				}
			}
			var wg sync.WaitGroup
			start := make(chan struct{})
			errs := make([]error, len(svcs))
			for i, s := range svcs {
				wg.Add(1)
				go func() {
					defer wg.Done()
					<-start
					_, errs[i] = s.CreateOrder(ctx, agentAnswers(domain))
				}()
			}
			close(start)
			wg.Wait()
			ok := 0
			for _, err := range errs {
				switch {
				case err == nil:
					ok++
				case !errors.Is(err, flow.ErrOpenOrder):
					t.Fatalf("round %d: %v", r, err)
				}
			}
			if ok != 1 || openOrders(t, w, domain) != 1 {
				t.Fatalf("round %d: %d creates succeeded, %d open orders for %s", r, ok, openOrders(t, w, domain), domain)
			}
		}
		// The refused creates left no customer records behind.
		if _, all := tenantCustomers(t, w, ""); all != rounds {
			t.Fatalf("%d customer records for %d orders", all, rounds)
		}
	})
}

// openOrders counts the orders for domain that are neither completed nor cancelled.
func openOrders(t *testing.T, w *world, domain string) int {
	t.Helper()
	os, err := w.db.ListOrders(context.Background(), flow.OrderFilter{})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, o := range os {
		if strings.EqualFold(o.TenantDomain, domain) && o.Status != flow.StatusCompleted && o.Status != flow.StatusCancelled {
			n++
		}
	}
	return n
}

// Repro 7: the administrator of another tenant accepted the invitation
// meant for contoso; the wizard waited forever with no hint.
func TestRepro07WrongTenantAccepted(t *testing.T) {
	w := newWorld(t, flow.PolicyPayFirst)
	ctx := context.Background()
	a := answers("contoso.onmicrosoft.com", "admin@contoso.onmicrosoft.com", "m365-business-premium", 5)
	o, err := w.svc.CreateOrder(ctx, a)
	if err != nil || o.Status != flow.StatusAwaitingConsent {
		t.Fatalf("order %+v, %v", o, err)
	}
	c, err := w.svc.CheckConsent(ctx, o.ID)
	if err != nil || c.Accepted || c.OtherTenant != "" {
		t.Fatalf("before anyone accepted: %+v, %v", c, err)
	}

	// Meanwhile another customer signs up for fabrikam and accepts for it:
	// that is no mistake of contoso's administrator.
	fab, err := w.Consent(ctx, w.svc, answers("fabrikam.onmicrosoft.com", "admin@fabrikam.onmicrosoft.com", "m365-business-premium", 2), "Fabrikam-Admin-1")
	if err != nil || fab.Status != flow.StatusAwaitingPayment {
		t.Fatalf("fabrikam's sign-up: %+v, %v", fab, err)
	}
	c, err = w.svc.CheckConsent(ctx, o.ID)
	if err != nil || c.Accepted || c.OtherTenant != "" {
		t.Fatalf("after fabrikam accepted for itself: %+v, %v", c, err)
	}

	// Signed in as Northwind's administrator on contoso's link.
	if err := w.ms.AcceptInvitation("admin@northwind.onmicrosoft.com", "Northwind-Admin-1"); err != nil {
		t.Fatal(err)
	}
	nw, err := w.cli.FindCustomerByDomain(ctx, "northwind.onmicrosoft.com")
	if err != nil || nw.Relationship != "reseller" {
		t.Fatalf("Microsoft's record of Northwind: %+v, %v", nw, err)
	}
	c, err = w.svc.CheckConsent(ctx, o.ID)
	if err != nil {
		t.Fatal(err)
	}
	if c.Accepted || c.OtherTenant != "northwind.onmicrosoft.com" || c.Order.Status != flow.StatusAwaitingConsent {
		t.Fatalf("after Northwind accepted: accepted=%v other=%q status=%s", c.Accepted, c.OtherTenant, c.Order.Status)
	}
	// Northwind did not become the order's tenant nor anyone's customer here.
	if mine, _ := tenantCustomers(t, w, nw.TenantID); len(mine) != 0 {
		t.Fatalf("Northwind linked: %+v", mine)
	}

	// Now the right administrator accepts: the order goes on.
	if err := w.ms.AcceptInvitation("admin@contoso.onmicrosoft.com", "Contoso-Admin-1"); err != nil {
		t.Fatal(err)
	}
	c, err = w.svc.CheckConsent(ctx, o.ID)
	if err != nil || !c.Accepted || c.Order.Status != flow.StatusAwaitingPayment || c.OtherTenant != "" {
		t.Fatalf("after contoso accepted: %+v, %v", c, err)
	}
	if ct, err := w.cli.GetCustomer(ctx, c.Order.TenantID); err != nil || !strings.EqualFold(ct.Domain, "contoso.onmicrosoft.com") {
		t.Fatalf("order's tenant at Microsoft: %+v, %v", ct, err)
	}
}
