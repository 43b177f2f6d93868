package plain_test

import (
	"bytes"
	"context"
	"errors"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"testing/iotest"
	"time"

	"onboard/flow"
	"onboard/internal/testworld"
	"onboard/msapi/partnercenter"
	"onboard/msapi/sandbox"
	paysandbox "onboard/payment/sandbox"
	"onboard/store"
	"onboard/ui/plain"
)

// watched is the output a test reads while the flow runs: it wakes the
// test whenever something was written.
type watched struct {
	mu      sync.Mutex
	buf     bytes.Buffer
	changed chan struct{}
}

func (w *watched) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	n, err := w.buf.Write(p)
	select {
	case w.changed <- struct{}{}:
	default:
	}
	return n, err
}

func (w *watched) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.String()
}

// waitFor blocks until the output matches re or the flow ended.
func (w *watched) waitFor(t *testing.T, re *regexp.Regexp, done <-chan error) []string {
	t.Helper()
	for {
		if m := re.FindStringSubmatch(w.String()); m != nil {
			return m
		}
		select {
		case <-w.changed:
		case err := <-done:
			t.Fatalf("the flow ended (%v) before %s:\n%s", err, re, w.String())
		}
	}
}

// world is the real flow.Service on the sandbox Microsoft, the sandbox
// payments and a SQLite store in a temporary directory.
type world struct {
	m     *testworld.Microsoft
	svc   *flow.Service
	ms    *sandbox.Sandbox
	pay   *paysandbox.Server
	db    *store.DB
	dbDir string
}

func newWorld(t *testing.T) *world {
	t.Helper()
	// GDAP is on, as with the embedded sandbox: sign-ups approve it.
	m := testworld.NewMicrosoft(t, sandbox.Options{PageSize: 5, NorthwindUsers: 10, EnforceGDAP: true})
	dir := t.TempDir()
	svc, db := m.Service(t, filepath.Join(dir, "onboard.db"))
	// Small pages and instant retries: paging and injected faults are exercised fast.
	svc.MS = m.Client(t, func(c *partnercenter.Config) { c.PageSize, c.BaseBackoff, c.MaxBackoff, c.MaxAttempts = 4, 1, 1, 8 })
	// The password setting; the sign-in on Microsoft's page has its own test.
	svc.AdminSignIn = flow.SignInPassword
	svc.GDAP = testworld.GDAPSettings()
	return &world{m: m, svc: svc, ms: m.MS, pay: m.Pay, db: db, dbDir: dir}
}

// approveGDAP waits until the session asks for the admin relationship's
// approval, then approves it as admin on the approval page.
func (w *world) approveGDAP(t *testing.T, out *watched, done <-chan error, admin, password string) {
	t.Helper()
	out.waitFor(t, regexp.MustCompile(`Waiting for the admin relationship to be approved`), done)
	_, domain, _ := strings.Cut(admin, "@")
	if err := w.ms.ApproveGDAP(domain, admin, password); err != nil {
		t.Fatalf("approve GDAP: %v", err)
	}
}

// run starts the line prompts on answers; the returned channel gets Run's result.
func (w *world) run(opts plain.Options, answers ...string) (*watched, <-chan error) {
	out := &watched{changed: make(chan struct{}, 1)}
	done := make(chan error, 1)
	opts.Backend, opts.Catalog = w.svc, w.svc.Catalog
	opts.In = iotest.OneByteReader(strings.NewReader(strings.Join(answers, "\n") + "\n"))
	opts.Out = out
	if opts.Poll == 0 {
		opts.Poll = time.Millisecond
	}
	go func() { done <- plain.Run(context.Background(), opts) }()
	return out, done
}

// payCheckout waits for the checkout page's address and pays on it.
func (w *world) payCheckout(t *testing.T, out *watched, done <-chan error) {
	t.Helper()
	m := out.waitFor(t, regexp.MustCompile(`/checkout/([^\s/]+)[\s\S]*Waiting for the payment`), done)
	if _, err := w.pay.Pay(m[1], testworld.TestCard); err != nil {
		t.Fatal(err)
	}
}

func finished(t *testing.T, out *watched, done <-chan error) string {
	t.Helper()
	if err := <-done; err != nil {
		t.Fatalf("flow: %v\n%s", err, out.String())
	}
	got := out.String()
	if strings.ContainsRune(got, '\x1b') {
		t.Errorf("output has escape sequences:\n%q", got)
	}
	return got
}

func mustContain(t *testing.T, got string, wants ...string) {
	t.Helper()
	for _, want := range wants {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %q:\n%s", want, got)
		}
	}
}

// details are the customer's details, as typed.
var details = []string{
	"Fabrikam Ltd", "Ada", "Lovelace", "ada@fabrikam.example", "GB",
	"+44 20 7946 0958", "1 Main Street", "London", "SW1A 1AA",
}

func answers(parts ...[]string) []string {
	var out []string
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

func TestPipedCustomerFlowCompletesOnTheSandbox(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	const admin, password = "admin@fabrikam.onmicrosoft.com", "Fabrikam-Admin-1"
	out, done := w.run(plain.Options{}, answers(
		[]string{"1"},                     // sign up
		[]string{"3", "0", "10", "", "n"}, // Business Premium; a refused seat count, then 10; the default term; no other product
		[]string{"1"},                     // the existing account
		details,
		[]string{"y", admin, "wrong-password", admin, password},
		[]string{"y"}, // pay, once the order is read back
	)...)

	// Security defaults: the right password meets MFA, and the sign-in
	// moves to the sign-in page, printed as lines.
	code := out.waitFor(t, regexp.MustCompile(`Enter this code there: ([A-Z0-9]{9})`), done)
	if err := w.ms.ApproveDeviceSignIn(code[1], admin, password, sandbox.MFADemoCode); err != nil {
		t.Fatal(err)
	}
	out.waitFor(t, regexp.MustCompile(`Waiting for Microsoft to confirm the invitation… \(checking by itself`), done)
	if err := w.ms.AcceptInvitation(admin, password); err != nil {
		t.Fatal(err)
	}
	w.approveGDAP(t, out, done, admin, password)
	w.payCheckout(t, out, done)
	got := finished(t, out, done)
	mustContain(t, got, "1. Sign up", "2. Pay for an existing order", "Step 1 of 11: Licenses",
		"That did not work", "multi-factor authentication", "Signed in as admin@fabrikam.onmicrosoft.com", "Invitation accepted.", "Paid. Thank you.", "Done. Order number",
		"10 × Microsoft 365 Business Premium at €20.60 a month", "Total: €206.00 per month.")
	if strings.Contains(got, password) {
		t.Error("the password was echoed")
	}
	orders, err := w.db.ListOrders(ctx, flow.OrderFilter{})
	if err != nil || len(orders) != 1 || orders[0].Status != flow.StatusCompleted {
		t.Fatalf("orders: %+v %v", orders, err)
	}
}

func TestAnswersThatRunOutStopTheFlow(t *testing.T) {
	w := newWorld(t)
	// The details are cut short: every later prompt would take its
	// default for ever if the end of the input went unnoticed.
	out, done := w.run(plain.Options{}, "1", "3", "10", "", "n", "1", "Fabrikam Ltd", "Ada")
	if err := <-done; !errors.Is(err, plain.ErrInputEnded) {
		t.Fatalf("Run = %v, want ErrInputEnded\n%s", err, out.String())
	}
}

// The country is typed as its name or its code: a screen reader user has
// no list to pick it from. A national number is then checked as one of
// that country's.
func TestPipedCountryByName(t *testing.T) {
	w := newWorld(t)
	out, done := w.run(plain.Options{}, "1", "3", "10", "", "n", "1",
		"Fabrikam Ltd", "Ada", "Lovelace", "ada@fabrikam.example", "Narnia", "switzerland", "044 668 18 00", "Bahnhofstrasse 1")
	if err := <-done; !errors.Is(err, plain.ErrInputEnded) {
		t.Fatalf("Run = %v, want ErrInputEnded\n%s", err, out.String())
	}
	got := out.String()
	mustContain(t, got, "nter the name of the country or its two-letter code", "City")
	if n := strings.Count(got, "nter the name of the country or its two-letter code"); n != 1 {
		t.Errorf("the country was refused %d times, want once (Narnia):\n%s", n, got)
	}
	if strings.Contains(got, "too short") || strings.Contains(got, "too long") {
		t.Errorf("a Swiss number was refused:\n%s", got)
	}
}
