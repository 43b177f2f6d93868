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

// "Assign them now" comes with a way to do it: the users are counted and
// listed ten at a time with numbers, searched by part of a name, chosen by
// number or login; an unknown login or number chooses nothing. The waiting
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
		[]string{"y", "+", "meg", "1", "1", "1", "nobody@contoso.onmicrosoft.com", "admin@contoso.onmicrosoft.com", "99", ""},
	)...)
	out.waitFor(t, regexp.MustCompile(`Waiting for Microsoft to confirm the invitation`), done)
	if err := w.ms.AcceptInvitation(admin, password); err != nil {
		t.Fatal(err)
	}
	w.approveGDAP(t, out, done, admin, password)
	w.payCheckout(t, out, done)
	got := finished(t, out, done)
	mustContain(t, got, "2 new licenses: assign them now.",
		// How many users there are, read out ten at a time with numbers,
		"Office 365 E3: 2 licenses to give. The Microsoft account has 25 users.",
		"Users 1 to 10 of 25:\n1. Contoso Administrator, admin@contoso.onmicrosoft.com\n",
		"10. Emily Braun, emily@contoso.onmicrosoft.com\nType + for the next users.",
		"Users 11 to 20 of 25:\n11. Enrico Cattaneo",
		// searched by part of a name and chosen by number or login.
		"Users matching \"meg\", 1 to 1 of 1:\n1. Megan Bowen, megan@contoso.onmicrosoft.com\n",
		"Chosen: Megan Bowen.", "(1 of 2 chosen)", "Taken back: Megan Bowen.",
		"No user has the login nobody@contoso.onmicrosoft.com", "Chosen: Contoso Administrator.",
		"99 is not in the list: choose numbers from 1 to 1. Nothing was chosen.",
		"Assigned Office 365 E3 to 2 users.")
	o, err := w.db.GetOrderByNumber(context.Background(), "ORD-000001")
	if err != nil {
		t.Fatal(err)
	}
	if n, err := w.db.CountAssigned(context.Background(), o.TenantID, o.Lines[0].SkuID); err != nil || n != 2 {
		t.Errorf("assigned %d (%v), want 2", n, err)
	}
	if n := strings.Count(got, "Waiting for the payment…"); n != 1 {
		t.Errorf("the payment wait was said %d times, want once:\n%s", n, got)
	}
}

// Choosing more users than there are licenses is refused on the line that
// does it, as the full-screen list refuses the user one too many, not only
// when the choice is saved; the line chooses nothing.
func TestPipedAssignRefusesMoreUsersThanLicenses(t *testing.T) {
	w := newWorld(t)
	const admin, password = "admin@contoso.onmicrosoft.com", "Contoso-Admin-1"
	out, done := w.run(plain.Options{}, answers(
		[]string{"1"},           // sign up
		[]string{"4", "2", "n"}, // Office 365 E3, 2 seats
		[]string{"1"},           // the existing account
		details,
		[]string{"y", admin, password},
		[]string{"y"}, // pay
		[]string{"y", "1, 2, 3", "1", "2", "3", "2, 3", ""},
	)...)
	out.waitFor(t, regexp.MustCompile(`Waiting for Microsoft to confirm the invitation`), done)
	if err := w.ms.AcceptInvitation(admin, password); err != nil {
		t.Fatal(err)
	}
	w.approveGDAP(t, out, done, admin, password)
	w.payCheckout(t, out, done)
	got := finished(t, out, done)
	mustContain(t, got,
		"Only 2 can get Office 365 E3: nothing of that line was chosen.",
		"(2 of 2 chosen)", "Taken back: ", "Assigned Office 365 E3 to 2 users.")
	if strings.Contains(got, "(3 of 2 chosen)") || strings.Contains(got, "more users than the 2 seats left") {
		t.Errorf("more users than licenses were chosen:\n%s", got)
	}
	if n := strings.Count(got, "Only 2 can get Office 365 E3"); n != 2 {
		t.Errorf("refused %d times, want twice (1, 2, 3 and 3):\n%s", n, got)
	}
}
