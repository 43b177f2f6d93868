package e2e

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"onboard/flow"
	"onboard/msapi/partnercenter/wire"
	"onboard/store"
)

// checkWentThroughPending asserts that the purchase of line 1 went through
// Microsoft's "pending" state, as new-commerce orders do: the pipeline
// records the Microsoft order as a step of its own only when the checkout
// answered it pending, without a subscription (flow/provision.go), after
// the cart step; and the sandbox Microsoft the binary ran holds that order,
// completed since, with the subscription the order line recorded.
func checkWentThroughPending(t *testing.T, db *store.DB, data string, o flow.Order) {
	t.Helper()
	trail, err := db.AuditTrail(context.Background(), o.ID)
	if err != nil {
		t.Fatal(err)
	}
	cart, order := -1, -1
	orderID := ""
	for i, ev := range trail {
		if ev.Action != "step.done" {
			continue
		}
		if strings.HasPrefix(ev.To, "line:1:cart=") {
			cart = i
		}
		if id, ok := strings.CutPrefix(ev.To, "line:1:order="); ok {
			order, orderID = i, id
		}
	}
	if cart < 0 || order < cart || orderID == "" {
		t.Fatalf("no pending Microsoft order recorded after the cart (cart step %d, order step %d): %+v", cart, order, trail)
	}
	raw, err := os.ReadFile(filepath.Join(data, "onboard", "sandbox", "microsoft.json"))
	if err != nil {
		t.Fatal(err)
	}
	var state struct {
		Orders        map[string]wire.Order      `json:"orders"`
		PendingOrders map[string]json.RawMessage `json:"pendingOrders"`
	}
	if err := json.Unmarshal(raw, &state); err != nil {
		t.Fatal(err)
	}
	mo, ok := state.Orders[orderID]
	if !ok || mo.Status != wire.OrderCompleted || len(mo.LineItems) != 1 || mo.LineItems[0].SubscriptionID != o.Lines[0].SubscriptionID {
		t.Fatalf("Microsoft's order %s: %+v (found %v), want completed with subscription %s", orderID, mo, ok, o.Lines[0].SubscriptionID)
	}
	if _, still := state.PendingOrders[orderID]; still {
		t.Fatalf("Microsoft's order %s is still pending", orderID)
	}
}
