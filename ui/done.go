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
func (s *doneScreen) title() string     { return "Done" }
func (s *doneScreen) help() []key.Binding {
	k := s.c.keys
	if s.canAssign() {
		return []key.Binding{k.Assign, k.Finish, k.Quit}
	}
	return []key.Binding{key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "finish"))}
}

func (s *doneScreen) enter() tea.Cmd { return nil }

func (s *doneScreen) processed() bool { return s.c.order.Status == flow.StatusCompleted }

// canAssign: licenses were bought for a tenant with users to give them to,
// and some are left. A new account has no users yet: its summary says to
// sign in and add them, and an empty list would contradict it.
func (s *doneScreen) canAssign() bool {
	r := s.c.result
	return s.processed() && !r.NewAccount && s.c.assigned < boughtSeats(r)
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
	r := s.c.result
	if r.NewAccount || s.c.assigned == 0 {
		return r.Summary()
	}
	seats := boughtSeats(r)
	r.Bought = nil // flow's "N new licenses: assign them now." no longer holds
	text := fmt.Sprintf("%d of %d new licenses assigned.", min(s.c.assigned, seats), seats)
	if s.c.assigned >= seats {
		text = fmt.Sprintf("All %d new licenses are assigned.", seats)
	}
	// After the converted trials, as flow orders it, before the imports.
	rest := r.Summary()
	if i := strings.Index(rest, "Imported "); i >= 0 {
		return rest[:i] + text + " " + rest[i:]
	}
	return strings.TrimSpace(rest + " " + text)
}

func (s *doneScreen) update(msg tea.Msg) tea.Cmd {
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
		b.WriteString(st.Title.Render("Thank you! Your order is in.") + "\n\n")
		fmt.Fprintf(&b, "Order number: %s\n\n", st.Total.Render(sanitizeN(o.Number, 30)))
		b.WriteString(st.Text.Width(s.c.bodyWidth()).Render(fmt.Sprintf(
			"%s will set it up once the order is approved and send you an e-mail at %s. You can close this window.",
			sanitizeN(s.c.provider, 40), sanitizeN(s.c.answers.Email, 80))))
		return b.String()
	}
	b.WriteString(st.Success.Render("✓ Your licenses are ready.") + "\n\n")
	fmt.Fprintf(&b, "Order number: %s\n", st.Total.Render(sanitizeN(o.Number, 30)))
	fmt.Fprintf(&b, "Microsoft account: %s\n", sanitizeN(o.TenantDomain, 80))
	if paid := s.c.result.PaidWithTax(); paid != "" {
		b.WriteString(paid + "\n") // the tax Stripe computed
	}
	b.WriteString("\n")
	b.WriteString(st.Text.Width(s.c.bodyWidth()).Render(sanitizeN(s.summary(), 1000)) + "\n\n")
	for _, l := range s.c.result.Converted {
		fmt.Fprintf(&b, "  %s  %s: trial converted, %d seats\n", st.Success.Render("✓"), sanitizeN(l.Name, 50), l.Quantity)
	}
	for _, l := range s.c.result.Bought {
		fmt.Fprintf(&b, "  %s  %s: %d new licenses\n", st.Success.Render("✓"), sanitizeN(l.Name, 50), l.Quantity)
	}
	if s.canAssign() {
		b.WriteString("\nPress Enter to choose who gets the new licenses, or ctrl+q to finish.")
	} else {
		b.WriteString("\nPress Enter to finish.")
	}
	return b.String()
}
