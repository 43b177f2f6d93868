package bench

import (
	"context"
	"fmt"
	"onboard/internal/testworld"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"onboard/flow"
	"onboard/msapi/sandbox"
)

// terminals is how many wizard flows run at once against one database file,
// as in a shop with a row of kiosks.
const terminals = 16

// runTerminals runs one complete self-service flow per terminal at once:
// each terminal has its own Service, Microsoft client and database handle
// on the one SQLite file at path, sharing the sandbox. It returns each
// terminal's result and error.
func runTerminals(tb testing.TB, m *testworld.Microsoft, path string) ([]flow.Result, []error) {
	ctx := context.Background()
	svcs := make([]*flow.Service, terminals)
	for i := range svcs {
		svcs[i], _ = m.Service(tb, path)
		svcs[i].Actor = flow.Actor{Kind: flow.ActorKiosk, Name: fmt.Sprintf("kiosk-%d", i+1)}
	}
	results, errs := make([]flow.Result, terminals), make([]error, terminals)
	var wg sync.WaitGroup
	for i, svc := range svcs {
		wg.Go(func() {
			dom, login, password := sandbox.GeneratedTenant(i + 1)
			o, err := m.SignUp(ctx, svc, testworld.Answers(dom, login, "m365-business-premium", 2+i%3), password)
			if err != nil {
				errs[i] = fmt.Errorf("terminal %d: %w", i+1, err)
				return
			}
			if results[i], err = svc.Process(ctx, o.ID, nil); err != nil {
				errs[i] = fmt.Errorf("terminal %d: process: %w", i+1, err)
			}
		})
	}
	wg.Wait()
	return results, errs
}

// TestManyTerminalsOneDatabase: 16 kiosks completing orders at once on one
// SQLite file never see "database is locked", and every order is right.
func TestManyTerminalsOneDatabase(t *testing.T) {
	m := testworld.NewMicrosoft(t, sandbox.Options{ExtraTenants: terminals, NorthwindUsers: 1000})
	path := filepath.Join(t.TempDir(), "shop.db")
	results, errs := runTerminals(t, m, path)
	for _, err := range errs {
		if err != nil {
			t.Error(err) // a "database is locked" would surface here
		}
	}
	if t.Failed() {
		return
	}
	// A fresh handle reads what all terminals wrote.
	_, db := m.Service(t, path)
	ctx := context.Background()
	numbers := map[string]bool{}
	for i, res := range results {
		o, err := db.GetOrder(ctx, res.Order.ID)
		if err != nil {
			t.Fatal(err)
		}
		dom, login, _ := sandbox.GeneratedTenant(i + 1)
		if o.Status != flow.StatusCompleted || o.TenantDomain != dom || !strings.EqualFold(o.AdminUPN, login) {
			t.Errorf("terminal %d: order %s is %s for %s (%s)", i+1, o.Number, o.Status, o.TenantDomain, o.AdminUPN)
		}
		if len(o.Lines) != 1 || o.Lines[0].Quantity != 2+i%3 || o.Lines[0].SubscriptionID == "" {
			t.Errorf("terminal %d: lines %+v", i+1, o.Lines)
		}
		if numbers[o.Number] {
			t.Errorf("order number %s given twice", o.Number)
		}
		numbers[o.Number] = true
		if res.UsersImported != 8 || res.DomainsImported != 1 {
			t.Errorf("terminal %d: imported %d users, %d domains", i+1, res.UsersImported, res.DomainsImported)
		}
		if n, _ := db.CountUsers(ctx, o.TenantID); n != 8 {
			t.Errorf("terminal %d: %d users stored", i+1, n)
		}
		checkAudit(t, db, o, fmt.Sprintf("kiosk-%d", i+1))
	}
	if len(numbers) != terminals {
		t.Fatalf("%d distinct order numbers, want %d", len(numbers), terminals)
	}
}

// wantPath is the life of a paid self-service order, as the audit trail records it.
var wantPath = []string{"draft→awaiting_consent", "awaiting_consent→awaiting_payment",
	"awaiting_payment→paid", "paid→provisioning", "provisioning→completed"}

// checkAudit checks the order's trail: every state change once, in order,
// every pipeline step, all by the terminal that ran it.
func checkAudit(t *testing.T, db interface {
	AuditTrail(context.Context, string) ([]flow.AuditEvent, error)
}, o flow.Order, actor string) {
	t.Helper()
	trail, err := db.AuditTrail(context.Background(), o.ID)
	if err != nil {
		t.Fatal(err)
	}
	var path, steps []string
	for _, ev := range trail {
		if ev.OrderID != o.ID {
			t.Errorf("order %s: event of order %s in its trail", o.Number, ev.OrderID)
		}
		if ev.Actor.Name != actor {
			t.Errorf("order %s: %s by %q, want %q", o.Number, ev.Action, ev.Actor.Name, actor)
		}
		switch {
		case ev.Action == "step.done":
			steps = append(steps, ev.To)
		case ev.From != "" && ev.To != "" && ev.From != ev.To:
			path = append(path, ev.From+"→"+ev.To)
		}
	}
	if !slices.Equal(path, wantPath) {
		t.Errorf("order %s: state changes %v, want %v", o.Number, path, wantPath)
	}
	for _, step := range []string{"link", "line:1", "domains", "users"} {
		if !slices.Contains(steps, step) {
			t.Errorf("order %s: step %s not in the audit trail %v", o.Number, step, steps)
		}
	}
}

// BenchmarkManyTerminals16 measures the shop's throughput: 16 complete
// flows (sign-up, consent, payment, processing) at once on one SQLite file.
func BenchmarkManyTerminals16(b *testing.B) {
	var elapsed time.Duration
	for i := 0; b.Loop(); i++ {
		b.StopTimer()
		m := testworld.NewMicrosoft(b, sandbox.Options{ExtraTenants: terminals, NorthwindUsers: 1000})
		path := filepath.Join(b.TempDir(), fmt.Sprintf("shop%d.db", i))
		b.StartTimer()
		start := time.Now()
		_, errs := runTerminals(b, m, path)
		elapsed += time.Since(start)
		for _, err := range errs {
			if err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(terminals*b.N)/elapsed.Seconds(), "flows/s")
}
