package ui

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"maps"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"onboard/flow"
	"onboard/store"
	"onboard/store/storetest"
)

// importedUsers is a store holding makeUsers(n) as tenant "t1", imported
// the way the pipeline imports them.
func importedUsers(tb testing.TB, n int) *store.DB {
	tb.Helper()
	return importedUsersIn(tb, n, filepath.Join(tb.TempDir(), "assign.db"))
}

// importedUsersIn is importedUsers in the database dsn names. The store
// is opened again after the import, as the process that assigns later
// opens it: closing it waits for the import's last checkpoint, which
// empties the WAL and so makes every connection's page cache start over
// (183 ms once measured: it would otherwise fall on the first keystrokes).
func importedUsersIn(tb testing.TB, n int, dsn string) *store.DB {
	tb.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, dsn)
	if err != nil {
		tb.Fatal(err)
	}
	im, err := db.BeginUserImport(ctx, "o1", "t1")
	if err != nil {
		tb.Fatal(err)
	}
	us := makeUsers(n)
	for len(us) > 0 {
		k := min(len(us), 999)
		if err := im.Add(ctx, us[:k], "next"); err != nil {
			tb.Fatal(err)
		}
		us = us[k:]
	}
	if err := im.Finish(ctx); err != nil {
		tb.Fatal(err)
	}
	if err := errors.Join(im.Close(), db.Close()); err != nil {
		tb.Fatal(err)
	}
	if db, err = store.Open(ctx, dsn); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	return db
}

// assignOver returns an assign screen over the store's tenant "t1" with 5
// seats to give, its first page and counts loaded.
func assignOver(tb testing.TB, db *store.DB) *assignScreen {
	c := &common{ctx: context.Background(), width: 80, height: 24, styles: NewStyles(true), keys: DefaultKeyMap(),
		backend: &flow.Service{Store: db}}
	c.order.TenantID = "t1"
	c.result.Bought = []flow.OrderLine{{Name: "Microsoft 365 Business Premium", SkuID: "sku-bp", Quantity: 5}}
	s := newAssignScreen(c)
	run(s, s.enter())
	return s
}

// run runs cmd and what it leads to, feeding the messages to the screen;
// timers are not run (the count after a pause is asked for explicitly).
func run(s *assignScreen, cmd tea.Cmd) {
	queue := []tea.Cmd{cmd}
	for len(queue) > 0 {
		c := queue[0]
		queue = queue[1:]
		if c == nil || timerCmd(c) {
			continue
		}
		switch msg := c().(type) {
		case tea.BatchMsg:
			queue = append(queue, msg...)
		case nil:
		default:
			queue = append(queue, s.update(msg))
		}
	}
}

// typeKeys types into the search, each keystroke's search run to the end.
func typeKeys(s *assignScreen, keys ...tea.KeyPressMsg) {
	for _, k := range keys {
		run(s, s.update(k))
	}
}

func text(t string) []tea.KeyPressMsg {
	var ks []tea.KeyPressMsg
	for _, r := range t {
		ks = append(ks, tea.KeyPressMsg{Code: r, Text: string(r)})
	}
	return ks
}

var backspace = tea.KeyPressMsg{Code: tea.KeyBackspace}

func TestAssignSearchNarrowsAndWidens(t *testing.T) {
	s := assignOver(t, importedUsers(t, 100_000))
	if s.total != 100_000 || s.matches != 100_000 || len(s.users) != s.pageSize() {
		t.Fatalf("opened with %d of %d users counted, %d loaded", s.matches, s.total, len(s.users))
	}
	typeKeys(s, text("user01234")...)
	if len(s.users) != 10 || s.matches != 10 { // user012340 … user012349
		t.Fatalf("matches = %d (%d counted), want 10", len(s.users), s.matches)
	}
	for _, u := range s.users {
		if !strings.Contains(u.UPN, "user01234") {
			t.Fatalf("match %s does not contain the query", u.UPN)
		}
	}
	typeKeys(s, backspace)
	if len(s.users) != s.pageSize() || s.matches != -1 {
		t.Fatalf("after backspace %d loaded, %d counted: want a page, counting", len(s.users), s.matches)
	}
	run(s, s.update(countDueMsg{gen: s.gen}))
	if s.matches != 100 {
		t.Fatalf("after backspace %d counted, want 100", s.matches)
	}
	run(s, s.update(tea.PasteMsg{Content: " 099999"})) // "user0123 099999": no one
	if len(s.users) != 0 {
		t.Fatalf("query %q matches %d", s.search.Value(), len(s.users))
	}
}

func TestAssignLoadsMorePagesAsTheCursorMoves(t *testing.T) {
	s := assignOver(t, importedUsers(t, 2_000))
	page := s.pageSize()
	for range page + 5 {
		run(s, s.update(tea.KeyPressMsg{Code: tea.KeyDown}))
	}
	if len(s.users) < 2*page || s.users[s.cursor].ID != "u"+pad6(page+5) {
		t.Fatalf("cursor on %s with %d loaded", s.users[s.cursor].ID, len(s.users))
	}
	v := ansi.Strip(s.view())
	if want := "› [ ] User " + pad6(page+5); !strings.Contains(v, want) {
		t.Fatalf("cursor row %q not visible:\n%s", want, v)
	}
	if strings.Contains(v, "User 000000 ") {
		t.Fatal("rows scrolled off are still drawn")
	}
	if n := strings.Count(v, "\n") + 1; n > 24 {
		t.Fatalf("view has %d lines", n)
	}
}

// Keys pressed before the first page arrived act on it once it has: a
// fast typist's enter, down, enter chooses the first two users.
func TestAssignKeysPressedWhileLoadingAreKept(t *testing.T) {
	db := importedUsers(t, 30)
	c := &common{ctx: context.Background(), width: 80, height: 24, styles: NewStyles(true), keys: DefaultKeyMap(),
		backend: &flow.Service{Store: db}}
	c.order.TenantID = "t1"
	c.result.Bought = []flow.OrderLine{{Name: "Microsoft 365 Business Premium", SkuID: "sku-bp", Quantity: 5}}
	s := newAssignScreen(c)
	loading := s.enter()
	for _, k := range []tea.KeyPressMsg{{Code: tea.KeyEnter}, {Code: tea.KeyDown}, {Code: tea.KeyEnter}} {
		run(s, s.update(k))
	}
	if !s.loading || len(s.selected[0]) != 0 {
		t.Fatalf("keys acted before the list arrived: loading %v, chosen %v", s.loading, s.selected[0])
	}
	run(s, loading)
	if got := slices.Sorted(maps.Keys(s.selected[0])); !slices.Equal(got, []string{"u000000", "u000001"}) {
		t.Fatalf("chosen %v, want the first two users", got)
	}
	if v := ansi.Strip(s.view()); !strings.Contains(v, "2 chosen, 3 of 5 free") {
		t.Fatalf("view:\n%s", v)
	}
}

func pad6(i int) string { return fmt.Sprintf("%06d", i) }

func TestAssignSkipsUsersWhoHaveTheLicense(t *testing.T) {
	db := importedUsers(t, 10)
	if err := db.AddAssignments(context.Background(), "t1", "SKU-BP", []string{"u000000"}, flow.AuditEvent{}); err != nil {
		t.Fatal(err)
	}
	s := assignOver(t, db)
	if got := s.limit(); got != 4 {
		t.Fatalf("limit = %d, want 5 seats less the 1 user who holds it", got)
	}
	s.update(tea.KeyPressMsg{Code: tea.KeyEnter})
	if len(s.selected[0]) != 0 || s.err == "" {
		t.Fatal("a user who already has the license was selected")
	}
}

// BenchmarkAssignKeystroke1M is one keystroke of the search over 1,000,000
// imported users, typing and deleting: Update, the page search it starts
// (run at once, as the program runs it), the page's Update and View. The
// count of matches, started after a pause in typing, is not part of it.
// It reports the median and the slowest keystroke too.
func BenchmarkAssignKeystroke1M(b *testing.B) { benchAssignKeystrokes(b, importedUsers(b, 1_000_000)) }

// BenchmarkAssignKeystroke1MPostgres is BenchmarkAssignKeystroke1M on
// PostgreSQL (ONBOARD_TEST_POSTGRES; skipped without it).
func BenchmarkAssignKeystroke1MPostgres(b *testing.B) {
	benchAssignKeystrokes(b, importedUsersIn(b, 1_000_000, storetest.Postgres(b)))
}

func benchAssignKeystrokes(b *testing.B, db *store.DB) {
	runtime.GC()
	before := heapBytes()
	start := time.Now()
	s := assignOver(b, db) // the first page and the counts of users and holders
	opened := time.Since(start)
	runtime.GC()
	openHeap := float64(heapBytes()) - float64(before)
	keys := append(text("user0123"), backspace, backspace, backspace, backspace, backspace, backspace, backspace, backspace)
	keys = append(keys, text("user 0999")...)
	keys = append(keys, backspace, backspace, backspace, backspace, backspace, backspace, backspace, backspace, backspace)
	var took, cpuTook []time.Duration
	byText := map[string][]time.Duration{}
	// The keystroke runs on this goroutine (the search too: the driver
	// works in the caller), so its thread's CPU time is the keystroke's.
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	b.ReportAllocs()
	b.ResetTimer()
	cpu0 := cpuTime()
	for i := 0; b.Loop(); i++ {
		start, startCPU := time.Now(), threadCPUTime()
		typeKeys(s, keys[i%len(keys)])
		_ = s.view()
		d := time.Since(start)
		cpuTook = append(cpuTook, threadCPUTime()-startCPU)
		took = append(took, d)
		byText[s.query] = append(byText[s.query], d)
	}
	cpu := cpuTime() - cpu0
	// The searches slowest in median, to tell which kind of prefix costs most.
	texts := slices.Collect(maps.Keys(byText))
	median := func(ds []time.Duration) time.Duration { return slices.Sorted(slices.Values(ds))[len(ds)/2] }
	slices.SortFunc(texts, func(a, b string) int { return cmp.Compare(median(byText[b]), median(byText[a])) })
	for _, t := range texts[:min(4, len(texts))] {
		b.Logf("%q: median %v of %d", t, median(byText[t]), len(byText[t]))
	}
	slices.Sort(took)
	slices.Sort(cpuTook)
	at := func(ds []time.Duration, q float64) float64 {
		return float64(ds[int(q*float64(len(ds)-1))].Microseconds()) / 1000
	}
	b.ReportMetric(at(took, 0.5), "p50-ms")
	b.ReportMetric(at(took, 0.99), "p99-ms")
	b.ReportMetric(at(took, 1), "max-ms")
	b.ReportMetric(at(cpuTook, 0.5), "cpu-p50-ms")
	b.ReportMetric(at(cpuTook, 0.99), "cpu-p99-ms")
	b.ReportMetric(at(cpuTook, 1), "cpu-max-ms")
	// Reported after the loop: b.Loop's first call resets the metrics.
	b.ReportMetric(float64(opened.Microseconds())/1000, "open-ms")
	b.ReportMetric(openHeap/(1<<20), "open-heap-MB")
	// CPU per keystroke: on a loaded machine the wall clock mostly measures
	// waiting for a core.
	b.ReportMetric(float64(cpu.Microseconds())/1000/float64(len(took)), "cpu-ms/key")
}

// heapBytes is the live heap, after a GC.
func heapBytes() uint64 {
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

// threadCPUTime is the CPU time the calling thread has used.
func threadCPUTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_THREAD, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// cpuTime is the CPU time (user and system) the process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func TestAssignSearchTypedOverIsStopped(t *testing.T) {
	s := assignOver(t, importedUsers(t, 2_000))
	s.update(text("u")[0]) // its search is not run: still under way
	first := s.running
	run(s, s.update(text("s")[0]))
	if !errors.Is(first.Err(), context.Canceled) {
		t.Fatalf("the search for %q went on after %q was typed", "u", s.query)
	}
	if s.running.Err() != nil || len(s.users) == 0 {
		t.Fatalf("the search for %q was stopped too or found nobody (%d users)", s.query, len(s.users))
	}
}
