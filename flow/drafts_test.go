package flow

import (
	"bytes"
	"context"
	"errors"
	"regexp"
	"strings"
	"testing"
	"time"

	"onboard/msapi"
)

func TestDraftRoundTripAndCode(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, PolicyPayFirst)
	a := validAnswers(ModeCustomer)
	d, err := e.s.SaveDraft(ctx, "", "kiosk-7", StepAdmin, a)
	if err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`^[ACDEFGHJKMNPQRTWXY34679]{4}-[ACDEFGHJKMNPQRTWXY34679]{4}$`).MatchString(d.Code) {
		t.Fatalf("code %q", d.Code)
	}
	typed := strings.ToLower(strings.ReplaceAll(d.Code, "-", " "))
	step, got, err := e.s.LoadDraft(ctx, typed)
	if err != nil || step != StepAdmin || got.Email != a.Email || got.Address != a.Address || len(got.Lines) != 1 {
		t.Fatalf("load %q: %v %v %+v", typed, step, err, got)
	}
	// Saving again under the code updates the same draft.
	a.Company = "Contoso AG"
	if d2, err := e.s.SaveDraft(ctx, d.Code, "kiosk-7", StepConsent, a); err != nil || d2.Code != d.Code || len(e.st.drafts) != 1 {
		t.Fatalf("resave: %v", err)
	}
	latest, ok, err := e.s.LatestDraft(ctx, "kiosk-7")
	if err != nil || !ok || latest.Code != d.Code || latest.Step != string(StepConsent) {
		t.Fatalf("latest: %+v %v %v", latest, ok, err)
	}
	if _, ok, _ := e.s.LatestDraft(ctx, "kiosk-8"); ok {
		t.Fatal("another terminal's draft offered")
	}
	if _, _, err := e.s.LoadDraft(ctx, "AAAA-AAAA"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("unknown code: %v", err)
	}
	if _, _, err := e.s.LoadDraft(ctx, strings.Repeat("x", 1<<20)); !errors.Is(err, ErrNotFound) {
		t.Fatalf("garbage code: %v", err)
	}
}

func TestDraftExpires(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, PolicyPayFirst)
	d, err := e.s.SaveDraft(ctx, "", "kiosk-7", StepDetails, validAnswers(ModeCustomer))
	if err != nil {
		t.Fatal(err)
	}
	if !d.ExpiresAt.Equal(e.now.Add(7 * 24 * time.Hour)) {
		t.Fatalf("expires %v", d.ExpiresAt)
	}
	e.now = e.now.Add(7*24*time.Hour - time.Second)
	if _, _, err := e.s.LoadDraft(ctx, d.Code); err != nil {
		t.Fatalf("a second before expiry: %v", err)
	}
	e.now = e.now.Add(time.Second)
	if _, _, err := e.s.LoadDraft(ctx, d.Code); !errors.Is(err, ErrDraftExpired) {
		t.Fatalf("expired draft: %v", err)
	}
	if _, ok, err := e.s.LatestDraft(ctx, "kiosk-7"); ok || err != nil {
		t.Fatalf("expired draft offered: %v %v", ok, err)
	}
}

// TestPasswordNeverKept runs a whole flow with a password and searches
// everything the service stored for it.
func TestPasswordNeverKept(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, PolicyPayFirst)
	a := e.answers("t-trial", LineChoice{OfferID: "m365-business-premium", Seats: 10})
	admin, err := e.s.VerifyAdmin(ctx, a.AdminLogin, adminPass)
	if err != nil || admin.TenantID != "t-trial" {
		t.Fatalf("verify: %+v %v", admin, err)
	}
	a.AdminUPN = admin.UPN
	if _, err := e.s.SaveDraft(ctx, "", "kiosk-7", StepConsent, a); err != nil {
		t.Fatal(err)
	}
	o := e.paidOrder(t, a)
	if _, err := e.s.Process(ctx, o.ID, nil); err != nil {
		t.Fatal(err)
	}
	_, err = e.s.VerifyAdmin(ctx, a.AdminLogin, adminPass+"x")
	if !errors.Is(err, msapi.ErrBadCredentials) || strings.Contains(err.Error(), adminPass) {
		t.Fatalf("wrong password: %v", err)
	}
	var all bytes.Buffer
	for _, d := range e.st.drafts {
		all.Write(d.Data)
	}
	for _, ev := range e.st.audit {
		all.WriteString(ev.Detail + ev.From + ev.To + ev.Action)
	}
	for _, o := range e.st.orders {
		all.WriteString(o.FailReason + o.AdminUPN)
	}
	if bytes.Contains(all.Bytes(), []byte(adminPass)) {
		t.Fatal("the administrator's password was stored")
	}
	if !bytes.Contains(all.Bytes(), []byte(a.AdminLogin)) {
		t.Fatal("search found nothing: the haystack is empty")
	}
}

func TestVerifyAdmin(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, PolicyPayFirst)
	if _, err := e.s.VerifyAdmin(ctx, "admin", "x"); !errors.Is(err, ErrInvalidAnswers) {
		t.Fatalf("bad login: %v", err)
	}
	if _, err := e.s.VerifyAdmin(ctx, "nobody@contoso.onmicrosoft.com", adminPass); !errors.Is(err, msapi.ErrBadCredentials) {
		t.Fatalf("unknown user: %v", err)
	}
	e.s.SkipAdminVerification = true
	calls := e.ms.calls
	admin, err := e.s.VerifyAdmin(ctx, " who@ever.com ", "")
	if err != nil || admin != (Admin{UPN: "who@ever.com"}) || e.ms.calls != calls {
		t.Fatalf("verification off: %+v %v, %d calls", admin, err, e.ms.calls-calls)
	}
}

func TestInvitationURLAndDomain(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, PolicyPayFirst)
	if u, err := e.s.InvitationURL(ctx); err != nil || !strings.HasPrefix(u, "https://admin.example/") {
		t.Fatalf("from Microsoft: %q %v", u, err)
	}
	e.s.InvitationURLOverride = "https://partner.example/invite"
	if u, _ := e.s.InvitationURL(ctx); u != "https://partner.example/invite" {
		t.Fatalf("override: %q", u)
	}
	for in, want := range map[string]bool{"contoso": true, "Fabrikam.onmicrosoft.com": true, "newname": false} {
		if got, err := e.s.CheckDomain(ctx, in); err != nil || got != want {
			t.Errorf("CheckDomain(%q) = %v, %v", in, got, err)
		}
	}
	if _, err := e.s.CheckDomain(ctx, "bad-name"); !errors.Is(err, ErrInvalidAnswers) {
		t.Fatalf("invalid domain: %v", err)
	}
}

// TestSavesDraft: which steps save a draft is flow's rule, not the order of
// a front end's screens.
func TestSavesDraft(t *testing.T) {
	for _, step := range []StepID{StepAccount, StepDetails, StepAgreement, StepAdmin, StepConsent, StepReview} {
		if !SavesDraft(ModeCustomer, step) {
			t.Errorf("customer at %s: no draft", step)
		}
	}
	for _, step := range []StepID{StepSubdomain, StepDetails, StepAgreement, StepInvitation, StepCreate} {
		if !SavesDraft(ModeAgent, step) {
			t.Errorf("agent at %s: no draft", step)
		}
	}
	for _, step := range []StepID{StepLicenses, StepGDAP, StepDone, StepReview, StepPay} {
		if SavesDraft(ModeAgent, step) {
			t.Errorf("agent at %s: a draft", step)
		}
	}
	for _, step := range []StepID{StepLicenses, StepPay, StepProcessing, StepDone, ""} {
		if SavesDraft(ModeCustomer, step) {
			t.Errorf("customer at %q: a draft (nothing to resume there)", step)
		}
	}
}
