package ui

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"onboard/flow"
	"onboard/internal/testworld"
	"onboard/msapi/partnercenter"
	"onboard/msapi/sandbox"
	"onboard/store"
)

// The UI's tests run against the product itself: the real flow.Service on a
// new SQLite file, the sandbox Microsoft and the sandbox checkout, wired on
// loopback by testworld. A customer's actions outside the terminal
// (accepting the invitation, paying on the checkout page) are done on the
// sandboxes, as the customer's browser would.

// The sandbox's contoso tenant and its Global administrator.
const (
	contosoDomain   = "contoso.onmicrosoft.com"
	contosoAdmin    = "admin@contoso.onmicrosoft.com"
	contosoPassword = "Contoso-Admin-1"
	fabrikamAdmin   = "admin@fabrikam.onmicrosoft.com"
	fabrikamPass    = "Fabrikam-Admin-1"
)

// testEpoch is the fixed clock of the wizard and of the Service, so dates
// and elapsed times on screen are the same on every run.
var testEpoch = time.Date(2026, 3, 14, 9, 30, 0, 0, time.UTC)

// world is one terminal's wiring: the sandboxes, the Service, its store.
type world struct {
	t   testing.TB
	ms  *testworld.Microsoft
	svc *flow.Service
	db  *store.DB
	br  *stubBrowser
	// dbPath is the SQLite file: tests look for secrets in it.
	dbPath string
}

// newWorld wires a Service, pay-first, for a customer at terminal
// "kiosk-1"; now is the Service's clock.
func newWorld(t testing.TB, now func() time.Time) *world {
	t.Helper()
	parallel(t)
	// GDAP is on, as with the embedded sandbox: the import needs an
	// approved admin relationship (the harness approves it, gdap_test.go).
	ms := testworld.NewStable(t, sandbox.Options{NorthwindUsers: 50, EnforceGDAP: true})
	dbPath := filepath.Join(t.TempDir(), "onboard.db")
	svc, db := ms.Service(t, dbPath)
	if now != nil {
		svc.Now = now
		db.SetClock(now)
	}
	// Retries of injected faults happen at once: the tests wait for no timer.
	svc.MS = ms.Client(t, func(c *partnercenter.Config) {
		c.Sleep = func(ctx context.Context, _ time.Duration) error { return ctx.Err() }
	})
	// Most tests sign the administrator in with the password grant (the
	// provider's password setting); the device code sign-in has its own
	// tests (signin_test.go).
	svc.AdminSignIn = flow.SignInPassword
	svc.GDAP = testworld.GDAPSettings()
	return &world{t: t, ms: ms, svc: svc, db: db, dbPath: dbPath, br: &stubBrowser{}}
}

// accept accepts the invitation as contoso's administrator on the
// invitation page.
func (w *world) accept() {
	w.t.Helper()
	if err := w.ms.MS.AcceptInvitation(contosoAdmin, contosoPassword); err != nil {
		w.t.Fatalf("accept the invitation: %v", err)
	}
}

// pay pays, with card, on the checkout page the wizard last opened.
func (w *world) pay(card string) {
	w.t.Helper()
	url := w.br.last()
	if url == "" {
		w.t.Fatal("no checkout page was opened")
	}
	// A declined card is an outcome, not an error of the page.
	if err := w.ms.PayPage(url, card); err != nil && card != testworld.DeclinedCard {
		w.t.Fatalf("pay: %v", err)
	}
}

// order reads an order back from the store.
func (w *world) order(id string) flow.Order {
	w.t.Helper()
	o, err := w.db.GetOrder(context.Background(), id)
	if err != nil {
		w.t.Fatalf("read order %s: %v", id, err)
	}
	return o
}

// invitationURL is the invitation link Microsoft hands out.
func (w *world) invitationURL() string {
	w.t.Helper()
	u, err := w.svc.InvitationURL(context.Background())
	if err != nil {
		w.t.Fatal(err)
	}
	return u
}

// stubBrowser records what was opened and can fail like a kiosk without one.
type stubBrowser struct {
	mu     sync.Mutex
	opened []string
	err    error
}

func (b *stubBrowser) Open(url string) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.opened = append(b.opened, url)
	return b.err
}

func (b *stubBrowser) all() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]string(nil), b.opened...)
}

func (b *stubBrowser) last() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	if len(b.opened) == 0 {
		return ""
	}
	return b.opened[len(b.opened)-1]
}

func makeUsers(n int) []flow.User {
	us := make([]flow.User, n)
	for i := range us {
		us[i] = flow.User{ID: fmt.Sprintf("u%06d", i), UPN: fmt.Sprintf("user%06d@contoso.onmicrosoft.com", i),
			DisplayName: fmt.Sprintf("User %06d", i), Active: true}
	}
	return us
}

// requireNotStored fails when secret is anywhere in the SQLite files.
func (w *world) requireNotStored(secret string) {
	w.t.Helper()
	files, err := filepath.Glob(w.dbPath + "*")
	if err != nil || len(files) == 0 {
		w.t.Fatalf("store files of %s: %v", w.dbPath, err)
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			w.t.Fatal(err)
		}
		if bytes.Contains(b, []byte(secret)) {
			w.t.Fatalf("%s holds a secret", filepath.Base(f))
		}
	}
}

// orders is how many orders the store holds: numbers are given in turn
// from ORD-000001, so the first missing number ends the count.
func (w *world) orders() int {
	w.t.Helper()
	for n := 1; ; n++ {
		_, err := w.db.GetOrderByNumber(context.Background(), fmt.Sprintf("ORD-%06d", n))
		if errors.Is(err, flow.ErrNotFound) {
			return n - 1
		}
		if err != nil {
			w.t.Fatal(err)
		}
	}
}

// parallelTests are the tests already running in parallel.
var parallelTests sync.Map

// parallel runs t beside the other tests with a world of their own: each
// has its own sandboxes and store, so they share nothing, and the package
// runs in a fraction of the time (SQLite under -race is slow).
func parallel(tb testing.TB) {
	if t, ok := tb.(*testing.T); ok {
		if _, done := parallelTests.LoadOrStore(t, true); !done {
			t.Parallel()
		}
	}
}
