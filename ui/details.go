package ui

import (
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/huh/v2"

	"onboard/flow"
)

// detailsScreen is the customer details form. Its fields are bound to the
// shared answers, so going back and forth keeps what was typed.
type detailsScreen struct {
	c    *common
	form *huh.Form
}

func (s *detailsScreen) step() flow.StepID { return flow.StepDetails }
func (s *detailsScreen) title() string {
	if s.c.agentMode() {
		return "Customer's details"
	}
	return "Your details"
}
func (s *detailsScreen) help() []key.Binding {
	k := s.c.keys
	return []key.Binding{
		key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "next")),
		key.NewBinding(key.WithKeys("shift+tab"), key.WithHelp("shift+tab", "previous")),
		k.Back, k.Quit,
	}
}

func (s *detailsScreen) enter() tea.Cmd {
	a := &s.c.answers
	if a.PhoneCountry == "" {
		a.PhoneCountry = a.Address.Country
	}
	addrField := func(field string) func(string) error {
		return func(string) error { return fieldError(flow.ValidateAddress(a.Address), field) }
	}
	s.form = s.c.newForm(
		huh.NewGroup(
			huh.NewInput().Title("Company name").Value(&a.Company).Validate(flow.ValidateCompanyName),
			huh.NewInput().Title("First name").Value(&a.FirstName).Validate(flow.ValidatePersonName),
			huh.NewInput().Title("Last name").Value(&a.LastName).Validate(flow.ValidatePersonName),
			huh.NewInput().Title("E-mail").Description(s.emailNote()).
				Value(&a.Email).Validate(flow.ValidateEmail),
		),
		huh.NewGroup(
			// The description names the field too: while searching, huh
			// shows the search text in place of the title.
			huh.NewSelect[string]().Title("Country").Description("The company's country. Type / to search.").
				Options(countryOptions()...).Height(8).Value(&a.Address.Country).
				Validate(func(string) error { return fieldError(flow.ValidateAddress(a.Address), "Country") }),
			huh.NewInput().Title("Phone").Description("With the country code, or a national number of the country above.").
				Value(&a.Phone).Validate(func(p string) error {
				_, err := flow.ValidatePhone(p, a.Address.Country)
				return err
			}),
		),
		huh.NewGroup(
			huh.NewInput().Title("Street and number").Value(&a.Address.Line1).Validate(addrField("Line1")),
			huh.NewInput().Title("City").Value(&a.Address.City).Validate(addrField("City")),
			huh.NewInput().Title("Postal code").Value(&a.Address.PostalCode).Validate(addrField("PostalCode")),
		),
		// Asked only where addresses carry one (flow.UsesState).
		huh.NewGroup(
			huh.NewInput().Title("State or province").
				Value(&a.Address.State).Validate(addrField("State")),
		).WithHideFunc(func() bool { return !flow.UsesState(a.Address.Country) }),
	)
	return s.form.Init()
}

func (s *detailsScreen) update(msg tea.Msg) tea.Cmd {
	if kp, ok := msg.(tea.KeyPressMsg); ok && key.Matches(kp, s.c.keys.Back) {
		return s.c.backFrom(flow.StepDetails)
	}
	var cmd tea.Cmd
	s.form, cmd = updateForm(s.form, msg)
	if s.form.State != huh.StateCompleted {
		return cmd
	}
	a := &s.c.answers
	a.PhoneCountry = a.Address.Country
	if e164, err := flow.ValidatePhone(a.Phone, a.PhoneCountry); err == nil {
		a.Phone = e164
	}
	a.Address.State = strings.TrimSpace(a.Address.State)
	if !flow.UsesState(a.Address.Country) {
		a.Address.State = "" // typed for another country before it changed
	}
	return s.c.forward(flow.StepDetails)
}

// emailNote says what the e-mail is for; an agent types the customer's,
// which the customer later pays with.
func (s *detailsScreen) emailNote() string {
	if s.c.agentMode() {
		return "The customer's e-mail: with the order number, they pay with it."
	}
	return "Order confirmations go here."
}

func (s *detailsScreen) view() string {
	return s.form.View()
}
