package sandbox

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"onboard/payment"
)

func TestCheckoutPageSecurityHeadersAndURL(t *testing.T) {
	s := NewServer(Options{})
	srv := httptest.NewServer(s)
	defer srv.Close()
	c := NewClient(srv.URL, DefaultAPIKey, srv.Client())
	sess, err := c.StartCheckout(context.Background(), payment.Checkout{IdempotencyKey: "k-1", OrderRef: "ORD-000001",
		Description: "test", Amount: 1000, Currency: "EUR", CustomerEmail: "ada@example.com"})
	if err != nil {
		t.Fatal(err)
	}
	u, err := url.Parse(sess.URL)
	if err != nil {
		t.Fatal(err)
	}
	// The URL is shown as a QR code and typed on phones: it names the
	// checkout, never the API key, the e-mail or a token.
	for _, s := range []string{DefaultAPIKey, "ada@example.com", "ada%40example.com"} {
		if strings.Contains(sess.URL, s) {
			t.Errorf("checkout URL %s holds %q", sess.URL, s)
		}
	}
	if u.User != nil {
		t.Errorf("checkout URL %s carries user info", sess.URL)
	}
	for key := range u.Query() {
		if containsAny(strings.ToLower(key), "token", "key", "secret", "email", "password") {
			t.Errorf("checkout URL %s has a %q parameter", sess.URL, key)
		}
	}
	for _, c := range []struct{ what, method, url string }{
		{"checkout page", http.MethodGet, sess.URL},
		{"unknown checkout", http.MethodGet, srv.URL + "/checkout/nope"},
		{"post without CSRF", http.MethodPost, sess.URL},
	} {
		req, _ := http.NewRequest(c.method, c.url, strings.NewReader("card=4242424242424242"))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		resp, err := srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		h := resp.Header
		for name, parts := range map[string][]string{
			"Content-Security-Policy": {"default-src 'none'", "style-src 'unsafe-inline'", "form-action 'self'", "frame-ancestors 'none'"},
			"X-Content-Type-Options":  {"nosniff"},
			"Referrer-Policy":         {"no-referrer"},
			"Cache-Control":           {"no-store"},
		} {
			for _, p := range parts {
				if !strings.Contains(h.Get(name), p) {
					t.Errorf("%s: %s = %q, want %q", c.what, name, h.Get(name), p)
				}
			}
		}
	}
}

func containsAny(s string, subs ...string) bool {
	for _, x := range subs {
		if strings.Contains(s, x) {
			return true
		}
	}
	return false
}
