package store

import (
	"context"
	"errors"
	"reflect"
	"testing"
	"time"

	"onboard/flow"
)

func TestCreateOrderNumbersAndRoundTrip(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db *DB, _ *testClock) {
		ctx := context.Background()
		c := mustCustomer(t, db)
		o1 := mustOrder(t, db, c.ID, flow.StatusDraft)
		o2 := mustOrder(t, db, c.ID, flow.StatusDraft)
		if o1.Number != "ORD-000001" || o2.Number != "ORD-000002" {
			t.Fatalf("numbers %s, %s", o1.Number, o2.Number)
		}
		if o1.ID == "" || !o1.CreatedAt.Equal(t0) || o1.Lines[0].LineNo != 1 || o1.Lines[1].LineNo != 2 {
			t.Fatalf("CreateOrder filled %+v", o1)
		}
		got, err := db.GetOrder(ctx, o1.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, o1) {
			t.Errorf("GetOrder = %+v\nwant %+v", got, o1)
		}
		byNum, err := db.GetOrderByNumber(ctx, " ord-000002 ")
		if err != nil || byNum.ID != o2.ID {
			t.Errorf("GetOrderByNumber = %+v, %v", byNum, err)
		}
		if _, err := db.GetOrderByNumber(ctx, "ORD-999999"); !errors.Is(err, flow.ErrNotFound) {
			t.Errorf("missing number: %v", err)
		}
		if got.Total() != 5*2000+2*500 {
			t.Errorf("total = %d", got.Total())
		}
		trail, _ := db.AuditTrail(ctx, o1.ID)
		if len(trail) != 1 || trail[0].Action != "order.created" || trail[0].Actor != agent {
			t.Errorf("audit = %+v", trail)
		}
	})
}

func TestCreateOrderIdempotent(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db *DB, _ *testClock) {
		ctx := context.Background()
		c := mustCustomer(t, db)
		first := mustOrder(t, db, c.ID, flow.StatusDraft)
		again := flow.Order{ID: first.ID, CustomerID: c.ID, Currency: "USD"}
		if err := db.CreateOrder(ctx, &again, flow.AuditEvent{Action: "order.created"}); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(again, first) {
			t.Errorf("second create = %+v\nwant %+v", again, first)
		}
		all, _ := db.ListOrders(ctx, flow.OrderFilter{})
		trail, _ := db.AuditTrail(ctx, first.ID)
		if len(all) != 1 || len(trail) != 1 {
			t.Errorf("%d orders, %d events; want 1, 1", len(all), len(trail))
		}
		// No number was spent on the repeat.
		if next := mustOrder(t, db, c.ID, flow.StatusDraft); next.Number != "ORD-000002" {
			t.Errorf("next number %s", next.Number)
		}
	})
}

func TestCreateOrderUnknownCustomer(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db *DB, _ *testClock) {
		o := flow.Order{CustomerID: "ghost"}
		if err := db.CreateOrder(context.Background(), &o, flow.AuditEvent{Action: "order.created"}); err == nil {
			t.Fatal("order of a missing customer was stored")
		}
	})
}

func TestTransitionOrder(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db *DB, clk *testClock) {
		ctx := context.Background()
		o := mustOrder(t, db, mustCustomer(t, db).ID, flow.StatusProvisioning)
		clk.advance(time.Minute)
		ev := flow.AuditEvent{Actor: flow.Actor{Kind: flow.ActorSystem, Name: "pipeline"}}
		if err := db.TransitionOrder(ctx, o.ID, flow.StatusProvisioning, flow.StatusFailed, "Microsoft unavailable", ev); err != nil {
			t.Fatal(err)
		}
		got, _ := db.GetOrder(ctx, o.ID)
		if got.Status != flow.StatusFailed || got.FailReason != "Microsoft unavailable" ||
			got.FailedFrom != flow.StatusProvisioning || !got.UpdatedAt.Equal(t0.Add(time.Minute)) {
			t.Fatalf("after fail: %+v", got)
		}
		// Stale from: conflict, nothing changed, no event.
		err := db.TransitionOrder(ctx, o.ID, flow.StatusProvisioning, flow.StatusCompleted, "", ev)
		if !errors.Is(err, flow.ErrConflict) {
			t.Fatalf("stale transition: %v, want ErrConflict", err)
		}
		if err := db.TransitionOrder(ctx, o.ID, flow.StatusFailed, flow.StatusProvisioning, "", ev); err != nil {
			t.Fatal(err)
		}
		got, _ = db.GetOrder(ctx, o.ID)
		if got.Status != flow.StatusProvisioning || got.FailReason != "" || got.FailedFrom != "" {
			t.Errorf("after retry: %+v", got)
		}
		trail, _ := db.AuditTrail(ctx, o.ID)
		if len(trail) != 3 {
			t.Fatalf("audit: %+v", trail)
		}
		want := flow.AuditEvent{ID: trail[1].ID, At: t0.Add(time.Minute), Actor: ev.Actor, OrderID: o.ID,
			Action: "order.transition", From: "provisioning", To: "failed", Detail: "Microsoft unavailable"}
		if trail[1] != want {
			t.Errorf("event = %+v\nwant %+v", trail[1], want)
		}
		if err := db.TransitionOrder(ctx, "nope", flow.StatusDraft, flow.StatusCancelled, "", ev); !errors.Is(err, flow.ErrNotFound) {
			t.Errorf("missing order: %v", err)
		}
	})
}

func TestUpdateOrderTenantApprovedAndSubscriptions(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db *DB, _ *testClock) {
		ctx := context.Background()
		o := mustOrder(t, db, mustCustomer(t, db).ID, flow.StatusAwaitingConsent)
		if err := db.UpdateOrderTenant(ctx, o.ID, "tenant-1", "contoso.onmicrosoft.com", "admin@contoso.onmicrosoft.com"); err != nil {
			t.Fatal(err)
		}
		if err := db.SetApproved(ctx, o.ID, flow.AuditEvent{Actor: agent}); err != nil {
			t.Fatal(err)
		}
		if err := db.SetLineSubscription(ctx, o.ID, 1, "sub-trial", true); err != nil {
			t.Fatal(err)
		}
		if err := db.SetLineSubscription(ctx, o.ID, 2, "sub-x", false); err != nil {
			t.Fatal(err)
		}
		if err := db.SetLineSubscription(ctx, o.ID, 2, "sub-new", false); err != nil { // overwrite
			t.Fatal(err)
		}
		got, _ := db.GetOrder(ctx, o.ID)
		if got.TenantID != "tenant-1" || got.TenantDomain != "contoso.onmicrosoft.com" ||
			got.AdminUPN != "admin@contoso.onmicrosoft.com" || !got.Approved {
			t.Errorf("order = %+v", got)
		}
		if l := got.Lines[0]; l.SubscriptionID != "sub-trial" || !l.Converted {
			t.Errorf("line 1 = %+v", l)
		}
		if l := got.Lines[1]; l.SubscriptionID != "sub-new" || l.Converted {
			t.Errorf("line 2 = %+v", l)
		}
		trail, _ := db.AuditTrail(ctx, o.ID)
		if len(trail) != 2 || trail[1].Action != "order.approved" {
			t.Errorf("audit = %+v", trail)
		}
		if err := db.SetLineSubscription(ctx, o.ID, 9, "s", false); !errors.Is(err, flow.ErrNotFound) {
			t.Errorf("missing line: %v", err)
		}
		if err := db.UpdateOrderTenant(ctx, "nope", "t", "d", "a"); !errors.Is(err, flow.ErrNotFound) {
			t.Errorf("missing order tenant: %v", err)
		}
		if err := db.SetApproved(ctx, "nope", flow.AuditEvent{}); !errors.Is(err, flow.ErrNotFound) {
			t.Errorf("missing order approve: %v", err)
		}
	})
}

func TestListOrders(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db *DB, clk *testClock) {
		ctx := context.Background()
		c1, c2 := mustCustomer(t, db), mustCustomer(t, db)
		a := mustOrder(t, db, c1.ID, flow.StatusDraft)
		clk.advance(time.Hour)
		b := mustOrder(t, db, c2.ID, flow.StatusAwaitingPayment)
		clk.advance(time.Hour)
		c := mustOrder(t, db, c1.ID, flow.StatusAwaitingPayment)

		ids := func(os []flow.Order) []string {
			var s []string
			for _, o := range os {
				s = append(s, o.Number)
				if len(o.Lines) != 2 {
					t.Errorf("%s has %d lines", o.Number, len(o.Lines))
				}
			}
			return s
		}
		cases := []struct {
			f    flow.OrderFilter
			want []string
		}{
			{flow.OrderFilter{}, []string{c.Number, b.Number, a.Number}},
			{flow.OrderFilter{Status: flow.StatusAwaitingPayment}, []string{c.Number, b.Number}},
			{flow.OrderFilter{CustomerID: c1.ID}, []string{c.Number, a.Number}},
			{flow.OrderFilter{Since: t0.Add(time.Hour)}, []string{c.Number, b.Number}},
			{flow.OrderFilter{Limit: 1}, []string{c.Number}},
			{flow.OrderFilter{Status: flow.StatusAwaitingPayment, CustomerID: c1.ID}, []string{c.Number}},
			{flow.OrderFilter{Status: flow.StatusCompleted}, nil},
		}
		for _, tc := range cases {
			got, err := db.ListOrders(ctx, tc.f)
			if err != nil {
				t.Fatal(err)
			}
			if g := ids(got); !reflect.DeepEqual(g, tc.want) {
				t.Errorf("ListOrders(%+v) = %v, want %v", tc.f, g, tc.want)
			}
		}
	})
}

func TestSteps(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db *DB, _ *testClock) {
		ctx := context.Background()
		o := mustOrder(t, db, mustCustomer(t, db).ID, flow.StatusProvisioning)
		for i := 0; i < 2; i++ { // a resumed pipeline marks again
			if err := db.MarkStepDone(ctx, o.ID, "link-tenant", flow.AuditEvent{Actor: agent}); err != nil {
				t.Fatal(err)
			}
		}
		if err := db.MarkStepDone(ctx, o.ID, "import-domains", flow.AuditEvent{Actor: agent}); err != nil {
			t.Fatal(err)
		}
		done, err := db.StepsDone(ctx, o.ID)
		if err != nil || !reflect.DeepEqual(done, map[string]bool{"link-tenant": true, "import-domains": true}) {
			t.Errorf("StepsDone = %v, %v", done, err)
		}
		trail, _ := db.AuditTrail(ctx, o.ID)
		if len(trail) != 3 || trail[1].Action != "step.done" || trail[1].Detail != "link-tenant" {
			t.Errorf("audit = %+v", trail)
		}
		if err := db.MarkStepDone(ctx, "nope", "x", flow.AuditEvent{}); !errors.Is(err, flow.ErrNotFound) {
			t.Errorf("missing order: %v", err)
		}
		if done, _ := db.StepsDone(ctx, "other"); len(done) != 0 {
			t.Errorf("steps of another order: %v", done)
		}
	})
}

func TestAuditTrailOrder(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db *DB, _ *testClock) {
		ctx := context.Background()
		// Same time: id breaks the tie. Earlier time: first regardless of id.
		evs := []flow.AuditEvent{
			{At: t0.Add(time.Second), OrderID: "o", Action: "b"},
			{At: t0.Add(time.Second), OrderID: "o", Action: "c"},
			{At: t0, OrderID: "o", Action: "a", Actor: flow.Actor{Kind: flow.ActorKiosk, Name: "kiosk-3"}},
			{At: t0, OrderID: "other", Action: "x"},
		}
		for _, ev := range evs {
			if err := db.Audit(ctx, ev); err != nil {
				t.Fatal(err)
			}
		}
		trail, err := db.AuditTrail(ctx, "o")
		if err != nil {
			t.Fatal(err)
		}
		var actions string
		for _, ev := range trail {
			actions += ev.Action
		}
		if actions != "abc" || trail[0].Actor.Kind != flow.ActorKiosk || trail[0].Actor.Name != "kiosk-3" {
			t.Errorf("trail = %+v", trail)
		}
		if err := db.Audit(ctx, flow.AuditEvent{OrderID: "o"}); err == nil {
			t.Error("event without action accepted")
		}
	})
}

// TestReplaceOrderLines: the lines of an order not yet paid are replaced in
// one transaction with their audit event and the approval cleared; never
// under a checkout that could still be paid, nor once one paid.
func TestReplaceOrderLines(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db *DB, _ *testClock) {
		ctx := context.Background()
		o := mustOrder(t, db, mustCustomer(t, db).ID, flow.StatusAwaitingPayment)
		if err := db.SetApproved(ctx, o.ID, flow.AuditEvent{Actor: agent}); err != nil {
			t.Fatal(err)
		}
		lines := []flow.OrderLine{{OfferID: "offer-teams", Name: "Teams", SkuID: "sku-teams", Quantity: 7, UnitPrice: 500, TermDuration: "P1M", BillingCycle: "monthly"}}
		if err := db.ReplaceOrderLines(ctx, o.ID, flow.StatusAwaitingConsent, lines, flow.AuditEvent{Actor: agent}); !errors.Is(err, flow.ErrConflict) {
			t.Fatalf("from the wrong state: %v", err)
		}
		p := flow.Payment{CheckoutID: "cs_1", OrderID: o.ID, Amount: o.DueNow(), Currency: "EUR", State: "pending"}
		if err := db.SavePayment(ctx, p); err != nil {
			t.Fatal(err)
		}
		if err := db.ReplaceOrderLines(ctx, o.ID, flow.StatusAwaitingPayment, lines, flow.AuditEvent{Actor: agent}); !errors.Is(err, flow.ErrConflict) {
			t.Fatalf("under an open checkout: %v", err)
		}
		p.State = "expired"
		if err := db.SavePayment(ctx, p); err != nil {
			t.Fatal(err)
		}
		if err := db.ReplaceOrderLines(ctx, o.ID, flow.StatusAwaitingPayment, lines, flow.AuditEvent{Actor: agent, Detail: "7 × Teams"}); err != nil {
			t.Fatal(err)
		}
		got, _ := db.GetOrder(ctx, o.ID)
		if len(got.Lines) != 1 || got.Lines[0] != (flow.OrderLine{LineNo: 1, OfferID: "offer-teams", Name: "Teams", SkuID: "sku-teams",
			Quantity: 7, UnitPrice: 500, TermDuration: "P1M", BillingCycle: "monthly"}) || got.Approved || got.Number != o.Number {
			t.Fatalf("order = %+v", got)
		}
		trail, _ := db.AuditTrail(ctx, o.ID)
		if last := trail[len(trail)-1]; last.Action != "order.lines" || last.Detail != "7 × Teams" {
			t.Fatalf("audit = %+v", trail)
		}
		paid := flow.Payment{CheckoutID: "cs_2", OrderID: o.ID, Amount: got.DueNow(), Currency: "EUR", State: "pending"}
		if err := db.SavePayment(ctx, paid); err != nil {
			t.Fatal(err)
		}
		if err := db.MarkPaid(ctx, paid, flow.AuditEvent{Actor: agent}); err != nil {
			t.Fatal(err)
		}
		if err := db.ReplaceOrderLines(ctx, o.ID, flow.StatusPaid, o.Lines, flow.AuditEvent{Actor: agent}); !errors.Is(err, flow.ErrAlreadyPaid) {
			t.Fatalf("once paid: %v", err)
		}
	})
}
