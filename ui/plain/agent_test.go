package plain_test

import (
	"context"
	"regexp"
	"strings"
	"testing"

	"onboard/flow"
	"onboard/ui/plain"
)

// An agent signs Fabrikam up, waits for the invitation's acceptance, and
// leaves an order waiting for payment; the customer then pays for it with
// "Pay for an existing order" and it is set up.
func TestPipedAgentFlowThenThePaymentForItsOrder(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	const admin, password = "admin@fabrikam.onmicrosoft.com", "Fabrikam-Admin-1"
	out, done := w.run(plain.Options{Mode: flow.ModeAgent, Agent: "Sam Support"}, answers(
		[]string{"3", "10", "", "n"},
		[]string{"not valid!", "nosuchaccount", "fabrikam"}, // refused, unknown, then found
		details,
		[]string{"y", "y", "n"}, // attest the agreement; wait for the acceptance; no other customer
	)...)
	out.waitFor(t, regexp.MustCompile(`Waiting for the customer to accept… \(checking by itself`), done)
	if err := w.ms.AcceptInvitation(admin, password); err != nil {
		t.Fatal(err)
	}
	got := finished(t, out, done)
	mustContain(t, got, "Step 2 of 8: Customer's Microsoft account",
		"No such account: no Microsoft account uses nosuchaccount.onmicrosoft.com",
		"Found fabrikam.onmicrosoft.com", "you (Sam Support) record this acceptance on the customer's behalf",
		"The customer accepted the invitation.", "Status: awaiting payment",
		"What the customer does next:", "Step 7 of 8: Admin relationship approval",
		// The approval still waits, then the payment: both are said, in order.
		"1. Approve the admin relationship: a Global administrator of fabrikam.onmicrosoft.com", "onboard orders invite ",
		`2. Pay at a kiosk: choose "Pay for an existing order"`, "Once the admin relationship is approved and the order paid")
	for _, wrong := range []string{"right after the payment", "pay-first", "order flow"} {
		if strings.Contains(got, wrong) {
			t.Errorf("the agent is told %q:\n%s", wrong, got)
		}
	}
	if !regexp.MustCompile(`(?m)or read out:\nhttp://127\.0\.0\.1:\d+/\S+$`).MatchString(got) {
		t.Errorf("the invitation link is not on a line of its own:\n%s", got)
	}
	number := regexp.MustCompile(`Order number: (\S+)`).FindStringSubmatch(got)
	if number == nil {
		t.Fatalf("no order number in:\n%s", got)
	}
	o, err := w.db.GetOrderByNumber(ctx, number[1])
	if err != nil || o.Status != flow.StatusAwaitingPayment || o.TenantDomain != "fabrikam.onmicrosoft.com" {
		t.Fatalf("the agent's order: %+v %v", o, err)
	}

	// At the kiosk the order is read back first; "no" leaves it open.
	out, done = w.run(plain.Options{}, "2", number[1], "someone@else.example", number[1], "ada@fabrikam.example", "n")
	w.approveGDAP(t, out, done, admin, password) // the agent handed the link over; it is approved now
	got = finished(t, out, done)
	mustContain(t, got, "No order has that number and e-mail.", "Order "+number[1]+":", "Pay €206.00 now on the payment page?",
		"Not paid. Order "+number[1]+" stays open")
	if strings.Contains(got, "/checkout/") {
		t.Errorf("a payment page was opened after a no:\n%s", got)
	}
	if o, err = w.db.GetOrder(ctx, o.ID); err != nil || o.Status != flow.StatusAwaitingPayment {
		t.Fatalf("the order after a no: %+v %v", o, err)
	}

	out, done = w.run(plain.Options{}, "2", number[1], "ada@fabrikam.example", "y")
	w.payCheckout(t, out, done)
	got = finished(t, out, done)
	mustContain(t, got, "Order "+number[1]+":", "Paid. Thank you.", "Done. Order number "+number[1])
	if o, err = w.db.GetOrder(ctx, o.ID); err != nil || o.Status != flow.StatusCompleted {
		t.Fatalf("the paid order: %+v %v", o, err)
	}
}
