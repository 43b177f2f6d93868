package ui

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
)

// TestHugePasteIsBoundedAndReported pastes 1 MB (with escape sequences in it)
// into every text field of the details form: each keeps at most maxPaste
// characters, the screen says so, and nothing hostile reaches the view.
func TestHugePasteIsBoundedAndReported(t *testing.T) {
	h := newHarness(t)
	h.chooseLicenses()
	h.key("enter")
	h.requireState(stateDetails)
	huge := strings.Repeat("A\x1b]52;c;aGk=\x07", 1<<20/12)
	h.send(tea.PasteMsg{Content: huge})
	view := h.view()
	if !strings.Contains(view, "pasted text was too long") {
		t.Fatalf("no notice of the cut paste:\n%s", view)
	}
	if strings.Contains(view, "\x1b]52") {
		t.Fatal("an OSC 52 sequence reached the view")
	}
	h.key("enter") // the company name is too long: the form says how to fix it
	if !strings.Contains(h.view(), "at most") {
		t.Fatalf("an over-long company name was accepted:\n%s", h.view())
	}
	if got := len(h.m.c.answers.Company); got > maxPaste {
		t.Fatalf("company holds %d bytes", got)
	}
	h.key("backspace")
	if strings.Contains(h.view(), "pasted text was too long") {
		t.Fatal("the notice outlived the next key")
	}
}

func TestSmallPasteUntouched(t *testing.T) {
	m := New(Options{Backend: newWorld(t, nil).svc})
	p := m.boundPaste(tea.PasteMsg{Content: "admin@contoso.onmicrosoft.com"})
	if p.Content != "admin@contoso.onmicrosoft.com" || m.pasteWarn != "" {
		t.Fatalf("%q %q", p.Content, m.pasteWarn)
	}
}
