package flow

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"onboard/msapi"
)

// ErrAgreementNotAttested: the order has no attestation that the customer
// accepted the Microsoft Customer Agreement, which purchases need.
var ErrAgreementNotAttested = errors.New("the customer's acceptance of the Microsoft Customer Agreement is not recorded")

// Audit actions and pipeline steps of the Microsoft Customer Agreement.
const (
	// ActionAgreementAttested is recorded when the order is created: who
	// attested (the event's Actor), for which contact, and when (the event's At).
	ActionAgreementAttested = "agreement.attested"
	// ActionAgreementAccepted is recorded once Microsoft has the acceptance.
	ActionAgreementAccepted = "agreement.accepted"

	stepAttested  = "agreement:attested" // the attestation exists (recorded with its event)
	stepAgreement = "agreement"          // Microsoft has it
)

// AttestAgreement records, once, that the order's customer contact accepted
// the Microsoft Customer Agreement at agreedAt (zero, or a time in the
// future: now), attested by the actor of ctx. CreateOrder calls it; call it directly
// for an order created without the attestation, then Retry it.
func (s *Service) AttestAgreement(ctx context.Context, orderID string, agreedAt time.Time) (Order, error) {
	o, err := s.Store.GetOrder(ctx, orderID)
	if err != nil {
		return Order{}, fmt.Errorf("get order %s: %w", orderID, err)
	}
	if o.Status.Final() {
		return Order{}, fmt.Errorf("attest agreement of order %s: %w: it is %s", o.Number, ErrIllegalTransition, o.Status)
	}
	c, err := s.Store.GetCustomer(ctx, o.CustomerID)
	if err != nil {
		return Order{}, fmt.Errorf("customer of order %s: %w", o.Number, err)
	}
	now := s.now()
	if agreedAt.IsZero() || agreedAt.After(now) {
		agreedAt = now
	}
	who := s.actor(ctx)
	ev := AuditEvent{At: agreedAt, Actor: who, OrderID: o.ID, Action: ActionAgreementAttested, To: stepAttested,
		Detail: fmt.Sprintf("Microsoft Customer Agreement accepted by %s on %s; attested by %s",
			contactLine(orderContact(o, c)), agreedAt.UTC().Format(time.RFC3339), actorLine(who))}
	// MarkStepDone writes nothing the second time, so the first attestation stands.
	if err := s.Store.MarkStepDone(ctx, o.ID, stepAttested, ev); err != nil {
		return Order{}, fmt.Errorf("record agreement of order %s: %w", o.Number, err)
	}
	return o, nil
}

// orderContact is who signed order o up: its own contact, or, on an order
// from before orders kept one, its customer's.
func orderContact(o Order, c Customer) Contact {
	if o.Contact.Email != "" {
		return o.Contact
	}
	return Contact{FirstName: c.FirstName, LastName: c.LastName, Email: c.Email, Phone: c.Phone}
}

func contactLine(c Contact) string {
	line := fmt.Sprintf("%s %s <%s>", c.FirstName, c.LastName, c.Email)
	if c.Phone != "" {
		line += " " + c.Phone
	}
	return line
}

func actorLine(a Actor) string {
	return strings.TrimSpace(string(a.Kind) + " " + a.Name)
}

// attestation finds the order's attestation event in the audit trail.
func (s *Service) attestation(ctx context.Context, o Order) (AuditEvent, error) {
	trail, err := s.Store.AuditTrail(ctx, o.ID)
	if err != nil {
		return AuditEvent{}, fmt.Errorf("audit trail of order %s: %w", o.Number, err)
	}
	for i := len(trail) - 1; i >= 0; i-- {
		if trail[i].Action == ActionAgreementAttested {
			return trail[i], nil
		}
	}
	return AuditEvent{}, fmt.Errorf("order %s: %w", o.Number, ErrAgreementNotAttested)
}

// agreement records the attested acceptance with Microsoft before anything
// is bought. AcceptAgreement is idempotent, so a resumed run repeats it safely.
func (r *run) agreement(ctx context.Context) error {
	if r.done[stepAgreement] {
		return nil
	}
	r.progress(Progress{Step: stepAgreement, Label: "Recording the Microsoft Customer Agreement"})
	if !r.done[stepAttested] {
		return fmt.Errorf("order %s: %w", r.o.Number, ErrAgreementNotAttested)
	}
	att, err := r.s.attestation(ctx, r.o)
	if err != nil {
		return err
	}
	c, err := r.s.Store.GetCustomer(ctx, r.o.CustomerID)
	if err != nil {
		return fmt.Errorf("customer of order %s: %w", r.o.Number, err)
	}
	who := orderContact(r.o, c)
	acc := msapi.AgreementAcceptance{FirstName: who.FirstName, LastName: who.LastName, Email: who.Email, Phone: who.Phone, DateAgreed: att.At}
	if err := r.s.MS.AcceptAgreement(ctx, r.o.TenantID, acc); err != nil {
		return fmt.Errorf("record Microsoft Customer Agreement of tenant %s: %w", r.o.TenantID, err)
	}
	// The event names who sent it to Microsoft; the detail, who attested.
	ev := AuditEvent{At: r.s.now(), Actor: r.s.actor(ctx), OrderID: r.o.ID, Action: ActionAgreementAccepted, To: stepAgreement,
		Detail: fmt.Sprintf("Microsoft Customer Agreement of %s recorded with Microsoft: accepted by %s on %s; attested by %s",
			r.o.TenantDomain, contactLine(who), att.At.UTC().Format(time.RFC3339), actorLine(att.Actor))}
	if err := r.s.Store.MarkStepDone(ctx, r.o.ID, stepAgreement, ev); err != nil {
		return fmt.Errorf("record step %s of order %s: %w", stepAgreement, r.o.Number, err)
	}
	r.done[stepAgreement] = true
	return nil
}
