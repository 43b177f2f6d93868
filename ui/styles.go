package ui

import (
	"charm.land/lipgloss/v2"
)

// Styles are every style the wizard draws with, in one place so NO_COLOR and
// a provider theme change one struct.
type Styles struct {
	App       lipgloss.Style
	Header    lipgloss.Style
	Provider  lipgloss.Style
	Step      lipgloss.Style
	Badge     lipgloss.Style
	Title     lipgloss.Style
	Text      lipgloss.Style
	Subtle    lipgloss.Style
	Error     lipgloss.Style
	Success   lipgloss.Style
	Warning   lipgloss.Style
	Cursor    lipgloss.Style
	Selected  lipgloss.Style
	Disabled  lipgloss.Style
	TableHead lipgloss.Style
	Total     lipgloss.Style
	URL       lipgloss.Style
	Panel     lipgloss.Style
	Footer    lipgloss.Style

	noColor bool
}

// NewStyles returns the colour styles, or plain ones when noColor is set
// (NO_COLOR): only weight and reverse video remain, which carry meaning
// without colour.
func NewStyles(noColor bool) Styles {
	if noColor {
		s := plainStyles()
		s.noColor = true
		return s
	}
	var (
		accent = lipgloss.Color("#7D56F4")
		muted  = lipgloss.Color("#8A8A8A")
		red    = lipgloss.Color("#E5534B")
		green  = lipgloss.Color("#3FB950")
		amber  = lipgloss.Color("#D29922")
		light  = lipgloss.Color("#FFFFFF")
	)
	s := plainStyles()
	s.Provider = s.Provider.Foreground(accent)
	s.Step = s.Step.Foreground(muted)
	s.Badge = lipgloss.NewStyle().Bold(true).Foreground(light).Background(amber).Padding(0, 1)
	s.Title = s.Title.Foreground(accent)
	s.Subtle = s.Subtle.Foreground(muted)
	s.Error = s.Error.Foreground(red)
	s.Success = s.Success.Foreground(green)
	s.Warning = s.Warning.Foreground(amber)
	s.Cursor = lipgloss.NewStyle().Bold(true).Foreground(light).Background(accent)
	s.Selected = s.Selected.Foreground(green)
	s.Disabled = s.Disabled.Foreground(muted)
	s.TableHead = s.TableHead.Foreground(muted)
	s.URL = s.URL.Foreground(accent)
	s.Panel = s.Panel.BorderForeground(amber)
	s.Footer = s.Footer.Foreground(muted)
	return s
}

func plainStyles() Styles {
	return Styles{
		App:       lipgloss.NewStyle().Padding(0, 1),
		Header:    lipgloss.NewStyle(),
		Provider:  lipgloss.NewStyle().Bold(true),
		Step:      lipgloss.NewStyle(),
		Badge:     lipgloss.NewStyle().Bold(true).Reverse(true).Padding(0, 1),
		Title:     lipgloss.NewStyle().Bold(true),
		Text:      lipgloss.NewStyle(),
		Subtle:    lipgloss.NewStyle(),
		Error:     lipgloss.NewStyle().Bold(true),
		Success:   lipgloss.NewStyle().Bold(true),
		Warning:   lipgloss.NewStyle().Bold(true),
		Cursor:    lipgloss.NewStyle().Reverse(true),
		Selected:  lipgloss.NewStyle().Bold(true),
		Disabled:  lipgloss.NewStyle().Faint(true),
		TableHead: lipgloss.NewStyle().Underline(true),
		Total:     lipgloss.NewStyle().Bold(true),
		URL:       lipgloss.NewStyle().Underline(true),
		Panel:     lipgloss.NewStyle().Border(lipgloss.RoundedBorder()).Padding(0, 1),
		Footer:    lipgloss.NewStyle(),
	}
}
