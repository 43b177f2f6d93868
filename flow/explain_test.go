package flow

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"onboard/msapi"
)

func TestExplainSaysWhatToDo(t *testing.T) {
	wrapped := func(err error) error { return fmt.Errorf("verify administrator a@b.c: %w", err) }
	for _, tc := range []struct {
		err  error
		want string
	}{
		{nil, ""},
		{wrapped(msapi.ErrBadCredentials), "The login or password is wrong"},
		{wrapped(msapi.ErrNotGlobalAdmin), "This account is not a Global administrator"},
		{wrapped(context.Canceled), "Stopped."},
		{fmt.Errorf("%w: %w", ErrInvalidAnswers, &FieldErrors{Fields: map[string]string{"Email": "add the part after @"}, Order: []string{"Email"}}),
			"Some answers need fixing: Email: add the part after @."},
		{wrapped(msapi.ErrUnavailable), "Microsoft is not answering"},
		{errors.New("disk on fire"), "Something went wrong (disk on fire)"},
	} {
		if got := Explain(tc.err); !strings.HasPrefix(got, tc.want) {
			t.Errorf("Explain(%v) = %q, want it to start %q", tc.err, got, tc.want)
		}
	}
}

func TestCustomerNextSteps(t *testing.T) {
	o := Order{Number: "ORD-000007", Status: StatusAwaitingConsent, Policy: PolicyManualApproval}
	steps := CustomerNextSteps(o, GDAP{}, "ada@example.com", "contoso.onmicrosoft.com", "https://x/i/1")
	if len(steps) != 3 || !strings.Contains(steps[0].Text, "https://x/i/1") ||
		!strings.Contains(steps[1].Text, "ORD-000007") || steps[2].Command != "onboard orders approve ORD-000007" {
		t.Fatalf("manual approval awaiting consent: %+v", steps)
	}
	o.Status, o.Policy = StatusCompleted, PolicyProcessImmediately
	if steps := CustomerNextSteps(o, GDAP{}, "", "", ""); len(steps) != 1 || !strings.HasPrefix(steps[0].Text, "Nothing to do") {
		t.Fatalf("completed: %+v", steps)
	}
	// The admin relationship still waits for the customer's approval: that
	// comes first, and the order is not said to be set up on payment alone.
	o.Status, o.Policy = StatusAwaitingPayment, PolicyPayFirst
	steps = CustomerNextSteps(o, GDAP{Status: GDAPWaiting, URL: "https://x/g/1"}, "ada@example.com", "contoso.onmicrosoft.com", "")
	if len(steps) != 2 || !strings.HasPrefix(steps[0].Text, "Approve the admin relationship") || steps[0].Command != "onboard orders invite ORD-000007" ||
		!strings.HasPrefix(steps[1].Text, "Pay at a kiosk") || strings.Contains(steps[1].Text, "right after the payment") {
		t.Fatalf("GDAP pending: %+v", steps)
	}
	// Approved: payment is all that is left.
	steps = CustomerNextSteps(o, GDAP{Status: GDAPApproved}, "ada@example.com", "contoso.onmicrosoft.com", "")
	if len(steps) != 1 || !strings.Contains(steps[0].Text, "right after the payment") {
		t.Fatalf("GDAP approved: %+v", steps)
	}
}
