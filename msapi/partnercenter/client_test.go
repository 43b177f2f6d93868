package partnercenter_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"onboard/msapi"
	"onboard/msapi/partnercenter"
	"onboard/msapi/partnercenter/wire"
	"onboard/msapi/sandbox"
)

const (
	contoso       = "contoso.onmicrosoft.com"
	fabrikam      = "fabrikam.onmicrosoft.com"
	northwind     = "northwind.onmicrosoft.com"
	offerE3       = "CFQ7TTC0LF8R:0001:SANDBOXAV004"
	offerBasic    = "CFQ7TTC0LH18:0001:CFQ7TTC0K971"
	offerSPB      = "CFQ7TTC0LCHC:0002:SANDBOXAV003"
	offerSPBTrial = "CFQ7TTC0LCHC:0007:SANDBOXAV013"
	skuE3         = "6fd2c87f-b296-42f0-b197-1e91e994b900"
)

// recorder is a recording proxy in front of the sandbox.
type recorder struct {
	next http.Handler
	mu   sync.Mutex
	seen []seenRequest
}

type seenRequest struct {
	method, path, requestID string
	status                  int
}

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) { w.status = code; w.ResponseWriter.WriteHeader(code) }

func (rec *recorder) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
	rec.next.ServeHTTP(sw, r)
	id := r.Header.Get(wire.HeaderRequestID)
	if id == "" {
		id = r.Header.Get("client-request-id")
	}
	rec.mu.Lock()
	rec.seen = append(rec.seen, seenRequest{r.Method, r.URL.Path, id, sw.status})
	rec.mu.Unlock()
}

func (rec *recorder) requests() []seenRequest {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	return append([]seenRequest(nil), rec.seen...)
}

type env struct {
	sb  *sandbox.Sandbox
	c   *partnercenter.Client
	rec *recorder
}

func newEnv(t testing.TB, opts sandbox.Options, mod ...func(*partnercenter.Config)) *env {
	t.Helper()
	if opts.NorthwindUsers == 0 {
		opts.NorthwindUsers = 10
	}
	sb, err := sandbox.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	rec := &recorder{next: sb}
	srv := httptest.NewServer(rec)
	t.Cleanup(srv.Close)
	u, cr := sb.URLs(srv.URL), sb.Credentials()
	cfg := partnercenter.Config{
		PartnerCenterURL: u.PartnerCenter, GraphURL: u.Graph, LoginURL: u.Login,
		PartnerTenantID: cr.PartnerTenantID, ClientID: cr.ClientID, ClientSecret: cr.ClientSecret,
		RefreshToken: cr.RefreshToken, PublicClientID: cr.PublicClientID,
		BaseBackoff: time.Microsecond, MaxBackoff: time.Millisecond,
		Sleep: func(ctx context.Context, _ time.Duration) error { return ctx.Err() },
	}
	for _, m := range mod {
		m(&cfg)
	}
	c, err := partnercenter.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return &env{sb: sb, c: c, rec: rec}
}

// linked accepts the invitation for domain's admin and returns the customer.
func (e *env) linked(t testing.TB, login, password string) msapi.Customer {
	t.Helper()
	if err := e.sb.AcceptInvitation(login, password); err != nil {
		t.Fatal(err)
	}
	domain := login[strings.IndexByte(login, '@')+1:]
	cust, err := e.c.FindCustomerByDomain(context.Background(), domain)
	if err != nil {
		t.Fatal(err)
	}
	return cust
}

// agree attests the Microsoft Customer Agreement, which purchases need.
func (e *env) agree(t testing.TB, tenantID string) {
	t.Helper()
	a := msapi.AgreementAcceptance{FirstName: "Ada", LastName: "Lovelace", Email: "ada@example.com",
		Phone: "+442079460958", DateAgreed: time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC)}
	if err := e.c.AcceptAgreement(context.Background(), tenantID, a); err != nil {
		t.Fatal(err)
	}
}

func TestSandboxInvitationURL(t *testing.T) {
	e := newEnv(t, sandbox.Options{})
	u, err := e.c.InvitationURL(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(u, "http") {
		t.Errorf("url = %q", u)
	}
}

func TestSandboxVerifyGlobalAdmin(t *testing.T) {
	e := newEnv(t, sandbox.Options{})
	admin, err := e.c.VerifyGlobalAdmin(context.Background(), "admin@"+contoso, "Contoso-Admin-1")
	if err != nil {
		t.Fatal(err)
	}
	if admin.UPN != "admin@"+contoso || admin.UserID == "" || admin.TenantID == "" {
		t.Errorf("admin = %+v", admin)
	}
	tests := []struct {
		login, password string
		want            error
	}{
		{"megan@" + contoso, "Contoso-User-1", msapi.ErrNotGlobalAdmin},
		{"mfa.admin@contoso.com", "Contoso-Mfa-1", msapi.ErrMFARequired},
		{"admin@" + contoso, "Wrong-Password-9", msapi.ErrBadCredentials},
		{"nobody@" + contoso, "Whatever-Pass-7", msapi.ErrBadCredentials},
		{"admin@nowhere.example", "Some-Pass-3", msapi.ErrBadCredentials},
		{"not-an-email", "Some-Pass-4", msapi.ErrBadCredentials},
	}
	for _, tt := range tests {
		t.Run(tt.login, func(t *testing.T) {
			_, err := e.c.VerifyGlobalAdmin(context.Background(), tt.login, tt.password)
			if !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
			if strings.Contains(err.Error(), tt.password) {
				t.Errorf("password in error: %v", err)
			}
		})
	}
}

func TestSandboxCustomerAppearsAfterAcceptance(t *testing.T) {
	e := newEnv(t, sandbox.Options{})
	ctx := context.Background()
	if _, err := e.c.FindCustomerByDomain(ctx, contoso); !errors.Is(err, msapi.ErrNotFound) {
		t.Fatalf("before acceptance: err = %v, want ErrNotFound", err)
	}
	admin, err := e.c.VerifyGlobalAdmin(ctx, "admin@"+contoso, "Contoso-Admin-1")
	if err != nil {
		t.Fatal(err)
	}
	cust := e.linked(t, "admin@"+contoso, "Contoso-Admin-1")
	if cust.TenantID != admin.TenantID || !strings.EqualFold(cust.Domain, contoso) || cust.Relationship != msapi.RelationshipReseller {
		t.Errorf("customer = %+v, admin tenant %s", cust, admin.TenantID)
	}
	// Case-insensitive exact match.
	if again, err := e.c.FindCustomerByDomain(ctx, "CONTOSO.onmicrosoft.com"); err != nil || again.TenantID != cust.TenantID {
		t.Errorf("upper-case search: %+v, %v", again, err)
	}
	// A prefix is not a match.
	if _, err := e.c.FindCustomerByDomain(ctx, "contoso"); !errors.Is(err, msapi.ErrNotFound) {
		t.Errorf("prefix search: err = %v, want ErrNotFound", err)
	}
}

func TestSandboxDomainExists(t *testing.T) {
	e := newEnv(t, sandbox.Options{})
	for domain, want := range map[string]bool{contoso: true, "surely-free-4711.onmicrosoft.com": false} {
		got, err := e.c.DomainExists(context.Background(), domain)
		if err != nil || got != want {
			t.Errorf("DomainExists(%s) = %v, %v; want %v", domain, got, err, want)
		}
	}
}

func TestSandboxTenantData(t *testing.T) {
	e := newEnv(t, sandbox.Options{PageSize: 3})
	ctx := context.Background()
	cust := e.linked(t, "admin@"+contoso, "Contoso-Admin-1")

	var users []msapi.User
	pages := 0
	err := e.c.Users(ctx, cust.TenantID, func(page []msapi.User) error {
		pages++
		if len(page) > 3 {
			t.Errorf("page of %d users, sandbox pages by 3", len(page))
		}
		users = append(users, page...)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(users) < 20 || pages < 7 {
		t.Fatalf("%d users in %d pages", len(users), pages)
	}
	seen := map[string]bool{}
	var licensed msapi.User
	for _, u := range users {
		if u.ID == "" || u.UPN == "" || seen[u.ID] {
			t.Fatalf("bad or duplicate user %+v", u)
		}
		seen[u.ID] = true
		if len(u.SkuIDs) > 0 && licensed.ID == "" {
			licensed = u
		}
	}
	if licensed.ID == "" {
		t.Fatal("no user holds a license; contoso has E3 from another partner")
	}

	lic, err := e.c.UserLicenses(ctx, cust.TenantID, licensed.ID)
	if err != nil || len(lic) == 0 || !strings.EqualFold(lic[0].SkuID, licensed.SkuIDs[0]) || lic[0].SkuPartNumber == "" {
		t.Errorf("UserLicenses = %+v, %v; Graph says %v", lic, err, licensed.SkuIDs)
	}

	domains, err := e.c.Domains(ctx, cust.TenantID)
	if err != nil || len(domains) != 3 {
		t.Fatalf("Domains = %+v, %v", domains, err)
	}
	initial := 0
	for _, d := range domains {
		if d.IsInitial {
			initial++
			if !strings.EqualFold(d.Name, contoso) {
				t.Errorf("initial domain %s", d.Name)
			}
		}
	}
	if initial != 1 {
		t.Errorf("%d initial domains", initial)
	}

	skus, err := e.c.SubscribedSKUs(ctx, cust.TenantID)
	if err != nil || !hasSKU(skus, skuE3) {
		t.Errorf("SubscribedSKUs = %+v, %v; want E3", skus, err)
	}

	members, err := e.c.DirectoryRoleMembers(ctx, cust.TenantID, msapi.GlobalAdminRoleTemplateID)
	if err != nil || !hasUPN(members, "admin@"+contoso) {
		t.Errorf("DirectoryRoleMembers = %+v, %v", members, err)
	}
	if _, err := e.c.DirectoryRoleMembers(ctx, cust.TenantID, "00000000-0000-0000-0000-000000000000"); !errors.Is(err, msapi.ErrNotFound) {
		t.Errorf("unknown role: err = %v", err)
	}
}

func hasSKU(skus []msapi.SubscribedSKU, id string) bool {
	for _, s := range skus {
		if strings.EqualFold(s.SkuID, id) && s.TotalUnits > 0 {
			return true
		}
	}
	return false
}

func hasUPN(users []msapi.User, upn string) bool {
	for _, u := range users {
		if strings.EqualFold(u.UPN, upn) {
			return true
		}
	}
	return false
}

func TestSandboxConvertTrial(t *testing.T) {
	e := newEnv(t, sandbox.Options{})
	ctx := context.Background()
	cust := e.linked(t, "admin@"+fabrikam, "Fabrikam-Admin-1")
	e.agree(t, cust.TenantID)
	subs, err := e.c.Subscriptions(ctx, cust.TenantID)
	if err != nil {
		t.Fatal(err)
	}
	var trial msapi.Subscription
	for _, s := range subs {
		if s.IsTrial && strings.EqualFold(s.OfferID, offerSPBTrial) {
			trial = s
		}
	}
	if trial.ID == "" {
		t.Fatalf("no Business Premium trial in %+v", subs)
	}
	if _, err := e.c.ConvertTrial(ctx, cust.TenantID, trial.ID, msapi.OrderLine{OfferID: offerE3, Quantity: 25}, "conv-bad"); !errors.Is(err, msapi.ErrConversionIneligible) {
		t.Errorf("convert to E3: err = %v, want ErrConversionIneligible", err)
	}
	conv, err := e.c.ConvertTrial(ctx, cust.TenantID, trial.ID, msapi.OrderLine{OfferID: strings.ToLower(offerSPB), Quantity: 25}, "conv-1")
	if err != nil {
		t.Fatal(err)
	}
	if conv.SubscriptionID != trial.ID || !strings.EqualFold(conv.TargetOfferID, offerSPB) || conv.Quantity != 25 {
		t.Errorf("conversion = %+v, trial %s", conv, trial.ID)
	}
	again, err := e.c.ConvertTrial(ctx, cust.TenantID, trial.ID, msapi.OrderLine{OfferID: offerSPB, Quantity: 25}, "conv-1")
	if err != nil || again.SubscriptionID != conv.SubscriptionID {
		t.Errorf("repeat with same request id: %+v, %v", again, err)
	}
	after, err := e.c.Subscriptions(ctx, cust.TenantID)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range after {
		if s.ID == trial.ID && (s.IsTrial || !strings.EqualFold(s.OfferID, offerSPB)) {
			t.Errorf("subscription after conversion = %+v", s)
		}
	}
}

func TestSandboxIdempotentOrderAndLicenses(t *testing.T) {
	e := newEnv(t, sandbox.Options{})
	ctx := context.Background()
	cust := e.linked(t, "admin@"+contoso, "Contoso-Admin-1")
	e.agree(t, cust.TenantID)
	before, err := e.c.Subscriptions(ctx, cust.TenantID)
	if err != nil {
		t.Fatal(err)
	}
	req := msapi.OrderRequest{RequestID: "7d0f4c1e-0000-4000-8000-000000000001", BillingCycle: "monthly",
		Lines: []msapi.OrderLine{{OfferID: offerBasic, FriendlyName: "Basic", Quantity: 5}}}
	first, err := e.c.PlaceOrder(ctx, cust.TenantID, req)
	if err != nil {
		t.Fatal(err)
	}
	second, err := e.c.PlaceOrder(ctx, cust.TenantID, req)
	if err != nil {
		t.Fatal(err)
	}
	// New commerce: the checkout answers a pending order with no
	// subscription yet; the same request id finds the same cart and order.
	if first.ID == "" || second.ID != first.ID || first.CartID == "" || second.CartID != first.CartID ||
		first.Status != "pending" || len(first.Lines) != 1 || first.Lines[0].SubscriptionID != "" {
		t.Fatalf("orders %+v / %+v", first, second)
	}
	done, err := e.c.GetOrder(ctx, cust.TenantID, first.ID)
	if err != nil || done.Status != "completed" || len(done.Lines) != 1 || done.Lines[0].SubscriptionID == "" {
		t.Fatalf("order read back: %+v, %v", done, err)
	}
	after, err := e.c.Subscriptions(ctx, cust.TenantID)
	if err != nil {
		t.Fatal(err)
	}
	if len(after) != len(before)+1 {
		t.Errorf("%d subscriptions after two identical orders, want %d", len(after), len(before)+1)
	}

	admins, err := e.c.DirectoryRoleMembers(ctx, cust.TenantID, msapi.GlobalAdminRoleTemplateID)
	if err != nil || len(admins) == 0 {
		t.Fatal(admins, err)
	}
	sku := "3b555118-da6a-4418-894f-7df1e2096870" // the Basic license SKU (Graph skuId)
	if err := e.c.AssignLicenses(ctx, cust.TenantID, admins[0].ID, []string{sku}, nil); err != nil {
		t.Fatal(err)
	}
	found := false
	_ = e.c.Users(ctx, cust.TenantID, func(page []msapi.User) error {
		for _, u := range page {
			if u.ID == admins[0].ID {
				for _, s := range u.SkuIDs {
					found = found || strings.EqualFold(s, sku)
				}
			}
		}
		return nil
	})
	if !found {
		t.Error("assigned license not visible on the user")
	}
	if err := e.c.AssignLicenses(ctx, cust.TenantID, "no-such-user", []string{sku}, nil); !errors.Is(err, msapi.ErrNotFound) {
		t.Errorf("unknown user: err = %v, want ErrNotFound", err)
	}
}

func TestSandboxOrderWithoutRelationship(t *testing.T) {
	e := newEnv(t, sandbox.Options{})
	admin, err := e.c.VerifyGlobalAdmin(context.Background(), "admin@"+northwind, "Northwind-Admin-1")
	if err != nil {
		t.Fatal(err)
	}
	_, err = e.c.PlaceOrder(context.Background(), admin.TenantID, msapi.OrderRequest{RequestID: "r-1",
		Lines: []msapi.OrderLine{{OfferID: offerBasic, Quantity: 1}}})
	if !errors.Is(err, msapi.ErrRelationshipMissing) {
		t.Errorf("err = %v, want ErrRelationshipMissing", err)
	}
	if err := e.c.Users(context.Background(), admin.TenantID, func([]msapi.User) error { return nil }); !errors.Is(err, msapi.ErrRelationshipMissing) {
		t.Errorf("Users without relationship: err = %v, want ErrRelationshipMissing", err)
	}
}

func TestSandboxFaultsAreRidden(t *testing.T) {
	e := newEnv(t, sandbox.Options{PageSize: 2}, func(c *partnercenter.Config) { c.MaxAttempts = 30 })
	cust := e.linked(t, "admin@"+contoso, "Contoso-Admin-1")
	e.sb.SetFaults(sandbox.Faults{ThrottleRate: 0.5, ErrorRate: 0.2, RetryAfter: 0, Seed: 1})
	n := 0
	if err := e.c.Users(context.Background(), cust.TenantID, func(p []msapi.User) error { n += len(p); return nil }); err != nil {
		t.Fatal(err)
	}
	if n < 20 {
		t.Errorf("%d users", n)
	}
	// Every failed attempt was repeated with the same request id.
	reqs := e.rec.requests()
	retried := 0
	for i, r := range reqs {
		if r.status == 429 || r.status >= 500 {
			retried++
			if i+1 >= len(reqs) || reqs[i+1].requestID != r.requestID {
				t.Fatalf("request %d (%d) not retried with its request id", i, r.status)
			}
		}
	}
	if retried == 0 {
		t.Error("no faults were injected")
	}
}

func TestSandboxUserCallbackErrorStops(t *testing.T) {
	e := newEnv(t, sandbox.Options{PageSize: 3})
	cust := e.linked(t, "admin@"+contoso, "Contoso-Admin-1")
	stop := errors.New("stop")
	calls := 0
	err := e.c.Users(context.Background(), cust.TenantID, func([]msapi.User) error { calls++; return stop })
	if err != stop || calls != 1 {
		t.Errorf("err = %v after %d calls", err, calls)
	}
}

func BenchmarkUsers100k(b *testing.B) {
	e := newEnv(b, sandbox.Options{NorthwindUsers: 100_000, PageSize: 999})
	cust := e.linked(b, "admin@"+northwind, "Northwind-Admin-1")
	b.ReportAllocs()
	b.ResetTimer()
	total := 0
	for b.Loop() {
		n := 0
		if err := e.c.Users(context.Background(), cust.TenantID, func(p []msapi.User) error { n += len(p); return nil }); err != nil {
			b.Fatal(err)
		}
		if n < 100_000 {
			b.Fatalf("%d users", n)
		}
		total += n
	}
	b.ReportMetric(float64(total)/b.Elapsed().Seconds(), "users/s")
}
