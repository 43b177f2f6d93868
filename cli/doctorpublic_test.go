package cli

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestPublicURLCheck: doctor asks public_url for serve's health check;
// not reaching it is a warning that says why the phones need it.
func TestPublicURLCheck(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/healthz" {
			http.NotFound(w, r)
			return
		}
		_, _ = io.WriteString(w, "ok\n")
	}))
	defer srv.Close()
	if c := publicURLCheck(context.Background(), srv.URL+"/"); !c.OK || c.Warning {
		t.Fatalf("serving: %+v", c)
	}
	if c := publicURLCheck(context.Background(), srv.URL+"/shop"); !c.OK || !c.Warning || !strings.Contains(c.Detail, "404") || !strings.Contains(c.Detail, "phones") {
		t.Fatalf("not serve: %+v", c)
	}
}
