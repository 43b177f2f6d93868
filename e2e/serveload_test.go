package e2e

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"onboard/flow"
	"onboard/msapi/sandbox"
	paysandbox "onboard/payment/sandbox"
	"onboard/store/storetest"
)

// loadSessions is how many SSH sessions go through the whole flow at once:
// 50, or the number ONBOARD_TEST_LOAD gives (1 means the default).
var loadSessions = 50

func init() {
	if n, err := strconv.Atoi(os.Getenv("ONBOARD_TEST_LOAD")); err == nil && n > 1 {
		loadSessions = n
	}
}

// loadWorld is one sandbox Microsoft and one sandbox checkout served by the
// test, so every server of the test talks to the same Microsoft and the
// test reads what it recorded.
type loadWorld struct {
	ms  *sandbox.Sandbox
	pay *paysandbox.Server
	env []string
}

func newLoadWorld(t *testing.T) *loadWorld {
	t.Helper()
	// Directory reads need an approved admin relationship, as with
	// Microsoft since DAP ended: every session approves one.
	ms, err := sandbox.New(sandbox.Options{ExtraTenants: loadSessions, NorthwindUsers: 10, EnforceGDAP: true})
	if err != nil {
		t.Fatal(err)
	}
	pay := paysandbox.NewServer(paysandbox.Options{})
	mux := http.NewServeMux()
	mux.Handle("/pay/", http.StripPrefix("/pay", pay))
	mux.Handle("/", ms)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	u, cr := ms.URLs(srv.URL), ms.Credentials()
	return &loadWorld{ms: ms, pay: pay, env: []string{
		"ONBOARD_MICROSOFT=partner-center", "ONBOARD_PARTNER_CENTER_URL=" + u.PartnerCenter,
		"ONBOARD_GRAPH_URL=" + u.Graph, "ONBOARD_LOGIN_URL=" + u.Login, "ONBOARD_GDAP_APPROVAL_URL=" + u.GDAPApproval, "ONBOARD_PARTNER_TENANT_ID=" + cr.PartnerTenantID,
		"ONBOARD_CLIENT_ID=" + cr.ClientID, "ONBOARD_CLIENT_SECRET=" + cr.ClientSecret,
		"ONBOARD_REFRESH_TOKEN=" + cr.RefreshToken, "ONBOARD_PUBLIC_CLIENT_ID=" + cr.PublicClientID,
		"ONBOARD_PAYMENT_URL=" + srv.URL + "/pay", "ONBOARD_PAYMENT_API_KEY=" + paysandbox.DefaultAPIKey,
		"ONBOARD_ALLOW_SANDBOX_PAYMENTS=true", "ONBOARD_GDAP_GROUP=" + sandbox.PartnerGDAPGroupID,
	}}
}

// TestServeLoad: 50 SSH sessions at once, each a kiosk signing a different
// customer up through the whole flow (licenses, details, agreement, the
// administrator's sign-in, the invitation, payment, processing) against the
// sandboxes. Then, in the sandboxes' own records: every paid order was
// processed exactly once: one customer relationship, one Partner Center
// order, one subscription bought and one capture per customer, none twice.
//
// With ONBOARD_TEST_POSTGRES (a PostgreSQL server: the site gets a fresh
// schema) the sessions are spread over two servers on that database, and once the
// sessions of the first have paid it is killed (SIGKILL) while it processes
// their orders: the other server's worker finishes them. On SQLite the one
// server is killed the same way and started again.
func TestServeLoad(t *testing.T) {
	// Minutes of 50 sessions on two cores: run on its own
	// with its own -timeout, not inside go test ./...'s 10 minutes.
	if os.Getenv("ONBOARD_TEST_LOAD") == "" {
		t.Skip("the load and kill test: ONBOARD_TEST_LOAD=1 go test ./e2e -run TestServeLoad -timeout 20m")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 12*time.Minute)
	defer cancel()
	world := newLoadWorld(t)
	site := newSite(t, "")
	site.more = append(site.more, world.env...)
	t.Cleanup(func() { // what the servers logged, for a failure that happened in one
		if t.Failed() {
			if b, err := os.ReadFile(filepath.Join(site.dir, "state", "onboard", "onboard.log")); err == nil {
				t.Logf("the servers' log:\n%s", tail(string(b), 200))
			}
		}
	})
	// The victims' sessions wait at the checkout until all of them got
	// there, minutes on two cores: the test is not about the idle reset.
	site.more = append(site.more, "ONBOARD_KIOSK_IDLE=20m", "ONBOARD_KIOSK_WAIT_IDLE=20m")
	servers := 1
	if storetest.PostgresURL() != "" { // the site's database is a fresh PostgreSQL schema
		servers = 2
	} else {
		t.Log("ONBOARD_TEST_POSTGRES is not set: one server on SQLite; the two-server part is skipped")
	}
	keys := t.TempDir()
	kioskKey, kioskPub := sshKey(t, keys, "kiosk")
	keysFile := filepath.Join(keys, "serve_keys")
	if err := os.WriteFile(keysFile, []byte("kiosk shop-1 "+kioskPub+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	var srvs []*service
	for range servers {
		srvs = append(srvs, startService(t, site.dir, keysFile, site.env()))
	}
	victim := srvs[0]

	start := time.Now()
	var all, victimsAtCheckout, victimsPaid sync.WaitGroup
	payNow := make(chan struct{})
	for i := 1; i <= loadSessions; i++ {
		srv := srvs[i%len(srvs)]
		onVictim := srv == victim
		if onVictim {
			victimsAtCheckout.Add(1)
			victimsPaid.Add(1)
		}
		all.Go(func() {
			// A session that fails on the way still lets the others go on
			// (a failed step ends its goroutine; the test reports it).
			atCheckout, paid := sync.OnceFunc(victimsAtCheckout.Done), sync.OnceFunc(victimsPaid.Done)
			if onVictim {
				defer atCheckout()
				defer paid()
			}
			_, login, password := sandbox.GeneratedTenant(i)
			w := srv.terminal(ctx, kioskKey, "kiosk")
			w.stepLimit = 5 * time.Minute // bounded by the test's own 12 minutes
			accept := func(link, login, password string) { acceptHTTP(t, link, login, password) }
			if !onVictim {
				w.signUp(2, 1+i%3, fmt.Sprintf("Load %d Ltd", i), login, password, "", accept)
				w.see("Imported 8 users")
				w.s.Close()
				return
			}
			// The victim's customers pay at once, so that their orders are
			// processed together when the server dies under them.
			w.toCheckout(2, 1+i%3, fmt.Sprintf("Load %d Ltd", i), login, password, accept)
			checkout := w.copied()
			atCheckout()
			select {
			case <-payNow:
			case <-ctx.Done():
				t.Error(ctx.Err())
				return
			}
			payHTTP(t, checkout, "4242 4242 4242 4242")
			if _, err := w.s.WaitFor(ctx, func(screen string) bool { // the order is known paid
				return strings.Contains(screen, "Setting up your licenses") || strings.Contains(screen, "Imported 8 users")
			}); err != nil {
				t.Error(err)
			}
		})
	}
	victimsAtCheckout.Wait()
	close(payNow)
	victimsPaid.Wait()
	victim.stop(syscall.SIGKILL)
	t.Logf("killed a server %s in, with %d orders paid or being set up", time.Since(start).Round(time.Millisecond), unfinished(t, site))
	if servers == 1 {
		srvs = append(srvs, startService(t, site.dir, keysFile, site.env()))
	}
	all.Wait()
	if t.Failed() {
		return
	}
	waitAllCompleted(ctx, t, site)
	t.Logf("%d sessions through the whole flow on %d server(s) in %s", loadSessions, servers, time.Since(start).Round(time.Millisecond))
	for _, s := range srvs {
		s.stop(syscall.SIGTERM)
	}
	checkExactlyOnce(t, world, site)
}

// tail is the last n lines of s.
func tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return strings.Join(lines[max(len(lines)-n, 0):], "\n")
}

// toCheckout is signUp up to the checkout, not paid.
func (w *wizard) toCheckout(row, seats int, company, login, password string, accept func(link, login, password string)) {
	w.chooseSeats(row, seats)
	w.see("Microsoft account", "Use existing Microsoft account")
	w.press("enter")
	w.details(company, "ada@example.com")
	w.see("Microsoft Customer Agreement")
	w.press("y")
	w.fill("Administrator login", login)
	w.signInOnPage(login, password, "")
	w.see("Accept the invitation", "Waiting for Microsoft")
	accept(w.copied(), login, password)
	w.approveGDAP(login, password, false)
	w.see("Review your order", "Press Enter to pay")
	w.press("enter")
	w.see("Waiting for the payment")
}

// unfinished counts the orders paid but not yet completed.
func unfinished(t *testing.T, site *site) int {
	t.Helper()
	db := site.openStore()
	n := 0
	for _, st := range []flow.OrderStatus{flow.StatusPaid, flow.StatusProvisioning} {
		list, err := db.ListOrders(context.Background(), flow.OrderFilter{Status: st, Limit: 10 * loadSessions})
		if err != nil {
			t.Fatal(err)
		}
		n += len(list)
	}
	return n
}

// waitAllCompleted waits until every order is completed: the orders of a
// killed server are finished by another server's worker, in the background.
func waitAllCompleted(ctx context.Context, t *testing.T, site *site) {
	t.Helper()
	db := site.openStore()
	tick := time.NewTicker(200 * time.Millisecond) // the state the test then checks, read until it holds
	defer tick.Stop()
	for {
		done, err := db.ListOrders(ctx, flow.OrderFilter{Status: flow.StatusCompleted, Limit: 10 * loadSessions})
		if err != nil {
			t.Fatal(err)
		}
		if len(done) >= loadSessions {
			return
		}
		select {
		case <-ctx.Done():
			all, _ := db.ListOrders(context.Background(), flow.OrderFilter{Limit: 10 * loadSessions})
			states := map[flow.OrderStatus][]string{}
			for _, o := range all {
				states[o.Status] = append(states[o.Status], o.Number)
			}
			t.Fatalf("%d of %d orders completed when the time ran out: %v", len(done), loadSessions, states)
		case <-tick.C:
		}
	}
}

// checkExactlyOnce checks every generated customer's order against what the
// sandboxes recorded.
func checkExactlyOnce(t *testing.T, world *loadWorld, site *site) {
	t.Helper()
	ctx := context.Background()
	db := site.openStore()
	orders, err := db.ListOrders(ctx, flow.OrderFilter{Limit: 10 * loadSessions})
	if err != nil {
		t.Fatal(err)
	}
	byDomain := map[string][]flow.Order{}
	for _, o := range orders {
		byDomain[strings.ToLower(o.TenantDomain)] = append(byDomain[strings.ToLower(o.TenantDomain)], o)
	}
	relationships := world.ms.RecordedRelationships()
	for i := 1; i <= loadSessions; i++ {
		dom, login, _ := sandbox.GeneratedTenant(i)
		list := byDomain[dom]
		if len(list) != 1 {
			t.Errorf("%s: %d orders in the database, want 1", dom, len(list))
			continue
		}
		o := list[0]
		if o.Status != flow.StatusCompleted {
			t.Errorf("%s: order %s is %s, want completed", dom, o.Number, o.Status)
		}
		tenant, ok := world.ms.TenantOf(dom)
		if !ok || tenant != o.TenantID {
			t.Errorf("%s: the sandbox's tenant %q, the order's %q", dom, tenant, o.TenantID)
		}
		if by := relationships[tenant]; !strings.EqualFold(by, login) {
			t.Errorf("%s: reseller relationship accepted by %q, want %s", dom, by, login)
		}
		if n := len(world.ms.RecordedOrders(tenant)); n != 1 {
			t.Errorf("%s: %d Partner Center orders, want 1", dom, n)
		}
		bought := 0
		for _, sub := range world.ms.RecordedSubscriptions(tenant) {
			if sub.Partner != "" && !sub.IsTrial {
				bought++
			}
		}
		if bought != 1 {
			t.Errorf("%s: %d subscriptions billed to a partner, want 1", dom, bought)
		}
		captures := 0
		for _, s := range world.pay.SessionsOf(o.Number) {
			if s.Captured > 0 {
				captures++
			}
			if s.Refunded != 0 {
				t.Errorf("%s: checkout %s refunded %d", dom, s.ID, s.Refunded)
			}
		}
		if captures != 1 {
			t.Errorf("%s: %d captured checkouts for %s, want 1", dom, captures, o.Number)
		}
		if _, err := db.CustomerByTenant(ctx, tenant); err != nil {
			t.Errorf("%s: customer: %v", dom, err)
		}
	}
	customers, err := db.ListCustomers(ctx, time.Time{}, 10*loadSessions)
	if err != nil {
		t.Fatal(err)
	}
	if len(customers) != loadSessions {
		t.Errorf("%d customers in the database, want %d", len(customers), loadSessions)
	}
}
