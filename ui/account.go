package ui

import (
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"onboard/flow"
)

// accountScreen asks whether the customer already has a Microsoft account.
// Creating a new account is a later feature: it is shown, disabled, so
// customers know it is coming and pick the right path today.
type accountScreen struct {
	c      *common
	cursor int
	err    string
}

func (s *accountScreen) step() flow.StepID { return flow.StepAccount }
func (s *accountScreen) title() string     { return "Microsoft account" }
func (s *accountScreen) help() []key.Binding {
	k := s.c.keys
	return []key.Binding{k.Up, k.Down, k.Next, k.Back, k.Quit}
}

func (s *accountScreen) enter() tea.Cmd {
	s.cursor, s.err = 0, ""
	return nil
}

func (s *accountScreen) update(msg tea.Msg) tea.Cmd {
	kp, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return nil
	}
	k := s.c.keys
	switch {
	case key.Matches(kp, k.Up):
		s.cursor, s.err = 0, ""
	case key.Matches(kp, k.Down):
		s.cursor, s.err = 1, ""
	case key.Matches(kp, k.Back):
		return s.c.goTo(stateLicenses, false)
	case key.Matches(kp, k.Next):
		if s.cursor == 1 {
			s.err = "Creating a new Microsoft account is coming soon. Choose \"Use existing Microsoft account\", or ask " +
				sanitizeN(s.c.provider, 40) + " for help."
			return nil
		}
		s.c.answers.Account = flow.AccountExisting
		return s.c.goTo(stateDetails, true)
	}
	return nil
}

func (s *accountScreen) view() string {
	st := s.c.styles
	var b strings.Builder
	b.WriteString("Do you already have a Microsoft 365 account for your company?\n\n")
	opt := func(i int, label, note string, disabled bool) {
		mark := "  ( ) "
		if s.cursor == i {
			mark = "› (•) "
		}
		line := mark + label
		switch {
		case disabled:
			line = st.Disabled.Render(line + "  (" + note + ")")
		case s.cursor == i:
			line = st.Cursor.Render(line)
		}
		b.WriteString(line + "\n")
		if !disabled && note != "" {
			b.WriteString(st.Subtle.Render("      "+note) + "\n")
		}
		b.WriteString("\n")
	}
	opt(0, "Use existing Microsoft account", "You sign in as its Global administrator and accept our invitation.", false)
	opt(1, "Create a new Microsoft account", "coming soon", true)
	if s.err != "" {
		b.WriteString(st.Error.Render(s.err))
	}
	return b.String()
}
