package ui

import (
	"context"
	"errors"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"

	"onboard/flow"
)

// invitationScreen gives the agent the invitation link to hand over (text,
// QR code, copy). The agent may wait here until Microsoft reports the
// acceptance, or go on at once: the order then waits for it.
type invitationScreen struct {
	waiter
	c    *common
	link link
	note string // transient trouble while waiting
	err  string
}

func newInvitationScreen(c *common) *invitationScreen {
	return &invitationScreen{waiter: newWaiter(c), c: c, link: link{c: c}}
}

func (s *invitationScreen) step() flow.StepID { return flow.StepInvitation }
func (s *invitationScreen) title() string     { return s.c.t("PlainStepInvitation") }
func (s *invitationScreen) help() []key.Binding {
	k, ak := s.c.keys, s.c.agent.keys
	keys := []key.Binding{ak.Continue}
	if s.waiting {
		keys = append(keys, k.Cancel)
	} else if s.link.url != "" {
		keys = append(keys, ak.Wait)
	}
	return append(keys, k.Copy, k.QR, k.Back, k.Quit)
}

func (s *invitationScreen) enter() tea.Cmd {
	s.note, s.err = "", ""
	if s.link.url != "" {
		return nil
	}
	return s.fetchURL()
}

func (s *invitationScreen) fetchURL() tea.Cmd {
	ctx, gen, b := s.c.ctx, s.gen, s.c.backend
	return func() tea.Msg {
		l, err := b.InvitationLink(ctx)
		return inviteURLMsg{gen: gen, link: l, err: err}
	}
}

// startWaiting opens a new polling round; older rounds' answers are
// ignored by generation.
func (s *invitationScreen) startWaiting() tea.Cmd {
	s.note = ""
	return tea.Batch(s.startRound(), s.check())
}

func (s *invitationScreen) stopWaiting() { s.stopRound() }

func (s *invitationScreen) check() tea.Cmd { return s.checkDomain(s.c.answers.Domain) }

func (s *invitationScreen) update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case tea.KeyPressMsg:
		return s.key(msg)
	case spinner.TickMsg:
		return s.tick(msg)
	case inviteURLMsg:
		if s.err = s.link.loaded(msg); s.err != "" {
			return nil
		}
		s.c.agent.inviteURL = msg.link.Shown()
	case consentPollMsg:
		if msg.gen != s.gen || !s.waiting {
			return nil
		}
		return s.check()
	case consentCheckedMsg:
		return s.checked(msg)
	}
	return nil
}

func (s *invitationScreen) key(msg tea.KeyPressMsg) tea.Cmd {
	k, ak := s.c.keys, s.c.agent.keys
	switch {
	case key.Matches(msg, k.Back):
		s.stopWaiting()
		return s.c.backFrom(flow.StepInvitation)
	case key.Matches(msg, k.QR):
		s.link.bigQR = !s.link.bigQR && s.link.qr != ""
	case s.link.url == "" && key.Matches(msg, k.Retry):
		s.err = ""
		return s.fetchURL()
	case s.link.url == "":
	case key.Matches(msg, ak.Continue):
		s.stopWaiting()
		return s.c.forward(flow.StepInvitation)
	case !s.waiting && key.Matches(msg, ak.Wait):
		return s.startWaiting()
	case s.waiting && key.Matches(msg, k.Cancel):
		s.stopWaiting()
	case key.Matches(msg, k.Copy):
		return s.link.copy()
	}
	return nil
}

func (s *invitationScreen) checked(msg consentCheckedMsg) tea.Cmd {
	if msg.gen != s.gen || !s.waiting {
		return nil
	}
	switch {
	case errors.Is(msg.err, context.Canceled):
		return nil
	case msg.err != nil:
		s.note = s.c.t("MicrosoftStillTrying")
	case msg.consent.Accepted:
		s.stopWaiting()
		s.c.agent.accepted = true
		return s.c.forward(flow.StepInvitation)
	default:
		s.note = ""
	}
	return s.pollLater()
}

func (s *invitationScreen) view() string {
	st := s.c.styles
	domain := sanitizeN(s.c.answers.Domain, 80)
	text := s.c.t("InvitationText", "Domain", domain)
	if s.err != "" {
		text += "\n\n" + st.Error.Render(s.err)
	}
	if s.link.url == "" {
		if s.err == "" {
			text += "\n\n" + st.Subtle.Render(s.c.t("ConsentLoading"))
		}
		return wrapText(text, s.c.bodyWidth())
	}
	wait := "\n\n" + st.Subtle.Render(s.c.t("InvitationNotWaiting"))
	if s.waiting {
		wait = "\n\n" + waitLine(s.spin, s.c.t("InvitationWaiting"), s.c.now().Sub(s.started))
	}
	if s.note != "" {
		wait += "\n" + st.Warning.Render(s.note)
	}
	return s.link.view(text + wait)
}
