package ui

import (
	"slices"
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
	// firsts are the first fields of the form's groups and sizes the
	// number of fields in each, for shift+tab from a group's first field
	// (backToGroup).
	firsts []huh.Field
	sizes  []int
}

func (s *detailsScreen) step() flow.StepID { return flow.StepDetails }
func (s *detailsScreen) title() string {
	if s.c.agentMode() {
		return s.c.t("DetailsTitleAgent")
	}
	return s.c.t("DetailsTitle")
}
func (s *detailsScreen) help() []key.Binding {
	k := s.c.keys
	return []key.Binding{
		s.c.helpKey("enter", "enter", "KeyNext"),
		s.c.helpKey("shift+tab", "shift+tab", "KeyPrevious"),
		k.Back, k.Quit,
	}
}

func (s *detailsScreen) enter() tea.Cmd {
	a := &s.c.answers
	if a.Address.Country == "" {
		a.Address.Country = s.c.country
	}
	if a.PhoneCountry == "" {
		a.PhoneCountry = a.Address.Country
	}
	s.build()
	return s.form.Init()
}

// build makes the form, its fields bound to the answers.
func (s *detailsScreen) build() {
	a := &s.c.answers
	addrField := func(field string) func(string) error {
		return func(string) error { return s.c.fieldError(flow.ValidateAddress(a.Address), field) }
	}
	t := s.c.t
	groups := [][]huh.Field{
		{
			huh.NewInput().Title(t("FieldCompany")).Value(&a.Company).Validate(s.c.valid(flow.ValidateCompanyName)),
			huh.NewInput().Title(t("FieldFirstName")).Value(&a.FirstName).Validate(s.c.valid(flow.ValidatePersonName)),
			huh.NewInput().Title(t("FieldLastName")).Value(&a.LastName).Validate(s.c.valid(flow.ValidatePersonName)),
			huh.NewInput().Title(t("FieldEmail")).Description(s.emailNote()).
				Value(&a.Email).Validate(s.c.valid(flow.ValidateEmail)),
		},
		{
			// The description names the field too: while searching, huh
			// shows the search text in place of the title.
			huh.NewSelect[string]().Title(t("FieldCountry")).Description(t("FieldCountryNote")).
				Options(s.c.countryOptions()...).Height(8).Value(&a.Address.Country).
				Validate(func(string) error { return s.c.fieldError(flow.ValidateAddress(a.Address), "Country") }),
			huh.NewInput().Title(t("FieldPhone")).Description(t("FieldPhoneNote")).
				Value(&a.Phone).Validate(func(p string) error {
				_, err := flow.ValidatePhone(p, a.Address.Country)
				return s.c.loc.Localize(err)
			}),
		},
		{
			huh.NewInput().Title(t("FieldStreet")).Value(&a.Address.Line1).Validate(addrField("Line1")),
			huh.NewInput().Title(t("FieldCity")).Value(&a.Address.City).Validate(addrField("City")),
			huh.NewInput().Title(t("FieldPostalCode")).Value(&a.Address.PostalCode).Validate(addrField("PostalCode")),
		},
		{
			huh.NewInput().Title(t("FieldState")).
				Value(&a.Address.State).Validate(addrField("State")),
		},
	}
	s.firsts, s.sizes = nil, nil
	hg := make([]*huh.Group, len(groups))
	for i, fs := range groups {
		hg[i] = huh.NewGroup(fs...)
		s.firsts, s.sizes = append(s.firsts, fs[0]), append(s.sizes, len(fs))
	}
	// Asked only where addresses carry one (flow.UsesState).
	hg[3].WithHideFunc(func() bool { return !flow.UsesState(a.Address.Country) })
	s.form = s.c.newForm(hg...)
}

// backToGroup is shift+tab on the first field of group g (g > 0): the last
// field of the group before it, whatever the fields of group g say. huh
// refuses to leave a group backwards while one of its fields shows an
// error (charmbracelet/huh#655), and leaves no field focused, so that a
// customer on an empty phone number could not go back to fix the e-mail.
// The form is built again on the same answers and walked forward to that
// field; the fields it passes were accepted before.
func (s *detailsScreen) backToGroup(g int) tea.Cmd {
	s.build()
	cmds := []tea.Cmd{s.form.Init()}
	for range g - 1 {
		cmds = append(cmds, s.form.NextGroup())
	}
	for range s.sizes[g-1] - 1 {
		cmds = append(cmds, s.form.NextField())
	}
	return tea.Batch(cmds...)
}

func (s *detailsScreen) update(msg tea.Msg) tea.Cmd {
	if kp, ok := msg.(tea.KeyPressMsg); ok && key.Matches(kp, s.c.keys.Back) {
		return s.c.backFrom(flow.StepDetails)
	}
	if kp, ok := msg.(tea.KeyPressMsg); ok && kp.String() == "shift+tab" {
		if g := slices.Index(s.firsts, s.form.GetFocusedField()); g > 0 {
			return s.backToGroup(g)
		}
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
		return s.c.t("FieldEmailNoteAgent")
	}
	return s.c.t("FieldEmailNote")
}

func (s *detailsScreen) view() string {
	return s.c.formView("", s.form)
}
