package ui

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
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
	c         *common
	spin      spinner.Model
	gen       int
	reviewing bool // the agent checks the order before it is created
	running   bool
	err       string
	open      openOrder
}

var createOrderKey = key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "create the order"))

func (s *createScreen) step() flow.StepID { return flow.StepCreate }
func (s *createScreen) title() string     { return s.c.t("PlainStepCreate") }
func (s *createScreen) help() []key.Binding {
	if s.open.active() {
		return s.open.help()
	}
	k := s.c.keys
	switch {
	case s.reviewing:
		return []key.Binding{s.c.helpKey("enter", "enter", "KeyCreateOrder"), k.Back, k.Quit}
	case s.err != "":
		return []key.Binding{k.Retry, k.Back, k.Quit}
	}
	return []key.Binding{k.Quit}
}

// enter shows the order for review; an order already created (a retry
// after an error) is not reviewed again.
func (s *createScreen) enter() tea.Cmd {
	s.spin = newSpinner()
	s.open = openOrder{c: s.c, replace: s.start}
	s.err, s.running = "", false
	s.reviewing = s.c.order.ID == ""
	if s.reviewing {
		return nil
	}
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
		case s.reviewing && key.Matches(msg, createOrderKey):
			s.reviewing = false
			return s.start()
		case !s.reviewing && key.Matches(msg, s.c.keys.Retry):
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
		s.err = s.c.t("CreateOtherAccount", "Domain", sanitizeN(s.c.answers.Domain, 80))
		return nil
	case errors.Is(msg.err, flow.ErrInvalidAnswers):
		s.err = explained(s.c.explain(msg.err)) + " " + s.c.t("ConsentGoBack")
		return nil
	case msg.err != nil:
		s.err = s.c.t("CreateFailed", "Why", explained(s.c.explain(msg.err)))
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
	if s.reviewing {
		return s.review()
	}
	text := s.c.t("CreateText", "Company", sanitizeN(s.c.answers.Company, 80), "Domain", sanitizeN(s.c.answers.Domain, 80))
	switch {
	case s.running:
		text += "\n\n" + spinnerMark(s.spin) + " " + s.c.t("CreateRunning")
	case s.err != "":
		text += "\n\n" + st.Error.Render(s.err)
	}
	return wrapText(text, s.c.bodyWidth())
}

// review is what the order will be, to check with the customer before it
// is created: who, which account, what, for how much.
func (s *createScreen) review() string {
	st, a, cat := s.c.styles, s.c.answers, s.c.catalog
	w := s.c.bodyWidth()
	var b strings.Builder
	b.WriteString(st.Text.Width(w).Render(s.c.t("CreateCheck")) + "\n\n")
	row := func(label, value string) {
		b.WriteString(st.Subtle.Render(padCells(label, 19)) + ansi.Truncate(value, max(w-19, 10), "…") + "\n")
	}
	row(s.c.t("ResumeCompany"), sanitizeN(a.Company, 80))
	row(s.c.t("CreateContact"), sanitizeN(strings.TrimSpace(a.FirstName+" "+a.LastName), 80)+", "+sanitizeN(a.Email, 80))
	row(s.c.t("FieldPhone"), sanitizeN(a.Phone, 40)) // read back to the customer as the e-mail is
	addr := a.Address
	row(s.c.t("CreateAddress"), sanitizeN(strings.Join(nonEmpty(addr.Line1, strings.TrimSpace(addr.PostalCode+" "+addr.City), addr.State, addr.Country), ", "), 200))
	accepted := s.c.t("CreateNotAccepted")
	if s.c.agent.accepted || a.TenantID != "" {
		accepted = s.c.t("CreateAccepted")
	}
	row(s.c.t("AccountTitle"), sanitizeN(a.Domain, 80)+" ("+accepted+")")
	b.WriteString("\n")
	var names []string
	for _, l := range a.Lines {
		if o, ok := cat.Offer(l.OfferID); ok {
			names = append(names, sanitize(o.Name))
		}
	}
	names = append(names, s.c.t("ReviewTotalPerMonth"), s.c.t("CreateDueAtPayment"))
	nameW := nameColumn(w-36, names...)
	line := func(name, seats, price, total string) string {
		return fmt.Sprintf("%s %5s %14s %14s", padCells(name, nameW), seats, price, total)
	}
	b.WriteString(st.TableHead.Render(line(s.c.t("LicensesProduct"), s.c.t("LicensesSeats"), s.c.t("CreatePriceSeat"), s.c.t("LicensesPerMonth"))) + "\n")
	var terms []string
	for _, l := range a.Lines {
		o, ok := cat.Offer(l.OfferID)
		if !ok {
			continue
		}
		cur := offerCurrency(o, cat)
		t, _ := o.Term(l.Term)
		b.WriteString(line(sanitize(o.Name), s.c.loc.Number(l.Seats), s.c.money(t.UnitPrice, cur), s.c.money(t.UnitPrice*int64(l.Seats), cur)) + "\n")
		if t.TermDuration != "P1M" || t.BillingCycle != "monthly" {
			terms = append(terms, s.c.t("ReviewTermLine", "Name", sanitizeN(o.Name, 60), "Term", t.LabelIn(s.c.loc),
				"Price", s.c.money(t.PricePerTerm(), cur), "Period", t.PeriodIn(s.c.loc)))
		}
	}
	b.WriteString(st.Total.Render(line(s.c.t("ReviewTotalPerMonth"), "", "", s.c.money(a.Total(cat), cat.Currency))) + "\n")
	if due := a.DueNow(cat); due != a.Total(cat) {
		b.WriteString(st.Total.Render(line(s.c.t("CreateDueAtPayment"), "", "", s.c.money(due, cat.Currency))) + "\n")
	}
	for _, t := range terms {
		b.WriteString("\n" + st.Subtle.Width(w).Render(t))
	}
	return b.String()
}

func nonEmpty(parts ...string) []string {
	var out []string
	for _, p := range parts {
		if strings.TrimSpace(p) != "" {
			out = append(out, p)
		}
	}
	return out
}
