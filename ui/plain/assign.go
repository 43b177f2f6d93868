package plain

import (
	"errors"
	"fmt"
	"strings"

	"onboard/flow"
)

// assign offers to give the licenses just bought to the tenant's users, so
// "assign them now" comes with a way to do it: per product, the users'
// logins typed on one line (empty skips it).
func (s *session) assign(res flow.Result) error {
	if res.NewAccount || len(res.Bought) == 0 {
		return nil
	}
	later := "You can assign them later in the Microsoft 365 admin center (Users, Active users, Licenses and apps)."
	if s.in.ended() { // piped answers that stop here: the order is done
		s.say("%s", later)
		return nil
	}
	now, err := s.confirm("Assign the new licenses to users now?", true)
	if errors.Is(err, ErrInputEnded) {
		err, now = nil, false // the order is done; answers ending here skip this
	}
	if err != nil || !now {
		if err == nil {
			s.say("%s", later)
		}
		return err
	}
	users, err := s.Backend.ListUsers(s.ctx, s.order.TenantID)
	if err != nil {
		s.say("The users could not be listed: %s You can assign the licenses in the Microsoft 365 admin center.", clean(flow.Explain(err), 300))
		return nil
	}
	byLogin := make(map[string]flow.User, len(users))
	for _, u := range users {
		byLogin[strings.ToLower(u.UPN)] = u
	}
	for _, l := range res.Bought {
		if err := s.assignLine(l, byLogin); err != nil {
			return err
		}
	}
	return nil
}

func (s *session) assignLine(l flow.OrderLine, byLogin map[string]flow.User) error {
	for {
		var logins string
		title := fmt.Sprintf("Who gets %s (%d seats)? Their logins, separated by commas; empty to skip.",
			clean(l.Name, 80), l.Quantity)
		if err := s.form(s.input(title, &logins, nil)); err != nil {
			return err
		}
		if strings.TrimSpace(logins) == "" {
			return nil
		}
		var ids, unknown []string
		for _, login := range strings.Split(logins, ",") {
			login = strings.ToLower(strings.TrimSpace(login))
			if login == "" {
				continue
			}
			if u, ok := byLogin[login]; ok {
				ids = append(ids, u.ID)
			} else {
				unknown = append(unknown, clean(login, 100))
			}
		}
		if len(unknown) > 0 {
			s.say("No user has the login %s. Please type the logins again.", strings.Join(unknown, ", "))
			continue
		}
		err := s.Backend.AssignLicenses(s.ctx, s.order.ID, l.SkuID, ids)
		switch {
		case err == nil:
			s.say("Assigned %s to %d %s.", clean(l.Name, 80), len(ids), plural(len(ids), "user", "users"))
			return nil
		case errors.Is(err, flow.ErrNotEnoughSeats):
			s.say("That is more users than the %d seats left. Please choose fewer.", l.Quantity)
		default:
			s.say("The licenses could not be assigned: %s", clean(flow.Explain(err), 300))
			if again, ferr := s.confirm("Try again?", true); ferr != nil || !again {
				return ferr
			}
		}
	}
}
