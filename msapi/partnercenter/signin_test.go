package partnercenter_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"onboard/msapi"
)

func testdata(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile("testdata/devicecode/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// The client decodes the page's device authorization response, sends the
// documented request (client_id, scope, login_hint at the login's tenant)
// and reads the page's polling errors.
func TestDeviceSignInDocumentedBodies(t *testing.T) {
	example := testdata(t, "devicecode-response.json")
	var polls atomic.Int32
	var form atomicForm
	f := newFakeMS(t, func(w http.ResponseWriter, r *http.Request) { t.Errorf("Graph called: %s", r.URL) })
	f.token = func(w http.ResponseWriter, r *http.Request) {
		_ = r.ParseForm()
		w.Header().Set("Content-Type", "application/json")
		switch {
		case strings.HasSuffix(r.URL.Path, "/contoso.com/oauth2/v2.0/devicecode"):
			form.set(r.PostForm.Encode())
			// The page's example, with a 1 s interval so the poll comes quickly.
			var m map[string]any
			_ = json.Unmarshal(example, &m)
			if r.PostForm.Get("login_hint") == "fast@contoso.com" {
				m["interval"] = 1
			}
			_ = json.NewEncoder(w).Encode(m)
		case strings.HasSuffix(r.URL.Path, "/contoso.com/oauth2/v2.0/token"):
			w.WriteHeader(http.StatusBadRequest)
			if polls.Add(1) == 1 {
				_, _ = w.Write(testdata(t, "authorization-pending.json"))
				return
			}
			_, _ = w.Write(testdata(t, "authorization-declined.json"))
		default:
			t.Errorf("unexpected %s", r.URL.Path)
		}
	}
	c := f.client()
	ctx := context.Background()
	in, err := c.StartAdminSignIn(ctx, "admin@contoso.com")
	if err != nil {
		t.Fatal(err)
	}
	if in.UserCode != "FBQKRNJ9T" || in.VerificationURI != "https://microsoft.com/devicelogin" || in.Interval != 5*time.Second ||
		time.Until(in.ExpiresAt) < 890*time.Second || in.ID == "" || strings.Contains(in.ID, "GMMhmH") {
		t.Fatalf("sign-in = %+v", in)
	}
	got := form.get()
	for _, want := range []string{"client_id=public-client", "login_hint=admin%40contoso.com", "openid", "graph.microsoft.com"} {
		if !strings.Contains(got, want) {
			t.Errorf("devicecode request %q lacks %q", got, want)
		}
	}
	// Shorter than the interval: nothing is polled yet.
	if _, done, err := c.CheckAdminSignIn(ctx, in.ID, 10*time.Millisecond); done || err != nil || polls.Load() != 0 {
		t.Fatalf("before the interval: done=%v err=%v polls=%d", done, err, polls.Load())
	}
	fast, err := c.StartAdminSignIn(ctx, "fast@contoso.com")
	if err != nil {
		t.Fatal(err)
	}
	// authorization_pending, then authorization_declined.
	_, done, err := c.CheckAdminSignIn(ctx, fast.ID, time.Minute)
	if !done || !errors.Is(err, msapi.ErrSignInDeclined) || polls.Load() != 2 {
		t.Fatalf("declined: done=%v err=%v polls=%d", done, err, polls.Load())
	}
	if _, done, err := c.CheckAdminSignIn(ctx, fast.ID, time.Minute); !done || !errors.Is(err, msapi.ErrNotFound) {
		t.Fatalf("after the end: %v %v", done, err)
	}
}

type atomicForm struct{ v atomic.Value }

func (a *atomicForm) set(s string) { a.v.Store(s) }
func (a *atomicForm) get() string {
	s, _ := a.v.Load().(string)
	return s
}
