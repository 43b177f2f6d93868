package ui

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"onboard/flow"
)

type subdomainCheckedMsg struct {
	gen         int // the name's edit it answers; older answers are dropped
	domain      string
	available   bool
	suggestions []string
	err         error
}

// nameIdleMsg: typing of the new account's name paused (edit gen).
type nameIdleMsg struct{ gen int }

// nameCheckDelay is the pause in typing after which the name is checked
// with Microsoft: checked as it is typed, without a call per key.
const nameCheckDelay = 400 * time.Millisecond

// accountScreen asks whether the customer already has a Microsoft account.
// Creating a new one needs a backend that can; otherwise the choice is
// shown disabled as coming soon, so customers pick the right path today.
type accountScreen struct {
	c      *common
	cursor int
	name   textinput.Model
	// gen counts edits of the name; checked is the answer for the edit
	// gen names (its domain "" while none came).
	gen     int
	checked subdomainCheckedMsg
	pick    int  // the suggestion highlighted, -1: the name field
	submit  bool // Enter was pressed: move on once the check says free
	err     string
}

func newAccountScreen(c *common) *accountScreen {
	ti := textinput.New()
	ti.Prompt = "Name: "
	// An instruction, not a name: an example name could be taken.
	ti.Placeholder = "your company's name"
	ti.CharLimit = flow.MaxInitialDomain
	ti.SetWidth(30)
	return &accountScreen{c: c, name: ti}
}

func (s *accountScreen) step() flow.StepID { return flow.StepAccount }
func (s *accountScreen) title() string     { return s.c.t("AccountTitle") }
func (s *accountScreen) help() []key.Binding {
	k := s.c.keys
	if n := len(s.suggestions()); n > 0 && s.pick >= 0 {
		take := s.c.helpKey("enter", "enter/1–"+fmt.Sprint(n), "KeyTakeName")
		return []key.Binding{k.Move, take, k.Back, k.Quit}
	} else if n > 0 {
		pick := s.c.helpKey("down", "↓", "KeyPickName")
		return []key.Binding{pick, k.Next, k.Back, k.Quit}
	}
	return []key.Binding{k.Move, k.Next, k.Back, k.Quit}
}

func (s *accountScreen) enter() tea.Cmd {
	s.name.Prompt = s.c.t("AccountNamePrompt")
	s.name.Placeholder = s.c.t("AccountNamePlaceholder")
	s.cursor, s.err, s.submit, s.pick = 0, "", false, -1
	s.gen++
	s.checked = subdomainCheckedMsg{}
	if s.c.answers.Account == flow.AccountNew {
		s.cursor = 1
		s.name.SetValue(strings.TrimSuffix(s.c.answers.Domain, ".onmicrosoft.com"))
		return tea.Batch(s.name.Focus(), s.edited())
	}
	return nil
}

// suggestions are the free names offered for the name as typed now.
func (s *accountScreen) suggestions() []string {
	if s.cursor != 1 || s.checked.gen != s.gen || s.checked.available || s.checked.err != nil {
		return nil
	}
	return s.checked.suggestions
}

// edited starts a new edit of the name: the answer for the old one no
// longer counts, and a valid name is checked once typing pauses.
func (s *accountScreen) edited() tea.Cmd {
	s.gen++
	s.pick, s.err = -1, ""
	if _, err := flow.ValidateInitialDomain(s.name.Value()); err != nil {
		return nil
	}
	gen := s.gen
	return tea.Tick(nameCheckDelay, func(time.Time) tea.Msg { return nameIdleMsg{gen: gen} })
}

// check asks flow whether the name of edit gen is free.
func (s *accountScreen) check(gen int) tea.Cmd {
	domain, err := flow.ValidateInitialDomain(s.name.Value())
	if err != nil || gen != s.gen {
		return nil
	}
	b, ctx := s.c.backend, s.c.ctx
	return func() tea.Msg {
		ok, sugg, err := b.CheckSubdomain(ctx, domain)
		return subdomainCheckedMsg{gen: gen, domain: domain, available: ok, suggestions: sugg, err: err}
	}
}

func (s *accountScreen) update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case subdomainCheckedMsg:
		return s.answered(msg)
	case nameIdleMsg:
		return s.check(msg.gen)
	case tea.PasteMsg:
		if s.cursor == 1 {
			var cmd tea.Cmd
			s.name, cmd = s.name.Update(msg)
			return tea.Batch(cmd, s.edited())
		}
	case tea.KeyPressMsg:
		return s.key(msg)
	}
	return nil
}

func (s *accountScreen) key(kp tea.KeyPressMsg) tea.Cmd {
	k := s.c.keys
	sugg := s.suggestions()
	switch {
	case s.submit:
		return nil // moving on once the check answers
	case s.pick >= 0 && len(kp.Text) == 1 && kp.Text[0] >= '1' && int(kp.Text[0]-'0') <= len(sugg):
		return s.take(sugg[kp.Text[0]-'1'])
	case s.pick >= 0 && key.Matches(kp, k.Up):
		s.pick--
	case s.pick >= 0 && key.Matches(kp, k.Down):
		s.pick = min(s.pick+1, len(sugg)-1)
	case s.pick >= 0 && key.Matches(kp, k.Next):
		return s.take(sugg[s.pick])
	case s.cursor == 1 && len(sugg) > 0 && key.Matches(kp, k.Down):
		s.pick = 0
	case key.Matches(kp, k.Up):
		s.cursor, s.err, s.pick = 0, "", -1
		s.name.Blur()
	case key.Matches(kp, k.Down):
		s.cursor, s.err = 1, ""
		return tea.Batch(s.name.Focus(), s.edited())
	case key.Matches(kp, k.Back):
		return s.c.backFrom(flow.StepAccount)
	case key.Matches(kp, k.Next):
		return s.choose()
	case s.cursor == 1:
		before := s.name.Value()
		var cmd tea.Cmd
		s.name, cmd = s.name.Update(kp)
		if s.name.Value() != before {
			cmd = tea.Batch(cmd, s.edited())
		}
		return cmd
	}
	return nil
}

// take puts a suggested free name into the field and moves on with it.
func (s *accountScreen) take(domain string) tea.Cmd {
	s.name.SetValue(strings.TrimSuffix(domain, flow.InitialDomainSuffix))
	s.name.CursorEnd()
	s.edited()
	s.pick = -1
	return s.choose()
}

// choose moves on with the existing account, or with the new name once
// Microsoft said it is free (asking now if it has not answered yet).
func (s *accountScreen) choose() tea.Cmd {
	if s.cursor == 0 {
		s.c.answers.Account = flow.AccountExisting
		s.c.answers.Domain = ""
		return s.c.forward(flow.StepAccount)
	}
	if _, err := flow.ValidateInitialDomain(s.name.Value()); err != nil {
		s.err = explained(s.c.loc.Error(err))
		return nil
	}
	if s.checked.gen == s.gen && s.checked.err == nil {
		return s.answered(s.checked)
	}
	s.submit, s.err = true, ""
	if s.checked.gen == s.gen { // the last check failed: ask again
		s.gen++
	}
	return s.check(s.gen)
}

// answered records Microsoft's answer for the name; after Enter a free
// name moves on.
func (s *accountScreen) answered(msg subdomainCheckedMsg) tea.Cmd {
	if msg.gen != s.gen {
		return nil // the name changed since
	}
	s.checked = msg
	submit := s.submit
	s.submit = false
	switch {
	case msg.err != nil && !errors.Is(msg.err, context.Canceled):
		s.err = s.c.t("AccountCheckFailed", "Why", explained(s.c.explain(msg.err)))
	case submit && msg.err == nil && msg.available:
		s.c.answers.Account, s.c.answers.Domain = flow.AccountNew, msg.domain
		return s.c.forward(flow.StepAccount)
	}
	return nil
}

func (s *accountScreen) view() string {
	st := s.c.styles
	var b strings.Builder
	b.WriteString(s.c.t("AccountQuestion") + "\n\n")
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
	opt(0, s.c.t("AccountExisting"), s.c.t("AccountExistingNote"), false)
	opt(1, s.c.t("AccountNew"), s.c.t("AccountNewNote"), false)
	if s.cursor == 1 {
		b.WriteString("      " + s.name.View() + ".onmicrosoft.com\n\n")
		s.nameStatus(&b)
	}
	if s.err != "" {
		b.WriteString(st.Error.Width(s.c.bodyWidth()).Render(s.err))
	}
	return b.String()
}

// nameStatus says what is known of the name as typed: nothing while it is
// empty, what to fix, checking, free, or taken with free names to pick.
func (s *accountScreen) nameStatus(b *strings.Builder) {
	st := s.c.styles
	w := s.c.bodyWidth() - 6
	domain, err := flow.ValidateInitialDomain(s.name.Value())
	switch {
	case strings.TrimSpace(s.name.Value()) == "" || s.err != "":
	case err != nil:
		b.WriteString(st.Error.Width(w).MarginLeft(6).Render(explained(s.c.loc.Error(err))) + "\n")
	case s.checked.gen != s.gen:
		b.WriteString(st.Subtle.Render("      "+s.c.t("AccountChecking", "Domain", sanitizeN(domain, 60))) + "\n")
	case s.checked.err != nil:
	case s.checked.available:
		b.WriteString(st.Success.Render("      ✓ "+s.c.t("AccountFree", "Domain", sanitizeN(domain, 60))) + "\n")
	default:
		b.WriteString(st.Error.Width(w).MarginLeft(6).Render(s.c.t("AccountTaken", "Domain", sanitizeN(domain, 60))) + "\n")
		sugg := s.checked.suggestions
		if len(sugg) == 0 {
			b.WriteString(st.Subtle.Render("      "+s.c.t("AccountTryAnother")) + "\n")
			return
		}
		b.WriteString(st.Subtle.Render("      "+s.c.t("AccountFreeNames")) + "\n")
		for i, d := range sugg {
			line := fmt.Sprintf("      %d  %s", i+1, sanitizeN(d, 60))
			if i == s.pick {
				line = st.Cursor.Render("    › " + line[6:])
			}
			b.WriteString(line + "\n")
		}
	}
}
