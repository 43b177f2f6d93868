package flow_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"onboard/flow"
	"onboard/msapi"
)

// A purchase whose Microsoft order is still pending after the polls fails
// retryable with its own plain words: the order is named as pending, the
// person is told nothing more is bought and to retry in a few minutes.
func TestPendingOrderOutlastingThePollsSaysSo(t *testing.T) {
	w := newCommerceWorld(t, 5) // pending for more reads than one run polls
	ctx := context.Background()
	o := w.signUp(t, answers("contoso.onmicrosoft.com", "admin@contoso.onmicrosoft.com", "m365-business-premium", 5), "Contoso-Admin-1")
	_, err := w.svc.Process(ctx, o.ID, nil)
	if !errors.Is(err, flow.ErrOrderPending) || !errors.Is(err, msapi.ErrUnavailable) {
		t.Fatalf("run: %v, want ErrOrderPending (retryable)", err)
	}
	if got := flow.Explain(err); !strings.Contains(got, "has not finished setting it up") || !strings.Contains(got, "Nothing more is bought") {
		t.Errorf("Explain: %q", got)
	}
	cur, gerr := w.db.GetOrder(ctx, o.ID)
	if gerr != nil {
		t.Fatal(gerr)
	}
	if cur.Status != flow.StatusFailed || !strings.Contains(cur.FailReason, "still pending") ||
		!strings.Contains(cur.FailReason, "Retry order "+o.Number) {
		t.Fatalf("order %s %q", cur.Status, cur.FailReason)
	}
	if n := len(w.ms.RecordedOrders(o.TenantID)); n != 1 {
		t.Fatalf("%d Microsoft orders, want 1", n)
	}
}
