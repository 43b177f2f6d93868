package flow

import (
	"context"
	"errors"
	"fmt"
	"testing"
)

var errCrash = errors.New("injected crash")

// mixedAnswers converts the trial (line 1) and buys Exchange (line 2).
func mixedAnswers(e *testEnv) Answers {
	return e.answers("t-trial",
		LineChoice{OfferID: "m365-business-premium", Seats: 10},
		LineChoice{OfferID: "exchange-online-plan1", Seats: 3})
}

// TestCrashResume fails the pipeline at every Microsoft call and every
// store write in turn, then retries, and checks the end state is exactly
// that of an undisturbed run: one conversion, one purchase, every user and
// domain once.
func TestCrashResume(t *testing.T) {
	for _, where := range []string{"microsoft", "store"} {
		for n := 1; ; n++ {
			e := newEnv(t, PolicyPayFirst)
			o := e.paidOrder(t, mixedAnswers(e))
			arm(e, where, n)
			_, err := e.s.Process(context.Background(), o.ID, nil)
			if err == nil {
				if n == 1 {
					t.Fatalf("%s: nothing was injected", where)
				}
				break // n is past the last call: every point was covered
			}
			t.Run(fmt.Sprintf("%s/%d", where, n), func(t *testing.T) {
				resume(t, e, o.ID)
				checkProvisionedOnce(t, e, o.ID)
			})
		}
	}
}

// arm makes the n-th Microsoft call, or store write, of the next Process fail once.
func arm(e *testEnv, where string, n int) {
	if where == "microsoft" {
		e.ms.failAt = e.ms.calls + n
		return
	}
	count := 0
	e.st.fail = func(method string) error {
		count++
		if count == n {
			return fmt.Errorf("%s: %w", method, errCrash)
		}
		return nil
	}
}

// resume does what a person does after a failure: retry if failed, process again.
func resume(t *testing.T, e *testEnv, id string) {
	t.Helper()
	ctx := context.Background()
	o, _ := e.st.GetOrder(ctx, id)
	if o.Status == StatusFailed {
		if _, err := e.s.Retry(ctx, id); err != nil {
			t.Fatal(err)
		}
	}
	res, err := e.s.Process(ctx, id, nil)
	if err != nil {
		t.Fatalf("resume from %s: %v", o.Status, err)
	}
	if len(res.Converted) != 1 || len(res.Bought) != 1 || res.AssignmentsKept != 8 || res.UsersImported != 10 || res.DomainsImported != 2 {
		t.Fatalf("result after resume %+v", res)
	}
}

func checkProvisionedOnce(t *testing.T, e *testEnv, id string) {
	t.Helper()
	o := wantStatus(t, e.st, id, StatusCompleted)
	if e.ms.placeCalls != 1 || len(e.ms.orders) != 1 || len(e.ms.converts) != 1 {
		t.Fatalf("%d orders placed (%d request ids), %d conversions", e.ms.placeCalls, len(e.ms.orders), len(e.ms.converts))
	}
	subs := map[string]bool{}
	for _, l := range o.Lines {
		if l.SubscriptionID == "" || subs[l.SubscriptionID] {
			t.Fatalf("line %d subscription %q", l.LineNo, l.SubscriptionID)
		}
		subs[l.SubscriptionID] = true
	}
	if !o.Lines[0].Converted || o.Lines[1].Converted {
		t.Fatalf("lines %+v", o.Lines)
	}
	if n := len(e.ms.tenants["t-trial"].subs); n != 2 {
		t.Fatalf("tenant has %d subscriptions, want the converted trial and one new", n)
	}
	if len(e.st.users["t-trial"]) != 10 || len(e.st.domains["t-trial"]) != 2 {
		t.Fatalf("%d users, %d domains", len(e.st.users["t-trial"]), len(e.st.domains["t-trial"]))
	}
	for _, u := range e.st.users["t-trial"] {
		if len(u.SkuIDs) > 1 {
			t.Fatalf("user %s stored with %v", u.ID, u.SkuIDs)
		}
	}
}
