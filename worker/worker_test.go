package worker_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"onboard/flow"
	"onboard/internal/testworld"
	"onboard/msapi/sandbox"
	paystripe "onboard/payment/stripe"
	"onboard/store/storetest"
	"onboard/worker"

	"github.com/stripe/stripe-go/v85/webhook"
)

// testTimeout bounds a whole test; the waits inside end with the orders.
const testTimeout = 3 * time.Minute

// newAccountAnswers is a customer creating <name>.onmicrosoft.com and
// buying seats of Microsoft 365 Business Premium.
func newAccountAnswers(name string, seats int) flow.Answers {
	a := testworld.Answers("", "", "m365-business-premium", seats)
	a.Account, a.Domain = flow.AccountNew, name
	return a
}

// paidOrder takes a new-account order up to paid, as a terminal does:
// create it, create the Microsoft account, pay on the sandbox checkout.
func paidOrder(ctx context.Context, t *testing.T, m *testworld.Microsoft, svc *flow.Service, name string) flow.Order {
	t.Helper()
	o, err := m.PayOrder(ctx, svc, payableOrder(ctx, t, svc, name, 3).ID)
	if err != nil {
		t.Fatalf("pay order %s: %v", name, err)
	}
	return o
}

// payableOrder is a new-account order up to its payment: created, its
// Microsoft account created.
func payableOrder(ctx context.Context, t *testing.T, svc *flow.Service, name string, seats int) flow.Order {
	t.Helper()
	o, err := svc.CreateOrder(ctx, newAccountAnswers(name, seats))
	if err != nil {
		t.Fatalf("create order %s: %v", name, err)
	}
	if _, err := svc.CreateMicrosoftAccount(ctx, o.ID); err != nil {
		t.Fatalf("create account %s: %v", name, err)
	}
	return o
}

// quiet logs the workers' warnings and errors only.
var quiet = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))

// run runs w until ctx ends and reports its return on the channel.
func run(ctx context.Context, w *worker.Worker) <-chan error {
	done := make(chan error, 1)
	go func() { done <- w.Run(ctx) }()
	return done
}

// The worker processes an order paid at a terminal that went away, and a
// terminal that waits sees it through flow.Service.Watch.
func TestWorkerProcessesPaidOrder(t *testing.T) {
	for _, b := range storetest.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
			defer cancel()
			dsn := b.Fresh(t)
			m := testworld.NewMicrosoft(t, sandbox.Options{})
			terminal, _ := m.Service(t, dsn)
			o := paidOrder(ctx, t, m, terminal, "fabrikamwk")

			svc, _ := m.Service(t, dsn)
			wctx, stop := context.WithCancel(ctx)
			done := run(wctx, worker.New(svc, worker.Options{Logger: quiet, DB: dsn}))

			var seen []flow.Progress
			got, err := terminal.Watch(ctx, o.ID, func(p flow.Progress) { seen = append(seen, p) })
			if err != nil || got.Status != flow.StatusCompleted {
				t.Fatalf("watched order: %s %q, %v", got.Status, got.FailReason, err)
			}
			if len(seen) < 2 || seen[len(seen)-1].Step != "done" {
				t.Errorf("progress seen by the waiting terminal: %+v", seen)
			}
			subs := m.MS.RecordedSubscriptions(got.TenantID)
			if len(subs) != 1 || subs[0].Quantity != 3 || subs[0].OfferID == "" {
				t.Errorf("sandbox subscriptions of %s: %+v", got.TenantID, subs)
			}
			stop()
			if err := <-done; err != nil {
				t.Errorf("Run: %v", err)
			}
		})
	}
}

// Two workers on one database process N paid orders at once; one is
// killed (its context cancelled) in the middle of an order. Every order
// is processed exactly once, as Microsoft's and the payment sandbox's
// records show: one Partner Center order and one subscription per order's
// line, one capture of the total and no refund, one customer per tenant.
func TestExactlyOnceWithTwoWorkersOneKilled(t *testing.T) {
	const orders = 12
	for _, b := range storetest.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
			defer cancel()
			dsn := b.Fresh(t)
			m := testworld.NewMicrosoft(t, sandbox.Options{})
			terminal, db := m.Service(t, dsn)
			var paid []flow.Order
			for i := range orders {
				paid = append(paid, paidOrder(ctx, t, m, terminal, fmt.Sprintf("exactlyonce%02d", i)))
			}

			// The first worker starts alone; the second once the first is
			// working, and the first is killed at its third progress report.
			ctx1, kill := context.WithCancel(ctx)
			defer kill()
			working := make(chan struct{})
			var once sync.Once
			var reports atomic.Int32
			svc1, _ := m.Service(t, dsn)
			w1 := worker.New(svc1, worker.Options{Logger: quiet, DB: dsn, Concurrency: 2, Progress: func(string, flow.Progress) {
				once.Do(func() { close(working) })
				if reports.Add(1) == 3 {
					kill()
				}
			}})
			done1 := run(ctx1, w1)
			select {
			case <-working:
			case <-ctx.Done():
				t.Fatal("the first worker never started an order")
			}
			svc2, _ := m.Service(t, dsn)
			ctx2, stop2 := context.WithCancel(ctx)
			defer stop2()
			done2 := run(ctx2, worker.New(svc2, worker.Options{Logger: quiet, DB: dsn, Concurrency: 2}))

			for _, o := range paid {
				got, err := terminal.Watch(ctx, o.ID, nil)
				if err != nil || got.Status != flow.StatusCompleted {
					t.Fatalf("order %s: %s %q, %v", o.Number, got.Status, got.FailReason, err)
				}
			}
			if err := <-done1; err != nil {
				t.Errorf("killed worker: %v", err)
			}
			if n := reports.Load(); n < 3 {
				t.Errorf("the first worker reported %d times: it was not killed mid-way", n)
			}
			stop2()
			if err := <-done2; err != nil {
				t.Errorf("second worker: %v", err)
			}

			tenants := map[string]bool{}
			for _, o := range paid {
				got, err := db.GetOrder(ctx, o.ID)
				if err != nil {
					t.Fatal(err)
				}
				if tenants[got.TenantID] {
					t.Errorf("order %s: tenant %s has a second order", got.Number, got.TenantID)
				}
				tenants[got.TenantID] = true
				if pc := m.MS.RecordedOrders(got.TenantID); len(pc) != 1 {
					t.Errorf("order %s: %d Partner Center orders %v, want 1", got.Number, len(pc), pc)
				}
				subs := m.MS.RecordedSubscriptions(got.TenantID)
				if len(subs) != 1 || subs[0].Quantity != 3 {
					t.Errorf("order %s: subscriptions %+v, want one of 3 seats", got.Number, subs)
				}
				captured, refunded := m.Pay.Captured(got.Number)
				if captured != got.Total() || refunded != 0 {
					t.Errorf("order %s: captured %d refunded %d, want %d and 0", got.Number, captured, refunded, got.Total())
				}
			}
			customers, err := db.ListCustomers(ctx, time.Time{}, 0)
			if err != nil {
				t.Fatal(err)
			}
			if len(customers) != orders {
				t.Errorf("%d customers, want %d", len(customers), orders)
			}
		})
	}
}

// BenchmarkPaidToProcessing measures how soon the worker starts an order
// after its payment is recorded (target: within 0.5 s).
func BenchmarkPaidToProcessing(b *testing.B) {
	for _, be := range storetest.Backends() {
		b.Run(be.Name, func(b *testing.B) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			dsn := be.Fresh(b)
			m := testworld.NewMicrosoft(b, sandbox.Options{})
			terminal, _ := m.Service(b, dsn)
			started := sync.Map{} // order id → chan struct{}, closed at its first progress
			svc, _ := m.Service(b, dsn)
			w := worker.New(svc, worker.Options{Logger: quiet, DB: dsn, Progress: func(id string, _ flow.Progress) {
				if ch, ok := started.Load(id); ok {
					select {
					case <-ch.(chan struct{}):
					default:
						close(ch.(chan struct{}))
					}
				}
			}})
			done := run(ctx, w)
			var total time.Duration
			b.ResetTimer()
			for i := range b.N {
				b.StopTimer()
				o, err := terminal.CreateOrder(ctx, newAccountAnswers(fmt.Sprintf("bench%d%d", time.Now().UnixNano()%1e6, i), 1))
				if err != nil {
					b.Fatal(err)
				}
				if _, err := terminal.CreateMicrosoftAccount(ctx, o.ID); err != nil {
					b.Fatal(err)
				}
				ch := make(chan struct{})
				started.Store(o.ID, ch)
				b.StartTimer()
				if _, err := m.PayOrder(ctx, terminal, o.ID); err != nil {
					b.Fatal(err)
				}
				paidAt := time.Now()
				<-ch
				total += time.Since(paidAt)
			}
			b.ReportMetric(float64(total.Milliseconds())/float64(b.N), "ms-paid-to-start/op")
			cancel()
			if err := <-done; err != nil && !errors.Is(err, context.Canceled) {
				b.Error(err)
			}
		})
	}
}

// waitFor reads the order until cond holds or ctx ends; for states Watch
// does not end on (an order failed, waiting for a person to act).
func waitFor(ctx context.Context, t *testing.T, svc *flow.Service, id string, what string, cond func(flow.Order) bool) flow.Order {
	t.Helper()
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		o, err := svc.GetOrder(ctx, id)
		if err == nil && cond(o) {
			return o
		}
		select {
		case <-ctx.Done():
			t.Fatalf("order %s never %s: %s %q, %v", o.Number, what, o.Status, o.FailReason, err)
		case <-tick.C:
		}
	}
}

// With no terminal waiting, the worker sees the invitation accepted and
// processes the order (process-immediately), stops at the admin
// relationship, sees it approved and finishes the import.
func TestWorkerWatchesInvitationAndApproval(t *testing.T) {
	const admin, password = "admin@contoso.onmicrosoft.com", "Contoso-Admin-1"
	for _, b := range storetest.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
			defer cancel()
			dsn := b.Fresh(t)
			m := testworld.NewMicrosoft(t, sandbox.Options{EnforceGDAP: true})
			terminal, _ := m.Service(t, dsn)
			terminal.Policy = flow.PolicyProcessImmediately
			o, err := terminal.CreateOrder(ctx, testworld.Answers("contoso.onmicrosoft.com", admin, "m365-business-basic", 2))
			if err != nil {
				t.Fatal(err)
			}

			svc, _ := m.Service(t, dsn)
			svc.GDAP = testworld.GDAPSettings()
			wctx, stop := context.WithCancel(ctx)
			done := run(wctx, worker.New(svc, worker.Options{Logger: quiet, DB: dsn, Recheck: 20 * time.Millisecond}))

			if err := m.MS.AcceptInvitation(admin, password); err != nil {
				t.Fatal(err)
			}
			failed, err := terminal.Watch(ctx, o.ID, nil)
			if err != nil || !flow.FailedAwaitingGDAP(failed) || failed.TenantID == "" {
				t.Fatalf("after the invitation: %s %q, %v", failed.Status, failed.FailReason, err)
			}
			if err := m.MS.ApproveGDAP(failed.TenantID, admin, password); err != nil {
				t.Fatal(err)
			}
			waitFor(ctx, t, terminal, o.ID, "resumed", func(o flow.Order) bool { return o.Status != flow.StatusFailed })
			got, err := terminal.Watch(ctx, o.ID, nil)
			if err != nil || got.Status != flow.StatusCompleted {
				t.Fatalf("after the approval: %s %q, %v", got.Status, got.FailReason, err)
			}
			if subs := m.MS.RecordedSubscriptions(got.TenantID); len(subs) == 0 {
				t.Errorf("nothing provisioned for %s", got.TenantID)
			}
			stop()
			if err := <-done; err != nil {
				t.Errorf("Run: %v", err)
			}
		})
	}
}

// A customer pays on their phone after the terminal that opened the
// checkout went away (a kiosk wiped the sign-up, the server died): no
// terminal asks the gateway any more, and there is no webhook. The worker
// notices the payment and processes the order, once, as the sandboxes'
// records show.
func TestWorkerNoticesAPaymentNoTerminalSaw(t *testing.T) {
	for _, b := range storetest.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
			defer cancel()
			dsn := b.Fresh(t)
			m := testworld.NewMicrosoft(t, sandbox.Options{})
			terminal, _ := m.Service(t, dsn)
			o := payableOrder(ctx, t, terminal, "payslaterwk", 2)
			sess, err := terminal.StartPayment(ctx, o.ID)
			if err != nil {
				t.Fatal(err)
			}
			// The terminal is gone; the customer pays on the open page.
			if _, err := m.Pay.Pay(sess.ID, testworld.TestCard); err != nil {
				t.Fatal(err)
			}

			svc, _ := m.Service(t, dsn)
			wctx, stop := context.WithCancel(ctx)
			done := run(wctx, worker.New(svc, worker.Options{Logger: quiet, DB: dsn, Recheck: 20 * time.Millisecond}))
			got := waitFor(ctx, t, svc, o.ID, "completed", func(o flow.Order) bool { return o.Status == flow.StatusCompleted })
			if subs := m.MS.RecordedSubscriptions(got.TenantID); len(subs) != 1 || subs[0].Quantity != 2 {
				t.Errorf("sandbox subscriptions of %s: %+v", got.TenantID, subs)
			}
			captured := 0
			for _, s := range m.Pay.SessionsOf(o.Number) {
				if s.Captured > 0 {
					captured++
				}
			}
			if captured != 1 {
				t.Errorf("%d captured checkouts, want 1", captured)
			}
			stop()
			if err := <-done; err != nil {
				t.Errorf("Run: %v", err)
			}
		})
	}
}

// BenchmarkWebhookToProcessing measures the time from the Stripe webhook's
// 200 (a signed checkout.session.completed handled by the webhook handler)
// to the worker starting the order: handed over at once (AfterPaid =
// ProcessNow, as onboard serve does) and left to the worker's scan.
func BenchmarkWebhookToProcessing(b *testing.B) {
	fixture, err := os.ReadFile("../payment/stripe/testdata/completed.json")
	if err != nil {
		b.Fatal(err)
	}
	for _, be := range storetest.Backends() {
		for _, handOver := range []bool{true, false} {
			name := be.Name + "/scan"
			if handOver {
				name = be.Name + "/process-now"
			}
			b.Run(name, func(b *testing.B) {
				ctx, cancel := context.WithCancel(context.Background())
				defer cancel()
				dsn := be.Fresh(b)
				m := testworld.NewMicrosoft(b, sandbox.Options{})
				terminal, _ := m.Service(b, dsn)
				svc, _ := m.Service(b, dsn)
				started := sync.Map{} // order id → chan struct{}, closed at its first progress
				w := worker.New(svc, worker.Options{Logger: quiet, DB: dsn, Progress: func(id string, _ flow.Progress) {
					if ch, ok := started.LoadAndDelete(id); ok {
						close(ch.(chan struct{}))
					}
				}})
				h := paystripe.NewWebhookHandler(benchWebhookSecret, terminal)
				h.Log = quiet
				if handOver {
					h.AfterPaid = w.ProcessNow
				}
				done := run(ctx, w)
				var total time.Duration
				b.ResetTimer()
				for i := range b.N {
					b.StopTimer()
					o, err := terminal.CreateOrder(ctx, newAccountAnswers(fmt.Sprintf("hook%d%d", time.Now().UnixNano()%1e6, i), 1))
					if err != nil {
						b.Fatal(err)
					}
					if _, err := terminal.CreateMicrosoftAccount(ctx, o.ID); err != nil {
						b.Fatal(err)
					}
					sess, err := terminal.StartPayment(ctx, o.ID)
					if err != nil {
						b.Fatal(err)
					}
					body := strings.NewReplacer("ord_fixture", o.ID, "cs_test_fixture", sess.ID, "ORD-FIXTURE", o.Number, `"eur"`, `"`+strings.ToLower(o.Currency)+`"`,
						"7200", strconv.FormatInt(o.Total(), 10)).Replace(string(fixture))
					sig := webhook.GenerateTestSignedPayload(&webhook.UnsignedPayload{Payload: []byte(body), Secret: benchWebhookSecret, Timestamp: time.Now()}).Header
					req := httptest.NewRequest(http.MethodPost, paystripe.WebhookPath, strings.NewReader(body))
					req.Header.Set("Stripe-Signature", sig)
					ch := make(chan struct{})
					started.Store(o.ID, ch)
					rec := httptest.NewRecorder()
					b.StartTimer()
					h.ServeHTTP(rec, req)
					answered := time.Now()
					if rec.Code != http.StatusOK {
						b.Fatalf("webhook: %d %s", rec.Code, rec.Body)
					}
					<-ch
					total += time.Since(answered)
				}
				b.ReportMetric(float64(total.Microseconds())/1000/float64(b.N), "ms-200-to-start/op")
				cancel()
				if err := <-done; err != nil && !errors.Is(err, context.Canceled) {
					b.Error(err)
				}
			})
		}
	}
}

const benchWebhookSecret = "whsec_onboard_bench"
