package flow

import (
	"context"
	"fmt"
)

const usersLabel = "Importing users"

// userQueue is how many full batches wait for the writer: one being filled,
// one queued and one being saved keep both sides busy.
const userQueue = 1

// userWriter saves batches of users in order on its own goroutine. Batches
// are recycled through free, so a whole import allocates userQueue+2 of them.
type userWriter struct {
	r       *run
	size    int
	batch   []User
	full    chan []User
	free    chan []User
	spare   int // batches not yet allocated
	written int
}

func newUserWriter(r *run, size int) *userWriter {
	return &userWriter{r: r, size: size, full: make(chan []User, userQueue),
		free: make(chan []User, userQueue+2), spare: userQueue + 2}
}

// add appends u to the batch being filled, handing it to the writer when full.
func (w *userWriter) add(ctx context.Context, u User) error {
	if w.batch == nil {
		b, err := w.take(ctx)
		if err != nil {
			return err
		}
		w.batch = b
	}
	w.batch = append(w.batch, u)
	if len(w.batch) < w.size {
		return nil
	}
	return w.flush(ctx)
}

// take returns an empty batch: a new one while any are left to allocate,
// else one the writer has finished with.
func (w *userWriter) take(ctx context.Context) ([]User, error) {
	if w.spare > 0 {
		w.spare--
		return make([]User, 0, w.size), nil
	}
	select {
	case b := <-w.free:
		return b[:0], nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// flush hands the batch being filled, if any, to the writer.
func (w *userWriter) flush(ctx context.Context) error {
	if len(w.batch) == 0 {
		return nil
	}
	select {
	case w.full <- w.batch:
		w.batch = nil
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// close tells the writer no more batches come.
func (w *userWriter) close() { close(w.full) }

// run saves batches until the queue is closed or saving fails. It is the
// only caller of progress while it runs.
func (w *userWriter) run(ctx context.Context) error {
	r := w.r
	for b := range w.full {
		if err := r.s.Store.SaveUsers(ctx, r.o.TenantID, b); err != nil {
			return fmt.Errorf("save users of tenant %s: %w", r.o.TenantID, err)
		}
		w.written += len(b)
		r.progress(Progress{Step: stepUsers, Label: usersLabel, Done: w.written})
		clear(b) // drop the strings before the batch is reused
		w.free <- b
	}
	return nil
}
