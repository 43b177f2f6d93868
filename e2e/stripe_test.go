package e2e

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"onboard/flow"
	paystripe "onboard/payment/stripe"
	"onboard/payment/stripe/stripemock"
)

const e2eWebhookSecret = "whsec_onboard_e2e"

// TestStripeCheckoutPaidByWebhook: with payment = "stripe" and a test key,
// the built binary's `orders pay` opens a Stripe Checkout Session whose
// request stripe-mock accepts; a signed checkout.session.completed posted
// twice to the webhook handler marks the order paid exactly once, and the
// `orders pay` waiting at the terminal sees it and processes the order.
//
// The handler runs in this test process, wired as serve wires it, beside a
// terminal that is not served (TestStripeWebhookToServe has the webhook on
// onboard serve, with nobody waiting).
func TestStripeCheckoutPaidByWebhook(t *testing.T) {
	api := stripemock.Start(t)
	s := newSite(t, "")
	s.more = []string{"ONBOARD_PAYMENT=stripe", "ONBOARD_STRIPE_SECRET_KEY=sk_test_onboarde2e",
		"ONBOARD_STRIPE_API_URL=" + api, "ONBOARD_STRIPE_WEBHOOK_SECRET=" + e2eWebhookSecret,
		// Payments are the point here; the admin relationship has its own tests.
		"ONBOARD_GDAP_GROUP=off"}

	if out := s.command("doctor", "--json"); !strings.Contains(out, "Stripe test mode") {
		t.Fatalf("doctor does not say Stripe test mode:\n%s", out)
	}

	agent := s.start("--mode", "agent", "--agent", "alice")
	link := agent.agentToInvitation()
	agent.press("enter") // continue without waiting
	number := agent.orderNumber()
	acceptHTTP(t, link, fabrikamAdmin, fabrikamPass)
	agent.press("enter")
	agent.exit()

	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	pay := exec.CommandContext(ctx, binary, "--sandbox-addr", "127.0.0.1:0", "orders", "pay", number, "--no-browser")
	pay.Env = append(os.Environ(), s.env()...)
	stderr, err := pay.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stdout bytes.Buffer
	pay.Stdout = &stdout
	if err := pay.Start(); err != nil {
		t.Fatal(err)
	}
	var said strings.Builder
	sc := bufio.NewScanner(stderr)
	for sc.Scan() {
		said.WriteString(sc.Text() + "\n")
		if strings.HasPrefix(sc.Text(), "Waiting for the payment") {
			break
		}
	}
	rest := make(chan string, 1)
	go func() { b, _ := io.ReadAll(stderr); rest <- string(b) }()
	if !strings.Contains(said.String(), "Pay €") || !strings.Contains(said.String(), "per month") {
		t.Errorf("orders pay did not say the amount in euros per month:\n%s", said.String())
	}

	db := s.openStore()
	o := onlyOrderIn(t, db)
	ps, err := db.Payments(ctx, o.ID)
	if err != nil || len(ps) != 1 || !strings.HasPrefix(ps[0].CheckoutID, "cs_") {
		t.Fatalf("the checkout is not a Stripe Checkout Session: %+v %v\n%s", ps, err, said.String())
	}

	// The webhook endpoint as onboard serve mounts it.
	gw, err := paystripe.New(paystripe.Options{SecretKey: "sk_test_onboarde2e", APIURL: api})
	if err != nil {
		t.Fatal(err)
	}
	svc := &flow.Service{Store: db, Pay: gw, Catalog: flow.DefaultCatalog()}
	h := paystripe.NewWebhookHandler(e2eWebhookSecret, svc)
	h.Log = slog.New(slog.DiscardHandler)
	srv := httptest.NewServer(h)
	defer srv.Close()
	for range 2 { // Stripe delivers at least once
		if code := postSigned(t, srv.URL+paystripe.WebhookPath, completedFixture(t, o, ps[0].CheckoutID, 0)); code != http.StatusOK {
			t.Fatalf("webhook: %d", code)
		}
	}

	if err := pay.Wait(); err != nil {
		t.Fatalf("orders pay: %v\n%s%s%s", err, said.String(), <-rest, stdout.String())
	}
	if out := <-rest; !strings.Contains(out, "Paid: order "+number) {
		t.Errorf("orders pay did not see the payment:\n%s", out)
	}
	got, err := db.GetOrder(ctx, o.ID)
	if err != nil || got.Status != flow.StatusCompleted {
		t.Fatalf("order after the webhook: %s %v\n%s", got.Status, err, stdout.String())
	}
	trail, _ := db.AuditTrail(ctx, o.ID)
	count := map[string]int{}
	for _, ev := range trail {
		count[ev.Action]++
	}
	if count["payment.paid"] != 1 || count["payment.notified"] != 1 {
		t.Fatalf("payment.paid %d, payment.notified %d: want each once", count["payment.paid"], count["payment.notified"])
	}
}
