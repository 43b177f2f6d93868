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
)

// fuzzServer answers every API request (and, when told, the token endpoint)
// with the body and status the fuzzer chose, so the real client's whole
// receiving path runs: status handling, retries, paging, JSON decoding and
// error classification.
type fuzzServer struct {
	srv *httptest.Server

	mu        sync.Mutex
	status    int
	body      []byte
	fuzzToken bool // the token endpoint answers with the fuzzed response too
}

func newFuzzServer(f *testing.F) *fuzzServer {
	fs := &fuzzServer{}
	fs.srv = httptest.NewServer(http.HandlerFunc(fs.serve))
	f.Cleanup(fs.srv.Close)
	return fs
}

func (fs *fuzzServer) set(status int, body []byte, fuzzToken bool) {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	fs.status, fs.body, fs.fuzzToken = status, body, fuzzToken
}

func (fs *fuzzServer) serve(w http.ResponseWriter, r *http.Request) {
	fs.mu.Lock()
	status, body, fuzzToken := fs.status, fs.body, fs.fuzzToken
	fs.mu.Unlock()
	if strings.HasPrefix(r.URL.Path, "/login/") && !fuzzToken {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"token_type":"Bearer","access_token":"tok","expires_in":3600}`))
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		_, _ = w.Write(body)
	}
}

func (fs *fuzzServer) client(t *testing.T) *partnercenter.Client {
	t.Helper()
	c, err := partnercenter.New(partnercenter.Config{
		PartnerCenterURL: fs.srv.URL + "/pc",
		GraphURL:         fs.srv.URL + "/graph/v1.0",
		LoginURL:         fs.srv.URL + "/login",
		PartnerTenantID:  "partner-tenant",
		ClientID:         "client-id",
		ClientSecret:     "client-secret",
		RefreshToken:     "refresh-token",
		PublicClientID:   "public-client",
		MaxAttempts:      2,
		Timeout:          10 * time.Second,
		HTTPClient:       fs.srv.Client(),
		Sleep:            func(ctx context.Context, _ time.Duration) error { return ctx.Err() },
	})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return c
}

// responseKind is one Microsoft response the client decodes.
type responseKind struct {
	name string
	call func(ctx context.Context, c *partnercenter.Client) error
}

const fuzzTenant = "0b4c6a9e-1111-4222-8333-944445555666"

var responseKinds = []responseKind{
	{"relationship request", func(ctx context.Context, c *partnercenter.Client) error {
		_, err := c.InvitationURL(ctx)
		return err
	}},
	{"customer search", func(ctx context.Context, c *partnercenter.Client) error {
		_, err := c.FindCustomerByDomain(ctx, "contoso.onmicrosoft.com")
		return err
	}},
	{"domain head", func(ctx context.Context, c *partnercenter.Client) error {
		_, err := c.DomainExists(ctx, "contoso.onmicrosoft.com")
		return err
	}},
	{"graph users", func(ctx context.Context, c *partnercenter.Client) error {
		return c.Users(ctx, fuzzTenant, func([]msapi.User) error { return nil })
	}},
	{"user licenses", func(ctx context.Context, c *partnercenter.Client) error {
		_, err := c.UserLicenses(ctx, fuzzTenant, "user-1")
		return err
	}},
	{"graph domains", func(ctx context.Context, c *partnercenter.Client) error {
		_, err := c.Domains(ctx, fuzzTenant)
		return err
	}},
	{"subscriptions", func(ctx context.Context, c *partnercenter.Client) error {
		_, err := c.Subscriptions(ctx, fuzzTenant)
		return err
	}},
	{"subscribed skus", func(ctx context.Context, c *partnercenter.Client) error {
		_, err := c.SubscribedSKUs(ctx, fuzzTenant)
		return err
	}},
	{"directory roles and members", func(ctx context.Context, c *partnercenter.Client) error {
		_, err := c.DirectoryRoleMembers(ctx, fuzzTenant, msapi.GlobalAdminRoleTemplateID)
		return err
	}},
	{"conversions", func(ctx context.Context, c *partnercenter.Client) error {
		_, err := c.ConvertTrial(ctx, fuzzTenant, "sub-1", msapi.OrderLine{OfferID: "OFFER-1", Quantity: 5}, "req-1")
		return err
	}},
	{"order", func(ctx context.Context, c *partnercenter.Client) error {
		_, err := c.PlaceOrder(ctx, fuzzTenant, msapi.OrderRequest{RequestID: "req-1",
			Lines: []msapi.OrderLine{{OfferID: "OFFER-1", Quantity: 1}}})
		return err
	}},
	{"assign licenses", func(ctx context.Context, c *partnercenter.Client) error {
		return c.AssignLicenses(ctx, fuzzTenant, "user-1", []string{"sku-1"}, nil)
	}},
	{adminKind, func(ctx context.Context, c *partnercenter.Client) error {
		_, err := c.VerifyGlobalAdmin(ctx, "admin@contoso.onmicrosoft.com", fuzzPassword)
		return err
	}},
}

const adminKind = "administrator sign-in and role"

// fuzzPassword must never appear in an error, whatever Microsoft answers.
const fuzzPassword = "Fuzz-Secret-Pa55"

var sentinels = []error{
	msapi.ErrNotFound, msapi.ErrBadCredentials, msapi.ErrNotGlobalAdmin, msapi.ErrMFARequired,
	msapi.ErrRelationshipMissing, msapi.ErrAgreementMissing, msapi.ErrThrottled, msapi.ErrUnavailable,
	msapi.ErrInvalidRequest, msapi.ErrConversionIneligible,
}

// fuzzStatuses are the statuses a response is served with; the fuzzer picks
// one by index so every seed stays meaningful.
var fuzzStatuses = []int{200, 201, 204, 400, 401, 403, 404, 409, 429, 500, 503}

// FuzzDecodeResponse serves a fuzzed body with a chosen status to every
// client call (kind), and to the token endpoint when tokenKind is odd.
// Properties: no panic or hang; every error wraps one of the package's
// sentinels; no error text carries a control character (terminal escapes
// from Microsoft are neutralised) or the administrator's password.
func FuzzDecodeResponse(f *testing.F) {
	fs := newFuzzServer(f)
	f.Add(0, 0, 0, []byte(`{"url":"https://admin.microsoft.com/Adminportal/Home?invType=ResellerRelationship&partnerId=x#/BillingAccounts/partner-invitation","attributes":{"objectType":"RelationshipRequest"}}`))
	f.Add(3, 0, 0, []byte(`{"value":[{"id":"u1","userPrincipalName":"a@contoso.com","displayName":"\u001b]52;c;AAAA\u0007A"}],"@odata.nextLink":"http://other.example/next"}`))
	f.Add(6, 9, 0, []byte(`{"code":500001,"description":"\u001b[2JService unavailable"}`))
	f.Add(12, 0, 1, []byte(`{"error":"invalid_grant","error_description":"AADSTS50126: Error validating credentials due to invalid username or password.","error_codes":[50126]}`))
	f.Fuzz(func(t *testing.T, kind, statusIndex, tokenKind int, body []byte) {
		if kind < 0 || statusIndex < 0 {
			return
		}
		k := responseKinds[kind%len(responseKinds)]
		status := fuzzStatuses[statusIndex%len(fuzzStatuses)]
		fs.set(status, body, tokenKind%2 == 1)
		err := k.call(context.Background(), fs.client(t))
		if err == nil {
			return
		}
		if !wrapsSentinel(err) {
			t.Fatalf("%s, HTTP %d, body %q: error wraps no sentinel: %v", k.name, status, body, err)
		}
		msg := err.Error()
		// Only the sign-in knows the password; other calls may echo a body holding it.
		if k.name == adminKind && strings.Contains(msg, fuzzPassword) {
			t.Fatalf("%s: the password is in the error: %s", k.name, msg)
		}
		for _, r := range msg {
			if r == 0x1b || r < 0x20 || r >= 0x7f && r <= 0x9f || r >= 0x202a && r <= 0x202e || r >= 0x2066 && r <= 0x2069 {
				t.Fatalf("%s, HTTP %d: error holds %U: %q", k.name, status, r, msg)
			}
		}
	})
}

func wrapsSentinel(err error) bool {
	for _, s := range sentinels {
		if errors.Is(err, s) {
			return true
		}
	}
	return false
}
