package ui

import (
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"onboard/flow"
)

// agreementURL is Microsoft's published Customer Agreement.
const agreementURL = "https://www.microsoft.com/licensing/docs/customeragreement"

// agreementScreen records that the customer accepts the Microsoft Customer
// Agreement, which Microsoft requires before licenses are bought.
type agreementScreen struct {
	c   *common
	err string
}

func (s *agreementScreen) step() flow.StepID { return flow.StepAgreement }
func (s *agreementScreen) title() string     { return s.c.t("AgreementTitle") }
func (s *agreementScreen) help() []key.Binding {
	k := s.c.keys
	return []key.Binding{
		key.NewBinding(key.WithKeys(s.acceptKey()), key.WithHelp(s.acceptKey(), s.acceptHelp())),
		k.Back, k.Quit,
	}
}

// acceptKey is the language's letter for yes (y, j, o); y works in every
// language.
func (s *agreementScreen) acceptKey() string { return s.c.t("AgreementKey") }

func (s *agreementScreen) acceptHelp() string {
	if s.c.agentMode() {
		return s.c.t("AgreementAttestKey")
	}
	return s.c.t("AgreementAcceptKey")
}

func (s *agreementScreen) enter() tea.Cmd {
	s.err = ""
	return nil
}

func (s *agreementScreen) update(msg tea.Msg) tea.Cmd {
	kp, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return nil
	}
	switch {
	case key.Matches(kp, s.c.keys.Back):
		return s.c.backFrom(flow.StepAgreement)
	case kp.String() == "y" || kp.String() == s.acceptKey():
		a := &s.c.answers
		a.AgreementAccepted, a.AgreementDate = true, s.c.now().UTC()
		return s.c.forward(flow.StepAgreement)
	case key.Matches(kp, s.c.keys.Next):
		s.err = s.c.t("AgreementPressY")
	}
	return nil
}

func (s *agreementScreen) view() string {
	st := s.c.styles
	a := s.c.answers
	who := sanitizeN(a.FirstName+" "+a.LastName, 80)
	text := s.c.t("AgreementText", "URL", st.URL.Render(agreementURL), "Who", who, "Company", sanitizeN(a.Company, 80))
	if s.c.agentMode() {
		text = s.agentText(who)
	}
	if a.AgreementAccepted {
		text += "\n\n" + st.Subtle.Render(s.c.t("AgreementAlready"))
	}
	if s.err != "" {
		text += "\n\n" + st.Error.Render(s.err)
	}
	return wrapText(text, s.c.bodyWidth())
}

// agentText is the attestation an agent makes: the customer accepted, and
// the agent records it on their behalf.
func (s *agreementScreen) agentText(who string) string {
	st := s.c.styles
	agent := s.c.t("AgreementYou")
	if s.c.agent.name != "" {
		agent = s.c.t("AgreementYouNamed", "Name", sanitizeN(s.c.agent.name, 40))
	}
	return s.c.t("AgreementAgentText", "URL", st.URL.Render(agreementURL), "Who", who,
		"Company", sanitizeN(s.c.answers.Company, 80), "Agent", agent)
}
