package ui

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// TestSystemBrowserGivesUpOnAHangingOpener: an opener that never returns
// (xdg-open waiting on a browser) is reported as a failure, so the wizard
// shows the link and QR code instead of waiting.
func TestSystemBrowserGivesUpOnAHangingOpener(t *testing.T) {
	dir := t.TempDir()
	release := filepath.Join(dir, "release")
	hang := "#!/bin/sh\nwhile [ ! -e " + release + " ]; do sleep 0.05; done\n"
	for _, name := range []string{"xdg-open", "x-www-browser", "www-browser"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(hang), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	t.Setenv("PATH", dir)
	t.Cleanup(func() { os.WriteFile(release, nil, 0o600) })
	err := SystemBrowser{Timeout: 50 * time.Millisecond}.Open("http://127.0.0.1:1/")
	if !errors.Is(err, ErrBrowserTimeout) {
		t.Fatalf("err = %v, want ErrBrowserTimeout", err)
	}
}
