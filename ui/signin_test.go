package ui

import (
	"errors"
	"regexp"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"onboard/flow"
	"onboard/msapi/sandbox"
)

const (
	mfaAdmin    = "mfa.admin@contoso.com"
	mfaPassword = "Contoso-Mfa-1"
)

var shownCode = regexp.MustCompile(`Code: ([A-Z0-9]{9})`)

// deviceHarness signs in on Microsoft's page (the default setting).
func deviceHarness(t *testing.T) *harness {
	h := newHarness(t, func(w *world, _ *Options) { w.svc.AdminSignIn = flow.SignInDeviceCode })
	h.chooseLicenses()
	h.fillDetails()
	h.typeText(mfaAdmin)
	h.key("enter")
	h.requireView("Sign in on Microsoft's page")
	return h
}

// code is the sign-in code on screen.
func (h *harness) code() string {
	h.t.Helper()
	m := shownCode.FindStringSubmatch(h.view())
	if m == nil {
		h.t.Fatalf("no code on screen:\n%s", h.view())
	}
	return m[1]
}

// pollSignIn delivers the poll the timer would send.
func (h *harness) pollSignIn() {
	s := h.m.screens[stateAdmin].(*adminScreen)
	h.do(func() tea.Msg { return signInPollMsg{gen: s.gen} })
}

func TestAdminDeviceCodeGoldens(t *testing.T) {
	t.Run("code", func(t *testing.T) {
		h := deviceHarness(t)
		if got := h.br.all(); len(got) == 0 {
			t.Fatal("the sign-in page was not opened in the browser")
		}
		h.golden()
	})
	t.Run("declined", func(t *testing.T) {
		h := deviceHarness(t)
		if err := h.w.ms.MS.DeclineDeviceSignIn(h.code()); err != nil {
			t.Fatal(err)
		}
		h.pollSignIn()
		h.requireView("The sign-in was cancelled on Microsoft's page.")
		h.golden()
	})
	t.Run("signed in", func(t *testing.T) {
		h := deviceHarness(t)
		if err := h.w.ms.MS.ApproveDeviceSignIn(h.code(), mfaAdmin, mfaPassword, sandbox.MFADemoCode); err != nil {
			t.Fatal(err)
		}
		h.pollSignIn()
		h.requireState(stateConsent)
		if a := h.m.c.answers; a.TenantID == "" || a.AdminUPN != mfaAdmin {
			t.Fatalf("answers after the sign-in: tenant %q, admin %q", a.TenantID, a.AdminUPN)
		}
	})
}

// browserHarness signs in in a browser on this computer (PKCE), whose
// opening fails as over SSH.
func browserHarness(t *testing.T) *harness {
	h := newHarness(t, func(w *world, _ *Options) {
		w.svc.AdminSignIn = flow.SignInBrowser
		w.br.err = errors.New("no browser here")
	})
	h.chooseLicenses()
	h.fillDetails()
	h.typeText(mfaAdmin)
	h.key("enter")
	h.requireView("Sign in on Microsoft's page in your browser")
	return h
}

// TestAdminBrowserSignIn: the browser sign-in shows the page's link with
// no code and no QR code (only this computer can finish it); when the
// browser cannot be opened, d switches to the device code.
func TestAdminBrowserSignIn(t *testing.T) {
	t.Run("waiting", func(t *testing.T) {
		h := browserHarness(t)
		s := h.m.screens[stateAdmin].(*adminScreen)
		if !strings.Contains(s.link.url, "code_challenge_method=S256") || s.link.qr != "" {
			t.Fatalf("link %q, qr %v", s.link.url, s.link.qr != "")
		}
		h.requireView("press d to sign in with a code")
		// The link carries a random verifier's challenge, port and state.
		s.link.url = "http://127.0.0.1:PORT/login/contoso.com/oauth2/v2.0/authorize?…"
		h.golden()
	})
	t.Run("use a code", func(t *testing.T) {
		h := browserHarness(t)
		h.key("d")
		h.requireView("Sign in on Microsoft's page")
		if err := h.w.ms.MS.ApproveDeviceSignIn(h.code(), mfaAdmin, mfaPassword, sandbox.MFADemoCode); err != nil {
			t.Fatal(err)
		}
		h.pollSignIn()
		h.requireState(stateConsent)
	})
}
