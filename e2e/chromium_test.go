package e2e

import (
	"context"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
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
