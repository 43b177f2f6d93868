package sandbox

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"onboard/payment"
)

func TestAPICreateAndStatus(t *testing.T) {
	f := newFixture(t, "")
	created := f.create("key-1")

	if !strings.HasPrefix(created.ID, "cs_") || len(created.ID) < 20 {
		t.Errorf("id %q is not an unguessable checkout id", created.ID)
	}
	if want := f.base + "/checkout/" + created.ID; created.URL != want {
		t.Errorf("url = %q, want %q (built from the mount prefix)", created.URL, want)
	}
	if created.State != payment.StatePending || created.Amount != 6250 || created.Currency != "EUR" {
		t.Errorf("created = %+v, want pending 6250 EUR", created)
	}
	got := f.status(created.ID)
	if got.ID != created.ID || got.State != payment.StatePending || got.OrderRef != "ORD-1001" {
		t.Errorf("status = %+v", got)
	}
	if other := f.create("key-2"); other.ID == created.ID {
		t.Error("a different idempotency key returned the same checkout")
	}
}

func TestAPIErrors(t *testing.T) {
	f := newFixture(t, "")
	code, body := f.api(http.MethodGet, "/v1/checkouts/cs_nope", "", nil)
	assertAPIError(t, code, body, http.StatusNotFound, codeNotFound)

	req, _ := http.NewRequest(http.MethodGet, f.base+"/v1/checkouts/cs_nope", nil)
	req.Header.Set("Authorization", "Bearer wrong")
	resp, err := f.ts.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("wrong API key: HTTP %d, want 401", resp.StatusCode)
	}

	code, body = f.api(http.MethodDelete, "/v1/checkouts/cs_x", "", nil)
	assertAPIError(t, code, body, http.StatusMethodNotAllowed, codeMethodNotAllowed)
	code, body = f.api(http.MethodGet, "/v1/refunds", "", nil)
	assertAPIError(t, code, body, http.StatusMethodNotAllowed, codeMethodNotAllowed)
	code, body = f.api(http.MethodGet, "/v1/disputes", "", nil)
	assertAPIError(t, code, body, http.StatusNotFound, codeNotFound)

	code, body = f.api(http.MethodPost, "/v1/checkouts", "", sampleRequest())
	assertAPIError(t, code, body, http.StatusBadRequest, codeInvalidRequest)
	if !strings.Contains(string(body), "Idempotency-Key") {
		t.Errorf("missing key error does not name the header: %s", body)
	}
}

func TestAPIValidation(t *testing.T) {
	f := newFixture(t, "")
	tests := []struct {
		name   string
		edit   func(*createRequest)
		raw    string
		inText string
	}{
		{name: "zero amount", edit: func(r *createRequest) { r.Amount = 0 }, inText: "positive"},
		{name: "negative amount", edit: func(r *createRequest) { r.Amount = -5 }, inText: "positive"},
		{name: "lowercase currency", edit: func(r *createRequest) { r.Currency = "eur" }, inText: "uppercase"},
		{name: "long currency", edit: func(r *createRequest) { r.Currency = "EURO" }, inText: "3-letter"},
		{name: "unknown currency", edit: func(r *createRequest) { r.Currency = "XTS" }, inText: "not supported"},
		{name: "no order ref", edit: func(r *createRequest) { r.OrderRef = " " }, inText: "order_ref"},
		{name: "control chars", edit: func(r *createRequest) { r.Description = "a\x1b[31mb" }, inText: "control"},
		{name: "bad email", edit: func(r *createRequest) { r.CustomerEmail = "not-an-email" }, inText: "customer_email"},
		{name: "unknown field", raw: `{"amount":1,"currency":"EUR","order_ref":"x","tip":5}`, inText: "tip"},
		{name: "not JSON", raw: `amount=1`, inText: "malformed"},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var body any = tt.raw
			if tt.edit != nil {
				req := sampleRequest()
				tt.edit(&req)
				body = req
			}
			code, data := f.api(http.MethodPost, "/v1/checkouts", "k-"+string(rune('a'+i)), body)
			assertAPIError(t, code, data, http.StatusBadRequest, codeInvalidRequest)
			if !strings.Contains(string(data), tt.inText) {
				t.Errorf("message %s does not mention %q", data, tt.inText)
			}
		})
	}
}

func TestAPIIdempotency(t *testing.T) {
	f := newFixture(t, "")
	first := f.create("order-1001-attempt-1")

	// The same request, differently laid out, is a retry.
	raw := `{ "currency":"EUR", "amount":6250, "order_ref":"ORD-1001",
	  "description":"Microsoft 365 Business Standard × 5", "customer_email":"ada@contoso.example" }`
	code, data := f.api(http.MethodPost, "/v1/checkouts", "order-1001-attempt-1", raw)
	if code != http.StatusOK {
		t.Fatalf("retry: HTTP %d: %s", code, data)
	}
	var again checkoutResponse
	if err := json.Unmarshal(data, &again); err != nil {
		t.Fatal(err)
	}
	if again.ID != first.ID {
		t.Errorf("same key and body gave a second checkout %s (first %s)", again.ID, first.ID)
	}

	changed := sampleRequest()
	changed.Amount = 9999
	code, data = f.api(http.MethodPost, "/v1/checkouts", "order-1001-attempt-1", changed)
	assertAPIError(t, code, data, http.StatusConflict, codeIdempotencyConflict)

	f.srv.mu.Lock()
	n := len(f.srv.checkouts)
	f.srv.mu.Unlock()
	if n != 1 {
		t.Errorf("%d checkouts exist, want 1", n)
	}
}

func assertAPIError(t *testing.T, gotStatus int, body []byte, wantStatus int, wantCode string) {
	t.Helper()
	if gotStatus != wantStatus {
		t.Errorf("HTTP %d, want %d (%s)", gotStatus, wantStatus, body)
	}
	var e errorResponse
	if err := json.Unmarshal(body, &e); err != nil {
		t.Fatalf("error body is not JSON: %s", body)
	}
	if e.Error.Code != wantCode || e.Error.Message == "" {
		t.Errorf("error = %+v, want code %q with a message", e.Error, wantCode)
	}
}
