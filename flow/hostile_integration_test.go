package flow_test

import (
	"bytes"
	"context"
	"onboard/internal/testworld"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"onboard/cli"
	"onboard/flow"
	"onboard/msapi/sandbox"
)

// TestHostileTenantNeverReachesTheTerminal imports hostile.onmicrosoft.com,
// whose every name carries terminal escapes, through the real client, the
// flow and SQLite, then runs the CLI's list and show commands on that
// database: what they print holds no escape, C1 control or bidi override.
func TestHostileTenantNeverReachesTheTerminal(t *testing.T) {
	ctx := context.Background()
	dbPath := filepath.Join(t.TempDir(), "onboard.db")
	m := testworld.NewMicrosoft(t, sandbox.Options{NorthwindUsers: 3})
	svc, db := m.Service(t, dbPath)
	svc.Actor = flow.Actor{Kind: flow.ActorKiosk, Name: "kiosk"}

	a := flow.Answers{
		Mode: flow.ModeCustomer, Account: flow.AccountExisting,
		Lines:   []flow.LineChoice{{OfferID: "m365-business-basic", Seats: 3}},
		Company: "Hostile Corp", FirstName: "Ada", LastName: "Lovelace", Email: "ada@hostile.example",
		Phone: "+1 415 555 0100", PhoneCountry: "US",
		Address:    flow.Address{Line1: "1 Main Street", City: "Springfield", State: "IL", PostalCode: "62701", Country: "US"},
		AdminLogin: "admin@hostile.onmicrosoft.com", Domain: "hostile.onmicrosoft.com", AgreementAccepted: true,
	}
	o, err := m.SignUp(ctx, svc, a, "Hostile-Admin-1")
	if err != nil {
		t.Fatal(err)
	}
	res, err := svc.Process(ctx, o.ID, nil)
	if err != nil {
		t.Fatalf("process: %v", err)
	}

	// The hostile text really was imported: otherwise this test proves nothing.
	users, err := db.ListUsers(ctx, res.Order.TenantID)
	if err != nil {
		t.Fatal(err)
	}
	var raw strings.Builder
	for _, u := range users {
		raw.WriteString(u.DisplayName + u.UPN)
	}
	if len(users) != 6 || !strings.Contains(raw.String(), "\x1b]52;") {
		t.Fatalf("imported %d users without the hostile names", len(users))
	}
	// Whatever path stores Microsoft's own text later (its company name, a
	// user's display name in an audit detail), the CLI must still neutralise
	// it: store some directly.
	msCustomer, err := svc.MS.FindCustomerByDomain(ctx, a.Domain)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(msCustomer.CompanyName, "\x1b[2J") {
		t.Fatalf("the sandbox company name is not hostile: %q", msCustomer.CompanyName)
	}
	stored := flow.Customer{CompanyName: msCustomer.CompanyName, FirstName: users[1].DisplayName, LastName: users[2].DisplayName,
		Email: users[3].UPN, Domain: msCustomer.Domain}
	if err := db.CreateCustomer(ctx, &stored); err != nil {
		t.Fatal(err)
	}
	if err := db.Audit(ctx, flow.AuditEvent{OrderID: o.ID, Action: "test.hostile", Actor: flow.Actor{Kind: flow.ActorCustomer, Name: "kiosk"},
		Detail: users[0].DisplayName + " " + raw.String()}); err != nil {
		t.Fatal(err)
	}
	db.Close()

	isolateCLI(t, dbPath)
	for _, args := range [][]string{
		{"customers", "list"}, {"customers", "list", "--json"},
		{"customers", "show", o.CustomerID}, {"customers", "show", stored.ID}, {"customers", "show", stored.ID, "--json"},
		{"orders", "list"}, {"orders", "list", "--json"},
		{"orders", "show", o.Number}, {"orders", "show", o.Number, "--json"},
	} {
		var stdout, stderr bytes.Buffer
		if code := cli.Run(ctx, "test", args, &stdout, &stderr); code != 0 {
			t.Fatalf("onboard %s: exit %d: %s", strings.Join(args, " "), code, stderr.String())
		}
		assertTerminalSafe(t, strings.Join(args, " "), stdout.String()+stderr.String())
	}
}

// assertTerminalSafe fails when out holds anything a terminal would
// interpret rather than print.
func assertTerminalSafe(t *testing.T, what, out string) {
	t.Helper()
	if !utf8.ValidString(out) {
		t.Errorf("%s: output is not valid UTF-8", what)
	}
	for i, r := range out {
		bad := r == 0x1b || r >= 0x80 && r <= 0x9f || r >= 0x202a && r <= 0x202e || r >= 0x2066 && r <= 0x2069 ||
			r < 0x20 && r != '\n' && r != '\t' || r == 0x7f
		if bad {
			t.Errorf("%s: output holds %U at byte %d: %q", what, r, i, out[max(0, i-40):min(len(out), i+40)])
			return
		}
	}
}

// isolateCLI points the CLI at dbPath with configuration, data and logs in
// temp directories.
func isolateCLI(t *testing.T, dbPath string) {
	dir := t.TempDir()
	t.Setenv("XDG_CONFIG_HOME", filepath.Join(dir, "config"))
	t.Setenv("XDG_DATA_HOME", filepath.Join(dir, "data"))
	t.Setenv("XDG_STATE_HOME", filepath.Join(dir, "state"))
	t.Setenv("ONBOARD_DB", dbPath)
	t.Setenv("ONBOARD_LOG_FILE", filepath.Join(dir, "onboard.log"))
	t.Setenv("NO_COLOR", "1")
}
