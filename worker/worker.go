// Package worker is the background worker: it processes paid orders,
// watches pending invitations and admin-relationship (GDAP) approvals,
// retries failures that pass with time, and resumes orders whose process
// died, so that no order depends on a terminal staying open.
//
// Its jobs run on River (github.com/riverqueue/river): on PostgreSQL
// through pgx, where LISTEN/NOTIFY wakes a worker the moment a job is
// inserted, and on SQLite through River's database/sql driver, which polls.
// River hands each job to one worker at a time across processes, retries
// failures with back-off and rescues the jobs of a worker that died. The
// order's processing lease (flow.Process) stays the guard of the order
// itself: when River hands a job out again while its first run still
// works, the second run waits for the lease and finds the order done, so
// every order is processed exactly once.
package worker

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"onboard/flow"
)

// Defaults of Options.
const (
	DefaultPoll        = 200 * time.Millisecond
	DefaultRecheck     = 10 * time.Second
	DefaultConcurrency = 4
	DefaultMaxAttempts = 8
)

// Options configure a Worker; only DB is required.
type Options struct {
	// DB is the database the service's store uses (the --db value): a SQLite
	// file or a postgres:// URL. The job queue's tables live beside the
	// store's.
	DB string
	// Poll is how often the worker looks for orders that need it; a paid
	// order starts processing within about Poll (default DefaultPoll).
	Poll time.Duration
	// Recheck is how often a pending invitation, admin-relationship
	// approval or open checkout is asked about (default DefaultRecheck).
	Recheck time.Duration
	// Concurrency is how many jobs this process runs at once
	// (default DefaultConcurrency).
	Concurrency int
	// MaxAttempts bounds the tries of a job that keeps failing; River waits
	// longer after each (default DefaultMaxAttempts).
	MaxAttempts int
	// Progress, when set, is told the progress of every order this process
	// works on, live. Other processes read it with flow.Service.Watch.
	Progress func(orderID string, p flow.Progress)
	// Logger receives what the worker did (default slog.Default()).
	Logger *slog.Logger
}

// Worker runs the jobs of one flow.Service. Create it with New, then Run.
type Worker struct {
	svc  *flow.Service
	opts Options
	log  *slog.Logger

	q    queue // set by Run before River starts
	mu   sync.Mutex
	sent map[string]time.Time // job key → when this worker last enqueued it
}

// New makes a worker for svc, whose store must be the database opts.DB.
func New(svc *flow.Service, opts Options) *Worker {
	if opts.Poll <= 0 {
		opts.Poll = DefaultPoll
	}
	if opts.Recheck <= 0 {
		opts.Recheck = DefaultRecheck
	}
	if opts.Concurrency <= 0 {
		opts.Concurrency = DefaultConcurrency
	}
	if opts.MaxAttempts <= 0 {
		opts.MaxAttempts = DefaultMaxAttempts
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	return &Worker{svc: svc, opts: opts, log: opts.Logger.With("component", "worker"), sent: map[string]time.Time{}}
}

// queue is River's client on either driver.
type queue interface {
	Insert(ctx context.Context, args river.JobArgs, opts *river.InsertOpts) (*rivertype.JobInsertResult, error)
	Start(ctx context.Context) error
	StopAndCancel(ctx context.Context) error
}

// warnEvery spaces the warnings of a scan that keeps failing.
const warnEvery = 30 * time.Second

// stopTimeout bounds the wait for running jobs when the worker stops.
const stopTimeout = 15 * time.Second

// Run works until ctx ends: it migrates the job queue's tables, starts
// River and looks for orders that need it every Poll. Jobs running when ctx
// ends are cancelled and go back to the queue, for this or another worker.
func (w *Worker) Run(ctx context.Context) error {
	workers := river.NewWorkers()
	river.AddWorker(workers, &processWorker{w: w})
	river.AddWorker(workers, &watchWorker{w: w})
	cfg := &river.Config{
		Queues:            map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: w.opts.Concurrency}},
		Workers:           workers,
		FetchCooldown:     20 * time.Millisecond,
		FetchPollInterval: 100 * time.Millisecond,
		// River's rescuer ignores running jobs that have no timeout, so
		// with none the job of a worker that died (kill -9, power cut) held
		// its order until forever: it must have one. A run cut short by it
		// goes back to the queue (stopping) and goes on from the steps
		// done; the order's lease, renewed while it works, tells a live run
		// from a dead one, and a job rescued while its run lives waits.
		JobTimeout:           2 * time.Minute,
		RescueStuckJobsAfter: 2 * time.Minute,
		MaxAttempts:          w.opts.MaxAttempts,
		Logger:               w.opts.Logger.With("component", "river"),
	}
	q, closeQueue, err := openQueue(ctx, w.opts.DB, cfg)
	if err != nil {
		return err
	}
	defer closeQueue()
	w.mu.Lock()
	w.q = q
	w.mu.Unlock()
	if err := q.Start(ctx); err != nil {
		return fmt.Errorf("start job queue: %w", err)
	}
	w.log.Info("worker started", "poll", w.opts.Poll, "concurrency", w.opts.Concurrency)
	tick := time.NewTicker(w.opts.Poll)
	defer tick.Stop()
	var lastWarn time.Time
	for {
		// A busy or unreachable database: the next tick tries again, and
		// the log hears of it every warnEvery, not every tick.
		if err := w.scan(ctx, q); err != nil && ctx.Err() == nil && time.Since(lastWarn) >= warnEvery {
			lastWarn = time.Now()
			w.log.Warn("look for work", "err", err)
		}
		select {
		case <-ctx.Done():
			stop, cancel := context.WithTimeout(context.WithoutCancel(ctx), stopTimeout)
			defer cancel()
			if err := q.StopAndCancel(stop); err != nil {
				return fmt.Errorf("stop job queue: %w", err)
			}
			w.log.Info("worker stopped")
			return nil
		case <-tick.C:
		}
	}
}

// scan enqueues a job for every order that needs one now: paid orders and
// orders whose processing was interrupted are processed, orders failed for
// a passing reason retried; pending invitations, approvals and payments
// are watched.
func (w *Worker) scan(ctx context.Context, q queue) error {
	st := w.svc.Store
	var errs []error
	paid, err := st.ListOrders(ctx, flow.OrderFilter{Status: flow.StatusPaid})
	errs = append(errs, err)
	for _, o := range paid {
		if flow.Processable(o) {
			errs = append(errs, w.enqueue(ctx, q, processArgs{OrderID: o.ID}, time.Time{}))
		}
	}
	ids, err := st.InterruptedOrders(ctx)
	errs = append(errs, err)
	for _, id := range ids {
		errs = append(errs, w.enqueue(ctx, q, processArgs{OrderID: id}, time.Time{}))
	}
	waiting, err := st.ListOrders(ctx, flow.OrderFilter{Status: flow.StatusAwaitingConsent})
	errs = append(errs, err)
	for _, o := range waiting {
		// First asked after Recheck: a terminal that waits asks sooner itself.
		errs = append(errs, w.enqueue(ctx, q, watchArgs{OrderID: o.ID, What: watchConsent}, time.Now().Add(w.opts.Recheck)))
	}
	unpaid, err := st.ListOrders(ctx, flow.OrderFilter{Status: flow.StatusAwaitingPayment})
	errs = append(errs, err)
	for _, o := range unpaid {
		// A checkout paid while no terminal watches (a kiosk reset, a
		// dropped SSH session, a server killed) is found here; a gateway's
		// webhook, where there is one, is sooner.
		errs = append(errs, w.enqueue(ctx, q, watchArgs{OrderID: o.ID, What: watchPayment}, time.Now().Add(w.opts.Recheck)))
	}
	failed, err := st.ListOrders(ctx, flow.OrderFilter{Status: flow.StatusFailed})
	errs = append(errs, err)
	for _, o := range failed {
		switch {
		case flow.FailedAwaitingGDAP(o):
			errs = append(errs, w.enqueue(ctx, q, watchArgs{OrderID: o.ID, What: watchGDAP}, time.Time{}))
		case flow.FailedTransiently(o):
			errs = append(errs, w.enqueue(ctx, q, processArgs{OrderID: o.ID}, o.UpdatedAt.Add(w.opts.Recheck)))
		}
	}
	return errors.Join(errs...)
}

// resend is how long a scan trusts that a job this worker enqueued is
// still queued (or was done) before offering it again, which spares the
// database an insert per order and scan; River's uniqueness turns a job
// enqueued twice into one either way. A job that moves its order on
// enqueues the next job itself (enqueueNow), without waiting for this.
const resend = 5 * time.Second

func jobKey(args river.JobArgs) string { return fmt.Sprintf("%s:%v", args.Kind(), args) }

// enqueue inserts the job unless this worker offered it within resend or
// an equal one is queued or running; a zero at means now.
func (w *Worker) enqueue(ctx context.Context, q queue, args river.JobArgs, at time.Time) error {
	key := jobKey(args)
	w.mu.Lock()
	last, ok := w.sent[key]
	now := time.Now()
	if ok && now.Sub(last) < resend {
		w.mu.Unlock()
		return nil
	}
	for k, t := range w.sent {
		if now.Sub(t) >= resend {
			delete(w.sent, k)
		}
	}
	w.sent[key] = now
	w.mu.Unlock()
	return w.insert(ctx, q, args, at)
}

// enqueueNow inserts the job at once unless an equal one is queued or
// running: a job that just moved its order on hands it to the next.
func (w *Worker) enqueueNow(ctx context.Context, args river.JobArgs) error {
	w.mu.Lock()
	delete(w.sent, jobKey(args))
	q := w.q
	w.mu.Unlock()
	if q == nil {
		return errNotRunning
	}
	return w.insert(ctx, q, args, time.Time{})
}

// errNotRunning: the job queue is not open yet (Run has not started it).
var errNotRunning = errors.New("worker not running")

// processNowTimeout bounds ProcessNow's insert; the next scan offers what
// it could not.
const processNowTimeout = 10 * time.Second

// ProcessNow hands a paid order to the queue at once instead of at the next
// scan (a webhook that found it paid). It does not block: the insert runs
// in the background, and one that fails leaves the order to the scan.
func (w *Worker) ProcessNow(orderID string) {
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), processNowTimeout)
		defer cancel()
		if err := w.enqueueNow(ctx, processArgs{OrderID: orderID}); err != nil && !errors.Is(err, errNotRunning) {
			w.log.Warn("enqueue paid order", "order", orderID, "err", err)
		}
	}()
}

func (w *Worker) insert(ctx context.Context, q queue, args river.JobArgs, at time.Time) error {
	key := jobKey(args)
	res, err := q.Insert(ctx, args, &river.InsertOpts{ScheduledAt: at, UniqueOpts: uniqueWhileQueued})
	if err != nil {
		return fmt.Errorf("enqueue %s: %w", key, err)
	}
	if !res.UniqueSkippedAsDuplicate {
		w.log.Info("job enqueued", "kind", args.Kind(), "args", args)
	}
	return nil
}

// uniqueWhileQueued allows one job per kind and arguments while it waits
// or runs; once it is done (completed, cancelled or discarded) the order
// may need another, say after an agent retried it.
var uniqueWhileQueued = river.UniqueOpts{
	ByArgs: true,
	ByState: []rivertype.JobState{
		rivertype.JobStateAvailable, rivertype.JobStatePending, rivertype.JobStateRunning,
		rivertype.JobStateRetryable, rivertype.JobStateScheduled,
	},
}
