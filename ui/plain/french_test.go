package plain_test

import (
	"context"
	"regexp"
	"strings"
	"testing"

	"onboard/flow"
	"onboard/msapi/sandbox"
	"onboard/ui/plain"
)

// TestCustomerFlowInFrench: a kiosk set to German; the customer picks
// Français in the first question and goes through the whole trial
// scenario in French, answering yes/no questions with French words.
func TestCustomerFlowInFrench(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	const admin, password = "admin@fabrikam.onmicrosoft.com", "Fabrikam-Admin-1"
	out, done := w.run(plain.Options{Locale: "de"}, answers(
		[]string{"4", "1"},                  // Français, then (in French) s'inscrire
		[]string{"3", "0", "10", "", "non"}, // Business Premium; a refused seat count, then 10; the default term; no other product
		[]string{"1"},                       // the existing account
		[]string{"Fabrikam SARL", "Ada", "Lovelace", "ada@fabrikam.example", "FR",
			"+33 1 23 45 67 89", "1 rue de Rivoli", "Paris", "75001"},
		[]string{"oui", admin, "wrong-password", admin, password},
		[]string{"oui"}, // payer, une fois la commande relue
	)...)

	code := out.waitFor(t, regexp.MustCompile(`Saisissez-y ce code : ([A-Z0-9]{9})`), done)
	if err := w.ms.ApproveDeviceSignIn(code[1], admin, password, sandbox.MFADemoCode); err != nil {
		t.Fatal(err)
	}
	out.waitFor(t, regexp.MustCompile(`En attente de la confirmation de l’invitation par Microsoft… \(vérification automatique`), done)
	if err := w.ms.AcceptInvitation(admin, password); err != nil {
		t.Fatal(err)
	}
	out.waitFor(t, regexp.MustCompile(`En attente de l’approbation de la relation d’administration`), done)
	if err := w.ms.ApproveGDAP("fabrikam.onmicrosoft.com", admin, password); err != nil {
		t.Fatal(err)
	}
	m := out.waitFor(t, regexp.MustCompile(`/checkout/([^\s/]+)[\s\S]*En attente du paiement`), done)
	if _, err := w.pay.Pay(m[1], "4242424242424242"); err != nil {
		t.Fatal(err)
	}
	got := finished(t, out, done)
	mustContain(t, got,
		"1. Anmelden", "4. Français", // the first question, in the kiosk's German
		"1. S’inscrire", "2. Payer une commande existante", "3. English", "4. Deutsch",
		"Étape 1 sur 11 : Licences", "Choisissez entre 1 et 300 licences",
		"10 × Microsoft 365 Business Premium à 20,60 € par mois", "Total : 206,00 € par mois.",
		"Cela n’a pas abouti", "multifacteur",
		"Connecté en tant que admin@fabrikam.onmicrosoft.com", "Invitation acceptée.",
		"Relation d’administration approuvée.", "Payé. Merci.",
		"Votre essai a été converti", "Terminé. Numéro de commande")
	// Each step of the setting up is said once as it starts and once as
	// it is done: a screen reader reads every line.
	setup := got[strings.Index(got, "Étape 10 sur 11"):strings.Index(got, "Étape 11 sur 11")]
	seen := map[string]bool{}
	for _, line := range strings.Split(setup, "\n") {
		if line != "" && seen[line] {
			t.Errorf("said twice: %q\n%s", line, setup)
		}
		seen[line] = true
	}
	mustContain(t, setup, "Import des domaines…\nImport des domaines : c’est fait (2 sur 2).\n",
		"Mise en place de Microsoft 365 Business Premium…\nMise en place de Microsoft 365 Business Premium : c’est fait.\n")
	// What onboard says is French, the number prompts of its choices
	// included (huh's select would ask "Enter a number between…").
	for _, english := range []string{"Step ", "Waiting for", "Total:", "Sign in", "Signed in", "Invitation accepted", "Done.", "Enter a number"} {
		if strings.Contains(got, english) {
			t.Errorf("English %q left in the French flow:\n%s", english, got)
		}
	}
	orders, err := w.db.ListOrders(ctx, flow.OrderFilter{})
	if err != nil || len(orders) != 1 || orders[0].Status != flow.StatusCompleted {
		t.Fatalf("orders: %+v %v", orders, err)
	}
	// The customer is kept with the language: Microsoft is told it.
	c, err := w.db.GetCustomer(ctx, orders[0].CustomerID)
	if err != nil || c.Language != "fr" {
		t.Errorf("customer language = %q (%v), want fr", c.Language, err)
	}
}
