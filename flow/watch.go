package flow

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"
)

// The beginnings of the fail reasons (failReason) of failures that pass by
// themselves: the background worker retries these orders, and watches the
// admin relationship of those waiting for its approval.
const (
	reasonUnavailable     = "Microsoft is unavailable; retry later with "
	reasonOrderInProgress = "Microsoft is still processing an earlier order for this account; retry in a few minutes with "
	reasonGDAPPending     = "A Global administrator of the Microsoft account has not approved the admin relationship yet; "
)

// FailedTransiently reports whether o failed in processing for a reason
// that passes with time (Microsoft unavailable or busy with an earlier
// order), so retrying it later may succeed.
func FailedTransiently(o Order) bool {
	return o.Status == StatusFailed && o.FailedFrom == StatusProvisioning &&
		(strings.HasPrefix(o.FailReason, reasonUnavailable) || strings.HasPrefix(o.FailReason, reasonOrderInProgress))
}

// FailedAwaitingGDAP reports whether o stopped in processing because the
// customer has not approved the admin relationship yet.
func FailedAwaitingGDAP(o Order) bool {
	return o.Status == StatusFailed && o.FailedFrom == StatusProvisioning &&
		strings.HasPrefix(o.FailReason, reasonGDAPPending)
}

// Processable reports whether o may be processed now: paid (and approved
// under manual approval), or in provisioning (resumed).
func Processable(o Order) bool { return processable(o) == nil }

// watchPoll is how often Watch reads the order.
var watchPoll = 200 * time.Millisecond

// Watch reports, from what the store recorded, the processing of the order
// by whichever process does it (the background worker, another terminal):
// each pipeline step as it is recorded done, the users saved so far by an
// import, then the end. It returns the order once it is completed, failed
// or cancelled, or when ctx ends. A terminal waiting for its order calls it
// instead of processing itself.
func (s *Service) Watch(ctx context.Context, orderID string, progress func(Progress)) (Order, error) {
	rep := newStepReporter(progress)
	t := time.NewTicker(watchPoll)
	defer t.Stop()
	for {
		o, err := s.Store.GetOrder(ctx, orderID)
		if err != nil {
			return o, fmt.Errorf("watch order %s: %w", orderID, err)
		}
		if err := rep.report(ctx, s, o); err != nil {
			return o, fmt.Errorf("watch order %s: %w", o.Number, err)
		}
		switch o.Status {
		case StatusCompleted:
			rep.progress(Progress{Step: "done", Label: "Done"})
			return o, nil
		case StatusFailed, StatusCancelled:
			return o, nil
		}
		select {
		case <-ctx.Done():
			return o, fmt.Errorf("watch order %s: %w", o.Number, ctx.Err())
		case <-t.C:
		}
	}
}

// stepReporter tells progress what another process recorded of an order's
// processing since it last looked.
type stepReporter struct {
	progress func(Progress)
	seen     map[string]bool
	users    int
}

func newStepReporter(progress func(Progress)) *stepReporter {
	if progress == nil {
		progress = func(Progress) {}
	}
	return &stepReporter{progress: progress, seen: map[string]bool{}, users: -1}
}

// report reads the steps recorded done for o and reports the new ones, in
// name order, and during an import the users saved so far.
func (r *stepReporter) report(ctx context.Context, s *Service, o Order) error {
	done, err := s.Store.StepsDone(ctx, o.ID)
	if err != nil {
		return err
	}
	steps := make([]string, 0, len(done))
	for step := range done {
		// Steps recorded before processing (the agreement, the account
		// kind) have no processing label: nothing to tell.
		if !r.seen[step] && stepLabel(step) != stepLabel("") {
			steps = append(steps, step)
		}
	}
	sort.Strings(steps)
	for _, step := range steps {
		r.seen[step] = true
		r.progress(Progress{Step: step, Label: "Done: " + stepLabel(step), finished: true})
	}
	// The import saves users in batches: their count is its progress.
	if o.Status == StatusProvisioning && done[stepDomains] && !done[stepUsers] && o.TenantID != "" {
		if n, err := s.Store.CountUsers(ctx, o.TenantID); err == nil && n != r.users {
			r.users = n
			r.progress(Progress{Step: stepUsers, Label: usersLabel, Done: n})
		}
	}
	return nil
}
