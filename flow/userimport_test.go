package flow

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"onboard/msapi"
)

// pagedMS serves pages of users; only Users is implemented. onPage runs
// after each page was handed over, with the number of users served so far.
type pagedMS struct {
	msapi.Microsoft
	pages, size int
	onPage      func(served int)
	err         error // returned after all pages, when set
}

func (m *pagedMS) Users(ctx context.Context, _ string, fn func([]msapi.User) error) error {
	served := 0
	for p := 0; p < m.pages; p++ {
		if err := ctx.Err(); err != nil {
			return err
		}
		page := make([]msapi.User, m.size)
		for i := range page {
			page[i] = msapi.User{ID: fmt.Sprintf("u%06d", served+i), SkuIDs: []string{"sku-other"}}
		}
		if err := fn(page); err != nil {
			return err
		}
		served += len(page)
		if m.onPage != nil {
			m.onPage(served)
		}
	}
	return m.err
}

// batchStore records saved batches; only SaveUsers is implemented.
type batchStore struct {
	Store
	mu      sync.Mutex
	saved   []string
	batches []int
	save    func(n int) error // called per batch before it is recorded (n = batch index)
}

func (s *batchStore) SaveUsers(_ context.Context, _ string, us []User) error {
	s.mu.Lock()
	n := len(s.batches)
	s.mu.Unlock()
	if s.save != nil {
		if err := s.save(n); err != nil {
			return err
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, u := range us {
		if len(u.SkuIDs) != 0 {
			return fmt.Errorf("user %s kept a license bought elsewhere: %v", u.ID, u.SkuIDs)
		}
		s.saved = append(s.saved, u.ID)
	}
	s.batches = append(s.batches, len(us))
	return nil
}

func (s *batchStore) savedCount() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.saved)
}

func newImportRun(ms msapi.Microsoft, st Store, batch int, progress func(Progress)) *run {
	if progress == nil {
		progress = func(Progress) {}
	}
	s := &Service{MS: ms, Store: st, UserBatch: batch}
	return &run{s: s, o: Order{ID: "o1", Number: "ON-1", TenantID: "t1"}, done: map[string]bool{}, progress: progress}
}

func TestUsersImportSavesEveryUserInOrderInBatches(t *testing.T) {
	ms := &pagedMS{pages: 7, size: 3}
	st := &batchStore{}
	var done []int
	r := newImportRun(ms, st, 5, func(p Progress) { done = append(done, p.Done) })
	if err := r.users(context.Background()); err != nil {
		t.Fatal(err)
	}
	if len(st.saved) != 21 {
		t.Fatalf("saved %d users, want 21", len(st.saved))
	}
	for i, id := range st.saved {
		if want := fmt.Sprintf("u%06d", i); id != want {
			t.Fatalf("user %d is %s, want %s: order lost", i, id, want)
		}
	}
	// Batches end on a page (3 users each), so each has a next link to resume at.
	if fmt.Sprint(st.batches) != "[6 6 6 3]" {
		t.Errorf("batches %v", st.batches)
	}
	// Progress is reported by time, not per batch: it starts at 0, never
	// goes back and ends at everyone.
	if len(done) < 2 || done[0] != 0 || done[len(done)-1] != 21 || !slices.IsSorted(done) {
		t.Errorf("progress %v", done)
	}
}

// The next pages are fetched while a batch is being saved: the save of the
// first batch waits until a later page has been fetched.
func TestUsersImportFetchesWhileSaving(t *testing.T) {
	fetchedMore := make(chan struct{})
	var once sync.Once
	ms := &pagedMS{pages: 4, size: 5, onPage: func(served int) {
		if served > 5 {
			once.Do(func() { close(fetchedMore) })
		}
	}}
	st := &batchStore{save: func(n int) error {
		if n == 0 {
			select {
			case <-fetchedMore:
			case <-time.After(10 * time.Second): // only a broken pipeline gets here
				return errors.New("no page was fetched while the first batch was being saved")
			}
		}
		return nil
	}}
	if err := newImportRun(ms, st, 5, nil).users(context.Background()); err != nil {
		t.Fatal(err)
	}
	if st.savedCount() != 20 {
		t.Fatalf("saved %d", st.savedCount())
	}
}

// A slow writer holds the fetch back: at most the queued batches, the one
// being filled and the one being saved are in memory, however many pages come.
func TestUsersImportMemoryBounded(t *testing.T) {
	const batch, page = 4, 2
	st := &batchStore{}
	maxAhead := 0
	ms := &pagedMS{pages: 200, size: page}
	ms.onPage = func(served int) { maxAhead = max(maxAhead, served-st.savedCount()) }
	st.save = func(int) error { return nil }
	if err := newImportRun(ms, st, batch, nil).users(context.Background()); err != nil {
		t.Fatal(err)
	}
	if limit := (userQueue+2)*batch + page; maxAhead > limit {
		t.Fatalf("fetch ran %d users ahead of the writer, limit %d", maxAhead, limit)
	}
}

var errDiskFull = errors.New("disk full")

func TestUsersImportSaveErrorStopsFetch(t *testing.T) {
	ms := &pagedMS{pages: 1000, size: 10}
	st := &batchStore{save: func(n int) error {
		if n == 2 {
			return errDiskFull
		}
		return nil
	}}
	err := newImportRun(ms, st, 10, nil).users(context.Background())
	if !errors.Is(err, errDiskFull) {
		t.Fatalf("error %v, want the store's", err)
	}
	if n := st.savedCount(); n != 20 {
		t.Fatalf("saved %d users before the failure, want 20", n)
	}
}

var errGraphDown = errors.New("graph down")

func TestUsersImportFetchErrorKeepsSavedBatches(t *testing.T) {
	ms := &pagedMS{pages: 3, size: 4, err: errGraphDown}
	st := &batchStore{}
	err := newImportRun(ms, st, 4, nil).users(context.Background())
	if !errors.Is(err, errGraphDown) {
		t.Fatalf("error %v, want Microsoft's", err)
	}
	// Whole batches handed over before the failure are saved: a retry
	// upserts them again, so nothing is lost or doubled.
	if n := st.savedCount(); n != 12 {
		t.Fatalf("saved %d", n)
	}
}

func TestUsersImportCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	ms := &pagedMS{pages: 1000, size: 10, onPage: func(served int) {
		if served == 50 {
			cancel()
		}
	}}
	err := newImportRun(ms, &batchStore{}, 10, nil).users(ctx)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("error %v, want context.Canceled", err)
	}
}
