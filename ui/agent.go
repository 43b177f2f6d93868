package ui

import (
	"charm.land/bubbles/v2/key"

	"onboard/flow"
)

// Agent mode: a support agent registers a customer on their behalf. The
// screens shared with the customer flow (licenses, details, agreement) ask
// here where to go, so the customer's routes stay as they are.

func (c *common) agentMode() bool { return c.answers.Mode == flow.ModeAgent }

// agentKeys are the keys only the agent's screens use.
type agentKeys struct {
	Wait     key.Binding
	Continue key.Binding
	Another  key.Binding
	Finish   key.Binding
}

func defaultAgentKeys() agentKeys {
	return agentKeys{
		Wait:     key.NewBinding(key.WithKeys("w"), key.WithHelp("w", "wait for acceptance")),
		Continue: key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "continue")),
		Another:  key.NewBinding(key.WithKeys("n"), key.WithHelp("n", "next customer")),
		Finish:   key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "finish")),
	}
}

// agentState is what the agent's screens share.
type agentState struct {
	name      string // the agent, shown in the header badge
	keys      agentKeys
	inviteURL string // the link handed to the customer
	accepted  bool   // the acceptance was seen while waiting
	// gdap is the admin relationship as flow last reported it on the GDAP
	// screen: the done screen says whether its approval still waits.
	gdap flow.GDAP
}

// agentBadge is the header badge of agent mode, with the agent's name or not.
func (c *common) agentBadge(withName bool) string {
	if !c.agentMode() {
		return ""
	}
	label := "AGENT"
	if c.agent.name != "" && withName {
		label += " " + sanitizeN(c.agent.name, 24)
	}
	return c.styles.Badge.Render(label)
}
