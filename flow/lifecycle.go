package flow

import (
	"fmt"
	"strings"
)

// transitions is the order lifecycle. Which of the paths out of
// awaiting_consent an order takes is its policy's choice:
//
//	pay-first:           awaiting_consent → awaiting_payment → paid → provisioning
//	manual-approval:     the same, and paid waits for Order.Approved before provisioning
//	process-immediately: awaiting_consent → provisioning (post-paid, invoiced later)
//
// failed and cancelled are reachable from every non-final state; failed goes
// back to the state it failed from on retry (Order.FailedFrom, checked by Retry).
var transitions = map[OrderStatus][]OrderStatus{
	StatusDraft:           {StatusAwaitingConsent},
	StatusAwaitingConsent: {StatusAwaitingPayment, StatusProvisioning},
	StatusAwaitingPayment: {StatusPaid},
	StatusPaid:            {StatusProvisioning},
	StatusProvisioning:    {StatusCompleted},
	StatusFailed: {StatusDraft, StatusAwaitingConsent, StatusAwaitingPayment,
		StatusPaid, StatusProvisioning},
}

// Final reports whether s is a state an order never leaves.
func (s OrderStatus) Final() bool {
	return s == StatusCompleted || s == StatusCancelled
}

// Known reports whether s is a state of the lifecycle.
func (s OrderStatus) Known() bool {
	switch s {
	case StatusDraft, StatusAwaitingConsent, StatusAwaitingPayment, StatusPaid,
		StatusProvisioning, StatusCompleted, StatusFailed, StatusCancelled:
		return true
	}
	return false
}

// CanTransition reports whether the lifecycle allows from → to.
func CanTransition(from, to OrderStatus) bool {
	if !from.Known() || !to.Known() || from.Final() || from == to {
		return false
	}
	if to == StatusCancelled || (to == StatusFailed && from != StatusFailed) {
		return true
	}
	for _, t := range transitions[from] {
		if t == to {
			return true
		}
	}
	return false
}

// checkTransition returns ErrIllegalTransition wrapped with from and to.
func checkTransition(from, to OrderStatus) error {
	if !CanTransition(from, to) {
		return fmt.Errorf("%w: %s → %s", ErrIllegalTransition, from, to)
	}
	return nil
}

// ParsePolicy parses a policy name; "" is the default, pay-first.
func ParsePolicy(s string) (Policy, error) {
	switch p := Policy(strings.ToLower(strings.TrimSpace(s))); p {
	case "":
		return PolicyPayFirst, nil
	case PolicyPayFirst, PolicyProcessImmediately, PolicyManualApproval:
		return p, nil
	}
	return "", fmt.Errorf("unknown order flow %q: want %s, %s or %s", s,
		PolicyPayFirst, PolicyProcessImmediately, PolicyManualApproval)
}

// afterConsent is where an order goes once its customer accepted the invitation.
func (p Policy) afterConsent() OrderStatus {
	if p == PolicyProcessImmediately {
		return StatusProvisioning
	}
	return StatusAwaitingPayment
}
