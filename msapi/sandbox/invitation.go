package sandbox

import (
	"crypto/hmac"
	"crypto/rand"
	_ "embed"
	"encoding/base64"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Outcomes of accepting the invitation.
var (
	ErrInvalidCredentials = errors.New("wrong login or password")
	ErrNotGlobalAdmin     = errors.New("user is not a Global administrator")
	ErrAlreadyAccepted    = errors.New("invitation already accepted")
)

const csrfCookie = "sandbox_invite"

//go:embed invitation.html
var invitationHTML string

var invitationPage = template.Must(template.New("invitation").Parse(invitationHTML))

// invitationView is what the template draws.
type invitationView struct {
	Partner  string
	Action   string // the form's own URL (no secrets: only the partner id)
	CSRF     string
	Login    string // kept after a failed attempt; the password never is
	Outcome  string // "", "mfa", "accepted", "already", "credentials", "notadmin", "invalid", "forbidden"
	Company  string
	Mistaken bool   // show the error banner above the form
	Proof    string // the password step passed (the second factor's step)
}

func (s *Sandbox) invitationRoutes(m *http.ServeMux) {
	m.HandleFunc("GET "+shortInvitationPath, redirectToInvitation)
	m.HandleFunc("GET /invite/partner-invitation", s.getInvitation)
	m.HandleFunc("POST /invite/partner-invitation", s.postInvitation)
}

// AcceptInvitation does what the invitation page does when login signs in
// with password: only a Global administrator of the login's tenant can
// accept, and acceptance creates the reseller relationship. The page asks
// an MFA account for its second factor too (adminmfa.go); this call, for
// tests and scripts, does not.
func (s *Sandbox) AcceptInvitation(login, password string) error {
	t, u, err := s.invitationAdmin(login, password)
	if err != nil {
		return err
	}
	return s.acceptBy(t, u)
}

// invitationAdmin is the Global administrator login names, by its password.
func (s *Sandbox) invitationAdmin(login, password string) (*tenant, user, error) {
	t, ok := s.loginTenant(login)
	if !ok {
		return nil, user{}, ErrInvalidCredentials
	}
	u, err := adminOf(t, login, password)
	return t, u, err
}

func (s *Sandbox) loginTenant(login string) (*tenant, bool) {
	_, dom, _ := strings.Cut(login, "@")
	return s.catalog.tenantByDomain(dom)
}

// acceptBy creates the reseller relationship, accepted by u of t.
func (s *Sandbox) acceptBy(t *tenant, u user) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.st.hasRelationship(t.ID) {
		return fmt.Errorf("%s: %w", t.Name, ErrAlreadyAccepted)
	}
	s.st.Relationships[t.ID] = relationship{AcceptedBy: u.UPN, AcceptedAt: s.now().UTC()}
	if err := s.saveLocked(); err != nil {
		delete(s.st.Relationships, t.ID)
		return fmt.Errorf("accept invitation for %s: %w", t.Name, err)
	}
	return nil
}

func (s *Sandbox) renderInvitation(w http.ResponseWriter, status int, v invitationView) {
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
	h.Set("X-Frame-Options", "DENY")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	v.Partner = PartnerName
	w.WriteHeader(status)
	_ = invitationPage.Execute(w, v)
}

// shortInvitationPath is the short link to this partner's invitation.
var shortInvitationPath = "/i/" + PartnerTenantID[:8]

func redirectToInvitation(w http.ResponseWriter, r *http.Request) {
	http.Redirect(w, r, "/invite/partner-invitation?invType=ResellerRelationship&partnerId="+PartnerTenantID+"&msppId=0&DAP=true", http.StatusSeeOther)
}

// invitationValid checks the link is this partner's reseller invitation.
func invitationValid(q url.Values) bool {
	return strings.EqualFold(q.Get("partnerId"), PartnerTenantID) &&
		strings.EqualFold(q.Get("invType"), "ResellerRelationship")
}

func formAction(q url.Values) string {
	return "/invite/partner-invitation?invType=ResellerRelationship&partnerId=" + url.QueryEscape(q.Get("partnerId")) + "&msppId=0&DAP=true"
}

func (s *Sandbox) getInvitation(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if !invitationValid(q) {
		s.renderInvitation(w, http.StatusNotFound, invitationView{Outcome: "invalid"})
		return
	}
	s.renderInvitation(w, http.StatusOK, invitationView{Action: formAction(q), CSRF: s.csrfToken(w, r)})
}

func (s *Sandbox) postInvitation(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if !invitationValid(q) {
		s.renderInvitation(w, http.StatusNotFound, invitationView{Outcome: "invalid"})
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil || !s.csrfValid(r) {
		s.renderInvitation(w, http.StatusForbidden, invitationView{Outcome: "forbidden", Action: formAction(q)})
		return
	}
	login := strings.TrimSpace(r.PostForm.Get("login"))
	view := invitationView{Action: formAction(q), CSRF: s.csrfToken(w, r), Login: login}
	var t *tenant
	var u user
	var err error
	if r.PostForm.Get("step") == "mfa" {
		var ok bool
		if t, ok = s.loginTenant(login); !ok {
			err = ErrInvalidCredentials
		} else if u, err = s.secondFactor(t, view.Action, login, r.PostForm.Get("proof"), r.PostForm.Get("otp")); err == nil {
			err = s.acceptBy(t, u)
		}
	} else if t, u, err = s.invitationAdmin(login, r.PostForm.Get("password")); err == nil {
		if u.MFACode != "" {
			err = errNeedsMFA
		} else {
			err = s.acceptBy(t, u)
		}
	}
	status := http.StatusOK
	switch {
	case err == nil:
		view.Outcome = "accepted"
	case isMFAStep(err):
		view.Outcome, view.Proof = "mfa", s.mfaProofFor(view.Action, u)
	case errors.Is(err, ErrMFACode):
		view.Outcome, view.Proof, view.Mistaken, status = "mfa", r.PostForm.Get("proof"), true, http.StatusUnauthorized
	case errors.Is(err, ErrAlreadyAccepted):
		view.Outcome, status = "already", http.StatusConflict
	case errors.Is(err, ErrNotGlobalAdmin):
		view.Outcome, view.Mistaken, status = "notadmin", true, http.StatusForbidden
	case errors.Is(err, ErrInvalidCredentials):
		view.Outcome, view.Mistaken, status = "credentials", true, http.StatusUnauthorized
	default:
		view.Outcome, view.Mistaken, status = "failed", true, http.StatusInternalServerError
	}
	if view.Outcome == "accepted" || view.Outcome == "already" {
		_, dom, _ := strings.Cut(login, "@")
		if t, ok := s.catalog.tenantByDomain(dom); ok {
			view.Company = t.Name
		}
	}
	s.renderInvitation(w, status, view)
}

// csrfToken returns the invitation form's token.
func (s *Sandbox) csrfToken(w http.ResponseWriter, r *http.Request) string {
	return s.csrfTokenFor(w, r, csrfCookie, "/invite")
}

// csrfValid checks the invitation form's token.
func (s *Sandbox) csrfValid(r *http.Request) bool { return s.csrfValidFor(r, csrfCookie) }

// csrfTokenFor returns the form token bound to the browser's cookie, setting a
// fresh random cookie (name, scoped to path) when there is none.
func (s *Sandbox) csrfTokenFor(w http.ResponseWriter, r *http.Request, name, path string) string {
	c, err := r.Cookie(name)
	val := ""
	if err == nil && len(c.Value) >= 22 {
		val = c.Value
	} else {
		b := make([]byte, 24)
		_, _ = rand.Read(b) // crypto/rand.Read never fails
		val = base64.RawURLEncoding.EncodeToString(b)
		http.SetCookie(w, &http.Cookie{
			Name: name, Value: val, Path: path, HttpOnly: true,
			SameSite: http.SameSiteStrictMode, Secure: r.TLS != nil, MaxAge: int((2 * time.Hour).Seconds()),
		})
	}
	return base64.RawURLEncoding.EncodeToString(s.sign("csrf|" + val))
}

// csrfValidFor: the form token must match the cookie, and the request must come
// from this origin (Sec-Fetch-Site, else a present Origin or Referer).
func (s *Sandbox) csrfValidFor(r *http.Request, name string) bool {
	c, err := r.Cookie(name)
	if err != nil {
		return false
	}
	got, err := base64.RawURLEncoding.DecodeString(r.PostForm.Get("csrf"))
	if err != nil || !hmac.Equal(got, s.sign("csrf|"+c.Value)) {
		return false
	}
	// Browsers send Sec-Fetch-Site, which no page can forge; with it, Origin
	// is "null" under Referrer-Policy no-referrer and proves nothing.
	if site := r.Header.Get("Sec-Fetch-Site"); site != "" {
		return site == "same-origin"
	}
	for _, h := range []string{"Origin", "Referer"} {
		if v := r.Header.Get(h); v != "" {
			u, err := url.Parse(v)
			if err != nil || u.Host != r.Host {
				return false
			}
		}
	}
	return true
}
