package flow_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"onboard/flow"
	"onboard/msapi/sandbox"
)

const (
	mfaAdmin   = "mfa.admin@contoso.com"
	mfaPass    = "Contoso-Mfa-1"
	e3Offer    = "m365-business-premium"
	contosoDom = "contoso.onmicrosoft.com"
)

// An MFA administrator signs in on the sign-in page with the device code;
// the order keeps the tenant and the invitation is found by tenant id.
func TestDeviceSignInMFAAdminAndAcceptanceByTenant(t *testing.T) {
	w := newWorld(t, flow.PolicyPayFirst)
	ctx := context.Background()
	adm, err := w.SignIn(ctx, w.svc, mfaAdmin, mfaPass, sandbox.MFADemoCode)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.EqualFold(adm.UPN, mfaAdmin) || adm.TenantID == "" {
		t.Fatalf("admin = %+v", adm)
	}
	a := answers(contosoDom, mfaAdmin, e3Offer, 2)
	a.AdminUPN, a.TenantID = adm.UPN, adm.TenantID
	a.Domain = "" // acceptance is found by the tenant, not by a domain
	o, err := w.svc.CreateOrder(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	if o.TenantID != adm.TenantID {
		t.Fatalf("order tenant %q, want %q", o.TenantID, adm.TenantID)
	}
	if c, err := w.svc.CheckConsent(ctx, o.ID); err != nil || c.Accepted {
		t.Fatalf("before acceptance: %+v %v", c, err)
	}
	if err := w.ms.AcceptInvitation(mfaAdmin, mfaPass); err != nil {
		t.Fatal(err)
	}
	c, err := w.svc.CheckConsent(ctx, o.ID)
	if err != nil || !c.Accepted || c.Order.TenantID != adm.TenantID {
		t.Fatalf("after acceptance: %+v %v", c, err)
	}
}

func TestDeviceSignInRefusals(t *testing.T) {
	w := newWorld(t, flow.PolicyPayFirst)
	ctx := context.Background()
	// The second factor is asked of MFA accounts.
	in, err := w.svc.StartAdminSignIn(ctx, mfaAdmin)
	if err != nil {
		t.Fatal(err)
	}
	if in.UserCode == "" || in.URL == "" || in.ID == "" || in.Interval <= 0 || in.ExpiresAt.IsZero() {
		t.Fatalf("sign-in = %+v", in)
	}
	if err := w.ms.ApproveDeviceSignIn(in.UserCode, mfaAdmin, mfaPass, ""); !errors.Is(err, sandbox.ErrMFANeeded) {
		t.Fatalf("without the second factor: %v", err)
	}
	if err := w.ms.ApproveDeviceSignIn(in.UserCode, mfaAdmin, mfaPass, "000000"); !errors.Is(err, sandbox.ErrMFACode) {
		t.Fatalf("wrong second factor: %v", err)
	}
	// Someone of another tenant cannot use contoso's code.
	if err := w.ms.ApproveDeviceSignIn(in.UserCode, "admin@fabrikam.onmicrosoft.com", "Fabrikam-Admin-1", ""); !errors.Is(err, sandbox.ErrWrongTenant) {
		t.Fatalf("other tenant: %v", err)
	}
	// Declined on the page.
	if err := w.ms.DeclineDeviceSignIn(in.UserCode); err != nil {
		t.Fatal(err)
	}
	if _, err := check(ctx, w.svc, in.ID); !errors.Is(err, flow.ErrSignInDeclined) {
		t.Fatalf("declined: %v", err)
	}
	if _, err := check(ctx, w.svc, in.ID); !errors.Is(err, flow.ErrSignInExpired) {
		t.Fatalf("checked again after the end: %v", err)
	}
	// Not a Global administrator.
	if _, err := w.SignIn(ctx, w.svc, "megan@contoso.onmicrosoft.com", "Contoso-User-1", ""); !errors.Is(err, flow.ErrNotGlobalAdmin) {
		t.Fatalf("not an admin: %v", err)
	}
	// Another administrator of the tenant signs in than the login typed.
	in, err = w.svc.StartAdminSignIn(ctx, mfaAdmin)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.ms.ApproveDeviceSignIn(in.UserCode, "admin@contoso.onmicrosoft.com", "Contoso-Admin-1", ""); err != nil {
		t.Fatal(err)
	}
	if _, err := check(ctx, w.svc, in.ID); !errors.Is(err, flow.ErrAdminMismatch) {
		t.Fatalf("other user: %v", err)
	}
	if !strings.Contains(flow.Explain(flow.ErrSignInDeclined), "cancelled") {
		t.Fatal(flow.Explain(flow.ErrSignInDeclined))
	}
}

// With admin_sign_in = "password", Microsoft's MFA answer moves the
// sign-in to Microsoft's page.
func TestPasswordSignInFallsBackToThePage(t *testing.T) {
	w := newWorld(t, flow.PolicyPayFirst)
	w.svc.AdminSignIn = flow.SignInPassword
	ctx := context.Background()
	in, err := w.svc.StartAdminSignIn(ctx, mfaAdmin)
	if err != nil || !in.AskPassword {
		t.Fatalf("password setting: %+v %v", in, err)
	}
	if adm, err := w.svc.VerifyAdmin(ctx, "admin@contoso.onmicrosoft.com", "Contoso-Admin-1"); err != nil || adm.TenantID == "" {
		t.Fatalf("password grant: %+v %v", adm, err)
	}
	_, err = w.svc.VerifyAdmin(ctx, mfaAdmin, mfaPass)
	var need *flow.SignInRequired
	if !errors.As(err, &need) || !errors.Is(err, flow.ErrSignInPageRequired) || need.SignIn.UserCode == "" {
		t.Fatalf("MFA on the password grant: %v", err)
	}
	if err := w.ms.ApproveDeviceSignIn(need.SignIn.UserCode, mfaAdmin, mfaPass, sandbox.MFADemoCode); err != nil {
		t.Fatal(err)
	}
	adm, err := check(ctx, w.svc, need.SignIn.ID)
	if err != nil || !strings.EqualFold(adm.UPN, mfaAdmin) {
		t.Fatalf("after the page: %+v %v", adm, err)
	}
}

// Verification turned off: the sign-in ends at once with the login.
func TestSignInSkipped(t *testing.T) {
	w := newWorld(t, flow.PolicyPayFirst)
	w.svc.SkipAdminVerification = true
	ctx := context.Background()
	in, err := w.svc.StartAdminSignIn(ctx, mfaAdmin)
	if err != nil || in.UserCode != "" {
		t.Fatalf("%+v %v", in, err)
	}
	adm, err := check(ctx, w.svc, in.ID)
	if err != nil || adm.UPN != mfaAdmin {
		t.Fatalf("%+v %v", adm, err)
	}
}

// check polls until the sign-in ends.
func check(ctx context.Context, svc *flow.Service, id string) (flow.Admin, error) {
	for {
		adm, done, err := svc.CheckAdminSignIn(ctx, id)
		if done || err != nil {
			return adm, err
		}
	}
}
