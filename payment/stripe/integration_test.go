package stripe

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"onboard/flow"
	"onboard/internal/testworld"
	"onboard/msapi/sandbox"
	"onboard/payment"
)

// sessionEvent is a fixture made about order o's checkout sessionID.
func sessionEvent(t *testing.T, name string, o flow.Order, sessionID string) []byte {
	t.Helper()
	total := strconv.FormatInt(o.Total(), 10)
	r := strings.NewReplacer("ord_fixture", o.ID, "cs_test_fixture", sessionID, "ORD-FIXTURE", o.Number,
		`"amount_subtotal": 7200`, `"amount_subtotal": `+total, `"amount_total": 7200`, `"amount_total": `+total)
	return []byte(r.Replace(string(fixture(t, name))))
}

func postHTTP(t *testing.T, url string, body []byte) int {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	req.Header.Set("Stripe-Signature", sign(body, testSecret, time.Now()))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

func actions(t *testing.T, svc *flow.Service, orderID, action string) []flow.AuditEvent {
	t.Helper()
	trail, err := svc.Store.AuditTrail(context.Background(), orderID)
	if err != nil {
		t.Fatal(err)
	}
	var out []flow.AuditEvent
	for _, ev := range trail {
		if ev.Action == action {
			out = append(out, ev)
		}
	}
	return out
}

// The whole path with the production parts: the flow on SQLite and the
// sandbox Microsoft, Stripe's requests checked by stripe-mock, and signed
// events posted to the webhook handler over HTTP. The order is paid once
// however often and in whatever order the events come; a second capture
// and the capture of a cancelled order are refunded with Stripe's ids in
// the audit trail.
func TestWebhookWithFlowAndStripeMock(t *testing.T) {
	ctx := context.Background()
	m := testworld.NewMicrosoft(t, sandbox.Options{})
	svc, _ := m.Service(t, "")
	g, rc := newTestGateway(t, Options{})
	svc.Pay = g
	h := NewWebhookHandler(testSecret, svc)
	h.Log = slog.New(slog.DiscardHandler)
	srv := httptest.NewServer(h)
	defer srv.Close()

	a := testworld.Answers("contoso.onmicrosoft.com", "admin@contoso.onmicrosoft.com", "m365-business-premium", 5)
	if _, err := svc.VerifyAdmin(ctx, a.AdminLogin, "Contoso-Admin-1"); err != nil {
		t.Fatal(err)
	}
	o, err := m.Consent(ctx, svc, a, "Contoso-Admin-1")
	if err != nil {
		t.Fatal(err)
	}
	sess, err := svc.StartPayment(ctx, o.ID)
	if err != nil {
		t.Fatalf("start a Stripe checkout: %v", err)
	}
	req := rc.last("POST", "/v1/checkout/sessions")
	if req.Form.Get("client_reference_id") != o.Number || req.Form.Get("metadata[onboard_order_id]") != o.ID ||
		req.Header.Get("Idempotency-Key") != "onboard-checkout:"+o.ID+":0" {
		t.Fatalf("checkout request %v %v", req.Form, req.Header)
	}

	// Stripe delivers at least once, in any order.
	failed := sessionEvent(t, "async_failed.json", o, sess.ID)
	completed := sessionEvent(t, "completed.json", o, sess.ID)
	for i, body := range [][]byte{completed, completed, failed} {
		if code := postHTTP(t, srv.URL, body); code != http.StatusOK {
			t.Fatalf("delivery %d: %d", i, code)
		}
	}
	got, _ := svc.GetOrder(ctx, o.ID)
	if got.Status != flow.StatusPaid {
		t.Fatalf("after the webhook: %s", got.Status)
	}
	if n := len(actions(t, svc, o.ID, "payment.paid")); n != 1 {
		t.Fatalf("%d payment.paid events", n)
	}
	// The terminal's poll agrees without asking Stripe to change anything.
	if st, _, err := svc.CheckPayment(ctx, o.ID, sess.ID); err != nil || st != flow.PaymentPaid {
		t.Fatalf("poll after the webhook: %s %v", st, err)
	}

	// A second capture for the order (a second page paid) is refunded.
	second, err := g.StartCheckout(ctx, payment.Checkout{IdempotencyKey: "second", OrderID: o.ID, OrderRef: o.Number,
		Amount: o.Total(), Currency: o.Currency})
	if err != nil {
		t.Fatal(err)
	}
	if err := svc.Store.SavePayment(ctx, flow.Payment{CheckoutID: second.ID, OrderID: o.ID, Amount: o.Total(),
		Currency: o.Currency, State: string(payment.StatePending), CreatedAt: time.Now(), UpdatedAt: time.Now()}); err != nil {
		t.Fatal(err)
	}
	rc.set(second.ID, paidFields(o.Total(), 0))
	paidAgain := bytes.Replace(sessionEvent(t, "completed.json", o, second.ID), []byte("evt_1Completed"), []byte("evt_2Completed"), 1)
	if code := postHTTP(t, srv.URL, paidAgain); code != http.StatusOK {
		t.Fatalf("second capture: %d", code)
	}
	refunds := actions(t, svc, o.ID, "payment.refunded")
	if len(refunds) != 1 || !strings.Contains(refunds[0].Detail, "refund re_") || !strings.Contains(refunds[0].Detail, "payment pi_") ||
		!strings.Contains(refunds[0].Detail, second.ID) {
		t.Fatalf("refund of the second capture: %+v", refunds)
	}
	if r := rc.last("POST", "/v1/refunds"); r.Form.Get("reason") != "duplicate" || r.Header.Get("Idempotency-Key") != "onboard-refund:"+second.ID {
		t.Fatalf("refund request %v", r.Form)
	}

	// Cancelling the paid order, which bought nothing yet, refunds it.
	rc.set(sess.ID, paidFields(o.Total(), 0))
	if _, err := svc.Cancel(ctx, o.ID, "changed my mind"); err != nil {
		t.Fatalf("cancel: %v", err)
	}
	refunds = actions(t, svc, o.ID, "payment.refunded")
	if len(refunds) != 2 || !strings.Contains(refunds[1].Detail, sess.ID) || !strings.Contains(refunds[1].Detail, "requested_by_customer") {
		t.Fatalf("refund of the cancelled order: %+v", refunds)
	}
	if n := rc.count("POST", "/v1/refunds"); n != 2 {
		t.Fatalf("%d refunds asked of Stripe", n)
	}
}
