// Package testworld wires the production parts on loopback for tests and
// benchmarks of several packages: the sandbox Microsoft and the sandbox
// checkout on httptest servers, the real msapi client, SQLite and
// flow.Service; and walks a customer through the self-service calls.
package testworld

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"

	"onboard/flow"
	"onboard/msapi/partnercenter"
	"onboard/msapi/sandbox"
	paysandbox "onboard/payment/sandbox"
	"onboard/store"
)

// TestCard pays on the sandbox checkout.
const TestCard = "4242424242424242"

// Microsoft is the sandbox Microsoft and sandbox checkout on loopback.
type Microsoft struct {
	MS     *sandbox.Sandbox
	MSURL  string
	Pay    *paysandbox.Server
	PayURL string
	// HTTP is the client the wiring uses (nil: http.DefaultClient).
	HTTP *http.Client
}

// NewMicrosoft serves a new sandbox Microsoft and checkout until tb ends.
func NewMicrosoft(tb testing.TB, opts sandbox.Options) *Microsoft {
	tb.Helper()
	ms, err := sandbox.New(opts)
	if err != nil {
		tb.Fatal(err)
	}
	return Serve(tb, ms)
}

// Serve serves ms, prepared by the caller, beside a new checkout.
func Serve(tb testing.TB, ms *sandbox.Sandbox) *Microsoft {
	tb.Helper()
	msSrv := httptest.NewServer(ms)
	tb.Cleanup(msSrv.Close)
	pay := paysandbox.NewServer(paysandbox.Options{})
	paySrv := httptest.NewServer(pay)
	tb.Cleanup(paySrv.Close)
	return &Microsoft{MS: ms, MSURL: msSrv.URL, Pay: pay, PayURL: paySrv.URL}
}

// Client is the production Microsoft client configured for the sandbox;
// tweak adjusts the configuration (page size, backoff).
func (m *Microsoft) Client(tb testing.TB, tweak ...func(*partnercenter.Config)) *partnercenter.Client {
	tb.Helper()
	u, cr := m.MS.URLs(m.MSURL), m.MS.Credentials()
	cfg := partnercenter.Config{
		PartnerCenterURL: u.PartnerCenter, GraphURL: u.Graph, LoginURL: u.Login,
		PartnerTenantID: cr.PartnerTenantID, ClientID: cr.ClientID, ClientSecret: cr.ClientSecret,
		RefreshToken: cr.RefreshToken, PublicClientID: cr.PublicClientID,
		GDAPApprovalURL: u.GDAPApproval,
		HTTPClient:      m.HTTP,
	}
	for _, f := range tweak {
		f(&cfg)
	}
	cli, err := partnercenter.New(cfg)
	if err != nil {
		tb.Fatal(err)
	}
	return cli
}

// Service is one terminal's wiring: its own client and its own handle on
// the SQLite file at dbPath ("" for a new file in a temp directory), pay-first.
func (m *Microsoft) Service(tb testing.TB, dbPath string) (*flow.Service, *store.DB) {
	tb.Helper()
	if dbPath == "" {
		dbPath = filepath.Join(tb.TempDir(), "onboard.db")
	}
	db, err := store.Open(context.Background(), dbPath)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	svc := &flow.Service{
		MS: m.Client(tb), Store: db, Pay: paysandbox.NewClient(m.PayURL, "", m.HTTP),
		Catalog: flow.DefaultCatalog(), Policy: flow.PolicyPayFirst,
		Actor: flow.Actor{Kind: flow.ActorCustomer, Name: "test"},
	}
	return svc, db
}

// Answers are a customer's valid answers for the tenant domain whose Global
// administrator is admin, buying seats of the catalog offer.
func Answers(domain, admin, offer string, seats int) flow.Answers {
	return flow.Answers{
		Mode: flow.ModeCustomer, Account: flow.AccountExisting,
		Lines:   []flow.LineChoice{{OfferID: offer, Seats: seats}},
		Company: "Test Co", FirstName: "Ada", LastName: "Lovelace", Email: "ada@example.com",
		Phone: "+44 20 7946 0958", PhoneCountry: "GB",
		Address:    flow.Address{Line1: "1 Main Street", City: "London", PostalCode: "SW1A 1AA", Country: "GB"},
		AdminLogin: admin, Domain: domain, AgreementAccepted: true,
	}
}

// Consent creates the order and accepts the invitation as the customer does
// on the invitation page, up to the order awaiting payment.
func (m *Microsoft) Consent(ctx context.Context, svc *flow.Service, a flow.Answers, password string) (flow.Order, error) {
	o, err := svc.CreateOrder(ctx, a)
	if err != nil {
		return flow.Order{}, fmt.Errorf("create order: %w", err)
	}
	if err := m.MS.AcceptInvitation(a.AdminLogin, password); err != nil {
		return flow.Order{}, fmt.Errorf("accept invitation: %w", err)
	}
	c, err := svc.CheckConsent(ctx, o.ID)
	if err != nil || !c.Accepted {
		return flow.Order{}, fmt.Errorf("consent of %s: accepted=%v: %w", a.Domain, c.Accepted, err)
	}
	return c.Order, nil
}

// PayOrder pays the order on the sandbox checkout.
func (m *Microsoft) PayOrder(ctx context.Context, svc *flow.Service, orderID string) (flow.Order, error) {
	sess, err := svc.StartPayment(ctx, orderID)
	if err != nil {
		return flow.Order{}, fmt.Errorf("start payment: %w", err)
	}
	if _, err := m.Pay.Pay(sess.ID, TestCard); err != nil {
		return flow.Order{}, fmt.Errorf("pay: %w", err)
	}
	st, o, err := svc.CheckPayment(ctx, orderID, sess.ID)
	if err != nil || st != flow.PaymentPaid {
		return flow.Order{}, fmt.Errorf("payment of %s: %s: %w", o.Number, st, err)
	}
	return o, nil
}

// SignIn signs login in on the sandbox's device sign-in page, as the
// administrator does in a browser (password, and mfaCode for an account
// with MFA), and returns what the flow verified.
func (m *Microsoft) SignIn(ctx context.Context, svc *flow.Service, login, password, mfaCode string) (flow.Admin, error) {
	in, err := svc.StartAdminSignIn(ctx, login)
	if err != nil {
		return flow.Admin{}, fmt.Errorf("start sign-in: %w", err)
	}
	if in.UserCode != "" {
		if err := m.MS.ApproveDeviceSignIn(in.UserCode, login, password, mfaCode); err != nil {
			return flow.Admin{}, fmt.Errorf("sign in on the page: %w", err)
		}
	}
	for {
		adm, done, err := svc.CheckAdminSignIn(ctx, in.ID)
		if done || err != nil {
			return adm, err
		}
	}
}

// SignUp runs the self-service flow up to a paid order: sign the
// administrator in, create the order, accept the invitation, pay.
func (m *Microsoft) SignUp(ctx context.Context, svc *flow.Service, a flow.Answers, password string) (flow.Order, error) {
	// Signed in on the sign-in page: the demo tenants have security
	// defaults on, so their administrators give the second factor.
	adm, err := m.SignIn(ctx, svc, a.AdminLogin, password, sandbox.MFADemoCode)
	if err != nil {
		return flow.Order{}, fmt.Errorf("sign in admin: %w", err)
	}
	if a.TenantID == "" {
		a.TenantID = adm.TenantID
	}
	o, err := m.Consent(ctx, svc, a, password)
	if err != nil {
		return o, err
	}
	return m.PayOrder(ctx, svc, o.ID)
}
