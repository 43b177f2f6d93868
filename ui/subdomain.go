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

type domainFoundMsg struct {
	domain string
	found  bool
	err    error
}

// subdomainScreen asks the agent for the customer's initial domain
// (name.onmicrosoft.com) and looks it up at Microsoft, so an order is only
// made for an account that exists.
type subdomainScreen struct {
	c        *common
	input    textinput.Model
	checking bool
	err      string
}

func newSubdomainScreen(c *common) *subdomainScreen {
	ti := textinput.New()
	ti.Prompt = "Initial domain: "
	ti.Placeholder = "contoso"
	ti.CharLimit = flow.MaxInitialDomain + len(flow.InitialDomainSuffix)
	ti.SetWidth(50)
	return &subdomainScreen{c: c, input: ti}
}

func (s *subdomainScreen) step() flow.StepID { return flow.StepSubdomain }
func (s *subdomainScreen) title() string     { return s.c.t("SubdomainTitle") }
func (s *subdomainScreen) help() []key.Binding {
	k := s.c.keys
	return []key.Binding{s.c.helpKey("enter", "enter", "KeyLookUp"), k.Back, k.Quit}
}

func (s *subdomainScreen) enter() tea.Cmd {
	s.checking, s.err = false, ""
	s.input.SetValue(strings.TrimSuffix(s.c.answers.Domain, flow.InitialDomainSuffix))
	s.input.CursorEnd()
	return s.input.Focus()
}

func (s *subdomainScreen) update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case domainFoundMsg:
		return s.found(msg)
	case tea.KeyPressMsg:
		switch {
		case s.checking:
			return nil
		case key.Matches(msg, s.c.keys.Back):
			return s.c.backFrom(flow.StepSubdomain)
		case key.Matches(msg, s.c.keys.Next):
			return s.lookUp()
		}
	case tea.PasteMsg:
	default:
		return nil
	}
	if s.checking {
		return nil
	}
	var cmd tea.Cmd
	s.input, cmd = s.input.Update(msg)
	s.err = ""
	return cmd
}

// lookUp validates what was typed, then asks Microsoft whether it exists.
func (s *subdomainScreen) lookUp() tea.Cmd {
	domain, err := flow.ValidateInitialDomain(s.input.Value())
	if err != nil {
		s.err = explained(s.c.loc.Error(err))
		return nil
	}
	dc := s.c.backend
	s.checking, s.err = true, ""
	ctx := s.c.ctx
	return func() tea.Msg {
		found, err := dc.CheckDomain(ctx, domain)
		return domainFoundMsg{domain: domain, found: found, err: err}
	}
}

func (s *subdomainScreen) found(msg domainFoundMsg) tea.Cmd {
	s.checking = false
	switch {
	case errors.Is(msg.err, context.Canceled):
	case msg.err != nil:
		s.err = s.c.t("SubdomainLookupFailed", "Why", explained(s.c.explain(msg.err)))
	case !msg.found:
		s.err = s.c.t("SubdomainNoSuch", "Domain", sanitizeN(msg.domain, 60))
	default:
		a := &s.c.answers
		if a.Domain != msg.domain {
			// Another account: an acceptance seen for the old one does not count.
			a.TenantID, s.c.agent.accepted = "", false
		}
		a.Account, a.Domain = flow.AccountExisting, msg.domain
		return s.c.forward(flow.StepSubdomain)
	}
	return nil
}

func (s *subdomainScreen) view() string {
	st := s.c.styles
	w := s.c.bodyWidth()
	var b strings.Builder
	b.WriteString(st.Text.Width(w).Render(s.c.t("SubdomainQuestion")) + "\n\n")
	s.input.Prompt = s.c.t("SubdomainPrompt")
	b.WriteString(s.input.View() + "\n\n")
	switch {
	case s.checking:
		b.WriteString(st.Subtle.Render(s.c.t("SubdomainLookingUp")))
	case s.err != "":
		b.WriteString(st.Error.Width(w).Render(s.err))
	default:
		b.WriteString(st.Subtle.Width(w).Render(s.c.t("SubdomainNote")))
	}
	return b.String()
}
