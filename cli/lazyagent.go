package cli

import (
	"context"

	"onboard/flow"
)

// The agent's screens and "Pay for an existing order" use these when the
// backend has them; the lazy backend hands them on like every other call.

// CheckDomain looks the customer's initial domain up at Microsoft.
func (b *lazyBackend) CheckDomain(ctx context.Context, domain string) (bool, error) {
	s, err := b.get(ctx)
	if err != nil {
		return false, err
	}
	return s.CheckDomain(ctx, domain)
}

// RefreshConsent moves an order on whose invitation was accepted since.
func (b *lazyBackend) RefreshConsent(ctx context.Context, orderID string) (flow.Order, error) {
	s, err := b.get(ctx)
	if err != nil {
		return flow.Order{}, err
	}
	return s.RefreshConsent(ctx, orderID)
}
