package ui

import (
	"fmt"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"onboard/flow"
)

type (
	draftFoundMsg struct {
		draft flow.Draft
		found bool
		err   error
	}
	draftSavedMsg struct {
		draft flow.Draft
		err   error
	}
	draftLoadedMsg struct {
		step    flow.StepID
		answers flow.Answers
		err     error
	}
	// saveDraftMsg asks the root to save the answers with step as the
	// place to resume.
	saveDraftMsg struct{ step flow.StepID }
)

func saveDraftCmd(step flow.StepID) tea.Cmd {
	return func() tea.Msg { return saveDraftMsg{step: step} }
}

// saveDraft saves a copy of the answers; the copy is taken now so later
// edits do not race the save.
func (m *Model) saveDraft(step flow.StepID) tea.Cmd {
	c, code, a := m.c, m.draftCode, m.c.answers
	return func() tea.Msg {
		d, err := c.backend.SaveDraft(c.ctx, code, c.terminal, step, a)
		return draftSavedMsg{draft: d, err: err}
	}
}

func (m *Model) draftSaved(msg draftSavedMsg) {
	if msg.err != nil {
		// Not fatal: the sign-up goes on, it just cannot be resumed.
		m.draftWarn = "Progress could not be saved; finish the sign-up in one go."
		return
	}
	m.draftWarn = ""
	if msg.draft.Code != "" {
		m.draftCode = msg.draft.Code
	}
}

func (m *Model) draftFound(msg draftFoundMsg) tea.Cmd {
	if msg.err != nil || !msg.found {
		return m.c.goTo(stateLicenses, false)
	}
	r := m.screens[stateResume].(*resumeScreen)
	r.draft = msg.draft
	return m.c.goTo(stateResume, false)
}

// stateOfStep is where a resumed draft continues. Steps after the
// invitation continue there too: the order then moves on by itself.
func stateOfStep(s flow.StepID, a flow.Answers) state {
	switch s {
	case flow.StepLicenses:
		return stateLicenses
	case flow.StepAccount:
		return stateAccount
	case flow.StepDetails:
		return stateDetails
	case flow.StepAgreement:
		return stateAgreement
	case flow.StepAdmin:
		return stateAdmin
	}
	if a.Account == flow.AccountNew {
		return stateCreateAccount // idempotent: shows the account made before
	}
	return stateConsent
}

// loadingScreen shows while the wizard looks for a draft.
type loadingScreen struct{ c *common }

func (s *loadingScreen) enter() tea.Cmd         { return nil }
func (s *loadingScreen) update(tea.Msg) tea.Cmd { return nil }
func (s *loadingScreen) view() string           { return s.c.styles.Subtle.Render("Starting…") }
func (s *loadingScreen) help() []key.Binding    { return []key.Binding{s.c.keys.Quit} }
func (s *loadingScreen) step() flow.StepID      { return flow.StepLicenses }
func (s *loadingScreen) title() string          { return "Welcome" }

// resumeScreen offers to continue an unfinished sign-up of this terminal.
type resumeScreen struct {
	c       *common
	draft   flow.Draft
	loading bool
	err     string
}

func (s *resumeScreen) enter() tea.Cmd    { s.loading, s.err = false, ""; return nil }
func (s *resumeScreen) step() flow.StepID { return flow.StepLicenses }
func (s *resumeScreen) title() string     { return "Welcome back" }
func (s *resumeScreen) help() []key.Binding {
	return []key.Binding{s.c.keys.Resume, s.c.keys.StartNew, s.c.keys.Quit}
}

func (s *resumeScreen) update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case tea.KeyPressMsg:
		if s.loading {
			return nil
		}
		switch {
		case key.Matches(msg, s.c.keys.Resume):
			s.loading = true
			c, code := s.c, s.draft.Code
			return func() tea.Msg {
				step, a, err := c.backend.LoadDraft(c.ctx, code)
				return draftLoadedMsg{step: step, answers: a, err: err}
			}
		case key.Matches(msg, s.c.keys.StartNew):
			return s.c.goTo(stateLicenses, false)
		}
	case draftLoadedMsg:
		s.loading = false
		if msg.err != nil {
			s.err = fmt.Sprintf("The saved sign-up could not be opened (%s). Press n to start over.", sanitize(msg.err.Error()))
			return nil
		}
		s.c.answers = msg.answers
		s.c.answers.Mode = flow.ModeCustomer
		return s.c.goTo(stateOfStep(msg.step, msg.answers), false)
	}
	return nil
}

func (s *resumeScreen) view() string {
	st := s.c.styles
	when := s.draft.UpdatedAt.In(s.c.now().Location()).Format("2 Jan 2006 15:04")
	out := st.Title.Render("An unfinished sign-up was saved on this terminal") + "\n\n" +
		st.Text.Render(fmt.Sprintf("Saved %s, reference %s.", when, sanitize(s.draft.Code))) + "\n\n" +
		"Press Enter to continue where it stopped, or n to start over.\n"
	switch {
	case s.loading:
		out += "\n" + st.Subtle.Render("Opening the saved sign-up…")
	case s.err != "":
		out += "\n" + st.Error.Render(s.err)
	}
	return out
}
