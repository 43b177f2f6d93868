package ui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"onboard/flow"
)

// agentDoneScreen is the agent's last screen: the order number, its state,
// and what the customer must do next under the provider's order flow.
type agentDoneScreen struct {
	c *common
}

func (s *agentDoneScreen) step() flow.StepID { return flow.StepDone }
func (s *agentDoneScreen) title() string     { return s.c.t("AgentDoneTitle") }
func (s *agentDoneScreen) help() []key.Binding {
	ak := s.c.agent.keys
	return []key.Binding{ak.Finish, ak.Another, s.c.keys.Quit}
}

func (s *agentDoneScreen) enter() tea.Cmd { return nil }

func (s *agentDoneScreen) update(msg tea.Msg) tea.Cmd {
	kp, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return nil
	}
	switch {
	case key.Matches(kp, s.c.agent.keys.Finish):
		return tea.Quit
	case key.Matches(kp, s.c.agent.keys.Another):
		return s.nextCustomer()
	}
	return nil
}

// nextCustomer starts over with empty answers, for the next customer.
func (s *agentDoneScreen) nextCustomer() tea.Cmd {
	c := s.c
	c.answers = flow.Answers{Mode: flow.ModeAgent, Account: flow.AccountExisting}
	c.order, c.result, c.assigned, c.lookedUp = flow.Order{}, flow.Result{}, 0, false
	c.agent.accepted, c.agent.gdap = false, flow.GDAP{}
	return c.goTo(stateLicenses, false)
}

func (s *agentDoneScreen) view() string {
	st := s.c.styles
	o, a := s.c.order, s.c.answers
	w := s.c.bodyWidth()
	var b strings.Builder
	fmt.Fprintf(&b, "%s\n\n", st.Success.Render("✓ "+s.c.t("AgentDoneCreated", "Number", sanitizeN(o.Number, 30), "Company", sanitizeN(a.Company, 60))))
	label := func(id string) string { return padCells(s.c.t(id), 19) + " " }
	b.WriteString(label("AgentDoneNumber") + st.Total.Render(sanitizeN(o.Number, 30)) + "\n")
	b.WriteString(label("AgentDoneAccount") + sanitizeN(a.Domain, 80) + "\n")
	b.WriteString(label("AgentDoneStatus") + s.c.t("Status"+string(o.Status)) + "\n")
	b.WriteString(label("AgentDoneTotal") + s.c.t("AgentDoneTotalValue", "Total", s.c.money(o.Total(), o.Currency)) + "\n")
	if paid := s.c.result.PaidWithTaxIn(s.c.loc); paid != "" {
		fmt.Fprintf(&b, "%s\n", paid) // the tax Stripe computed
	}
	if o.Status == flow.StatusCompleted {
		b.WriteString(st.Text.Width(w).Render(s.c.t("AgentDoneSetUp")+" "+sanitizeN(s.c.result.AgentSummaryIn(s.c.loc), 500)) + "\n")
	}
	b.WriteString("\n")
	b.WriteString(st.Title.Render(s.c.t("AgentDoneNext")) + "\n")
	for i, step := range s.nextSteps() {
		b.WriteString(numbered(i+1, sanitizeN(step.Text, 600), w) + "\n")
		if step.Command != "" {
			b.WriteString("     " + st.URL.Render(sanitizeN(step.Command, 100)) + "\n")
		}
	}
	return strings.TrimRight(b.String(), "\n")
}

// nextSteps are the customer's remaining steps, as flow lists them.
func (s *agentDoneScreen) nextSteps() []flow.NextAction {
	a := s.c.answers
	return flow.CustomerNextStepsIn(s.c.loc, s.c.order, s.c.agent.gdap, a.Email, a.Domain, s.c.agent.inviteURL)
}

// statusLabel is an order status in words.
func statusLabel(st flow.OrderStatus) string {
	return strings.ReplaceAll(string(st), "_", " ")
}

// numbered wraps text to w cells under its number, with a hanging indent.
func numbered(n int, text string, w int) string {
	prefix := fmt.Sprintf("%d. ", n)
	indent := strings.Repeat(" ", len(prefix))
	lines := strings.Split(wrapText(text, max(w-len(prefix), 20)), "\n")
	for i, l := range lines {
		p := indent
		if i == 0 {
			p = prefix
		}
		lines[i] = p + strings.TrimRight(l, " ")
	}
	return strings.Join(lines, "\n")
}
