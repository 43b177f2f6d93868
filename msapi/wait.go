package msapi

import (
	"context"
	"fmt"
	"time"
)

// Wait is a pause of the client before it repeats a request: Microsoft
// asked for it (Retry-After on a 429 or 503) or the client backs off after
// a failure. It is reported twice, before the pause and (Over) after it.
type Wait struct {
	Op      string        // what the client was doing
	Delay   time.Duration // how long it waits
	Asked   bool          // Microsoft named the delay (Retry-After)
	Status  int           // HTTP status of the failed attempt; 0 for a broken connection
	Attempt int           // attempts made so far
	Over    bool          // the pause has ended
}

// Text says the wait in words for a person, e.g. "Microsoft asked us to
// wait 57 s".
func (w Wait) Text() string {
	if w.Asked {
		return "Microsoft asked us to wait " + FormatWait(w.Delay)
	}
	return "Microsoft did not answer; trying again in " + FormatWait(w.Delay)
}

// FormatWait renders a delay in whole seconds ("57 s"), or minutes and
// seconds from a minute on ("2 min 5 s").
func FormatWait(d time.Duration) string {
	secs := int((d + time.Second - 1) / time.Second)
	switch {
	case secs < 60:
		return fmt.Sprintf("%d s", secs)
	case secs%60 == 0:
		return fmt.Sprintf("%d min", secs/60)
	default:
		return fmt.Sprintf("%d min %d s", secs/60, secs%60)
	}
}

type waitKey struct{}

// WithWaitReporter returns a context whose requests report every wait to
// report (called from the requesting goroutine; it must not block long).
func WithWaitReporter(ctx context.Context, report func(Wait)) context.Context {
	return context.WithValue(ctx, waitKey{}, report)
}

// WaitReporter is the context's wait reporter, a no-op when there is none;
// the client calls it before and after each pause.
func WaitReporter(ctx context.Context) func(Wait) {
	if f, ok := ctx.Value(waitKey{}).(func(Wait)); ok && f != nil {
		return f
	}
	return func(Wait) {}
}

type correlationKey struct{}

// WithCorrelationID returns a context whose Partner Center call carries id
// as MS-CorrelationId, for a caller that must know the id it sends (to
// quote it to support). Without it every call gets a fresh id: the Partner
// Center REST headers page says the value "should be reset for every call";
// the retries of one call keep it.
func WithCorrelationID(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, correlationKey{}, id)
}

// CorrelationID is the id WithCorrelationID named; "" when the caller named
// none (the client then makes a fresh one).
func CorrelationID(ctx context.Context) string {
	id, _ := ctx.Value(correlationKey{}).(string)
	return id
}
