package sandbox

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// testClock is a settable clock safe to read from server goroutines.
type testClock struct {
	mu  sync.Mutex
	now time.Time
}

func newTestClock() *testClock {
	return &testClock{now: time.Date(2026, time.March, 10, 12, 0, 0, 0, time.UTC)}
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *testClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// fixture is a Server mounted under /pay on a real HTTP server, as demos
// mount it beside the sandbox Microsoft.
type fixture struct {
	t     *testing.T
	srv   *Server
	ts    *httptest.Server
	clock *testClock
	base  string // where the Server is mounted
}

func newFixture(t *testing.T, statePath string) *fixture {
	t.Helper()
	clock := newTestClock()
	return newFixtureWith(t, Options{StatePath: statePath, Now: clock.Now}, clock)
}

func newFixtureWith(t *testing.T, opts Options, clock *testClock) *fixture {
	t.Helper()
	srv := NewServer(opts)
	mux := http.NewServeMux()
	mux.Handle("/pay/", http.StripPrefix("/pay", srv))
	ts := httptest.NewServer(mux)
	t.Cleanup(ts.Close)
	return &fixture{t: t, srv: srv, ts: ts, clock: clock, base: ts.URL + "/pay"}
}

// api calls the JSON API with the default key.
func (f *fixture) api(method, path, idemKey string, body any) (int, []byte) {
	f.t.Helper()
	var rd io.Reader
	if body != nil {
		switch b := body.(type) {
		case string:
			rd = strings.NewReader(b)
		default:
			data, err := json.Marshal(b)
			if err != nil {
				f.t.Fatal(err)
			}
			rd = bytes.NewReader(data)
		}
	}
	req, err := http.NewRequest(method, f.base+path, rd)
	if err != nil {
		f.t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+DefaultAPIKey)
	if idemKey != "" {
		req.Header.Set("Idempotency-Key", idemKey)
	}
	resp, err := f.ts.Client().Do(req)
	if err != nil {
		f.t.Fatal(err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		f.t.Fatal(err)
	}
	return resp.StatusCode, data
}

func sampleRequest() createRequest {
	return createRequest{
		OrderRef: "ORD-1001", Description: "Microsoft 365 Business Standard × 5",
		Amount: 6250, Currency: "EUR", CustomerEmail: "ada@contoso.example",
	}
}

// create starts a checkout through the API and returns it.
func (f *fixture) create(key string) checkoutResponse {
	f.t.Helper()
	status, data := f.api(http.MethodPost, "/v1/checkouts", key, sampleRequest())
	if status != http.StatusOK {
		f.t.Fatalf("create checkout: HTTP %d: %s", status, data)
	}
	var resp checkoutResponse
	if err := json.Unmarshal(data, &resp); err != nil {
		f.t.Fatal(err)
	}
	return resp
}

func (f *fixture) status(id string) checkoutResponse {
	f.t.Helper()
	code, data := f.api(http.MethodGet, "/v1/checkouts/"+id, "", nil)
	if code != http.StatusOK {
		f.t.Fatalf("status of %s: HTTP %d: %s", id, code, data)
	}
	var resp checkoutResponse
	if err := json.Unmarshal(data, &resp); err != nil {
		f.t.Fatal(err)
	}
	return resp
}

// browser is a cookie-keeping HTTP client that fills in the hosted page.
type browser struct {
	t  *testing.T
	hc *http.Client
}

func newBrowser(t *testing.T) *browser {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &browser{t: t, hc: &http.Client{Jar: jar}}
}

func (b *browser) get(u string) (int, string) {
	b.t.Helper()
	resp, err := b.hc.Get(u)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		b.t.Fatal(err)
	}
	return resp.StatusCode, string(data)
}

func (b *browser) post(u string, form url.Values, header http.Header) (int, string) {
	b.t.Helper()
	req, err := http.NewRequest(http.MethodPost, u, strings.NewReader(form.Encode()))
	if err != nil {
		b.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err := b.hc.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		b.t.Fatal(err)
	}
	return resp.StatusCode, string(data)
}

var tokenRE = regexp.MustCompile(`name="csrf_token" value="([^"]+)"`)

// openForm loads the checkout page and returns its CSRF token.
func (b *browser) openForm(u string) string {
	b.t.Helper()
	status, body := b.get(u)
	if status != http.StatusOK {
		b.t.Fatalf("GET %s: HTTP %d", u, status)
	}
	m := tokenRE.FindStringSubmatch(body)
	if m == nil {
		b.t.Fatalf("no CSRF token on the page:\n%s", body)
	}
	return m[1]
}

// cardForm is a filled-in card form.
func cardForm(token, number string) url.Values {
	return url.Values{
		"csrf_token": {token}, "number": {number}, "exp": {"12/30"},
		"cvc": {"123"}, "name": {"Ada Lovelace"},
	}
}
