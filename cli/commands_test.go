package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/adrg/xdg"
	"github.com/charmbracelet/x/exp/golden"

	"onboard/flow"
	"onboard/msapi/partnercenter"
	"onboard/msapi/sandbox"
	paysandbox "onboard/payment/sandbox"
	"onboard/store"
)

var fixedNow = time.Date(2026, 11, 24, 9, 30, 0, 0, time.UTC)

// isolate points configuration and data at temp directories.
func isolate(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	t.Setenv("XDG_CONFIG_HOME", filepath.Join(dir, "config"))
	t.Setenv("XDG_DATA_HOME", filepath.Join(dir, "data"))
	t.Setenv("XDG_STATE_HOME", filepath.Join(dir, "state"))
	t.Setenv("NO_COLOR", "1")
	for _, s := range []string{"ONBOARD_MODE", "ONBOARD_MICROSOFT", "ONBOARD_DB", "ONBOARD_ORDER_FLOW"} {
		t.Setenv(s, "")
	}
	xdg.Reload()
	t.Cleanup(xdg.Reload)
	return filepath.Join(dir, "onboard.db")
}

// seedOrders makes a database with one completed order (fabrikam) and one
// awaiting payment (contoso), through the real flow against the sandbox.
func seedOrders(t *testing.T, path string) {
	t.Helper()
	ctx := context.Background()
	ms, err := sandbox.New(sandbox.Options{NorthwindUsers: 10})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(ms)
	defer srv.Close()
	pay := paysandbox.NewServer(paysandbox.Options{Now: func() time.Time { return fixedNow }})
	psrv := httptest.NewServer(pay)
	defer psrv.Close()
	u, cr := ms.URLs(srv.URL), ms.Credentials()
	cli, err := partnercenter.New(partnercenter.Config{PartnerCenterURL: u.PartnerCenter, GraphURL: u.Graph, LoginURL: u.Login,
		PartnerTenantID: cr.PartnerTenantID, ClientID: cr.ClientID, ClientSecret: cr.ClientSecret,
		RefreshToken: cr.RefreshToken, PublicClientID: cr.PublicClientID})
	if err != nil {
		t.Fatal(err)
	}
	db, err := store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	now := fixedNow // the contoso order comes an hour later, so lists have one order
	clock := func() time.Time { return now }
	db.SetClock(clock)
	svc := &flow.Service{MS: cli, Store: db, Pay: paysandbox.NewClient(psrv.URL, "", nil), Catalog: flow.DefaultCatalog(),
		Actor: flow.Actor{Kind: flow.ActorAgent, Name: "alice"}, Now: clock}
	order := func(domain, company, login, password, offer string, seats int) flow.Order {
		a := flow.Answers{Mode: flow.ModeCustomer, Account: flow.AccountExisting,
			Lines: []flow.LineChoice{{OfferID: offer, Seats: seats}}, Company: company, FirstName: "Ada",
			LastName: "Lovelace", Email: "ada@" + company[:4] + ".example", Phone: "+44 20 7946 0958", PhoneCountry: "GB",
			Address:    flow.Address{Line1: "1 Main Street", City: "London", PostalCode: "SW1A 1AA", Country: "GB"},
			AdminLogin: login, Domain: domain, AgreementAccepted: true, AgreementDate: fixedNow}
		o, err := svc.CreateOrder(ctx, a)
		if err != nil {
			t.Fatal(err)
		}
		if err := ms.AcceptInvitation(login, password); err != nil {
			t.Fatal(err)
		}
		c, err := svc.CheckConsent(ctx, o.ID)
		if err != nil || !c.Accepted {
			t.Fatal(c.Accepted, err)
		}
		return c.Order
	}
	fab := order("fabrikam.onmicrosoft.com", "Fabrikam Inc", "admin@fabrikam.onmicrosoft.com", "Fabrikam-Admin-1", "m365-business-premium", 10)
	sess, err := svc.StartPayment(ctx, fab.ID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := pay.Pay(sess.ID, "4242424242424242"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := svc.CheckPayment(ctx, fab.ID, sess.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Process(ctx, fab.ID, nil); err != nil {
		t.Fatal(err)
	}
	now = fixedNow.Add(time.Hour)
	order("contoso.onmicrosoft.com", "Contoso Ltd", "admin@contoso.onmicrosoft.com", "Contoso-Admin-1", "o365-e3", 5)
}

var (
	uuidRE     = regexp.MustCompile(`[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}`)
	checkoutRE = regexp.MustCompile(`cs_[A-Za-z0-9_-]+`)
	paymentRE  = regexp.MustCompile(`pay_[A-Z0-9]+`)
)

// stable replaces generated ids, which differ on every run.
func stable(b []byte) []byte {
	b = uuidRE.ReplaceAll(b, []byte("<uuid>"))
	b = checkoutRE.ReplaceAll(b, []byte("<checkout>"))
	return paymentRE.ReplaceAll(b, []byte("<payment>"))
}

func run(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errb bytes.Buffer
	code = Run(context.Background(), "test", args, &out, &errb)
	return out.String(), errb.String(), code
}

func TestCommandOutputs(t *testing.T) {
	db := isolate(t)
	seedOrders(t, db)
	fabrikam := customerID(t, db, "Fabrikam Inc")
	cases := []struct {
		name string
		args []string
	}{
		{"customers-show", []string{"customers", "show", fabrikam}},
		{"customers-show-json", []string{"customers", "show", fabrikam, "--json"}},
		{"orders-list", []string{"orders", "list"}},
		{"orders-list-json", []string{"orders", "list", "--json"}},
		{"orders-list-awaiting", []string{"orders", "list", "--status", "awaiting_payment"}},
		{"orders-show", []string{"orders", "show", "ORD-000001"}},
		{"orders-show-json", []string{"orders", "show", "ord-000002", "--json"}},
		{"customers-list", []string{"customers", "list"}},
		{"customers-list-json", []string{"customers", "list", "--json"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out, errOut, code := run(t, append(c.args, "--db", db)...)
			if code != ExitOK {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			golden.RequireEqual(t, stable([]byte(out)))
		})
	}
}

// customerID finds a customer's id (random) by company through the JSON list.
func customerID(t *testing.T, db, company string) string {
	t.Helper()
	out, errOut, code := run(t, "customers", "list", "--json", "--db", db)
	if code != ExitOK {
		t.Fatalf("customers list: %d %s", code, errOut)
	}
	var rows []customerRow
	if err := json.Unmarshal([]byte(out), &rows); err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		if r.Company == company {
			return r.ID
		}
	}
	t.Fatalf("no customer %q in %s", company, out)
	return ""
}

func TestExitCodes(t *testing.T) {
	db := isolate(t)
	seedOrders(t, db)
	cases := []struct {
		args []string
		want int
	}{
		{[]string{"orders", "show", "ORD-999999"}, ExitNotFound},
		{[]string{"orders", "list", "--status", "lost"}, ExitUsage},
		{[]string{"orders", "list", "--since", "last tuesday"}, ExitUsage},
		{[]string{"orders", "show"}, ExitUsage},
		{[]string{"orders", "list", "--bogus"}, ExitUsage},
		{[]string{"orders", "cancel", "ORD-000001"}, ExitConflict}, // completed is final
		{[]string{"orders", "invite", "ORD-000001"}, ExitConflict}, // nothing left to accept
		{[]string{"customers", "show", "nobody"}, ExitNotFound},
	}
	for _, c := range cases {
		_, errOut, code := run(t, append(c.args, "--db", db)...)
		if code != c.want {
			t.Errorf("%v: exit %d, want %d (%s)", c.args, code, c.want, errOut)
		}
	}
}

func TestConfigCommand(t *testing.T) {
	isolate(t)
	t.Setenv("ONBOARD_CLIENT_SECRET", "do-not-print-me")
	t.Setenv("ONBOARD_PROVIDER", "Acme Cloud")
	// The database in use is shown: under a data directory of a fixed
	// length, so the golden's columns do not move with the temp dir's name.
	data := filepath.Join(os.TempDir(), "onboard-config-golden")
	os.RemoveAll(data)
	t.Cleanup(func() { os.RemoveAll(data) })
	t.Setenv("XDG_DATA_HOME", data)
	xdg.Reload()
	out, errOut, code := run(t, "config", "--order-flow", "manual-approval")
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	golden.RequireEqual(t, regexp.MustCompile(`/tmp/\S+`).ReplaceAll([]byte(out), []byte("<tmp>")))
}

func TestDoctor(t *testing.T) {
	db := isolate(t)
	t.Setenv("BROWSER", "true")
	out, errOut, code := run(t, "doctor", "--db", db)
	if code != ExitOK {
		t.Fatalf("exit %d: %s\n%s", code, out, errOut)
	}
	for _, want := range []string{"ok    database", "schema version", "ok    microsoft", "ok    browser"} {
		if !strings.Contains(out, want) {
			t.Errorf("doctor output lacks %q:\n%s", want, out)
		}
	}
	t.Setenv("BROWSER", "")
	t.Setenv("DISPLAY", "")
	t.Setenv("WAYLAND_DISPLAY", "")
	// Headless: a warning, not a failure; the link and QR code work there.
	if out, _, code := run(t, "doctor", "--db", db); code != ExitOK || !strings.Contains(out, "warn  browser") || !strings.Contains(out, "Ready.") {
		t.Fatalf("no display: exit %d\n%s", code, out)
	}
	// A terminal browser in $BROWSER is never started over the wizard.
	t.Setenv("BROWSER", "lynx")
	if out, _, code := run(t, "doctor", "--db", db); code != ExitOK || !strings.Contains(out, "warn  browser") || !strings.Contains(out, "runs in the terminal") {
		t.Fatalf("BROWSER=lynx: exit %d\n%s", code, out)
	}
}
