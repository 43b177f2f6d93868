package partnercenter_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"

	"onboard/msapi"
	"onboard/msapi/partnercenter"
	"onboard/msapi/partnercenter/wire"
)

const secretPassword = "Pa$$-w0rd-SECRET-123"

// TestPasswordNeverInErrors forces every failure of the sign-in and asserts
// the password appears in no error text.
func TestPasswordNeverInErrors(t *testing.T) {
	tokenErr := func(status int, code, desc string) http.HandlerFunc {
		return func(w http.ResponseWriter, _ *http.Request) {
			writeJSON(w, status, wire.TokenError{Error: code, ErrorDescription: desc})
		}
	}
	okToken := func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, 200, wire.TokenResponse{TokenType: "Bearer", AccessToken: "user-token", ExpiresIn: 3600})
	}
	tests := []struct {
		name  string
		token http.HandlerFunc
		api   http.HandlerFunc
		want  error
	}{
		{"bad password", tokenErr(400, "invalid_grant", "AADSTS50126: Error validating credentials."), nil, msapi.ErrBadCredentials},
		{"no such user", tokenErr(400, "invalid_grant", "AADSTS50034: The user account does not exist."), nil, msapi.ErrBadCredentials},
		{"mfa", tokenErr(400, "invalid_grant", "AADSTS50076: Due to a configuration change you must use MFA."), nil, msapi.ErrMFARequired},
		{"mfa enrolment", tokenErr(400, "interaction_required", "AADSTS50079: The user is required to use MFA."), nil, msapi.ErrMFARequired},
		{"locked account", tokenErr(400, "invalid_grant", "AADSTS50053: The account is locked."), nil, msapi.ErrBadCredentials},
		{"echoed password", tokenErr(400, "invalid_grant", "AADSTS50126: password "+secretPassword+" is wrong"), nil, msapi.ErrBadCredentials},
		{"echoed password in code", tokenErr(401, secretPassword, ""), nil, msapi.ErrInvalidRequest},
		{"token endpoint down", tokenErr(503, "temporarily_unavailable", "down "+secretPassword), nil, msapi.ErrUnavailable},
		{"token endpoint throttles", tokenErr(429, "throttled", ""), nil, msapi.ErrThrottled},
		{"malformed token", func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(`{"access_token": ` + secretPassword))
		}, nil, msapi.ErrUnavailable},
		{"no access token", func(w http.ResponseWriter, _ *http.Request) { writeJSON(w, 200, map[string]string{}) }, nil, msapi.ErrUnavailable},
		{"graph refuses", okToken, func(w http.ResponseWriter, _ *http.Request) {
			writeJSON(w, 403, wire.GraphError{Error: wire.GraphErrorBody{Code: "Forbidden", Message: "no " + secretPassword}})
		}, msapi.ErrInvalidRequest},
		{"not admin", okToken, func(w http.ResponseWriter, r *http.Request) {
			switch r.URL.Path {
			case "/graph/v1.0/me":
				writeJSON(w, 200, wire.GraphUser{ID: "u1", UserPrincipalName: "admin@contoso.example"})
			default:
				writeJSON(w, 200, wire.GraphCollection[wire.DirectoryObject]{Value: []wire.DirectoryObject{
					{ODataType: "#microsoft.graph.group", ID: "g1"},
					{ODataType: "#microsoft.graph.directoryRole", ID: "r1", RoleTemplateID: "fe930be7-5e62-47db-91af-98c3a49a38b1"},
				}})
			}
		}, msapi.ErrNotGlobalAdmin},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			api := tt.api
			if api == nil {
				api = func(w http.ResponseWriter, _ *http.Request) { t.Error("Graph called after a failed sign-in") }
			}
			f := newFakeMS(t, api)
			f.token = tt.token
			_, err := f.client().VerifyGlobalAdmin(context.Background(), "admin@contoso.example", secretPassword)
			if !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
			if strings.Contains(err.Error(), secretPassword) {
				t.Errorf("password in error: %v", err)
			}
		})
	}
}

func TestPasswordNeverInTransportErrors(t *testing.T) {
	f := newFakeMS(t, nil)
	cfg := f.config()
	f.srv.Close() // connection refused on every attempt
	c, err := partnercenter.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.VerifyGlobalAdmin(context.Background(), "admin@contoso.example", secretPassword)
	if !errors.Is(err, msapi.ErrUnavailable) || strings.Contains(err.Error(), secretPassword) {
		t.Fatalf("err = %v", err)
	}
}

func TestGlobalAdminFoundOnLaterMemberOfPage(t *testing.T) {
	var base string
	f := newFakeMS(t, func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.URL.Path == "/graph/v1.0/me":
			writeJSON(w, 200, wire.GraphUser{ID: "u1", UserPrincipalName: "admin@contoso.example", DisplayName: "Admin"})
		case r.URL.Path == "/graph/v1.0/organization":
			writeJSON(w, 200, wire.GraphCollection[wire.Organization]{Value: []wire.Organization{{ID: "tenant-1"}}})
		case r.URL.Query().Get("$skiptoken") == "":
			writeJSON(w, 200, wire.GraphCollection[wire.DirectoryObject]{NextLink: base + "/graph/v1.0/me/memberOf?$skiptoken=2",
				Value: []wire.DirectoryObject{{ODataType: "#microsoft.graph.group", ID: "g1"}}})
		default:
			writeJSON(w, 200, wire.GraphCollection[wire.DirectoryObject]{Value: []wire.DirectoryObject{
				{ODataType: "#microsoft.graph.directoryRole", ID: "r9", RoleTemplateID: msapi.GlobalAdminRoleTemplateID}}})
		}
	})
	base = f.srv.URL
	admin, err := f.client().VerifyGlobalAdmin(context.Background(), "admin@contoso.example", secretPassword)
	if err != nil {
		t.Fatal(err)
	}
	if admin != (msapi.Admin{UserID: "u1", UPN: "admin@contoso.example", DisplayName: "Admin", TenantID: "tenant-1"}) {
		t.Errorf("admin = %+v", admin)
	}
	if got := f.requests()[0].Header.Get("Authorization"); got != "Bearer user-token" && !strings.HasPrefix(got, "Bearer tok-") {
		t.Errorf("Graph called with %q", got)
	}
}
