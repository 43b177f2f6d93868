package ui

import (
	"errors"
	"io"
	"sync"
	"time"

	"github.com/pkg/browser"
)

// SystemBrowser opens URLs with the platform's opener. Its output is
// discarded (xdg-open and friends print to the terminal the TUI draws on),
// and an opener that does not return in time counts as failed, so the
// customer is told to use the link or QR code instead of waiting forever.
type SystemBrowser struct {
	Timeout time.Duration // default 5 s
}

// ErrBrowserTimeout is returned when the opener did not finish in time.
var ErrBrowserTimeout = errors.New("the browser did not start in time")

var browserOutput sync.Once

// Open opens url in a browser.
func (b SystemBrowser) Open(url string) error {
	browserOutput.Do(func() {
		browser.Stdout = io.Discard
		browser.Stderr = io.Discard
	})
	timeout := b.Timeout
	if timeout <= 0 {
		timeout = 5 * time.Second
	}
	done := make(chan error, 1)
	go func() { done <- browser.OpenURL(url) }() // left to finish on its own after a timeout
	select {
	case err := <-done:
		return err
	case <-time.After(timeout):
		return ErrBrowserTimeout
	}
}
