package plain_test

import (
	"context"
	"regexp"
	"testing"

	"onboard/flow"
	"onboard/ui/plain"
)

// An agent signs Fabrikam up twice: the second time the open order is
// offered; declining to continue and replacing it cancels the first order
// and leaves exactly one open order for the tenant.
func TestAgentOffersTheOpenOrderOfTheTenant(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	first := func() []string {
		return answers([]string{"3", "10", "", "n"}, []string{"fabrikam"}, details, []string{"y", "n"})
	}
	out, done := w.run(plain.Options{Mode: flow.ModeAgent, Agent: "Sam"}, append(first(), "n")...)
	got := finished(t, out, done)
	number := regexp.MustCompile(`Order number: (\S+)`).FindStringSubmatch(got)
	if number == nil {
		t.Fatalf("no order number in:\n%s", got)
	}

	// Again: no, do not continue with it; yes, cancel it and make a new one.
	out, done = w.run(plain.Options{Mode: flow.ModeAgent, Agent: "Sam"}, append(first(), "n", "y", "n")...)
	got = finished(t, out, done)
	mustContain(t, got, "This Microsoft account already has an open order: "+number[1],
		"Order "+number[1]+" is cancelled.")
	again := regexp.MustCompile(`Order number: (\S+)`).FindStringSubmatch(got)
	if again == nil || again[1] == number[1] {
		t.Fatalf("no new order:\n%s", got)
	}
	old, err := w.db.GetOrderByNumber(ctx, number[1])
	if err != nil || old.Status != flow.StatusCancelled {
		t.Fatalf("the replaced order: %+v %v", old, err)
	}
	open := 0
	orders, _ := w.db.ListOrders(ctx, flow.OrderFilter{})
	for _, o := range orders {
		if !o.Status.Final() {
			open++
		}
	}
	if open != 1 {
		t.Fatalf("%d open orders for fabrikam", open)
	}
}
