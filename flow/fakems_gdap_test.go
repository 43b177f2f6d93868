package flow

import (
	"context"
	"fmt"

	"onboard/msapi"
)

// fakeGDAP holds the fake's GDAP relationships. Customers of the fake
// approve at once when the relationship is locked for approval, unless hold
// is set. GDAP calls are not counted by failAt.
type fakeGDAP struct {
	rels map[string]*msapi.GDAPRelationship
	hold bool
	seq  int
}

func (f *fakeMS) CreateGDAPRelationship(_ context.Context, req msapi.GDAPRequest) (msapi.GDAPRelationship, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.gdap.rels == nil {
		f.gdap.rels = map[string]*msapi.GDAPRelationship{}
	}
	f.gdap.seq++
	r := &msapi.GDAPRelationship{ID: fmt.Sprintf("gdap-%d", f.gdap.seq), DisplayName: req.DisplayName,
		CustomerTenantID: req.CustomerTenantID, Status: msapi.GDAPCreated, RoleIDs: req.RoleIDs, Duration: req.Duration}
	f.gdap.rels[r.ID] = r
	return *r, nil
}

func (f *fakeMS) FindGDAPRelationship(_ context.Context, name string) (msapi.GDAPRelationship, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, r := range f.gdap.rels {
		if r.DisplayName == name {
			return *r, nil
		}
	}
	return msapi.GDAPRelationship{}, fmt.Errorf("relationship %q: %w", name, msapi.ErrNotFound)
}

func (f *fakeMS) LockGDAPForApproval(_ context.Context, id string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	r, ok := f.gdap.rels[id]
	if !ok {
		return fmt.Errorf("relationship %s: %w", id, msapi.ErrNotFound)
	}
	r.Status = msapi.GDAPApprovalPending
	if !f.gdap.hold {
		r.Status = msapi.GDAPActive
	}
	return nil
}

func (f *fakeMS) GetGDAPRelationship(_ context.Context, id string) (msapi.GDAPRelationship, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	r, ok := f.gdap.rels[id]
	if !ok {
		return msapi.GDAPRelationship{}, fmt.Errorf("relationship %s: %w", id, msapi.ErrNotFound)
	}
	return *r, nil
}

func (f *fakeMS) CreateGDAPAccessAssignment(_ context.Context, id, group string, roles []string) (msapi.GDAPAccessAssignment, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if r, ok := f.gdap.rels[id]; !ok || r.Status != msapi.GDAPActive {
		return msapi.GDAPAccessAssignment{}, fmt.Errorf("relationship %s is not active: %w", id, msapi.ErrInvalidRequest)
	}
	return msapi.GDAPAccessAssignment{ID: "assign-" + id, GroupID: group, Status: "active", RoleIDs: roles}, nil
}

func (f *fakeMS) GDAPApprovalURL(id string) string { return "https://admin.example/gdap/" + id }
