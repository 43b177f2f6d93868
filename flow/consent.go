package flow

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"onboard/msapi"
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
	c, accepted, err := s.lookupConsent(ctx, o.TenantID, o.TenantDomain)
	if err != nil {
		return Order{}, fmt.Errorf("refresh invitation of order %s: %w", o.Number, err)
	}
	if !accepted {
		return o, nil
	}
	return s.consentAccepted(ctx, o.ID, c)
}

// takeConsentBaseline records, once per order, the partner's customers as
// the order starts waiting for its invitation.
//
// No Partner Center page documents a way to ask who accepted the
// invitation: the customers list carries no acceptance date, the
// audit-record operation types (auditing-resources) name nothing for a
// customer accepting a reseller relationship, and the
// reseller-relationship-accepted-by-customer webhook needs a server. So
// the least assuming way is to compare the customers list
// (get-a-list-of-customers) with what it was when the order began waiting.
func (s *Service) takeConsentBaseline(ctx context.Context, orderID string) error {
	if _, err := s.Store.ConsentBaseline(ctx, orderID); err == nil {
		return nil
	} else if !errors.Is(err, ErrNotFound) {
		return fmt.Errorf("consent baseline: %w", err)
	}
	cs, err := s.MS.ListCustomers(ctx)
	if err != nil {
		return fmt.Errorf("list the partner's customers: %w", err)
	}
	ids := make([]string, 0, len(cs))
	for _, c := range cs {
		ids = append(ids, c.TenantID)
	}
	if err := s.Store.SaveConsentBaseline(ctx, orderID, ids); err != nil {
		return fmt.Errorf("consent baseline: %w", err)
	}
	return nil
}

// otherTenantAccepted is the initial domain of a tenant that became the
// partner's customer while order o waited, and that no other customer or
// open order of ours accounts for: the invitation meant for o accepted by
// the wrong administrator. "" when there is none. The first call for an
// order without a baseline takes it and reports nothing.
func (s *Service) otherTenantAccepted(ctx context.Context, o Order) (string, error) {
	base, err := s.Store.ConsentBaseline(ctx, o.ID)
	if errors.Is(err, ErrNotFound) {
		return "", s.takeConsentBaseline(ctx, o.ID)
	}
	if err != nil {
		return "", fmt.Errorf("consent baseline of order %s: %w", o.Number, err)
	}
	cs, err := s.MS.ListCustomers(ctx)
	if err != nil {
		return "", fmt.Errorf("list the partner's customers for order %s: %w", o.Number, err)
	}
	for _, c := range cs {
		if c.TenantID == "" || c.Relationship != msapi.RelationshipReseller || base[strings.ToLower(c.TenantID)] ||
			strings.EqualFold(c.Domain, o.TenantDomain) {
			continue
		}
		// A tenant of another customer, or of another sign-up under way,
		// accepted for itself.
		if _, err := s.Store.CustomerByTenant(ctx, c.TenantID); err == nil {
			continue
		} else if !errors.Is(err, ErrNotFound) {
			return "", fmt.Errorf("customer of tenant %s: %w", c.TenantID, err)
		}
		if _, err := s.Store.OpenOrderForTenant(ctx, c.TenantID, c.Domain, o.ID); err == nil {
			continue
		} else if !errors.Is(err, ErrNotFound) {
			return "", fmt.Errorf("open order of tenant %s: %w", c.TenantID, err)
		}
		return strings.ToLower(c.Domain), nil
	}
	return "", nil
}
