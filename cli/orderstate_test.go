package cli

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"onboard/flow"
	"onboard/internal/testworld"
)

// A command that changes nothing says so on stderr, prints nothing on
// stdout, and exits 4.
func TestOrderCommandsThatChangeNothing(t *testing.T) {
	db := isolate(t)
	seedOrders(t, db) // ORD-000001 completed, ORD-000002 awaiting payment (pay-first)
	steps := []struct {
		args   []string
		code   int
		stdout string // contained; "" means empty
		stderr string
	}{
		{[]string{"orders", "approve", "ORD-000002"}, ExitConflict, "", "order ORD-000002 uses the pay-first order flow and needs no approval; it is awaiting payment"},
		{[]string{"orders", "approve", "ORD-000001"}, ExitConflict, "", "completed"},
		{[]string{"orders", "cancel", "ORD-000002"}, ExitOK, "Order ORD-000002 cancelled.", ""},
		{[]string{"orders", "cancel", "ORD-000002"}, ExitConflict, "", "order ORD-000002 is already cancelled"},
		{[]string{"orders", "approve", "ORD-000002"}, ExitConflict, "", "cancelled"},
		{[]string{"orders", "retry", "ORD-000001"}, ExitConflict, "", "completed"},
	}
	for _, s := range steps {
		checkRun(t, db, s.args, s.code, s.stdout, s.stderr)
	}
}

// Manual approval: an order can be approved before it is paid (flow records
// it, and it is processed once paid); approving it again changes nothing.
func TestApproveTwice(t *testing.T) {
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
	if err := e.sb.ms.AcceptInvitation(a.AdminLogin, "Contoso-Admin-1"); err != nil {
		t.Fatal(err)
	}
	if o, err = e.svc.RefreshConsent(ctx, o.ID); err != nil || o.Status != flow.StatusAwaitingPayment {
		t.Fatalf("after acceptance: %s %v", o.Status, err)
	}
	e.close()
	checkRun(t, db, []string{"orders", "approve", o.Number}, ExitOK, "",
		"Approved "+o.Number+". It is awaiting payment; it is processed once paid.")
	checkRun(t, db, []string{"orders", "approve", o.Number}, ExitConflict, "",
		"order "+o.Number+" is already approved; it is awaiting payment")
}

func checkRun(t *testing.T, db string, args []string, code int, stdout, stderr string) {
	t.Helper()
	out, errOut, got := run(t, append(args, "--db", db)...)
	if got != code {
		t.Errorf("%v: exit %d, want %d\nstdout:\n%s\nstderr:\n%s", args, got, code, out, errOut)
	}
	if stdout == "" && out != "" || !strings.Contains(out, stdout) {
		t.Errorf("%v: stdout %q, want %q", args, out, stdout)
	}
	if !strings.Contains(errOut, stderr) {
		t.Errorf("%v: stderr lacks %q:\n%s", args, stderr, errOut)
	}
}

// --json on the commands that change an order: the order as `orders show
// --json` prints it on stdout, and only there; messages go to stderr. A
// refusal prints no JSON.
func TestOrderCommandsJSON(t *testing.T) {
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
	if err := e.sb.ms.AcceptInvitation(a.AdminLogin, "Contoso-Admin-1"); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.RefreshConsent(ctx, o.ID); err != nil {
		t.Fatal(err)
	}
	e.close()

	got := jsonRun(t, db, "Approved "+o.Number, "orders", "approve", o.Number, "--json")
	if got.Number != o.Number || got.Status != flow.StatusAwaitingPayment || !got.Approved || len(got.Audit) == 0 {
		t.Errorf("approve --json: %+v", got)
	}
	got = jsonRun(t, db, "Order "+o.Number+" cancelled.", "orders", "cancel", o.Number, "--json")
	if got.Status != flow.StatusCancelled {
		t.Errorf("cancel --json: %+v", got)
	}
	for _, args := range [][]string{{"cancel"}, {"retry"}, {"approve"}, {"pay", "--no-browser"}} {
		out, errOut, code := run(t, append([]string{"orders"}, append(args, o.Number, "--json", "--db", db)...)...)
		if code != ExitConflict || out != "" || errOut == "" {
			t.Errorf("%v --json: exit %d\nstdout:\n%s\nstderr:\n%s", args, code, out, errOut)
		}
	}
}

// jsonRun runs a command that must succeed with the order as JSON on
// stdout and msg on stderr.
func jsonRun(t *testing.T, db, msg string, args ...string) orderDetail {
	t.Helper()
	out, errOut, code := run(t, append(args, "--db", db)...)
	if code != ExitOK {
		t.Fatalf("%v: exit %d\nstdout:\n%s\nstderr:\n%s", args, code, out, errOut)
	}
	if !strings.Contains(errOut, msg) {
		t.Errorf("%v: stderr lacks %q:\n%s", args, msg, errOut)
	}
	var d orderDetail
	if err := json.Unmarshal([]byte(out), &d); err != nil {
		t.Fatalf("%v: stdout is not the order as JSON: %v\n%s", args, err, out)
	}
	return d
}
