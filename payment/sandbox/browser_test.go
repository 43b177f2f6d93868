package sandbox

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"onboard/payment"
)

const chromiumPath = "/usr/bin/chromium"

// TestCheckoutInChromium pays a checkout the way a customer does: in a real
// browser, correcting a mistake on the way.
func TestCheckoutInChromium(t *testing.T) {
	if _, err := os.Stat(chromiumPath); err != nil {
		t.Skip("chromium not installed: apt-get install chromium")
	}
	f := newFixture(t, "")
	co := f.create("browser")
	ctx := newChromium(t)

	err := chromedp.Do(ctx,
		chromedp.Navigate(co.URL),
		chromedp.WaitVisible(chromedp.ID("number")),
		chromedp.SendKeys(chromedp.ID("number"), "4242 4242 4242 4242"),
		chromedp.SendKeys(chromedp.ID("exp"), "12/30"),
		chromedp.SendKeys(chromedp.ID("cvc"), "12"),
		chromedp.SendKeys(chromedp.ID("name"), "Ada Lovelace"),
		chromedp.Click(chromedp.ID("pay")),
		chromedp.WaitVisible(chromedp.ID("cvc-error")),
	)
	if err != nil {
		t.Fatalf("browser, first submit: %v", err)
	}
	firstError := mustRun(t, ctx, chromedp.Text(chromedp.ID("cvc-error")))
	keptNumber := mustRun(t, ctx, chromedp.Value(chromedp.ID("number")))
	err = chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.ID("cvc"), "123"),
		chromedp.Click(chromedp.ID("pay")),
		chromedp.WaitVisible(chromedp.Search(`//h1[contains(., "Payment received")]`)),
	)
	if err != nil {
		t.Fatalf("browser, second submit: %v", err)
	}
	heading := mustRun(t, ctx, chromedp.Text(chromedp.CSS("h1")))
	receipt := mustRun(t, ctx, chromedp.Text(chromedp.CSS("dl")))
	if !strings.Contains(firstError, "3 or 4 digits") || keptNumber != "4242 4242 4242 4242" {
		t.Errorf("validation in the browser: error %q, number kept %q", firstError, keptNumber)
	}
	if heading != "Payment received" || !strings.Contains(receipt, "Visa •••• 4242") {
		t.Errorf("receipt: %q / %q", heading, receipt)
	}
	if st := f.status(co.ID); st.State != payment.StatePaid || st.PaymentID == "" {
		t.Errorf("status after paying in the browser = %+v", st)
	}
}

// newChromium starts a headless Chromium with a throwaway profile.
func newChromium(t *testing.T) context.Context {
	t.Helper()
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromiumPath),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(t.Context(), opts...)
	t.Cleanup(cancelAlloc)
	ctx, cancelBrowser := chromedp.NewContext(actx)
	t.Cleanup(cancelBrowser)
	// A safety net so a stuck browser fails the test instead of hanging it.
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	t.Cleanup(cancel)
	return ctx
}

func mustRun[T any](t *testing.T, ctx context.Context, a chromedp.Action[T]) T {
	t.Helper()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		t.Fatalf("browser: %v", err)
	}
	return v
}
