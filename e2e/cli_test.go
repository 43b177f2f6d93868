package e2e

import (
	"context"
	"errors"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"
)

// runDetached runs the built binary in a new session: no controlling
// terminal, stdin from /dev/null, as under cron, systemd or ssh -T.
func runDetached(t *testing.T, s *site, args ...string) (string, int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, binary, args...)
	cmd.Env = append(cmd.Environ(), s.env()...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	switch {
	case err == nil:
		return string(out), 0
	case errors.As(err, &exit):
		return string(out), exit.ExitCode()
	}
	t.Fatalf("onboard %v: %v", args, err)
	return "", 0
}

// Without a terminal the wizard says to use --accessible or a command,
// exit 2, instead of "bubbletea: could not open TTY"; the accessible
// prompts and the commands work there.
func TestNoTerminalSaysWhatWorks(t *testing.T) {
	t.Parallel()
	s := newSite(t, "")
	for _, args := range [][]string{nil, {"--kiosk"}, {"--agent", "sam"}} {
		out, code := runDetached(t, s, args...)
		if code != 2 || !strings.Contains(out, "onboard --accessible") || strings.Contains(out, "bubbletea") {
			t.Errorf("onboard %v with no terminal: exit %d\n%s", args, code, out)
		}
	}
	if out, code := runDetached(t, s, "orders", "list"); code != 0 || !strings.Contains(out, "No orders.") {
		t.Errorf("orders list with no terminal: exit %d\n%s", code, out)
	}
}

// The built binary's errors carry no control characters from arguments,
// and its version names the build.
func TestBinaryErrorsAndVersion(t *testing.T) {
	t.Parallel()
	s := newSite(t, "")
	out, code := runDetached(t, s, "orders", "show", "ORD-\u202e1\u009b2J")
	if code != 3 || strings.ContainsAny(out, "\u202e\u009b\x1b") {
		t.Errorf("orders show with control characters: exit %d %q", code, out)
	}
	out, code = runDetached(t, s, "orders", "pya", "ORD-000001")
	if code != 2 || !strings.Contains(out, "Did you mean this?") || !strings.Contains(out, "pay") {
		t.Errorf("orders pya: exit %d\n%s", code, out)
	}
	if out, code = runDetached(t, s, "--version"); code != 0 || !strings.HasPrefix(out, "onboard version ") || strings.TrimSpace(out) == "onboard version" {
		t.Errorf("--version: exit %d %q", code, out)
	}
}
