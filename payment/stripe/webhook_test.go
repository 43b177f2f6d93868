package stripe

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stripe/stripe-go/v85/webhook"

	"onboard/payment"
)

const testSecret = "whsec_onboard_test"

// notes records what the handler hands on; err is what it answers.
type notes struct {
	mu  sync.Mutex
	got []payment.Notification
	err error
}

func (n *notes) PaymentNotified(_ context.Context, x payment.Notification) error {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.got = append(n.got, x)
	return n.err
}

func quiet(h *WebhookHandler) *WebhookHandler {
	h.Log = slog.New(slog.DiscardHandler)
	return h
}

func fixture(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// sign signs body as Stripe does, at time at.
func sign(body []byte, secret string, at time.Time) string {
	return webhook.GenerateTestSignedPayload(&webhook.UnsignedPayload{Payload: body, Secret: secret, Timestamp: at}).Header
}

func post(t *testing.T, h http.Handler, body []byte, sig string) int {
	t.Helper()
	r := httptest.NewRequest(http.MethodPost, WebhookPath, bytes.NewReader(body))
	if sig != "" {
		r.Header.Set("Stripe-Signature", sig)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w.Code
}

func TestWebhookVerifiesSignatures(t *testing.T) {
	n := &notes{}
	h := quiet(NewWebhookHandler(testSecret, n))
	body := fixture(t, "completed.json")
	cases := []struct {
		name string
		body []byte
		sig  string
		want int
	}{
		{"unsigned", body, "", http.StatusBadRequest},
		{"signed with another secret", body, sign(body, "whsec_someone_else", time.Now()), http.StatusBadRequest},
		{"body changed after signing", bytes.Replace(body, []byte("7200"), []byte("1"), 1), sign(body, testSecret, time.Now()), http.StatusBadRequest},
		{"replayed: signed long ago", body, strings.TrimSpace(string(fixture(t, "completed.replayed.sig"))), http.StatusBadRequest},
		{"garbage header", body, "t=x,v1=y", http.StatusBadRequest},
	}
	for _, c := range cases {
		if got := post(t, h, c.body, c.sig); got != c.want {
			t.Errorf("%s: %d, want %d", c.name, got, c.want)
		}
	}
	if len(n.got) != 0 {
		t.Fatalf("refused events reached the flow: %+v", n.got)
	}
	// The replayed header is a genuine signature: only its age is refused.
	if err := webhook.ValidatePayloadIgnoringTolerance(body, strings.TrimSpace(string(fixture(t, "completed.replayed.sig"))), testSecret); err != nil {
		t.Fatalf("the replay fixture is not validly signed: %v", err)
	}
	r := httptest.NewRequest(http.MethodGet, WebhookPath, nil)
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	if w.Code != http.StatusMethodNotAllowed {
		t.Errorf("GET: %d", w.Code)
	}
}

func TestWebhookHandsCheckoutEventsOn(t *testing.T) {
	n := &notes{}
	h := quiet(NewWebhookHandler(testSecret, n))
	var paid []string
	h.AfterPaid = func(orderID string) { paid = append(paid, orderID) }
	for _, f := range []string{"completed.json", "async_succeeded.json", "async_failed.json", "expired.json", "other_type.json", "foreign.json"} {
		body := fixture(t, f)
		if got := post(t, h, body, sign(body, testSecret, time.Now())); got != http.StatusOK {
			t.Errorf("%s: %d", f, got)
		}
	}
	if len(n.got) != 4 {
		t.Fatalf("%d events handed on, want the 4 checkout events of onboard's session: %+v", len(n.got), n.got)
	}
	c := n.got[0]
	want := payment.Notification{EventID: "evt_1Completed", EventType: "checkout.session.completed", OrderID: "ord_fixture",
		CheckoutID: "cs_test_fixture", Status: payment.Status{ID: "cs_test_fixture", State: payment.StatePaid, Amount: 7200,
			Currency: "EUR", PaymentID: "pi_fixture"}}
	if c != want {
		t.Errorf("completed: %+v\nwant %+v", c, want)
	}
	if len(paid) != 2 || paid[0] != "ord_fixture" {
		t.Errorf("AfterPaid called for %v, want the completed and the async_succeeded events' order", paid)
	}
	if n.got[1].Status.State != payment.StatePaid || n.got[2].Status.State == payment.StatePaid || n.got[3].Status.State != payment.StateExpired {
		t.Errorf("states: %+v", n.got[1:])
	}
}

func TestWebhookAnswersForRetries(t *testing.T) {
	body := fixture(t, "completed.json")
	for _, c := range []struct {
		err  error
		want int
	}{
		{nil, http.StatusOK},
		{payment.ErrNotFound, http.StatusOK}, // not onboard's: Stripe need not retry
		{payment.ErrUnavailable, http.StatusServiceUnavailable},
		{errors.New("disk full"), http.StatusInternalServerError},
	} {
		h := quiet(NewWebhookHandler(testSecret, &notes{err: c.err}))
		if got := post(t, h, body, sign(body, testSecret, time.Now())); got != c.want {
			t.Errorf("notifier error %v: %d, want %d", c.err, got, c.want)
		}
	}
}

func TestReturnPages(t *testing.T) {
	srv := httptest.NewServer(ReturnPages(nil))
	defer srv.Close()
	for path, want := range map[string]string{
		PaidPath + "?order=ORD-1001":                "Return to the terminal",
		CancelledPath + "?order=<script>x</script>": "&lt;script&gt;",
	} {
		code, body := get(t, srv.URL+path)
		if code != 200 || !strings.Contains(body, want) || strings.Contains(body, "<script>") {
			t.Errorf("%s: %d %s", path, code, body)
		}
	}
	if code, _ := get(t, srv.URL+GoPath+"cs_test_x"); code != http.StatusNotFound {
		t.Errorf("short links without a gateway: %d", code)
	}
}

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var b bytes.Buffer
	_, _ = b.ReadFrom(resp.Body)
	if resp.StatusCode == http.StatusSeeOther {
		return resp.StatusCode, resp.Header.Get("Location")
	}
	return resp.StatusCode, b.String()
}
