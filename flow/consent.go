package flow

import (
	"context"
	"fmt"
)

// RefreshConsent moves an order that waits for the invitation on when
// Microsoft now shows it accepted, so a customer who accepted after the
// agent left can pay (or, under process-immediately, be processed). Any
// other order, or one still waiting, is returned unchanged. Orders of the
// new-account path wait for their account to be created, not for an
// invitation, and are left alone.
func (s *Service) RefreshConsent(ctx context.Context, orderID string) (Order, error) {
	o, err := s.Store.GetOrder(ctx, orderID)
	if err != nil {
		return Order{}, fmt.Errorf("get order %s: %w", orderID, err)
	}
	if o.Status != StatusAwaitingConsent || o.TenantDomain == "" {
		return o, nil
	}
	done, err := s.Store.StepsDone(ctx, o.ID)
	if err != nil {
		return Order{}, fmt.Errorf("steps of order %s: %w", o.Number, err)
	}
	if done[stepNewAccount] {
		return o, nil
	}
	c, accepted, err := s.lookupConsent(ctx, o.TenantDomain)
	if err != nil {
		return Order{}, fmt.Errorf("refresh invitation of order %s: %w", o.Number, err)
	}
	if !accepted {
		return o, nil
	}
	return s.consentAccepted(ctx, o.ID, c)
}
