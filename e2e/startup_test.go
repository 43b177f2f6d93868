package e2e

import (
	"context"
	"errors"
	"net"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"onboard/internal/ptyrun"
)

// TestStartupFailureIsReported: when the in-process sandbox cannot listen,
// the wizard ends with exit code 1 and says why, rather than failing every
// step later.
func TestStartupFailureIsReported(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	dir := t.TempDir()
	env := []string{"XDG_DATA_HOME=" + filepath.Join(dir, "data"), "XDG_STATE_HOME=" + filepath.Join(dir, "state"),
		"XDG_CONFIG_HOME=" + filepath.Join(dir, "config"), "NO_COLOR=1"}
	s, err := ptyrun.Start(ctx, 80, 24, env, binary, "--sandbox-addr", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	err = s.Wait(ctx)
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 1 {
		t.Fatalf("exit: %v\n%s", err, s.Output())
	}
	if out := s.Output(); !strings.Contains(out, "address already in use") {
		t.Fatalf("the reason was not shown:\n%s", s.Screen())
	}
}

// TestCtrlCExits130Quietly: Ctrl+C ends the wizard with 130 and no error
// banner, as terminal programs do.
func TestCtrlCExits130Quietly(t *testing.T) {
	w := start(t)
	w.see("Choose licenses")
	w.press("ctrl+c")
	err := w.s.Wait(w.ctx)
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 130 {
		t.Fatalf("exit: %v", err)
	}
	if out := w.s.Output(); strings.Contains(out, "ERROR") || strings.Contains(out, "interrupted") {
		t.Fatalf("Ctrl+C printed an error:\n%s", w.s.Screen())
	}
}
