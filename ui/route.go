package ui

import (
	tea "charm.land/bubbletea/v2"

	"onboard/flow"
)

// Routes: flow decides the next step of every path and mode
// (flow.NextStep, flow.PrevStep, flow.StepForOrder); the wizard only knows
// which screen draws a step.

var (
	customerScreens = map[flow.StepID]state{
		flow.StepLicenses:   stateLicenses,
		flow.StepAccount:    stateAccount,
		flow.StepDetails:    stateDetails,
		flow.StepAgreement:  stateAgreement,
		flow.StepAdmin:      stateAdmin,
		flow.StepConsent:    stateConsent,
		flow.StepGDAP:       stateGDAP,
		flow.StepReview:     stateReview,
		flow.StepPay:        stateReview,
		flow.StepProcessing: stateProcessing,
		flow.StepDone:       stateDone,
	}
	agentScreens = map[flow.StepID]state{
		flow.StepLicenses:   stateLicenses,
		flow.StepSubdomain:  stateSubdomain,
		flow.StepDetails:    stateDetails,
		flow.StepAgreement:  stateAgreement,
		flow.StepInvitation: stateInvitation,
		flow.StepCreate:     stateCreate,
		flow.StepGDAP:       stateGDAP,
		flow.StepProcessing: stateProcessing,
		flow.StepDone:       stateAgentDone,
	}
)

// screenOf is the screen that draws step. On the new-account path the
// review step first creates the account (its own screen), then reviews.
func (c *common) screenOf(step flow.StepID) state {
	if c.agentMode() {
		return agentScreens[step]
	}
	if step == flow.StepReview && c.answers.Account == flow.AccountNew && c.order.TenantID == "" {
		return stateCreateAccount
	}
	return customerScreens[step]
}

// forward moves on from step to where flow says the sign-up goes next.
func (c *common) forward(step flow.StepID) tea.Cmd {
	return c.goTo(c.screenOf(flow.NextStep(c.answers, step, c.order)), true)
}

// backFrom goes to the step before step.
func (c *common) backFrom(step flow.StepID) tea.Cmd {
	return c.goTo(c.screenOf(flow.PrevStep(c.answers, step)), false)
}

// continueOrder goes where the order, as it is now, continues.
func (c *common) continueOrder(o flow.Order, forward bool) tea.Cmd {
	c.order = o
	step := flow.StepForOrder(c.answers.Mode, o)
	if step == flow.StepReview && !c.agentMode() && o.TenantID != "" {
		// An order awaiting payment for a linked tenant passes the admin
		// relationship first: that screen moves on at once when it is
		// approved or not needed, and otherwise shows the approval link.
		step = flow.StepGDAP
	}
	return c.goTo(c.screenOf(step), forward)
}
