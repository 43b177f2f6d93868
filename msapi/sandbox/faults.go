package sandbox

import (
	"fmt"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"time"

	"onboard/msapi/partnercenter/wire"
)

// SetFaults replaces the injected faults and reseeds their random source, so
// the same Faults give the same sequence of outcomes.
func (s *Sandbox) SetFaults(f Faults) {
	s.faultMu.Lock()
	defer s.faultMu.Unlock()
	s.faults = f
	seed := uint64(f.Seed)
	s.rng = rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
}

type faultKind int

const (
	faultNone faultKind = iota
	faultThrottle
	faultUnavailable // 503 with Retry-After
	faultInternal    // 500
)

// drawFault picks this request's fault. Both draws happen for every request
// so outcomes depend only on the seed and the request's position.
func (s *Sandbox) drawFault() (faultKind, Faults) {
	s.faultMu.Lock()
	defer s.faultMu.Unlock()
	f := s.faults
	p, q := s.rng.Float64(), s.rng.Float64()
	switch {
	case p < f.ThrottleRate:
		return faultThrottle, f
	case p < f.ThrottleRate+f.ErrorRate && q < 0.5:
		return faultUnavailable, f
	case p < f.ThrottleRate+f.ErrorRate:
		return faultInternal, f
	}
	return faultNone, f
}

// retryAfterSeconds rounds d up to whole seconds, as Retry-After carries.
func retryAfterSeconds(d time.Duration) int {
	if d <= 0 {
		return 0
	}
	return int((d + time.Second - 1) / time.Second)
}

// injectFault delays the request and may answer it with a fault; it reports
// whether it wrote a response. graph selects the error body dialect.
func (s *Sandbox) injectFault(w http.ResponseWriter, r *http.Request, graph bool) bool {
	kind, f := s.drawFault()
	if f.Latency > 0 {
		t := time.NewTimer(f.Latency)
		defer t.Stop()
		select {
		case <-t.C:
		case <-r.Context().Done():
			return true // the client is gone; nobody reads an answer
		}
	}
	secs := retryAfterSeconds(f.RetryAfter)
	switch kind {
	case faultThrottle:
		w.Header().Set("Retry-After", strconv.Itoa(secs))
		if graph {
			// Graph's throttling page: 429 with Retry-After and the error
			// code TooManyRequests.
			writeGraphError(w, http.StatusTooManyRequests, "TooManyRequests", "Please retry after "+strconv.Itoa(secs)+" seconds.")
			break
		}
		// Partner Center's API gateway answers a throttled call with
		// {"statusCode": 429, "message": ...} (api-throttling-guidance).
		writeJSON(w, http.StatusTooManyRequests, wire.ThrottleError{
			StatusCode: http.StatusTooManyRequests,
			Message:    fmt.Sprintf("Rate limit is exceeded. Try again in %d seconds.", secs),
		})
	case faultUnavailable:
		w.Header().Set("Retry-After", strconv.Itoa(secs))
		if graph {
			writeGraphError(w, http.StatusServiceUnavailable, "serviceNotAvailable", "The service is temporarily unavailable. Please retry later.")
		} else {
			// Assumption: the error-codes page lists no code for a 503; the
			// sandbox sends its "Unexpected service error".
			writePCError(w, http.StatusServiceUnavailable, wire.CodeServiceError, "The service is temporarily unavailable. Please retry later.")
		}
	case faultInternal:
		if graph {
			writeGraphError(w, http.StatusInternalServerError, "generalException", "An internal server error occurred.")
		} else {
			writePCError(w, http.StatusInternalServerError, wire.CodeServiceError, "Unexpected service error.")
		}
	default:
		return false
	}
	return true
}

// ParseFaults reads a fault setting such as
// "429:0.1,5xx:0.05,latency:200ms,retry-after:2s" (the shape of `onboard
// sandbox --faults` and the sandbox_faults key): 429 and 5xx are shares of
// API requests between 0 and 1, latency is added to every API request,
// retry-after is the wait the 429s and 503s ask for (default 1s). An empty
// spec injects nothing.
func ParseFaults(spec string, seed int64) (Faults, error) {
	f := Faults{Seed: seed, RetryAfter: time.Second}
	spec = strings.TrimSpace(spec)
	if spec == "" || spec == "none" {
		return Faults{Seed: seed}, nil
	}
	for _, part := range strings.Split(spec, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), ":")
		if !ok {
			return Faults{}, fmt.Errorf("fault %q: want kind:value, e.g. 429:0.1", part)
		}
		k, v = strings.ToLower(strings.TrimSpace(k)), strings.TrimSpace(v)
		switch k {
		case "429", "5xx":
			rate, err := strconv.ParseFloat(v, 64)
			if err != nil || rate < 0 || rate > 1 {
				return Faults{}, fmt.Errorf("fault %q: the rate must be between 0 and 1", part)
			}
			if k == "429" {
				f.ThrottleRate = rate
			} else {
				f.ErrorRate = rate
			}
		case "latency", "retry-after":
			d, err := time.ParseDuration(v)
			if err != nil || d < 0 {
				return Faults{}, fmt.Errorf("fault %q: want a duration such as 200ms", part)
			}
			if k == "latency" {
				f.Latency = d
			} else {
				f.RetryAfter = d
			}
		default:
			return Faults{}, fmt.Errorf("fault %q: unknown kind (want 429, 5xx, latency or retry-after)", part)
		}
	}
	if f.ThrottleRate+f.ErrorRate > 1 {
		return Faults{}, fmt.Errorf("faults %q: 429 and 5xx together exceed 1", spec)
	}
	return f, nil
}
