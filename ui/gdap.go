package ui

import (
	"errors"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"

	"onboard/flow"
)

// Issue 12 part 3: the admin relationship (GDAP) step. After the invitation
// is accepted flow requests the relationship; this screen shows its
// approval link the way the consent screen shows the invitation (open,
// copy, QR) and waits until flow reports it approved, then moves on. When
// the provider does not request GDAP it moves on at once.

type gdapCheckedMsg struct {
	gen int
	g   flow.GDAP
	err error
}

type gdapScreen struct {
	waiter
	c    *common
	link link
	g    flow.GDAP
	note string
	err  string
}

func newGDAPScreen(c *common) *gdapScreen {
	return &gdapScreen{waiter: newWaiter(c), c: c, link: link{c: c}}
}

func (s *gdapScreen) step() flow.StepID { return flow.StepGDAP }
func (s *gdapScreen) title() string {
	if s.c.agentMode() {
		return s.c.t("GDAPTitleAgent") // the agent hands the approval over
	}
	return s.c.t("GDAPTitle")
}

// gdapFinish lets an agent hand the link over and finish: the customer's
// administrator approves later, and processing waits for it.
var gdapFinish = key.NewBinding(key.WithKeys("f"), key.WithHelp("f", "finish: approved later"))

func (s *gdapScreen) help() []key.Binding {
	k := s.c.keys
	keys := []key.Binding{k.Open, k.Reopen, k.Copy}
	if s.c.agentMode() && s.link.url != "" {
		keys = []key.Binding{s.c.helpKey("f", "f", "KeyFinishApprovedLater"), k.Open, k.Copy}
	}
	if s.waiting {
		keys = append(keys, k.Cancel)
	}
	return s.c.withoutOpen(append(keys, k.Quit, k.QR))
}

func (s *gdapScreen) enter() tea.Cmd {
	s.link.set("")
	s.g, s.note, s.err = flow.GDAP{}, "", ""
	return tea.Batch(s.startRound(), s.check())
}

// check asks flow once: it requests the relationship the first time, and
// assigns the roles once it is approved.
func (s *gdapScreen) check() tea.Cmd {
	ctx, gen, b, id := s.ctx, s.gen, s.c.backend, s.c.answers.OrderID
	return func() tea.Msg {
		g, err := b.GDAPStatus(ctx, id)
		return gdapCheckedMsg{gen: gen, g: g, err: err}
	}
}

func (s *gdapScreen) update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case tea.KeyPressMsg:
		return s.key(msg)
	case spinner.TickMsg:
		return s.tick(msg)
	case browserOpenedMsg:
		s.link.opened(msg)
	case consentPollMsg:
		if msg.gen != s.gen || !s.waiting {
			return nil
		}
		return s.check()
	case gdapCheckedMsg:
		return s.checked(msg)
	}
	return nil
}

func (s *gdapScreen) checked(msg gdapCheckedMsg) tea.Cmd {
	if msg.gen != s.gen || !s.waiting {
		return nil
	}
	switch {
	case errors.Is(msg.err, flow.ErrConsentPending):
		s.stopRound()
		s.err = explained(s.c.explain(msg.err))
		return nil
	case msg.err != nil:
		s.note = s.c.t("MicrosoftStillTryingWhy", "Why", explained(s.c.explain(msg.err)))
		return s.pollLater()
	case msg.g.Ready():
		s.stopRound()
		s.c.agent.gdap = msg.g
		return s.c.forward(flow.StepGDAP)
	}
	s.note = ""
	s.g, s.c.agent.gdap = msg.g, msg.g
	if l := (flow.Link{URL: msg.g.URL, Short: msg.g.Short}); s.link.url != l.Shown() || s.link.full != l.URL {
		s.link.setLink(l)
	}
	return s.pollLater()
}

func (s *gdapScreen) key(msg tea.KeyPressMsg) tea.Cmd {
	k := s.c.keys
	switch {
	case s.c.agentMode() && s.link.url != "" && key.Matches(msg, gdapFinish):
		s.stopRound()
		return s.c.forward(flow.StepGDAP)
	case key.Matches(msg, k.QR):
		s.link.bigQR = !s.link.bigQR && s.link.qr != ""
	case s.link.url == "" && key.Matches(msg, k.Reopen):
		return tea.Batch(s.startRound(), s.check())
	case s.link.url == "":
	case key.Matches(msg, k.Open), key.Matches(msg, k.Reopen):
		if !s.waiting {
			return tea.Batch(s.link.open(), s.startRound(), s.check())
		}
		return s.link.open()
	case key.Matches(msg, k.Copy):
		return s.link.copy()
	case key.Matches(msg, k.Cancel):
		s.stopRound()
	}
	return nil
}

func (s *gdapScreen) view() string {
	st := s.c.styles
	// The agent reads this screen while the customer's administrator
	// approves: it speaks of the customer, not to them.
	heading, roles, explain := "GDAPHeading", "GDAPRoles", s.g.ExplainIn(s.c.loc)
	if s.c.agentMode() {
		heading, roles, explain = "GDAPHeadingAgent", "PlainGDAPRolesCustomer", s.g.ExplainToAgentIn(s.c.loc)
	}
	text := st.Title.Render(s.c.t(heading)) + "\n\n"
	if len(s.g.Roles) > 0 {
		text += s.c.t(roles, "Roles", sanitizeN(strings.Join(s.g.Roles, ", "), 200)) + " "
	}
	text += explained(explain)
	if s.c.agentMode() && s.link.url != "" {
		text += "\n\n" + s.c.t("GDAPHandOver")
	}
	return s.linkView(&s.link, text, s.err, s.note, waitTexts{
		waiting:    s.c.t("GDAPWaiting"),
		notWaiting: s.c.t("GDAPNotWaiting"),
		loading:    s.c.t("GDAPLoading"),
	})
}
