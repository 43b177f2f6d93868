package flow

import (
	"context"
	"fmt"
)

// ListUsers returns the users imported from a tenant, for assigning licenses.
func (s *Service) ListUsers(ctx context.Context, tenantID string) ([]User, error) {
	us, err := s.Store.ListUsers(ctx, tenantID)
	if err != nil {
		return nil, fmt.Errorf("imported users of %s: %w", tenantID, err)
	}
	return us, nil
}
