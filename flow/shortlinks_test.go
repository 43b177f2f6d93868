package flow_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"onboard/flow"
)

const publicURL = "https://signup.example.com"

// TestGDAPShortLink: with a public_url the approval link is shown as a
// short link, the same one each time, which leads to the approval link
// until it expires or the order is finished; its making is audited once.
func TestGDAPShortLink(t *testing.T) {
	w := gdapWorld(t)
	ctx := context.Background()
	now := time.Now()
	w.svc.Now = func() time.Time { return now }
	w.svc.PublicURL, w.svc.ShortLinks = publicURL+"/", w.db
	a := answers("fabrikam.onmicrosoft.com", "admin@fabrikam.onmicrosoft.com", "m365-business-premium", 10)
	o, err := w.Consent(ctx, w.svc, a, "Fabrikam-Admin-1")
	if err != nil {
		t.Fatal(err)
	}
	g, err := w.svc.GDAPStatus(ctx, o.ID)
	if err != nil || !strings.HasPrefix(g.Short, publicURL+"/a/") || len(g.Short) > 45 || !strings.Contains(g.URL, "/granularAdminRelationships/") {
		t.Fatalf("GDAP: %+v, %v; want a short link under %s", g, err, publicURL)
	}
	again, err := w.svc.GDAPStatus(ctx, o.ID)
	if err != nil || again.Short != g.Short {
		t.Fatalf("shown again: %q, %v; want %q", again.Short, err, g.Short)
	}
	code := strings.TrimPrefix(g.Short, publicURL+"/a/")
	// Polls within the hour leave the link as it is; a later showing
	// moves its expiry on.
	first, err := w.db.ShortLinkFor(ctx, o.ID, flow.LinkGDAP)
	if err != nil || !first.ExpiresAt.Equal(now.Add(flow.DefaultShortLinkTTL)) {
		t.Fatalf("stored %+v, %v", first, err)
	}
	for _, step := range []time.Duration{30 * time.Minute, time.Hour} {
		now = now.Add(step)
		if _, err := w.svc.GDAPStatus(ctx, o.ID); err != nil {
			t.Fatal(err)
		}
		l, _ := w.db.ShortLinkFor(ctx, o.ID, flow.LinkGDAP)
		if renewed := !l.ExpiresAt.Equal(first.ExpiresAt); renewed != (step == time.Hour) || l.Code != code {
			t.Fatalf("after %s more: %+v (first expired %s)", step, l, first.ExpiresAt)
		}
	}
	if target, err := w.svc.ShortLinkTarget(ctx, strings.ToUpper(code)); err != nil || target != g.URL {
		t.Fatalf("typed in capitals: %q, %v; want %q", target, err, g.URL)
	}
	trail, _ := w.db.AuditTrail(ctx, o.ID)
	made := 0
	for _, ev := range trail {
		if ev.Action == flow.ActionShortLinkCreated {
			made++
			if ev.Detail != flow.LinkGDAP+" "+code {
				t.Errorf("audit detail %q", ev.Detail)
			}
		}
	}
	if made != 1 {
		t.Errorf("%d %s events, want 1", made, flow.ActionShortLinkCreated)
	}
	for _, bad := range []string{"", "0000000000", code + "x", "../../evil", "https://evil.example"} {
		if _, err := w.svc.ShortLinkTarget(ctx, bad); !errors.Is(err, flow.ErrShortLinkInvalid) {
			t.Errorf("code %q: %v, want ErrShortLinkInvalid", bad, err)
		}
	}
	now = now.Add(flow.DefaultShortLinkTTL)
	if _, err := w.svc.ShortLinkTarget(ctx, code); !errors.Is(err, flow.ErrShortLinkInvalid) {
		t.Fatalf("after %s: %v, want ErrShortLinkInvalid", flow.DefaultShortLinkTTL, err)
	}
	if shown, err := w.svc.GDAPStatus(ctx, o.ID); err != nil || shown.Short != g.Short {
		t.Fatalf("shown after it expired: %q, %v; want the same code again", shown.Short, err)
	}
	if _, err := w.svc.ShortLinkTarget(ctx, code); err != nil {
		t.Fatalf("showing it again did not renew it: %v", err)
	}
	if _, err := w.svc.Cancel(ctx, o.ID, "changed their mind"); err != nil {
		t.Fatal(err)
	}
	if _, err := w.svc.ShortLinkTarget(ctx, code); !errors.Is(err, flow.ErrShortLinkInvalid) {
		t.Fatalf("after the order was cancelled: %v, want ErrShortLinkInvalid", err)
	}
}

// TestLinksWithoutPublicURL: without a public_url the links are shown as
// they are, and no code leads anywhere.
func TestLinksWithoutPublicURL(t *testing.T) {
	w := gdapWorld(t)
	ctx := context.Background()
	w.svc.ShortLinks = w.db
	a := answers("fabrikam.onmicrosoft.com", "admin@fabrikam.onmicrosoft.com", "m365-business-premium", 10)
	o, err := w.Consent(ctx, w.svc, a, "Fabrikam-Admin-1")
	if err != nil {
		t.Fatal(err)
	}
	if g, err := w.svc.GDAPStatus(ctx, o.ID); err != nil || g.Short != "" {
		t.Fatalf("GDAP: %+v, %v; want no short link", g, err)
	}
	l, err := w.svc.InvitationLink(ctx)
	if err != nil || l.Short != "" || l.Shown() != l.URL || l.URL == "" {
		t.Fatalf("invitation: %+v, %v", l, err)
	}
}

// TestInvitationShortLink: the invitation is the partner's, the same for
// every order: one short link serves them all.
func TestInvitationShortLink(t *testing.T) {
	w := gdapWorld(t)
	ctx := context.Background()
	w.svc.PublicURL, w.svc.ShortLinks = publicURL, w.db
	l, err := w.svc.InvitationLink(ctx)
	if err != nil || !strings.HasPrefix(l.Short, publicURL+"/a/") || l.Shown() != l.Short {
		t.Fatalf("invitation: %+v, %v", l, err)
	}
	want, _ := w.svc.InvitationURL(ctx)
	if target, err := w.svc.ShortLinkTarget(ctx, strings.TrimPrefix(l.Short, publicURL+"/a/")); err != nil || target != want || l.URL != want {
		t.Fatalf("leads to %q, %v; want %q", target, err, want)
	}
	if again, _ := w.svc.InvitationLink(ctx); again.Short != l.Short {
		t.Fatalf("again: %q, want %q", again.Short, l.Short)
	}
}
