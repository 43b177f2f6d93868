package ui

import (
	"context"
	"errors"
	"fmt"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"

	"onboard/flow"
)

type accountCreatedMsg struct {
	order   flow.Order
	created flow.NewAccount
	err     error
}

// createAccountScreen creates the order and the customer's new Microsoft
// account, and shows the administrator's first password once. The password
// is held only while this screen shows it.
type createAccountScreen struct {
	c        *common
	spin     spinner.Model
	working  bool
	created  flow.NewAccount
	ready    bool
	err      string
	cancel   context.CancelFunc
	orderErr bool
}

func (s *createAccountScreen) step() flow.StepID { return flow.StepReview }
func (s *createAccountScreen) title() string     { return s.c.t("NewAccountTitle") }
func (s *createAccountScreen) help() []key.Binding {
	k := s.c.keys
	switch {
	case s.ready:
		return []key.Binding{k.Next, k.Quit}
	case s.err != "":
		return []key.Binding{k.Retry, k.Back, k.Quit}
	}
	return []key.Binding{k.Quit}
}

func (s *createAccountScreen) enter() tea.Cmd {
	s.spin = newSpinner()
	return s.start()
}

func (s *createAccountScreen) start() tea.Cmd {
	s.working, s.ready, s.err, s.created = true, false, "", flow.NewAccount{}
	ctx, cancel := context.WithCancel(s.c.ctx)
	s.cancel = cancel
	b, a := s.c.backend, s.c.answers
	create := func() tea.Msg {
		defer cancel()
		o, err := b.CreateOrder(ctx, a)
		if err != nil {
			return accountCreatedMsg{err: fmt.Errorf("create order: %w", err)}
		}
		cc, err := b.CreateMicrosoftAccount(ctx, o.ID)
		if err != nil {
			return accountCreatedMsg{order: o, err: err}
		}
		// CreateOrder with the id is idempotent: it returns the order as
		// the account creation moved it on.
		a.OrderID = o.ID
		o2, err := b.CreateOrder(ctx, a)
		if err != nil {
			o2 = o
		}
		return accountCreatedMsg{order: o2, created: cc}
	}
	return tea.Batch(s.spin.Tick, create)
}

func (s *createAccountScreen) update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case spinner.TickMsg:
		if !s.working {
			return nil
		}
		var cmd tea.Cmd
		s.spin, cmd = s.spin.Update(msg)
		return cmd
	case accountCreatedMsg:
		return s.done(msg)
	case tea.KeyPressMsg:
		k := s.c.keys
		switch {
		case s.ready && key.Matches(msg, k.Next):
			s.created = flow.NewAccount{} // the password is shown once
			s.ready = false
			return s.c.continueOrder(s.c.order, true)
		case s.err != "" && key.Matches(msg, k.Retry):
			return s.start()
		case s.err != "" && key.Matches(msg, k.Back):
			return s.c.backFrom(flow.StepReview)
		}
	}
	return nil
}

func (s *createAccountScreen) done(msg accountCreatedMsg) tea.Cmd {
	s.working = false
	if msg.order.ID != "" {
		s.c.order, s.c.answers.OrderID = msg.order, msg.order.ID
	}
	if msg.err != nil {
		if !errors.Is(msg.err, context.Canceled) {
			s.err = s.c.t("NewAccountFailed", "Why", explained(s.c.explain(msg.err)))
		}
		return nil
	}
	s.created, s.ready = msg.created, true
	if msg.created.TenantID != "" {
		s.c.answers.TenantID = msg.created.TenantID
	}
	return saveDraftCmd(flow.StepReview)
}

func (s *createAccountScreen) view() string {
	st := s.c.styles
	switch {
	case s.working:
		return spinnerMark(s.spin) + " " + s.c.t("PlainCreating", "Domain", sanitizeN(s.c.answers.Domain, 80))
	case s.err != "":
		return st.Error.Width(s.c.bodyWidth()).Render(s.err)
	}
	cc := s.created
	label := func(id string) string { return padCells(s.c.t(id), 15) }
	out := st.Success.Render("✓ "+s.c.t("PlainAccountReady")) + "\n\n" +
		label("NewAccountDomain") + " " + sanitizeN(cc.Domain, 80) + "\n"
	if cc.AdminPassword == "" {
		return out + "\n" + s.c.t("PlainPasswordShownBefore") + "\n\n" + s.c.t("NewAccountContinue")
	}
	out += label("NewAccountAdmin") + " " + sanitizeN(cc.AdminUserName, 80) + "\n" +
		label("NewAccountPassword") + " " + sanitizeN(cc.AdminPassword, 80) + "\n\n"
	out += st.Warning.Width(s.c.bodyWidth()).Render(s.c.t("PlainWriteDown")) + "\n\n" + s.c.t("NewAccountContinue")
	return out
}
