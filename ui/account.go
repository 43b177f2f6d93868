package ui

import (
	"context"
	"errors"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"onboard/flow"
)

type subdomainCheckedMsg struct {
	domain      string
	available   bool
	suggestions []string
	err         error
}

// accountScreen asks whether the customer already has a Microsoft account.
// Creating a new one needs a backend that can; otherwise the choice is
// shown disabled as coming soon, so customers pick the right path today.
type accountScreen struct {
	c        *common
	cursor   int
	name     textinput.Model
	checking bool
	err      string
}

func newAccountScreen(c *common) *accountScreen {
	ti := textinput.New()
	ti.Prompt = "Name: "
	ti.Placeholder = "contoso"
	ti.CharLimit = flow.MaxInitialDomain
	ti.SetWidth(30)
	return &accountScreen{c: c, name: ti}
}

func (s *accountScreen) step() flow.StepID { return flow.StepAccount }
func (s *accountScreen) title() string     { return "Microsoft account" }
func (s *accountScreen) help() []key.Binding {
	k := s.c.keys
	return []key.Binding{k.Move, k.Next, k.Back, k.Quit}
}

func (s *accountScreen) enter() tea.Cmd {
	s.cursor, s.err, s.checking = 0, "", false
	if s.c.answers.Account == flow.AccountNew {
		s.cursor = 1
		s.name.SetValue(strings.TrimSuffix(s.c.answers.Domain, ".onmicrosoft.com"))
		return s.name.Focus()
	}
	return nil
}

func (s *accountScreen) update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case subdomainCheckedMsg:
		return s.checked(msg)
	case tea.PasteMsg:
		if s.cursor == 1 {
			var cmd tea.Cmd
			s.name, cmd = s.name.Update(msg)
			return cmd
		}
	case tea.KeyPressMsg:
		return s.key(msg)
	}
	return nil
}

func (s *accountScreen) key(kp tea.KeyPressMsg) tea.Cmd {
	k := s.c.keys
	switch {
	case s.checking:
		return nil
	case key.Matches(kp, k.Up):
		s.cursor, s.err = 0, ""
		s.name.Blur()
	case key.Matches(kp, k.Down):
		s.cursor, s.err = 1, ""
		return s.name.Focus()
	case key.Matches(kp, k.Back):
		return s.c.backFrom(flow.StepAccount)
	case key.Matches(kp, k.Next):
		return s.choose()
	case s.cursor == 1:
		var cmd tea.Cmd
		s.name, cmd = s.name.Update(kp)
		s.err = ""
		return cmd
	}
	return nil
}

func (s *accountScreen) choose() tea.Cmd {
	if s.cursor == 0 {
		s.c.answers.Account = flow.AccountExisting
		s.c.answers.Domain = ""
		return s.c.forward(flow.StepAccount)
	}
	domain, err := flow.ValidateInitialDomain(s.name.Value())
	if err != nil {
		s.err = sanitize(err.Error())
		return nil
	}
	s.checking, s.err = true, ""
	b, ctx := s.c.backend, s.c.ctx
	return func() tea.Msg {
		ok, sugg, err := b.CheckSubdomain(ctx, domain)
		return subdomainCheckedMsg{domain: domain, available: ok, suggestions: sugg, err: err}
	}
}

func (s *accountScreen) checked(msg subdomainCheckedMsg) tea.Cmd {
	s.checking = false
	switch {
	case msg.err != nil && !errors.Is(msg.err, context.Canceled):
		s.err = "The name could not be checked. " + sanitize(flow.Explain(msg.err)) + " Try again."
	case msg.err != nil:
	case !msg.available:
		s.err = sanitizeN(msg.domain, 60) + " is taken."
		if len(msg.suggestions) > 0 {
			s.err += " Free: " + sanitizeN(strings.Join(msg.suggestions, ", "), 200)
		}
	default:
		s.c.answers.Account, s.c.answers.Domain = flow.AccountNew, msg.domain
		return s.c.forward(flow.StepAccount)
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
	opt(1, "Create a new Microsoft account", "Choose its name: name.onmicrosoft.com", false)
	if s.cursor == 1 {
		b.WriteString("      " + s.name.View() + ".onmicrosoft.com\n\n")
	}
	switch {
	case s.checking:
		b.WriteString(st.Subtle.Render("Checking the name with Microsoft…"))
	case s.err != "":
		b.WriteString(st.Error.Width(s.c.bodyWidth()).Render(s.err))
	}
	return b.String()
}
