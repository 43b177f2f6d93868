package cli

import (
	"context"
	"io"
	"strings"
	"testing"

	"onboard/config"
	"onboard/flow"
	"onboard/internal/testworld"
)

// TestRepro06AuditNamesWhoActed: `orders pay|cancel --agent Sam` is recorded
// as agent:Sam (it was customer:wizard), and the wizard's actor is the kiosk
// by its name on a kiosk, the agent in agent mode, the customer otherwise.
func TestRepro06AuditNamesWhoActed(t *testing.T) {
	db := isolate(t)
	ctx := context.Background()
	e := openTestEnv(t, db)
	a := testworld.Answers("contoso.onmicrosoft.com", "admin@contoso.onmicrosoft.com", "o365-e3", 3)
	paid, err := e.svc.CreateOrder(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	// The agent looks at the acceptance and the admin relationship as well.
	asSam := flow.WithActor(ctx, flow.Actor{Kind: flow.ActorAgent, Name: "Sam"})
	if err := testworld.AcceptAndApproveGDAP(asSam, e.svc, e.sb.ms, paid.ID, a.AdminLogin, "Contoso-Admin-1"); err != nil {
		t.Fatal(err)
	}
	e.close()

	pr, pw := io.Pipe()
	var out strings.Builder
	done := make(chan int, 1)
	go func() {
		done <- Run(ctx, "test", []string{"orders", "pay", paid.Number, "--no-browser", "--agent", "Sam", "--db", db}, &out, pw)
		pw.Close()
	}()
	payOnPage(t, readCheckoutURL(t, pr), testworld.TestCard)
	go io.Copy(io.Discard, pr)
	if code := <-done; code != ExitOK {
		t.Fatalf("orders pay: exit %d\n%s", code, out.String())
	}

	e = openTestEnv(t, db)
	b := testworld.Answers("fabrikam.onmicrosoft.com", "admin@fabrikam.onmicrosoft.com", "m365-business-premium", 10)
	cancelled, err := e.svc.CreateOrder(ctx, b)
	if err != nil {
		t.Fatal(err)
	}
	e.close()
	if _, errOut, code := run(t, "orders", "cancel", cancelled.Number, "--agent", "Sam", "--db", db); code != ExitOK {
		t.Fatalf("orders cancel: exit %d %s", code, errOut)
	}

	e = openTestEnv(t, db)
	defer e.close()
	sam := flow.Actor{Kind: flow.ActorAgent, Name: "Sam"}
	for _, o := range []flow.Order{paid, cancelled} {
		trail, err := e.db.AuditTrail(ctx, o.ID)
		if err != nil {
			t.Fatal(err)
		}
		agentActs := 0
		for _, ev := range trail {
			if ev.Action == "order.created" || ev.Action == "agreement.attested" {
				continue // created by the test's own service
			}
			if ev.Actor != sam {
				t.Errorf("order %s: %s %s→%s recorded as %s:%s, want agent:Sam", o.Number, ev.Action, ev.From, ev.To, ev.Actor.Kind, ev.Actor.Name)
			}
			agentActs++
		}
		if agentActs == 0 {
			t.Errorf("order %s: nothing the agent did was recorded", o.Number)
		}
	}

	for _, tc := range []struct {
		env  map[string]string
		want flow.Actor
	}{
		{map[string]string{"ONBOARD_KIOSK": "true", "ONBOARD_KIOSK_NAME": "shop-7"}, flow.Actor{Kind: flow.ActorKiosk, Name: "shop-7"}},
		{map[string]string{"ONBOARD_MODE": "agent", "ONBOARD_AGENT": "Sam"}, sam},
		{map[string]string{}, flow.Actor{Kind: flow.ActorCustomer, Name: "self-service"}},
	} {
		cfg, err := config.Load("", func(k string) string { return tc.env[k] }, nil)
		if err != nil {
			t.Fatal(err)
		}
		if got := wizardActor(cfg); got != tc.want {
			t.Errorf("wizard with %v acts as %+v, want %+v", tc.env, got, tc.want)
		}
	}
}
