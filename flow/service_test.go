package flow

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"onboard/msapi"
	"onboard/payment"
)

const (
	premiumOffer = "CFQ7TTC0LCHC:0002:SANDBOXAV003"
	premiumSKU   = "cbdc14ab-d96c-4c30-b9f4-6ada7cdc1d46"
	premiumTrial = "CFQ7TTC0LCHC:0007:SANDBOXAV013"
	basicSKU     = "3b555118-da6a-4418-894f-7df1e2096870"
	exchangeSKU  = "4b9405b0-7788-4568-add1-99614e613b69"
	adminPass    = "Corr3ct-H0rse!Battery"
)

type testEnv struct {
	s   *Service
	st  *memStore
	ms  *fakeMS
	pay *fakePay
	now time.Time
}

func newEnv(t *testing.T, policy Policy) *testEnv {
	t.Helper()
	e := &testEnv{st: newMemStore(), ms: newFakeMS(), pay: newFakePay(), now: time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)}
	e.st.now = func() time.Time { return e.now }
	e.s = &Service{MS: e.ms, Store: e.st, Pay: e.pay, Catalog: DefaultCatalog(), Policy: policy,
		Actor: Actor{Kind: ActorKiosk, Name: "kiosk-7"}, Now: func() time.Time { return e.now }, UserBatch: 4}
	e.ms.tenants["t-trial"] = trialTenant()
	e.ms.tenants["t-other"] = otherTenant()
	return e
}

// trialTenant has a Business Premium trial used by 8 of its 10 users, who
// also hold Exchange licenses bought elsewhere.
func trialTenant() *fakeTenant {
	t := &fakeTenant{
		customer: msapi.Customer{TenantID: "t-trial", Domain: "contoso.onmicrosoft.com", CompanyName: "Contoso", Relationship: msapi.RelationshipReseller},
		admins:   map[string]string{"admin@contoso.onmicrosoft.com": adminPass},
		domains: []msapi.Domain{{Name: "contoso.onmicrosoft.com", IsInitial: true},
			{Name: "contoso.de", IsDefault: true, IsVerified: true}},
		subs: []msapi.Subscription{{ID: "sub-trial", OfferID: premiumTrial, Quantity: 25, Status: "active", IsTrial: true}},
	}
	for i := 1; i <= 10; i++ {
		u := msapi.User{ID: fmt.Sprintf("ct-%02d", i), UPN: fmt.Sprintf("user%d@contoso.de", i), Active: true}
		if i <= 8 {
			u.SkuIDs = []string{premiumSKU, exchangeSKU}
		}
		t.users = append(t.users, u)
	}
	return t
}

// otherTenant bought Business Basic from another provider for its 5 users.
func otherTenant() *fakeTenant {
	t := &fakeTenant{
		customer: msapi.Customer{TenantID: "t-other", Domain: "fabrikam.onmicrosoft.com", CompanyName: "Fabrikam", Relationship: msapi.RelationshipReseller},
		admins:   map[string]string{"admin@fabrikam.onmicrosoft.com": adminPass},
		domains:  []msapi.Domain{{Name: "fabrikam.onmicrosoft.com", IsInitial: true}},
	}
	for i := 1; i <= 5; i++ {
		t.users = append(t.users, msapi.User{ID: fmt.Sprintf("fb-%d", i), UPN: fmt.Sprintf("u%d@fabrikam.onmicrosoft.com", i), SkuIDs: []string{basicSKU}})
	}
	return t
}

// answers for a customer who accepted the invitation of tenant.
func (e *testEnv) answers(tenant string, lines ...LineChoice) Answers {
	a := validAnswers(ModeCustomer)
	a.Lines = lines
	dom := e.ms.tenants[tenant].customer.Domain
	a.Domain, a.TenantID, a.AdminLogin = dom, tenant, "admin@"+dom
	return a
}

// paidOrder creates an order and pays it (pay-first).
func (e *testEnv) paidOrder(t *testing.T, a Answers) Order {
	t.Helper()
	ctx := context.Background()
	o, err := e.s.CreateOrder(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	e.pay1(t, o.ID)
	o, _ = e.st.GetOrder(ctx, o.ID)
	return o
}

func (e *testEnv) pay1(t *testing.T, orderID string) Checkout {
	t.Helper()
	ctx := context.Background()
	sess, err := e.s.StartPayment(ctx, orderID)
	if err != nil {
		t.Fatal(err)
	}
	e.pay.settle(sess.ID, payment.StatePaid)
	st, o, err := e.s.CheckPayment(ctx, orderID, sess.ID)
	if err != nil || st != PaymentPaid || o.Status != StatusPaid {
		t.Fatalf("check payment: %v %v %v", st, o.Status, err)
	}
	return sess
}

func wantStatus(t *testing.T, st *memStore, id string, want OrderStatus) Order {
	t.Helper()
	o, err := st.GetOrder(context.Background(), id)
	if err != nil || o.Status != want {
		t.Fatalf("order status %s (%v), want %s; fail reason %q", o.Status, err, want, o.FailReason)
	}
	return o
}

func TestPolicyPaths(t *testing.T) {
	ctx := context.Background()
	premium := LineChoice{OfferID: "m365-business-premium", Seats: 10}

	t.Run("pay-first", func(t *testing.T) {
		e := newEnv(t, PolicyPayFirst)
		o, err := e.s.CreateOrder(ctx, e.answers("t-trial", premium))
		if err != nil || o.Status != StatusAwaitingPayment || o.TenantID != "t-trial" {
			t.Fatalf("create: %+v %v", o, err)
		}
		if _, err := e.s.Process(ctx, o.ID, nil); !errors.Is(err, ErrNotReady) {
			t.Fatalf("process unpaid: %v", err)
		}
		e.pay1(t, o.ID)
		if _, err := e.s.Process(ctx, o.ID, nil); err != nil {
			t.Fatal(err)
		}
		wantStatus(t, e.st, o.ID, StatusCompleted)
	})

	t.Run("process-immediately", func(t *testing.T) {
		e := newEnv(t, PolicyProcessImmediately)
		o, err := e.s.CreateOrder(ctx, e.answers("t-trial", premium))
		if err != nil || o.Status != StatusProvisioning {
			t.Fatalf("create: %v %v", o.Status, err)
		}
		if _, err := e.s.StartPayment(ctx, o.ID); !errors.Is(err, ErrNotPayable) {
			t.Fatalf("post-paid order took a payment: %v", err)
		}
		if _, err := e.s.Process(ctx, o.ID, nil); err != nil {
			t.Fatal(err)
		}
		wantStatus(t, e.st, o.ID, StatusCompleted)
	})

	t.Run("manual-approval", func(t *testing.T) {
		e := newEnv(t, PolicyManualApproval)
		o, err := e.s.CreateOrder(ctx, e.answers("t-trial", premium))
		if err != nil || o.Status != StatusAwaitingPayment {
			t.Fatalf("create: %v %v", o.Status, err)
		}
		e.pay1(t, o.ID)
		if _, err := e.s.Process(ctx, o.ID, nil); !errors.Is(err, ErrNotReady) {
			t.Fatalf("process unapproved: %v", err)
		}
		if o, err = e.s.Approve(ctx, o.ID); err != nil || !o.Approved {
			t.Fatalf("approve: %v", err)
		}
		if _, err := e.s.Process(ctx, o.ID, nil); err != nil {
			t.Fatal(err)
		}
		wantStatus(t, e.st, o.ID, StatusCompleted)
	})

	t.Run("agent: order waits for consent, then for payment", func(t *testing.T) {
		e := newEnv(t, PolicyPayFirst)
		a := validAnswers(ModeAgent)
		a.Lines, a.Domain, a.AdminLogin = []LineChoice{premium}, "contoso", ""
		o, err := e.s.CreateOrder(ctx, a)
		if err != nil || o.Status != StatusAwaitingConsent || o.TenantDomain != "contoso.onmicrosoft.com" {
			t.Fatalf("create: %+v %v", o, err)
		}
		retried := a
		retried.OrderID = o.ID
		again, err := e.s.CreateOrder(ctx, retried)
		if err != nil || again.ID != o.ID || len(e.st.orders) != 1 || len(e.st.customers) != 1 {
			t.Fatalf("create is not idempotent: %v, %d orders", err, len(e.st.orders))
		}
		c, err := e.s.CheckConsent(ctx, o.ID)
		if err != nil || !c.Accepted {
			t.Fatalf("consent: %v %v", c.Accepted, err)
		}
		if o = c.Order; o.Status != StatusAwaitingPayment {
			t.Fatalf("consent accepted: %v", o.Status)
		}
		cust, _ := e.st.GetCustomer(ctx, o.CustomerID)
		if cust.TenantID != "t-trial" || cust.Phone != "+49301234567" {
			t.Fatalf("customer %+v", cust)
		}
		// Later at a kiosk: "Pay for an existing order".
		found, err := e.s.FindOrderForPayment(ctx, strings.ToLower(o.Number), "ANNA@contoso.de")
		if err != nil || found.ID != o.ID {
			t.Fatalf("find: %v", err)
		}
		e.pay1(t, o.ID)
		if _, err := e.s.Process(ctx, o.ID, nil); err != nil {
			t.Fatal(err)
		}
	})
}

func TestConsentNotAcceptedKeepsWaiting(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, PolicyPayFirst)
	e.ms.tenants["t-trial"].customer.Relationship = msapi.RelationshipNone
	a := e.answers("t-trial", LineChoice{OfferID: "m365-business-basic", Seats: 1})
	o, err := e.s.CreateOrder(ctx, a)
	if err != nil || o.Status != StatusAwaitingConsent {
		t.Fatalf("%v %v", o.Status, err)
	}
	if c, err := e.s.CheckConsent(ctx, o.ID); c.Accepted || err != nil {
		t.Fatalf("consent seen: %v %v", c.Accepted, err)
	}
	if _, err := e.s.consentAccepted(ctx, o.ID, msapi.Customer{TenantID: "t-trial"}); !errors.Is(err, ErrConsentPending) {
		t.Fatalf("accepted without a reseller relationship: %v", err)
	}
	e.ms.tenants["t-trial"].customer.Relationship = msapi.RelationshipReseller
	a.OrderID = o.ID
	if o, err = e.s.CreateOrder(ctx, a); err != nil || o.Status != StatusAwaitingPayment {
		t.Fatalf("consent arrived: %v %v", o.Status, err)
	}
	if _, err := e.s.consentAccepted(ctx, o.ID, msapi.Customer{TenantID: "t-other", Relationship: msapi.RelationshipReseller}); !errors.Is(err, ErrTenantMismatch) {
		t.Fatalf("another tenant: %v", err)
	}
}

func TestTrialConverted(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, PolicyPayFirst)
	o := e.paidOrder(t, e.answers("t-trial", LineChoice{OfferID: "m365-business-premium", Seats: 10}))
	var steps []string
	res, err := e.s.Process(ctx, o.ID, func(p Progress) { steps = append(steps, p.Step) })
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Converted) != 1 || len(res.Bought) != 0 || res.Converted[0].SubscriptionID != "sub-trial" {
		t.Fatalf("result %+v", res)
	}
	if e.ms.placeCalls != 0 || e.ms.tenants["t-trial"].subs[0].IsTrial {
		t.Fatalf("trial not converted: %d orders placed", e.ms.placeCalls)
	}
	if res.UsersImported != 10 || res.DomainsImported != 2 || res.AssignmentsKept != 8 {
		t.Fatalf("imported %d users, %d domains, kept %d", res.UsersImported, res.DomainsImported, res.AssignmentsKept)
	}
	for _, u := range e.st.users["t-trial"] {
		want := 0
		if u.ID <= "ct-08" {
			want = 1
		}
		if len(u.SkuIDs) != want || (want == 1 && u.SkuIDs[0] != premiumSKU) {
			t.Fatalf("user %s has %v: only the converted SKU is imported", u.ID, u.SkuIDs)
		}
	}
	if got := res.Summary(); !strings.Contains(got, "Your trial was converted; 8 users keep their licenses.") || strings.Contains(got, "assign") {
		t.Fatalf("summary %q", got)
	}
	if steps[0] != "link" || steps[len(steps)-1] != "done" {
		t.Fatalf("progress %v", steps)
	}
	line := wantStatus(t, e.st, o.ID, StatusCompleted).Lines[0]
	if !line.Converted || line.SubscriptionID != "sub-trial" {
		t.Fatalf("line %+v", line)
	}
}

func TestOtherProviderLicensesUntouched(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, PolicyPayFirst)
	o := e.paidOrder(t, e.answers("t-other", LineChoice{OfferID: "m365-business-basic", Seats: 3}))
	res, err := e.s.Process(ctx, o.ID, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Bought) != 1 || len(res.Converted) != 0 || e.ms.placeCalls != 1 || res.AssignmentsKept != 0 {
		t.Fatalf("result %+v, %d orders placed", res, e.ms.placeCalls)
	}
	for _, u := range e.st.users["t-other"] {
		if len(u.SkuIDs) != 0 {
			t.Fatalf("user %s imported with licenses bought elsewhere: %v", u.ID, u.SkuIDs)
		}
	}
	if got := res.Summary(); !strings.Contains(got, "3 new licenses: assign them now.") {
		t.Fatalf("summary %q", got)
	}

	// Assigning: at most the 3 seats bought.
	err = e.s.AssignLicenses(ctx, o.ID, basicSKU, []string{"fb-1", "fb-2", "fb-2"})
	if err != nil {
		t.Fatal(err)
	}
	err = e.s.AssignLicenses(ctx, o.ID, basicSKU, []string{"fb-1", "fb-3", "fb-4"})
	if !errors.Is(err, ErrNotEnoughSeats) {
		t.Fatalf("over-assignment: %v", err)
	}
	if err := e.s.AssignLicenses(ctx, o.ID, basicSKU, []string{"fb-1", "fb-3"}); err != nil {
		t.Fatal(err)
	}
	if len(e.ms.assigned) != 3 || len(e.ms.assigned["fb-1"]) != 1 {
		t.Fatalf("assigned at Microsoft: %v", e.ms.assigned)
	}
	if err := e.s.AssignLicenses(ctx, o.ID, basicSKU, []string{"nobody"}); !errors.Is(err, ErrNotFound) {
		t.Fatalf("unknown user: %v", err)
	}
	if err := e.s.AssignLicenses(ctx, o.ID, premiumSKU, []string{"fb-5"}); !errors.Is(err, ErrNotFound) {
		t.Fatalf("sku not on the order: %v", err)
	}
}

func TestFailReasonAndRetry(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, PolicyPayFirst)
	o := e.paidOrder(t, e.answers("t-other", LineChoice{OfferID: "m365-business-basic", Seats: 3}))
	e.ms.failAt = e.ms.calls + 1
	if _, err := e.s.Process(ctx, o.ID, nil); !errors.Is(err, msapi.ErrUnavailable) {
		t.Fatalf("process: %v", err)
	}
	failed := wantStatus(t, e.st, o.ID, StatusFailed)
	if want := "Microsoft is unavailable; retry later with order " + o.Number; failed.FailReason != want {
		t.Fatalf("reason %q, want %q", failed.FailReason, want)
	}
	if _, err := e.s.Process(ctx, o.ID, nil); !errors.Is(err, ErrNotReady) {
		t.Fatalf("process a failed order: %v", err)
	}
	if r, err := e.s.Retry(ctx, o.ID); err != nil || r.Status != StatusProvisioning {
		t.Fatalf("retry: %v %v", r.Status, err)
	}
	// Provisioning with no live lease is an interrupted run: retrying it
	// again is accepted and leaves it to Process.
	if r, err := e.s.Retry(ctx, o.ID); err != nil || r.Status != StatusProvisioning {
		t.Fatalf("retry of an interrupted order: %v %v", r.Status, err)
	}
	if _, err := e.s.Process(ctx, o.ID, nil); err != nil {
		t.Fatal(err)
	}
	trail, _ := e.st.AuditTrail(ctx, o.ID)
	var moves []string
	for _, ev := range trail {
		if ev.Actor != e.s.Actor {
			t.Fatalf("event %+v without the actor", ev)
		}
		if ev.Action == "order.transition" || ev.Action == "order.created" || ev.Action == "payment.paid" {
			moves = append(moves, ev.To)
		}
	}
	want := "awaiting_consent awaiting_payment paid provisioning failed provisioning completed"
	if strings.Join(moves, " ") != want {
		t.Fatalf("audit trail %v, want %s", moves, want)
	}
}

func TestCancel(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, PolicyPayFirst)
	o, err := e.s.CreateOrder(ctx, e.answers("t-other", LineChoice{OfferID: "m365-business-basic", Seats: 3}))
	if err != nil {
		t.Fatal(err)
	}
	if o, err = e.s.Cancel(ctx, o.ID, "customer changed their mind"); err != nil || o.Status != StatusCancelled {
		t.Fatalf("cancel: %v %v", o.Status, err)
	}
	if _, err := e.s.StartPayment(ctx, o.ID); !errors.Is(err, ErrNotPayable) {
		t.Fatalf("pay a cancelled order: %v", err)
	}
	if _, err := e.s.Process(ctx, o.ID, nil); !errors.Is(err, ErrNotReady) {
		t.Fatalf("process a cancelled order: %v", err)
	}
	o2 := e.paidOrder(t, e.answers("t-trial", LineChoice{OfferID: "m365-business-basic", Seats: 1}))
	if _, err := e.s.Process(ctx, o2.ID, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := e.s.Cancel(ctx, o2.ID, ""); !errors.Is(err, ErrIllegalTransition) {
		t.Fatalf("cancel a completed order: %v", err)
	}
}

// Microsoft's documented refusals reach the order as what to do: an order
// still in progress is retried later, an item Microsoft will not sell goes
// to support.
func TestFailReasonOfDocumentedRefusals(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want string
	}{
		{msapi.ErrOrderInProgress, "Microsoft is still processing an earlier order for this account; retry in a few minutes with order "},
		{msapi.ErrNotPurchasable, "Microsoft will not sell this product to this account now; contact support with order "},
	} {
		ctx := context.Background()
		e := newEnv(t, PolicyPayFirst)
		o := e.paidOrder(t, e.answers("t-other", LineChoice{OfferID: "m365-business-basic", Seats: 3}))
		e.ms.failAt, e.ms.failErr = e.ms.calls+1, tc.err
		if _, err := e.s.Process(ctx, o.ID, nil); !errors.Is(err, tc.err) {
			t.Fatalf("process: %v", err)
		}
		failed := wantStatus(t, e.st, o.ID, StatusFailed)
		if failed.FailReason != tc.want+o.Number {
			t.Errorf("reason %q, want %q", failed.FailReason, tc.want+o.Number)
		}
		if Explain(tc.err) == Explain(msapi.ErrInvalidRequest) {
			t.Errorf("Explain(%v) says nothing specific", tc.err)
		}
	}
}

// A line's step names its product and counts nothing: counting the lines
// there read "Setting up Office 365 E3 0 of 2", as if of E3's seats.
func TestLineProgressCountsNothing(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, PolicyPayFirst)
	o := e.paidOrder(t, e.answers("t-trial", LineChoice{OfferID: "m365-business-premium", Seats: 10}))
	var lines []Progress
	if _, err := e.s.Process(ctx, o.ID, func(p Progress) {
		if strings.HasPrefix(p.Step, "line:") {
			lines = append(lines, p)
		}
	}); err != nil {
		t.Fatal(err)
	}
	if len(lines) == 0 {
		t.Fatal("no progress for the order's line")
	}
	for _, p := range lines {
		if p.Total != 0 || p.Done != 0 || !strings.Contains(p.Label, "Microsoft 365 Business Premium") {
			t.Errorf("line progress %+v", p)
		}
	}
}
