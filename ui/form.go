package ui

import (
	"errors"
	"sort"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"

	tea "charm.land/bubbletea/v2"
	"charm.land/huh/v2"
	"charm.land/lipgloss/v2"

	"onboard/flow"
	"onboard/i18n"
)

// newForm builds an embedded huh form sized to the body. huh's own help is
// off: the footer shows the wizard's keys.
func (c *common) newForm(groups ...*huh.Group) *huh.Form {
	theme := huh.ThemeFunc(huh.ThemeCharm)
	if c.styles.noColor {
		theme = huh.ThemeFunc(huh.ThemeBase)
	}
	return huh.NewForm(groups...).
		WithTheme(theme).
		WithShowHelp(false).
		WithWidth(c.bodyWidth()).
		WithHeight(c.bodyHeight() - 2)
}

// formView draws f below prefix (text above the form, "" for none), sized
// so that the form's validation message, which huh wraps at its bottom,
// stays on the screen whatever its length: huh counts the message's lines
// but not the blank line above it, hence the one line kept free.
func (c *common) formView(prefix string, f *huh.Form) string {
	used := 0
	if prefix != "" {
		used = lipgloss.Height(prefix) - 1 // prefix ends where the form's first line starts
	}
	f.WithHeight(max(c.bodyHeight()-used-1, 4))
	return prefix + f.View()
}

// updateForm feeds msg to an embedded form (huh v2 returns huh.Model).
func updateForm(f *huh.Form, msg tea.Msg) (*huh.Form, tea.Cmd) {
	m, cmd := f.Update(msg)
	if ff, ok := m.(*huh.Form); ok {
		f = ff
	}
	return f, cmd
}

// fieldError is the message flow gives for one field of a *FieldErrors,
// in the screens' language.
func (c *common) fieldError(err error, field string) error {
	var fe *flow.FieldErrors
	if errors.As(err, &fe) {
		return c.loc.Localize(fe.FieldErr(field))
	}
	return c.loc.Localize(err)
}

// valid is a validator whose messages are in the screens' language.
func (c *common) valid(v func(string) error) func(string) error {
	return func(s string) error { return c.loc.Localize(v(s)) }
}

// countryOptions lists the countries by their names in the screens'
// language (CLDR's, through x/text/language/display), sorted as that
// language sorts.
func (c *common) countryOptions() []huh.Option[string] {
	cs := flow.Countries()
	type named struct{ name, code string }
	ns := make([]named, 0, len(cs))
	for _, ct := range cs {
		ns = append(ns, named{flow.CountryName(c.loc, ct.Code), ct.Code})
	}
	if c.loc.Lang() != i18n.Default {
		col := collate.New(language.Make(c.loc.Lang()))
		sort.SliceStable(ns, func(i, j int) bool { return col.CompareString(ns[i].name, ns[j].name) < 0 })
	}
	opts := make([]huh.Option[string], 0, len(ns))
	for _, n := range ns {
		opts = append(opts, huh.NewOption(n.name+" ("+n.code+")", n.code))
	}
	return opts
}
