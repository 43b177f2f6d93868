package e2e

import (
	"context"
	"errors"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"onboard/internal/ptyrun"
	"onboard/msapi/sandbox"
)

// setupEnv is a clean environment for the built binary with its own
// directories; extra settings are appended.
func setupEnv(t *testing.T, extra ...string) []string {
	t.Helper()
	dir := t.TempDir()
	return append([]string{
		"HOME=" + os.Getenv("HOME"), "PATH=" + os.Getenv("PATH"), "NO_COLOR=1", "BROWSER=true",
		"XDG_DATA_HOME=" + filepath.Join(dir, "data"), "XDG_STATE_HOME=" + filepath.Join(dir, "state"),
		"XDG_CONFIG_HOME=" + filepath.Join(dir, "config"), dbEnv(testDB(t, filepath.Join(dir, "data"))),
	}, extra...)
}

// realMicrosoftAtSandbox configures microsoft = partner-center pointing at a
// sandbox Microsoft served by the test over loopback.
func realMicrosoftAtSandbox(t *testing.T) []string {
	t.Helper()
	ms, err := sandbox.New(sandbox.Options{NorthwindUsers: 10})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(ms)
	t.Cleanup(srv.Close)
	u, cr := ms.URLs(srv.URL), ms.Credentials()
	return []string{"ONBOARD_MICROSOFT=partner-center", "ONBOARD_PARTNER_CENTER_URL=" + u.PartnerCenter,
		"ONBOARD_GRAPH_URL=" + u.Graph, "ONBOARD_LOGIN_URL=" + u.Login, "ONBOARD_PARTNER_TENANT_ID=" + cr.PartnerTenantID,
		"ONBOARD_CLIENT_ID=" + cr.ClientID, "ONBOARD_CLIENT_SECRET=" + cr.ClientSecret,
		"ONBOARD_REFRESH_TOKEN=" + cr.RefreshToken, "ONBOARD_PUBLIC_CLIENT_ID=" + cr.PublicClientID}
}

// TestDoctorInTheBinary: out of the box (sandbox Microsoft and payments)
// the built binary's doctor says which Microsoft and payments, and Ready.
func TestDoctorInTheBinary(t *testing.T) {
	cmd := exec.Command(binary, "doctor")
	cmd.Env = setupEnv(t)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	for _, want := range []string{"the built-in sandbox Microsoft", "the built-in sandbox checkout", "ok    app+user read", "Ready."} {
		if !strings.Contains(string(out), want) {
			t.Errorf("doctor lacks %q:\n%s", want, out)
		}
	}
}

// TestRealMicrosoftWizardRefusesSandboxCheckout: with a real Microsoft the
// wizard refuses the sandbox checkout before its first screen; allowed for
// a test partner, it starts with the SANDBOX PAYMENTS badge.
func TestRealMicrosoftWizardRefusesSandboxCheckout(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	real := realMicrosoftAtSandbox(t)
	s, err := ptyrun.Start(ctx, 80, 24, setupEnv(t, real...), binary, "--sandbox-addr", freeAddr(t))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	err = s.Wait(ctx)
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 1 {
		t.Fatalf("exit: %v\n%s", err, s.Output())
	}
	if out := strings.Join(strings.Fields(s.Output()), " "); !strings.Contains(out, "test card 4242") || !strings.Contains(out, "allow_sandbox_payments") {
		t.Fatalf("the refusal was not shown:\n%s", s.Screen())
	}

	w := &wizard{t: t, ctx: ctx}
	w.s, err = ptyrun.Start(ctx, 80, 24, setupEnv(t, append(real, "ONBOARD_ALLOW_SANDBOX_PAYMENTS=true")...), binary, "--sandbox-addr", freeAddr(t))
	if err != nil {
		t.Fatal(err)
	}
	defer w.s.Close()
	screen := w.see("Choose licenses")
	if !strings.Contains(screen, "SANDBOX PAYMENTS") {
		t.Fatalf("no SANDBOX PAYMENTS badge:\n%s", screen)
	}
	w.press("ctrl+c")
	_ = w.s.Wait(ctx)
}
