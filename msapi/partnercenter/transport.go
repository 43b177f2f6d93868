package partnercenter

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	"onboard/msapi"
	"onboard/msapi/partnercenter/wire"
)

// api tells which Microsoft service a request goes to: headers and error
// shapes differ.
type api int

const (
	partnerCenter api = iota
	graph
)

// request is one logical operation; send may transmit it several times.
type request struct {
	op        string // for errors: "list subscriptions of <tenant>"
	api       api
	method    string
	url       string
	body      any         // JSON-encoded once, resent on every attempt
	header    http.Header // extra headers, e.g. MS-ContinuationToken
	requestID string      // idempotency key; generated when empty
	corrID    string      // MS-CorrelationId; one per call, set by send
	token     tokenSource
	accept    []int // non-2xx statuses handed to the handler (HEAD's 404)
}

// noRetryAfter marks a response without a usable Retry-After.
const noRetryAfter time.Duration = -1

// retryableError is a failed attempt worth repeating: throttling, a server
// error, a timeout or a broken connection.
type retryableError struct {
	status     int // 0 for transport failures
	retryAfter time.Duration
	code       string
	message    string
	requestID  string
	cause      error
}

func (e *retryableError) Error() string {
	if e.cause != nil {
		return e.cause.Error()
	}
	return fmt.Sprintf("HTTP %d: %s", e.status, e.message)
}

// exhausted turns the last retryable failure into the error callers see.
func (e *retryableError) exhausted(op string, attempts int) error {
	sentinel := msapi.ErrUnavailable
	if e.status == http.StatusTooManyRequests {
		sentinel = msapi.ErrThrottled
	}
	msg := e.message
	if e.cause != nil {
		msg = e.cause.Error()
	}
	hint := ""
	if c, ok := knownCodes[e.code]; ok {
		hint = c.hint
		if sentinel != msapi.ErrThrottled {
			sentinel = c.err
		}
	}
	return &msapi.APIError{Op: op, Status: e.status, Code: e.code, RequestID: e.requestID, Err: sentinel, Hint: hint,
		Message: fmt.Sprintf("gave up after %d attempts: %s", attempts, msg)}
}

// tooLong is the error when Microsoft asks for a wait beyond the caller's
// deadline.
func (e *retryableError) tooLong(op string, d time.Duration) error {
	sentinel := msapi.ErrUnavailable
	if e.status == http.StatusTooManyRequests {
		sentinel = msapi.ErrThrottled
	}
	return &msapi.APIError{Op: op, Status: e.status, Code: e.code, RequestID: e.requestID, Err: sentinel,
		Message: fmt.Sprintf("Microsoft asked to wait %s, longer than the time left: %s", msapi.FormatWait(d), e.message)}
}

func retryableStatus(status int) bool {
	switch status {
	case http.StatusTooManyRequests, http.StatusInternalServerError, http.StatusBadGateway,
		http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	}
	return false
}

// send performs r with retries and hands a successful response to handle,
// which must consume the body it needs before returning.
func (c *Client) send(ctx context.Context, r request, handle func(*http.Response) error) error {
	var body []byte
	if r.body != nil {
		var err error
		if body, err = json.Marshal(r.body); err != nil {
			return fmt.Errorf("%s: encode request: %w", r.op, err)
		}
	}
	if r.requestID == "" {
		r.requestID = uuid.NewString()
	}
	// The headers page: MS-CorrelationId "should be reset for every call";
	// the retries of one call keep it, like MS-RequestId.
	r.corrID = msapi.CorrelationID(ctx)
	if r.corrID == "" {
		r.corrID = uuid.NewString()
	}
	for attempt := 1; ; attempt++ {
		err := c.attempt(ctx, r, body, handle)
		var re *retryableError
		if !errors.As(err, &re) {
			return err
		}
		if ctx.Err() != nil {
			return fmt.Errorf("%s: %w", r.op, ctx.Err())
		}
		if attempt >= c.cfg.MaxAttempts {
			return re.exhausted(r.op, attempt)
		}
		d := c.delay(attempt, re.retryAfter)
		if dl, ok := ctx.Deadline(); ok && c.now().Add(d).After(dl) {
			// The caller's deadline is the only bound on a wait Microsoft
			// asked for: do not start a wait that cannot end in time.
			return re.tooLong(r.op, d)
		}
		w := msapi.Wait{Op: r.op, Delay: d, Asked: re.retryAfter >= 0, Status: re.status, Attempt: attempt}
		report := msapi.WaitReporter(ctx)
		report(w)
		serr := c.cfg.Sleep(ctx, d)
		w.Over = true
		report(w)
		if serr != nil {
			return fmt.Errorf("%s: waiting to retry: %w", r.op, serr)
		}
	}
}

// delay honours Retry-After as given (the api-throttling-guidance and
// Graph's throttling page: wait the seconds it names), else backs off
// exponentially with jitter so many kiosks do not retry in lockstep.
func (c *Client) delay(attempt int, retryAfter time.Duration) time.Duration {
	if retryAfter >= 0 {
		return retryAfter
	}
	d := c.cfg.BaseBackoff << min(attempt-1, 30)
	if d <= 0 || d > c.cfg.MaxBackoff {
		d = c.cfg.MaxBackoff
	}
	half := d / 2
	return half + rand.N(half+1)
}

// attempt sends r once under its own timeout.
func (c *Client) attempt(ctx context.Context, r request, body []byte, handle func(*http.Response) error) error {
	actx, cancel := context.WithTimeout(ctx, c.cfg.Timeout)
	defer cancel()
	tok, err := r.token.Token(actx)
	if err != nil {
		return c.tokenFailure(r.op+": get token", err, false)
	}
	req, err := c.newHTTPRequest(actx, r, body, tok.AccessToken)
	if err != nil {
		return err
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return transportFailure(actx, c.cfg.Timeout, err)
	}
	defer func() {
		// Drain a little so the connection is reused.
		_, _ = io.CopyN(io.Discard, resp.Body, 4<<10)
		resp.Body.Close()
	}()
	if resp.StatusCode/100 == 2 || accepted(resp.StatusCode, r.accept) {
		return c.handleSuccess(actx, r, resp, handle)
	}
	return c.failure(r, resp)
}

func (c *Client) newHTTPRequest(ctx context.Context, r request, body []byte, accessToken string) (*http.Request, error) {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, r.method, r.url, rd)
	if err != nil {
		return nil, fmt.Errorf("%s: build request: %w", r.op, err)
	}
	h := req.Header
	for k, vs := range r.header {
		h[k] = vs
	}
	h.Set("Authorization", "Bearer "+accessToken)
	h.Set("Accept", "application/json")
	if body != nil {
		h.Set("Content-Type", "application/json")
	}
	switch r.api {
	case partnerCenter:
		h.Set(wire.HeaderRequestID, r.requestID)
		h.Set(wire.HeaderCorrelationID, r.corrID)
		h.Set(wire.HeaderContractVersion, wire.ContractVersion)
		locale := c.cfg.Locale
		if l := msapi.LocaleFrom(ctx); l != "" {
			locale = l // the customer's language, for this sign-up's calls
		}
		h.Set(wire.HeaderLocale, locale)
	case graph:
		// Graph's own correlation header, so support can trace a call.
		h.Set("client-request-id", r.requestID)
	}
	return req, nil
}

func accepted(status int, list []int) bool {
	for _, s := range list {
		if s == status {
			return true
		}
	}
	return false
}

// handleSuccess runs the handler; a body cut off mid-read is a transport
// failure (retried), a body that reads fine but does not decode is not.
func (c *Client) handleSuccess(ctx context.Context, r request, resp *http.Response, handle func(*http.Response) error) error {
	if handle == nil {
		return nil
	}
	body := &readTracker{r: resp.Body}
	resp.Body = body
	err := handle(resp)
	if err == nil {
		return nil
	}
	if body.err != nil {
		return transportFailure(ctx, c.cfg.Timeout, body.err)
	}
	var apiErr *msapi.APIError
	if errors.As(err, &apiErr) {
		return err
	}
	return &msapi.APIError{Op: r.op, Status: resp.StatusCode, RequestID: r.requestID, Err: msapi.ErrUnavailable,
		Message: "malformed response: " + sanitize(err.Error())}
}

// readTracker remembers a read error that is not EOF.
type readTracker struct {
	r   io.ReadCloser
	err error
}

func (t *readTracker) Read(p []byte) (int, error) {
	n, err := t.r.Read(p)
	if err != nil && err != io.EOF && t.err == nil {
		t.err = err
	}
	return n, err
}

func (t *readTracker) Close() error { return t.r.Close() }

func transportFailure(attemptCtx context.Context, timeout time.Duration, err error) error {
	if errors.Is(attemptCtx.Err(), context.DeadlineExceeded) {
		return &retryableError{cause: fmt.Errorf("no answer within %v", timeout)}
	}
	return &retryableError{cause: errors.New(sanitize(err.Error()))}
}

// maxErrorBody bounds how much of an error response is read.
const maxErrorBody = 64 << 10

// failure decodes a non-success response into a retryable failure or the
// final APIError.
func (c *Client) failure(r request, resp *http.Response) error {
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
	if err != nil && retryableStatus(resp.StatusCode) {
		return &retryableError{status: resp.StatusCode, retryAfter: noRetryAfter, cause: err}
	}
	d := decodeErrorBody(resp.StatusCode, resp.Header.Get("Content-Type"), raw)
	reqID := r.requestID
	if d.requestID != "" {
		reqID = d.requestID
	} else if id := resp.Header.Get("request-id"); r.api == graph && id != "" {
		reqID = sanitize(id)
	}
	if retryableStatus(resp.StatusCode) {
		return &retryableError{status: resp.StatusCode, code: d.code, message: d.message, requestID: reqID,
			retryAfter: parseRetryAfter(resp.Header.Get("Retry-After"), c.now())}
	}
	if resp.StatusCode == http.StatusUnauthorized {
		// The token was revoked or expired early: fetch a new one next time.
		r.token.Invalidate()
	}
	sentinel, hint := sentinelFor(resp.StatusCode, d.code)
	return &msapi.APIError{Op: r.op, Status: resp.StatusCode, Code: d.code, Message: d.message,
		RequestID: reqID, Err: sentinel, Hint: hint}
}

// parseRetryAfter reads delta-seconds or an HTTP date.
func parseRetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return noRetryAfter
	}
	if secs, err := strconv.Atoi(v); err == nil {
		if secs < 0 {
			return noRetryAfter
		}
		// Bound before converting: a huge value must not overflow. A day
		// is far beyond any caller's deadline, which ends such a wait.
		secs = min(secs, 24*60*60)
		return time.Duration(secs) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(t.Sub(now), 0)
	}
	return noRetryAfter
}

// decodeJSON returns a handler that decodes the body into out.
func decodeJSON(out any) func(*http.Response) error {
	return func(resp *http.Response) error {
		if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
			return fmt.Errorf("decode JSON body: %w", err)
		}
		return nil
	}
}
