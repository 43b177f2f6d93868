package sandbox

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"onboard/payment"
)

// sleepRecorder stands in for Client.Sleep: it records the waits and does
// not wait.
type sleepRecorder struct {
	mu    sync.Mutex
	waits []time.Duration
}

func (s *sleepRecorder) Sleep(ctx context.Context, d time.Duration) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.waits = append(s.waits, d)
	return ctx.Err()
}

func testCheckout() payment.Checkout {
	return payment.Checkout{
		IdempotencyKey: "order-42-1", OrderRef: "ORD-42", Description: "Exchange Online (Plan 1) × 3",
		Amount: 1200, Currency: "USD", CustomerEmail: "it@fabrikam.example",
	}
}

func TestClientStartAndStatus(t *testing.T) {
	f := newFixture(t, "")
	c := NewClient(f.base, DefaultAPIKey, f.ts.Client())
	ctx := t.Context()

	sess, err := c.StartCheckout(ctx, testCheckout())
	if err != nil {
		t.Fatal(err)
	}
	if sess.URL != f.base+"/checkout/"+sess.ID {
		t.Errorf("session = %+v", sess)
	}
	again, err := c.StartCheckout(ctx, testCheckout())
	if err != nil || again != sess {
		t.Errorf("retry with the same key = %+v, %v; want %+v", again, err, sess)
	}
	st, err := c.Status(ctx, sess.ID)
	if err != nil {
		t.Fatal(err)
	}
	if st.State != payment.StatePending || st.Amount != 1200 || st.Currency != "USD" {
		t.Errorf("status = %+v", st)
	}
	if _, err := f.srv.Pay(sess.ID, "4242424242424242"); err != nil {
		t.Fatal(err)
	}
	st, err = c.Status(ctx, sess.ID)
	if err != nil || st.State != payment.StatePaid || st.PaymentID == "" {
		t.Errorf("status after paying = %+v, %v", st, err)
	}
}

func TestClientErrorMapping(t *testing.T) {
	f := newFixture(t, "")
	c := NewClient(f.base, DefaultAPIKey, f.ts.Client())
	ctx := t.Context()

	if _, err := c.Status(ctx, "cs_unknown"); !errors.Is(err, payment.ErrNotFound) {
		t.Errorf("unknown checkout: %v, want ErrNotFound", err)
	}
	bad := testCheckout()
	bad.Currency = "eur"
	_, err := c.StartCheckout(ctx, bad)
	if !errors.Is(err, payment.ErrInvalid) || !strings.Contains(err.Error(), "uppercase") {
		t.Errorf("invalid checkout: %v, want ErrInvalid with the server's message", err)
	}
	if _, err := c.StartCheckout(ctx, testCheckout()); err != nil {
		t.Fatal(err)
	}
	changed := testCheckout()
	changed.Amount++
	if _, err := c.StartCheckout(ctx, changed); !errors.Is(err, payment.ErrInvalid) {
		t.Errorf("reused key: %v, want ErrInvalid", err)
	}
	wrongKey := NewClient(f.base, "not-the-key", f.ts.Client())
	if _, err := wrongKey.Status(ctx, "cs_x"); !errors.Is(err, payment.ErrInvalid) {
		t.Errorf("wrong API key: %v, want ErrInvalid", err)
	}
	if _, err := c.Status(ctx, ""); !errors.Is(err, payment.ErrInvalid) {
		t.Errorf("empty id: %v", err)
	}
}

// flaky fails the first n API calls with 503 and then lets them through,
// recording the Idempotency-Key of each call.
type flaky struct {
	next http.Handler
	mu   sync.Mutex
	left int
	keys []string
}

func (fl *flaky) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	fl.mu.Lock()
	fl.keys = append(fl.keys, r.Header.Get("Idempotency-Key"))
	fail := fl.left > 0
	fl.left--
	fl.mu.Unlock()
	if fail {
		writeError(w, http.StatusServiceUnavailable, codeInternal, "maintenance")
		return
	}
	fl.next.ServeHTTP(w, r)
}

// sent returns the Idempotency-Keys of the calls seen so far.
func (fl *flaky) sent() []string {
	fl.mu.Lock()
	defer fl.mu.Unlock()
	return append([]string(nil), fl.keys...)
}

func TestClientRetriesWithSameIdempotencyKey(t *testing.T) {
	srv := NewServer(Options{Now: newTestClock().Now})
	fl := &flaky{next: srv, left: 2}
	ts := httptest.NewServer(fl)
	t.Cleanup(ts.Close)
	rec := &sleepRecorder{}
	c := NewClient(ts.URL, "", ts.Client())
	c.Sleep = rec.Sleep

	co := testCheckout()
	co.IdempotencyKey = ""
	sess, err := c.StartCheckout(t.Context(), co)
	if err != nil {
		t.Fatalf("StartCheckout after two 503s: %v", err)
	}
	keys := fl.sent()
	if len(keys) != 3 || keys[0] == "" || keys[0] != keys[1] || keys[1] != keys[2] {
		t.Errorf("Idempotency-Keys sent = %q, want one generated key three times", keys)
	}
	if got := []time.Duration{backoff(0), backoff(1)}; !equalDurations(rec.waits, got) {
		t.Errorf("waits = %v, want %v", rec.waits, got)
	}
	if _, err := srv.get(sess.ID); err != nil {
		t.Errorf("the session returned does not exist: %v", err)
	}
	srv.mu.Lock()
	n := len(srv.checkouts)
	srv.mu.Unlock()
	if n != 1 {
		t.Errorf("%d checkouts created, want 1", n)
	}
}

func TestClientGivesUpWithErrUnavailable(t *testing.T) {
	fl := &flaky{left: 1 << 30}
	ts := httptest.NewServer(fl)
	t.Cleanup(ts.Close)
	rec := &sleepRecorder{}
	c := NewClient(ts.URL, "", ts.Client())
	c.Sleep, c.MaxRetries = rec.Sleep, 5

	_, err := c.Status(t.Context(), "cs_x")
	if !errors.Is(err, payment.ErrUnavailable) || !strings.Contains(err.Error(), "maintenance") {
		t.Errorf("err = %v, want ErrUnavailable with the last error", err)
	}
	if len(fl.sent()) != 6 {
		t.Errorf("%d attempts, want 6", len(fl.sent()))
	}
	for i, w := range rec.waits {
		if w > backoffMax || (i > 0 && w < rec.waits[i-1]) {
			t.Errorf("waits %v are not bounded exponential backoff", rec.waits)
			break
		}
	}
}

// countingTransport counts the requests the client sends.
type countingTransport struct {
	mu sync.Mutex
	n  int
}

func (ct *countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	ct.mu.Lock()
	ct.n++
	ct.mu.Unlock()
	return http.DefaultTransport.RoundTrip(r)
}

func TestClientTimeout(t *testing.T) {
	release := make(chan struct{})
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select { // hang until the client gives up on this attempt
		case <-r.Context().Done():
		case <-release:
		}
	}))
	t.Cleanup(ts.Close)
	t.Cleanup(func() { close(release) })
	ct := &countingTransport{}
	c := NewClient(ts.URL, "", &http.Client{Transport: ct})
	c.Sleep, c.Timeout, c.MaxRetries = (&sleepRecorder{}).Sleep, time.Millisecond, 1

	_, err := c.Status(t.Context(), "cs_x")
	if !errors.Is(err, payment.ErrUnavailable) || !strings.Contains(err.Error(), "deadline") {
		t.Errorf("err = %v, want ErrUnavailable after per-request timeouts", err)
	}
	ct.mu.Lock()
	defer ct.mu.Unlock()
	if ct.n != 2 {
		t.Errorf("%d attempts, want 2", ct.n)
	}
}

func TestClientStopsWhenCallerCancels(t *testing.T) {
	fl := &flaky{left: 1 << 30}
	ts := httptest.NewServer(fl)
	t.Cleanup(ts.Close)
	ctx, cancel := context.WithCancel(t.Context())
	c := NewClient(ts.URL, "", ts.Client())
	c.Sleep = func(context.Context, time.Duration) error { cancel(); return context.Canceled }

	_, err := c.Status(ctx, "cs_x")
	if !errors.Is(err, context.Canceled) || errors.Is(err, payment.ErrUnavailable) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
	if len(fl.sent()) != 1 {
		t.Errorf("%d attempts after cancel, want 1", len(fl.sent()))
	}
}

func TestBackoffBounded(t *testing.T) {
	prev := time.Duration(0)
	for n := range 40 {
		d := backoff(n)
		if d < prev || d > backoffMax || d <= 0 {
			t.Fatalf("backoff(%d) = %v after %v", n, d, prev)
		}
		prev = d
	}
	if backoff(39) != backoffMax {
		t.Errorf("backoff does not reach its cap: %v", backoff(39))
	}
}

func equalDurations(a, b []time.Duration) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
