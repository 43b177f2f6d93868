package plain

import (
	"fmt"
	"strings"

	"charm.land/huh/v2"
	"github.com/google/uuid"

	"onboard/flow"
)

// desiredSubdomain asks for the new account's initial domain until a free
// one is chosen; a taken name comes with free alternatives to pick from.
func (s *session) desiredSubdomain() error {
	s.say("Your new account gets a name ending in %s, such as contoso%s. You can add your own domain later.",
		flow.InitialDomainSuffix, flow.InitialDomainSuffix)
	for {
		var name string
		if err := s.form(s.input("The name you want before "+flow.InitialDomainSuffix+" (letters and digits)", &name,
			func(v string) error { _, err := flow.ValidateInitialDomain(v); return err })); err != nil {
			return err
		}
		domain, _ := flow.ValidateInitialDomain(name)
		s.say("Checking whether %s is free…", clean(domain, 80))
		free, suggestions, err := s.Backend.CheckSubdomain(s.ctx, domain)
		switch {
		case err != nil:
			s.say("That could not be checked: %s Please try again.", clean(flow.Explain(err), 300))
			continue
		case free:
			s.say("%s is free.", clean(domain, 80))
			s.a.Domain = domain
			return nil
		}
		picked, err := s.pickSuggestion(domain, suggestions)
		if err != nil || picked != "" {
			s.a.Domain = picked
			return err
		}
	}
}

// pickSuggestion offers the free alternatives to a taken name; "" means
// the customer wants to type another name.
func (s *session) pickSuggestion(taken string, suggestions []string) (string, error) {
	if len(suggestions) == 0 {
		s.say("%s is taken. Please try another name.", clean(taken, 80))
		return "", nil
	}
	s.say("%s is taken. These are free: %s.", clean(taken, 80), clean(strings.Join(suggestions, ", "), 300))
	opts := make([]huh.Option[string], 0, len(suggestions)+1)
	for _, d := range suggestions {
		opts = append(opts, huh.NewOption(clean(d, 80), d))
	}
	opts = append(opts, huh.NewOption("Type another name", ""))
	picked := suggestions[0]
	if err := s.form(huh.NewSelect[string]().Title("Which one?").Options(opts...).Value(&picked)); err != nil {
		return "", err
	}
	if picked != "" {
		s.say("%s it is.", clean(picked, 80))
	}
	return picked, nil
}

// reviewNewAccount shows what is about to be created and, once the
// customer agrees, creates the order and the account.
func (s *session) reviewNewAccount() (stop bool, err error) {
	a := s.a
	s.say("New Microsoft account: %s", clean(a.Domain, 80))
	s.say("For %s, %s %s, %s", clean(a.Company, 100), clean(a.FirstName, 60), clean(a.LastName, 60), clean(a.Email, 100))
	for _, l := range a.Lines {
		if o, ok := s.Catalog.Offer(l.OfferID); ok {
			s.say("  %d × %s at %s a month", l.Seats, clean(o.Name, 80), flow.FormatMoney(o.UnitPrice, s.Catalog.Currency))
		}
	}
	s.say("Total: %s per month.", flow.FormatMoney(a.Total(s.Catalog), s.Catalog.Currency))
	ok, err := s.confirm(fmt.Sprintf("Create the Microsoft account %s and the order now?", clean(a.Domain, 80)), false)
	if err != nil {
		return false, err
	}
	if !ok {
		s.say("Stopped: nothing was created.")
		return true, nil
	}
	return false, s.createAccount()
}

// createAccount creates the order and the tenant and shows its first
// administrator's password, once: it is not kept after this function.
func (s *session) createAccount() error {
	if s.a.OrderID == "" {
		s.a.OrderID = uuid.NewString() // a retry creates the same order, not a second one
	}
	s.say("Creating %s with Microsoft…", clean(s.a.Domain, 80))
	var created flow.NewAccount
	err := s.again("Creating the account", func() error {
		o, err := s.Backend.CreateOrder(s.ctx, s.a)
		if err != nil {
			return fmt.Errorf("create order: %w", err)
		}
		if created, err = s.Backend.CreateMicrosoftAccount(s.ctx, o.ID); err != nil {
			return err
		}
		s.a.TenantID = created.TenantID
		// Asked again, CreateOrder returns the order as the account moved it on.
		s.order, err = s.Backend.CreateOrder(s.ctx, s.a)
		return err
	})
	if err != nil {
		return err
	}
	s.showCreated(created)
	created.AdminPassword = ""
	return nil
}

func (s *session) showCreated(c flow.NewAccount) {
	s.say("Your Microsoft account is ready.")
	s.say("Domain: %s", clean(c.Domain, 80))
	if c.AdminPassword == "" {
		s.say("Its administrator's password was shown when the account was created.")
		return
	}
	s.say("Administrator: %s", clean(c.AdminUserName, 100))
	s.say("Password: %s", clean(c.AdminPassword, 100))
	s.say("Write the password down now: it is shown only once and is not saved anywhere. You will be asked to change it when you first sign in.")
	var ack string
	// Any line goes on, so the password is not scrolled away before it is noted.
	_ = s.form(s.input("Press Enter when you have written it down", &ack, nil))
}
