package ui

import (
	"errors"

	tea "charm.land/bubbletea/v2"
	"charm.land/huh/v2"

	"onboard/flow"
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

// updateForm feeds msg to an embedded form (huh v2 returns huh.Model).
func updateForm(f *huh.Form, msg tea.Msg) (*huh.Form, tea.Cmd) {
	m, cmd := f.Update(msg)
	if ff, ok := m.(*huh.Form); ok {
		f = ff
	}
	return f, cmd
}

// fieldError is the message flow gives for one field of a *FieldErrors.
func fieldError(err error, field string) error {
	var fe *flow.FieldErrors
	if errors.As(err, &fe) {
		if msg := fe.Field(field); msg != "" {
			return errors.New(msg)
		}
		return nil
	}
	return err
}

func countryOptions() []huh.Option[string] {
	cs := flow.Countries()
	opts := make([]huh.Option[string], 0, len(cs))
	for _, c := range cs {
		opts = append(opts, huh.NewOption(c.Name+" ("+c.Code+")", c.Code))
	}
	return opts
}
