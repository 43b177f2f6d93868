package flow

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"onboard/msapi"
)

// newAccountAnswers is a customer creating tailspin.onmicrosoft.com.
func newAccountAnswers() Answers {
	a := validAnswers(ModeCustomer)
	a.Account, a.Domain, a.AdminLogin = AccountNew, "tailspin", ""
	a.Lines = []LineChoice{{OfferID: "m365-business-premium", Seats: 5}}
	return a
}

func TestCheckSubdomain(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, PolicyPayFirst)
	ok, sugg, err := e.s.CheckSubdomain(ctx, "Tailspin")
	if err != nil || !ok || sugg != nil {
		t.Fatalf("free name: %v %v %v", ok, sugg, err)
	}
	// contoso is taken, and so is contoso2: suggestions skip it.
	e.ms.tenants["t-c2"] = &fakeTenant{customer: msapi.Customer{TenantID: "t-c2"}, domains: []msapi.Domain{{Name: "contoso2.onmicrosoft.com"}}}
	ok, sugg, err = e.s.CheckSubdomain(ctx, "contoso.onmicrosoft.com")
	want := []string{"contoso3.onmicrosoft.com", "contosoltd.onmicrosoft.com", "contosoinc.onmicrosoft.com"}
	if err != nil || ok || !reflect.DeepEqual(sugg, want) {
		t.Fatalf("taken name: %v %v %v, want suggestions %v", ok, sugg, err, want)
	}
	long := strings.Repeat("a", MaxInitialDomain)
	e.ms.tenants["t-long"] = &fakeTenant{customer: msapi.Customer{TenantID: "t-long"}, domains: []msapi.Domain{{Name: long + ".onmicrosoft.com"}}}
	_, sugg, _ = e.s.CheckSubdomain(ctx, long)
	for _, s := range sugg {
		if _, err := ValidateInitialDomain(s); err != nil {
			t.Errorf("suggestion %s is not a valid initial domain: %v", s, err)
		}
	}
	if _, _, err := e.s.CheckSubdomain(ctx, "tail-spin"); !errors.Is(err, ErrInvalidAnswers) {
		t.Fatalf("invalid name: %v", err)
	}
	e.ms.failAt = e.ms.calls + 2 // the first suggestion's check fails
	if _, _, err := e.s.CheckSubdomain(ctx, "contoso"); !errors.Is(err, msapi.ErrUnavailable) {
		t.Fatalf("Microsoft down: %v", err)
	}
}

// TestNewAccountPath runs the whole new-account path under every policy.
func TestNewAccountPath(t *testing.T) {
	for _, policy := range []Policy{PolicyPayFirst, PolicyProcessImmediately, PolicyManualApproval} {
		t.Run(string(policy), func(t *testing.T) {
			ctx := context.Background()
			e := newEnv(t, policy)
			a := newAccountAnswers()
			if err := a.Validate(StepReview, e.s.Catalog); err != nil {
				t.Fatal(err)
			}
			o, err := e.s.CreateOrder(ctx, a)
			if err != nil || o.Status != StatusAwaitingConsent {
				t.Fatalf("create order: %+v %v", o.Status, err)
			}
			created, err := e.s.CreateMicrosoftAccount(ctx, o.ID)
			if err != nil {
				t.Fatal(err)
			}
			if created.Domain != "tailspin.onmicrosoft.com" || created.AdminUserName != "admin@tailspin.onmicrosoft.com" || created.AdminPassword == "" {
				t.Fatalf("created %+v", created)
			}
			o = wantStatus(t, e.st, o.ID, policy.afterConsent())
			if o.TenantID != created.TenantID || o.AdminUPN != created.AdminUserName {
				t.Fatalf("order tenant %s admin %s", o.TenantID, o.AdminUPN)
			}
			if c, _ := e.st.GetCustomer(ctx, o.CustomerID); c.TenantID != created.TenantID {
				t.Fatalf("customer not linked: %+v", c)
			}
			if policy != PolicyProcessImmediately {
				e.pay1(t, o.ID)
			}
			if policy == PolicyManualApproval {
				if _, err := e.s.Approve(ctx, o.ID); err != nil {
					t.Fatal(err)
				}
			}
			res, err := e.s.Process(ctx, o.ID, nil)
			if err != nil {
				t.Fatal(err)
			}
			if !res.NewAccount || len(res.Bought) != 1 || len(res.Converted) != 0 || res.UsersImported != 0 || res.DomainsImported != 0 {
				t.Fatalf("result %+v", res)
			}
			if got := res.Summary(); !strings.Contains(got, "tailspin.onmicrosoft.com is ready with 5 licenses") ||
				!strings.Contains(got, "admin@tailspin.onmicrosoft.com") || !strings.Contains(got, "Nothing was imported") {
				t.Errorf("summary %q", got)
			}
			if e.ms.createCalls != 1 || e.ms.placeCalls != 1 {
				t.Fatalf("%d tenants created, %d orders placed", e.ms.createCalls, e.ms.placeCalls)
			}
			if acc := e.ms.agreements[created.TenantID]; acc.Email != "anna@contoso.de" || acc.FirstName != "Anna" || !acc.DateAgreed.Equal(e.now) {
				t.Fatalf("agreement at Microsoft %+v", acc)
			}
			if len(e.st.users[created.TenantID]) != 0 {
				t.Fatal("users were imported from a new tenant")
			}
			// A repeat returns the tenant without the password and creates nothing.
			again, err := e.s.CreateMicrosoftAccount(ctx, o.ID)
			if err != nil || again.TenantID != created.TenantID || again.AdminPassword != "" || e.ms.createCalls != 1 {
				t.Fatalf("repeat %+v %v (%d creates)", again, err, e.ms.createCalls)
			}
		})
	}
}

func TestCreateMicrosoftAccountRefused(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, PolicyPayFirst)
	existing, err := e.s.CreateOrder(ctx, e.answers("t-trial", LineChoice{OfferID: "m365-business-premium", Seats: 10}))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.s.CreateMicrosoftAccount(ctx, existing.ID); !errors.Is(err, ErrNotNewAccount) {
		t.Fatalf("existing-account order: %v", err)
	}
	// One open order per tenant: the trial tenant's order goes first.
	if _, err := e.s.Cancel(ctx, existing.ID, "test"); err != nil {
		t.Fatal(err)
	}
	a := newAccountAnswers()
	a.Domain = "contoso" // taken by the trial tenant
	o, err := e.s.CreateOrder(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.s.CreateMicrosoftAccount(ctx, o.ID); !errors.Is(err, msapi.ErrDomainTaken) {
		t.Fatalf("taken domain: %v", err)
	}
	wantStatus(t, e.st, o.ID, StatusAwaitingConsent) // the wizard goes back to choose another name
	if e.ms.createCalls != 0 {
		t.Fatal("a tenant was created for a taken domain")
	}
}

// TestNewAccountCrashResume crashes account creation at every store write
// and Microsoft call, and when Microsoft created the tenant but the answer
// was lost; the retry never creates a second tenant.
func TestNewAccountCrashResume(t *testing.T) {
	ctx := context.Background()
	check := func(t *testing.T, e *testEnv, id string) {
		t.Helper()
		created, err := e.s.CreateMicrosoftAccount(ctx, id)
		if err != nil {
			t.Fatalf("retry: %v", err)
		}
		o := wantStatus(t, e.st, id, StatusAwaitingPayment)
		if e.ms.createCalls != 1 || len(e.ms.tenants) != 3 || o.TenantID != "new-tenant-1" || created.TenantID != o.TenantID {
			t.Fatalf("%d creates, %d tenants, order tenant %q, returned %+v", e.ms.createCalls, len(e.ms.tenants), o.TenantID, created)
		}
	}
	t.Run("answer lost", func(t *testing.T) {
		e := newEnv(t, PolicyPayFirst)
		o, _ := e.s.CreateOrder(ctx, newAccountAnswers())
		e.ms.loseCreate = true
		if _, err := e.s.CreateMicrosoftAccount(ctx, o.ID); !errors.Is(err, msapi.ErrUnavailable) {
			t.Fatalf("lost answer: %v", err)
		}
		check(t, e, o.ID)
	})
	for _, where := range []string{"microsoft", "store"} {
		for n := 1; ; n++ {
			e := newEnv(t, PolicyPayFirst)
			o, err := e.s.CreateOrder(ctx, newAccountAnswers())
			if err != nil {
				t.Fatal(err)
			}
			arm(e, where, n)
			_, err = e.s.CreateMicrosoftAccount(ctx, o.ID)
			e.st.fail = nil
			if err == nil {
				if n == 1 {
					t.Fatalf("%s: nothing was injected", where)
				}
				break
			}
			t.Run(fmt.Sprintf("%s/%d", where, n), func(t *testing.T) { check(t, e, o.ID) })
		}
	}
}

// TestCreatedAdminPasswordNeverStored: the first administrator's password
// goes to the caller only, never to the store, the audit trail or a draft.
func TestCreatedAdminPasswordNeverStored(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, PolicyPayFirst)
	a := newAccountAnswers()
	o, err := e.s.CreateOrder(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	created, err := e.s.CreateMicrosoftAccount(ctx, o.ID)
	if err != nil || created.AdminPassword == "" {
		t.Fatalf("%+v %v", created, err)
	}
	a.OrderID, a.TenantID = o.ID, created.TenantID
	if _, err := e.s.SaveDraft(ctx, "", "kiosk-7", StepPay, a); err != nil {
		t.Fatal(err)
	}
	e.pay1(t, o.ID)
	if _, err := e.s.Process(ctx, o.ID, nil); err != nil {
		t.Fatal(err)
	}
	var all bytes.Buffer
	for _, d := range e.st.drafts {
		all.Write(d.Data)
	}
	for _, ev := range e.st.audit {
		fmt.Fprintf(&all, "%+v\n", ev)
	}
	for _, o := range e.st.orders {
		fmt.Fprintf(&all, "%+v\n", o)
	}
	for _, c := range e.st.customers {
		fmt.Fprintf(&all, "%+v\n", c)
	}
	if bytes.Contains(all.Bytes(), []byte(created.AdminPassword)) {
		t.Fatal("the created administrator's password was stored")
	}
	if !bytes.Contains(all.Bytes(), []byte(created.AdminUserName)) {
		t.Fatal("search found nothing: the haystack is empty")
	}
}
