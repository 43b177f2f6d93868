package ui

import (
	"context"
	"os"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"onboard/flow"
)

// state is the screen the wizard shows.
type state int

const (
	stateLoading state = iota // looking for a draft to resume
	stateResume
	stateLicenses
	stateAccount
	stateDetails
	stateAgreement
	stateAdmin
	stateConsent
	stateCreateAccount // the new-account path's stand-in for admin and consent
	stateReview        // review and pay
	stateProcessing
	stateDone
	stateAssign
	statePayOrder // pay for an order an agent prepared
	stateGDAP     // approve the admin relationship (gdap.go)

	// Agent mode (agent.go).
	stateSubdomain
	stateInvitation
	stateCreate
	stateAgentDone
)

// Model is the root model of the wizard.
type Model struct {
	c         *common
	state     state
	screens   map[state]screen
	sandbox   bool
	demo      []DemoAccount
	showDemo  bool
	demoTop   int          // the demo panel's first line shown (it scrolls)
	draftCode string       // the draft this sign-up writes: saved or resumed
	drafts    *draftKeeper // serialises its saves and the final drop
	draftWarn string
	// editGen counts keys on screens that save drafts; savedAnswers is
	// what the last save wrote (see typed and draftIdle in draft.go).
	editGen      int
	savedAnswers flow.Answers
	ahead        typeAhead // keys typed while a form moves focus
	pasteWarn    string    // an oversized paste was cut; cleared by the next key
	kiosk        bool      // run by the kiosk wrapper: no quit key is offered
	ready        func(context.Context) error
	startErr     error // what it runs on did not start; Run returns it

	sandboxPay bool // a real Microsoft with the sandbox checkout: SANDBOX PAYMENTS
}

// New builds the wizard. Use Run to show it in a terminal; tests drive the
// model directly.
func New(opts Options) *Model {
	c := &common{
		ctx:      context.Background(),
		styles:   NewStyles(opts.NoColor || os.Getenv("NO_COLOR") != ""),
		keys:     DefaultKeyMap(),
		backend:  opts.Backend,
		browser:  opts.Browser,
		catalog:  opts.Catalog,
		provider: opts.Provider,
		terminal: opts.Terminal,
		now:      opts.Now,
		poll:     opts.PollInterval,
		width:    minWidth,
		height:   minHeight,
	}
	if c.browser == nil {
		c.browser = SystemBrowser{}
	}
	if c.now == nil {
		c.now = time.Now
	}
	if c.poll <= 0 {
		c.poll = 2 * time.Second
	}
	if c.provider == "" {
		c.provider = opts.Catalog.Provider
	}
	c.answers.Mode = flow.ModeCustomer
	if opts.Mode == flow.ModeAgent {
		c.answers.Mode = flow.ModeAgent
		c.agent = agentState{name: opts.Agent}
	}
	c.answers.Account = flow.AccountExisting
	c.setLang(opts.Locale)
	if _, ok := flow.CountryByCode(opts.Country); ok {
		c.country = opts.Country
	}
	m := &Model{c: c, sandbox: opts.Sandbox, demo: opts.DemoAccounts, ready: opts.Ready, drafts: &draftKeeper{}}
	m.sandboxPay = opts.SandboxPayments && !opts.Sandbox
	m.screens = map[state]screen{
		stateLoading:       &loadingScreen{c: c},
		stateResume:        &resumeScreen{c: c},
		stateLicenses:      newLicensesScreen(c),
		stateAccount:       newAccountScreen(c),
		stateDetails:       &detailsScreen{c: c},
		stateAgreement:     &agreementScreen{c: c},
		stateAdmin:         newAdminScreen(c),
		stateConsent:       newConsentScreen(c),
		stateCreateAccount: &createAccountScreen{c: c},
		stateReview:        newReviewScreen(c),
		stateProcessing:    &processingScreen{c: c},
		stateDone:          &doneScreen{c: c},
		stateAssign:        newAssignScreen(c),
		statePayOrder:      &payOrderScreen{c: c},
		stateGDAP:          newGDAPScreen(c),

		stateSubdomain:  newSubdomainScreen(c),
		stateInvitation: newInvitationScreen(c),
		stateCreate:     &createScreen{c: c},
		stateAgentDone:  &agentDoneScreen{c: c},
	}
	return m
}

func (m *Model) active() screen { return m.screens[m.state] }

// Init looks for a draft this terminal left behind.
func (m *Model) Init() tea.Cmd {
	return tea.Batch(m.waitReady(), m.findDraft())
}

// readyMsg reports whether what the wizard runs on (database, Microsoft,
// payments) started.
type readyMsg struct{ err error }

// waitReady ends the wizard with a plain error when what it runs on could
// not start, rather than letting every later step fail vaguely.
func (m *Model) waitReady() tea.Cmd {
	ready, ctx := m.ready, m.c.ctx
	if ready == nil {
		return nil
	}
	return func() tea.Msg { return readyMsg{err: ready(ctx)} }
}

func (m *Model) findDraft() tea.Cmd {
	c, kiosk := m.c, m.kiosk
	return func() tea.Msg {
		if kiosk {
			// A kiosk never offers one: whoever comes next is a stranger
			// to the sign-up left there (also after a restart).
			return draftFoundMsg{}
		}
		d, ok, err := c.backend.LatestDraft(c.ctx, c.draftTerminal())
		return draftFoundMsg{draft: d, found: ok, err: err}
	}
}

// Update routes a message: global keys first, then the active screen.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if p, ok := msg.(tea.PasteMsg); ok {
		msg = m.boundPaste(p)
	}
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.c.width, m.c.height = msg.Width, msg.Height
	case tea.KeyPressMsg:
		m.pasteWarn = ""
		if cmd, handled := m.globalKey(msg); handled {
			return m, cmd
		}
	case readyMsg:
		if msg.err != nil {
			m.startErr = msg.err
			return m, tea.Quit
		}
		return m, nil
	case draftFoundMsg:
		return m, m.switchScreens(m.draftFound(msg))
	case saveDraftMsg:
		return m, m.saveDraft(msg.step)
	case draftSavedMsg:
		m.draftSaved(msg)
		return m, nil
	case draftDroppedMsg:
		return m, nil
	case draftIdleMsg:
		return m, m.draftIdle(msg)
	case draftLoadedMsg:
		if msg.err == nil && m.state == stateResume {
			// Later saves and a kiosk's wipe must hit the resumed draft,
			// not leave it behind under a new code.
			m.draftCode = msg.code
			m.drafts.adopt(msg.code)
		}
	}
	switch msg.(type) {
	case tea.KeyPressMsg, tea.PasteMsg:
		return m, m.updateTyping(msg)
	case typeAheadExpiredMsg:
		if msg.(typeAheadExpiredMsg).gen == m.ahead.gen {
			return m, m.settle(true)
		}
		return m, nil
	}
	cmd := m.switchScreens(m.active().update(msg))
	return m, tea.Batch(cmd, m.settle(false))
}

// switchScreens performs the screen changes asked for while handling a
// message (entering a screen may itself move on, e.g. a resumed order).
func (m *Model) switchScreens(cmd tea.Cmd) tea.Cmd {
	for i := 0; m.c.next != nil && i < 8; i++ {
		next := *m.c.next
		m.c.next = nil
		cmd = tea.Batch(cmd, m.goTo(next))
	}
	return cmd
}

func (m *Model) globalKey(msg tea.KeyPressMsg) (tea.Cmd, bool) {
	k := m.c.keys
	switch {
	case key.Matches(msg, k.Quit):
		return tea.Interrupt, true
	case m.demoAvailable() && key.Matches(msg, k.Demo):
		m.showDemo = !m.showDemo
		return nil, true
	case m.showDemo && key.Matches(msg, k.Back):
		m.showDemo = false
		return nil, true
	case m.showDemo && !m.tooSmall():
		switch msg.String() {
		case "up", "k":
			m.demoTop--
		case "down", "j":
			m.demoTop++
		case "pgup":
			m.demoTop -= max(m.c.bodyHeight()-3, 1)
		case "pgdown", "space":
			m.demoTop += max(m.c.bodyHeight()-3, 1)
		case "home":
			m.demoTop = 0
		}
		return nil, true // the panel covers the screen: its keys go nowhere else
	case m.tooSmall() || m.showDemo:
		return nil, true // nothing to act on is visible
	}
	return nil, false
}

func (m *Model) demoAvailable() bool { return m.sandbox && len(m.demo) > 0 }

func (m *Model) tooSmall() bool { return m.c.width < minWidth || m.c.height < minHeight }

// goTo switches screens. Moving forward saves a draft of the answers (never
// the password, which is not part of them) where flow.SavesDraft says so.
// Reaching Done ends the draft: nothing is left to resume, so it is dropped
// and its code forgotten.
func (m *Model) goTo(msg goMsg) tea.Cmd {
	if m.finished() && msg.to != m.state {
		// The next sign-up (an agent's next customer) gets its own draft.
		m.drafts, m.draftCode, m.savedAnswers = &draftKeeper{}, "", flow.Answers{}
	}
	m.state = msg.to
	cmd := m.active().enter()
	if m.finished() {
		var drop func(context.Context, string) error
		if m.c.backend != nil {
			drop = m.c.backend.DropDraft
		}
		return tea.Batch(cmd, m.endDrafts(drop))
	}
	if msg.forward {
		return tea.Batch(cmd, m.saveDraft(m.active().step()))
	}
	return cmd
}

// finished reports whether the sign-up reached its end (Done, or an
// agent's order created).
func (m *Model) finished() bool { return m.state == stateDone || m.state == stateAgentDone }

// View draws header, body and footer, or the too-small notice.
func (m *Model) View() tea.View {
	v := tea.NewView(m.render())
	v.AltScreen = true
	v.WindowTitle = m.c.provider
	return v
}
