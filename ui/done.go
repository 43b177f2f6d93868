package ui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"onboard/flow"
)

// doneScreen is the summary: the order number and what processing did, or,
// for an order that waits on the provider, what happens next.
type doneScreen struct {
	c *common
}

func (s *doneScreen) step() flow.StepID { return flow.StepDone }
func (s *doneScreen) title() string     { return s.c.t("DoneTitle") }
func (s *doneScreen) help() []key.Binding {
	k := s.c.keys
	if s.canAssign() {
		return []key.Binding{k.Assign, k.Finish, k.Quit}
	}
	return []key.Binding{s.c.helpKey("enter", "enter", "KeyFinish")}
}

// assignedSeatsMsg is how many of the order's new licenses users hold,
// as flow counts them.
type assignedSeatsMsg struct {
	orderID string
	n       int
}

// enter asks flow how many of the new licenses are assigned: an order
// opened again (ctrl+o, another terminal) was assigned in an earlier
// session this one did not count.
func (s *doneScreen) enter() tea.Cmd {
	if !s.processed() || s.c.result.NewAccount || boughtSeats(s.c.result) == 0 {
		return nil
	}
	ctx, b, id := s.c.ctx, s.c.backend, s.c.order.ID
	return func() tea.Msg {
		n, err := b.AssignedSeats(ctx, id)
		if err != nil {
			return nil // the summary then asks to assign; the assign screen counts again
		}
		return assignedSeatsMsg{orderID: id, n: n}
	}
}

func (s *doneScreen) processed() bool { return s.c.order.Status == flow.StatusCompleted }

// canAssign: licenses were bought for a tenant with users to give them to,
// and some are left. A new account has no users yet: its summary says to
// sign in and add them, and an empty list would contradict it.
func (s *doneScreen) canAssign() bool {
	r := s.c.result
	return s.processed() && !r.NewAccount && s.c.assigned < boughtSeats(r) && !s.c.lookedUp
}

func boughtSeats(r flow.Result) int {
	n := 0
	for _, l := range r.Bought {
		n += l.Quantity
	}
	return n
}

// summary is flow's summary of the result; once licenses were assigned
// here it says how many instead of asking to assign them.
func (s *doneScreen) summary() string {
	if s.c.lookedUp {
		return s.c.result.SummaryLookedUpIn(s.c.loc, s.c.assigned)
	}
	return s.c.result.SummaryAssignedIn(s.c.loc, s.c.assigned)
}

func (s *doneScreen) update(msg tea.Msg) tea.Cmd {
	if m, ok := msg.(assignedSeatsMsg); ok {
		if m.orderID == s.c.order.ID {
			s.c.assigned = max(s.c.assigned, m.n)
		}
		return nil
	}
	kp, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return nil
	}
	switch {
	case s.canAssign() && key.Matches(kp, s.c.keys.Assign):
		return s.c.goTo(stateAssign, false)
	case key.Matches(kp, s.c.keys.Finish), !s.canAssign() && key.Matches(kp, s.c.keys.Next):
		return tea.Quit
	}
	return nil
}

func (s *doneScreen) view() string {
	st := s.c.styles
	o := s.c.order
	var b strings.Builder
	if !s.processed() {
		b.WriteString(st.Title.Render(s.c.t("DoneThanks")) + "\n\n")
		b.WriteString(s.c.t("DoneOrderNumber", "Number", st.Total.Render(sanitizeN(o.Number, 30))) + "\n\n")
		b.WriteString(st.Text.Width(s.c.bodyWidth()).Render(s.c.t("DoneAwaitsApproval",
			"Provider", sanitizeN(s.c.provider, 40), "Email", sanitizeN(s.c.answers.Email, 80))))
		return b.String()
	}
	b.WriteString(st.Success.Render("✓ "+s.c.t("DoneReady")) + "\n\n")
	b.WriteString(s.c.t("DoneOrderNumber", "Number", st.Total.Render(sanitizeN(o.Number, 30))) + "\n")
	b.WriteString(s.c.t("MicrosoftAccountLine", "Domain", sanitizeN(o.TenantDomain, 80)) + "\n")
	if paid := s.c.result.PaidWithTaxIn(s.c.loc); paid != "" {
		b.WriteString(paid + "\n") // the tax Stripe computed
	}
	b.WriteString("\n")
	b.WriteString(st.Text.Width(s.c.bodyWidth()).Render(sanitizeN(s.summary(), 1000)) + "\n\n")
	for _, l := range s.c.result.Converted {
		fmt.Fprintf(&b, "  %s  %s\n", st.Success.Render("✓"), s.c.n("DoneLineConverted", l.Quantity, "Name", sanitizeN(l.Name, 50)))
	}
	for _, l := range s.c.result.Bought {
		fmt.Fprintf(&b, "  %s  %s\n", st.Success.Render("✓"), s.c.n("DoneLineBought", l.Quantity, "Name", sanitizeN(l.Name, 50)))
	}
	if s.canAssign() {
		b.WriteString("\n" + s.c.t("DonePressAssign"))
	} else {
		b.WriteString("\n" + s.c.t("DonePressFinish"))
	}
	return b.String()
}
