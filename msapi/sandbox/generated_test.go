package sandbox_test

import (
	"errors"
	"net/http"
	"strings"
	"testing"

	"onboard/msapi/partnercenter/wire"
	"onboard/msapi/sandbox"
)

func TestExtraTenants(t *testing.T) {
	e := newEnv(t, sandbox.Options{ExtraTenants: 3})
	dom, login, password := sandbox.GeneratedTenant(3)
	if dom != "tenant3.onmicrosoft.com" || login != "admin@tenant3.onmicrosoft.com" {
		t.Fatalf("tenant 3: %s %s", dom, login)
	}
	// The administrator signs in with the password grant and is a Global administrator.
	tok := e.mustToken(dom, passwordForm(e, login, password))
	var member wire.GraphCollection[wire.DirectoryObject]
	if st, b, _ := e.call(http.MethodGet, e.urls.Graph+"/me/memberOf", tok, nil, nil, &member); st != http.StatusOK {
		t.Fatalf("memberOf: %d %s", st, b)
	}
	ga := false
	for _, m := range member.Value {
		ga = ga || m.RoleTemplateID == "62e90394-69f5-4237-9190-012177145e10"
	}
	if !ga {
		t.Fatalf("admin of a generated tenant is not a Global administrator: %+v", member.Value)
	}
	if err := e.sb.AcceptInvitation(login, "wrong"); !errors.Is(err, sandbox.ErrInvalidCredentials) {
		t.Fatalf("wrong password accepted: %v", err)
	}
	e.accept(login, password)
	found := e.searchCustomers(e.appOnlyToken(), "tenant3")
	if len(found) != 1 || !strings.EqualFold(found[0].CompanyProfile.Domain, dom) {
		t.Fatalf("search after acceptance: %+v", found)
	}
	var users wire.GraphCollection[wire.GraphUser]
	if st, b, _ := e.call(http.MethodGet, e.urls.Graph+"/users", e.graphAppToken(found[0].ID), nil, nil, &users); st != http.StatusOK {
		t.Fatalf("users: %d %s", st, b)
	}
	if len(users.Value) != 8 {
		t.Fatalf("users of a generated tenant: %d", len(users.Value))
	}
	upns := map[string]bool{}
	for _, u := range users.Value {
		upns[u.UserPrincipalName] = true
	}
	if len(upns) != len(users.Value) {
		t.Fatalf("duplicate UPNs: %v", upns)
	}
}

func TestExtraTenantsSurviveResetAndStayBounded(t *testing.T) {
	e := newEnv(t, sandbox.Options{ExtraTenants: 2})
	if err := e.sb.Reset(); err != nil {
		t.Fatal(err)
	}
	_, login, password := sandbox.GeneratedTenant(2)
	if err := e.sb.AcceptInvitation(login, password); err != nil {
		t.Fatalf("generated tenant gone after reset: %v", err)
	}
	_, login, password = sandbox.GeneratedTenant(3)
	if err := e.sb.AcceptInvitation(login, password); !errors.Is(err, sandbox.ErrInvalidCredentials) {
		t.Fatalf("tenant 3 of 2 accepted: %v", err)
	}
	_, login, password = sandbox.GeneratedTenant(1)
	plain := newEnv(t, sandbox.Options{})
	if err := plain.sb.AcceptInvitation(login, password); !errors.Is(err, sandbox.ErrInvalidCredentials) {
		t.Fatalf("generated tenant exists without ExtraTenants: %v", err)
	}
}
