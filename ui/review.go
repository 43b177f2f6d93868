package ui

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"

	"onboard/flow"
)

type (
	paymentStartedMsg struct {
		gen     int
		session flow.Checkout
		err     error
	}
	paymentPollMsg    struct{ gen int }
	paymentCheckedMsg struct {
		gen   int
		state flow.PaymentState
		order flow.Order
		err   error
	}
)

// payPhase is where the review screen is in paying.
type payPhase int

const (
	payReview   payPhase = iota // showing the order, Enter pays
	payStarting                 // asking the gateway for a checkout
	payWaiting                  // checkout page open, polling
	payDeclined                 // declined or expired: try again (a declined page can still be paid: polling goes on)
)

// reviewScreen shows the order and takes the payment on the gateway's
// hosted checkout page: the terminal never sees a card number.
type reviewScreen struct {
	c        *common
	phase    payPhase
	link     link
	spin     spinner.Model
	ctx      context.Context
	cancel   context.CancelFunc
	gen      int
	checkout string
	started  time.Time
	note     string
	err      string
	preview  []flow.LinePreview // what processing will do, once known
}

func newReviewScreen(c *common) *reviewScreen {
	return &reviewScreen{c: c, link: link{c: c}, spin: newSpinner(), cancel: func() {}}
}

func (s *reviewScreen) step() flow.StepID {
	if s.phase == payReview {
		return flow.StepReview
	}
	return flow.StepPay
}

func (s *reviewScreen) title() string {
	if s.phase == payReview {
		return s.c.t("ReviewTitle")
	}
	return s.c.t("PayTitle")
}

func (s *reviewScreen) help() []key.Binding {
	k := s.c.keys
	switch s.phase {
	case payWaiting:
		return s.c.withoutOpen([]key.Binding{k.Reopen, k.Copy, k.QR, s.c.helpKey("esc", "esc", "KeyStopWaiting"), k.Quit})
	case payDeclined:
		return []key.Binding{s.c.helpKey("enter", "enter", "KeyTryAgain"), k.Quit}
	}
	if s.canGoBack() {
		return []key.Binding{s.c.helpKey("enter", "enter", "KeyPay"), s.c.helpKey("esc", "esc", "KeyChangeSeats"), k.Quit}
	}
	return []key.Binding{s.c.helpKey("enter", "enter", "KeyPay"), k.Quit}
}

// canGoBack: the order was made in this wizard from answers it still holds
// and flow still lets its lines change. An order looked up to be paid
// (ctrl+o) has no answers to go back to.
func (s *reviewScreen) canGoBack() bool {
	a := s.c.answers
	return len(a.Lines) > 0 && a.OrderID != "" && a.OrderID == s.c.order.ID && flow.LinesChangeable(s.c.order)
}

// goBack opens the licenses to change this order's lines: flow changes the
// same order there (ChangeLines) and the sign-up comes straight back here,
// with its details, agreement and verified administrator kept.
func (s *reviewScreen) goBack() tea.Cmd {
	s.cancel()
	s.gen++
	s.c.changeLines = true
	return s.c.goTo(stateLicenses, false)
}

func (s *reviewScreen) enter() tea.Cmd {
	s.phase, s.note, s.err, s.preview = payReview, "", "", nil
	return fetchPreview(s.c)
}

func (s *reviewScreen) update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case tea.KeyPressMsg:
		return s.key(msg)
	case spinner.TickMsg:
		if s.phase != payWaiting && s.phase != payStarting {
			return nil
		}
		var cmd tea.Cmd
		s.spin, cmd = s.spin.Update(msg)
		return cmd
	case browserOpenedMsg:
		s.link.opened(msg)
	case previewMsg:
		if msg.orderID == s.c.order.ID {
			s.preview = msg.lines
		}
	case paymentStartedMsg:
		return s.onStarted(msg)
	case paymentPollMsg:
		if msg.gen != s.gen || (s.phase != payWaiting && s.phase != payDeclined) {
			return nil
		}
		return s.check()
	case paymentCheckedMsg:
		return s.checked(msg)
	}
	return nil
}

func (s *reviewScreen) key(msg tea.KeyPressMsg) tea.Cmd {
	k := s.c.keys
	switch s.phase {
	case payReview, payDeclined:
		if s.phase == payReview && key.Matches(msg, k.Back) && s.canGoBack() {
			return s.goBack()
		}
		if key.Matches(msg, k.Next) {
			return s.pay()
		}
	case payStarting:
		if key.Matches(msg, k.Back) {
			s.stop()
		}
	case payWaiting:
		switch {
		case key.Matches(msg, k.Back):
			s.stop()
		case key.Matches(msg, k.Reopen):
			return s.link.open()
		case key.Matches(msg, k.Copy):
			return s.link.copy()
		case key.Matches(msg, k.QR):
			s.link.bigQR = !s.link.bigQR && s.link.qr != ""
		}
	}
	return nil
}

// stop cancels the wait; the checkout stays open on the gateway and paying
// again starts a new one (the flow's idempotency keeps one payment).
func (s *reviewScreen) stop() {
	s.cancel()
	s.gen++
	s.phase = payReview
	s.note = s.c.t("ReviewStoppedWaiting")
}

func (s *reviewScreen) pay() tea.Cmd {
	s.cancel()
	s.ctx, s.cancel = context.WithCancel(s.c.ctx)
	s.gen++
	s.phase, s.note, s.err = payStarting, "", ""
	ctx, gen, b, id := s.ctx, s.gen, s.c.backend, s.c.order.ID
	return tea.Batch(s.spin.Tick, func() tea.Msg {
		sess, err := b.StartPayment(ctx, id)
		return paymentStartedMsg{gen: gen, session: sess, err: err}
	})
}

func (s *reviewScreen) onStarted(msg paymentStartedMsg) tea.Cmd {
	if msg.gen != s.gen || s.phase != payStarting {
		return nil
	}
	if msg.err != nil {
		s.phase = payReview
		if errors.Is(msg.err, flow.ErrAlreadyPaid) {
			return s.c.forward(flow.StepPay)
		}
		s.err = s.c.t("ReviewPayStartFailed", "Why", explained(s.c.explain(msg.err)))
		return nil
	}
	s.phase, s.checkout, s.started = payWaiting, msg.session.ID, s.c.now()
	s.link.set(msg.session.URL)
	return tea.Batch(s.link.open(), s.pollLater())
}

func (s *reviewScreen) pollLater() tea.Cmd {
	gen := s.gen
	return tea.Tick(s.c.poll, func(time.Time) tea.Msg { return paymentPollMsg{gen: gen} })
}

func (s *reviewScreen) check() tea.Cmd {
	ctx, gen, b, id, co := s.ctx, s.gen, s.c.backend, s.c.order.ID, s.checkout
	return func() tea.Msg {
		st, o, err := b.CheckPayment(ctx, id, co)
		return paymentCheckedMsg{gen: gen, state: st, order: o, err: err}
	}
}

func (s *reviewScreen) checked(msg paymentCheckedMsg) tea.Cmd {
	if msg.gen != s.gen || (s.phase != payWaiting && s.phase != payDeclined) {
		return nil
	}
	if msg.err != nil {
		s.note = s.c.t("ReviewPayCheckFailed")
		return s.pollLater()
	}
	s.note = ""
	switch msg.state {
	case flow.PaymentPaid:
		s.cancel()
		s.c.order = msg.order
		return s.c.forward(flow.StepPay)
	case flow.PaymentDeclined:
		// The page invites another card: a payment made there still counts.
		s.phase = payDeclined
		s.err = msg.state.ExplainIn(s.c.loc) + " " + s.c.t("ReviewPayAgain")
		return s.pollLater()
	case flow.PaymentExpired:
		s.phase = payDeclined
		s.err = msg.state.ExplainIn(s.c.loc) + " " + s.c.t("ReviewPressEnterToPay")
		return nil
	}
	return s.pollLater()
}

// payText says where the payment page is: opened in the browser here, or
// on the customer's phone where this terminal opens no pages (a kiosk).
func (s *reviewScreen) payText() string {
	if s.c.opensPages() {
		return "PayText"
	}
	return "PayTextPhone"
}

func (s *reviewScreen) view() string {
	st := s.c.styles
	if s.phase == payWaiting {
		text := st.Title.Render(s.c.t("PayHeading", "Amount", s.c.money(s.c.order.DueNow(), s.c.order.Currency))) + "\n\n" +
			s.c.t(s.payText())
		text += "\n\n" + waitLine(s.spin, s.c.t("PayWaiting"), s.c.now().Sub(s.started))
		if s.note != "" {
			text += "\n" + st.Warning.Render(s.note)
		}
		return s.link.view(text)
	}
	out := s.orderTable()
	switch {
	case s.phase == payStarting:
		out += "\n\n" + strings.TrimSpace(s.spin.View()) + " " + s.c.t("ReviewOpeningPay")
	case s.err != "":
		out += "\n\n" + st.Error.Width(s.c.bodyWidth()).Render(s.err)
	case s.note != "":
		out += "\n\n" + st.Subtle.Render(s.note)
	default:
		out += "\n\n" + s.c.t("ReviewPressEnter")
	}
	return out
}

func (s *reviewScreen) orderTable() string {
	st, o := s.c.styles, s.c.order
	names := []string{s.c.t("ReviewTotalPerMonth")}
	for _, l := range o.Lines {
		names = append(names, sanitize(l.Name))
	}
	nameW := nameColumn(s.c.bodyWidth()-36, names...)
	row := func(name, seats, price, total string) string {
		return fmt.Sprintf("%s %5s %14s %14s", padCells(name, nameW), seats, price, total)
	}
	var b strings.Builder
	// An order paid later at a kiosk comes without the answers it was made from.
	if company := s.c.answers.Company; company != "" {
		b.WriteString(s.c.t("ReviewOrderFor", "Number", sanitizeN(o.Number, 30), "Company", sanitizeN(company, 60)) + "\n\n")
	} else {
		b.WriteString(s.c.t("ReviewOrder", "Number", sanitizeN(o.Number, 30)) + "\n\n")
	}
	b.WriteString(st.TableHead.Render(row(s.c.t("LicensesProduct"), s.c.t("LicensesSeats"), s.c.t("LicensesSeatMonth"), s.c.t("LicensesPerMonth"))) + "\n")
	for _, l := range o.Lines {
		b.WriteString(row(sanitize(l.Name), s.c.loc.Number(l.Quantity), s.c.money(l.UnitPrice, o.Currency),
			s.c.money(l.UnitPrice*int64(l.Quantity), o.Currency)) + "\n")
	}
	b.WriteString("\n" + st.Total.Render(row(s.c.t("ReviewTotalPerMonth"), "", "", s.c.money(o.Total(), o.Currency))))
	if due := o.DueNow(); due != o.Total() {
		// A line billed annually is paid for the year now.
		b.WriteString("\n" + st.Total.Render(row(s.c.t("ReviewDueNow"), "", "", s.c.money(due, o.Currency))))
	}
	sep := "\n"
	for _, l := range o.Lines {
		// A term longer than a month is a commitment: say it with its price.
		if l.TermDuration == "" || (l.TermDuration == "P1M" && l.BillingCycle != "annual") {
			continue
		}
		t := flow.Term{TermDuration: l.TermDuration, BillingCycle: l.BillingCycle, UnitPrice: l.UnitPrice}
		b.WriteString(sep + "\n" + st.Subtle.Width(s.c.bodyWidth()).Render(s.c.t("ReviewTermLine",
			"Name", sanitizeN(l.Name, 60), "Term", t.LabelIn(s.c.loc), "Price", s.c.money(t.PricePerTerm(), o.Currency), "Period", t.PeriodIn(s.c.loc))))
		sep = ""
	}
	b.WriteString("\n\n" + s.c.t("MicrosoftAccountLine", "Domain", sanitizeN(o.TenantDomain, 80)))
	b.WriteString(previewNotes(s.c, s.c.bodyWidth(), s.preview))
	return b.String()
}
