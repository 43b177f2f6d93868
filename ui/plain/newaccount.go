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
	s.sayT("PlainNewAccountIntro", "Suffix", flow.InitialDomainSuffix)
	for {
		var name string
		if err := s.form(s.input(s.t("PlainNewAccountName", "Suffix", flow.InitialDomainSuffix), &name,
			func(v string) error { _, err := flow.ValidateInitialDomain(v); return err })); err != nil {
			return err
		}
		domain, _ := flow.ValidateInitialDomain(name)
		s.sayT("PlainCheckingFree", "Domain", clean(domain, 80))
		free, suggestions, err := s.Backend.CheckSubdomain(s.ctx, domain)
		switch {
		case err != nil:
			s.sayT("PlainCheckFailed", "Why", clean(s.explain(err), maxExplained))
			continue
		case free:
			s.sayT("AccountFree", "Domain", clean(domain, 80))
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
		s.sayT("PlainTakenTryAnother", "Domain", clean(taken, 80))
		return "", nil
	}
	s.sayT("PlainTakenFree", "Domain", clean(taken, 80), "Free", clean(strings.Join(suggestions, ", "), 300))
	opts := make([]huh.Option[string], 0, len(suggestions)+1)
	for _, d := range suggestions {
		opts = append(opts, huh.NewOption(clean(d, 80), d))
	}
	opts = append(opts, huh.NewOption(s.t("PlainTypeAnother"), ""))
	picked := suggestions[0]
	if err := s.choose(s.t("PlainWhichOne"), opts, &picked); err != nil {
		return "", err
	}
	if picked != "" {
		s.sayT("PlainItIs", "Domain", clean(picked, 80))
	}
	return picked, nil
}

// reviewNewAccount shows what is about to be created and, once the
// customer agrees, creates the order and the account.
func (s *session) reviewNewAccount() (stop bool, err error) {
	a := s.a
	s.sayT("PlainNewAccountLine", "Domain", clean(a.Domain, 80))
	s.sayT("PlainFor", "Company", clean(a.Company, 100), "Name", clean(a.FirstName, 60)+" "+clean(a.LastName, 60), "Email", clean(a.Email, 100))
	for _, l := range a.Lines {
		if o, ok := s.Catalog.Offer(l.OfferID); ok {
			s.say("  %s", s.t("PlainLine", "Seats", s.loc.Number(l.Seats), "Name", clean(o.Name, 80), "Price", s.money(o.UnitPrice, s.Catalog.Currency)))
		}
	}
	s.sayT("PlainTotal", "Total", s.money(a.Total(s.Catalog), s.Catalog.Currency))
	ok, err := s.confirm(s.t("PlainCreateNow", "Domain", clean(a.Domain, 80)), false)
	if err != nil {
		return false, err
	}
	if !ok {
		s.sayT("PlainNothingCreated")
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
	s.sayT("PlainCreating", "Domain", clean(s.a.Domain, 80))
	var created flow.NewAccount
	err := s.again(s.t("PlainCreatingAccount"), func() error {
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
	s.sayT("PlainAccountReady")
	s.sayT("PlainDomain", "Domain", clean(c.Domain, 80))
	if c.AdminPassword == "" {
		s.sayT("PlainPasswordShownBefore")
		return
	}
	s.sayT("PlainAdministrator", "Admin", clean(c.AdminUserName, 100))
	s.sayT("PlainPassword", "Password", clean(c.AdminPassword, 100))
	s.sayT("PlainWriteDown")
	var ack string
	// Any line goes on, so the password is not scrolled away before it is noted.
	_ = s.form(s.input(s.t("PlainWrittenDown"), &ack, nil))
}
