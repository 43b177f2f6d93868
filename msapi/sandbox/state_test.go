package sandbox_test

import (
	"bytes"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"onboard/msapi"
	"onboard/msapi/partnercenter/wire"
	"onboard/msapi/sandbox"
)

func TestStateSavedAndRestored(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sandbox", "state.json")
	e := newEnv(t, sandbox.Options{StatePath: path, NorthwindUsers: 100000})
	e.accept("admin@fabrikam.onmicrosoft.com", "Fabrikam-Admin-1")
	e.accept("admin@northwind.onmicrosoft.com", "Northwind-Admin-1")
	nw := e.graphAppToken("northwind.onmicrosoft.com")
	var users wire.GraphCollection[wire.GraphUser]
	e.call("GET", e.urls.Graph+"/users?$top=6", nw, nil, nil, &users)
	unlicensed := users.Value[5] // one in five has no license
	add := wire.AssignLicenseRequest{AddLicenses: []wire.AssignedLicense{{SkuID: skuE3}}}
	if status, b, _ := e.call("POST", e.urls.Graph+"/users/"+unlicensed.ID+"/assignLicense", nw, add, nil, nil); status != http.StatusOK {
		t.Fatalf("assign: %d %s", status, b)
	}
	id := tenantID(t, e, "fabrikam")
	e.agree(id)
	o := e.buy(t, id, offerBasic, 3, "req-1")

	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Fatalf("state file mode %v, want 0600", fi.Mode().Perm())
	}
	raw, _ := os.ReadFile(path)
	if len(raw) > 32<<10 {
		t.Fatalf("state file is %d bytes: the generated tenant's users must not be written", len(raw))
	}
	if bytes.Contains(raw, []byte("Fabrikam-Admin-1")) {
		t.Fatal("a password was written to the state file")
	}

	restarted := newEnv(t, sandbox.Options{StatePath: path})
	if got := restarted.searchCustomers(restarted.appOnlyToken(), "fabrikam"); len(got) != 1 || got[0].ID != id {
		t.Fatalf("after restart fabrikam = %+v", got)
	}
	if again := restarted.buy(t, id, offerBasic, 3, "req-1"); again.ID != o.ID {
		t.Fatalf("idempotency lost across restart: %s then %s", o.ID, again.ID)
	}
	var subs wire.Collection[wire.Subscription]
	restarted.call("GET", restarted.urls.PartnerCenter+"/v1/customers/"+id+"/subscriptions", restarted.appOnlyToken(), nil, nil, &subs)
	if len(subs.Items) != 2 {
		t.Fatalf("after restart: %d subscriptions, want trial + ordered", len(subs.Items))
	}
	var u wire.GraphUser
	restarted.call("GET", restarted.urls.Graph+"/users/"+unlicensed.ID, restarted.graphAppToken("northwind.onmicrosoft.com"), nil, nil, &u)
	if len(u.AssignedLicenses) != 1 || u.AssignedLicenses[0].SkuID != skuE3 {
		t.Fatalf("assignment lost across restart: %+v", u.AssignedLicenses)
	}
}

func TestCorruptStateFileIsAnError(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	os.WriteFile(path, []byte("{not json"), 0o600)
	if _, err := sandbox.New(sandbox.Options{StatePath: path}); err == nil {
		t.Fatal("New accepted a corrupt state file")
	}
}

func TestResetRestoresSeededState(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	e := newEnv(t, sandbox.Options{StatePath: path})
	fresh := newEnv(t, sandbox.Options{})
	fresh.accept("admin@fabrikam.onmicrosoft.com", "Fabrikam-Admin-1")
	var seeded wire.Collection[wire.Subscription]
	fid := tenantID(t, fresh, "fabrikam")
	fresh.call("GET", fresh.urls.PartnerCenter+"/v1/customers/"+fid+"/subscriptions", fresh.appOnlyToken(), nil, nil, &seeded)

	e.accept("admin@fabrikam.onmicrosoft.com", "Fabrikam-Admin-1")
	e.agree(fid)
	e.buy(t, fid, offerBasic, 3, "")
	if err := e.sb.Reset(); err != nil {
		t.Fatal(err)
	}
	if got := e.searchCustomers(e.appOnlyToken(), "fabrikam"); len(got) != 0 {
		t.Fatalf("after reset fabrikam is still linked")
	}
	if err := e.sb.AcceptInvitation("admin@fabrikam.onmicrosoft.com", "Fabrikam-Admin-1"); err != nil {
		t.Fatalf("accept after reset: %v", err)
	}
	var subs wire.Collection[wire.Subscription]
	e.call("GET", e.urls.PartnerCenter+"/v1/customers/"+fid+"/subscriptions", e.appOnlyToken(), nil, nil, &subs)
	if len(subs.Items) != 1 || subs.Items[0].ID != seeded.Items[0].ID {
		t.Fatalf("after reset subscriptions = %+v, want the seeded trial %s", subs.Items, seeded.Items[0].ID)
	}
	e.sb.Reset()
	restarted := newEnv(t, sandbox.Options{StatePath: path})
	if got := restarted.searchCustomers(restarted.appOnlyToken(), "fabrikam"); len(got) != 0 {
		t.Fatal("reset was not saved")
	}
}

func TestDirectoryRoles(t *testing.T) {
	e := newEnv(t, sandbox.Options{})
	e.accept("admin@contoso.onmicrosoft.com", "Contoso-Admin-1")
	id := tenantID(t, e, "contoso")
	tok := e.appUserToken() // App+User only (dap-api-impact)
	var roles wire.Collection[wire.DirectoryRole]
	e.call("GET", e.urls.PartnerCenter+"/v1/customers/"+id+"/directoryroles", tok, nil, nil, &roles)
	if len(roles.Items) != 1 || roles.Items[0].ID != msapi.GlobalAdminRoleTemplateID || roles.Items[0].Name != "Company Administrator" {
		t.Fatalf("roles = %+v", roles.Items)
	}
	var members wire.Collection[wire.UserMember]
	e.call("GET", e.urls.PartnerCenter+"/v1/customers/"+id+"/directoryroles/"+msapi.GlobalAdminRoleTemplateID+"/usermembers", tok, nil, nil, &members)
	var upns []string
	for _, m := range members.Items {
		upns = append(upns, m.UserPrincipalName)
	}
	slices.Sort(upns)
	if !slices.Equal(upns, []string{"admin@contoso.onmicrosoft.com", "mfa.admin@contoso.com"}) {
		t.Fatalf("global admins = %v", upns)
	}
	status, _, _ := e.call("GET", e.urls.PartnerCenter+"/v1/customers/"+tenantIDOf(t, "fabrikam")+"/users", tok, nil, nil, nil)
	if status != http.StatusForbidden {
		t.Fatalf("users of a tenant without relationship = %d, want 403", status)
	}
}

// tenantIDOf learns a tenant's id from a separate sandbox (ids are derived
// from names, so every sandbox has the same ones).
func tenantIDOf(t *testing.T, prefix string) string {
	t.Helper()
	e := newEnv(t, sandbox.Options{})
	for _, a := range sandbox.DemoAccounts() {
		if a.Role == "Global administrator" && a.Tenant == prefix+".onmicrosoft.com" {
			e.accept(a.Login, a.Password)
		}
	}
	return tenantID(t, e, prefix)
}

func TestPartnerCenterHeaders(t *testing.T) {
	e := newEnv(t, sandbox.Options{})
	_, _, h := e.call("GET", e.urls.PartnerCenter+"/v1/customers/relationshiprequests", e.appUserToken(), nil,
		map[string]string{wire.HeaderCV: "abc.1", wire.HeaderRequestID: "r-1"}, nil)
	if h.Get(wire.HeaderCV) != "abc.1" || h.Get(wire.HeaderServerID) == "" || h.Get(wire.HeaderRequestID) != "r-1" {
		t.Fatalf("headers = %v", h)
	}
}

func TestTokenExpires(t *testing.T) {
	now := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	clock := &now
	e := newEnv(t, sandbox.Options{Now: func() time.Time { return *clock }})
	tok := e.appUserToken()
	*clock = clock.Add(3601 * time.Second)
	status, _, _ := e.call("GET", e.urls.PartnerCenter+"/v1/customers/relationshiprequests", tok, nil, nil, nil)
	if status != http.StatusUnauthorized {
		t.Fatalf("expired token = %d, want 401", status)
	}
}

// TestLegacyStateFileLoads: a state file written while the sandbox still
// served the legacy orders and conversions loads; its legacy entries are
// ignored and its orders and subscriptions kept.
func TestLegacyStateFileLoads(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	legacy := `{"version":1,
		"orders":{"order-1":{"id":"order-1","referenceCustomerId":"t1","status":"completed","lineItems":[]}},
		"orderRequests":{"t1|req-1":"order-1"},
		"conversions":{"t1|sub-1|conv-1":{"result":{"offerId":"a","targetOfferId":"b","subscriptionId":"sub-1"}}}}`
	if err := os.WriteFile(path, []byte(legacy), 0o600); err != nil {
		t.Fatal(err)
	}
	sb, err := sandbox.New(sandbox.Options{StatePath: path})
	if err != nil {
		t.Fatalf("legacy state file: %v", err)
	}
	if got := sb.RecordedOrders("t1"); len(got) != 1 || got[0] != "order-1" {
		t.Errorf("orders after loading: %v", got)
	}
	if got := sb.RecordedConversions("t1"); got["sub-1"] != 1 {
		t.Errorf("conversions after loading: %v", got)
	}
}
