package flow

import (
	"context"
	"errors"
	"fmt"
	"time"

	"onboard/msapi"
)

const usersLabel = "Importing users"

// progressEvery is how often the users step reports its progress: by time,
// so the bar moves steadily however large the tenant or the pages.
const progressEvery = 50 * time.Millisecond

// UserImporter is a Store that imports a whole tenant's users in bulk and
// keeps the listing's position with each committed batch, so a retry or a
// restart after a crash continues from the last batch (store.DB).
type UserImporter interface {
	BeginUserImport(ctx context.Context, orderID, tenantID string) (UserImport, error)
}

// UserImport is one import of a tenant's users.
type UserImport interface {
	// Position is where the listing continues ("" from the start) and
	// whether it was completed.
	Position() (next string, complete bool)
	Saved() int // users committed so far
	// Add stores users; next is where the listing continues after them
	// ("" when they end it). The import commits, with next, when it sees fit.
	Add(ctx context.Context, us []User, next string) error
	Commit(ctx context.Context) error  // commits what was added, with its position
	Finish(ctx context.Context) error  // commits the rest: the listing is complete
	Restart(ctx context.Context) error // forgets the position: list from the start
	Close() error
}

// userPager is a Microsoft that can resume a users listing at a next link
// and count the users first (msapi.Client).
type userPager interface {
	UsersFrom(ctx context.Context, tenantID, from string, fn func(page []msapi.User, next string) error) error
	CountUsers(ctx context.Context, tenantID string) (int, error)
}

// saveUsersImport imports through Store.SaveUsers without a position, for
// stores and Microsofts that cannot keep one: a retry lists from the start
// and the upserts store nobody twice.
type saveUsersImport struct {
	s      Store
	tenant string
	saved  int
}

func (i *saveUsersImport) Position() (string, bool) { return "", false }
func (i *saveUsersImport) Saved() int               { return i.saved }
func (i *saveUsersImport) Add(ctx context.Context, us []User, _ string) error {
	if err := i.s.SaveUsers(ctx, i.tenant, us); err != nil {
		return err
	}
	i.saved += len(us)
	return nil
}
func (i *saveUsersImport) Commit(context.Context) error  { return nil }
func (i *saveUsersImport) Finish(context.Context) error  { return nil }
func (i *saveUsersImport) Restart(context.Context) error { i.saved = 0; return nil }
func (i *saveUsersImport) Close() error                  { return nil }

// usersFrom lists users from a next link when the Microsoft can.
func (r *run) usersFrom(ctx context.Context, from string, fn func([]msapi.User, string) error) error {
	if p, ok := r.s.MS.(userPager); ok {
		return p.UsersFrom(ctx, r.o.TenantID, from, fn)
	}
	return r.s.MS.Users(ctx, r.o.TenantID, func(page []msapi.User) error { return fn(page, "") })
}

func (r *run) beginUserImport(ctx context.Context) (UserImport, error) {
	if imp, ok := r.s.Store.(UserImporter); ok {
		if _, paged := r.s.MS.(userPager); paged {
			return imp.BeginUserImport(ctx, r.o.ID, r.o.TenantID)
		}
	}
	return &saveUsersImport{s: r.s.Store, tenant: r.o.TenantID}, nil
}

// countUsers is the tenant's size for the progress bar, 0 when unknown: a
// failed count costs the bar its total, not the import.
func (r *run) countUsers(ctx context.Context) int {
	p, ok := r.s.MS.(userPager)
	if !ok {
		return 0
	}
	n, err := p.CountUsers(ctx, r.o.TenantID)
	if err != nil {
		return 0
	}
	return n
}

// users imports the tenant's users page by page, in batches. Users keep only
// the SKUs of trials this order converted: licenses bought elsewhere are not
// imported.
//
// The store commits batches with the listing's next link, so a retry or a
// restart continues after the last committed batch instead of listing the
// tenant from the start. Fetching and decoding the next pages overlaps
// saving the last batch: full batches go to one writer goroutine through a
// bounded queue, so memory stays a few batches deep however large the
// tenant. The step is recorded done only after the import is finished.
func (r *run) users(ctx context.Context) error {
	im, err := r.beginUserImport(ctx)
	if err != nil {
		return fmt.Errorf("users of tenant %s: %w", r.o.TenantID, err)
	}
	defer im.Close()
	from, complete := im.Position()
	if complete {
		return nil
	}
	p := &usersProgress{r: r, done: im.Saved()}
	p.report(true)
	p.total = r.countUsers(ctx)
	p.report(true)
	err = r.importUsers(ctx, im, from, p)
	if from != "" && errors.Is(err, msapi.ErrInvalidRequest) {
		// The saved link was refused (Graph's skip tokens expire): list
		// the tenant again from the start into a cleared tenant.
		if err := im.Restart(ctx); err != nil {
			return err
		}
		p.done = 0
		err = r.importUsers(ctx, im, "", p)
	}
	if err != nil {
		p.report(true) // where it stopped
		// Keep what was listed before the failure: the retry continues
		// after it. Not when the context ended: a cancelled run stops now.
		if ctx.Err() == nil {
			if cerr := im.Commit(ctx); cerr != nil {
				return errors.Join(err, cerr)
			}
		}
		return err
	}
	if err := im.Finish(ctx); err != nil {
		return fmt.Errorf("users of tenant %s: %w", r.o.TenantID, err)
	}
	p.report(true)
	return nil
}

// importUsers lists the users from the next link from and hands them to
// the import in batches ending on a page, each with the link after it.
func (r *run) importUsers(ctx context.Context, im UserImport, from string, p *usersProgress) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	w := newUserWriter(im, r.s.userBatch())
	written := make(chan error, 1)
	go func() {
		err := w.run(ctx)
		if err != nil {
			cancel() // stops the fetch: nothing more can be saved
		}
		written <- err
	}()
	keep := r.convertedSKUs()
	fetchErr := r.usersFrom(ctx, from, func(page []msapi.User, next string) error {
		for i := range page {
			page[i].SkuIDs = keepSKUs(page[i].SkuIDs, keep)
		}
		handed, err := w.add(ctx, page, next)
		if err != nil {
			return err
		}
		p.done += len(page)
		p.report(handed)
		return nil
	})
	// The pages fetched before a failure are saved too: the batch being
	// filled ends on a page, so its next link is a position to resume at.
	if ctx.Err() == nil {
		if err := w.flush(ctx); fetchErr == nil {
			fetchErr = err
		}
	}
	w.close()
	// The writer's error explains a fetch cancelled because of it.
	if err := <-written; err != nil {
		return fmt.Errorf("save users of tenant %s: %w", r.o.TenantID, err)
	}
	if fetchErr != nil {
		return fmt.Errorf("users of tenant %s: %w", r.o.TenantID, fetchErr)
	}
	return nil
}

// usersProgress reports the users listed so far, at most every
// progressEvery and whenever a batch goes to the writer, from the fetching
// goroutine only.
type usersProgress struct {
	r           *run
	done, total int
	last        time.Time
}

func (p *usersProgress) report(force bool) {
	now := time.Now()
	if !force && now.Sub(p.last) < progressEvery {
		return
	}
	p.last = now
	p.r.progress(Progress{Step: stepUsers, Label: usersLabel, Done: p.done, Total: max(p.total, p.done)})
}

// graphMaxPage is the largest page of users Graph serves ($top=999): a
// batch is filled past its size by at most one page.
const graphMaxPage = 999

// userQueue is how many full batches wait for the writer: one being filled,
// one queued and one being saved keep both sides busy.
const userQueue = 1

// userBatch is users of whole pages and the next link after the last page.
type userBatch struct {
	users []User
	next  string
}

// userWriter saves batches of users in order on its own goroutine. Batches
// are recycled through free, so a whole import allocates userQueue+2 of them.
type userWriter struct {
	im    UserImport
	size  int
	batch *userBatch
	full  chan *userBatch
	free  chan *userBatch
	spare int // batches not yet allocated
}

func newUserWriter(im UserImport, size int) *userWriter {
	return &userWriter{im: im, size: size, full: make(chan *userBatch, userQueue),
		free: make(chan *userBatch, userQueue+2), spare: userQueue + 2}
}

// add appends a page to the batch being filled, handing the batch to the
// writer once it holds size users: batches end on a page, so next is a
// position the listing can resume at.
// It reports whether it handed a batch over.
func (w *userWriter) add(ctx context.Context, page []User, next string) (bool, error) {
	if w.batch == nil {
		b, err := w.take(ctx)
		if err != nil {
			return false, err
		}
		w.batch = b
	}
	w.batch.users = append(w.batch.users, page...)
	w.batch.next = next
	if len(w.batch.users) < w.size {
		return false, nil
	}
	return true, w.flush(ctx)
}

// take returns an empty batch: a new one while any are left to allocate,
// else one the writer has finished with.
func (w *userWriter) take(ctx context.Context) (*userBatch, error) {
	if w.spare > 0 {
		w.spare--
		return &userBatch{users: make([]User, 0, w.size+graphMaxPage)}, nil
	}
	select {
	case b := <-w.free:
		b.users, b.next = b.users[:0], ""
		return b, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// flush hands the batch being filled, if any, to the writer.
func (w *userWriter) flush(ctx context.Context) error {
	if w.batch == nil || len(w.batch.users) == 0 {
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

// run saves batches until the queue is closed or saving fails.
func (w *userWriter) run(ctx context.Context) error {
	for b := range w.full {
		if err := w.im.Add(ctx, b.users, b.next); err != nil {
			return err
		}
		clear(b.users) // drop the strings before the batch is reused
		w.free <- b
	}
	return nil
}
