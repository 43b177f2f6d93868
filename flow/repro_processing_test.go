package flow_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"onboard/flow"
)

// crashDuringImport runs Process until the import has saved a batch of
// users, then cancels it as a kill would stop it: the order is left in
// provisioning with part of its users saved.
func crashDuringImport(t *testing.T, svc *flow.Service, orderID string) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	_, err := svc.Process(ctx, orderID, func(p flow.Progress) {
		if p.Step == "users" && p.Done > 0 {
			cancel()
		}
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("process cancelled during the import: %v", err)
	}
	o, err := svc.Store.GetOrder(context.Background(), orderID)
	if err != nil || o.Status != flow.StatusProvisioning {
		t.Fatalf("after the crash: %s %v", o.Status, err)
	}
}

// Reproduction 4: a crash during "Importing users" left the order in
// provisioning for good; `orders retry` refused it.
func TestRepro04CrashDuringImportResumes(t *testing.T) {
	w := newWorld(t, flow.PolicyPayFirst)
	w.svc.UserBatch = 2 // batches are saved while pages are still coming
	ctx := context.Background()
	o := w.signUp(t, answers("fabrikam.onmicrosoft.com", "admin@fabrikam.onmicrosoft.com", "m365-business-premium", 10), "Fabrikam-Admin-1")

	crashDuringImport(t, w.svc, o.ID)
	if r, err := w.svc.Retry(ctx, o.ID); err != nil || r.Status != flow.StatusProvisioning {
		t.Fatalf("retry after a crash: %v %v", r.Status, err)
	}
	crashDuringImport(t, w.svc, o.ID)

	// kill -9 leaves the dead process's lease behind: while it is live the
	// order is not taken from it; once it expired, the order resumes.
	if err := w.db.AcquireLease(ctx, o.ID, "killed-process", flow.LeaseTTL); err != nil {
		t.Fatal(err)
	}
	if _, err := w.svc.Retry(ctx, o.ID); !errors.Is(err, flow.ErrLeaseHeld) {
		t.Fatalf("retry while another process holds the order: %v", err)
	}
	if got, err := w.svc.ResumeInterrupted(ctx); err != nil || len(got) != 0 {
		t.Fatalf("resumed an order a live process holds: %v %v", got, err)
	}
	later := time.Now().Add(2 * flow.LeaseTTL)
	w.db.SetClock(func() time.Time { return later })
	if r, err := w.svc.Retry(ctx, o.ID); err != nil || r.Status != flow.StatusProvisioning {
		t.Fatalf("retry once the dead process's lease expired: %v %v", r.Status, err)
	}

	resumed, err := w.svc.ResumeInterrupted(ctx)
	if err != nil || len(resumed) != 1 || resumed[0].ID != o.ID || resumed[0].Status != flow.StatusCompleted {
		t.Fatalf("resume interrupted: %+v %v", resumed, err)
	}
	if again, err := w.svc.ResumeInterrupted(ctx); err != nil || len(again) != 0 {
		t.Fatalf("second resume: %+v %v", again, err)
	}

	prov := w.ms.ProvisionedFor(resumed[0].TenantID)
	if prov.Conversions != 1 || prov.Orders != 0 || len(prov.Subscriptions) != 1 || prov.Subscriptions[0].Quantity != 10 {
		t.Fatalf("sandbox provisioned %+v, want one conversion to 10 seats", prov)
	}
	res, err := w.svc.Process(ctx, o.ID, nil)
	if err != nil || res.UsersImported != 12 || res.AssignmentsKept != prov.Subscriptions[0].Assigned {
		t.Fatalf("result of the resumed order: %+v %v (sandbox: %+v)", res, err, prov)
	}
}

// Reproduction 5: converting fabrikam's trial (8 users hold it) with 5
// seats, the done screen said 8 users keep their licenses and the store
// recorded 8 assignments, while the subscription has 5.
func TestRepro05SeatCountReadBack(t *testing.T) {
	w := newWorld(t, flow.PolicyPayFirst)
	ctx := context.Background()
	o := w.signUp(t, answers("fabrikam.onmicrosoft.com", "admin@fabrikam.onmicrosoft.com", "m365-business-premium", 5), "Fabrikam-Admin-1")
	preview, err := w.svc.Preview(ctx, o.ID)
	if err != nil || len(preview) != 1 || !preview[0].ConvertsTrial || preview[0].TrialUsers != 8 {
		t.Fatalf("preview: %+v %v", preview, err)
	}
	res, err := w.svc.Process(ctx, o.ID, nil)
	if err != nil {
		t.Fatal(err)
	}

	prov := w.ms.ProvisionedFor(res.Order.TenantID)
	if prov.Conversions != 1 || prov.Orders != 0 || len(prov.Subscriptions) != 1 {
		t.Fatalf("sandbox provisioned %+v, want one conversion", prov)
	}
	sub := prov.Subscriptions[0]
	if sub.Quantity != 5 || sub.Assigned > sub.Quantity {
		t.Fatalf("sandbox subscription %+v", sub)
	}
	// The review said how many would lose the license; Microsoft agrees.
	if lost := preview[0].TrialUsers - sub.Assigned; lost != preview[0].Short() {
		t.Errorf("review said %d lose the license, Microsoft took it from %d", preview[0].Short(), lost)
	}
	if preview[0].Keep() != sub.Assigned {
		t.Errorf("review said %d keep the license, Microsoft shows %d", preview[0].Keep(), sub.Assigned)
	}

	if len(res.Converted) != 1 || res.Converted[0].Quantity != sub.Quantity || res.AssignmentsKept != sub.Assigned {
		t.Fatalf("result: %+v, sandbox: %+v", res, sub)
	}
	if want := fmt.Sprintf("%d users keep their licenses", sub.Assigned); !strings.Contains(res.Summary(), want) {
		t.Errorf("summary %q, want %q", res.Summary(), want)
	}
	rbs, err := w.db.LineReadbacks(ctx, o.ID)
	if err != nil || rbs[1].Quantity != sub.Quantity || !strings.EqualFold(rbs[1].SubscriptionID, sub.ID) {
		t.Fatalf("recorded line: %+v %v, sandbox: %+v", rbs, err, sub)
	}
	users, err := w.db.ListUsers(ctx, res.Order.TenantID)
	if err != nil {
		t.Fatal(err)
	}
	assigned := 0
	for _, u := range users {
		for _, s := range u.SkuIDs {
			if strings.EqualFold(s, sub.SkuID) {
				assigned++
			}
		}
	}
	if assigned != sub.Assigned {
		t.Errorf("store records %d assignments, Microsoft %d", assigned, sub.Assigned)
	}
	// A completed order's result, built again from the store, says the same.
	again, err := w.svc.Process(ctx, o.ID, nil)
	if err != nil || again.Summary() != res.Summary() {
		t.Errorf("result again: %q %v, want %q", again.Summary(), err, res.Summary())
	}
}

// Reproduction 12: two processes processed one order at once; one ended
// "order changed concurrently" and the customer's wizard stopped.
func TestRepro12TwoProcessesOneOrder(t *testing.T) {
	w := newWorld(t, flow.PolicyPayFirst)
	ctx := context.Background()
	o := w.signUp(t, answers("contoso.onmicrosoft.com", "admin@contoso.onmicrosoft.com", "m365-business-premium", 3), "Contoso-Admin-1")
	other, otherDB := w.Service(t, w.dbPath) // a second terminal on the same SQLite file
	spy := &spyStore{Store: otherDB, refused: make(chan struct{})}
	other.MS, other.Store = w.cli, spy

	// The first process is held inside the import until the second has
	// found the order leased, so they really overlap.
	inImport := make(chan struct{})
	release := make(chan struct{})
	var once sync.Once
	results := make([]flow.Result, 2)
	errs := make([]error, 2)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		results[0], errs[0] = w.svc.Process(ctx, o.ID, func(p flow.Progress) {
			if p.Step == "users" {
				once.Do(func() { close(inImport); <-release })
			}
		})
	}()
	<-inImport
	wg.Add(1)
	go func() {
		defer wg.Done()
		results[1], errs[1] = other.Process(ctx, o.ID, nil)
	}()
	<-spy.refused
	close(release)
	wg.Wait()

	for i, err := range errs {
		if err != nil {
			t.Fatalf("process %d: %v", i, err)
		}
		if results[i].Order.Status != flow.StatusCompleted || results[i].Order.ID != o.ID {
			t.Fatalf("process %d: order %s %s", i, results[i].Order.ID, results[i].Order.Status)
		}
	}
	if results[0].Summary() != results[1].Summary() {
		t.Errorf("summaries differ: %q vs %q", results[0].Summary(), results[1].Summary())
	}
	prov := w.ms.ProvisionedFor(results[0].Order.TenantID)
	if prov.Orders != 1 || prov.Conversions != 0 || len(prov.Subscriptions) != 1 || prov.Subscriptions[0].Quantity != 3 {
		t.Fatalf("sandbox provisioned %+v, want one purchase of 3 seats", prov)
	}
	trail, err := w.db.AuditTrail(ctx, o.ID)
	if err != nil {
		t.Fatal(err)
	}
	completed := 0
	for _, ev := range trail {
		if ev.Action == "order.transition" && ev.To == string(flow.StatusCompleted) {
			completed++
		}
	}
	if completed != 1 {
		t.Errorf("order completed %d times in the audit trail", completed)
	}
}

// spyStore reports when an acquisition of a lease is refused: the process
// using it is then waiting for the holder, not racing it.
type spyStore struct {
	flow.Store
	once    sync.Once
	refused chan struct{}
}

func (s *spyStore) AcquireLease(ctx context.Context, orderID, owner string, ttl time.Duration) error {
	err := s.Store.AcquireLease(ctx, orderID, owner, ttl)
	if errors.Is(err, flow.ErrLeaseHeld) {
		s.once.Do(func() { close(s.refused) })
	}
	return err
}
