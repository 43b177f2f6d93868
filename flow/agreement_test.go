package flow

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

func auditOf(e *testEnv, orderID, action string) []AuditEvent {
	var out []AuditEvent
	for _, ev := range e.st.audit {
		if ev.OrderID == orderID && ev.Action == action {
			out = append(out, ev)
		}
	}
	return out
}

// TestAgreementRecordedBeforePurchase: the existing-account path records the
// attested acceptance with Microsoft, once, before anything is bought, and
// the audit trail says who attested it for whom.
func TestAgreementRecordedBeforePurchase(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, PolicyPayFirst)
	e.s.Actor = Actor{Kind: ActorAgent, Name: "alice"}
	a := e.answers("t-other", LineChoice{OfferID: "m365-business-basic", Seats: 2})
	a.AgreementDate = e.now.Add(-time.Hour)
	o := e.paidOrder(t, a)
	if _, err := e.s.CreateOrder(ctx, Answers{}); err == nil {
		t.Fatal("empty answers accepted")
	}
	e.s.Actor = Actor{Kind: ActorKiosk, Name: "kiosk-7"} // processed later, elsewhere
	if _, err := e.s.Process(ctx, o.ID, nil); err != nil {
		t.Fatal(err)
	}
	acc, ok := e.ms.agreements["t-other"]
	if !ok || acc.FirstName != "Anna" || acc.LastName != "Berg" || acc.Email != "anna@contoso.de" || acc.Phone != "+49301234567" ||
		!acc.DateAgreed.Equal(a.AgreementDate) {
		t.Fatalf("agreement at Microsoft %+v", acc)
	}
	attested := auditOf(e, o.ID, ActionAgreementAttested)
	accepted := auditOf(e, o.ID, ActionAgreementAccepted)
	if len(attested) != 1 || len(accepted) != 1 {
		t.Fatalf("%d attested, %d accepted events", len(attested), len(accepted))
	}
	// Each event names who acted (the agent attested, the kiosk sent it to
	// Microsoft); both say who attested.
	for _, ev := range append(attested, accepted...) {
		want := "alice"
		if ev.Action == ActionAgreementAccepted {
			want = "kiosk-7"
		}
		if ev.Actor.Name != want || !strings.Contains(ev.Detail, "Anna Berg <anna@contoso.de>") || !strings.Contains(ev.Detail, "attested by agent alice") {
			t.Errorf("event %+v", ev)
		}
	}
	// The acceptance is recorded before the purchase in the trail.
	var order []string
	for _, ev := range e.st.audit {
		if ev.OrderID == o.ID && (ev.Action == "step.done" || ev.Action == ActionAgreementAccepted) {
			order = append(order, ev.To)
		}
	}
	if i := strings.Index(strings.Join(order, ","), "agreement"); i < 0 || i > strings.Index(strings.Join(order, ","), "line:1") {
		t.Fatalf("steps in order %v", order)
	}
}

// TestOrderWithoutAttestation: an order created before the agreement step
// existed fails with a plain reason, and succeeds once attested and retried.
func TestOrderWithoutAttestation(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, PolicyPayFirst)
	o := e.paidOrder(t, e.answers("t-other", LineChoice{OfferID: "m365-business-basic", Seats: 2}))
	delete(e.st.steps[o.ID], stepAttested) // as an order from before the step
	_, err := e.s.Process(ctx, o.ID, nil)
	if !errors.Is(err, ErrAgreementNotAttested) {
		t.Fatalf("process: %v", err)
	}
	failed := wantStatus(t, e.st, o.ID, StatusFailed)
	if !strings.Contains(failed.FailReason, "Microsoft Customer Agreement is not recorded") || e.ms.placeCalls != 0 {
		t.Fatalf("reason %q, %d orders placed", failed.FailReason, e.ms.placeCalls)
	}
	if _, err := e.s.AttestAgreement(ctx, o.ID, time.Time{}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.s.Retry(ctx, o.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := e.s.Process(ctx, o.ID, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := e.s.AttestAgreement(ctx, o.ID, time.Time{}); !errors.Is(err, ErrIllegalTransition) {
		t.Fatalf("attesting a completed order: %v", err)
	}
}

// TestAgreementAlreadyAccepted: a tenant that accepted earlier (another
// order, another partner tool) is not refused, and nothing is posted again.
func TestAgreementAlreadyAccepted(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, PolicyPayFirst)
	for i := range 2 {
		o := e.paidOrder(t, e.answers("t-other", LineChoice{OfferID: "m365-business-basic", Seats: 1 + i}))
		if _, err := e.s.Process(ctx, o.ID, nil); err != nil {
			t.Fatalf("order %d: %v", i, err)
		}
	}
	if e.ms.acceptCalls != 1 || e.ms.placeCalls != 2 {
		t.Fatalf("%d acceptances, %d orders", e.ms.acceptCalls, e.ms.placeCalls)
	}
}

// A second sign-up for a tenant that is a customer already, by another
// person: the agreement is attested by who accepted it (not the customer's
// first contact), and that person finds the order with their own e-mail.
// Tried by hand: the audit named the earlier sign-up's contact.
func TestSecondSignUpAttestsItsOwnPerson(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, PolicyPayFirst)
	first := e.paidOrder(t, e.answers("t-other", LineChoice{OfferID: "m365-business-basic", Seats: 2}))
	if _, err := e.s.Process(ctx, first.ID, nil); err != nil {
		t.Fatal(err)
	}
	a := e.answers("t-other", LineChoice{OfferID: "m365-business-basic", Seats: 1})
	a.OrderID = ""
	a.Company, a.FirstName, a.LastName, a.Email = "Tailspin", "Jean", "Dupont", "jean@tailspin.example"
	o, err := e.s.CreateOrder(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	if o.CustomerID != first.CustomerID {
		t.Fatalf("a second customer for the tenant: %s, %s", o.CustomerID, first.CustomerID)
	}
	attested := auditOf(e, o.ID, ActionAgreementAttested)
	if len(attested) != 1 || !strings.Contains(attested[0].Detail, "Jean Dupont <jean@tailspin.example>") {
		t.Fatalf("attested: %+v", attested)
	}
	if got, err := e.s.FindOrderForPayment(ctx, o.Number, "jean@tailspin.example"); err != nil || got.ID != o.ID {
		t.Fatalf("found by the signer's e-mail: %v %v", got.Number, err)
	}
	if got, err := e.s.FindOrderForPayment(ctx, o.Number, "anna@contoso.de"); err != nil || got.ID != o.ID {
		t.Fatalf("found by the customer's e-mail: %v %v", got.Number, err)
	}
}
