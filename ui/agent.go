package ui

import (
	"charm.land/bubbles/v2/key"

	"onboard/flow"
)

// Agent mode: a support agent registers a customer on their behalf. The
// screens shared with the customer flow (licenses, details, agreement) ask
// here where to go, so the customer's routes stay as they are.

// agentStates maps the agent path's steps to screens.
var agentStates = map[flow.StepID]state{
	flow.StepLicenses:   stateLicenses,
	flow.StepSubdomain:  stateSubdomain,
	flow.StepDetails:    stateDetails,
	flow.StepAgreement:  stateAgreement,
	flow.StepInvitation: stateInvitation,
	flow.StepCreate:     stateCreate,
	flow.StepDone:       stateAgentDone,
}

func (c *common) agentMode() bool { return c.answers.Mode == flow.ModeAgent }

// nextState is the screen after step: customer's in customer mode, the
// agent path's next step in agent mode.
func (c *common) nextState(step flow.StepID, customer state) state {
	if !c.agentMode() {
		return customer
	}
	if next, ok := flow.PathNext(flow.ModeAgent, flow.AccountExisting, step); ok {
		return agentStates[next]
	}
	return customer
}

// prevState is the screen before step, like nextState.
func (c *common) prevState(step flow.StepID, customer state) state {
	if !c.agentMode() {
		return customer
	}
	if prev, ok := flow.PathPrev(flow.ModeAgent, flow.AccountExisting, step); ok {
		return agentStates[prev]
	}
	return customer
}

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
}

// agentBadge is the header badge of agent mode.
func (c *common) agentBadge() string {
	if !c.agentMode() {
		return ""
	}
	label := "AGENT"
	if c.agent.name != "" {
		label += " " + sanitizeN(c.agent.name, 24)
	}
	return c.styles.Badge.Render(label)
}
