package sandbox_test

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"onboard/msapi/sandbox"
)

const chromiumPath = "/usr/bin/chromium"

// TestInvitationPageInChromium signs in and accepts in a real headless
// browser: the form, the CSRF cookie and the result page work together.
func TestInvitationPageInChromium(t *testing.T) {
	if _, err := os.Stat(chromiumPath); err != nil {
		t.Skip("chromium not installed: apt-get install chromium")
	}
	e := newEnv(t, sandbox.Options{})
	inv := e.inviteURL()

	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(chromiumPath),
		chromedp.Flag("headless", true),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true),
		chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()),
	)
	defer cancelAlloc()
	ctx, cancel := chromedp.NewContext(allocCtx)
	defer cancel()
	ctx, cancelTimeout := context.WithTimeout(ctx, 60*time.Second) // a bound, not a synchronisation
	defer cancelTimeout()

	if err := chromedp.Do(ctx,
		chromedp.Navigate(inv),
		chromedp.WaitVisible(chromedp.ID("login")),
	); err != nil {
		t.Fatalf("open invitation: %v", err)
	}
	title, err := chromedp.Run(ctx, chromedp.Title())
	if err != nil {
		t.Fatalf("title: %v", err)
	}
	if err := chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.ID("login"), "admin@fabrikam.onmicrosoft.com"),
		chromedp.SendKeys(chromedp.ID("password"), "Fabrikam-Admin-1"),
		chromedp.Click(chromedp.ID("accept")),
		// The admin center asks the MFA account for its second factor.
		chromedp.WaitVisible(chromedp.ID("otp")),
		chromedp.SendKeys(chromedp.ID("otp"), sandbox.MFADemoCode),
		chromedp.Click(chromedp.ID("verify")),
		chromedp.WaitVisible(chromedp.CSS(".ok")),
	); err != nil {
		t.Fatalf("sign in and accept: %v", err)
	}
	heading, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID("outcome")))
	if err != nil {
		t.Fatalf("read outcome: %v", err)
	}
	if !strings.Contains(title, "Accept partner invitation") {
		t.Errorf("form title = %q", title)
	}
	if !strings.Contains(heading, "accepted") {
		t.Fatalf("result heading = %q, want it to say accepted", heading)
	}
	if got := e.searchCustomers(e.appOnlyToken(), "fabrikam"); len(got) != 1 || got[0].RelationshipToPartner != "reseller" {
		t.Fatalf("after accepting in the browser: %+v", got)
	}
}
