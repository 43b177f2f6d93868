package e2e

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"onboard/flow"
	"onboard/internal/ptyrun"
	"onboard/store"
)

const (
	fabrikamAdmin = "admin@fabrikam.onmicrosoft.com"
	fabrikamPass  = "Fabrikam-Admin-1"
)

// site is one shop: a data directory (database, sandbox state) that
// several runs of the binary share, and the order flow they run under.
type site struct {
	t    *testing.T
	dir  string
	flow string   // ONBOARD_ORDER_FLOW; "" is the default, pay-first
	more []string // further environment, e.g. ONBOARD_SANDBOX_FAULTS
	db   string   // the database (testDB)
}

func newSite(t *testing.T, orderFlow string) *site {
	dir := t.TempDir()
	return &site{t: t, dir: dir, flow: orderFlow, db: testDB(t, filepath.Join(dir, "data"))}
}

func (s *site) env() []string {
	env := []string{
		"XDG_DATA_HOME=" + filepath.Join(s.dir, "data"),
		"XDG_STATE_HOME=" + filepath.Join(s.dir, "state"),
		"XDG_CONFIG_HOME=" + filepath.Join(s.dir, "config"),
		"NO_COLOR=1",
		"BROWSER=false",
		dbEnv(s.db),
	}
	if s.flow != "" {
		env = append(env, "ONBOARD_ORDER_FLOW="+s.flow)
	}
	return append(env, s.more...)
}

// start runs the wizard on this site's data.
func (s *site) start(args ...string) *wizard {
	t := s.t
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	t.Cleanup(cancel)
	addr := freeAddr(t)
	ps, err := ptyrun.Start(ctx, 80, 24, s.env(), binary, append([]string{"--sandbox-addr", addr}, args...)...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(ps.Close)
	return &wizard{t: t, ctx: ctx, s: ps, data: filepath.Join(s.dir, "data"), db: s.db, base: "http://" + addr}
}

// command runs a non-interactive command of the binary on this site's data.
func (s *site) command(args ...string) string {
	s.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, binary, append([]string{"--sandbox-addr", "127.0.0.1:0"}, args...)...)
	cmd.Env = append(os.Environ(), s.env()...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		s.t.Fatalf("onboard %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

func (s *site) openStore() *store.DB {
	s.t.Helper()
	db, err := store.Open(context.Background(), s.db)
	if err != nil {
		s.t.Fatal(err)
	}
	s.t.Cleanup(func() { db.Close() })
	return db
}

func (w *wizard) agentDetails(company, email string) {
	w.detailsUnder("Customer's details", company, email)
}

var orderNumberRE = regexp.MustCompile(`Order number:\s+(\S+)`)

// agentOrder runs the agent's steps for Fabrikam up to the invitation and
// returns the invitation link the agent copied.
func (w *wizard) agentToInvitation() string {
	w.see("AGENT alice", "Choose licenses")
	w.chooseSeats(2, 10)
	w.see("Step 2 of 8", "Customer's account") // 8: the GDAP step (issue 12 part 3)
	w.typeLine("nosuchcompany")
	w.see("No such account")
	for range len("nosuchcompany") {
		w.press("backspace")
	}
	w.typeLine("fabrikam.onmicrosoft.com")
	w.agentDetails("Fabrikam Inc", "ada@example.com")
	w.see("Microsoft Customer Agreement", "on the customer's behalf")
	w.press("y")
	w.see("Hand over the invitation", "w wait")
	return w.copied()
}

// orderNumber reads the order number off the agent's last screen.
func (w *wizard) orderNumber() string {
	w.t.Helper()
	w.confirmOrderIfReviewed("Order created")
	screen := w.see("Order created", "What the customer does next")
	m := orderNumberRE.FindStringSubmatch(screen)
	if m == nil {
		w.t.Fatalf("no order number on:\n%s", screen)
	}
	return m[1]
}

// confirmOrderIfReviewed waits for the agent's review of the order or for
// next, and creates the order when the review shows.
func (w *wizard) confirmOrderIfReviewed(next string) {
	w.t.Helper()
	ctx, cancel := context.WithTimeout(w.ctx, w.limit()) // a bound, not a synchronisation
	defer cancel()
	screen, err := w.s.WaitFor(ctx, func(s string) bool {
		return strings.Contains(s, "Check the order with the customer") || strings.Contains(s, next)
	})
	if err != nil {
		w.t.Fatal(err)
	}
	if strings.Contains(screen, "Check the order with the customer") {
		w.press("enter") // the agent confirms the order it reviewed
	}
}

// exit waits for the binary to end successfully.
func (w *wizard) exit() {
	w.t.Helper()
	if err := w.s.Wait(w.ctx); err != nil {
		w.t.Fatalf("onboard exited with %v\n%s", err, w.s.Screen())
	}
}

// payExisting is the customer at a kiosk: "Pay for an existing order".
// With approveGDAP the admin relationship is not approved yet: the wizard
// shows its approval link first and the administrator approves it.
func (w *wizard) payExisting(number, email string, approveGDAP bool) {
	w.see("Choose licenses")
	w.press("ctrl+o")
	w.see("Pay for an existing order")
	w.fill("Order number", number)
	w.fill("E-mail", email)
	if approveGDAP {
		w.approveGDAP(fabrikamAdmin, fabrikamPass, false)
	}
	w.see("Review your order", "Press Enter to pay")
	w.press("enter")
	w.see("Waiting for the payment")
	payHTTP(w.t, w.copied(), "4242 4242 4242 4242")
}

// TestAgentOrderPaidLater: the agent creates the order without waiting; the
// customer accepts the invitation after; later, at a kiosk, the customer
// pays the order by its number and e-mail and it is processed.
func TestAgentOrderPaidLater(t *testing.T) {
	s := newSite(t, "")
	agent := s.start("--mode", "agent", "--agent", "alice")
	link := agent.agentToInvitation()
	agent.press("enter") // continue without waiting
	number := agent.orderNumber()
	agent.see("1. Accept the invitation", "2. Pay at a kiosk", "awaiting consent")
	acceptHTTP(t, link, fabrikamAdmin, fabrikamPass)
	agent.press("enter")
	agent.exit()

	kiosk := s.start()
	kiosk.payExisting(number, "ada@example.com", true)
	kiosk.see("Your trial was converted; 8 users keep their licenses", "Imported 12 users and 2")
	kiosk.press("enter")
	kiosk.exit()

	db := s.openStore()
	o := onlyOrder(t, db)
	if o.Number != number || o.CreatedBy != (flow.Actor{Kind: flow.ActorAgent, Name: "alice"}) {
		t.Fatalf("order %s created by %+v, want %s by agent alice", o.Number, o.CreatedBy, number)
	}
	checkAgentTrail(t, db, o)
	checkImported(t, db, o, 12, 2)
}

func checkAgentTrail(t *testing.T, db *store.DB, o flow.Order) {
	t.Helper()
	trail, err := db.AuditTrail(context.Background(), o.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, ev := range trail {
		if ev.Action == "order.created" {
			if ev.Actor != (flow.Actor{Kind: flow.ActorAgent, Name: "alice"}) {
				t.Fatalf("order.created by %+v, want agent alice", ev.Actor)
			}
			return
		}
	}
	t.Fatalf("no order.created in the audit trail: %+v", trail)
}

func checkImported(t *testing.T, db *store.DB, o flow.Order, users, domains int) {
	t.Helper()
	ctx := context.Background()
	if n, err := db.CountUsers(ctx, o.TenantID); err != nil || n != users {
		t.Fatalf("users %d (%v), want %d", n, err, users)
	}
	if n, err := db.CountDomains(ctx, o.TenantID); err != nil || n != domains {
		t.Fatalf("domains %d (%v), want %d", n, err, domains)
	}
}

// TestAgentManualApproval: after payment the order waits until an agent
// approves it with `onboard orders approve`, which processes it.
func TestAgentManualApproval(t *testing.T) {
	s := newSite(t, "manual-approval")
	agent := s.start("--mode", "agent", "--agent", "alice")
	link := agent.agentToInvitation()
	agent.press("w") // wait here for the acceptance
	agent.see("Waiting for the customer to accept")
	acceptHTTP(t, link, fabrikamAdmin, fabrikamPass)
	agent.approveGDAP(fabrikamAdmin, fabrikamPass, false)
	number := agent.orderNumber()
	agent.see("awaiting payment", "onboard orders approve "+number)
	agent.press("enter")
	agent.exit()

	kiosk := s.start()
	kiosk.payExisting(number, "ada@example.com", false)
	kiosk.see("waits for approval")
	kiosk.press("ctrl+c")
	_ = kiosk.s.Wait(kiosk.ctx) // interrupted on purpose: exit code 130

	o := onlyOrderIn(t, s.openStore())
	if o.Status != flow.StatusPaid || o.Approved {
		t.Fatalf("after payment: %s approved=%v, want paid and waiting", o.Status, o.Approved)
	}
	out := s.command("orders", "approve", number)
	if !strings.Contains(out, "Order "+number+" completed") {
		t.Fatalf("approve output:\n%s", out)
	}
	db := s.openStore()
	o = onlyOrder(t, db)
	if !o.Approved {
		t.Fatal("completed without the approval recorded")
	}
	checkAgentTrail(t, db, o)
	checkImported(t, db, o, 12, 2)
}

// TestAgentProcessImmediately: the order is processed as soon as the
// customer accepts the invitation, with no payment.
func TestAgentProcessImmediately(t *testing.T) {
	s := newSite(t, "process-immediately")
	agent := s.start("--mode", "agent", "--agent", "alice")
	link := agent.agentToInvitation()
	agent.press("w")
	agent.see("Waiting for the customer to accept")
	acceptHTTP(t, link, fabrikamAdmin, fabrikamPass)
	agent.approveGDAP(fabrikamAdmin, fabrikamPass, false)
	agent.orderNumber()
	agent.see("Nothing to do or pay", "completed")
	agent.press("enter")
	agent.exit()

	db := s.openStore()
	o := onlyOrder(t, db)
	pays, err := db.Payments(context.Background(), o.ID)
	if err != nil || len(pays) != 0 {
		t.Fatalf("payments %+v (%v), want none", pays, err)
	}
	checkAgentTrail(t, db, o)
	checkImported(t, db, o, 12, 2)
}

func onlyOrderIn(t *testing.T, db *store.DB) flow.Order {
	t.Helper()
	orders, err := db.ListOrders(context.Background(), flow.OrderFilter{})
	if err != nil || len(orders) != 1 {
		t.Fatalf("orders %+v (%v), want one", orders, err)
	}
	return orders[0]
}
