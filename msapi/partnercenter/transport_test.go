package partnercenter_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"onboard/msapi"
	"onboard/msapi/partnercenter"
	"onboard/msapi/partnercenter/wire"
)

func TestPartnerCenterHeaders(t *testing.T) {
	f := newFakeMS(t, subscriptionsOK)
	c := f.client(func(c *partnercenter.Config) { c.Locale = "de-DE" })
	if _, err := c.Subscriptions(context.Background(), "t1"); err != nil {
		t.Fatal(err)
	}
	r := f.requests()[0]
	want := map[string]string{
		"Authorization":            "Bearer tok-1",
		"Accept":                   "application/json",
		wire.HeaderContractVersion: "v1",
		wire.HeaderLocale:          "de-DE",
	}
	for k, v := range want {
		if got := r.Header.Get(k); got != v {
			t.Errorf("header %s = %q, want %q", k, got, v)
		}
	}
	if r.Header.Get(wire.HeaderRequestID) == "" {
		t.Error("no MS-RequestId")
	}
	if r.URL.Path != "/pc/v1/customers/t1/subscriptions" {
		t.Errorf("path %s", r.URL.Path)
	}
}

func TestRetryAfterSecondsThenSuccess(t *testing.T) {
	f := newFakeMS(t, sequence(status(429, "7"), subscriptionsOK))
	subs, err := f.client().Subscriptions(context.Background(), "t1")
	if err != nil {
		t.Fatal(err)
	}
	if len(subs) != 1 || subs[0].ID != "s1" {
		t.Fatalf("subs = %+v", subs)
	}
	if len(f.sleeps) != 1 || f.sleeps[0] != 7*time.Second {
		t.Errorf("sleeps = %v, want [7s]", f.sleeps)
	}
	assertSameRequestID(t, f.requests())
}

func TestRetryAfterDateIsHonouredBeyondMaxBackoff(t *testing.T) {
	far := time.Now().Add(time.Hour).UTC().Format(http.TimeFormat)
	f := newFakeMS(t, sequence(status(503, far), subscriptionsOK))
	if _, err := f.client(func(c *partnercenter.Config) { c.MaxBackoff = 2 * time.Second }).Subscriptions(context.Background(), "t1"); err != nil {
		t.Fatal(err)
	}
	if len(f.sleeps) != 1 || f.sleeps[0] < 59*time.Minute {
		t.Errorf("sleeps = %v, want [about 1h]: MaxBackoff bounds the back-off, not Microsoft's Retry-After", f.sleeps)
	}
}

// Retry-After: 57 is waited 57 s (not the 30 s back-off cap), and the wait
// is reported before and after, in words a person can read.
func TestRetryAfter57IsWaitedAndReported(t *testing.T) {
	f := newFakeMS(t, sequence(status(429, "57"), subscriptionsOK))
	var waits []msapi.Wait
	ctx := msapi.WithWaitReporter(context.Background(), func(w msapi.Wait) { waits = append(waits, w) })
	if _, err := f.client().Subscriptions(ctx, "t1"); err != nil {
		t.Fatal(err)
	}
	if len(f.sleeps) != 1 || f.sleeps[0] != 57*time.Second {
		t.Fatalf("sleeps = %v, want [57s]", f.sleeps)
	}
	if len(waits) != 2 || waits[0].Over || !waits[1].Over || !waits[0].Asked || waits[0].Status != 429 {
		t.Fatalf("waits = %+v, want a 429 wait reported before and after", waits)
	}
	if got := waits[0].Text(); got != "Microsoft asked us to wait 57 s" {
		t.Errorf("text = %q", got)
	}
}

// The caller's deadline is the only bound: a wait that cannot end before it
// fails at once, saying how long Microsoft asked for.
func TestRetryAfterBeyondDeadlineFailsAtOnce(t *testing.T) {
	f := newFakeMS(t, status(429, "600"))
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	_, err := f.client().Subscriptions(ctx, "t1")
	if !errors.Is(err, msapi.ErrThrottled) || !strings.Contains(err.Error(), "wait 10 min") {
		t.Fatalf("err = %v, want ErrThrottled naming the 10 min wait", err)
	}
	if len(f.sleeps) != 0 {
		t.Errorf("sleeps = %v, want none", f.sleeps)
	}
}

// MS-CorrelationId and MS-RequestId are both reset for every call and kept
// across its retries (headers page); a caller may name the correlation id.
func TestCorrelationIDPerCall(t *testing.T) {
	f := newFakeMS(t, sequence(status(503, "1"), subscriptionsOK))
	c := f.client()
	if _, err := c.Subscriptions(msapi.WithCorrelationID(context.Background(), "op-1"), "t1"); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Subscriptions(context.Background(), "t1"); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Subscriptions(context.Background(), "t1"); err != nil {
		t.Fatal(err)
	}
	reqs := f.requests()
	if len(reqs) != 4 {
		t.Fatalf("%d requests", len(reqs))
	}
	corr := func(i int) string { return reqs[i].Header.Get(wire.HeaderCorrelationID) }
	reqID := func(i int) string { return reqs[i].Header.Get(wire.HeaderRequestID) }
	if corr(0) != "op-1" || corr(1) != "op-1" {
		t.Errorf("named correlation ids = %q, %q, want op-1 on the call and its retry", corr(0), corr(1))
	}
	if corr(2) == "" || corr(3) == "" || corr(2) == corr(3) || corr(2) == "op-1" {
		t.Errorf("correlation ids of two later calls = %q, %q, want fresh ones", corr(2), corr(3))
	}
	if reqID(0) != reqID(1) || reqID(1) == reqID(2) || reqID(2) == reqID(3) {
		t.Error("request ids: want one per call, kept on its retry")
	}
}

func TestServerErrorsThenSuccess(t *testing.T) {
	for _, code := range []int{500, 502, 503, 504} {
		t.Run(http.StatusText(code), func(t *testing.T) {
			f := newFakeMS(t, sequence(status(code, ""), status(code, ""), subscriptionsOK))
			if _, err := f.client().Subscriptions(context.Background(), "t1"); err != nil {
				t.Fatal(err)
			}
			if n := len(f.requests()); n != 3 {
				t.Errorf("%d requests, want 3", n)
			}
			// No Retry-After: exponential backoff from BaseBackoff (1ms) with jitter.
			if len(f.sleeps) != 2 || f.sleeps[0] > time.Millisecond || f.sleeps[1] > 2*time.Millisecond || f.sleeps[1] < time.Millisecond {
				t.Errorf("sleeps = %v", f.sleeps)
			}
			assertSameRequestID(t, f.requests())
		})
	}
}

func TestRetriesExhausted(t *testing.T) {
	tests := []struct {
		status int
		want   error
	}{{429, msapi.ErrThrottled}, {503, msapi.ErrUnavailable}, {500, msapi.ErrUnavailable}}
	for _, tt := range tests {
		t.Run(http.StatusText(tt.status), func(t *testing.T) {
			f := newFakeMS(t, status(tt.status, "0"))
			_, err := f.client().Subscriptions(context.Background(), "t1")
			if !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
			var apiErr *msapi.APIError
			if !errors.As(err, &apiErr) || apiErr.Status != tt.status || apiErr.Op != "list subscriptions of t1" {
				t.Errorf("APIError = %+v", apiErr)
			}
			if n := len(f.requests()); n != 4 {
				t.Errorf("%d attempts, want MaxAttempts=4", n)
			}
			assertSameRequestID(t, f.requests())
		})
	}
}

func TestClientErrorsAreNotRetried(t *testing.T) {
	tests := []struct {
		name   string
		status int
		code   any
		want   error
	}{
		{"bad request", 400, wire.CodeInvalidInput, msapi.ErrInvalidRequest},
		{"unauthorized", 401, "Unauthorized", msapi.ErrInvalidRequest},
		{"not found", 404, wire.CodeCustomerNotFound, msapi.ErrNotFound},
		{"no relationship", 403, wire.CodeNoRelationship, msapi.ErrRelationshipMissing},
		{"no relationship as string", 403, "20002", msapi.ErrRelationshipMissing},
		{"invalid input is not a relationship", 400, "800002", msapi.ErrInvalidRequest},
		{"agreement", 403, wire.CodeAgreementMissing, msapi.ErrAgreementMissing},
		{"order in progress", 409, 800060, msapi.ErrOrderInProgress},
		{"conflict", 409, 12345, msapi.ErrInvalidRequest},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeMS(t, func(w http.ResponseWriter, _ *http.Request) {
				pcError(w, tt.status, tt.code, "Microsoft says no.")
			})
			_, err := f.client().Subscriptions(context.Background(), "t1")
			if !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
			var apiErr *msapi.APIError
			if !errors.As(err, &apiErr) || apiErr.Message != "Microsoft says no." || apiErr.Status != tt.status || apiErr.RequestID == "" {
				t.Errorf("APIError = %+v", apiErr)
			}
			if n := len(f.requests()); n != 1 {
				t.Errorf("%d attempts, want 1", n)
			}
		})
	}
}

func TestUnauthorizedDropsCachedToken(t *testing.T) {
	f := newFakeMS(t, sequence(func(w http.ResponseWriter, _ *http.Request) {
		pcError(w, 401, "Unauthorized", "token expired")
	}, subscriptionsOK))
	c := f.client()
	if _, err := c.Subscriptions(context.Background(), "t1"); !errors.Is(err, msapi.ErrInvalidRequest) {
		t.Fatalf("err = %v", err)
	}
	if _, err := c.Subscriptions(context.Background(), "t1"); err != nil {
		t.Fatal(err)
	}
	if f.tokens != 2 {
		t.Errorf("%d token requests, want 2 (the rejected token is not reused)", f.tokens)
	}
	if got := f.requests()[1].Header.Get("Authorization"); got != "Bearer tok-2" {
		t.Errorf("second call used %q", got)
	}
}

func TestTokenIsCachedAcrossCalls(t *testing.T) {
	f := newFakeMS(t, subscriptionsOK)
	c := f.client()
	for range 3 {
		if _, err := c.Subscriptions(context.Background(), "t1"); err != nil {
			t.Fatal(err)
		}
	}
	if f.tokens != 1 {
		t.Errorf("%d token requests, want 1", f.tokens)
	}
}

func TestGraphErrorDecoded(t *testing.T) {
	f := newFakeMS(t, func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, 403, wire.GraphError{Error: wire.GraphErrorBody{Code: "Authorization_RequestDenied",
			Message: "Insufficient privileges.", InnerError: &wire.GraphInnerError{RequestID: "graph-req-9"}}})
	})
	_, err := f.client().Domains(context.Background(), "t1")
	var apiErr *msapi.APIError
	if !errors.As(err, &apiErr) || !errors.Is(err, msapi.ErrInvalidRequest) {
		t.Fatalf("err = %v", err)
	}
	if apiErr.Code != "Authorization_RequestDenied" || apiErr.Message != "Insufficient privileges." || apiErr.RequestID != "graph-req-9" {
		t.Errorf("APIError = %+v", apiErr)
	}
}

func TestMalformedBodies(t *testing.T) {
	tests := []struct {
		name, body, ctype string
		status            int
		want              error
		mention           string
	}{
		{"success body", `{"items": [{"id": 5`, "application/json", 200, msapi.ErrUnavailable, "malformed response"},
		{"wrong type", `{"items": "nope"}`, "application/json", 200, msapi.ErrUnavailable, "malformed response"},
		{"error body", `{"code": 800002, "descr`, "application/json", 403, msapi.ErrInvalidRequest, "malformed error body"},
		{"html error", "<html>\x1b[2JBad gateway</html>", "text/html", 400, msapi.ErrInvalidRequest, "<html> [2JBad gateway</html>"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeMS(t, func(w http.ResponseWriter, _ *http.Request) {
				w.Header().Set("Content-Type", tt.ctype)
				w.WriteHeader(tt.status)
				_, _ = w.Write([]byte(tt.body))
			})
			_, err := f.client().Subscriptions(context.Background(), "t1")
			if !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
			msg := err.Error()
			if !strings.Contains(msg, "list subscriptions of t1") || !strings.Contains(msg, tt.mention) {
				t.Errorf("error %q should name the call and say %q", msg, tt.mention)
			}
			if strings.ContainsRune(msg, 0x1b) {
				t.Errorf("error carries an escape: %q", msg)
			}
		})
	}
}

func TestMessagesAreSanitised(t *testing.T) {
	long := strings.Repeat("word ", 200)
	f := newFakeMS(t, func(w http.ResponseWriter, _ *http.Request) {
		pcError(w, 400, 400000, "bad\x1b[31m red\r\n\tline "+long)
	})
	_, err := f.client().Subscriptions(context.Background(), "t1")
	var apiErr *msapi.APIError
	if !errors.As(err, &apiErr) {
		t.Fatalf("err = %v", err)
	}
	if strings.ContainsAny(apiErr.Message, "\x1b\r\n\t") {
		t.Errorf("control characters kept: %q", apiErr.Message)
	}
	if !strings.HasPrefix(apiErr.Message, "bad [31m red line word") || !strings.HasSuffix(apiErr.Message, "…") {
		t.Errorf("message = %q", apiErr.Message)
	}
	if n := len([]rune(apiErr.Message)); n > 301 {
		t.Errorf("message has %d runes, not truncated", n)
	}
}

func TestPerAttemptTimeout(t *testing.T) {
	f := newFakeMS(t, func(w http.ResponseWriter, r *http.Request) {
		<-r.Context().Done() // block until the client abandons the attempt
	})
	// Count attempts on the client side: an attempt may time out before the
	// server has even seen it.
	rt := &countingTransport{next: http.DefaultTransport}
	c := f.client(func(c *partnercenter.Config) {
		c.Timeout = 20 * time.Millisecond
		c.MaxAttempts = 2
		c.HTTPClient = &http.Client{Transport: rt}
	})
	_, err := c.Subscriptions(context.Background(), "t1")
	if !errors.Is(err, msapi.ErrUnavailable) {
		t.Fatalf("err = %v, want ErrUnavailable", err)
	}
	if !strings.Contains(err.Error(), "no answer within 20ms") {
		t.Errorf("error should say the attempt timed out: %v", err)
	}
	ids := rt.apiRequestIDs()
	if len(ids) != 2 || ids[0] != ids[1] || ids[0] == "" {
		t.Errorf("attempts sent request ids %q, want 2 identical", ids)
	}
}

// countingTransport records the MS-RequestId of every API round trip.
type countingTransport struct {
	next http.RoundTripper
	mu   sync.Mutex
	ids  []string
}

func (c *countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if !strings.Contains(r.URL.Path, "/login/") {
		c.mu.Lock()
		c.ids = append(c.ids, r.Header.Get(wire.HeaderRequestID))
		c.mu.Unlock()
	}
	return c.next.RoundTrip(r)
}

func (c *countingTransport) apiRequestIDs() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]string(nil), c.ids...)
}

func TestCallerCancellationIsNotRetried(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	f := newFakeMS(t, func(w http.ResponseWriter, r *http.Request) {
		cancel()
		<-r.Context().Done()
	})
	_, err := f.client().Subscriptions(ctx, "t1")
	if !errors.Is(err, context.Canceled) || errors.Is(err, msapi.ErrUnavailable) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if n := len(f.requests()); n != 1 {
		t.Errorf("%d attempts, want 1", n)
	}
}

func TestPOSTRetriedWithCallersRequestID(t *testing.T) {
	f := newFakeMS(t, sequence(status(503, "1"), func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/checkout") {
			writeJSON(w, 200, wire.CartCheckoutResult{Orders: []wire.Order{{ID: "order-1", Status: "completed", LineItems: []wire.OrderLineItem{{OfferID: "o1", Quantity: 5, SubscriptionID: "sub-1"}}}}})
			return
		}
		writeJSON(w, 201, wire.Cart{ID: "cart-1"})
	}))
	order, err := f.client().PlaceOrder(context.Background(), "t1", msapi.OrderRequest{
		RequestID: "req-42", BillingCycle: "monthly", Lines: []msapi.OrderLine{{OfferID: "o1", FriendlyName: "E3", Quantity: 5}, {OfferID: "o2", Quantity: 1}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if order.ID != "order-1" || order.Lines[0].SubscriptionID != "sub-1" {
		t.Errorf("order = %+v", order)
	}
	reqs := f.requests()
	if len(reqs) != 3 { // the cart POST twice (503, then 201), then its checkout
		t.Fatalf("%d requests", len(reqs))
	}
	for _, r := range reqs[:2] {
		if got := r.Header.Get(wire.HeaderRequestID); got != "req-42" {
			t.Errorf("MS-RequestId = %q, want the caller's req-42", got)
		}
	}
	if f.bodies[0] != f.bodies[1] || !strings.Contains(f.bodies[0], `"id":1`) || !strings.Contains(f.bodies[0], `"catalogItemId":"o1"`) {
		t.Errorf("bodies differ or are wrong: %q / %q", f.bodies[0], f.bodies[1])
	}
}

func TestPlaceOrderValidatesBeforeCalling(t *testing.T) {
	f := newFakeMS(t, subscriptionsOK)
	_, err := f.client().PlaceOrder(context.Background(), "t1", msapi.OrderRequest{Lines: []msapi.OrderLine{{OfferID: "", Quantity: 0}}})
	if !errors.Is(err, msapi.ErrInvalidRequest) || !strings.Contains(err.Error(), "request id") || !strings.Contains(err.Error(), "line 0 has quantity 0") {
		t.Fatalf("err = %v", err)
	}
	if len(f.requests()) != 0 {
		t.Error("an invalid order reached Microsoft")
	}
}

func TestNewValidates(t *testing.T) {
	_, err := partnercenter.New(partnercenter.Config{PartnerCenterURL: "ftp://x", GraphURL: "http://", LoginURL: "::"})
	if err == nil {
		t.Fatal("no error")
	}
	for _, want := range []string{"PartnerCenterURL", "GraphURL", "LoginURL", "PartnerTenantID is required", "ClientID is required", "ClientSecret is required", "PublicClientID is required"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}
	f := newFakeMS(t, subscriptionsOK)
	cfg := f.config()
	cfg.ClientSecret = "s3cr3t-value"
	cfg.PartnerTenantID = ""
	_, err = partnercenter.New(cfg)
	if err == nil || strings.Contains(err.Error(), "s3cr3t-value") {
		t.Errorf("err = %v (must fail, must not show the secret)", err)
	}
}

func TestAppUserCallsNeedRefreshToken(t *testing.T) {
	f := newFakeMS(t, subscriptionsOK)
	c := f.client(func(c *partnercenter.Config) { c.RefreshToken = "" })
	if _, err := c.InvitationURL(context.Background()); !errors.Is(err, msapi.ErrInvalidRequest) || !strings.Contains(err.Error(), "RefreshToken") {
		t.Fatalf("err = %v", err)
	}
}

func TestTokenEndpointThrottlingIsRetried(t *testing.T) {
	f := newFakeMS(t, subscriptionsOK)
	f.token = sequence(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Retry-After", "3")
		writeJSON(w, 429, wire.TokenError{Error: "temporarily_unavailable", ErrorDescription: "AADSTS90055: throttled"})
	}, func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, 200, wire.TokenResponse{TokenType: "Bearer", AccessToken: "late", ExpiresIn: 3600})
	})
	if _, err := f.client().Subscriptions(context.Background(), "t1"); err != nil {
		t.Fatal(err)
	}
	if len(f.sleeps) != 1 || f.sleeps[0] != 3*time.Second {
		t.Errorf("sleeps = %v", f.sleeps)
	}
}

// TestTokenRefusalIsMapped: Entra ID's AADSTS codes go through the one code
// table (Describe): the sentinel callers branch on and what to do.
func TestTokenRefusalIsMapped(t *testing.T) {
	for _, tc := range []struct {
		description string
		want        error
		hint        string
	}{
		{"AADSTS65001: The user or administrator has not consented to use the application.", msapi.ErrRelationshipMissing, "GDAP"},
		{"AADSTS7000215: Invalid client secret provided.", msapi.ErrInvalidRequest, "check client_secret"},
		{"AADSTS700082: The refresh token has expired due to inactivity.", msapi.ErrInvalidRequest, "onboard partner login"},
		{"AADSTS50079: Due to a configuration change the user is required to enroll in MFA.", msapi.ErrMFARequired, "register for multi-factor"},
	} {
		code, _, _ := strings.Cut(tc.description, ":")
		f := newFakeMS(t, subscriptionsOK)
		f.token = func(w http.ResponseWriter, _ *http.Request) {
			writeJSON(w, 400, wire.TokenError{Error: "invalid_grant", ErrorDescription: tc.description})
		}
		_, err := f.client().Domains(context.Background(), "t1")
		if !errors.Is(err, tc.want) {
			t.Errorf("%s: err = %v, want %v", code, err, tc.want)
		}
		var apiErr *msapi.APIError
		if errors.As(err, &apiErr); apiErr == nil || apiErr.Code != code || !strings.Contains(apiErr.Hint, tc.hint) {
			t.Errorf("%s: APIError = %+v", code, apiErr)
		}
	}
}

func assertSameRequestID(t *testing.T, reqs []*http.Request) {
	t.Helper()
	if len(reqs) < 2 {
		t.Fatalf("only %d requests", len(reqs))
	}
	first := reqs[0].Header.Get(wire.HeaderRequestID) + reqs[0].Header.Get("client-request-id")
	if first == "" {
		t.Fatal("no request id sent")
	}
	for i, r := range reqs[1:] {
		if got := r.Header.Get(wire.HeaderRequestID) + r.Header.Get("client-request-id"); got != first {
			t.Errorf("retry %d sent request id %q, first attempt %q", i+1, got, first)
		}
	}
}
