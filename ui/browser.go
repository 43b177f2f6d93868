package ui

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"

	"charm.land/bubbles/v2/key"
	"github.com/pkg/browser"
)

// SystemBrowser opens URLs in a graphical browser: $BROWSER when set (the
// convention: a colon-separated list, %s for the URL), else the desktop's
// opener. It never starts a browser that runs in the terminal (lynx, w3m,
// www-browser…): under the wizard it would take over the very screen and
// keys the wizard uses. Without a graphical display on Linux and the BSDs
// it opens nothing (xdg-open would fall back to those); the wizard then
// shows the link and the QR code. The opener's output is discarded, and
// one that does not return in time counts as failed.
type SystemBrowser struct {
	Timeout time.Duration // default 5 s
	// Getenv and LookPath default to os.Getenv and exec.LookPath (tests).
	Getenv   func(string) string
	LookPath func(string) (string, error)
}

// Errors of Open.
var (
	ErrBrowserTimeout = errors.New("the browser did not start in time")
	ErrNoDisplay      = errors.New("no graphical display")
	ErrNoBrowser      = errors.New("no graphical browser found")
	// ErrBrowserOff: the provider turned opening pages off (a kiosk).
	ErrBrowserOff = errors.New("opening pages is turned off here")
)

// terminalBrowsers run in the terminal they are started from.
var terminalBrowsers = map[string]bool{
	"www-browser": true, "lynx": true, "w3m": true, "links": true, "links2": true, "elinks": true,
	"browsh": true, "carbonyl": true, "edbrowse": true, "netrik": true, "retawq": true, "cha": true,
}

// graphicalBrowsers is the list xdg-open gets as $BROWSER: its own default
// list ends with www-browser, links2, elinks, links, lynx and w3m.
const graphicalBrowsers = "x-www-browser:firefox:firefox-esr:chromium:chromium-browser:google-chrome:epiphany:konqueror"

// IsTerminalBrowser reports whether command (a path or a name) is a browser
// that runs in the terminal.
func IsTerminalBrowser(command string) bool {
	return terminalBrowsers[strings.ToLower(filepath.Base(command))]
}

// Command is what Open would run for url, or why it would run nothing.
func (b SystemBrowser) Command(url string) (argv, env []string, err error) {
	getenv, lookPath := b.Getenv, b.LookPath
	if getenv == nil {
		getenv = os.Getenv
	}
	if lookPath == nil {
		lookPath = exec.LookPath
	}
	if list := getenv("BROWSER"); list != "" {
		skipped := ""
		for _, entry := range strings.Split(list, ":") {
			f := strings.Fields(entry)
			if len(f) == 0 {
				continue
			}
			if IsTerminalBrowser(f[0]) {
				skipped = f[0]
				continue
			}
			p, err := lookPath(f[0])
			if err != nil {
				continue
			}
			args, placed := []string{p}, false
			for _, a := range f[1:] {
				if strings.Contains(a, "%s") {
					a, placed = strings.ReplaceAll(a, "%s", url), true
				}
				args = append(args, a)
			}
			if !placed {
				args = append(args, url)
			}
			return args, nil, nil
		}
		if skipped != "" {
			return nil, nil, fmt.Errorf("%w: $BROWSER names %s, which runs in the terminal", ErrNoBrowser, skipped)
		}
	}
	switch runtime.GOOS {
	case "darwin", "windows":
		return nil, nil, nil // pkg/browser's opener: no terminal browser there
	}
	if getenv("DISPLAY") == "" && getenv("WAYLAND_DISPLAY") == "" {
		return nil, nil, ErrNoDisplay
	}
	for _, name := range []string{"xdg-open", "x-www-browser"} {
		if p, err := lookPath(name); err == nil {
			return []string{p, url}, []string{"BROWSER=" + graphicalBrowsers}, nil
		}
	}
	return nil, nil, fmt.Errorf("%w: install xdg-utils or set $BROWSER", ErrNoBrowser)
}

var browserOutput sync.Once

// Open opens url in a browser.
func (b SystemBrowser) Open(url string) error {
	argv, env, err := b.Command(url)
	if err != nil {
		return err
	}
	timeout := b.Timeout
	if timeout <= 0 {
		timeout = 5 * time.Second
	}
	done := make(chan error, 1)
	if argv == nil {
		browserOutput.Do(func() {
			browser.Stdout = io.Discard
			browser.Stderr = io.Discard
		})
		go func() { done <- browser.OpenURL(url) }() // left to finish on its own after a timeout
	} else {
		cmd := exec.Command(argv[0], argv[1:]...) // stdin, stdout and stderr: /dev/null, never the wizard's terminal
		cmd.Env = append(os.Environ(), env...)
		go func() { done <- cmd.Run() }()
	}
	select {
	case err := <-done:
		return err
	case <-time.After(timeout):
		return ErrBrowserTimeout
	}
}

// NoBrowser opens nothing: a kiosk whose provider did not turn opening
// pages on (kiosk_open_browser) shows the link and the QR code only.
type NoBrowser struct{}

// Open refuses.
func (NoBrowser) Open(string) error { return ErrBrowserOff }

// opensPages reports whether this terminal opens pages at all: a kiosk
// without a browser (and every terminal of onboard serve) does not, so its
// screens neither offer Enter to open nor say that opening failed.
func (c *common) opensPages() bool {
	_, off := c.browser.(NoBrowser)
	return !off
}

// withoutOpen drops the open and reopen keys from a help line where no
// page opens.
func (c *common) withoutOpen(keys []key.Binding) []key.Binding {
	if c.opensPages() {
		return keys
	}
	out := keys[:0:0]
	for _, k := range keys {
		if k.Help() != c.keys.Open.Help() && k.Help() != c.keys.Reopen.Help() {
			out = append(out, k)
		}
	}
	return out
}
