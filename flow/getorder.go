package flow

import (
	"context"
	"fmt"
)

// GetOrder returns the order as it is now.
func (s *Service) GetOrder(ctx context.Context, orderID string) (Order, error) {
	o, err := s.Store.GetOrder(ctx, orderID)
	if err != nil {
		return Order{}, fmt.Errorf("get order %s: %w", orderID, err)
	}
	return o, nil
}
