package plain

import (
	"errors"
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
	later := s.t("PlainAssignLater")
	if s.in.ended() { // piped answers that stop here: the order is done
		s.say("%s", later)
		return nil
	}
	now, err := s.confirm(s.t("PlainAssignNow"), true)
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
		s.sayT("PlainUsersNotListed", "Why", clean(s.explain(err), maxExplained))
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
		title := s.loc.N("PlainWhoGets", l.Quantity, "Name", clean(l.Name, 80))
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
			s.sayT("PlainNoSuchLogin", "Logins", strings.Join(unknown, ", "))
			continue
		}
		err := s.Backend.AssignLicenses(s.ctx, s.order.ID, l.SkuID, ids)
		switch {
		case err == nil:
			s.say("%s", s.loc.N("PlainAssigned", len(ids), "Name", clean(l.Name, 80)))
			return nil
		case errors.Is(err, flow.ErrNotEnoughSeats):
			s.say("%s", s.loc.N("PlainTooManyUsers", l.Quantity))
		default:
			s.sayT("PlainAssignFailed", "Why", clean(s.explain(err), maxExplained))
			if again, ferr := s.confirm(s.t("PlainTryAgain"), true); ferr != nil || !again {
				return ferr
			}
		}
	}
}
