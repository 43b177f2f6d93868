package ui

import (
	"context"
	"onboard/flow"
	"time"

	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"
)

// waiter runs the rounds of a wait for Microsoft to report the invitation
// accepted: a new round cancels the last, and replies of older rounds are
// dropped by their generation. Screens embed it.
type waiter struct {
	c       *common
	spin    spinner.Model
	ctx     context.Context
	cancel  context.CancelFunc
	gen     int
	waiting bool
	started time.Time
}

func newWaiter(c *common) waiter {
	return waiter{c: c, spin: newSpinner(), cancel: func() {}}
}

// startRound cancels the running round and opens a new one.
func (w *waiter) startRound() tea.Cmd {
	w.cancel()
	w.ctx, w.cancel = context.WithCancel(w.c.ctx)
	w.gen++
	w.waiting, w.started = true, w.c.now()
	return w.spin.Tick
}

// stopRound ends the running round; its replies are then ignored.
func (w *waiter) stopRound() {
	w.cancel()
	w.waiting = false
	w.gen++
}

// pollLater asks for the next check after the poll interval.
func (w *waiter) pollLater() tea.Cmd {
	gen := w.gen
	return tea.Tick(w.c.poll, func(time.Time) tea.Msg { return consentPollMsg{gen: gen} })
}

// checkOrder asks once whether the order's invitation was accepted.
func (w *waiter) checkOrder(orderID string) tea.Cmd {
	ctx, gen, b := w.ctx, w.gen, w.c.backend
	return func() tea.Msg {
		c, err := b.CheckConsent(ctx, orderID)
		return consentCheckedMsg{gen: gen, consent: c, err: err}
	}
}

// checkDomain asks once, before any order exists, whether the tenant of
// domain accepted the invitation.
func (w *waiter) checkDomain(domain string) tea.Cmd {
	ctx, gen, b := w.ctx, w.gen, w.c.backend
	return func() tea.Msg {
		ok, err := b.InvitationAccepted(ctx, domain)
		return consentCheckedMsg{gen: gen, consent: flow.Consent{Accepted: ok}, err: err}
	}
}

// tick advances the spinner while a round runs.
func (w *waiter) tick(msg spinner.TickMsg) tea.Cmd {
	if !w.waiting {
		return nil
	}
	var cmd tea.Cmd
	w.spin, cmd = w.spin.Update(msg)
	return cmd
}

// waitTexts are what a waiting screen says around its link.
type waitTexts struct {
	waiting    string // "Waiting for …", followed by the spinner's elapsed time
	notWaiting string // after the customer stopped waiting
	loading    string // while the link itself loads
}

// linkView draws text and err beside the link and its QR code, with the
// round's state below (waiting with elapsed time, or not) and note.
func (w *waiter) linkView(l *link, text, err, note string, t waitTexts) string {
	st := w.c.styles
	if err != "" {
		text += "\n\n" + st.Error.Render(err)
	}
	if l.url == "" {
		if err == "" {
			text += "\n\n" + st.Subtle.Render(t.loading)
		}
		return wrapText(text, w.c.bodyWidth())
	}
	wait := "\n\n" + st.Subtle.Render(t.notWaiting)
	if w.waiting {
		wait = "\n\n" + waitLine(w.spin, t.waiting, w.c.now().Sub(w.started))
	}
	if note != "" {
		wait += "\n" + st.Warning.Render(note)
	}
	return l.view(text + wait)
}
