package ui

import (
	"context"
	"errors"
	"fmt"
	"time"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"

	"onboard/flow"
)

type (
	inviteURLMsg struct {
		gen  int
		link flow.Link
		err  error
	}
	orderCreatedMsg struct {
		gen   int
		order flow.Order
		err   error
	}
	consentPollMsg    struct{ gen int }
	consentCheckedMsg struct {
		gen     int
		consent flow.Consent
		err     error
	}
)

// consentScreen sends the administrator to the partner's invitation page
// and waits until Microsoft shows the invitation accepted. The order is
// created on arrival (idempotently: a resumed sign-up keeps its order).
type consentScreen struct {
	waiter
	c        *common
	link     link
	creating bool   // CreateOrder is in flight
	note     string // transient trouble while waiting
	err      string // stops progress until the customer acts
	open     openOrder
}

func newConsentScreen(c *common) *consentScreen {
	s := &consentScreen{waiter: newWaiter(c), c: c, link: link{c: c}}
	s.open = openOrder{c: c, replace: func() tea.Cmd { return tea.Batch(s.startWaiting(), s.createOrder()) }}
	return s
}

func (s *consentScreen) step() flow.StepID { return flow.StepConsent }
func (s *consentScreen) title() string     { return s.c.t("ConsentTitle") }

// checkAgainKey: after x stopped the waiting, Enter checks again.
var checkAgainKey = key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "check again"))

func (s *consentScreen) help() []key.Binding {
	if s.open.active() {
		return s.open.help()
	}
	k := s.c.keys
	keys := []key.Binding{k.Open, k.Reopen, k.Copy}
	if s.waiting {
		keys = append(keys, k.Cancel)
	} else if s.link.url != "" {
		keys[0] = s.c.helpKey("enter", "enter", "KeyCheckAgain") // as the not-waiting line says
	}
	return s.c.withoutOpen(append(keys, k.Back, k.Quit, k.QR))
}

func (s *consentScreen) enter() tea.Cmd {
	s.link.set("")
	s.note, s.err = "", ""
	return tea.Batch(s.fetchURL(), s.startWaiting(), s.createOrder())
}

// startWaiting begins a new round of polling; older rounds' messages are
// ignored by generation.
func (s *consentScreen) startWaiting() tea.Cmd {
	s.err = ""
	return tea.Batch(s.startRound(), s.pollLater())
}

func (s *consentScreen) stopWaiting() { s.stopRound() }

func (s *consentScreen) fetchURL() tea.Cmd {
	ctx, gen, b := s.c.ctx, s.gen+1, s.c.backend // +1: the round startWaiting opens
	return func() tea.Msg {
		l, err := b.InvitationLink(ctx)
		return inviteURLMsg{gen: gen, link: l, err: err}
	}
}

func (s *consentScreen) createOrder() tea.Cmd {
	ctx, gen, b, a := s.c.ctx, s.gen+1, s.c.backend, s.c.answers
	if s.ctx != nil && s.waiting {
		ctx, gen = s.ctx, s.gen
	}
	s.creating = true
	return func() tea.Msg {
		o, err := b.CreateOrder(ctx, a)
		return orderCreatedMsg{gen: gen, order: o, err: err}
	}
}

func (s *consentScreen) check() tea.Cmd { return s.checkOrder(s.c.answers.OrderID) }

func (s *consentScreen) update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case tea.KeyPressMsg:
		return s.key(msg)
	case spinner.TickMsg:
		return s.tick(msg)
	case browserOpenedMsg:
		s.link.opened(msg)
	case inviteURLMsg:
		if s.err = s.link.loaded(msg); s.err != "" {
			return nil
		}
	case orderCreatedMsg:
		return s.orderCreated(msg)
	case openOrderCancelledMsg:
		return s.open.cancelled(msg)
	case consentPollMsg:
		if msg.gen != s.gen || !s.waiting {
			return nil
		}
		if s.c.answers.OrderID == "" {
			// No order yet: keep one creation in flight and keep polling.
			if s.creating {
				return s.pollLater()
			}
			return tea.Batch(s.createOrder(), s.pollLater())
		}
		return s.check()
	case consentCheckedMsg:
		return s.checked(msg)
	}
	return nil
}

func (s *consentScreen) key(msg tea.KeyPressMsg) tea.Cmd {
	k := s.c.keys
	if s.open.active() {
		if cmd, ok := s.open.key(msg); ok {
			return cmd
		}
		if key.Matches(msg, k.Back) {
			s.open.order = nil
			return s.back()
		}
		return nil
	}
	switch {
	case key.Matches(msg, k.Back):
		return s.back()
	case key.Matches(msg, k.QR):
		s.link.bigQR = !s.link.bigQR && s.link.qr != ""
	case s.link.url == "" && key.Matches(msg, k.Reopen):
		s.err = ""
		return s.fetchURL()
	case s.link.url == "":
	case !s.waiting && key.Matches(msg, checkAgainKey):
		// Stopped with x: Enter says it is accepted now; r opens the page.
		return s.startWaiting()
	case key.Matches(msg, k.Open), key.Matches(msg, k.Reopen):
		if !s.waiting {
			return tea.Batch(s.link.open(), s.startWaiting())
		}
		return s.link.open()
	case key.Matches(msg, k.Copy):
		return s.link.copy()
	case key.Matches(msg, k.Cancel):
		s.stopWaiting()
	}
	return nil
}

// back leaves the invitation: the order made for these answers is
// cancelled so changed answers make a new one.
func (s *consentScreen) back() tea.Cmd {
	s.stopWaiting()
	id := s.c.answers.OrderID
	s.c.answers.OrderID = ""
	s.c.order = flow.Order{}
	cmds := []tea.Cmd{s.c.backFrom(flow.StepConsent)}
	if id != "" {
		ctx, b := s.c.ctx, s.c.backend
		cmds = append(cmds, func() tea.Msg {
			_, _ = b.Cancel(ctx, id, "customer went back before accepting the invitation")
			return nil
		})
	}
	return tea.Batch(cmds...)
}

func (s *consentScreen) orderCreated(msg orderCreatedMsg) tea.Cmd {
	s.creating = false
	if s.open.offer(msg.err) {
		s.stopWaiting()
		return nil
	}
	if errors.Is(msg.err, flow.ErrInvalidAnswers) {
		// Retrying cannot help: an earlier answer must change.
		s.stopWaiting()
		s.err = explained(s.c.explain(msg.err)) + " " + s.c.t("ConsentGoBack")
		return nil
	}
	if msg.err != nil {
		if !errors.Is(msg.err, context.Canceled) {
			s.note = s.c.t("ConsentOrderNotYet", "Why", explained(s.c.explain(msg.err)))
		}
		return nil // the next poll tries again
	}
	s.note = ""
	s.c.order = msg.order
	s.c.answers.OrderID = msg.order.ID
	return tea.Batch(saveDraftCmd(flow.StepConsent), s.orderMovedOn(msg.order))
}

func (s *consentScreen) checked(msg consentCheckedMsg) tea.Cmd {
	if msg.gen != s.gen || !s.waiting {
		return nil
	}
	switch {
	case errors.Is(msg.err, flow.ErrTenantMismatch):
		s.stopWaiting()
		s.err = s.c.t("ConsentOtherAccount")
		return nil
	case msg.err != nil:
		s.note = s.c.t("MicrosoftStillTrying")
	case msg.consent.Accepted:
		s.note = ""
		return s.orderMovedOn(msg.consent.Order)
	case msg.consent.OtherTenant != "":
		s.note = s.c.t("ConsentAcceptedByOther", "Other", sanitizeN(msg.consent.OtherTenant, 60), "Admin", sanitizeN(s.c.answers.AdminUPN, 60))
	default:
		s.note = ""
	}
	return s.pollLater()
}

// orderMovedOn continues once the order no longer waits for the invitation.
func (s *consentScreen) orderMovedOn(o flow.Order) tea.Cmd {
	s.c.order = o
	if o.Status == flow.StatusAwaitingConsent || o.Status == "" {
		return nil
	}
	s.stopWaiting()
	return s.c.forward(flow.StepConsent)
}

func (s *consentScreen) view() string {
	if s.open.active() {
		return s.open.view()
	}
	st := s.c.styles
	body := "ConsentText"
	if _, off := s.c.browser.(NoBrowser); off {
		body = "ConsentTextPhone" // a kiosk opens no browser: no "press Enter to open"
	}
	text := st.Title.Render(s.c.t("ConsentHeading")) + "\n\n" +
		s.c.t(body, "Admin", sanitizeN(s.c.answers.AdminUPN, 80))
	return s.linkView(&s.link, text, s.err, s.note, waitTexts{
		waiting:    s.c.t("ConsentWaiting"),
		notWaiting: s.c.t("ConsentNotWaiting"),
		loading:    s.c.t("ConsentLoading"),
	})
}

// waitLine is "⣾ Waiting for … 0:12": the elapsed time is joined to the
// text by a non-breaking space, so a narrow column beside a QR code wraps
// the words but never leaves the time alone on a line or splits it.
func waitLine(spin spinner.Model, text string, elapsed time.Duration) string {
	return spinnerMark(spin) + " " + text + "\u00a0" + formatElapsed(elapsed.Truncate(time.Second))
}

func formatElapsed(d time.Duration) string {
	d = max(d, 0)
	m := int(d / time.Minute)
	sec := int((d % time.Minute) / time.Second)
	return fmt.Sprintf("%d:%02d", m, sec)
}
