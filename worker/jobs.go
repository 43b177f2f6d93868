package worker

import (
	"context"
	"errors"
	"fmt"

	"github.com/riverqueue/river"

	"onboard/flow"
)

// processArgs is the job that processes one order.
type processArgs struct {
	OrderID string `json:"order_id"`
}

func (processArgs) Kind() string { return "onboard_process_order" }

// What a watch job waits for.
const (
	watchConsent = "consent" // the customer accepting the reseller invitation
	watchGDAP    = "gdap"    // the customer approving the admin relationship
	watchPayment = "payment" // the customer paying on an open checkout page
)

// watchArgs is the job that asks, every Recheck, whether the customer did
// what the order waits for.
type watchArgs struct {
	OrderID string `json:"order_id"`
	What    string `json:"what"`
}

func (watchArgs) Kind() string { return "onboard_watch_order" }

type processWorker struct {
	river.WorkerDefaults[processArgs]
	w *Worker
}

// Work processes the order (flow.Process, under the order's lease). An
// order that failed for a passing reason is retried first; an error that
// may pass is returned for River to try again later, one that will not
// cancels the job (the order shows why, for a person to act on).
func (p *processWorker) Work(ctx context.Context, job *river.Job[processArgs]) error {
	return stopping(ctx, p.work(ctx, job))
}

// stopping turns the error of a job cut short by the worker stopping into
// a snooze of zero: the job is free for the next worker at once, without
// using an attempt. (Processing leaves the order in provisioning with its
// lease released.)
func stopping(ctx context.Context, err error) error {
	if err != nil && ctx.Err() != nil {
		return river.JobSnooze(0)
	}
	return err
}

func (p *processWorker) work(ctx context.Context, job *river.Job[processArgs]) error {
	w, id := p.w, job.Args.OrderID
	o, err := w.svc.Store.GetOrder(ctx, id)
	if errors.Is(err, flow.ErrNotFound) {
		return river.JobCancel(err)
	}
	if err != nil {
		return fmt.Errorf("get order %s: %w", id, err)
	}
	if flow.FailedTransiently(o) {
		if o, err = w.svc.Retry(ctx, id); err != nil {
			return fmt.Errorf("retry order %s: %w", id, err)
		}
		w.log.Info("retrying order", "order", o.Number, "attempt", job.Attempt)
	}
	if o.Status != flow.StatusCompleted && !flow.Processable(o) {
		return river.JobCancel(fmt.Errorf("order %s is %s: nothing to process", o.Number, o.Status))
	}
	w.log.Info("processing order", "order", o.Number, "attempt", job.Attempt)
	progress := func(flow.Progress) {}
	if w.opts.Progress != nil {
		progress = func(pr flow.Progress) { w.opts.Progress(id, pr) }
	}
	res, err := w.svc.Process(ctx, id, progress)
	if err == nil {
		w.log.Info("order processed", "order", res.Order.Number, "summary", res.Summary())
		return nil
	}
	if ctx.Err() != nil {
		return err // the worker is stopping
	}
	o, gerr := w.svc.Store.GetOrder(context.WithoutCancel(ctx), id)
	switch {
	case gerr != nil:
		return errors.Join(err, gerr)
	case flow.FailedTransiently(o):
		w.log.Warn("order failed, will retry", "order", o.Number, "err", err)
		return err
	case flow.FailedAwaitingGDAP(o):
		// The watch job takes over until the customer approves.
		w.log.Info("order waits for the admin relationship", "order", o.Number)
		return nil
	case o.Status == flow.StatusFailed || errors.Is(err, flow.ErrNotReady):
		w.log.Warn("order failed", "order", o.Number, "reason", o.FailReason, "err", err)
		return river.JobCancel(err)
	}
	return err
}

type watchWorker struct {
	river.WorkerDefaults[watchArgs]
	w *Worker
}

// Work asks once whether the customer accepted the invitation or approved
// the admin relationship. When not yet, the job is snoozed for Recheck
// (snoozing uses no attempt); when yes, the order moves on and, when it is
// then to be processed, the process job is enqueued at once.
func (ww *watchWorker) Work(ctx context.Context, job *river.Job[watchArgs]) error {
	return stopping(ctx, ww.work(ctx, job))
}

func (ww *watchWorker) work(ctx context.Context, job *river.Job[watchArgs]) error {
	w, id := ww.w, job.Args.OrderID
	o, err := w.svc.Store.GetOrder(ctx, id)
	if errors.Is(err, flow.ErrNotFound) {
		return river.JobCancel(err)
	}
	if err != nil {
		return fmt.Errorf("get order %s: %w", id, err)
	}
	switch job.Args.What {
	case watchConsent:
		if o.Status != flow.StatusAwaitingConsent {
			return nil
		}
		c, err := w.svc.CheckConsent(ctx, id)
		if err != nil {
			return err
		}
		if !c.Accepted {
			return river.JobSnooze(w.opts.Recheck)
		}
		w.log.Info("invitation accepted", "order", c.Order.Number, "status", c.Order.Status)
		if flow.Processable(c.Order) {
			return w.enqueueNow(ctx, processArgs{OrderID: id})
		}
		return nil
	case watchGDAP:
		if !flow.FailedAwaitingGDAP(o) {
			return nil
		}
		g, err := w.svc.GDAPStatus(ctx, id)
		if err != nil {
			return err
		}
		if !g.Ready() {
			return river.JobSnooze(w.opts.Recheck)
		}
		if _, err := w.svc.Retry(ctx, id); err != nil {
			return fmt.Errorf("retry order %s: %w", o.Number, err)
		}
		w.log.Info("admin relationship approved", "order", o.Number)
		return w.enqueueNow(ctx, processArgs{OrderID: id})
	case watchPayment:
		if o.Status != flow.StatusAwaitingPayment {
			return nil
		}
		o, err := w.svc.PollPayments(ctx, id)
		if err != nil {
			return err
		}
		if o.Status == flow.StatusAwaitingPayment {
			return river.JobSnooze(w.opts.Recheck)
		}
		w.log.Info("payment received", "order", o.Number, "status", o.Status)
		if flow.Processable(o) {
			return w.enqueueNow(ctx, processArgs{OrderID: id})
		}
		return nil
	}
	return river.JobCancel(fmt.Errorf("unknown watch %q", job.Args.What))
}
