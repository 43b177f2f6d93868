package plain_test

import (
	"context"
	"regexp"
	"strings"
	"testing"

	"onboard/flow"
	"onboard/ui/plain"
)

// The order is read back and the payment waits for a yes, as the
// full-screen review does; "no" lets the customer change the seats of the
// same order (flow's ChangeLines), without asking anything else again,
// and that order is paid once, at the new amount, in the payment
// sandbox's records.
func TestPipedReviewAsksBeforePayingAndChangesTheSeats(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	const admin, password = "admin@contoso.onmicrosoft.com", "Contoso-Admin-1"
	out, done := w.run(plain.Options{}, answers(
		[]string{"1"},                // sign up
		[]string{"3", "10", "", "n"}, // Business Premium, 10 seats, the default term, no other product
		[]string{"1"},                // the existing account
		details,
		[]string{"y", admin, password},
		[]string{"n", "3"},          // not paying: read it again
		[]string{"n", "1"},          // still not paying: change the seats
		[]string{"3", "5", "", "n"}, // Business Premium, 5 seats
		[]string{"y"},               // pay
	)...)
	out.waitFor(t, regexp.MustCompile(`Waiting for Microsoft to confirm the invitation`), done)
	if err := w.ms.AcceptInvitation(admin, password); err != nil {
		t.Fatal(err)
	}
	w.approveGDAP(t, out, done, admin, password)
	w.payCheckout(t, out, done)
	got := finished(t, out, done)
	mustContain(t, got,
		"10 × Microsoft 365 Business Premium at €20.60 a month", "Total: €206.00 per month.",
		"Tax, where it applies, is shown on the payment page before you pay.",
		"Pay €206.00 now on the payment page?",
		"What would you like to do instead?", "1. Change the licenses or seats", "2. Cancel the order", "3. Read the order again",
		"Order ORD-000001 now has these licenses.",
		"5 × Microsoft 365 Business Premium at €20.60 a month", "Pay €103.00 now on the payment page?",
		"Paid. Thank you.", "Done. Order number ORD-000001")
	if n := strings.Count(got, "Pay €206.00 now"); n != 2 {
		t.Errorf("the first order was read back %d times, want 2 (once more on request)", n)
	}
	// The invitation was handed out once.
	if n := strings.Count(got, "Waiting for Microsoft to confirm the invitation"); n != 1 {
		t.Errorf("the invitation was awaited %d times:\n%s", n, got)
	}
	if strings.Index(got, "/checkout/") < strings.Index(got, "Pay €103.00 now") {
		t.Errorf("a payment page was opened before the yes:\n%s", got)
	}
	orders, err := w.db.ListOrders(ctx, flow.OrderFilter{})
	if err != nil || len(orders) != 1 || orders[0].Status != flow.StatusCompleted {
		t.Fatalf("orders: %+v %v", orders, err)
	}
	if captured, refunded := w.pay.Captured("ORD-000001"); captured != 10300 || refunded != 0 {
		t.Errorf("the payment sandbox captured %d and refunded %d (minor units), want 10300 once", captured, refunded)
	}
}

// "No", then "cancel the order": the order is cancelled through flow, no
// payment page is opened, and the session ends without an error.
func TestPipedReviewCancelsTheOrderInFrench(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	const admin, password = "admin@contoso.onmicrosoft.com", "Contoso-Admin-1"
	out, done := w.run(plain.Options{Locale: "fr"}, answers(
		[]string{"1"},
		[]string{"3", "10", "", "non"},
		[]string{"1"},
		[]string{"Contoso SARL", "Ada", "Lovelace", "ada@contoso.example", "FR",
			"+33 1 23 45 67 89", "1 rue de Rivoli", "Paris", "75001"},
		[]string{"oui", admin, password},
		[]string{"non", "2"}, // ne pas payer : annuler la commande
	)...)
	out.waitFor(t, regexp.MustCompile(`En attente de la confirmation de l’invitation`), done)
	if err := w.ms.AcceptInvitation(admin, password); err != nil {
		t.Fatal(err)
	}
	out.waitFor(t, regexp.MustCompile(`En attente de l’approbation de la relation d’administration`), done)
	if err := w.ms.ApproveGDAP("contoso.onmicrosoft.com", admin, password); err != nil {
		t.Fatal(err)
	}
	got := finished(t, out, done)
	mustContain(t, got, "Les taxes éventuelles sont indiquées sur la page de paiement",
		"Payer 206,00 € maintenant sur la page de paiement ? [O/n]",
		"1. Modifier les licences ou leur nombre", "2. Annuler la commande",
		"La commande ORD-000001 est annulée. Rien n’a été débité.")
	if strings.Contains(got, "/checkout/") {
		t.Errorf("a payment page was opened:\n%s", got)
	}
	o, err := w.db.GetOrderByNumber(ctx, "ORD-000001")
	if err != nil || o.Status != flow.StatusCancelled {
		t.Fatalf("order: %s %v", o.Status, err)
	}
}
