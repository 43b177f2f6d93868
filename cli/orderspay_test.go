package cli

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"onboard/flow"
	"onboard/internal/testworld"
)

// TestOrdersPayThenProcess: an order an agent left awaiting payment is paid
// with `onboard orders pay` on the checkout page and then processed.
func TestOrdersPayThenProcess(t *testing.T) {
	db := isolate(t)
	ctx := context.Background()
	const domain = "contoso.onmicrosoft.com"
	e := openTestEnv(t, db)
	a := testworld.Answers(domain, "admin@"+domain, "o365-e3", 3)
	o, err := e.svc.CreateOrder(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	if err := testworld.AcceptAndApproveGDAP(ctx, e.svc, e.sb.ms, o.ID, a.AdminLogin, "Contoso-Admin-1"); err != nil {
		t.Fatal(err)
	}
	e.close() // the customer accepted; nobody has looked since

	pr, pw := io.Pipe()
	var out strings.Builder
	done := make(chan int, 1)
	go func() {
		done <- Run(ctx, "test", []string{"orders", "pay", o.Number, "--no-browser", "--db", db}, &out, pw)
		pw.Close()
	}()
	checkout := readCheckoutURL(t, pr)
	payOnPage(t, checkout, testworld.TestCard)
	go io.Copy(io.Discard, pr)
	if code := <-done; code != ExitOK {
		t.Fatalf("orders pay: exit %d\n%s", code, out.String())
	}
	if !strings.Contains(out.String(), "Order "+o.Number+" completed.") {
		t.Fatalf("stdout: %q", out.String())
	}
	e = openTestEnv(t, db)
	defer e.close()
	got, err := e.db.GetOrder(ctx, o.ID)
	if err != nil || got.Status != flow.StatusCompleted || got.Lines[0].SubscriptionID == "" {
		t.Fatalf("order after pay: %+v %v", got, err)
	}
}

var checkoutURLRE = regexp.MustCompile(`https?://\S+/pay/checkout/\S+`)

// readCheckoutURL reads the command's messages until it prints the checkout.
func readCheckoutURL(t *testing.T, r io.Reader) string {
	t.Helper()
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		if u := checkoutURLRE.FindString(sc.Text()); u != "" {
			return u
		}
	}
	t.Fatal("orders pay printed no checkout URL")
	return ""
}

var csrfRE = regexp.MustCompile(`name="csrf_token" value="([^"]+)"`)

// payOnPage fills the hosted checkout form as a customer's browser would.
func payOnPage(t *testing.T, page, card string) {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar}
	resp, err := c.Get(page)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	m := csrfRE.FindSubmatch(body)
	if m == nil {
		t.Fatalf("no form on %s", page)
	}
	resp, err = c.PostForm(page, url.Values{"csrf_token": {string(m[1])}, "number": {card}, "exp": {"12/30"}, "cvc": {"123"}, "name": {"Ada Lovelace"}})
	if err != nil {
		t.Fatal(err)
	}
	body, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(body), "Payment received") {
		t.Fatalf("checkout did not take the payment:\n%s", body)
	}
}

// TestOrdersPayJSON: `orders pay --json` prints the completed order as
// `orders show --json` does on stdout, and its messages on stderr.
func TestOrdersPayJSON(t *testing.T) {
	db := isolate(t)
	ctx := context.Background()
	const domain = "contoso.onmicrosoft.com"
	e := openTestEnv(t, db)
	a := testworld.Answers(domain, "admin@"+domain, "o365-e3", 3)
	o, err := e.svc.CreateOrder(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	if err := testworld.AcceptAndApproveGDAP(ctx, e.svc, e.sb.ms, o.ID, a.AdminLogin, "Contoso-Admin-1"); err != nil {
		t.Fatal(err)
	}
	e.close()

	pr, pw := io.Pipe()
	var out strings.Builder
	done := make(chan int, 1)
	go func() {
		done <- Run(ctx, "test", []string{"orders", "pay", o.Number, "--no-browser", "--json", "--db", db}, &out, pw)
		pw.Close()
	}()
	payOnPage(t, readCheckoutURL(t, pr), testworld.TestCard)
	rest := make(chan string, 1)
	go func() {
		b, _ := io.ReadAll(pr)
		rest <- string(b)
	}()
	if code := <-done; code != ExitOK {
		t.Fatalf("orders pay --json: exit %d\n%s", code, out.String())
	}
	if msgs := <-rest; !strings.Contains(msgs, "Order "+o.Number+" completed.") {
		t.Errorf("stderr lacks the result:\n%s", msgs)
	}
	var d orderDetail
	if err := json.Unmarshal([]byte(out.String()), &d); err != nil {
		t.Fatalf("stdout is not the order as JSON: %v\n%s", err, out.String())
	}
	if d.Number != o.Number || d.Status != flow.StatusCompleted || len(d.Payments) != 1 || d.Lines[0].SubscriptionID == "" {
		t.Errorf("order: %+v", d)
	}
}

// TestOrdersPayManualApproval: a paid manual-approval order says how to
// approve it; the approval processes it; a second approval changes nothing.
func TestOrdersPayManualApproval(t *testing.T) {
	db := isolate(t)
	ctx := context.Background()
	const domain = "contoso.onmicrosoft.com"
	e := openTestEnv(t, db)
	e.svc.Policy = flow.PolicyManualApproval
	a := testworld.Answers(domain, "admin@"+domain, "o365-e3", 3)
	o, err := e.svc.CreateOrder(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	if err := testworld.AcceptAndApproveGDAP(ctx, e.svc, e.sb.ms, o.ID, a.AdminLogin, "Contoso-Admin-1"); err != nil {
		t.Fatal(err)
	}
	e.close()

	pr, pw := io.Pipe()
	var out strings.Builder
	done := make(chan int, 1)
	go func() {
		done <- Run(ctx, "test", []string{"orders", "pay", o.Number, "--no-browser", "--db", db}, &out, pw)
		pw.Close()
	}()
	payOnPage(t, readCheckoutURL(t, pr), testworld.TestCard)
	go io.Copy(io.Discard, pr)
	if code := <-done; code != ExitOK {
		t.Fatalf("orders pay: exit %d\n%s", code, out.String())
	}
	if want := "Order " + o.Number + " is paid and waits for approval: onboard orders approve " + o.Number; !strings.Contains(out.String(), want) {
		t.Fatalf("stdout %q lacks %q", out.String(), want)
	}
	checkRun(t, db, []string{"orders", "approve", o.Number}, ExitOK, "Order "+o.Number+" completed.", "Approved "+o.Number+".")
	checkRun(t, db, []string{"orders", "approve", o.Number}, ExitConflict, "", "order "+o.Number+" is already approved; it is completed")
}
