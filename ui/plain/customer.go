package plain

import (
	"errors"
	"strings"

	"charm.land/huh/v2"

	"onboard/flow"
	"onboard/i18n"
)

// customer offers the two things a customer comes for.
func (s *session) customer() error {
	s.sayT("PlainWelcome", "Provider", clean(s.Provider, 60))
	const signUp, payOrder = "signup", "pay"
	for {
		choice := signUp
		// The other languages are offered here, each in its own name, so
		// whoever cannot read this one finds theirs.
		opts := []huh.Option[string]{
			huh.NewOption(s.t("PlainSignUp"), signUp),
			huh.NewOption(s.t("PlainPayExisting"), payOrder),
		}
		for _, l := range i18n.Languages() {
			if l.Tag != s.loc.Lang() {
				opts = append(opts, huh.NewOption(l.Name, "lang:"+l.Tag))
			}
		}
		err := s.choose(s.t("PlainWhatToDo"), opts, &choice)
		if err != nil {
			return err
		}
		if lang, ok := strings.CutPrefix(choice, "lang:"); ok {
			s.loc = i18n.New(lang)
			continue
		}
		if choice == payOrder {
			return s.payExisting()
		}
		return s.signUp()
	}
}

// signUp walks the customer's path; choosing the account changes the
// steps that follow, so the path is re-read after every step.
func (s *session) signUp() error {
	s.a = flow.Answers{Mode: flow.ModeCustomer, Account: flow.AccountExisting, Language: s.loc.Lang()}
	for i := 0; ; i++ {
		steps := flow.PathSteps(s.a.Mode, s.a.Account)
		if i >= len(steps) {
			return nil
		}
		s.say("")
		s.sayT("PlainStepNofM", "N", i+1, "Of", len(steps), "Title", s.stepTitle(s.a.Mode, steps[i]))
		if stop, err := s.customerStep(steps[i]); err != nil || stop {
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
		return s.confirmPayment(true)
	case flow.StepPay:
		if s.a.Account == flow.AccountNew {
			// The account exists now and is not undone: the order is read
			// back and the payment asked for; "no" leaves it to pay later.
			if stop, err := s.confirmPayment(false); err != nil || stop {
				return stop, err
			}
		}
		err = s.pay()
	case flow.StepProcessing:
		err = s.process()
	case flow.StepDone:
		s.sayT("PlainDone", "Number", clean(s.order.Number, 30))
	}
	return false, err
}

func (s *session) licenses() error {
	for {
		var offerID, seats string
		opts := make([]huh.Option[string], 0, len(s.Catalog.Offers))
		for _, o := range s.Catalog.Offers {
			opts = append(opts, huh.NewOption(s.t("PlainOffer",
				"Name", clean(o.Name, 80), "Price", s.money(o.UnitPrice, s.Catalog.Currency)), o.ID))
		}
		if err := s.choose(s.t("PlainWhichProduct"), opts, &offerID); err != nil {
			return err
		}
		offer, _ := s.Catalog.Offer(offerID)
		if err := s.form(s.input(s.t("PlainHowManyUsers", "Min", offer.MinSeats, "Max", offer.MaxSeats), &seats,
			func(v string) error { return flow.ValidateSeats(offer, atoi(v)) })); err != nil {
			return err
		}
		choice := flow.LineChoice{OfferID: offerID, Seats: atoi(seats)}
		if len(offer.Terms) > 1 { // the product is sold with several terms
			var opts []huh.Option[string]
			for _, t := range offer.Terms {
				opts = append(opts, huh.NewOption(s.t("PlainTermOption", "Term", t.LabelIn(s.loc),
					"Monthly", s.money(t.UnitPrice, s.Catalog.Currency), "Price", s.money(t.PricePerTerm(), s.Catalog.Currency), "Period", t.PeriodIn(s.loc)), t.Key()))
			}
			choice.Term = offer.Terms[0].Key()
			if err := s.choose(s.t("PlainWhichTerm"), opts, &choice.Term); err != nil {
				return err
			}
		}
		s.a.Lines = append(s.a.Lines, choice)
		if err := s.a.Validate(flow.StepLicenses, s.Catalog); err != nil {
			s.a.Lines = s.a.Lines[:len(s.a.Lines)-1]
			s.say("%s", clean(s.explain(err), maxExplained))
			continue
		}
		s.sayT("PlainTotal", "Total", s.money(s.a.Total(s.Catalog), s.Catalog.Currency))
		if more, err := s.confirm(s.t("PlainAnother"), false); err != nil || !more {
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
	err := s.choose(s.t("PlainWhichAccount"), []huh.Option[string]{
		huh.NewOption(s.t("PlainUseExisting"), flow.AccountExisting),
		huh.NewOption(s.t("AccountNew"), flow.AccountNew),
	}, &choice)
	if err != nil {
		return err
	}
	s.a.Account, s.a.Domain = choice, ""
	if choice == flow.AccountNew {
		return s.desiredSubdomain()
	}
	s.sayT("PlainSigningUpExisting")
	return nil
}

func (s *session) details() error {
	a := &s.a
	country := ""
	err := s.form(
		s.input(s.t("FieldCompany"), &a.Company, flow.ValidateCompanyName),
		s.input(s.t("FieldFirstName"), &a.FirstName, flow.ValidatePersonName),
		s.input(s.t("FieldLastName"), &a.LastName, flow.ValidatePersonName),
		s.input(s.t("PlainEmail"), &a.Email, flow.ValidateEmail),
		s.input(s.t("PlainCountry"), &country, func(v string) error {
			if _, ok := s.countryCode(v); !ok {
				return errors.New(s.t("PlainCountryCode"))
			}
			return nil
		}),
	)
	if err != nil {
		return err
	}
	a.Address.Country, _ = s.countryCode(country)
	a.PhoneCountry = a.Address.Country
	return s.phoneAndAddress()
}

// countryCode is the country typed as its two-letter code or as its name,
// in the customer's language or in English, any case: "Switzerland",
// "schweiz" and "CH" are all CH. The full-screen wizard lists the names;
// a screen reader user types one.
func (s *session) countryCode(v string) (string, bool) {
	v = strings.TrimSpace(v)
	if c, ok := flow.CountryByCode(v); ok {
		return c.Code, true
	}
	for _, c := range flow.Countries() {
		if strings.EqualFold(v, flow.CountryName(s.loc, c.Code)) || strings.EqualFold(v, c.Name) {
			return c.Code, true
		}
	}
	return "", false
}

func (s *session) phoneAndAddress() error {
	a := &s.a
	for {
		fields := []huh.Field{
			s.input(s.t("PlainPhone"), &a.Phone, func(v string) error {
				_, err := flow.ValidatePhone(v, a.PhoneCountry)
				return err
			}),
			s.input(s.t("FieldStreet"), &a.Address.Line1, addressField(a.Address, "Line1", func(x *flow.Address, v string) { x.Line1 = v })),
			s.input(s.t("FieldCity"), &a.Address.City, addressField(a.Address, "City", func(x *flow.Address, v string) { x.City = v })),
			s.input(s.t("FieldPostalCode"), &a.Address.PostalCode, addressField(a.Address, "PostalCode", func(x *flow.Address, v string) { x.PostalCode = v })),
		}
		if flow.UsesState(a.Address.Country) { // asked only where addresses carry one
			fields = append(fields, s.input(s.t("FieldState"), &a.Address.State, addressField(a.Address, "State", func(x *flow.Address, v string) { x.State = v })))
		} else {
			a.Address.State = ""
		}
		err := s.form(fields...)
		if err != nil {
			return err
		}
		if err := flow.ValidateAddress(a.Address); err != nil {
			var fe *flow.FieldErrors
			msg := err.Error()
			if errors.As(err, &fe) {
				msg = fe.ErrorIn(s.loc)
			}
			s.sayT("PlainAddressIncomplete", "Why", clean(msg, 300))
			continue
		}
		return nil
	}
}

// addressField checks one field of the address as it is typed, by the
// address's own rules (flow.ValidateAddress), so a wrong postal code is
// asked again at once instead of after the whole address.
func addressField(addr flow.Address, field string, set func(*flow.Address, string)) func(string) error {
	return func(v string) error {
		set(&addr, v)
		var fe *flow.FieldErrors
		if errors.As(flow.ValidateAddress(addr), &fe) {
			return fe.FieldErr(field)
		}
		return nil
	}
}

// agreement records the customer's acceptance, or in agent mode the
// agent's attestation that the customer accepted.
func (s *session) agreement() error {
	who, company := clean(s.a.FirstName+" "+s.a.LastName, 80), clean(s.a.Company, 80)
	s.sayT("PlainAgreementRequired")
	question := s.t("PlainAgreementQuestion", "Who", who, "Company", company)
	if s.Mode == flow.ModeAgent {
		s.sayT("PlainAgreementShow", "URL", agreementURL)
		agent := s.t("AgreementYou")
		if s.Agent != "" {
			agent = s.t("AgreementYouNamed", "Name", clean(s.Agent, 40))
		}
		question = s.t("PlainAgreementAttest", "Who", who, "Company", company, "Agent", agent)
	} else {
		s.sayT("PlainAgreementReadAt", "URL", agreementURL)
	}
	for !s.a.AgreementAccepted {
		ok, err := s.confirm(question, false)
		if err != nil {
			return err
		}
		if !ok {
			s.sayT("PlainAgreementNeeded")
		}
		s.a.AgreementAccepted = ok
	}
	return nil
}
