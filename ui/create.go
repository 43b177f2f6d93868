package ui

import (
	"context"
	"errors"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"
	"github.com/google/uuid"

	"onboard/flow"
)

type agentOrderMsg struct {
	gen   int
	order flow.Order
	err   error
}

// createScreen creates the customer account and the order with "Use
// existing Microsoft account". When the acceptance was seen (or Microsoft
// reports it now) the order moves on at once, per the order flow.
type createScreen struct {
	c       *common
	spin    spinner.Model
	gen     int
	running bool
	err     string
	open    openOrder
}

func (s *createScreen) step() flow.StepID { return flow.StepCreate }
func (s *createScreen) title() string     { return "Create the order" }
func (s *createScreen) help() []key.Binding {
	if s.open.active() {
		return s.open.help()
	}
	k := s.c.keys
	if s.err != "" {
		return []key.Binding{k.Retry, k.Back, k.Quit}
	}
	return []key.Binding{k.Quit}
}

func (s *createScreen) enter() tea.Cmd {
	s.spin = newSpinner()
	s.open = openOrder{c: s.c, replace: s.start}
	return s.start()
}

// start creates the order. The order id is chosen here, once, so a retry
// after an error returns the same order instead of making a second one.
func (s *createScreen) start() tea.Cmd {
	a := &s.c.answers
	if a.OrderID == "" {
		a.OrderID = uuid.NewString()
	}
	s.gen++
	s.running, s.err = true, ""
	ctx, gen, b, answers := s.c.ctx, s.gen, s.c.backend, *a
	return tea.Batch(s.spin.Tick, func() tea.Msg {
		o, err := b.CreateOrder(ctx, answers)
		return agentOrderMsg{gen: gen, order: o, err: err}
	})
}

func (s *createScreen) update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case spinner.TickMsg:
		if !s.running {
			return nil
		}
		var cmd tea.Cmd
		s.spin, cmd = s.spin.Update(msg)
		return cmd
	case agentOrderMsg:
		if msg.gen != s.gen {
			return nil
		}
		return s.created(msg)
	case openOrderCancelledMsg:
		return s.open.cancelled(msg)
	case tea.KeyPressMsg:
		if s.open.active() {
			if cmd, ok := s.open.key(msg); ok {
				return cmd
			}
			if key.Matches(msg, s.c.keys.Back) {
				s.open.order = nil
				return s.c.backFrom(flow.StepCreate)
			}
			return nil
		}
		switch {
		case s.running:
		case key.Matches(msg, s.c.keys.Retry):
			return s.start()
		case key.Matches(msg, s.c.keys.Back):
			return s.c.backFrom(flow.StepCreate)
		}
	}
	return nil
}

func (s *createScreen) created(msg agentOrderMsg) tea.Cmd {
	s.running = false
	switch {
	case errors.Is(msg.err, context.Canceled):
		return nil
	case s.open.offer(msg.err):
		return nil
	case errors.Is(msg.err, flow.ErrTenantMismatch):
		s.err = "The invitation was accepted for a different Microsoft account than " +
			sanitizeN(s.c.answers.Domain, 80) + ". Press esc to check the account, or r to try again."
		return nil
	case errors.Is(msg.err, flow.ErrInvalidAnswers):
		s.err = sanitize(flow.Explain(msg.err)) + " Press esc to go back and complete them."
		return nil
	case msg.err != nil:
		s.err = "The order could not be created. " + sanitize(flow.Explain(msg.err)) + " Press r to try again."
		return nil
	}
	s.c.order = msg.order
	s.c.answers.OrderID = msg.order.ID
	return s.c.forward(flow.StepCreate)
}

func (s *createScreen) view() string {
	if s.open.active() {
		return s.open.view()
	}
	st := s.c.styles
	text := "Creating the customer account and the order for " + sanitizeN(s.c.answers.Company, 80) +
		" (" + sanitizeN(s.c.answers.Domain, 80) + "), using their existing Microsoft account."
	switch {
	case s.running:
		text += "\n\n" + spinnerMark(s.spin) + " Creating the order…"
	case s.err != "":
		text += "\n\n" + st.Error.Render(s.err)
	}
	return wrapText(text, s.c.bodyWidth())
}
