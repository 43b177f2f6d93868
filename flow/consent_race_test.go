package flow

import (
	"context"
	"testing"

	"onboard/msapi"
)

// racingStore lets "another process" move an order out of awaiting_consent
// just before this one does, as the background worker and a waiting
// terminal may both see the invitation accepted at once.
type racingStore struct {
	Store
	raced bool
}

func (r *racingStore) TransitionOrder(ctx context.Context, id string, from, to OrderStatus, reason string, ev AuditEvent) error {
	if !r.raced && from == StatusAwaitingConsent {
		r.raced = true
		if err := r.Store.TransitionOrder(ctx, id, from, to, reason, ev); err != nil {
			return err
		}
	}
	return r.Store.TransitionOrder(ctx, id, from, to, reason, ev)
}

// The process that loses the race to record an accepted invitation gets
// the order as the winner left it, not an error.
func TestConsentAcceptedByTwoProcessesAtOnce(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, PolicyPayFirst)
	o := e.agentOrder(t)
	e.s.Store = &racingStore{Store: e.st}
	e.ms.tenants["t-trial"].customer.Relationship = msapi.RelationshipReseller
	c, err := e.s.CheckConsent(ctx, o.ID)
	if err != nil || !c.Accepted || c.Order.Status != StatusAwaitingPayment || c.Order.TenantID != "t-trial" {
		t.Fatalf("loser of the race: %+v %v", c, err)
	}
	wantStatus(t, e.st, o.ID, StatusAwaitingPayment)
}
