package stripe

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"onboard/payment"
	"onboard/payment/stripe/stripemock"
)

// recorder keeps every request sent to stripe-mock, and can make a
// session's answers say what Stripe says after the customer acted on the
// page (stripe-mock answers every session as open and unpaid).
type recorder struct {
	mu       sync.Mutex
	reqs     []recorded
	sessions map[string]map[string]any // session id → fields set on its answers
}

type recorded struct {
	Method, Path string
	Form         url.Values
	Header       http.Header
	Status       int
}

func (rc *recorder) RoundTrip(r *http.Request) (*http.Response, error) {
	var body []byte
	if r.Body != nil {
		body, _ = io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
	}
	form, _ := url.ParseQuery(string(body))
	resp, err := http.DefaultTransport.RoundTrip(r)
	if err != nil {
		return nil, err
	}
	rc.mu.Lock()
	defer rc.mu.Unlock()
	rc.reqs = append(rc.reqs, recorded{r.Method, r.URL.Path, form, r.Header.Clone(), resp.StatusCode})
	id := strings.TrimPrefix(r.URL.Path, "/v1/checkout/sessions/")
	if set, ok := rc.sessions[id]; ok && r.Method == http.MethodGet && resp.StatusCode == 200 {
		var obj map[string]any
		b, _ := io.ReadAll(resp.Body)
		if err := json.Unmarshal(b, &obj); err != nil {
			return nil, err
		}
		for k, v := range set {
			if k == "payment_intent" {
				pi := obj["payment_intent"].(map[string]any)
				for pk, pv := range v.(map[string]any) {
					pi[pk] = pv
				}
				continue
			}
			obj[k] = v
		}
		b, _ = json.Marshal(obj)
		resp.Body = io.NopCloser(bytes.NewReader(b))
		resp.ContentLength = int64(len(b))
		resp.Header.Del("Content-Length")
	}
	return resp, nil
}

func (rc *recorder) last(method, path string) recorded {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	for i := len(rc.reqs) - 1; i >= 0; i-- {
		if rc.reqs[i].Method == method && strings.HasPrefix(rc.reqs[i].Path, path) {
			return rc.reqs[i]
		}
	}
	return recorded{}
}

func (rc *recorder) count(method, path string) int {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	n := 0
	for _, r := range rc.reqs {
		if r.Method == method && strings.HasPrefix(r.Path, path) {
			n++
		}
	}
	return n
}

// paidAs makes sessionID's answers those of a paid session.
func (rc *recorder) set(sessionID string, fields map[string]any) {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	if rc.sessions == nil {
		rc.sessions = map[string]map[string]any{}
	}
	rc.sessions[sessionID] = fields
}

func paidFields(total, tax int64) map[string]any {
	return map[string]any{"status": "complete", "payment_status": "paid", "amount_total": total, "currency": "eur",
		"total_details":  map[string]any{"amount_discount": 0, "amount_shipping": 0, "amount_tax": tax},
		"payment_intent": map[string]any{"status": "succeeded"}}
}

var testNow = time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)

func newTestGateway(t *testing.T, o Options) (*Gateway, *recorder) {
	t.Helper()
	base := stripemock.Start(t)
	rc := &recorder{}
	o.SecretKey, o.APIURL = "sk_test_onboard", base
	o.HTTPClient = &http.Client{Transport: rc, Timeout: 10 * time.Second}
	o.Now = func() time.Time { return testNow }
	g, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	return g, rc
}

func testCheckout() payment.Checkout {
	return payment.Checkout{IdempotencyKey: "ord-1:0", OrderID: "ord-1", OrderRef: "ORD-1001",
		Description: "Order ORD-1001: 2 products", Amount: 2*1250 + 3*600, Currency: "EUR", CustomerEmail: "ada@contoso.example",
		Lines: []payment.Line{
			{Name: "Microsoft 365 Business Standard", Quantity: 2, UnitAmount: 1250, Period: "month"},
			{Name: "Exchange Online (Plan 1)", Quantity: 3, UnitAmount: 600, Period: "month"},
		}}
}

func TestStartCheckoutRequestShape(t *testing.T) {
	g, rc := newTestGateway(t, Options{ReturnURL: "https://onboard.example.com/", AutomaticTax: true})
	s, err := g.StartCheckout(context.Background(), testCheckout())
	if err != nil {
		t.Fatalf("stripe-mock refused the checkout: %v", err)
	}
	if !strings.HasPrefix(s.ID, "cs_") || s.URL != "https://onboard.example.com/payments/stripe/go/"+s.ID {
		t.Fatalf("session %+v: want the short link to it", s)
	}
	r := rc.last("POST", "/v1/checkout/sessions")
	want := map[string]string{
		"mode":                           "payment",
		"client_reference_id":            "ORD-1001",
		"customer_email":                 "ada@contoso.example",
		"metadata[onboard_order_id]":     "ord-1",
		"metadata[onboard_order_number]": "ORD-1001",
		"payment_intent_data[metadata][onboard_order_id]":      "ord-1",
		"line_items[0][price_data][currency]":                  "eur",
		"line_items[0][price_data][unit_amount]":               "1250",
		"line_items[0][price_data][product_data][name]":        "Microsoft 365 Business Standard",
		"line_items[0][price_data][product_data][description]": "per seat, for one month",
		"line_items[0][price_data][tax_behavior]":              "exclusive",
		"line_items[0][quantity]":                              "2",
		"line_items[1][price_data][unit_amount]":               "600",
		"line_items[1][quantity]":                              "3",
		"automatic_tax[enabled]":                               "true",
		"success_url":                                          "https://onboard.example.com/payments/stripe/paid?order=ORD-1001",
		"cancel_url":                                           "https://onboard.example.com/payments/stripe/cancelled?order=ORD-1001",
		"expires_at":                                           strconv.FormatInt(testNow.Add(time.Hour).Unix(), 10),
	}
	for k, v := range want {
		if got := r.Form.Get(k); got != v {
			t.Errorf("%s = %q, want %q", k, got, v)
		}
	}
	if got := r.Header.Get("Idempotency-Key"); got != "onboard-checkout:ord-1:0" {
		t.Errorf("Idempotency-Key %q", got)
	}
	if r.Header.Get("Authorization") != "Bearer sk_test_onboard" {
		t.Errorf("Authorization %q", r.Header.Get("Authorization"))
	}
	for k := range r.Form {
		if strings.Contains(k, "card") {
			t.Errorf("card data in the request: %s", k)
		}
	}
}

// A repeated click on an open checkout: the session is read, not created
// again with the same key and a later expires_at, which Stripe refuses.
func TestStartCheckoutAgainReadsTheSession(t *testing.T) {
	g, rc := newTestGateway(t, Options{})
	c := testCheckout()
	c.SessionID = "cs_test_open"
	s, err := g.StartCheckout(context.Background(), c)
	if err != nil || s.ID != "cs_test_open" || !strings.HasPrefix(s.URL, "https://checkout.stripe.com/") {
		t.Fatalf("again: %+v %v", s, err)
	}
	if n := rc.count("POST", "/v1/checkout/sessions"); n != 0 {
		t.Errorf("%d sessions created for a checkout already started", n)
	}
}

func TestStartCheckoutWithoutReturnURLOrTax(t *testing.T) {
	g, rc := newTestGateway(t, Options{})
	c := testCheckout()
	c.Lines = nil
	if _, err := g.StartCheckout(context.Background(), c); err != nil {
		t.Fatal(err)
	}
	r := rc.last("POST", "/v1/checkout/sessions")
	for _, k := range []string{"success_url", "cancel_url", "automatic_tax[enabled]", "line_items[0][price_data][tax_behavior]"} {
		if r.Form.Has(k) {
			t.Errorf("%s sent: %q", k, r.Form.Get(k))
		}
	}
	if r.Form.Get("line_items[0][price_data][unit_amount]") != "4300" || r.Form.Get("line_items[0][quantity]") != "1" {
		t.Errorf("one line of the whole amount: %v", r.Form)
	}
	if _, err := g.StartCheckout(context.Background(), payment.Checkout{OrderRef: "x"}); !errors.Is(err, payment.ErrInvalid) {
		t.Errorf("checkout without key or amount: %v", err)
	}
}

func TestStatusStates(t *testing.T) {
	g, rc := newTestGateway(t, Options{})
	ctx := context.Background()
	cases := []struct {
		name   string
		fields map[string]any
		want   payment.Status
	}{
		{"open", nil, payment.Status{State: payment.StatePending}},
		{"paid", paidFields(4300, 0), payment.Status{State: payment.StatePaid, Amount: 4300, Currency: "EUR"}},
		{"paid with tax", paidFields(5117, 817), payment.Status{State: payment.StatePaid, Amount: 4300, Tax: 817, Currency: "EUR"}},
		{"expired", map[string]any{"status": "expired", "payment_status": "unpaid"}, payment.Status{State: payment.StateExpired}},
		{"card declined on the open page", map[string]any{"status": "open", "payment_status": "unpaid",
			"payment_intent": map[string]any{"status": "requires_payment_method",
				"last_payment_error": map[string]any{"type": "card_error", "code": "card_declined", "decline_code": "insufficient_funds"}}},
			payment.Status{State: payment.StatePending, Reason: "last attempt declined: insufficient_funds"}},
		{"async failed", map[string]any{"status": "complete", "payment_status": "unpaid",
			"payment_intent": map[string]any{"status": "requires_payment_method"}},
			payment.Status{State: payment.StateDeclined, Reason: "the delayed payment failed"}},
		{"async processing", map[string]any{"status": "complete", "payment_status": "unpaid",
			"payment_intent": map[string]any{"status": "processing"}}, payment.Status{State: payment.StatePending}},
	}
	for _, c := range cases {
		id := "cs_test_" + strings.ReplaceAll(c.name, " ", "_")
		// stripe-mock's fixture carries a payment error and a tax: an
		// untouched session has neither.
		f := map[string]any{"total_details": map[string]any{"amount_tax": 0}, "amount_total": 0,
			"payment_intent": map[string]any{"last_payment_error": nil}}
		for k, v := range c.fields {
			if pi, ok := v.(map[string]any); ok && k == "payment_intent" {
				if _, set := pi["last_payment_error"]; !set {
					pi["last_payment_error"] = nil
				}
			}
			f[k] = v
		}
		rc.set(id, f)
		st, err := g.Status(ctx, id)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if st.State != c.want.State || st.Reason != c.want.Reason || st.Tax != c.want.Tax ||
			(c.want.Amount != 0 && (st.Amount != c.want.Amount || st.Currency != c.want.Currency)) {
			t.Errorf("%s: %+v, want %+v", c.name, st, c.want)
		}
		if !strings.HasPrefix(st.PaymentID, "pi_") {
			t.Errorf("%s: payment id %q", c.name, st.PaymentID)
		}
	}
}

func TestExpire(t *testing.T) {
	g, rc := newTestGateway(t, Options{})
	ctx := context.Background()
	if _, err := g.Expire(ctx, "cs_test_open"); err != nil {
		t.Fatalf("expire an open session: %v", err)
	}
	if n := rc.count("POST", "/v1/checkout/sessions/cs_test_open/expire"); n != 1 {
		t.Fatalf("expire calls: %d", n)
	}
	rc.set("cs_test_paid", paidFields(4300, 0))
	st, err := g.Expire(ctx, "cs_test_paid")
	if err != nil || st.State != payment.StatePaid {
		t.Fatalf("expire a paid session: %+v %v", st, err)
	}
	if n := rc.count("POST", "/v1/checkout/sessions/cs_test_paid/expire"); n != 0 {
		t.Errorf("a paid session was asked to expire (%d calls): Stripe expires open sessions only", n)
	}
}

func TestRefund(t *testing.T) {
	g, rc := newTestGateway(t, Options{})
	ctx := context.Background()
	if _, err := g.Refund(ctx, payment.Refund{SessionID: "cs_test_open", Amount: 100, IdempotencyKey: "refund:cs_test_open"}); !errors.Is(err, payment.ErrRefundRefused) {
		t.Fatalf("refund of an unpaid session: %v, want ErrRefundRefused", err)
	}
	if n := rc.count("POST", "/v1/refunds"); n != 0 {
		t.Fatalf("an unpaid session reached /v1/refunds")
	}
	rc.set("cs_test_paid", paidFields(5117, 817))
	res, err := g.Refund(ctx, payment.Refund{SessionID: "cs_test_paid", Amount: 4300, Currency: "EUR",
		IdempotencyKey: "refund:cs_test_paid", Reason: "duplicate"})
	if err != nil {
		t.Fatalf("stripe-mock refused the refund: %v", err)
	}
	if !strings.HasPrefix(res.ID, "re_") || !strings.HasPrefix(res.PaymentID, "pi_") || res.SessionID != "cs_test_paid" {
		t.Errorf("refund result %+v", res)
	}
	r := rc.last("POST", "/v1/refunds")
	if r.Form.Get("payment_intent") != res.PaymentID || r.Form.Get("reason") != "duplicate" ||
		r.Form.Get("metadata[onboard_checkout]") != "cs_test_paid" {
		t.Errorf("refund request %v", r.Form)
	}
	if r.Form.Has("amount") {
		t.Errorf("a refund of the whole checkout names an amount (%s): the tax would stay charged", r.Form.Get("amount"))
	}
	if r.Header.Get("Idempotency-Key") != "onboard-refund:cs_test_paid" {
		t.Errorf("Idempotency-Key %q", r.Header.Get("Idempotency-Key"))
	}
	if _, err := g.Refund(ctx, payment.Refund{SessionID: "cs_test_paid", Amount: 100, IdempotencyKey: "part", Reason: "order cancelled"}); err != nil {
		t.Fatal(err)
	}
	r = rc.last("POST", "/v1/refunds")
	if r.Form.Get("amount") != "100" || r.Form.Has("reason") {
		t.Errorf("partial refund %v: an amount, and no reason Stripe does not know", r.Form)
	}
	if _, err := g.Refund(ctx, payment.Refund{SessionID: "cs_test_paid", Amount: 100, Currency: "USD", IdempotencyKey: "usd"}); !errors.Is(err, payment.ErrInvalid) {
		t.Errorf("refund in another currency: %v", err)
	}
}

func TestCheckKeyAndErrors(t *testing.T) {
	g, _ := newTestGateway(t, Options{})
	kc, err := g.CheckKey(context.Background())
	if err != nil || kc.Live {
		t.Fatalf("check a test key: %+v %v", kc, err)
	}
	if Mode("sk_test_x") != "test" || Mode("sk_live_x") != "live" || Mode("rk_live_x") != "live" || Mode("pk_test_x") != "" {
		t.Error("Mode by prefix")
	}
	// stripe-mock refuses a key that does not look like one, as Stripe does.
	bad, err := New(Options{SecretKey: "nope", APIURL: g.opts.APIURL, Retries: -1})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := bad.CheckKey(context.Background()); !errors.Is(err, ErrKeyRefused) {
		t.Errorf("a malformed key: %v, want ErrKeyRefused", err)
	}
	if _, err := New(Options{SecretKey: "sk_test_x", SessionTTL: 10 * time.Minute}); !errors.Is(err, payment.ErrInvalid) {
		t.Errorf("a session lifetime Stripe refuses: %v", err)
	}
	if _, err := New(Options{SecretKey: "sk_test_x", ReturnURL: "onboard.example.com"}); !errors.Is(err, payment.ErrInvalid) {
		t.Errorf("a return URL without a scheme: %v", err)
	}
	down, _ := New(Options{SecretKey: "sk_test_x", APIURL: "http://127.0.0.1:1", Retries: -1})
	if _, err := down.Status(context.Background(), "cs_test_x"); !errors.Is(err, payment.ErrUnavailable) {
		t.Errorf("Stripe unreachable: %v, want ErrUnavailable", err)
	}
}

// The terminal's short link redirects to an open session's page, and says
// why not for a paid or closed one; only session ids are looked up.
func TestShortLinks(t *testing.T) {
	g, rc := newTestGateway(t, Options{ReturnURL: "https://onboard.example.com"})
	srv := httptest.NewServer(ReturnPages(g))
	defer srv.Close()
	rc.set("cs_test_open", map[string]any{"url": "https://checkout.stripe.com/c/pay/cs_test_open#long", "payment_intent": map[string]any{"last_payment_error": nil}})
	if code, loc := get(t, srv.URL+GoPath+"cs_test_open"); code != http.StatusSeeOther || loc != "https://checkout.stripe.com/c/pay/cs_test_open#long" {
		t.Errorf("open: %d %s", code, loc)
	}
	rc.set("cs_test_paid", paidFields(4300, 0))
	if code, body := get(t, srv.URL+GoPath+"cs_test_paid"); code != http.StatusOK || !strings.Contains(body, "already paid") {
		t.Errorf("paid: %d %s", code, body)
	}
	rc.set("cs_test_gone", map[string]any{"status": "expired", "url": nil})
	if code, _ := get(t, srv.URL+GoPath+"cs_test_gone"); code != http.StatusGone {
		t.Errorf("expired: %d", code)
	}
	before := rc.count("GET", "/v1/")
	for _, bad := range []string{"..%2Fbalance", "pi_123", "cs_test_a%3Fexpand"} {
		if code, _ := get(t, srv.URL+GoPath+bad); code != http.StatusNotFound {
			t.Errorf("%s: %d", bad, code)
		}
	}
	if rc.count("GET", "/v1/") != before {
		t.Error("a link that is no session id reached Stripe")
	}
}
