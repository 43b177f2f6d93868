package ui

import (
	"context"
	"strings"
	"testing"
	"time"

	"onboard/flow"
)

// shortLinkHarness is gdapHarness with a provider that set public_url: the
// approval link is shown as a short link. The order's link is stored
// first under a fixed code, so the golden does not change with the random
// one; the flow finds it as it finds a link shown before.
func shortLinkHarness(t *testing.T) *harness {
	t.Helper()
	h := gdapHarness(t)
	g, err := h.w.svc.GDAPStatus(context.Background(), h.m.c.answers.OrderID)
	if err != nil || g.Short != "" {
		t.Fatalf("GDAP before public_url: %+v, %v", g, err)
	}
	h.w.svc.PublicURL, h.w.svc.ShortLinks = "https://signup.example.com", h.w.db
	if _, err := h.w.db.SaveShortLink(context.Background(), flow.ShortLink{Code: "ab12cd34ef", OrderID: h.m.c.answers.OrderID,
		Purpose: flow.LinkGDAP, Target: g.URL, ExpiresAt: h.clock.Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	h.pollGDAP()
	h.requireView("https://signup.example.com/a/ab12cd34ef")
	return h
}

// TestGDAPShortLinkGoldens: with a short link the approval link's QR code
// fits an 80x24 kiosk beside the text, and its big version too, where
// Microsoft's own link needs 80x29 (TestGDAPGoldens/big_QR).
func TestGDAPShortLinkGoldens(t *testing.T) {
	t.Run("waiting", func(t *testing.T) {
		h := shortLinkHarness(t)
		h.requireView("▀")
		h.golden()
	})
	t.Run("big QR", func(t *testing.T) {
		h := shortLinkHarness(t)
		h.key("q")
		h.requireView("Scan with your phone")
		h.golden()
	})
}

// TestGDAPShortLinkCopiesAndOpensTheFullLink: c and enter use Microsoft's
// link itself: the browser here and a pasted link need no detour.
func TestGDAPShortLinkCopiesAndOpensTheFullLink(t *testing.T) {
	h := shortLinkHarness(t)
	h.key("c")
	if !strings.Contains(h.clipboard, "/granularAdminRelationships/") {
		t.Fatalf("clipboard = %q, want the approval link itself", h.clipboard)
	}
	h.key("enter")
	if got := h.br.all(); len(got) != 1 || got[0] != h.clipboard {
		t.Fatalf("opened %q, want the approval link itself", got)
	}
}
