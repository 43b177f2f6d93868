package plain_test

import (
	"bytes"
	"context"
	"net/http/httptest"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"testing/iotest"
	"time"

	"onboard/flow"
	"onboard/msapi"
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

func TestPipedCustomerFlowCompletesOnTheSandbox(t *testing.T) {
	ctx := context.Background()
	ms, err := sandbox.New(sandbox.Options{PageSize: 5, NorthwindUsers: 10})
	if err != nil {
		t.Fatal(err)
	}
	msSrv := httptest.NewServer(ms)
	t.Cleanup(msSrv.Close)
	pay := paysandbox.NewServer(paysandbox.Options{})
	paySrv := httptest.NewServer(pay)
	t.Cleanup(paySrv.Close)
	u, cr := ms.URLs(msSrv.URL), ms.Credentials()
	cli, err := msapi.New(msapi.Config{
		PartnerCenterURL: u.PartnerCenter, GraphURL: u.Graph, LoginURL: u.Login,
		PartnerTenantID: cr.PartnerTenantID, ClientID: cr.ClientID, ClientSecret: cr.ClientSecret,
		RefreshToken: cr.RefreshToken, PublicClientID: cr.PublicClientID, PageSize: 4,
		BaseBackoff: 1, MaxBackoff: 1, MaxAttempts: 8,
	})
	if err != nil {
		t.Fatal(err)
	}
	db, err := store.Open(ctx, filepath.Join(t.TempDir(), "onboard.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	svc := &flow.Service{MS: cli, Store: db, Pay: paysandbox.NewClient(paySrv.URL, "", paySrv.Client()),
		Catalog: flow.DefaultCatalog(), Policy: flow.PolicyPayFirst, Actor: flow.Actor{Kind: flow.ActorCustomer, Name: "test"}}

	const admin, password = "admin@fabrikam.onmicrosoft.com", "Fabrikam-Admin-1"
	answers := strings.Join([]string{
		"3", "0", "10", "n", // Business Premium; a refused seat count, then 10; no other product
		"Fabrikam Ltd", "Ada", "Lovelace", "ada@fabrikam.example", "GB",
		"+44 20 7946 0958", "1 Main Street", "London", "SW1A 1AA", "",
		"y",
		admin, "wrong-password", admin, password,
	}, "\n") + "\n"
	out := &watched{changed: make(chan struct{}, 1)}
	done := make(chan error, 1)
	go func() {
		done <- plain.Run(ctx, plain.Options{Backend: svc, Catalog: svc.Catalog,
			In: iotest.OneByteReader(strings.NewReader(answers)), Out: out, Poll: time.Millisecond})
	}()

	out.waitFor(t, regexp.MustCompile(`Waiting for Microsoft to confirm the invitation… \(checked 1 time`), done)
	if err := ms.AcceptInvitation(admin, password); err != nil {
		t.Fatal(err)
	}
	m := out.waitFor(t, regexp.MustCompile(`/checkout/([^\s/]+)[\s\S]*Waiting for the payment`), done)
	if _, err := pay.Pay(m[1], "4242424242424242"); err != nil {
		t.Fatal(err)
	}
	if err := <-done; err != nil {
		t.Fatalf("flow: %v\n%s", err, out.String())
	}
	got := out.String()
	for _, want := range []string{"Step 1 of 10: Licenses", "That did not work", "Invitation accepted.", "Paid. Thank you.", "Done. Order number"} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %q:\n%s", want, got)
		}
	}
	if strings.ContainsRune(got, '\x1b') {
		t.Errorf("output has escape sequences:\n%q", got)
	}
	if strings.Contains(got, password) {
		t.Error("the password was echoed")
	}
	orders, err := db.ListOrders(ctx, flow.OrderFilter{})
	if err != nil || len(orders) != 1 || orders[0].Status != flow.StatusCompleted {
		t.Fatalf("orders: %+v %v", orders, err)
	}
}
