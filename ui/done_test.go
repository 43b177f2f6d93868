package ui

import (
	"context"
	"strings"
	"testing"

	"onboard/flow"
	"onboard/internal/testworld"
)

// assignSeats chooses n users on the assign screen, saves and goes back.
// The first skip users listed are passed over (they hold the license).
func (h *harness) assignSeats(skip, n int) {
	h.t.Helper()
	h.key("enter")
	h.requireState(stateAssign)
	for range skip {
		h.key("down")
	}
	for range n {
		h.key("enter", "down")
	}
	before := h.m.c.assigned
	h.key("ctrl+s")
	if got := h.m.c.assigned - before; got != n {
		h.t.Fatalf("%d licenses assigned, want %d:\n%s", got, n, h.view())
	}
	h.key("esc")
	h.requireState(stateDone)
}

// Once licenses were assigned, the summary says how many, not "assign
// them now"; once all are, Enter finishes.
func TestDoneAfterAssigning(t *testing.T) {
	h := newHarness(t)
	h.key("+", "+", "enter") // 2 seats of Basic alone
	h.requireState(stateAccount)
	h.fillDetails()
	h.signIn(contosoPassword)
	h.requireState(stateConsent)
	h.w.accept()
	h.pollConsent()
	h.key("enter")
	h.w.pay(testworld.TestCard)
	h.pollPayment()
	h.requireState(stateDone)
	if len(h.m.c.result.Bought) != 1 {
		t.Fatalf("bought %d lines, the test assigns one", len(h.m.c.result.Bought))
	}
	seats := h.m.c.result.Bought[0].Quantity
	if seats < 2 {
		t.Fatalf("bought %d seats, the test assigns them in two goes", seats)
	}
	t.Run("some", func(t *testing.T) {
		h.t = t
		h.assignSeats(0, 1)
		v := strings.Join(strings.Fields(h.view()), " ")
		if strings.Contains(v, "assign them now") {
			t.Fatalf("still asks to assign them:\n%s", h.view())
		}
		h.requireView("1 of 2 new licenses assigned.")
		h.golden()
	})
	t.Run("all", func(t *testing.T) {
		h.t = t
		h.assignSeats(1, seats-1)
		h.requireView("All 2 new licenses are assigned.")
		h.golden()
		h.key("enter")
		if !h.quit {
			t.Fatal("enter did not finish once every license was assigned")
		}
	})
}

// On the new-account path there are no users to assign licenses to: Enter
// finishes instead of opening an empty list.
func TestDoneNewAccountEnterFinishes(t *testing.T) {
	h := newHarness(t)
	h.chooseLicenses()
	h.key("down")
	h.typeText("adatum")
	h.key("enter")
	h.requireState(stateDetails)
	for _, v := range []string{"Adatum Inc", "Ada", "Lovelace", "ada@adatum.com"} {
		h.typeText(v)
		h.key("enter")
	}
	h.typeText("/Germ")
	h.key("enter")
	h.typePhoneAndAddress()
	h.key("y")
	h.requireState(stateCreateAccount)
	h.key("enter")
	h.requireState(stateReview)
	h.key("enter")
	h.w.pay(testworld.TestCard)
	h.pollPayment()
	h.requireState(stateDone)
	if r := h.m.c.result; !r.NewAccount || len(r.Bought) == 0 {
		t.Fatalf("the result is not a new account's with licenses bought: %+v", r)
	}
	if o := h.w.order(h.m.c.order.ID); o.Status != flow.StatusCompleted {
		t.Fatalf("order is %s", o.Status)
	}
	h.key("enter")
	if h.m.state == stateAssign {
		t.Fatalf("enter opened the assign screen:\n%s", h.view())
	}
	if !h.quit {
		t.Fatal("enter did not finish")
	}
}

// An order opened again (ctrl+o) after its licenses were assigned in an
// earlier session: the summary comes from flow's count of holders, not
// from this session's, so it neither asks to assign them nor offers a list
// with no seat left.
func TestDoneReopenedCountsEarlierAssignments(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	o, res := h.completedOrder("o365-e3", 3)
	if len(res.Bought) != 1 || res.Bought[0].Quantity != 3 {
		t.Fatalf("bought %+v, the test assigns 3 seats of one line", res.Bought)
	}
	users, err := h.w.svc.ListUsers(ctx, res.Order.TenantID)
	if err != nil {
		t.Fatal(err)
	}
	var free []string
	for _, u := range users {
		if !hasSku(u, res.Bought[0].SkuID) {
			free = append(free, u.ID)
		}
	}
	if len(free) < 3 {
		t.Fatalf("%d users without the license", len(free))
	}
	if err := h.w.svc.AssignLicenses(ctx, o.ID, res.Bought[0].SkuID, free[:3]); err != nil {
		t.Fatal(err)
	}
	h.key("ctrl+o")
	h.typeLookUp(o.Number, "ada@contoso.com")
	h.requireState(stateDone)
	h.requireView("All 3 new licenses are assigned.")
	if v := strings.Join(strings.Fields(h.view()), " "); strings.Contains(v, "assign them now") {
		t.Fatalf("asks to assign licenses already assigned:\n%s", h.view())
	}
	h.key("enter")
	if !h.quit {
		t.Fatalf("enter did not finish:\n%s", h.view())
	}
}

// completedOrder is an order for Contoso made, paid, approved and processed
// through flow, as another terminal would have done it, by ada@contoso.com.
func (h *harness) completedOrder(sku string, seats int) (flow.Order, flow.Result) {
	h.t.Helper()
	ctx := context.Background()
	a := testworld.Answers(contosoDomain, contosoAdmin, sku, seats)
	a.Email = "ada@contoso.com"
	o, err := h.w.ms.Consent(ctx, h.w.svc, a, contosoPassword)
	if err != nil {
		h.t.Fatal(err)
	}
	if _, err := h.w.ms.PayOrder(ctx, h.w.svc, o.ID); err != nil {
		h.t.Fatal(err)
	}
	if _, err := h.w.ms.ApproveGDAP(ctx, h.w.svc, o.ID, contosoAdmin, contosoPassword); err != nil {
		h.t.Fatal(err)
	}
	res, err := h.w.svc.Process(ctx, o.ID, nil)
	if err != nil {
		h.t.Fatal(err)
	}
	return o, res
}

// Found at a kiosk by its number and e-mail after it was set up, an order
// shows what was done, never the tenant's users: anyone may type a short
// counted number and an e-mail that is no secret (flow.LookupMayAssign).
func TestLookedUpCompletedOrderDoesNotListTheUsers(t *testing.T) {
	h := newHarness(t)
	o, _ := h.completedOrder("o365-e3", 3)
	h.key("ctrl+o")
	h.typeText(strings.TrimPrefix(o.Number, "ORD-00000")) // typed short, as flow reads it
	h.key("enter")
	h.typeText("ada@contoso.com")
	h.key("enter")
	h.requireState(stateDone)
	h.requireView("Microsoft 365 admin center")
	if strings.Contains(h.view(), "assign licenses") {
		t.Errorf("offers to assign:\n%s", h.view())
	}
	h.key("enter")
	if h.m.state == stateAssign || !h.quit {
		t.Fatalf("enter did not finish (state %v):\n%s", h.m.state, h.view())
	}
}
