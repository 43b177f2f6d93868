package partnercenter_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"onboard/msapi/partnercenter"
	"onboard/msapi/partnercenter/wire"
)

// fakeMS is a tiny hand-written Microsoft for transport tests: a token
// endpoint that always succeeds unless told otherwise, and whatever handler
// the test installs for Partner Center (/pc) and Graph (/graph).
type fakeMS struct {
	t      *testing.T
	srv    *httptest.Server
	api    http.HandlerFunc
	token  http.HandlerFunc // nil: issue "tok-N"
	mu     sync.Mutex
	reqs   []*http.Request // API requests seen, in order
	bodies []string
	tokens int // token requests seen
	sleeps []time.Duration
}

func newFakeMS(t *testing.T, api http.HandlerFunc) *fakeMS {
	t.Helper()
	f := &fakeMS{t: t, api: api}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeMS) serve(w http.ResponseWriter, r *http.Request) {
	if strings.HasPrefix(r.URL.Path, "/login/") {
		f.mu.Lock()
		f.tokens++
		n := f.tokens
		f.mu.Unlock()
		if f.token != nil {
			f.token(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(wire.TokenResponse{TokenType: "Bearer", AccessToken: "tok-" + strconv.Itoa(n), ExpiresIn: 3600})
		return
	}
	var body strings.Builder
	if r.Body != nil {
		buf := make([]byte, 4096)
		for {
			n, err := r.Body.Read(buf)
			body.Write(buf[:n])
			if err != nil {
				break
			}
		}
	}
	f.mu.Lock()
	f.reqs = append(f.reqs, r.Clone(context.Background()))
	f.bodies = append(f.bodies, body.String())
	f.mu.Unlock()
	f.api(w, r)
}

func (f *fakeMS) requests() []*http.Request {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]*http.Request(nil), f.reqs...)
}

func (f *fakeMS) config() partnercenter.Config {
	return partnercenter.Config{
		PartnerCenterURL: f.srv.URL + "/pc",
		GraphURL:         f.srv.URL + "/graph/v1.0",
		LoginURL:         f.srv.URL + "/login",
		PartnerTenantID:  "partner-tenant",
		ClientID:         "client-id",
		ClientSecret:     "client-secret",
		RefreshToken:     "refresh-token",
		PublicClientID:   "public-client",
		CorrelationID:    "corr-1",
		MaxAttempts:      4,
		BaseBackoff:      time.Millisecond,
		MaxBackoff:       30 * time.Second,
		Sleep: func(ctx context.Context, d time.Duration) error {
			f.mu.Lock()
			f.sleeps = append(f.sleeps, d)
			f.mu.Unlock()
			return ctx.Err()
		},
	}
}

func (f *fakeMS) client(mod ...func(*partnercenter.Config)) *partnercenter.Client {
	f.t.Helper()
	cfg := f.config()
	for _, m := range mod {
		m(&cfg)
	}
	c, err := partnercenter.New(cfg)
	if err != nil {
		f.t.Fatalf("New: %v", err)
	}
	return c
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func pcError(w http.ResponseWriter, status int, code any, desc string) {
	writeJSON(w, status, wire.Error{Code: code, Description: desc})
}

// sequence answers the n-th API request with steps[n] (the last repeats).
func sequence(steps ...http.HandlerFunc) http.HandlerFunc {
	var mu sync.Mutex
	n := 0
	return func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		i := min(n, len(steps)-1)
		n++
		mu.Unlock()
		steps[i](w, r)
	}
}

func subscriptionsOK(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, wire.Collection[wire.Subscription]{Items: []wire.Subscription{{ID: "s1", OfferID: "o1", Quantity: 3, Status: "active"}}})
}

func status(code int, retryAfter string) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		if retryAfter != "" {
			w.Header().Set("Retry-After", retryAfter)
		}
		if code == http.StatusTooManyRequests {
			writeJSON(w, code, wire.ThrottleError{StatusCode: 429, Message: "Rate limit is exceeded. Try again in 7 seconds."})
			return
		}
		pcError(w, code, 500001, "Service unavailable, try later.")
	}
}
