package testworld

import (
	"context"
	"fmt"

	"onboard/flow"
	"onboard/msapi/sandbox"
)

// GDAPSettings are the provider settings that request GDAP in the sandbox:
// the default roles and duration, and the partner's seeded security group.
func GDAPSettings() flow.GDAPSettings {
	return flow.GDAPSettings{Group: sandbox.PartnerGDAPGroupID}
}

// ApproveGDAP requests the order's admin relationship (through the flow,
// as the wizard's GDAP step does), approves it as the customer's Global
// administrator login would on the approval page, and lets the flow see the
// approval and assign the roles.
func (m *Microsoft) ApproveGDAP(ctx context.Context, svc *flow.Service, orderID, login, password string) (flow.GDAP, error) {
	g, err := svc.GDAPStatus(ctx, orderID)
	if err != nil {
		return g, fmt.Errorf("request GDAP: %w", err)
	}
	if g.Ready() {
		return g, nil
	}
	o, err := svc.GetOrder(ctx, orderID)
	if err != nil {
		return g, err
	}
	if err := m.MS.ApproveGDAP(o.TenantID, login, password); err != nil {
		return g, fmt.Errorf("approve GDAP: %w", err)
	}
	g, err = svc.GDAPStatus(ctx, orderID)
	if err != nil || !g.Ready() {
		return g, fmt.Errorf("after approval: %s: %w", g.Status, err)
	}
	return g, nil
}

// AcceptAndApproveGDAP does what the customer's Global administrator does
// after an order is created: accepts the invitation, then approves the
// admin relationship the flow requests, as the sandbox's pages would.
func AcceptAndApproveGDAP(ctx context.Context, svc *flow.Service, ms *sandbox.Sandbox, orderID, login, password string) error {
	if err := ms.AcceptInvitation(login, password); err != nil {
		return fmt.Errorf("accept the invitation: %w", err)
	}
	if c, err := svc.CheckConsent(ctx, orderID); err != nil || !c.Accepted {
		return fmt.Errorf("consent: accepted=%v: %w", c.Accepted, err)
	}
	_, err := (&Microsoft{MS: ms}).ApproveGDAP(ctx, svc, orderID, login, password)
	return err
}
