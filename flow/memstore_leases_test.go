package flow

import (
	"context"
	"time"
)

// The in-memory store serves one process: every lease is granted, and the
// lines as Microsoft reported them are not kept (results then show the
// lines as ordered).

func (m *memStore) AcquireLease(context.Context, string, string, time.Duration) error { return nil }
func (m *memStore) RenewLease(context.Context, string, string, time.Duration) error   { return nil }
func (m *memStore) ReleaseLease(context.Context, string, string) error                { return nil }
func (m *memStore) LeaseHolder(context.Context, string) (string, error)               { return "", nil }

func (m *memStore) InterruptedOrders(ctx context.Context) ([]string, error) {
	os, err := m.ListOrders(ctx, OrderFilter{Status: StatusProvisioning})
	var ids []string
	for _, o := range os {
		ids = append(ids, o.ID)
	}
	return ids, err
}

func (m *memStore) OrdersOwingRefunds(ctx context.Context) ([]string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var ids []string
	for id, ps := range m.payments {
		for _, p := range ps {
			if p.State == paymentDuplicate || (p.State == "paid" && m.orders[id].Status == StatusCancelled) {
				ids = append(ids, id)
				break
			}
		}
	}
	return ids, nil
}

func (m *memStore) SaveLineReadback(context.Context, string, LineReadback) error { return nil }
func (m *memStore) LineReadbacks(context.Context, string) (map[int]LineReadback, error) {
	return map[int]LineReadback{}, nil
}
