package ui

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestSystemBrowserGivesUpOnAHangingOpener: an opener that never returns
// (xdg-open waiting on a browser) is reported as a failure, so the wizard
// shows the link and QR code instead of waiting.
func TestSystemBrowserGivesUpOnAHangingOpener(t *testing.T) {
	dir := t.TempDir()
	// The opener sleeps by the absolute path: PATH is only dir below, and a
	// loop whose sleep is not found spins a core long after the test.
	sleep, err := exec.LookPath("sleep")
	if err != nil {
		t.Skip("no sleep command")
	}
	hang := "#!/bin/sh\nexec " + sleep + " 10\n"
	for _, name := range []string{"xdg-open", "x-www-browser", "www-browser"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(hang), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	t.Setenv("PATH", dir)
	t.Setenv("DISPLAY", ":0")
	t.Setenv("BROWSER", "")
	err = SystemBrowser{Timeout: 50 * time.Millisecond}.Open("http://127.0.0.1:1/")
	if !errors.Is(err, ErrBrowserTimeout) {
		t.Fatalf("err = %v, want ErrBrowserTimeout", err)
	}
}

// browserEnv is a machine for SystemBrowser.Command: its environment and
// the commands installed.
func browserEnv(env map[string]string, installed ...string) SystemBrowser {
	return SystemBrowser{
		Getenv: func(k string) string { return env[k] },
		LookPath: func(name string) (string, error) {
			if slices.Contains(installed, filepath.Base(name)) {
				return "/usr/bin/" + filepath.Base(name), nil
			}
			return "", errors.New("not found")
		},
	}
}

func TestBrowserChoice(t *testing.T) {
	const url = "https://example.test/pay"
	all := []string{"xdg-open", "x-www-browser", "www-browser", "lynx", "w3m", "firefox"}
	cases := []struct {
		name    string
		env     map[string]string
		want    string // the command run, "" for none
		wantErr error
	}{
		{"$BROWSER with %s", map[string]string{"BROWSER": "firefox --new-window %s"}, "/usr/bin/firefox --new-window " + url, nil},
		{"$BROWSER list skips terminal browsers", map[string]string{"BROWSER": "lynx:w3m:firefox"}, "/usr/bin/firefox " + url, nil},
		{"$BROWSER of terminal browsers only", map[string]string{"BROWSER": "w3m:lynx", "DISPLAY": ":0"}, "", ErrNoBrowser},
		{"headless: nothing, not www-browser", map[string]string{}, "", ErrNoDisplay},
		{"X display: xdg-open", map[string]string{"DISPLAY": ":0"}, "/usr/bin/xdg-open " + url, nil},
		{"Wayland: xdg-open", map[string]string{"WAYLAND_DISPLAY": "wayland-0"}, "/usr/bin/xdg-open " + url, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			argv, env, err := browserEnv(c.env, all...).Command(url)
			if !errors.Is(err, c.wantErr) {
				t.Fatalf("err = %v, want %v", err, c.wantErr)
			}
			if got := strings.Join(argv, " "); got != c.want {
				t.Fatalf("runs %q, want %q", got, c.want)
			}
			// xdg-open falls back to www-browser, lynx… unless told otherwise.
			for _, e := range env {
				for _, tb := range []string{"www-browser", "lynx", "w3m", "links", "elinks"} {
					if slices.Contains(strings.Split(strings.TrimPrefix(e, "BROWSER="), ":"), tb) {
						t.Fatalf("xdg-open may start %s: %s", tb, e)
					}
				}
			}
		})
	}
	if _, _, err := browserEnv(map[string]string{"DISPLAY": ":0"}, "www-browser", "lynx").Command(url); !errors.Is(err, ErrNoBrowser) {
		t.Fatalf("only terminal browsers installed: err = %v, want ErrNoBrowser", err)
	}
	if err := (NoBrowser{}).Open(url); !errors.Is(err, ErrBrowserOff) {
		t.Fatalf("NoBrowser opened: %v", err)
	}
}
