package sandbox

import (
	"errors"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"

	"onboard/payment"
)

func TestPageShowsOrder(t *testing.T) {
	f := newFixture(t, "")
	co := f.create("k")
	status, body := newBrowser(t).get(co.URL)
	if status != http.StatusOK {
		t.Fatalf("HTTP %d", status)
	}
	for _, want := range []string{"Sandbox Partner", "ORD-1001", "Microsoft 365 Business Standard × 5",
		"€62.50", `name="number"`, `name="exp"`, `name="cvc"`, `name="name"`, "4242 4242 4242 4242"} {
		if !strings.Contains(body, want) {
			t.Errorf("page lacks %q", want)
		}
	}
}

func TestPageTestCards(t *testing.T) {
	tests := []struct {
		number     string
		wantState  payment.State
		wantText   string
		wantReason string
	}{
		{"4242 4242 4242 4242", payment.StatePaid, "Payment received", ""},
		{"5555555555554444", payment.StatePaid, "Payment received", ""},
		{"4000 0000 0000 0002", payment.StateDeclined, "Your card was declined.", "Your card was declined."},
		{"4000-0000-0000-9995", payment.StateDeclined, "insufficient funds", "Your card has insufficient funds."},
		{"4000 0000 0000 0119", payment.StatePending, "Please try again", ""},
		{"4111 1111 1111 1111", payment.StateDeclined, "use one of the test cards", reasonNotTestCard},
	}
	for _, tt := range tests {
		t.Run(tt.number, func(t *testing.T) {
			f := newFixture(t, "")
			co := f.create("k")
			b := newBrowser(t)
			_, body := b.post(co.URL, cardForm(b.openForm(co.URL), tt.number), nil)
			if !strings.Contains(body, tt.wantText) {
				t.Errorf("page after submit lacks %q:\n%s", tt.wantText, body)
			}
			st := f.status(co.ID)
			if st.State != tt.wantState || st.Reason != tt.wantReason {
				t.Errorf("status = %s %q, want %s %q", st.State, st.Reason, tt.wantState, tt.wantReason)
			}
			if (st.PaymentID != "") != (tt.wantState == payment.StatePaid) {
				t.Errorf("payment id %q for state %s", st.PaymentID, st.State)
			}
			if tt.wantState != payment.StatePaid && !strings.Contains(body, `name="number"`) {
				t.Error("an unpaid checkout must offer the form again")
			}
		})
	}
}

func TestPageCSRF(t *testing.T) {
	f := newFixture(t, "")
	co := f.create("k1")
	other := f.create("k2")
	b := newBrowser(t)
	token := b.openForm(co.URL)
	otherToken := b.openForm(other.URL)

	tests := []struct {
		name   string
		client *browser
		form   url.Values
		header http.Header
	}{
		{"missing token", b, cardForm("", "4242424242424242"), nil},
		{"wrong token", b, cardForm("forged", "4242424242424242"), nil},
		{"token of another checkout", b, cardForm(otherToken, "4242424242424242"), nil},
		{"token without its cookie", newBrowser(t), cardForm(token, "4242424242424242"), nil},
		{"cross-origin post", b, cardForm(token, "4242424242424242"),
			http.Header{"Origin": {"https://evil.example"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, body := tt.client.post(co.URL, tt.form, tt.header)
			if status != http.StatusForbidden {
				t.Errorf("HTTP %d, want 403", status)
			}
			if strings.Contains(body, "Payment received") {
				t.Error("a forged submit was charged")
			}
		})
	}
	if st := f.status(co.ID); st.State != payment.StatePending {
		t.Errorf("state after forged submits = %s, want pending", st.State)
	}
	// The genuine form, with a same-origin Origin header, still works.
	status, body := b.post(co.URL, cardForm(token, "4242424242424242"), http.Header{"Origin": {f.ts.URL}})
	if status != http.StatusOK || !strings.Contains(body, "Payment received") {
		t.Errorf("genuine submit: HTTP %d\n%s", status, body)
	}
}

func TestDoubleSubmitChargesOnce(t *testing.T) {
	f := newFixture(t, "")
	co := f.create("k")
	b := newBrowser(t)
	form := cardForm(b.openForm(co.URL), "4242 4242 4242 4242")

	_, first := b.post(co.URL, form, nil)
	if !strings.Contains(first, "Payment received") || strings.Contains(first, "already paid") {
		t.Fatalf("first submit:\n%s", first)
	}
	paid := f.status(co.ID)

	// Back button and submit again, even with another card.
	form.Set("number", "5555 5555 5555 4444")
	_, second := b.post(co.URL, form, nil)
	if !strings.Contains(second, "already paid") || !strings.Contains(second, "Visa •••• 4242") {
		t.Errorf("second submit does not show the existing receipt:\n%s", second)
	}
	if again := f.status(co.ID); again.PaymentID != paid.PaymentID || again.State != payment.StatePaid {
		t.Errorf("status after resubmit = %+v, want unchanged %+v", again, paid)
	}
	if n := attempts(f, co.ID); n != 1 {
		t.Errorf("%d charge attempts recorded, want 1", n)
	}
}

func TestConcurrentSubmitsChargeOnce(t *testing.T) {
	f := newFixture(t, "")
	co := f.create("k")
	b := newBrowser(t)
	form := cardForm(b.openForm(co.URL), "4242 4242 4242 4242")

	const n = 8
	bodies := make([]string, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { _, bodies[i] = b.post(co.URL, form, nil) })
	}
	wg.Wait()
	fresh := 0
	for _, body := range bodies {
		if !strings.Contains(body, "Payment received") {
			t.Fatalf("a submit did not end on the receipt:\n%s", body)
		}
		if !strings.Contains(body, "already paid") {
			fresh++
		}
	}
	if fresh != 1 || attempts(f, co.ID) != 1 {
		t.Errorf("%d submits charged (%d attempts), want exactly 1", fresh, attempts(f, co.ID))
	}
}

func TestDeclinedThenRetry(t *testing.T) {
	f := newFixture(t, "")
	co := f.create("k")
	b := newBrowser(t)
	token := b.openForm(co.URL)

	status, body := b.post(co.URL, cardForm(token, "4000 0000 0000 0002"), nil)
	if status != http.StatusPaymentRequired || !strings.Contains(body, "Your card was declined.") {
		t.Fatalf("decline: HTTP %d\n%s", status, body)
	}
	if strings.Contains(body, `value="4000 0000 0000 0002"`) || !strings.Contains(body, `value="Ada Lovelace"`) {
		t.Error("after a decline the number should be cleared and the name kept")
	}
	if st := f.status(co.ID); st.State != payment.StateDeclined {
		t.Fatalf("state = %s, want declined", st.State)
	}
	// Reloading the page shows why and offers the form again.
	_, reload := b.get(co.URL)
	if !strings.Contains(reload, "Your card was declined.") || !strings.Contains(reload, `name="number"`) {
		t.Errorf("declined page:\n%s", reload)
	}

	// A processing error on retry reopens the checkout.
	b.post(co.URL, cardForm(token, "4000 0000 0000 0119"), nil)
	if st := f.status(co.ID); st.State != payment.StatePending || st.Reason != "" {
		t.Errorf("after processing error: %s %q, want pending", st.State, st.Reason)
	}

	_, body = b.post(co.URL, cardForm(token, "4242 4242 4242 4242"), nil)
	if !strings.Contains(body, "Payment received") {
		t.Fatalf("retry did not pay:\n%s", body)
	}
	if st := f.status(co.ID); st.State != payment.StatePaid || st.PaymentID == "" || st.Reason != "" {
		t.Errorf("after retry: %+v", st)
	}
}

func TestPageValidation(t *testing.T) {
	tests := []struct {
		name    string
		field   string
		value   string
		message string
	}{
		{"empty number", "number", "", "Enter your card number."},
		{"bad checksum", "number", "4242 4242 4242 4241", "Your card number is invalid."},
		{"letters", "number", "4242 abcd", "Your card number is invalid."},
		{"expired", "exp", "02/26", "Your card has expired."},
		{"month 13", "exp", "13/30", "between 01 and 12"},
		{"garbled expiry", "exp", "soon", "MM/YY"},
		{"short cvc", "cvc", "12", "3 or 4 digits"},
		{"letters cvc", "cvc", "12a", "3 or 4 digits"},
		{"no name", "name", "  ", "Enter the name on the card."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, "")
			co := f.create("k")
			b := newBrowser(t)
			form := cardForm(b.openForm(co.URL), "4242 4242 4242 4242")
			form.Set(tt.field, tt.value)
			status, body := b.post(co.URL, form, nil)
			if status != http.StatusUnprocessableEntity {
				t.Errorf("HTTP %d, want 422", status)
			}
			if !strings.Contains(body, tt.message) {
				t.Errorf("page lacks %q:\n%s", tt.message, body)
			}
			for _, kept := range []string{"number", "exp", "name"} {
				if v := strings.TrimSpace(form.Get(kept)); v != "" && !strings.Contains(body, `value="`+v+`"`) {
					t.Errorf("typed %s %q was not kept", kept, v)
				}
			}
			if cvcValueRE.MatchString(body) {
				t.Error("the CVC was echoed back")
			}
			if st := f.status(co.ID); st.State != payment.StatePending || attempts(f, co.ID) != 0 {
				t.Errorf("an invalid form reached the card: %s", st.State)
			}
		})
	}
}

func TestPaidPageShowsReceipt(t *testing.T) {
	f := newFixture(t, "")
	co := f.create("k")
	if state, err := f.srv.Pay(co.ID, "4242 4242 4242 4242"); err != nil || state != payment.StatePaid {
		t.Fatalf("Pay = %s, %v", state, err)
	}
	st := f.status(co.ID)
	status, body := newBrowser(t).get(co.URL)
	if status != http.StatusOK {
		t.Fatalf("HTTP %d", status)
	}
	for _, want := range []string{"Payment received", "€62.50", "Visa •••• 4242", st.PaymentID, "ORD-1001"} {
		if !strings.Contains(body, want) {
			t.Errorf("receipt lacks %q", want)
		}
	}
	if strings.Contains(body, `name="number"`) {
		t.Error("a paid checkout still offers the card form")
	}
}

func TestPageUnknownAndExpired(t *testing.T) {
	f := newFixture(t, "")
	status, body := newBrowser(t).get(f.base + "/checkout/cs_doesnotexist")
	if status != http.StatusNotFound || !strings.Contains(body, "Checkout not found") {
		t.Errorf("unknown checkout: HTTP %d\n%s", status, body)
	}

	co := f.create("k")
	b := newBrowser(t)
	token := b.openForm(co.URL)
	f.clock.Advance(checkoutTTL)
	if st := f.status(co.ID); st.State != payment.StateExpired {
		t.Errorf("state after the TTL = %s, want expired", st.State)
	}
	status, body = b.post(co.URL, cardForm(token, "4242 4242 4242 4242"), nil)
	if status != http.StatusGone || !strings.Contains(body, "expired") {
		t.Errorf("submit to expired checkout: HTTP %d\n%s", status, body)
	}
	if _, err := f.srv.Pay(co.ID, "4242424242424242"); !errors.Is(err, ErrExpired) {
		t.Errorf("Pay on expired = %v, want ErrExpired", err)
	}
}

func TestPay(t *testing.T) {
	f := newFixture(t, "")
	co := f.create("k")
	if _, err := f.srv.Pay("cs_missing", "4242424242424242"); !errors.Is(err, payment.ErrNotFound) {
		t.Errorf("unknown checkout: %v", err)
	}
	if _, err := f.srv.Pay(co.ID, "1234"); !errors.Is(err, ErrInvalidCard) {
		t.Errorf("bad number: %v", err)
	}
	if state, err := f.srv.Pay(co.ID, "4000000000000119"); !errors.Is(err, ErrTryAgain) || state != payment.StatePending {
		t.Errorf("processing error: %s %v", state, err)
	}
	if state, err := f.srv.Pay(co.ID, "4000000000000002"); err != nil || state != payment.StateDeclined {
		t.Errorf("decline: %s %v", state, err)
	}
	if state, err := f.srv.Pay(co.ID, "4242424242424242"); err != nil || state != payment.StatePaid {
		t.Errorf("pay: %s %v", state, err)
	}
	if state, err := f.srv.Pay(co.ID, "4242424242424242"); !errors.Is(err, ErrAlreadyPaid) || state != payment.StatePaid {
		t.Errorf("second pay: %s %v", state, err)
	}
}

func TestReset(t *testing.T) {
	f := newFixture(t, t.TempDir()+"/pay.json")
	co := f.create("k")
	if err := f.srv.Reset(); err != nil {
		t.Fatal(err)
	}
	code, _ := f.api(http.MethodGet, "/v1/checkouts/"+co.ID, "", nil)
	if code != http.StatusNotFound {
		t.Errorf("after Reset: HTTP %d, want 404", code)
	}
	if again := f.create("k"); again.ID == co.ID {
		t.Error("Reset kept the idempotency key")
	}
}

var cvcValueRE = regexp.MustCompile(`<input id="cvc"[^>]*value=`)

func attempts(f *fixture, id string) int {
	f.srv.mu.Lock()
	defer f.srv.mu.Unlock()
	return len(f.srv.checkouts[id].Attempts)
}
