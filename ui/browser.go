package ui

import (
	"io"
	"sync"

	"github.com/pkg/browser"
)

// systemBrowser opens URLs with the platform's opener. Its output is
// discarded: xdg-open and friends print to the terminal the TUI draws on.
type systemBrowser struct{}

var browserOutput sync.Once

func (systemBrowser) Open(url string) error {
	browserOutput.Do(func() {
		browser.Stdout = io.Discard
		browser.Stderr = io.Discard
	})
	return browser.OpenURL(url)
}
