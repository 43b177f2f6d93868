package plain_test

import (
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	"onboard/msapi/partnercenter"
	"onboard/msapi/sandbox"
	"onboard/ui/plain"
)

// While the order is set up, a pause Microsoft asks for (Retry-After: 57)
// is said in words. The client's clock is injected: the test does not wait.
func TestPipedSetupSaysMicrosoftsWait(t *testing.T) {
	w := newWorld(t)
	w.svc.MS = w.m.Client(t, func(c *partnercenter.Config) {
		c.PageSize, c.BaseBackoff, c.MaxBackoff, c.MaxAttempts = 4, 1, 1, 30
		c.Sleep = func(ctx context.Context, _ time.Duration) error { return ctx.Err() }
	})
	// Contoso's administrator signs in with a password (no MFA); fabrikam's
	// needs the sign-in page since security defaults are on there.
	const admin, password = "admin@contoso.onmicrosoft.com", "Contoso-Admin-1"
	out, done := w.run(plain.Options{}, answers(
		[]string{"1"},                // sign up
		[]string{"3", "10", "", "n"}, // Business Premium, 10 seats, the default term, no other product
		[]string{"1"},                // the existing account
		details,
		[]string{"y", admin, password},
		[]string{"y"}, // pay
	)...)
	out.waitFor(t, regexp.MustCompile(`Waiting for Microsoft to confirm the invitation`), done)
	if err := w.ms.AcceptInvitation(admin, password); err != nil {
		t.Fatal(err)
	}
	w.approveGDAP(t, out, done, admin, password)
	w.ms.SetFaults(sandbox.Faults{ThrottleRate: 0.3, RetryAfter: 57 * time.Second, Seed: 7})
	w.payCheckout(t, out, done)
	got := finished(t, out, done)
	mustContain(t, got, "Microsoft asked us to wait 57 s.", "Done. Order number")
}

// "Assign them now" comes with a way to do it: the logins typed on one
// line; an unknown login is asked again, not half assigned. The waiting
// lines are said once, not once per check.
func TestPipedAssignsTheNewLicenses(t *testing.T) {
	w := newWorld(t)
	const admin, password = "admin@contoso.onmicrosoft.com", "Contoso-Admin-1"
	out, done := w.run(plain.Options{}, answers(
		[]string{"1"},           // sign up
		[]string{"4", "2", "n"}, // Office 365 E3 (contoso buys it elsewhere), 2 seats
		[]string{"1"},           // the existing account
		details,
		[]string{"y", admin, password},
		[]string{"y"}, // pay
		[]string{"y", "nobody@contoso.onmicrosoft.com", "megan@contoso.onmicrosoft.com, admin@contoso.onmicrosoft.com"},
	)...)
	out.waitFor(t, regexp.MustCompile(`Waiting for Microsoft to confirm the invitation`), done)
	if err := w.ms.AcceptInvitation(admin, password); err != nil {
		t.Fatal(err)
	}
	w.approveGDAP(t, out, done, admin, password)
	w.payCheckout(t, out, done)
	got := finished(t, out, done)
	mustContain(t, got, "2 new licenses: assign them now.", "No user has the login nobody@contoso.onmicrosoft.com",
		"Assigned Office 365 E3 to 2 users.")
	if n := strings.Count(got, "Waiting for the payment…"); n != 1 {
		t.Errorf("the payment wait was said %d times, want once:\n%s", n, got)
	}
}
