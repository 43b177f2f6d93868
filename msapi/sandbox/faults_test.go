package sandbox_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"onboard/msapi/partnercenter/wire"
	"onboard/msapi/sandbox"
)

// statuses makes n identical Partner Center requests and returns their statuses.
func statuses(t *testing.T, e *env, tok string, n int) []int {
	t.Helper()
	out := make([]int, n)
	for i := range out {
		out[i], _, _ = e.call("GET", e.urls.PartnerCenter+"/v1/customers/relationshiprequests", tok, nil, nil, nil)
	}
	return out
}

func TestFaultsAreReproducibleForASeed(t *testing.T) {
	f := sandbox.Faults{ThrottleRate: 0.3, ErrorRate: 0.2, RetryAfter: 1500 * time.Millisecond, Seed: 42}
	a, b := newEnv(t, sandbox.Options{}), newEnv(t, sandbox.Options{})
	ta, tb := a.appUserToken(), b.appUserToken() // the token endpoint is never faulted
	a.sb.SetFaults(f)
	b.sb.SetFaults(f)
	sa, sb := statuses(t, a, ta, 60), statuses(t, b, tb, 60)
	count := map[int]int{}
	for i := range sa {
		if sa[i] != sb[i] {
			t.Fatalf("request %d: %d vs %d with the same seed", i, sa[i], sb[i])
		}
		count[sa[i]]++
	}
	if count[http.StatusTooManyRequests] == 0 || count[http.StatusOK] == 0 || count[http.StatusServiceUnavailable]+count[http.StatusInternalServerError] == 0 {
		t.Fatalf("outcomes %v: want a mix of 200, 429 and 5xx", count)
	}
	a.sb.SetFaults(sandbox.Faults{Seed: 42, ThrottleRate: 0.3, ErrorRate: 0.2})
	if again := statuses(t, a, ta, 60); !equalInts(again, sa) {
		t.Fatal("SetFaults with the same seed does not restart the sequence")
	}
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestThrottleResponse(t *testing.T) {
	e := newEnv(t, sandbox.Options{Faults: sandbox.Faults{ThrottleRate: 1, RetryAfter: 1500 * time.Millisecond}})
	status, b, h := e.call("GET", e.urls.PartnerCenter+"/v1/customers/relationshiprequests", e.appUserToken(), nil, nil, nil)
	var te wire.ThrottleError
	mustDecode(t, b, &te)
	if status != http.StatusTooManyRequests || h.Get("Retry-After") != "2" || te.StatusCode != 429 || te.Message != "Rate limit is exceeded. Try again in 2 seconds." {
		t.Fatalf("throttled = %d %q %s", status, h.Get("Retry-After"), b)
	}
	e.sb.SetFaults(sandbox.Faults{ErrorRate: 1})
	seen := map[int]string{}
	for range 20 {
		status, _, h := e.call("GET", e.urls.Graph+"/users", "", nil, nil, nil)
		seen[status] = h.Get("Retry-After")
	}
	if v, ok := seen[http.StatusServiceUnavailable]; !ok || v != "0" {
		t.Fatalf("503s = %v, want Retry-After 0", seen)
	}
	if _, ok := seen[http.StatusInternalServerError]; !ok || len(seen) != 2 {
		t.Fatalf("error statuses = %v, want 503 and 500 only", seen)
	}
	// Pages are never faulted.
	resp, err := http.Get(e.srv.URL + "/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("index page under faults = %d", resp.StatusCode)
	}
}

func TestLatencyHonoursContext(t *testing.T) {
	e := newEnv(t, sandbox.Options{Faults: sandbox.Faults{Latency: time.Hour}})
	tok := e.appUserToken()
	ctx, cancel := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(ctx, "GET", e.urls.PartnerCenter+"/v1/customers/relationshiprequests", nil)
	req.Header.Set("Authorization", "Bearer "+tok)
	done := make(chan error, 1)
	go func() {
		resp, err := http.DefaultClient.Do(req)
		if err == nil {
			resp.Body.Close()
		}
		done <- err
	}()
	cancel()
	if err := <-done; err == nil {
		t.Fatal("request with an hour of latency returned before its context was cancelled")
	}
	e.sb.SetFaults(sandbox.Faults{Latency: time.Millisecond})
	if status, _, _ := e.call("GET", e.urls.PartnerCenter+"/v1/customers/relationshiprequests", tok, nil, nil, nil); status != http.StatusOK {
		t.Fatalf("with 1ms latency = %d", status)
	}
}

func TestParseFaults(t *testing.T) {
	f, err := sandbox.ParseFaults("429:0.1, 5xx:0.05,latency:200ms,retry-after:57s", 7)
	if err != nil {
		t.Fatal(err)
	}
	want := sandbox.Faults{ThrottleRate: 0.1, ErrorRate: 0.05, Latency: 200 * time.Millisecond, RetryAfter: 57 * time.Second, Seed: 7}
	if f != want {
		t.Errorf("faults = %+v, want %+v", f, want)
	}
	if f, err := sandbox.ParseFaults("", 3); err != nil || f != (sandbox.Faults{Seed: 3}) {
		t.Errorf("empty = %+v %v", f, err)
	}
	if f, err := sandbox.ParseFaults("429:0.5", 1); err != nil || f.RetryAfter != time.Second {
		t.Errorf("default Retry-After = %+v %v", f, err)
	}
	for _, bad := range []string{"429", "429:2", "5xx:-0.1", "latency:soon", "teapot:0.1", "429:0.6,5xx:0.6"} {
		if _, err := sandbox.ParseFaults(bad, 1); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

// Graph throttles in its own error shape (graph/throttling): 429,
// Retry-After and the code TooManyRequests.
func TestGraphThrottleResponse(t *testing.T) {
	e := newEnv(t, sandbox.Options{Faults: sandbox.Faults{ThrottleRate: 1, RetryAfter: 57 * time.Second}})
	status, b, h := e.call("GET", e.urls.Graph+"/users", "", nil, nil, nil)
	var ge wire.GraphError
	mustDecode(t, b, &ge)
	if status != http.StatusTooManyRequests || h.Get("Retry-After") != "57" || ge.Error.Code != "TooManyRequests" {
		t.Fatalf("graph throttled = %d %q %s", status, h.Get("Retry-After"), b)
	}
}
