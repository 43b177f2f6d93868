package sandbox_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"onboard/msapi/sandbox"
)

// BenchmarkNorthwindGraphPage serves a page of 100 users of the
// 100,000-user tenant through the handler, without a network.
func BenchmarkNorthwindGraphPage(b *testing.B) {
	e := newEnv(b, sandbox.Options{NorthwindUsers: 100000})
	e.accept("admin@northwind.onmicrosoft.com", "Northwind-Admin-1")
	tok := e.graphAppToken("northwind.onmicrosoft.com")
	sb := e.sb
	req := httptest.NewRequest("GET", "/graph/v1.0/users?$top=100", nil)
	req.Header.Set("Authorization", "Bearer "+tok)
	b.ReportAllocs()
	for b.Loop() {
		w := httptest.NewRecorder()
		sb.ServeHTTP(w, req)
		if w.Code != http.StatusOK {
			b.Fatalf("status %d", w.Code)
		}
	}
}
