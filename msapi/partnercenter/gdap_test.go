package partnercenter_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"onboard/msapi"
	"onboard/msapi/partnercenter"
	"onboard/msapi/sandbox"
)

// gdapEnv is a sandbox that enforces GDAP on directory calls, with the
// reseller relationship of fabrikam accepted.
func gdapEnv(t *testing.T, now *time.Time) (*env, msapi.Customer) {
	t.Helper()
	opts := sandbox.Options{EnforceGDAP: true}
	if now != nil {
		opts.Now = func() time.Time { return *now }
	}
	e := newEnv(t, opts)
	return e, e.linked(t, "admin@fabrikam.onmicrosoft.com", "Fabrikam-Admin-1")
}

func requestGDAP(t *testing.T, e *env, tenantID, name string) msapi.GDAPRelationship {
	t.Helper()
	ctx := context.Background()
	rel, err := e.c.CreateGDAPRelationship(ctx, msapi.GDAPRequest{DisplayName: name,
		CustomerTenantID: tenantID, Duration: msapi.DefaultGDAPDuration, RoleIDs: msapi.DefaultGDAPRoles})
	if err != nil {
		t.Fatalf("create relationship: %v", err)
	}
	if rel.Status != msapi.GDAPCreated || rel.CustomerTenantID != tenantID || len(rel.RoleIDs) != 3 {
		t.Fatalf("created relationship = %+v", rel)
	}
	if err := e.c.LockGDAPForApproval(ctx, rel.ID); err != nil {
		t.Fatalf("lock for approval: %v", err)
	}
	return rel
}

// TestGDAPStatusesAndDirectoryAccess walks a relationship through its
// documented statuses with the real client: created, approvalPending,
// active (after the customer's Global administrator approves), and the
// directory calls refused until an access assignment covers them.
func TestGDAPStatusesAndDirectoryAccess(t *testing.T) {
	e, cust := gdapEnv(t, nil)
	ctx := context.Background()
	users := func() error {
		return e.c.Users(ctx, cust.TenantID, func([]msapi.User) error { return nil })
	}
	if err := users(); !errors.Is(err, msapi.ErrInvalidRequest) || !strings.Contains(err.Error(), "Insufficient privileges") {
		t.Fatalf("users without GDAP: %v, want 403 Authorization_RequestDenied", err)
	}
	if _, err := e.c.SubscribedSKUs(ctx, cust.TenantID); err == nil {
		t.Fatal("subscribed SKUs without GDAP were served")
	}
	rel := requestGDAP(t, e, cust.TenantID, "onboard first")
	got, err := e.c.GetGDAPRelationship(ctx, rel.ID)
	if err != nil || got.Status != msapi.GDAPApprovalPending {
		t.Fatalf("after lockForApproval: %+v, %v", got, err)
	}
	if _, err := e.c.CreateGDAPAccessAssignment(ctx, rel.ID, sandbox.PartnerGDAPGroupID, msapi.DefaultGDAPRoles); err == nil {
		t.Fatal("access assignment on a pending relationship was accepted")
	}
	if err := e.sb.ApproveGDAP(cust.TenantID, "alex@fabrikam.onmicrosoft.com", "Fabrikam-User-1"); !errors.Is(err, sandbox.ErrNotGlobalAdmin) {
		t.Fatalf("approval by a user: %v, want ErrNotGlobalAdmin", err)
	}
	if err := e.sb.ApproveGDAP(cust.TenantID, "admin@contoso.onmicrosoft.com", "Contoso-Admin-1"); !errors.Is(err, sandbox.ErrInvalidCredentials) {
		t.Fatalf("approval by another tenant's admin: %v, want ErrInvalidCredentials", err)
	}
	if err := e.sb.ApproveGDAP(cust.TenantID, "admin@fabrikam.onmicrosoft.com", "Fabrikam-Admin-1"); err != nil {
		t.Fatalf("approve: %v", err)
	}
	got, err = e.c.GetGDAPRelationship(ctx, rel.ID)
	if err != nil || got.Status != msapi.GDAPActive || got.EndAt.Sub(got.ActivatedAt) != 730*24*time.Hour {
		t.Fatalf("after approval: %+v, %v", got, err)
	}
	if err := users(); err == nil {
		t.Fatal("users served on an active relationship without an access assignment")
	}
	a, err := e.c.CreateGDAPAccessAssignment(ctx, rel.ID, sandbox.PartnerGDAPGroupID, msapi.DefaultGDAPRoles)
	if err != nil || a.Status != "active" || a.GroupID != sandbox.PartnerGDAPGroupID {
		t.Fatalf("access assignment: %+v, %v", a, err)
	}
	n := 0
	if err := e.c.Users(ctx, cust.TenantID, func(p []msapi.User) error { n += len(p); return nil }); err != nil || n == 0 {
		t.Fatalf("users through GDAP: %d users, %v", n, err)
	}
	if skus, err := e.c.SubscribedSKUs(ctx, cust.TenantID); err != nil || len(skus) == 0 {
		t.Fatalf("subscribed SKUs through GDAP: %v, %v", skus, err)
	}
	if _, err := e.c.DirectoryRoleMembers(ctx, cust.TenantID, msapi.GlobalAdminRoleTemplateID); err != nil {
		t.Fatalf("role members through GDAP: %v", err)
	}
	if got := e.c.GDAPApprovalURL(rel.ID); !strings.HasPrefix(got, partnercenter.DefaultGDAPApprovalURL) || !strings.HasSuffix(got, rel.ID) {
		t.Fatalf("approval URL = %q", got)
	}
}

// TestGDAPExpires: an active relationship past its end is expired and
// reaches nothing; a pending one is expired after its lifetime.
func TestGDAPExpires(t *testing.T) {
	now := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	e, cust := gdapEnv(t, &now)
	ctx := context.Background()
	rel := requestGDAP(t, e, cust.TenantID, "onboard first")
	if err := e.sb.ApproveGDAP(cust.TenantID, "admin@fabrikam.onmicrosoft.com", "Fabrikam-Admin-1"); err != nil {
		t.Fatal(err)
	}
	if _, err := e.c.CreateGDAPAccessAssignment(ctx, rel.ID, sandbox.PartnerGDAPGroupID, msapi.DefaultGDAPRoles); err != nil {
		t.Fatal(err)
	}
	now = now.Add(731 * 24 * time.Hour)
	// The client's cached tokens were issued before the sandbox's clock
	// jumped: the first call's 401 drops them, the next fetches new ones.
	_, _ = e.c.GetGDAPRelationship(ctx, rel.ID)
	_ = e.c.Users(ctx, cust.TenantID, func([]msapi.User) error { return nil })
	got, err := e.c.GetGDAPRelationship(ctx, rel.ID)
	if err != nil || got.Status != msapi.GDAPExpired {
		t.Fatalf("after two years: %+v, %v", got, err)
	}
	if err := e.c.Users(ctx, cust.TenantID, func([]msapi.User) error { return nil }); err == nil {
		t.Fatal("users served through an expired relationship")
	}
	pending := requestGDAP(t, e, cust.TenantID, "onboard second")
	now = now.Add(91 * 24 * time.Hour)
	_, _ = e.c.GetGDAPRelationship(ctx, pending.ID) // drops the token issued before the jump
	if got, err := e.c.GetGDAPRelationship(ctx, pending.ID); err != nil || got.Status != msapi.GDAPExpired {
		t.Fatalf("pending after 91 days: %+v, %v", got, err)
	}
	if err := e.sb.ApproveGDAP(cust.TenantID, "admin@fabrikam.onmicrosoft.com", "Fabrikam-Admin-1"); !errors.Is(err, sandbox.ErrGDAPNotPending) {
		t.Fatalf("approving an expired request: %v", err)
	}
}

// TestGDAPNeedsAppUser: without the partner's refresh token the client
// refuses GDAP and directory calls instead of sending app-only tokens.
func TestGDAPNeedsAppUser(t *testing.T) {
	e := newEnv(t, sandbox.Options{}, func(c *partnercenter.Config) { c.RefreshToken = "" })
	ctx := context.Background()
	if _, err := e.c.GetGDAPRelationship(ctx, "x"); !errors.Is(err, msapi.ErrInvalidRequest) || !strings.Contains(err.Error(), "App+User") {
		t.Fatalf("GDAP without App+User: %v", err)
	}
	if _, err := e.c.SubscribedSKUs(ctx, "x"); !errors.Is(err, msapi.ErrInvalidRequest) || !strings.Contains(err.Error(), "App+User") {
		t.Fatalf("SKUs without App+User: %v", err)
	}
}
