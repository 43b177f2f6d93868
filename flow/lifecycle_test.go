package flow

import (
	"errors"
	"testing"
)

func TestCanTransition(t *testing.T) {
	all := []OrderStatus{StatusDraft, StatusAwaitingConsent, StatusAwaitingPayment, StatusPaid,
		StatusProvisioning, StatusCompleted, StatusFailed, StatusCancelled}
	legal := map[[2]OrderStatus]bool{}
	for _, p := range [][2]OrderStatus{
		{StatusDraft, StatusAwaitingConsent},
		{StatusAwaitingConsent, StatusAwaitingPayment},
		{StatusAwaitingConsent, StatusProvisioning},
		{StatusAwaitingPayment, StatusPaid},
		{StatusPaid, StatusProvisioning},
		{StatusProvisioning, StatusCompleted},
		{StatusFailed, StatusDraft}, {StatusFailed, StatusAwaitingConsent}, {StatusFailed, StatusAwaitingPayment},
		{StatusFailed, StatusPaid}, {StatusFailed, StatusProvisioning},
	} {
		legal[p] = true
	}
	for _, s := range all {
		if !s.Final() {
			legal[[2]OrderStatus{s, StatusCancelled}] = true
			if s != StatusFailed {
				legal[[2]OrderStatus{s, StatusFailed}] = true
			}
		}
	}
	for _, from := range all {
		for _, to := range all {
			want := legal[[2]OrderStatus{from, to}]
			if got := CanTransition(from, to); got != want {
				t.Errorf("CanTransition(%s, %s) = %v, want %v", from, to, got, want)
			}
			err := checkTransition(from, to)
			if want != (err == nil) || (!want && !errors.Is(err, ErrIllegalTransition)) {
				t.Errorf("checkTransition(%s, %s) = %v", from, to, err)
			}
		}
	}
	if CanTransition("bogus", StatusCancelled) || CanTransition(StatusDraft, "bogus") {
		t.Error("unknown states must not transition")
	}
}

func TestParsePolicy(t *testing.T) {
	for in, want := range map[string]Policy{"": PolicyPayFirst, "pay-first": PolicyPayFirst,
		" Manual-Approval ": PolicyManualApproval, "process-immediately": PolicyProcessImmediately} {
		if got, err := ParsePolicy(in); err != nil || got != want {
			t.Errorf("ParsePolicy(%q) = %v, %v", in, got, err)
		}
	}
	if _, err := ParsePolicy("yolo"); err == nil {
		t.Error("unknown policy accepted")
	}
}
