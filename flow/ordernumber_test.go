package flow

import (
	"context"
	"testing"
)

func TestNormalizeOrderNumber(t *testing.T) {
	for in, want := range map[string]string{
		"2": "ORD-000002", "000002": "ORD-000002", "ord-2": "ORD-000002", "ORD-000002": "ORD-000002",
		" ord 2 ": "ORD-000002", "#2": "ORD-000002", "ORD1234567": "ORD-1234567", "Ord-000042": "ORD-000042",
	} {
		if got, ok := NormalizeOrderNumber(in); !ok || got != want {
			t.Errorf("%q: %q %v, want %q", in, got, ok, want)
		}
	}
	for _, in := range []string{"", "0", "ORD-", "ORD-0", "-2", "+2", "2a", "ORDER-2", "ORD-2-3", "1e3", "99999999999999999999999"} {
		if got, ok := NormalizeOrderNumber(in); ok {
			t.Errorf("%q: %q, want refused", in, got)
		}
		if ValidateOrderNumber(in) == nil {
			t.Errorf("%q: no message", in)
		}
	}
}

// The kiosk's "pay an existing order" finds the order by any of the forms
// a person types; the store's lookup stays exact.
func TestFindOrderForPaymentByShortNumber(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, PolicyPayFirst)
	a := e.answers("t-other", LineChoice{OfferID: "m365-business-basic", Seats: 3})
	o, err := e.s.CreateOrder(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	if o.Number != "ORD-000001" {
		t.Fatalf("number %s", o.Number)
	}
	for _, typed := range []string{"1", "000001", "ord-1", "ORD-000001"} {
		if got, err := e.s.FindOrderForPayment(ctx, typed, a.Email); err != nil || got.ID != o.ID {
			t.Errorf("%q: %v", typed, err)
		}
	}
	if _, err := e.s.FindOrderForPayment(ctx, "2", a.Email); err == nil {
		t.Error("another number found the order")
	}
}

// Only an order this session still pays for may go on to the tenant's users.
func TestLookupMayAssign(t *testing.T) {
	for _, st := range []OrderStatus{StatusDraft, StatusAwaitingConsent, StatusAwaitingPayment} {
		if !LookupMayAssign(st) {
			t.Errorf("%s: refused", st)
		}
	}
	for _, st := range []OrderStatus{StatusPaid, StatusProvisioning, StatusCompleted, StatusFailed, StatusCancelled} {
		if LookupMayAssign(st) {
			t.Errorf("%s: allowed", st)
		}
	}
}
