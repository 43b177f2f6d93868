package bench

import (
	"context"
	"fmt"
	"net/http/httptest"
	"testing"

	"onboard/flow"
	"onboard/msapi"
	"onboard/msapi/sandbox"
	"onboard/payment"
	paysandbox "onboard/payment/sandbox"
	"onboard/store"
)

// microsoft is a sandbox Microsoft and sandbox checkout served on loopback,
// shared by every wizard flow of a test.
type microsoft struct {
	ms     *sandbox.Sandbox
	msURL  string
	pay    *paysandbox.Server
	payURL string
}

func newMicrosoft(tb testing.TB, opts sandbox.Options) *microsoft {
	tb.Helper()
	ms, err := sandbox.New(opts)
	if err != nil {
		tb.Fatal(err)
	}
	msSrv := httptest.NewServer(ms)
	tb.Cleanup(msSrv.Close)
	pay := paysandbox.NewServer(paysandbox.Options{})
	paySrv := httptest.NewServer(pay)
	tb.Cleanup(paySrv.Close)
	return &microsoft{ms: ms, msURL: msSrv.URL, pay: pay, payURL: paySrv.URL}
}

// client is the production Microsoft client configured for the sandbox.
func (m *microsoft) client(tb testing.TB) *msapi.Client {
	tb.Helper()
	u, cr := m.ms.URLs(m.msURL), m.ms.Credentials()
	cli, err := msapi.New(msapi.Config{
		PartnerCenterURL: u.PartnerCenter, GraphURL: u.Graph, LoginURL: u.Login,
		PartnerTenantID: cr.PartnerTenantID, ClientID: cr.ClientID, ClientSecret: cr.ClientSecret,
		RefreshToken: cr.RefreshToken, PublicClientID: cr.PublicClientID,
	})
	if err != nil {
		tb.Fatal(err)
	}
	return cli
}

// service is one terminal's wiring: its own client and its own handle on
// the database file at path.
func (m *microsoft) service(tb testing.TB, path string) (*flow.Service, *store.DB) {
	tb.Helper()
	db, err := store.Open(context.Background(), path)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	svc := &flow.Service{
		MS: m.client(tb), Store: db, Pay: paysandbox.NewClient(m.payURL, "", nil),
		Catalog: flow.DefaultCatalog(), Policy: flow.PolicyPayFirst,
		Actor: flow.Actor{Kind: flow.ActorCustomer, Name: "bench"},
	}
	return svc, db
}

// tenantAnswers are a kiosk customer's answers for the tenant domain whose
// Global administrator is admin.
func tenantAnswers(domain, admin, offer string, seats int) flow.Answers {
	return flow.Answers{
		Mode: flow.ModeCustomer, Account: flow.AccountExisting,
		Lines:   []flow.LineChoice{{OfferID: offer, Seats: seats}},
		Company: "Bench Co", FirstName: "Ada", LastName: "Lovelace", Email: "ada@example.com",
		Phone: "+44 20 7946 0958", PhoneCountry: "GB",
		Address:    flow.Address{Line1: "1 Main Street", City: "London", PostalCode: "SW1A 1AA", Country: "GB"},
		AdminLogin: admin, Domain: domain, AgreementAccepted: true,
	}
}

// signUp runs the self-service flow up to a paid order: verify the
// administrator, create the order, accept the invitation, pay.
func (m *microsoft) signUp(ctx context.Context, svc *flow.Service, a flow.Answers, password string) (flow.Order, error) {
	if _, err := svc.VerifyAdmin(ctx, a.AdminLogin, password); err != nil {
		return flow.Order{}, fmt.Errorf("verify admin: %w", err)
	}
	o, err := svc.CreateOrder(ctx, a)
	if err != nil {
		return flow.Order{}, fmt.Errorf("create order: %w", err)
	}
	if err := m.ms.AcceptInvitation(a.AdminLogin, password); err != nil {
		return flow.Order{}, fmt.Errorf("accept invitation: %w", err)
	}
	c, ok, err := svc.CheckConsent(ctx, a.Domain)
	if err != nil || !ok {
		return flow.Order{}, fmt.Errorf("consent of %s: accepted=%v: %w", a.Domain, ok, err)
	}
	if o, err = svc.ConsentAccepted(ctx, o.ID, c); err != nil {
		return flow.Order{}, fmt.Errorf("consent accepted: %w", err)
	}
	sess, err := svc.StartPayment(ctx, o.ID)
	if err != nil {
		return flow.Order{}, fmt.Errorf("start payment: %w", err)
	}
	if _, err := m.pay.Pay(sess.ID, "4242424242424242"); err != nil {
		return flow.Order{}, fmt.Errorf("pay: %w", err)
	}
	st, o, err := svc.CheckPayment(ctx, o.ID, sess.ID)
	if err != nil || st != payment.StatePaid {
		return flow.Order{}, fmt.Errorf("payment of %s: %s: %w", o.Number, st, err)
	}
	return o, nil
}
