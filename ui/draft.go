package ui

import (
	"context"
	"fmt"
	"sync"

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
		code    string
		step    flow.StepID
		answers flow.Answers
		order   flow.Order
		err     error
	}
	// saveDraftMsg asks the root to save the answers with step as the
	// place to resume.
	saveDraftMsg struct{ step flow.StepID }
)

func saveDraftCmd(step flow.StepID) tea.Cmd {
	return func() tea.Msg { return saveDraftMsg{step: step} }
}

// draftKeeper serialises one sign-up's draft writes: saves run off the UI
// loop, and without it two saves could race (a stale one landing last, or
// two first saves making two drafts) or a save could land after the draft
// was dropped, bringing the sign-up back for the next person.
type draftKeeper struct {
	mu     sync.Mutex
	code   string // the draft this sign-up writes ("" until the first save)
	closed bool   // dropped or forgotten: no later save writes anything
}

// adopt makes a resumed draft's code the one later saves and the wipe hit.
func (k *draftKeeper) adopt(code string) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if !k.closed {
		k.code = code
	}
}

// save writes the answers at step under the sign-up's code.
func (k *draftKeeper) save(ctx context.Context, b Backend, terminal string, step flow.StepID, a flow.Answers) draftSavedMsg {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.closed {
		return draftSavedMsg{}
	}
	d, err := b.SaveDraft(ctx, k.code, terminal, step, a)
	if err == nil && d.Code != "" {
		k.code = d.Code
	}
	return draftSavedMsg{draft: d, err: err}
}

// close stops all later saves and, with drop, deletes the draft; it
// reports the code it dropped ("" when none).
func (k *draftKeeper) close(ctx context.Context, drop func(context.Context, string) error) draftDroppedMsg {
	k.mu.Lock()
	defer k.mu.Unlock()
	code := k.code
	k.code, k.closed = "", true
	if code == "" || drop == nil {
		return draftDroppedMsg{}
	}
	return draftDroppedMsg{code: code, err: drop(ctx, code)}
}

// saveDraft saves a copy of the answers; the copy is taken now so later
// edits do not race the save.
func (m *Model) saveDraft(step flow.StepID) tea.Cmd {
	if !flow.SavesDraft(m.c.answers.Mode, step) {
		return nil
	}
	c, k, a := m.c, m.drafts, m.c.answers
	return func() tea.Msg { return k.save(c.ctx, c.backend, c.terminal, step, a) }
}

// endDrafts forgets the sign-up's draft for good and, with drop (nil:
// keep it), deletes it: after Done there is nothing to resume, and a kiosk
// wipe must leave nothing behind for the next person.
func (m *Model) endDrafts(drop func(context.Context, string) error) tea.Cmd {
	m.draftCode = ""
	k, ctx := m.drafts, m.c.ctx
	return func() tea.Msg { return k.close(ctx, drop) }
}

func (m *Model) draftSaved(msg draftSavedMsg) {
	if msg.err != nil {
		// Not fatal: the sign-up goes on, it just cannot be resumed.
		m.draftWarn = "Progress could not be saved; finish the sign-up in one go."
		return
	}
	m.draftWarn = ""
	if msg.draft.Code != "" && !m.finished() {
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

// stateOfStep is where a resumed draft continues, at the step flow's
// ResumeStep decided. Consent and review continue at the invitation (or the
// new account): that screen finds the order again and moves on by its
// status.
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
	case flow.StepProcessing:
		return stateProcessing // the order is paid: carry on, never pay again
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
				step, a, o, err := c.backend.ResumeStep(c.ctx, code)
				return draftLoadedMsg{code: code, step: step, answers: a, order: o, err: err}
			}
		case key.Matches(msg, s.c.keys.StartNew):
			// Starting over deletes the draft: otherwise it would greet
			// the next person here.
			c, code := s.c, s.draft.Code
			s.draft = flow.Draft{}
			drop := func() tea.Msg { return draftDroppedMsg{code: code, err: c.backend.DropDraft(c.ctx, code)} }
			return tea.Batch(drop, s.c.goTo(stateLicenses, false))
		}
	case draftLoadedMsg:
		s.loading = false
		if msg.err != nil {
			s.err = fmt.Sprintf("The saved sign-up could not be opened (%s). Press n to start over.", sanitize(msg.err.Error()))
			return nil
		}
		s.c.answers = msg.answers
		s.c.answers.Mode = flow.ModeCustomer
		s.c.order = msg.order
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
