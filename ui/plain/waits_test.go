package plain_test

import (
	"context"
	"regexp"
	"testing"
	"time"

	"onboard/msapi"
	"onboard/msapi/sandbox"
	"onboard/ui/plain"
)

// While the order is set up, a pause Microsoft asks for (Retry-After: 57)
// is said in words. The client's clock is injected: the test does not wait.
func TestPipedSetupSaysMicrosoftsWait(t *testing.T) {
	w := newWorld(t)
	w.svc.MS = w.m.Client(t, func(c *msapi.Config) {
		c.PageSize, c.BaseBackoff, c.MaxBackoff, c.MaxAttempts = 4, 1, 1, 30
		c.Sleep = func(ctx context.Context, _ time.Duration) error { return ctx.Err() }
	})
	// Contoso's administrator signs in with a password (no MFA); fabrikam's
	// needs the sign-in page since security defaults are on there.
	const admin, password = "admin@contoso.onmicrosoft.com", "Contoso-Admin-1"
	out, done := w.run(plain.Options{}, answers(
		[]string{"1"},            // sign up
		[]string{"3", "10", "n"}, // Business Premium, 10 seats, no other product
		[]string{"1"},            // the existing account
		details,
		[]string{"y", admin, password},
	)...)
	out.waitFor(t, regexp.MustCompile(`Waiting for Microsoft to confirm the invitation`), done)
	if err := w.ms.AcceptInvitation(admin, password); err != nil {
		t.Fatal(err)
	}
	w.ms.SetFaults(sandbox.Faults{ThrottleRate: 0.3, RetryAfter: 57 * time.Second, Seed: 7})
	w.payCheckout(t, out, done)
	got := finished(t, out, done)
	mustContain(t, got, "Microsoft asked us to wait 57 s.", "Done. Order number")
}
