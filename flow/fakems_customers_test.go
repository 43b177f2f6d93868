package flow

import (
	"context"
	"sort"
	"strings"

	"onboard/msapi"
)

func (f *fakeMS) GetCustomer(_ context.Context, tenantID string) (msapi.Customer, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.call(); err != nil {
		return msapi.Customer{}, err
	}
	for id, t := range f.tenants {
		if strings.EqualFold(id, tenantID) && t.customer.Relationship != msapi.RelationshipNone {
			return t.customer, nil
		}
	}
	return msapi.Customer{}, msapi.ErrNotFound
}

func (f *fakeMS) ListCustomers(context.Context) ([]msapi.Customer, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.call(); err != nil {
		return nil, err
	}
	var out []msapi.Customer
	for _, t := range f.tenants {
		if t.customer.Relationship != msapi.RelationshipNone {
			out = append(out, t.customer)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].TenantID < out[j].TenantID })
	return out, nil
}
