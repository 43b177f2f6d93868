package e2e

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stripe/stripe-go/v85/webhook"

	"onboard/flow"
	"onboard/msapi/sandbox"
	paystripe "onboard/payment/stripe"
	"onboard/payment/stripe/stripemock"
	"onboard/store"
)

// TestStripeWebhookToServe is issue 15's "done when" on the built binary:
// `onboard serve` with payment = "stripe" and a test key (stripe-mock), a
// real Microsoft API (the sandbox, served by this test so that its records
// can be read). The agent creates an order over SSH and starts its checkout
// with `orders pay`, which opens a Stripe Checkout Session and is then left;
// a signed checkout.session.completed posted twice to serve's
// /webhooks/stripe marks the order paid once and hands it to serve's
// background worker, which processes it: Microsoft recorded one purchase
// (Fabrikam's trial converted once).
func TestStripeWebhookToServe(t *testing.T) {
	if _, err := exec.LookPath("ssh"); err != nil {
		t.Skip("no ssh client on this machine")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	api := stripemock.Start(t)
	ms, err := sandbox.New(sandbox.Options{})
	if err != nil {
		t.Fatal(err)
	}
	msSrv := httptest.NewServer(ms)
	t.Cleanup(msSrv.Close)
	u, cr := ms.URLs(msSrv.URL), ms.Credentials()

	site := newSite(t, "")
	site.more = []string{
		"ONBOARD_MICROSOFT=partner-center", "ONBOARD_PARTNER_CENTER_URL=" + u.PartnerCenter,
		"ONBOARD_GRAPH_URL=" + u.Graph, "ONBOARD_LOGIN_URL=" + u.Login, "ONBOARD_PARTNER_TENANT_ID=" + cr.PartnerTenantID,
		"ONBOARD_CLIENT_ID=" + cr.ClientID, "ONBOARD_CLIENT_SECRET=" + cr.ClientSecret,
		"ONBOARD_REFRESH_TOKEN=" + cr.RefreshToken, "ONBOARD_PUBLIC_CLIENT_ID=" + cr.PublicClientID,
		"ONBOARD_PAYMENT=stripe", "ONBOARD_STRIPE_SECRET_KEY=sk_test_onboarde2e",
		"ONBOARD_STRIPE_API_URL=" + api, "ONBOARD_STRIPE_WEBHOOK_SECRET=" + e2eWebhookSecret,
		"ONBOARD_STRIPE_AUTOMATIC_TAX=true",
		// Payments are the point here; the admin relationship has its own tests.
		"ONBOARD_GDAP_GROUP=off",
	}
	keys := t.TempDir()
	agentKey, agentPub := sshKey(t, keys, "agent")
	keysFile := filepath.Join(keys, "serve_keys")
	if err := os.WriteFile(keysFile, []byte(fmt.Sprintf("agent alice %s\n", agentPub)), 0o644); err != nil {
		t.Fatal(err)
	}
	srv := startService(t, site.dir, keysFile, site.env())

	agent := srv.terminal(ctx, agentKey, "desk")
	link := agent.agentToInvitation()
	agent.press("enter") // continue without waiting
	number := agent.orderNumber()
	acceptHTTP(t, link, fabrikamAdmin, fabrikamPass)
	agent.press("enter")
	agent.exit()

	// The agent starts the checkout and hands the link over; nobody waits
	// at a terminal for the payment.
	checkout := startCheckoutOverSSH(ctx, t, srv, agentKey, number)
	db := site.openStore()
	o := onlyOrderIn(t, db)
	ps, err := db.Payments(ctx, o.ID)
	if err != nil || len(ps) != 1 || !strings.HasPrefix(ps[0].CheckoutID, "cs_") {
		t.Fatalf("the checkout is not a Stripe Checkout Session: %+v %v\n%s", ps, err, checkout)
	}

	tax := o.Total() * 19 / 100 // as Stripe Tax would compute it for a German customer
	body := completedFixture(t, o, ps[0].CheckoutID, tax)
	for range 2 { // Stripe delivers at least once
		if code := postSigned(t, srv.http+paystripe.WebhookPath, body); code != http.StatusOK {
			t.Fatalf("webhook to serve: %d\n%s", code, srv.log.String())
		}
	}
	got := waitForOrder(ctx, t, db, o.ID, func(o flow.Order) bool {
		return o.Status == flow.StatusCompleted || o.Status == flow.StatusFailed
	})
	// The agent sees what Stripe charged, tax included.
	show, errOut, code := srv.command(agentKey, "desk", "orders", "show", got.Number)
	wantPaid := flow.FormatMoney(o.Total(), o.Currency) + " + tax " + flow.FormatMoney(tax, o.Currency) + " = " + flow.FormatMoney(o.Total()+tax, o.Currency)
	if code != 0 || !strings.Contains(show, wantPaid) {
		t.Errorf("orders show does not say %q: exit %d\n%s%s", wantPaid, code, show, errOut)
	}
	srv.stop(syscall.SIGTERM)
	if got.Status != flow.StatusCompleted {
		t.Fatalf("order %s is %s (%s), want completed\n%s", got.Number, got.Status, got.FailReason, srv.log.String())
	}

	// Paid once, by the webhook, with Stripe's ids; processed by the worker.
	trail, err := db.AuditTrail(ctx, o.ID)
	if err != nil {
		t.Fatal(err)
	}
	count := map[string]int{}
	var paidBy, processedBy flow.Actor
	for _, ev := range trail {
		count[ev.Action]++
		switch {
		case ev.Action == "payment.paid":
			if !strings.Contains(ev.Detail, ps[0].CheckoutID) {
				t.Errorf("payment.paid does not name the Checkout Session %s: %q", ps[0].CheckoutID, ev.Detail)
			}
		case ev.To == string(flow.StatusPaid):
			paidBy = ev.Actor
		case ev.To == string(flow.StatusProvisioning):
			processedBy = ev.Actor
		}
	}
	if count["payment.paid"] != 1 || count["payment.notified"] != 1 || count["payment.refunded"] != 0 {
		t.Fatalf("payment.paid %d, payment.notified %d, payment.refunded %d: want 1, 1, 0\n%+v",
			count["payment.paid"], count["payment.notified"], count["payment.refunded"], trail)
	}
	if paidBy != (flow.Actor{Kind: flow.ActorSystem, Name: "payment webhook"}) {
		t.Errorf("paid by %+v, want the payment webhook", paidBy)
	}
	if processedBy.Kind != flow.ActorSystem || !strings.HasPrefix(processedBy.Name, "worker ") {
		t.Errorf("processing started by %+v, want serve's worker", processedBy)
	}
	ps, err = db.Payments(ctx, o.ID)
	if err != nil || len(ps) != 1 || ps[0].State != "paid" || ps[0].Tax != tax {
		t.Fatalf("payments after the webhooks: %+v %v, want the one checkout paid with tax %d", ps, err, tax)
	}

	// Microsoft's side: one purchase for Fabrikam.
	tenant, ok := ms.TenantOf("fabrikam.onmicrosoft.com")
	if !ok || tenant != got.TenantID {
		t.Fatalf("the sandbox's tenant %q, the order's %q", tenant, got.TenantID)
	}
	// Fabrikam's trial is converted: one conversion carried out once, one
	// subscription billed to the partner, no other order.
	conv := ms.RecordedConversions(tenant)
	billed := 0
	for _, sub := range ms.RecordedSubscriptions(tenant) {
		if sub.Partner == cr.PartnerTenantID && !sub.IsTrial {
			billed++
			if conv[sub.ID] != 1 {
				t.Errorf("subscription %s converted %d times, want once", sub.ID, conv[sub.ID])
			}
		}
	}
	if billed != 1 || len(conv) != 1 || len(ms.RecordedOrders(tenant)) != 0 {
		t.Errorf("Microsoft recorded %d subscriptions billed to the partner, conversions %v, orders %v: want one purchase",
			billed, conv, ms.RecordedOrders(tenant))
	}
}

// startCheckoutOverSSH runs `orders pay` over SSH until it prints the
// checkout link, then leaves it (the order keeps waiting for payment), and
// returns what it said.
func startCheckoutOverSSH(ctx context.Context, t *testing.T, srv *service, key, number string) string {
	t.Helper()
	cmd := exec.CommandContext(ctx, "ssh", srv.sshArgs(key, "desk", "orders", "pay", number, "--no-browser")...)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var said strings.Builder
	sc := bufio.NewScanner(stderr)
	waiting := false
	for sc.Scan() {
		said.WriteString(sc.Text() + "\n")
		if strings.HasPrefix(sc.Text(), "Waiting for the payment") {
			waiting = true
			break
		}
	}
	_ = cmd.Process.Kill()
	_ = cmd.Wait()
	if !waiting {
		t.Fatalf("orders pay over SSH did not wait for the payment:\n%s", said.String())
	}
	if !strings.Contains(said.String(), "Pay €") || !strings.Contains(said.String(), "per month") {
		t.Errorf("orders pay did not say the amount in euros per month:\n%s", said.String())
	}
	return said.String()
}

// completedFixture is the signed-event fixture made to say that order o's
// checkout was paid in full, with tax added by Stripe's automatic tax.
func completedFixture(t *testing.T, o flow.Order, checkoutID string, tax int64) []byte {
	t.Helper()
	body, err := os.ReadFile("../payment/stripe/testdata/completed.json")
	if err != nil {
		t.Fatal(err)
	}
	sub, total := strconv.FormatInt(o.Total(), 10), strconv.FormatInt(o.Total()+tax, 10)
	return []byte(strings.NewReplacer("ord_fixture", o.ID, "cs_test_fixture", checkoutID, "ORD-FIXTURE", o.Number,
		`"amount_subtotal": 7200`, `"amount_subtotal": `+sub, `"amount_total": 7200`, `"amount_total": `+total,
		`"amount_tax": 0`, `"amount_tax": `+strconv.FormatInt(tax, 10)).Replace(string(body)))
}

// postSigned posts body to url signed as Stripe signs with the test's
// endpoint secret, and returns the status code.
func postSigned(t testing.TB, url string, body []byte) int {
	t.Helper()
	sig := webhook.GenerateTestSignedPayload(&webhook.UnsignedPayload{Payload: body, Secret: e2eWebhookSecret, Timestamp: time.Now()}).Header
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Stripe-Signature", sig)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// waitForOrder reads the order from the database until cond holds or ctx
// ends.
func waitForOrder(ctx context.Context, t *testing.T, db *store.DB, id string, cond func(flow.Order) bool) flow.Order {
	t.Helper()
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for {
		o, err := db.GetOrder(ctx, id)
		if err == nil && cond(o) {
			return o
		}
		select {
		case <-ctx.Done():
			t.Fatalf("order %s: %s %q, %v; waited too long", o.Number, o.Status, o.FailReason, err)
		case <-tick.C:
		}
	}
}
