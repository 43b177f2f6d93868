package flow

import (
	"testing"

	"onboard/msapi"
)

// The approval link is built from the configured admin center when shown,
// not taken as recorded: an order made by a process whose embedded sandbox
// ran on another port (an agent's, since gone) shows a link that works
// where it is shown (tried by hand: the kiosk showed the agent's dead port).
func TestGDAPLinkFollowsTheConfiguredAdminCenter(t *testing.T) {
	e := newEnv(t, PolicyPayFirst)
	stale := "http://127.0.0.1:46425/invite/granularAdminRelationships/rel-1"
	g := e.s.gdapView(GDAPRecord{TenantID: "t-other", RelationshipID: "rel-1", URL: stale, Status: msapi.GDAPApprovalPending}, false)
	if want := e.s.MS.GDAPApprovalURL("rel-1"); g.URL != want || g.URL == stale {
		t.Fatalf("link %q, want %q", g.URL, want)
	}
}
