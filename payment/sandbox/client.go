package sandbox

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"onboard/payment"
)

// Client defaults.
const (
	defaultTimeout    = 10 * time.Second
	defaultMaxRetries = 3
	backoffBase       = 250 * time.Millisecond
	backoffMax        = 4 * time.Second
)

// Client is a payment.Gateway that talks to a Server over HTTP.
//
// Set the exported fields before first use; they are not synchronised.
type Client struct {
	base   string
	apiKey string
	hc     *http.Client

	// Timeout bounds each HTTP attempt (not the whole call, which the
	// caller's context bounds). Default 10s.
	Timeout time.Duration
	// MaxRetries is how many times a 5xx, 429 or transport failure is
	// retried. Default 3; 0 means the default, negative means no retries.
	MaxRetries int
	// Sleep waits between attempts; tests replace it to not wait. It must
	// return early with ctx's error when ctx is done.
	Sleep func(ctx context.Context, d time.Duration) error
}

var _ payment.Gateway = (*Client)(nil)

// NewClient returns a Client for the Server mounted at baseURL (e.g.
// "http://127.0.0.1:8099/pay"). hc may be nil for http.DefaultClient.
func NewClient(baseURL, apiKey string, hc *http.Client) *Client {
	if hc == nil {
		hc = http.DefaultClient
	}
	if apiKey == "" {
		apiKey = DefaultAPIKey
	}
	return &Client{
		base: strings.TrimRight(baseURL, "/"), apiKey: apiKey, hc: hc,
		Timeout: defaultTimeout, MaxRetries: defaultMaxRetries, Sleep: sleepContext,
	}
}

// StartCheckout starts a hosted checkout. Retrying with the same
// IdempotencyKey returns the same session; when the key is empty one is made
// for this call, so its own retries stay safe.
func (c *Client) StartCheckout(ctx context.Context, co payment.Checkout) (payment.Session, error) {
	key := co.IdempotencyKey
	if key == "" {
		key = "ik_" + rand.Text()
	}
	body, err := json.Marshal(createRequest{
		OrderRef: co.OrderRef, Description: co.Description, Amount: co.Amount,
		Currency: co.Currency, CustomerEmail: co.CustomerEmail,
	})
	if err != nil {
		return payment.Session{}, fmt.Errorf("start checkout for order %s: %w", co.OrderRef, err)
	}
	var resp checkoutResponse
	if err := c.do(ctx, http.MethodPost, "/v1/checkouts", body, key, &resp); err != nil {
		return payment.Session{}, fmt.Errorf("start checkout for order %s: %w", co.OrderRef, err)
	}
	return payment.Session{ID: resp.ID, URL: resp.URL}, nil
}

// Status reads a checkout's status.
func (c *Client) Status(ctx context.Context, sessionID string) (payment.Status, error) {
	if sessionID == "" {
		return payment.Status{}, fmt.Errorf("checkout status: empty session id: %w", payment.ErrInvalid)
	}
	var resp checkoutResponse
	if err := c.do(ctx, http.MethodGet, "/v1/checkouts/"+url.PathEscape(sessionID), nil, "", &resp); err != nil {
		return payment.Status{}, fmt.Errorf("status of checkout %s: %w", sessionID, err)
	}
	return payment.Status{
		ID: resp.ID, State: resp.State, Amount: resp.Amount, Currency: resp.Currency,
		PaymentID: resp.PaymentID, Reason: resp.Reason, Refunded: resp.Refunded,
	}, nil
}

// Refund refunds (part of) a paid checkout. Retrying with the same
// IdempotencyKey returns the refund already made; an empty key is refused,
// since a refund retried without one could pay back twice.
func (c *Client) Refund(ctx context.Context, rf payment.Refund) (payment.RefundResult, error) {
	if rf.SessionID == "" || rf.IdempotencyKey == "" {
		return payment.RefundResult{}, fmt.Errorf("refund checkout %q: session id and idempotency key are required: %w", rf.SessionID, payment.ErrInvalid)
	}
	body, err := json.Marshal(refundRequest{CheckoutID: rf.SessionID, Amount: rf.Amount, Currency: rf.Currency, Reason: rf.Reason})
	if err != nil {
		return payment.RefundResult{}, fmt.Errorf("refund checkout %s: %w", rf.SessionID, err)
	}
	var resp refundResponse
	if err := c.do(ctx, http.MethodPost, "/v1/refunds", body, rf.IdempotencyKey, &resp); err != nil {
		return payment.RefundResult{}, fmt.Errorf("refund checkout %s: %w", rf.SessionID, err)
	}
	return payment.RefundResult{ID: resp.ID, SessionID: resp.CheckoutID, PaymentID: resp.PaymentID,
		Amount: resp.Amount, Currency: resp.Currency}, nil
}

// Expire closes an open checkout so it can no longer be paid. A checkout
// that is not open (paid, or expired already) is answered with its status.
func (c *Client) Expire(ctx context.Context, sessionID string) (payment.Status, error) {
	if sessionID == "" {
		return payment.Status{}, fmt.Errorf("expire checkout: empty session id: %w", payment.ErrInvalid)
	}
	var resp checkoutResponse
	err := c.do(ctx, http.MethodPost, "/v1/checkouts/"+url.PathEscape(sessionID)+"/expire", []byte("{}"), "", &resp)
	if errors.Is(err, errNotOpen) {
		return c.Status(ctx, sessionID)
	}
	if err != nil {
		return payment.Status{}, fmt.Errorf("expire checkout %s: %w", sessionID, err)
	}
	return payment.Status{
		ID: resp.ID, State: resp.State, Amount: resp.Amount, Currency: resp.Currency,
		PaymentID: resp.PaymentID, Reason: resp.Reason, Refunded: resp.Refunded,
	}, nil
}

// errNotOpen: the checkout cannot be expired, it is paid or expired already.
var errNotOpen = errors.New("checkout is not open")

// do sends one API call with retries; the same body and Idempotency-Key go
// out on every attempt, so a retried create cannot start a second checkout.
func (c *Client) do(ctx context.Context, method, path string, body []byte, key string, out any) error {
	retries := c.MaxRetries
	switch {
	case retries == 0:
		retries = defaultMaxRetries
	case retries < 0:
		retries = 0
	}
	var lastErr error
	for attempt := 0; ; attempt++ {
		wait, err := c.attempt(ctx, method, path, body, key, out)
		if err == nil || wait < 0 {
			return err
		}
		lastErr = err
		if ctx.Err() != nil {
			return fmt.Errorf("%w (last error: %v)", ctx.Err(), lastErr)
		}
		if attempt >= retries {
			return fmt.Errorf("%w: gave up after %d attempts: %v", payment.ErrUnavailable, attempt+1, lastErr)
		}
		if err := c.Sleep(ctx, max(wait, backoff(attempt))); err != nil {
			return fmt.Errorf("%w (last error: %v)", err, lastErr)
		}
	}
}

// attempt makes one HTTP request. It returns wait >= 0 with an error that
// may be retried (wait is the server's Retry-After, 0 if none) and wait < 0
// with a final result.
func (c *Client) attempt(ctx context.Context, method, path string, body []byte, key string, out any) (time.Duration, error) {
	actx, cancel := context.WithTimeout(ctx, c.timeout())
	defer cancel()
	req, err := http.NewRequestWithContext(actx, method, c.base+path, bytes.NewReader(body))
	if err != nil {
		return -1, fmt.Errorf("%w: %v", payment.ErrInvalid, err)
	}
	req.Header.Set("Authorization", "Bearer "+c.apiKey)
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if key != "" {
		req.Header.Set("Idempotency-Key", key)
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		return 0, fmt.Errorf("%s %s: %w", method, path, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return 0, fmt.Errorf("%s %s: read response: %w", method, path, err)
	}
	return classify(resp, data, out)
}

// classify turns a response into a result, an error to retry, or a final
// error mapped to the payment package's sentinels.
func classify(resp *http.Response, data []byte, out any) (time.Duration, error) {
	switch code := resp.StatusCode; {
	case code >= 200 && code < 300:
		if err := json.Unmarshal(data, out); err != nil {
			return -1, fmt.Errorf("%w: malformed response: %v", payment.ErrUnavailable, err)
		}
		return -1, nil
	case code >= 500 || code == http.StatusTooManyRequests:
		return retryAfter(resp.Header.Get("Retry-After")), fmt.Errorf("HTTP %d: %s", code, apiMessage(data))
	case code == http.StatusNotFound:
		return -1, fmt.Errorf("%w: %s", payment.ErrNotFound, apiMessage(data))
	case apiCode(data) == codeNotOpen:
		return -1, fmt.Errorf("%w: %s", errNotOpen, apiMessage(data))
	case refusalCodes[apiCode(data)]:
		return -1, fmt.Errorf("%w: %s", payment.ErrRefundRefused, apiMessage(data))
	default:
		return -1, fmt.Errorf("%w: HTTP %d: %s", payment.ErrInvalid, code, apiMessage(data))
	}
}

// apiCode is the server's error code in a body, or "".
func apiCode(data []byte) string {
	var e errorResponse
	if json.Unmarshal(data, &e) != nil {
		return ""
	}
	return e.Error.Code
}

// apiMessage extracts the server's error message from a body.
func apiMessage(data []byte) string {
	var e errorResponse
	if err := json.Unmarshal(data, &e); err == nil && e.Error.Message != "" {
		return e.Error.Message
	}
	msg := strings.TrimSpace(string(data))
	if len(msg) > 200 {
		msg = msg[:200] + "…"
	}
	if msg == "" {
		return "no details"
	}
	return msg
}

// retryAfter reads a Retry-After in seconds, capped so a server cannot park
// the client; 0 when absent.
func retryAfter(v string) time.Duration {
	secs, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil || secs <= 0 {
		return 0
	}
	return min(time.Duration(secs)*time.Second, backoffMax)
}

// backoff is the wait before retry n+1: exponential, bounded.
func backoff(n int) time.Duration {
	d := backoffBase << min(n, 10)
	return min(d, backoffMax)
}

func (c *Client) timeout() time.Duration {
	if c.Timeout > 0 {
		return c.Timeout
	}
	return defaultTimeout
}

func sleepContext(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
