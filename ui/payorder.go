package ui

import (
	"context"
	"errors"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/huh/v2"

	"onboard/flow"
)

type orderFoundMsg struct {
	order  flow.Order
	result flow.Result // of an order already completed: what it did
	err    error
}

// payOrderScreen finds an order an agent created for the customer (by its
// number and the e-mail on it) so it can be paid at the kiosk.
type payOrderScreen struct {
	c       *common
	form    *huh.Form
	number  string
	email   string
	finding bool
	err     string
}

// step: looking an order up is no step of the sign-up's path, so the
// header shows no "Step n of m" (the order found continues at its own step).
func (s *payOrderScreen) step() flow.StepID { return "" }
func (s *payOrderScreen) title() string     { return s.c.t("PlainPayExisting") }
func (s *payOrderScreen) help() []key.Binding {
	return []key.Binding{
		s.c.helpKey("enter", "enter", "KeyNext"),
		s.c.keys.Back, s.c.keys.Quit,
	}
}

func (s *payOrderScreen) enter() tea.Cmd {
	s.finding = false
	s.form = s.c.newForm(huh.NewGroup(
		huh.NewInput().Title(s.c.t("PayOrderNumber")).Description(s.c.t("PayOrderNumberNote")).
			Value(&s.number).Validate(s.c.valid(flow.ValidateOrderNumber)),
		huh.NewInput().Title(s.c.t("FieldEmail")).Description(s.c.t("PayOrderEmailNote")).
			Value(&s.email).Validate(s.c.valid(flow.ValidateEmailSyntax)),
	))
	return s.form.Init()
}

func (s *payOrderScreen) update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case orderFoundMsg:
		return s.found(msg)
	case tea.KeyPressMsg:
		if key.Matches(msg, s.c.keys.Back) {
			return s.c.goTo(stateLicenses, false)
		}
	}
	if s.finding || s.form == nil {
		return nil
	}
	var cmd tea.Cmd
	s.form, cmd = updateForm(s.form, msg)
	if s.form.State != huh.StateCompleted {
		return cmd
	}
	s.finding, s.err = true, ""
	ctx, b := s.c.ctx, s.c.backend
	number, email := strings.TrimSpace(s.number), strings.TrimSpace(s.email)
	return func() tea.Msg {
		o, err := b.FindOrderForPayment(ctx, number, email)
		if err == nil && o.Status == flow.StatusAwaitingConsent {
			o, err = refreshConsent(ctx, b, o)
		}
		var res flow.Result
		if err == nil && o.Status == flow.StatusCompleted {
			// Processing a completed order returns what it did, as the
			// store recorded it: the summary of that order, not of nothing.
			res, err = b.Process(ctx, o.ID, nil)
		}
		return orderFoundMsg{order: o, result: res, err: err}
	}
}

// refreshConsent asks Microsoft again about an order still waiting for its
// invitation: the customer may have accepted it since the agent left.
func refreshConsent(ctx context.Context, b Backend, o flow.Order) (flow.Order, error) {
	return b.RefreshConsent(ctx, o.ID)
}

func (s *payOrderScreen) found(msg orderFoundMsg) tea.Cmd {
	s.finding = false
	if msg.err != nil {
		switch {
		case errors.Is(msg.err, context.Canceled):
		case errors.Is(msg.err, flow.ErrNotFound):
			s.err = s.c.t("PlainNoSuchOrder")
		case errors.Is(msg.err, flow.ErrTooManyLookups):
			s.err = explained(s.c.explain(msg.err))
		default:
			s.err = s.c.t("PlainLookupFailed", "Why", explained(s.c.explain(msg.err)))
		}
		return s.enter()
	}
	if msg.order.Status == flow.StatusAwaitingConsent {
		s.err = s.c.t("PayOrderAwaitsConsent", "Number", sanitizeN(msg.order.Number, 30), "Domain", sanitizeN(msg.order.TenantDomain, 80))
		return s.enter()
	}
	s.c.order, s.c.result, s.c.assigned = msg.order, msg.result, 0
	s.c.lookedUp = !flow.LookupMayAssign(msg.order.Status)
	s.c.answers.OrderID, s.c.answers.Email = msg.order.ID, strings.TrimSpace(s.email)
	return s.c.continueOrder(msg.order, false)
}

func (s *payOrderScreen) view() string {
	st := s.c.styles
	out := s.c.t("PlainPayIntro") + "\n\n"
	if s.finding {
		return out + st.Subtle.Render(s.c.t("PlainLookingUp"))
	}
	if s.err != "" {
		out += st.Error.Width(s.c.bodyWidth()).Render(s.err) + "\n\n"
	}
	return s.c.formView(out, s.form)
}
