package flow_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"onboard/flow"
)

// An actor who keeps guessing order numbers and e-mails is stopped after
// flow.MaxFailedLookups failures within the window, whatever it types
// then, even the right pair; other actors are not; once the failures age
// out it may look up again. The failures are kept in the database.
func TestFailedLookupsStopAGuessingTerminal(t *testing.T) {
	w := newWorld(t, flow.PolicyPayFirst)
	now := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
	w.svc.Now = func() time.Time { return now }
	o := consented(t, w, 2)
	email := o.Contact.Email
	kiosk := flow.WithActor(context.Background(), flow.Actor{Kind: flow.ActorKiosk, Name: "shop-1"})
	other := flow.WithActor(context.Background(), flow.Actor{Kind: flow.ActorKiosk, Name: "shop-2"})
	if _, err := w.svc.FindOrderForPayment(kiosk, o.Number, email); err != nil {
		t.Fatalf("the right pair: %v", err)
	}
	for i := range flow.MaxFailedLookups {
		if _, err := w.svc.FindOrderForPayment(kiosk, fmt.Sprint(100+i), email); !errors.Is(err, flow.ErrNotFound) {
			t.Fatalf("guess %d: %v, want ErrNotFound", i, err)
		}
	}
	if _, err := w.svc.FindOrderForPayment(kiosk, o.Number, email); !errors.Is(err, flow.ErrTooManyLookups) {
		t.Fatalf("after %d failures the right pair: %v, want ErrTooManyLookups", flow.MaxFailedLookups, err)
	}
	if _, err := w.svc.FindOrderForPayment(other, o.Number, email); err != nil {
		t.Fatalf("another terminal: %v", err)
	}
	now = now.Add(flow.FailedLookupsWindow + time.Second)
	if _, err := w.svc.FindOrderForPayment(kiosk, o.Number, email); err != nil {
		t.Fatalf("after the window: %v", err)
	}
}
