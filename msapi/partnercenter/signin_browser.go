package partnercenter

import (
	"context"
	"crypto/subtle"
	"html/template"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"
	"golang.org/x/oauth2"

	"onboard/msapi"
)

// The administrator signs in in a browser on this machine through the
// authorization code flow with PKCE (Microsoft identity platform,
// v2-oauth2-auth-code-flow; RFC 7636): onboard listens on a loopback
// address (127.0.0.1, a random port: reply-url "Localhost exceptions"
// lets a public client's loopback redirect use any port), opens
// /authorize with a code_challenge, a state and the login as login_hint,
// and redeems the code the page redirects back with its code_verifier.
// golang.org/x/oauth2 builds the request and redeems the code
// (GenerateVerifier, S256ChallengeOption, VerifierOption).

// browserSignInLifetime bounds how long the loopback listener waits for
// the page. Assumption: Entra documents no limit for an unfinished page;
// 10 minutes is an authorization code's own lifetime.
const browserSignInLifetime = 10 * time.Minute

// browserSignIn is a browser sign-in in progress: its listener and, once
// the page redirected back, the token or why not.
type browserSignIn struct {
	conf     *oauth2.Config
	state    string
	verifier string
	expires  time.Time
	srv      *http.Server

	once sync.Once
	done chan struct{}
	tok  *oauth2.Token
	err  error
}

func (b *browserSignIn) finish(tok *oauth2.Token, err error) {
	b.once.Do(func() {
		b.tok, b.err = tok, err
		close(b.done)
		// The listener has served its one redirect; it closes after
		// answering it (Shutdown waits for the answer).
		go func() {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			_ = b.srv.Shutdown(ctx)
		}()
	})
}

func (b *browserSignIn) expired(now time.Time) bool { return now.After(b.expires) }

// end stops the loopback listener of a forgotten sign-in.
func (b *browserSignIn) end(why error) { b.finish(nil, why) }

// StartAdminBrowserSignIn starts the loopback listener and returns the
// authorize link to open in a browser on this machine. It fails when no
// loopback port can be opened; the caller then uses the device code.
func (c *Client) StartAdminBrowserSignIn(ctx context.Context, login string) (msapi.BrowserSignIn, error) {
	login = strings.TrimSpace(login)
	op := "start browser sign-in of " + sanitize(login)
	if !looksLikeLogin(login) {
		return msapi.BrowserSignIn{}, &msapi.APIError{Op: op, Err: msapi.ErrBadCredentials, Message: "the login must look like name@domain"}
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return msapi.BrowserSignIn{}, &msapi.APIError{Op: op, Err: msapi.ErrUnavailable, Message: "no loopback port for the redirect: " + err.Error()}
	}
	_, domain, _ := strings.Cut(login, "@")
	base := c.loginURL + "/" + strings.ToLower(domain) + "/oauth2/v2.0/"
	b := &browserSignIn{
		conf: &oauth2.Config{
			ClientID:    c.cfg.PublicClientID,
			Endpoint:    oauth2.Endpoint{AuthURL: base + "authorize", TokenURL: base + "token", AuthStyle: oauth2.AuthStyleInParams},
			RedirectURL: "http://" + ln.Addr().String() + "/",
			Scopes:      signInScopes,
		},
		state:    uuid.NewString(),
		verifier: oauth2.GenerateVerifier(),
		expires:  c.now().Add(browserSignInLifetime),
		done:     make(chan struct{}),
	}
	b.srv = &http.Server{Handler: c.redirectHandler(b), ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = b.srv.Serve(ln) }()
	time.AfterFunc(browserSignInLifetime, func() {
		b.finish(nil, &msapi.APIError{Op: op, Err: msapi.ErrSignInExpired, Message: "the browser sign-in was not finished in time"})
	})
	link := b.conf.AuthCodeURL(b.state, oauth2.S256ChallengeOption(b.verifier),
		oauth2.SetAuthURLParam("login_hint", login), oauth2.SetAuthURLParam("response_mode", "query"))
	id := c.browserSignIns.put(b, c.now())
	return msapi.BrowserSignIn{ID: id, URL: link, ExpiresAt: b.expires}, nil
}

var redirectPage = template.Must(template.New("redirect").Parse(`<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>onboard sign-in</title></head><body style="font-family:system-ui,sans-serif;max-width:34rem;margin:3rem auto">
<h1 id="outcome">{{.Title}}</h1><p>{{.Text}}</p></body></html>`))

// redirectHandler answers the page's redirect: the state must be this
// sign-in's (a page that is not this sign-in's cannot end it), then the
// code is redeemed with the verifier, or the page's error is kept.
func (c *Client) redirectHandler(b *browserSignIn) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'")
		q := r.URL.Query()
		page := func(status int, title, text string) {
			w.WriteHeader(status)
			_ = redirectPage.Execute(w, struct{ Title, Text string }{title, text})
		}
		if r.URL.Path != "/" || subtle.ConstantTimeCompare([]byte(q.Get("state")), []byte(b.state)) != 1 {
			page(http.StatusBadRequest, "This sign-in link is not valid", "Return to the sign-up and start the sign-in again.")
			return
		}
		const op = "browser sign-in"
		if e := q.Get("error"); e != "" {
			err := error(&msapi.APIError{Op: op, Code: e, Err: msapi.ErrSignInDeclined, Message: sanitize(q.Get("error_description"))})
			if e != "access_denied" {
				err = c.tokenFailure(op, &oauth2.RetrieveError{ErrorCode: e, ErrorDescription: q.Get("error_description")}, false)
			}
			b.finish(nil, err)
			page(http.StatusOK, "Sign-in not finished", "Return to the sign-up: it says what to do next.")
			return
		}
		// An external call: bounded, and no retry (the code is spent by any
		// answer; the person signs in again).
		ctx, cancel := context.WithTimeout(c.oauthContext(r.Context()), 30*time.Second)
		defer cancel()
		tok, err := b.conf.Exchange(ctx, q.Get("code"), oauth2.VerifierOption(b.verifier))
		if err != nil {
			b.finish(nil, c.tokenFailure(op, err, false))
			page(http.StatusOK, "Sign-in not finished", "Return to the sign-up: it says what to do next.")
			return
		}
		b.finish(tok, nil)
		page(http.StatusOK, "You're signed in", "You can close this tab and return to the sign-up.")
	})
}

// CheckAdminBrowserSignIn waits up to wait for the browser sign-in id.
// done is false while the page has not redirected back yet; when done,
// the signed-in user is checked as after the device code.
func (c *Client) CheckAdminBrowserSignIn(ctx context.Context, id string, wait time.Duration) (msapi.Admin, bool, error) {
	const op = "check browser sign-in"
	b, ok := c.browserSignIns.get(id)
	if !ok {
		return msapi.Admin{}, true, &msapi.APIError{Op: op, Err: msapi.ErrNotFound, Message: "no sign-in in progress with that id"}
	}
	t := time.NewTimer(wait)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return msapi.Admin{}, false, ctx.Err()
	case <-t.C:
		return msapi.Admin{}, false, nil
	case <-b.done:
	}
	c.browserSignIns.drop(id)
	if b.err != nil {
		return msapi.Admin{}, true, b.err
	}
	admin, err := c.signedInAdmin(ctx, op, b.tok)
	return admin, true, err
}
