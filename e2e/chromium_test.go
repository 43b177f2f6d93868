package e2e

import (
	"context"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"onboard/msapi/sandbox"
)

// chromium finds a Chromium binary, or says why there is none.
func chromium() (string, bool) {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p, true
		}
	}
	return "", false
}

// acceptInChromium accepts the invitation in headless Chromium as a customer
// would; false when Chromium is not installed (the caller then uses HTTP).
func acceptInChromium(t *testing.T, link, login, password string) bool {
	t.Helper()
	path, ok := chromium()
	if !ok {
		t.Log("chromium not installed (apt-get install chromium): accepting the invitation over HTTP instead")
		return false
	}
	opts := []chromedp.ExecAllocatorOption{chromedp.Flag("headless", true),
		chromedp.ExecPath(path), chromedp.NoSandbox, chromedp.DisableGPU, chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("disable-quic", true), chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true), chromedp.NoFirstRun}
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancel()
	ctx, cancel := chromedp.NewContext(actx)
	defer cancel()
	ctx, cancel = context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	err := chromedp.Do(ctx,
		chromedp.Navigate(link),
		chromedp.WaitVisible(chromedp.ID("login")),
		chromedp.SendKeys(chromedp.ID("login"), login),
		chromedp.SendKeys(chromedp.ID("password"), password),
		chromedp.Click(chromedp.ID("accept")),
		// The form page has an #outcome heading too ("Accept … as your
		// reseller"): wait for the answer page, where the form is gone.
		chromedp.WaitNotPresent(chromedp.ID("accept")),
		secondFactorInChromium(),
		chromedp.WaitVisible(chromedp.ID("outcome")),
	)
	if err != nil {
		t.Fatalf("invitation in Chromium: %v", err)
	}
	outcome, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID("outcome")))
	if err != nil {
		t.Fatalf("invitation in Chromium: %v", err)
	}
	if !strings.Contains(outcome, "accepted") {
		t.Fatalf("invitation in Chromium: %q", outcome)
	}
	return true
}

// signInDeviceInChromium signs in on the sandbox's device sign-in page in
// headless Chromium: the code, then the login (pre-filled from the login
// hint) and password, then the second factor; false when Chromium is not
// installed.
func signInDeviceInChromium(t *testing.T, link, code, login, password, mfaCode string) bool {
	t.Helper()
	ctx, ok := chromiumContext(t)
	if !ok {
		return false
	}
	steps := []chromedp.Action[chromedp.Void]{
		chromedp.Navigate(link),
		chromedp.WaitVisible(chromedp.ID("code")),
		chromedp.SendKeys(chromedp.ID("code"), code),
		chromedp.Click(chromedp.ID("next")),
		chromedp.WaitVisible(chromedp.ID("password")),
	}
	if err := chromedp.Do(ctx, steps...); err != nil {
		t.Fatalf("device sign-in in Chromium: %v", err)
	}
	finishSignInInChromium(t, ctx, login, password, mfaCode)
	return true
}

// signInPKCEInChromium opens the wizard's authorize link in headless
// Chromium, signs in there, and follows the redirect back to the wizard's
// loopback address.
func signInPKCEInChromium(t *testing.T, link, login, password, mfaCode string) {
	t.Helper()
	ctx, ok := chromiumContext(t)
	if !ok {
		t.Skip("the browser sign-in needs Chromium (apt-get install chromium)")
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(link), chromedp.WaitVisible(chromedp.ID("password"))); err != nil {
		t.Fatalf("authorize page in Chromium: %v", err)
	}
	finishSignInInChromium(t, ctx, login, password, mfaCode)
}

// finishSignInInChromium: the login must be pre-filled with the login hint;
// the password, then the second factor, then the outcome page.
func finishSignInInChromium(t *testing.T, ctx context.Context, login, password, mfaCode string) {
	t.Helper()
	prefilled, err := chromedp.Run(ctx, chromedp.Value(chromedp.ID("login")))
	if err != nil || prefilled != login {
		t.Fatalf("login pre-filled with %q (%v), want %q", prefilled, err, login)
	}
	steps := []chromedp.Action[chromedp.Void]{
		chromedp.SendKeys(chromedp.ID("password"), password),
		chromedp.Click(chromedp.ID("signin")),
	}
	if mfaCode != "" {
		steps = append(steps, chromedp.WaitVisible(chromedp.ID("otp")), chromedp.SendKeys(chromedp.ID("otp"), mfaCode),
			chromedp.Click(chromedp.ID("verify")))
	}
	steps = append(steps, chromedp.WaitNotPresent(chromedp.ID("password")), chromedp.WaitNotPresent(chromedp.ID("otp")),
		chromedp.WaitVisible(chromedp.ID("outcome")))
	if err := chromedp.Do(ctx, steps...); err != nil {
		t.Fatalf("sign-in in Chromium: %v", err)
	}
	outcome, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID("outcome")))
	if err != nil || !strings.Contains(outcome, "signed in") {
		t.Fatalf("sign-in in Chromium: %q %v", outcome, err)
	}
}

// secondFactorInChromium enters the demo authenticator code where the admin
// center asks an MFA account for it after the password, and waits for the
// answer page; without the question it does nothing.
func secondFactorInChromium() chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		asked, err := chromedp.Evaluate[bool](`document.getElementById("otp") !== null`)(ctx, t)
		if err != nil || !asked {
			return err
		}
		for _, a := range []chromedp.Action[chromedp.Void]{
			chromedp.SendKeys(chromedp.ID("otp"), sandbox.MFADemoCode),
			chromedp.Click(chromedp.ID("verify")),
			chromedp.WaitNotPresent(chromedp.ID("verify")),
		} {
			if _, err := a(ctx, t); err != nil {
				return err
			}
		}
		return nil
	})
}
