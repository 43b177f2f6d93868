package ui

import (
	"regexp"
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
