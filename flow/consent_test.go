package flow

import (
	"context"
	"errors"
	"testing"

	"onboard/msapi"
)

// agentOrder creates an order for contoso the way an agent does: no
// administrator, the invitation not accepted yet.
func (e *testEnv) agentOrder(t *testing.T) Order {
	t.Helper()
	e.ms.tenants["t-trial"].customer.Relationship = msapi.RelationshipNone
	a := validAnswers(ModeAgent)
	a.Domain, a.AdminLogin = "contoso", ""
	o, err := e.s.CreateOrder(context.Background(), a)
	if err != nil || o.Status != StatusAwaitingConsent {
		t.Fatalf("create: %v %v", o.Status, err)
	}
	return o
}

func TestRefreshConsent(t *testing.T) {
	ctx := context.Background()
	for _, c := range []struct {
		policy Policy
		want   OrderStatus
	}{
		{PolicyPayFirst, StatusAwaitingPayment},
		{PolicyManualApproval, StatusAwaitingPayment},
		{PolicyProcessImmediately, StatusProvisioning},
	} {
		t.Run(string(c.policy), func(t *testing.T) {
			e := newEnv(t, c.policy)
			o := e.agentOrder(t)
			got, err := e.s.RefreshConsent(ctx, o.ID)
			if err != nil || got.Status != StatusAwaitingConsent {
				t.Fatalf("before acceptance: %v %v", got.Status, err)
			}
			e.ms.tenants["t-trial"].customer.Relationship = msapi.RelationshipReseller
			got, err = e.s.RefreshConsent(ctx, o.ID)
			if err != nil || got.Status != c.want || got.TenantID != "t-trial" {
				t.Fatalf("after acceptance: %+v %v", got, err)
			}
			stored := wantStatus(t, e.st, o.ID, c.want)
			if stored.TenantID != "t-trial" {
				t.Fatalf("tenant not recorded: %+v", stored)
			}
			again, err := e.s.RefreshConsent(ctx, o.ID)
			if err != nil || again.Status != c.want {
				t.Fatalf("repeat: %v %v", again.Status, err)
			}
		})
	}
}

func TestRefreshConsentErrors(t *testing.T) {
	ctx := context.Background()
	t.Run("unknown order", func(t *testing.T) {
		e := newEnv(t, PolicyPayFirst)
		if _, err := e.s.RefreshConsent(ctx, "nope"); !errors.Is(err, ErrNotFound) {
			t.Fatalf("err = %v, want ErrNotFound", err)
		}
	})
	t.Run("Microsoft unavailable", func(t *testing.T) {
		e := newEnv(t, PolicyPayFirst)
		o := e.agentOrder(t)
		e.ms.failAt = e.ms.calls + 1
		_, err := e.s.RefreshConsent(ctx, o.ID)
		if !errors.Is(err, msapi.ErrUnavailable) {
			t.Fatalf("err = %v, want ErrUnavailable", err)
		}
		wantStatus(t, e.st, o.ID, StatusAwaitingConsent)
	})
	t.Run("new-account order left alone", func(t *testing.T) {
		e := newEnv(t, PolicyPayFirst)
		a := validAnswers(ModeCustomer)
		// An existing reseller customer's domain: only the order kind keeps
		// it from being taken for an accepted invitation.
		a.Account, a.Domain, a.AdminLogin = AccountNew, "contoso", ""
		o, err := e.s.CreateOrder(ctx, a)
		if err != nil {
			t.Fatal(err)
		}
		got, err := e.s.RefreshConsent(ctx, o.ID)
		if err != nil || got.Status != StatusAwaitingConsent || got.TenantID != "" {
			t.Fatalf("new-account order moved: %+v %v", got, err)
		}
	})
}
