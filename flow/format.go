package flow

import (
	"strconv"
	"strings"
)

// FormatCount writes n with comma separators: 100000 → "100,000".
func FormatCount[N ~int | ~int64](n N) string {
	s := strconv.FormatInt(int64(n), 10)
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// StatusNames lists the order states, in lifecycle order.
func StatusNames() []string {
	all := []OrderStatus{StatusDraft, StatusAwaitingConsent, StatusAwaitingPayment, StatusPaid,
		StatusProvisioning, StatusCompleted, StatusFailed, StatusCancelled}
	out := make([]string, len(all))
	for i, s := range all {
		out[i] = string(s)
	}
	return out
}

// ReadyToProcess reports whether Process may run the pipeline now: the order
// is provisioning (resume), or paid and, under manual approval, approved.
func (o Order) ReadyToProcess() bool {
	switch o.Status {
	case StatusProvisioning:
		return true
	case StatusPaid:
		return o.Policy != PolicyManualApproval || o.Approved
	}
	return false
}
