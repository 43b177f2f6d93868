package plain

import "onboard/flow"

// gdap is the admin relationship step (issue 12 part 3): flow requests the
// relationship, the approval link is offered like the invitation's, and the
// session waits until flow reports it approved.
func (s *session) gdap() error {
	var g flow.GDAP
	shown := ""
	err := s.wait(s.ctx, "Waiting for the admin relationship to be approved", func() (bool, error) {
		var err error
		g, err = s.Backend.GDAPStatus(s.ctx, s.order.ID)
		if err != nil {
			return s.stillTrying(s.ctx, err)
		}
		if !g.Ready() && g.URL != shown {
			shown = g.URL
			s.say("We ask for these roles in your Microsoft account: %s.", clean(joinRoles(g.Roles), 300))
			s.say("%s", clean(g.Explain(), 400))
			s.offerURL("the approval page", g.URL)
		}
		return g.Ready(), nil
	})
	if err != nil {
		return err
	}
	if g.Status == flow.GDAPApproved {
		s.say("Admin relationship approved.")
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
