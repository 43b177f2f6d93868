package flow

import (
	"context"
	"fmt"
	"strings"
)

func (m *memStore) SaveGDAP(_ context.Context, g GDAPRecord) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if err := m.mutate("SaveGDAP"); err != nil {
		return err
	}
	if m.gdap == nil {
		m.gdap = map[string]GDAPRecord{}
	}
	g.TenantID = strings.ToLower(g.TenantID)
	m.gdap[g.TenantID] = g
	return nil
}

func (m *memStore) GDAPForTenant(_ context.Context, tenantID string) (GDAPRecord, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	g, ok := m.gdap[strings.ToLower(tenantID)]
	if !ok {
		return GDAPRecord{}, fmt.Errorf("GDAP of %s: %w", tenantID, ErrNotFound)
	}
	return g, nil
}
