package plain

import (
	"context"
	"errors"
	"fmt"

	"github.com/google/uuid"

	"onboard/flow"
)

// agent signs customers up on their behalf, one after another.
func (s *session) agent() error {
	who := ""
	if s.Agent != "" {
		who = " " + s.t("PlainAgentWho", "Agent", clean(s.Agent, 40))
	}
	s.sayT("PlainAgentWelcome", "Provider", clean(s.Provider, 60), "Who", who)
	for {
		if err := s.agentSignUp(); err != nil {
			return err
		}
		another, err := s.confirm(s.t("PlainAnotherCustomer"), false)
		if errors.Is(err, ErrInputEnded) {
			return nil // the answers ended with this customer
		}
		if err != nil || !another {
			return err
		}
	}
}

func (s *session) agentSignUp() error {
	s.a = flow.Answers{Mode: flow.ModeAgent, Account: flow.AccountExisting}
	s.order = flow.Order{}
	steps := flow.PathSteps(flow.ModeAgent, flow.AccountExisting)
	for i, step := range steps {
		s.say("")
		s.sayT("PlainStepNofM", "N", i+1, "Of", len(steps), "Title", s.stepTitle(flow.ModeAgent, step))
		if err := s.agentStep(step); err != nil {
			return err
		}
	}
	return nil
}

func (s *session) agentStep(step flow.StepID) error {
	switch step {
	case flow.StepLicenses:
		return s.licenses()
	case flow.StepSubdomain:
		return s.lookUpAccount()
	case flow.StepDetails:
		return s.details()
	case flow.StepAgreement:
		return s.agreement()
	case flow.StepInvitation:
		return s.handOverInvitation()
	case flow.StepCreate:
		return s.createAgentOrder()
	case flow.StepGDAP:
		return s.handOverGDAP()
	case flow.StepDone:
		s.agentDone()
	}
	return nil
}

// lookUpAccount asks for the customer's initial domain until Microsoft
// knows it.
func (s *session) lookUpAccount() error {
	s.sayT("SubdomainQuestion")
	for {
		var name string
		if err := s.form(s.input(s.t("PlainInitialDomain"), &name,
			func(v string) error { _, err := flow.ValidateInitialDomain(v); return err })); err != nil {
			return err
		}
		domain, _ := flow.ValidateInitialDomain(name)
		s.sayT("SubdomainLookingUp")
		found, err := s.Backend.CheckDomain(s.ctx, domain)
		switch {
		case err != nil:
			s.sayT("PlainAccountLookupFailed", "Why", clean(s.explain(err), maxExplained))
		case !found:
			s.sayT("SubdomainNoSuch", "Domain", clean(domain, 80))
		default:
			s.a.Domain = domain
			s.sayT("PlainAgentFound", "Domain", clean(domain, 80))
			return nil
		}
	}
}

// handOverInvitation prints the invitation link and, if the agent wants,
// waits (bounded by InviteWait) for the customer to accept it.
func (s *session) handOverInvitation() error {
	var link flow.Link
	err := s.again(s.t("PlainLoadingInvitation"), func() error {
		var err error
		link, err = s.Backend.InvitationLink(s.ctx)
		return err
	})
	if err != nil {
		return err
	}
	s.sayT("PlainAgentGiveLink", "Domain", clean(s.a.Domain, 80))
	s.sayT("PlainAgentLinkNext")
	s.say("%s", clean(link.Shown(), 2000))
	wait, err := s.confirm(s.t("PlainAgentWaitHere"), false)
	if err != nil || !wait {
		return err
	}
	ctx, cancel := context.WithTimeout(s.ctx, s.InviteWait)
	defer cancel()
	err = s.wait(ctx, s.t("PlainAgentWaiting"), func() (bool, error) {
		ok, err := s.Backend.InvitationAccepted(ctx, s.a.Domain)
		if err != nil {
			return s.stillTrying(ctx, err)
		}
		return ok, nil
	})
	switch {
	case err == nil:
		s.sayT("PlainAgentAccepted")
		return nil
	case errors.Is(err, context.DeadlineExceeded) && s.ctx.Err() == nil:
		s.sayT("PlainAgentStoppedWaiting", "After", clock(s.InviteWait))
		return nil
	}
	return err
}

// createAgentOrder creates the customer and the order and moves it on when
// the invitation is already accepted; under process-immediately the order
// is then set up right away.
func (s *session) createAgentOrder() error {
	if s.a.OrderID == "" {
		s.a.OrderID = uuid.NewString() // a retry creates the same order, not a second one
	}
	s.sayT("PlainAgentCreating", "Company", clean(s.a.Company, 80), "Domain", clean(s.a.Domain, 80))
	err := s.createOrder(func() (flow.Order, error) {
		o, err := s.orderWithConsent()
		if errors.Is(err, flow.ErrTenantMismatch) {
			return o, fmt.Errorf("the invitation was accepted for a different Microsoft account than %s: %w", s.a.Domain, err)
		}
		return o, err
	})
	if err != nil {
		return err
	}
	if s.order.ReadyToProcess() {
		return s.process()
	}
	return nil
}

func (s *session) orderWithConsent() (flow.Order, error) {
	// CreateOrder moves the order on when the invitation is accepted already.
	return s.Backend.CreateOrder(s.ctx, s.a)
}
