package plain

import "onboard/flow"

// gdap is the admin relationship step (issue 12 part 3): flow requests the
// relationship, the approval link is offered like the invitation's, and the
// session waits until flow reports it approved.
func (s *session) gdap() error {
	var g flow.GDAP
	shown := ""
	err := s.wait(s.ctx, s.t("PlainWaitingGDAP"), func() (bool, error) {
		var err error
		g, err = s.Backend.GDAPStatus(s.ctx, s.order.ID)
		if err != nil {
			return s.stillTrying(s.ctx, err)
		}
		if l := (flow.Link{URL: g.URL, Short: g.Short}); !g.Ready() && l.Shown() != shown {
			shown = l.Shown()
			s.sayT("GDAPRoles", "Roles", clean(joinRoles(g.Roles), 300))
			s.say("%s", clean(g.ExplainIn(s.loc), maxExplained))
			s.offerLink(s.t("PlainTheApprovalPage"), l)
		}
		return g.Ready(), nil
	})
	if err != nil {
		return err
	}
	if g.Status == flow.GDAPApproved {
		s.sayT("PlainGDAPApproved")
	}
	return nil
}

func joinRoles(roles []string) string {
	out := ""
	for i, r := range roles {
		if i > 0 {
			out += ", "
		}
		out += r
	}
	return out
}

// handOverGDAP is the agent's admin relationship step: the link is handed
// to the customer's administrator, who approves it later; processing waits
// for it. Nothing to do once the invitation is not accepted yet or the
// provider does not request GDAP.
func (s *session) handOverGDAP() error {
	if s.order.ID == "" || s.order.TenantID == "" {
		return nil
	}
	g, err := s.Backend.GDAPStatus(s.ctx, s.order.ID)
	if err != nil {
		s.sayT("PlainGDAPNotYet", "Why", clean(s.explain(err), maxExplained))
		return nil
	}
	s.relationship = g
	if g.Ready() {
		return nil
	}
	s.sayT("PlainGDAPRolesCustomer", "Roles", clean(joinRoles(g.Roles), 300))
	s.offerLink(s.t("PlainGDAPApprovalPage"), flow.Link{URL: g.URL, Short: g.Short})
	s.sayT("PlainGDAPHandOver")
	return nil
}
