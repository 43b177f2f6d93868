package plain

import (
	"errors"
	"fmt"
	"strings"

	"charm.land/huh/v2"

	"onboard/flow"
)

// customer offers the two things a customer comes for.
func (s *session) customer() error {
	s.say("%s: Microsoft 365 sign-up.", clean(s.Provider, 60))
	const signUp, payOrder = "signup", "pay"
	choice := signUp
	err := s.form(huh.NewSelect[string]().Title("What would you like to do?").Options(
		huh.NewOption("Sign up", signUp),
		huh.NewOption("Pay for an existing order", payOrder),
	).Value(&choice))
	if err != nil {
		return err
	}
	if choice == payOrder {
		return s.payExisting()
	}
	return s.signUp()
}

// signUp walks the customer's path; choosing the account changes the
// steps that follow, so the path is re-read after every step.
func (s *session) signUp() error {
	s.a = flow.Answers{Mode: flow.ModeCustomer, Account: flow.AccountExisting}
	for i := 0; ; i++ {
		steps := flow.PathSteps(s.a.Mode, s.a.Account)
		if i >= len(steps) {
			return nil
		}
		s.say("")
		s.say("Step %d of %d: %s", i+1, len(steps), stepTitle(s.a.Mode, steps[i]))
		stop, err := s.customerStep(steps[i])
		if err != nil || stop {
			return err
		}
	}
}

// customerStep runs one step; stop ends the sign-up without an error (the
// customer chose not to go on, or nothing is left to do here).
func (s *session) customerStep(step flow.StepID) (stop bool, err error) {
	switch step {
	case flow.StepLicenses:
		err = s.licenses()
	case flow.StepAccount:
		err = s.account()
	case flow.StepDetails:
		err = s.details()
	case flow.StepAgreement:
		err = s.agreement()
	case flow.StepAdmin:
		err = s.admin()
	case flow.StepConsent:
		err = s.consent()
	case flow.StepGDAP:
		err = s.gdap()
	case flow.StepReview:
		if s.a.Account == flow.AccountNew {
			return s.reviewNewAccount()
		}
		s.review(s.order)
	case flow.StepPay:
		err = s.pay()
	case flow.StepProcessing:
		err = s.process()
	case flow.StepDone:
		s.say("Done. Order number %s.", clean(s.order.Number, 30))
	}
	return false, err
}

func (s *session) licenses() error {
	for {
		var offerID, seats string
		opts := make([]huh.Option[string], 0, len(s.Catalog.Offers))
		for _, o := range s.Catalog.Offers {
			opts = append(opts, huh.NewOption(fmt.Sprintf("%s, %s per user per month",
				clean(o.Name, 80), flow.FormatMoney(o.UnitPrice, s.Catalog.Currency)), o.ID))
		}
		if err := s.form(huh.NewSelect[string]().Title("Which product?").Options(opts...).Value(&offerID)); err != nil {
			return err
		}
		offer, _ := s.Catalog.Offer(offerID)
		if err := s.form(s.input(fmt.Sprintf("How many users (%d to %d)?", offer.MinSeats, offer.MaxSeats), &seats,
			func(v string) error { return flow.ValidateSeats(offer, atoi(v)) })); err != nil {
			return err
		}
		choice := flow.LineChoice{OfferID: offerID, Seats: atoi(seats)}
		if len(offer.Terms) > 1 { // the product is sold with several terms
			var opts []huh.Option[string]
			for _, t := range offer.Terms {
				opts = append(opts, huh.NewOption(fmt.Sprintf("%s: %s a month, %s per seat for the %s", t.Label(),
					flow.FormatMoney(t.UnitPrice, s.Catalog.Currency), flow.FormatMoney(t.PricePerTerm(), s.Catalog.Currency), t.Period()), t.Key()))
			}
			choice.Term = offer.Terms[0].Key()
			if err := s.form(huh.NewSelect[string]().Title("Which term?").Options(opts...).Value(&choice.Term)); err != nil {
				return err
			}
		}
		s.a.Lines = append(s.a.Lines, choice)
		if err := s.a.Validate(flow.StepLicenses, s.Catalog); err != nil {
			s.a.Lines = s.a.Lines[:len(s.a.Lines)-1]
			s.say("%s", clean(flow.Explain(err), 300))
			continue
		}
		s.say("Total: %s per month.", flow.FormatMoney(s.a.Total(s.Catalog), s.Catalog.Currency))
		if more, err := s.confirm("Add another product?", false); err != nil || !more {
			return err
		}
	}
}

func atoi(v string) int {
	n := 0
	for _, r := range strings.TrimSpace(v) {
		if r < '0' || r > '9' || n > 1_000_000 {
			return -1
		}
		n = n*10 + int(r-'0')
	}
	return n
}

// account asks which Microsoft account the licenses are for.
func (s *session) account() error {
	choice := flow.AccountExisting
	err := s.form(huh.NewSelect[string]().Title("Which Microsoft account are the licenses for?").Options(
		huh.NewOption("Use my existing Microsoft account", flow.AccountExisting),
		huh.NewOption("Create a new Microsoft account", flow.AccountNew),
	).Value(&choice))
	if err != nil {
		return err
	}
	s.a.Account, s.a.Domain = choice, ""
	if choice == flow.AccountNew {
		return s.desiredSubdomain()
	}
	s.say("You are signing up with your existing Microsoft account.")
	return nil
}

func (s *session) details() error {
	a := &s.a
	country := ""
	err := s.form(
		s.input("Company name", &a.Company, flow.ValidateCompanyName),
		s.input("First name", &a.FirstName, flow.ValidatePersonName),
		s.input("Last name", &a.LastName, flow.ValidatePersonName),
		s.input("E-mail (order confirmations go here)", &a.Email, flow.ValidateEmail),
		s.input("Country, as a two-letter code such as GB or DE", &country, func(v string) error {
			if _, ok := flow.CountryByCode(strings.ToUpper(strings.TrimSpace(v))); !ok {
				return errors.New("enter the two-letter country code, such as GB, DE or US")
			}
			return nil
		}),
	)
	if err != nil {
		return err
	}
	a.Address.Country = strings.ToUpper(strings.TrimSpace(country))
	a.PhoneCountry = a.Address.Country
	return s.phoneAndAddress()
}

func (s *session) phoneAndAddress() error {
	a := &s.a
	for {
		fields := []huh.Field{
			s.input("Phone, with the country code or a national number", &a.Phone, func(v string) error {
				_, err := flow.ValidatePhone(v, a.PhoneCountry)
				return err
			}),
			s.input("Street and number", &a.Address.Line1, nil),
			s.input("City", &a.Address.City, nil),
			s.input("Postal code", &a.Address.PostalCode, nil),
		}
		if flow.UsesState(a.Address.Country) { // asked only where addresses carry one
			fields = append(fields, s.input("State or province", &a.Address.State, nil))
		} else {
			a.Address.State = ""
		}
		err := s.form(fields...)
		if err != nil {
			return err
		}
		if err := flow.ValidateAddress(a.Address); err != nil {
			s.say("The address is not complete: %s. Please enter it again.", clean(err.Error(), 300))
			continue
		}
		return nil
	}
}

// agreement records the customer's acceptance, or in agent mode the
// agent's attestation that the customer accepted.
func (s *session) agreement() error {
	who, company := clean(s.a.FirstName+" "+s.a.LastName, 80), clean(s.a.Company, 80)
	s.say("Microsoft requires every customer to accept the Microsoft Customer Agreement before licenses are bought.")
	question := fmt.Sprintf("Do you, %s, accept the Microsoft Customer Agreement on behalf of %s?", who, company)
	if s.Mode == flow.ModeAgent {
		s.say("Show the customer the agreement: %s", agreementURL)
		agent := "you"
		if s.Agent != "" {
			agent = "you (" + clean(s.Agent, 40) + ")"
		}
		question = fmt.Sprintf("Do you attest that %s accepted the agreement for %s, and that %s record this acceptance on the customer's behalf?",
			who, company, agent)
	} else {
		s.say("You can read it at %s", agreementURL)
	}
	for !s.a.AgreementAccepted {
		ok, err := s.confirm(question, false)
		if err != nil {
			return err
		}
		if !ok {
			s.say("Microsoft licenses cannot be bought without it. Answer y to accept, or press Ctrl+C to stop.")
		}
		s.a.AgreementAccepted = ok
	}
	return nil
}
