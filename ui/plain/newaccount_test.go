package plain_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"onboard/flow"
	"onboard/ui/plain"
)

// A customer without a Microsoft account asks for a taken name, takes the
// first free suggestion, gets the new administrator's password once, pays
// and is set up; the password is nowhere in the database.
func TestPipedNewAccountPathCreatesTheTenantAndShowsThePasswordOnce(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	out, done := w.run(plain.Options{}, answers(
		[]string{"1", "3", "10", "", "n"},
		[]string{"2", "contoso", "1"}, // a new account; contoso is taken; the first suggestion
		details,
		[]string{"y", "y", ""}, // the agreement; create now; the password is written down
		[]string{"y"},          // pay, once the order is read back
	)...)
	w.payCheckout(t, out, done)
	got := finished(t, out, done)
	mustContain(t, got, "Step 3 of 8: Your details", "contoso.onmicrosoft.com is taken. These are free:",
		"Tax, where it applies, is shown on the payment page before you pay.", "now on the payment page?",
		"Your Microsoft account is ready.", "it is shown only once", "Paid. Thank you.", "Done. Order number")
	m := regexp.MustCompile(`Password: (\S+)`).FindStringSubmatch(got)
	if m == nil {
		t.Fatalf("no password shown:\n%s", got)
	}
	password := m[1]
	if n := strings.Count(got, password); n != 1 {
		t.Errorf("the password shows %d times, want once", n)
	}

	orders, err := w.db.ListOrders(ctx, flow.OrderFilter{})
	if err != nil || len(orders) != 1 {
		t.Fatalf("orders: %+v %v", orders, err)
	}
	o := orders[0]
	if o.Status != flow.StatusCompleted || o.TenantID == "" || !strings.HasPrefix(o.TenantDomain, "contoso") ||
		o.TenantDomain == "contoso.onmicrosoft.com" {
		t.Fatalf("order: %+v", o)
	}
	if !strings.Contains(got, "Domain: "+o.TenantDomain) {
		t.Errorf("the new domain %s is not read out:\n%s", o.TenantDomain, got)
	}
	w.db.Close() // flush the write-ahead log into the files read below
	files, _ := filepath.Glob(filepath.Join(w.dbDir, "*"))
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(b, []byte(password)) {
			t.Errorf("the administrator's password is in %s", filepath.Base(f))
		}
	}
}
