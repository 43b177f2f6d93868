package flow_test

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	"onboard/flow"
	"onboard/msapi/partnercenter"
	"onboard/msapi/sandbox"
)

// TestMicrosoftsWaitIsShownWhileProcessing: a sandbox that throttles with
// Retry-After: 57 is waited 57 s (the client's clock is injected, so the
// test does not wait) and each wait reaches the person as a notice, ended
// by an empty one.
func TestMicrosoftsWaitIsShownWhileProcessing(t *testing.T) {
	w := newWorld(t, flow.PolicyPayFirst)
	var mu sync.Mutex
	var slept []time.Duration
	w.svc.MS = w.Client(t, func(c *partnercenter.Config) {
		c.PageSize, c.BaseBackoff, c.MaxBackoff, c.MaxAttempts = 4, 1, 1, 30
		c.Sleep = func(ctx context.Context, d time.Duration) error {
			mu.Lock()
			slept = append(slept, d)
			mu.Unlock()
			return ctx.Err()
		}
	})
	ctx := context.Background()
	o := w.signUp(t, answers("contoso.onmicrosoft.com", "admin@contoso.onmicrosoft.com", "o365-e3", 3), "Contoso-Admin-1")
	w.ms.SetFaults(sandbox.Faults{ThrottleRate: 0.3, RetryAfter: 57 * time.Second, Seed: 7})
	var notices []string
	if _, err := w.svc.Process(ctx, o.ID, func(p flow.Progress) {
		if p.Step == "" {
			notices = append(notices, p.Notice)
		}
	}); err != nil {
		t.Fatal(err)
	}
	w.ms.SetFaults(sandbox.Faults{})
	if len(notices) == 0 || len(notices)%2 != 0 {
		t.Fatalf("notices = %q, want pairs of a wait and its end", notices)
	}
	for i := 0; i < len(notices); i += 2 {
		if notices[i] != "Microsoft asked us to wait 57 s" || notices[i+1] != "" {
			t.Fatalf("notices %d-%d = %q, %q", i, i+1, notices[i], notices[i+1])
		}
	}
	if !slices.Contains(slept, 57*time.Second) || slices.ContainsFunc(slept, func(d time.Duration) bool { return d != 57*time.Second }) {
		t.Errorf("slept %v, want only the 57 s Microsoft asked for", slept)
	}
}
