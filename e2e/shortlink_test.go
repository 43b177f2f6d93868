package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestServeShortLinks: `onboard serve` with public_url. The agent's
// wizard over SSH shows the invitation as a short link on the service's
// HTTP address; `orders invite` gives the short links and the links
// themselves; the customer's administrator follows the short links to the
// sandbox's invitation and approval pages and accepts and approves there.
func TestServeShortLinks(t *testing.T) {
	if _, err := exec.LookPath("ssh"); err != nil {
		t.Skip("no ssh client on this machine")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	site := newSite(t, "")
	keys := t.TempDir()
	agentKey, agentPub := sshKey(t, keys, "agent")
	keysFile := filepath.Join(keys, "serve_keys")
	if err := os.WriteFile(keysFile, []byte(fmt.Sprintf("agent alice %s\n", agentPub)), 0o644); err != nil {
		t.Fatal(err)
	}
	// public_url must be known before serve starts: a port that was free.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	public := "http://" + addr
	srv := startService(t, site.dir, keysFile, append(site.env(), "ONBOARD_PUBLIC_URL="+public), "--http", addr)

	agent := srv.terminal(ctx, agentKey, "desk")
	full := agent.agentToInvitation()
	agent.see(public + "/a/")
	if strings.Contains(full, "/a/") {
		t.Fatalf("c copied %s, want the invitation link itself", full)
	}
	agent.press("enter") // continue without waiting
	number := agent.orderNumber()
	agent.press("enter")
	agent.exit()

	links := func() map[string]string {
		t.Helper()
		out, errOut, code := srv.command(agentKey, "desk", "orders", "invite", number, "--json")
		var l map[string]string
		if code != 0 || json.Unmarshal([]byte(out), &l) != nil {
			t.Fatalf("orders invite: exit %d\n%s\n%s", code, out, errOut)
		}
		return l
	}
	l := links()
	if !strings.HasPrefix(l["invitation_short_url"], public+"/a/") || l["invitation_url"] != full {
		t.Fatalf("invitation links %v, want a short link under %s and %s", l, public, full)
	}
	acceptHTTP(t, l["invitation_short_url"], fabrikamAdmin, fabrikamPass)

	// The service requests the admin relationship once the invitation is
	// accepted (orders invite asks flow, as the GDAP screen does).
	l = links()
	short, approval := l["gdap_approval_short_url"], l["gdap_approval_url"]
	if !strings.HasPrefix(short, public+"/a/") || !strings.Contains(approval, "/granularAdminRelationships/") {
		t.Fatalf("approval links %v", l)
	}
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := noFollow.Get(short)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != approval {
		t.Fatalf("%s: %d to %q, want 303 to %s", short, res.StatusCode, res.Header.Get("Location"), approval)
	}
	approveHTTP(t, short, fabrikamAdmin, fabrikamPass)

	res, err = http.Get(public + "/a/zzzzzzzzzz")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusNotFound || !strings.Contains(string(body), "no longer valid") {
		t.Fatalf("unknown code: %d\n%s", res.StatusCode, body)
	}
}
