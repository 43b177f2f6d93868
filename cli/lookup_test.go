package cli

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

// An agent finds a customer by what they have at hand.
func TestCustomersShowFindsByWhatTheAgentHas(t *testing.T) {
	db := isolate(t)
	seedOrders(t, db)
	id := customerID(t, db, "Fabrikam Inc")
	out, _, _ := run(t, "customers", "show", id, "--json", "--db", db)
	var fab customerDetail
	if err := json.Unmarshal([]byte(out), &fab); err != nil {
		t.Fatal(err)
	}
	for _, ref := range []string{
		id, id[:8], "fabrikam.onmicrosoft.com", "FABRIKAM.onmicrosoft.com", "fabrikam.com", // an imported domain
		"Fabrikam Inc", "fabrikam inc", "Fabri", "ORD-000001", "ord-000001", fab.TenantID,
	} {
		out, errOut, code := run(t, "customers", "show", ref, "--json", "--db", db)
		if code != ExitOK {
			t.Errorf("customers show %q: exit %d: %s", ref, code, errOut)
			continue
		}
		var got customerDetail
		if err := json.Unmarshal([]byte(out), &got); err != nil || got.ID != id {
			t.Errorf("customers show %q found %q (%v), want Fabrikam", ref, got.Company, err)
		}
	}
	if fab.UsersTotal != 12 || len(fab.Users) != 12 || fab.DomainsTotal != 2 || len(fab.Subscriptions) != 1 ||
		len(fab.Orders) != 1 || !strings.HasPrefix(fab.Relationship, "reseller") {
		t.Errorf("customers show lacks what was imported: %+v", fab)
	}
	out, _, _ = run(t, "customers", "show", id, "--json", "--users", "2", "--db", db)
	var paged customerDetail
	if err := json.Unmarshal([]byte(out), &paged); err != nil || len(paged.Users) != 2 || paged.UsersTotal != 12 {
		t.Errorf("--users 2: %d of %d (%v)", len(paged.Users), paged.UsersTotal, err)
	}

	for _, c := range []struct {
		ref  string
		code int
		says string
	}{
		{"nobody.onmicrosoft.com", ExitNotFound, "no customer has the id, tenant, domain, company or order"},
		{"Nobody GmbH", ExitNotFound, "no customer"},
		{"ORD-999999", ExitNotFound, "ORD-999999"},
		{"Ltd", ExitOK, ""},                         // only Contoso Ltd
		{"n", ExitUsage, "several customers match"}, // Contoso and Fabrikam
	} {
		_, errOut, code := run(t, "customers", "show", c.ref, "--db", db)
		if code != c.code || !strings.Contains(errOut, c.says) {
			t.Errorf("customers show %q: exit %d, want %d saying %q:\n%s", c.ref, code, c.code, c.says, errOut)
		}
	}
}

func TestOrdersListFilters(t *testing.T) {
	db := isolate(t)
	seedOrders(t, db)
	numbers := func(args ...string) string {
		t.Helper()
		out, errOut, code := run(t, append([]string{"orders", "list", "--json", "--db", db}, args...)...)
		if code != ExitOK {
			t.Fatalf("orders list %v: exit %d: %s", args, code, errOut)
		}
		var rows []orderRow
		if err := json.Unmarshal([]byte(out), &rows); err != nil {
			t.Fatal(err)
		}
		var n []string
		for _, r := range rows {
			n = append(n, r.Number)
		}
		return strings.Join(n, " ")
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{nil, "ORD-000002 ORD-000001"},
		{[]string{"--status", "completed"}, "ORD-000001"},
		{[]string{"--status", "completed,awaiting_payment"}, "ORD-000002 ORD-000001"},
		{[]string{"--status", "failed", "--status", "awaiting_payment"}, "ORD-000002"},
		{[]string{"--status", "completed,awaiting_payment", "--limit", "1"}, "ORD-000002"},
		{[]string{"--customer", "Fabrikam"}, "ORD-000001"},
		{[]string{"--customer", "contoso.onmicrosoft.com"}, "ORD-000002"},
		{[]string{"--tenant", "contoso.onmicrosoft.com"}, "ORD-000002"},
		{[]string{"--tenant", "fabrikam.com"}, "ORD-000001"},
		{[]string{"--tenant", "nobody.onmicrosoft.com"}, ""},
		{[]string{"--customer", "Fabrikam", "--status", "awaiting_payment"}, ""},
	} {
		if got := numbers(c.args...); got != c.want {
			t.Errorf("orders list %v = %q, want %q", c.args, got, c.want)
		}
	}
	for _, args := range [][]string{{"--status", "completed,lost"}, {"--status", "lost", "--status", "completed"}} {
		if _, errOut, code := run(t, append([]string{"orders", "list", "--db", db}, args...)...); code != ExitUsage {
			t.Errorf("orders list %v: exit %d, want 2: %s", args, code, errOut)
		}
	}
	if _, _, code := run(t, "orders", "list", "--customer", "Nobody", "--db", db); code != ExitNotFound {
		t.Errorf("orders list --customer Nobody: exit %d, want 3", code)
	}
}

// Tab completes order numbers (with their state and company), states and
// customers from the database.
func TestCompletion(t *testing.T) {
	db := isolate(t)
	seedOrders(t, db)
	for _, c := range []struct {
		args []string
		want []string
	}{
		{[]string{"orders", "show", ""}, []string{"ORD-000002\tawaiting_payment Contoso Ltd", "ORD-000001\tcompleted Fabrikam Inc"}},
		{[]string{"orders", "show", "ord-0000"}, []string{"ORD-000002", "ORD-000001"}},
		{[]string{"orders", "pay", ""}, []string{"ORD-000002\tawaiting_payment"}}, // not the completed one
		{[]string{"orders", "list", "--status", "awa"}, []string{"awaiting_consent", "awaiting_payment"}},
		{[]string{"orders", "list", "--status", "failed,comp"}, []string{"failed,completed"}},
		{[]string{"orders", "list", "--customer", "fab"}, []string{"fabrikam.onmicrosoft.com\tFabrikam Inc"}},
		{[]string{"customers", "show", "con"}, []string{"contoso.onmicrosoft.com\tContoso Ltd"}},
	} {
		// The word being completed comes last.
		out, errOut, code := run(t, append([]string{"__complete", "--db", db}, c.args...)...)
		if code != ExitOK {
			t.Fatalf("complete %v: exit %d: %s", c.args, code, errOut)
		}
		for _, w := range c.want {
			if !strings.Contains(out, w) {
				t.Errorf("complete %v lacks %q:\n%s", c.args, w, out)
			}
		}
		if c.args[1] == "pay" && strings.Contains(out, "ORD-000001") {
			t.Errorf("orders pay completes a completed order:\n%s", out)
		}
	}
}

func TestGDAPText(t *testing.T) {
	end := time.Date(2028, 11, 24, 0, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		d    customerDetail
		want string
	}{
		{customerDetail{}, "-"},
		{customerDetail{customerRow: customerRow{TenantID: "t"}}, "not requested"},
		{customerDetail{customerRow: customerRow{TenantID: "t"}, GDAP: &gdapRow{Status: "approvalPending"}},
			"approval pending (by the customer's Global administrator)"},
		{customerDetail{customerRow: customerRow{TenantID: "t"}, GDAP: &gdapRow{Status: "active", EndAt: end}},
			"active, roles not assigned yet, ends 2028-11-24"},
		{customerDetail{customerRow: customerRow{TenantID: "t"}, GDAP: &gdapRow{Status: "active", RolesAssigned: true, EndAt: end}},
			"active, roles assigned, ends 2028-11-24"},
		{customerDetail{customerRow: customerRow{TenantID: "t"}, GDAP: &gdapRow{Status: "terminated"}}, "ended"},
		{customerDetail{customerRow: customerRow{TenantID: "t"}, GDAP: &gdapRow{Status: "someNewState"}}, "some new state"},
	} {
		if got := c.d.gdapText(); got != c.want {
			t.Errorf("gdapText = %q, want %q", got, c.want)
		}
	}
	// Scripts get Microsoft's own value.
	js, err := json.Marshal(customerDetail{GDAP: &gdapRow{Status: "approvalPending"}})
	if err != nil || !strings.Contains(string(js), `"status":"approvalPending"`) {
		t.Errorf("--json: %s %v", js, err)
	}
}
