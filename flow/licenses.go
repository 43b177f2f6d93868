package flow

import (
	"context"
	"fmt"
	"strings"
)

// AssignLicenses assigns skuID of a provisioned line of the order to users,
// first at Microsoft, then in the store. It refuses to assign more than the
// seats bought minus those already assigned; users who already have the
// license are skipped.
func (s *Service) AssignLicenses(ctx context.Context, orderID, skuID string, userIDs []string) error {
	o, err := s.Store.GetOrder(ctx, orderID)
	if err != nil {
		return fmt.Errorf("get order %s: %w", orderID, err)
	}
	seats := 0
	for _, l := range o.Lines {
		if strings.EqualFold(l.SkuID, skuID) && l.SubscriptionID != "" {
			seats += l.Quantity
		}
	}
	if seats == 0 {
		return fmt.Errorf("order %s has no provisioned license %s: %w", o.Number, skuID, ErrNotFound)
	}
	todo, assigned, err := s.pendingAssignments(ctx, o.TenantID, skuID, userIDs)
	if err != nil {
		return fmt.Errorf("assign licenses of order %s: %w", o.Number, err)
	}
	if assigned+len(todo) > seats {
		return fmt.Errorf("assign %d licenses of order %s: %d of %d already assigned: %w",
			len(todo), o.Number, assigned, seats, ErrNotEnoughSeats)
	}
	for _, id := range todo {
		if err := s.MS.AssignLicenses(ctx, o.TenantID, id, []string{skuID}, nil); err != nil {
			return fmt.Errorf("assign license %s to user %s: %w", skuID, id, err)
		}
	}
	ev := s.event(ctx, o.ID, "licenses.assigned", "", skuID, fmt.Sprintf("%d user(s)", len(todo)))
	if err := s.Store.AddAssignments(ctx, o.TenantID, skuID, todo, ev); err != nil {
		return fmt.Errorf("record %d assignments of %s: %w", len(todo), skuID, err)
	}
	return nil
}

// AssignedSeats is how many of the seats the order bought (new
// subscriptions, not converted trials) users hold now, by the rule
// AssignLicenses enforces: a SKU's holders take its seats. A done screen
// opened again later asks it rather than trusting its own count.
func (s *Service) AssignedSeats(ctx context.Context, orderID string) (int, error) {
	o, err := s.Store.GetOrder(ctx, orderID)
	if err != nil {
		return 0, fmt.Errorf("get order %s: %w", orderID, err)
	}
	seats := map[string]int{}
	for _, l := range o.Lines {
		if l.SubscriptionID != "" && !l.Converted {
			seats[strings.ToLower(l.SkuID)] += l.Quantity
		}
	}
	n := 0
	for sku, q := range seats {
		held, err := s.CountAssigned(ctx, o.TenantID, sku)
		if err != nil {
			return 0, fmt.Errorf("count holders of %s in order %s: %w", sku, o.Number, err)
		}
		n += min(held, q)
	}
	return n, nil
}

// pendingAssignments looks up only the requested users when the store
// can (a tenant may have a million), else lists the tenant.
func (s *Service) pendingAssignments(ctx context.Context, tenantID, skuID string, userIDs []string) ([]string, int, error) {
	us, ok := s.Store.(UserSearcher)
	if !ok {
		users, err := s.Store.ListUsers(ctx, tenantID)
		if err != nil {
			return nil, 0, fmt.Errorf("list users of tenant %s: %w", tenantID, err)
		}
		return pendingAssignments(users, skuID, userIDs)
	}
	users, err := us.UsersByID(ctx, tenantID, userIDs)
	if err != nil {
		return nil, 0, err
	}
	todo, _, err := pendingAssignments(users, skuID, userIDs)
	if err != nil {
		return nil, 0, err
	}
	assigned, err := us.CountAssigned(ctx, tenantID, skuID)
	if err != nil {
		return nil, 0, err
	}
	return todo, assigned, nil
}

// pendingAssignments returns the requested users (deduplicated) who do not
// have skuID yet and how many users have it already. Unknown ids are an error.
func pendingAssignments(users []User, skuID string, userIDs []string) (todo []string, assigned int, err error) {
	has := make(map[string]bool, len(users))
	for _, u := range users {
		has[u.ID] = false
		for _, s := range u.SkuIDs {
			if strings.EqualFold(s, skuID) {
				has[u.ID] = true
				assigned++
				break
			}
		}
	}
	seen := map[string]bool{}
	for _, id := range userIDs {
		already, known := has[id]
		switch {
		case !known:
			return nil, 0, fmt.Errorf("user %s: %w", id, ErrNotFound)
		case already || seen[id]:
			continue
		}
		seen[id] = true
		todo = append(todo, id)
	}
	return todo, assigned, nil
}
