package sandbox

import (
	_ "embed"
	"errors"
	"html/template"
	"net/http"
	"strings"

	"onboard/msapi"
)

// The customer's GDAP approval page (issue 12 part 3), served like the
// invitation page: CSRF-safe (the invitation page's cookie and checks) and
// only a Global administrator of the relationship's tenant can approve.
// Microsoft's page signs the administrator in on its own sign-in page; the
// sandbox asks for login and password on the page itself.

//go:embed gdap_approval.html
var gdapApprovalHTML string

var gdapApprovalPage = template.Must(template.New("gdap").Parse(gdapApprovalHTML))

type gdapApprovalView struct {
	Partner, Company, Name, Duration, Status, End string
	Roles                                         []string
	Action, CSRF, Login, Outcome, Proof           string
}

var roleNames = map[string]string{
	msapi.RoleDirectoryReaders:            "Directory Readers",
	msapi.RoleDirectoryWriters:            "Directory Writers",
	msapi.RoleGlobalReader:                "Global Reader",
	msapi.RoleLicenseAdministrator:        "License Administrator",
	msapi.RoleUserAdministrator:           "User Administrator",
	msapi.RolePrivilegedRoleAdministrator: "Privileged Role Administrator",
}

// gdapView describes relationship id, or reports it unknown.
func (s *Sandbox) gdapView(id string) (gdapApprovalView, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	g, ok := s.st.GDAP[id]
	if !ok {
		return gdapApprovalView{Outcome: "invalid"}, false
	}
	v := gdapApprovalView{Name: g.DisplayName, Duration: strings.TrimSuffix(strings.TrimPrefix(g.Duration, "P"), "D") + " days",
		Status: g.statusAt(s.now()), Action: gdapApprovalPrefix + id}
	if t, ok := s.catalog.get(g.CustomerID); ok {
		v.Company = t.Name
	}
	for _, r := range g.Roles {
		v.Roles = append(v.Roles, roleNames[r])
	}
	if !g.End.IsZero() {
		v.End = g.End.Format("2 January 2006")
	}
	return v, true
}

func (s *Sandbox) renderGDAPApproval(w http.ResponseWriter, status int, v gdapApprovalView) {
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
	h.Set("X-Frame-Options", "DENY")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	v.Partner = PartnerName
	w.WriteHeader(status)
	_ = gdapApprovalPage.Execute(w, v)
}

func (s *Sandbox) getGDAPApproval(w http.ResponseWriter, r *http.Request) {
	v, ok := s.gdapView(r.PathValue("id"))
	switch {
	case !ok:
		s.renderGDAPApproval(w, http.StatusNotFound, v)
	case v.Status != msapi.GDAPApprovalPending:
		v.Outcome = "notpending"
		s.renderGDAPApproval(w, http.StatusConflict, v)
	default:
		v.CSRF = s.csrfToken(w, r)
		s.renderGDAPApproval(w, http.StatusOK, v)
	}
}

func (s *Sandbox) postGDAPApproval(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	v, ok := s.gdapView(id)
	if !ok {
		s.renderGDAPApproval(w, http.StatusNotFound, v)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil || !s.csrfValid(r) {
		v.Outcome = "forbidden"
		s.renderGDAPApproval(w, http.StatusForbidden, v)
		return
	}
	login := strings.TrimSpace(r.PostForm.Get("login"))
	var err error
	var u user
	if r.PostForm.Get("step") == "mfa" {
		if t, ok := s.gdapTenant(id); !ok {
			err = ErrGDAPNotPending
		} else if u, err = s.secondFactor(t, v.Action, login, r.PostForm.Get("proof"), r.PostForm.Get("otp")); err == nil {
			err = s.approveGDAPBy(id, u)
		}
	} else if u, err = s.gdapAdmin(id, login, r.PostForm.Get("password")); err == nil {
		if u.MFACode != "" {
			err = errNeedsMFA
		} else {
			err = s.approveGDAPBy(id, u)
		}
	}
	v, _ = s.gdapView(id)
	v.Login, v.CSRF = login, s.csrfToken(w, r)
	status := http.StatusOK
	switch {
	case err == nil:
		v.Outcome = "approved"
	case isMFAStep(err):
		v.Outcome, v.Proof = "mfa", s.mfaProofFor(v.Action, u)
	case errors.Is(err, ErrMFACode):
		v.Outcome, v.Proof, status = "mfawrong", r.PostForm.Get("proof"), http.StatusUnauthorized
	case errors.Is(err, ErrGDAPNotPending):
		v.Outcome, status = "notpending", http.StatusConflict
	case errors.Is(err, ErrNotGlobalAdmin):
		v.Outcome, status = "notadmin", http.StatusForbidden
	case errors.Is(err, ErrInvalidCredentials):
		v.Outcome, status = "credentials", http.StatusUnauthorized
	default:
		v.Outcome, status = "failed", http.StatusInternalServerError
	}
	s.renderGDAPApproval(w, status, v)
}
