package ui

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"sync"
	"time"

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
	// draftIdleMsg: typing paused; gen tells whether keys came since.
	draftIdleMsg struct{ gen int }
)

// draftIdle is how long typing pauses before what was typed so far is
// saved: a crash or a walk-away in the middle of a form loses at most the
// last moments, without writing on every key.
const draftIdle = 2 * time.Second

// typed notes a key or paste on the active screen and schedules a save of
// the answers once typing pauses (forms bind their fields to the answers).
func (m *Model) typed() tea.Cmd {
	if m.c.backend == nil || !flow.SavesDraft(m.c.answers.Mode, m.active().step()) {
		return nil
	}
	m.editGen++
	gen := m.editGen
	return tea.Tick(draftIdle, func(time.Time) tea.Msg { return draftIdleMsg{gen: gen} })
}

// draftIdle saves the answers in progress when no key came since msg was
// scheduled and they changed since the last save.
func (m *Model) draftIdle(msg draftIdleMsg) tea.Cmd {
	if msg.gen != m.editGen || m.finished() || reflect.DeepEqual(m.c.answers, m.savedAnswers) {
		return nil
	}
	return m.saveDraft(m.active().step())
}

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
	a.Lines = slices.Clone(a.Lines) // the copy must not share what later edits change
	m.savedAnswers = a
	return func() tea.Msg { return k.save(c.ctx, c.backend, c.draftTerminal(), step, a) }
}

// endDrafts forgets the sign-up's draft for good and, with drop (nil:
// keep it), deletes it: after Done there is nothing to resume, and a kiosk
// wipe must leave nothing behind for the next person.
func (m *Model) endDrafts(drop func(context.Context, string) error) tea.Cmd {
	m.draftCode = ""
	k, ctx := m.drafts, m.c.ctx
	return func() tea.Msg { return k.close(ctx, drop) }
}

// draftTerminal is where drafts are kept: this terminal's for customers;
// an agent's are theirs on it, never offered to a customer who sits down
// at the same terminal (nor a customer's to the agent).
func (c *common) draftTerminal() string {
	if c.agentMode() {
		return "agent:" + c.agent.name + "@" + c.terminal
	}
	return c.terminal
}

func (m *Model) draftSaved(msg draftSavedMsg) {
	if msg.err != nil {
		// Not fatal: the sign-up goes on, it just cannot be resumed.
		m.draftWarn = m.c.t("DraftNotSaved")
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
	r.answers, r.stoppedAt = flow.Answers{}, ""
	if a, err := msg.draft.Answers(); err == nil {
		r.answers = a
		if a.Language != "" && !m.c.agentMode() {
			m.c.setLang(a.Language) // its customer's language
		}
		st := stateOfStep(flow.StepID(msg.draft.Step), a)
		if m.c.agentMode() {
			st = agentStateOfStep(flow.StepID(msg.draft.Step), flow.Order{})
		}
		r.stoppedAt = m.screens[st].title()
	}
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

// agentStateOfStep is where an agent's resumed draft continues: at its
// step, or, once the order exists, at creating it (idempotent: the same
// order comes back and the agent's last screen shows it).
func agentStateOfStep(s flow.StepID, o flow.Order) state {
	if o.ID != "" {
		return stateCreate
	}
	if st, ok := agentScreens[s]; ok {
		return st
	}
	return stateLicenses
}

// loadingScreen shows while the wizard looks for a draft.
type loadingScreen struct{ c *common }

func (s *loadingScreen) enter() tea.Cmd         { return nil }
func (s *loadingScreen) update(tea.Msg) tea.Cmd { return nil }
func (s *loadingScreen) view() string           { return s.c.styles.Subtle.Render(s.c.t("Starting")) }
func (s *loadingScreen) help() []key.Binding    { return []key.Binding{s.c.keys.Quit} }
func (s *loadingScreen) step() flow.StepID      { return "" } // before any step: no "Step n of m"
func (s *loadingScreen) title() string          { return s.c.t("Welcome") }

// resumeScreen offers to continue an unfinished sign-up of this terminal.
type resumeScreen struct {
	c         *common
	draft     flow.Draft
	answers   flow.Answers // what the draft holds, to say whose it is
	stoppedAt string       // the title of the screen it continues at
	loading   bool
	err       string
}

func (s *resumeScreen) enter() tea.Cmd    { s.loading, s.err = false, ""; return nil }
func (s *resumeScreen) step() flow.StepID { return "" } // before any step: no "Step n of m"
func (s *resumeScreen) title() string     { return s.c.t("WelcomeBack") }
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
			s.err = s.c.t("DraftOpenFailed", "Error", explained(s.c.loc.Error(msg.err)))
			return nil
		}
		mode := s.c.answers.Mode // the draft was found under this mode's terminal key
		s.c.answers = msg.answers
		s.c.answers.Mode = mode
		s.c.order = msg.order
		if msg.answers.Language != "" {
			s.c.setLang(msg.answers.Language) // the customer's choice lasts
		}
		if mode == flow.ModeAgent {
			return s.c.goTo(agentStateOfStep(msg.step, msg.order), false)
		}
		return s.c.goTo(stateOfStep(msg.step, msg.answers), false)
	}
	return nil
}

func (s *resumeScreen) view() string {
	st := s.c.styles
	updated := s.draft.UpdatedAt.In(s.c.now().Location())
	when := s.c.loc.Date(updated) + " " + updated.Format("15:04")
	heading := s.c.t("ResumeHeading")
	if s.c.agentMode() {
		heading = s.c.t("ResumeHeadingAgent")
	}
	out := st.Title.Render(heading) + "\n\n" +
		s.what() +
		st.Text.Render(s.c.t("ResumeSaved", "When", when, "Code", sanitize(s.draft.Code))) + "\n\n" +
		s.c.t("ResumeHow") + "\n"
	switch {
	case s.loading:
		out += "\n" + st.Subtle.Render(s.c.t("ResumeOpening"))
	case s.err != "":
		out += "\n" + st.Error.Render(s.err)
	}
	return out
}

// what says whose sign-up the draft is: the company, the licenses chosen
// and the step it stopped at, so the person in front of the terminal knows
// whether it is theirs.
func (s *resumeScreen) what() string {
	a, st := s.answers, s.c.styles
	row := func(label, value string) string {
		return st.Subtle.Render(padCells(label, 12)) + st.Text.Render(value) + "\n"
	}
	company := sanitizeN(strings.TrimSpace(a.Company), 60)
	if company == "" {
		company = s.c.t("ResumeNotEntered")
	}
	out := row(s.c.t("ResumeCompany"), company)
	var lines []string
	for _, l := range a.Lines {
		name := l.OfferID
		if o, ok := s.c.catalog.Offer(l.OfferID); ok {
			name = o.Name
		}
		lines = append(lines, fmt.Sprintf("%d × %s", l.Seats, sanitizeN(name, 50)))
	}
	if len(lines) > 0 {
		out += row(s.c.t("ResumeLicenses"), strings.Join(lines, ", "))
	}
	if s.stoppedAt != "" {
		out += row(s.c.t("ResumeStoppedAt"), s.stoppedAt)
	}
	return out + "\n"
}
