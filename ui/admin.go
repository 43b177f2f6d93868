package ui

import (
	"context"
	"errors"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"
	"charm.land/huh/v2"

	"onboard/flow"
)

type adminVerifiedMsg struct {
	gen   int
	admin flow.Admin
	err   error
}

// adminScreen asks for the Global administrator's login and password and
// verifies them. The password lives only in the form and the verifying
// command: both are dropped as soon as the check starts.
type adminScreen struct {
	c         *common
	form      *huh.Form
	password  string
	spin      spinner.Model
	verifying bool
	cancel    context.CancelFunc
	gen       int
	err       string
}

func newAdminScreen(c *common) *adminScreen {
	return &adminScreen{c: c, spin: newSpinner()}
}

func (s *adminScreen) step() flow.StepID { return flow.StepAdmin }
func (s *adminScreen) title() string     { return "Administrator" }
func (s *adminScreen) help() []key.Binding {
	k := s.c.keys
	if s.verifying {
		return []key.Binding{key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel")), k.Quit}
	}
	return []key.Binding{
		key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "next")),
		key.NewBinding(key.WithKeys("shift+tab"), key.WithHelp("shift+tab", "previous")),
		k.Back, k.Quit,
	}
}

func (s *adminScreen) enter() tea.Cmd {
	s.verifying = false
	return s.newForm()
}

func (s *adminScreen) newForm() tea.Cmd {
	s.password = ""
	s.form = s.c.newForm(huh.NewGroup(
		huh.NewInput().Title("Administrator login").
			Description("The user name of a Global administrator, e.g. admin@contoso.onmicrosoft.com").
			Value(&s.c.answers.AdminLogin).Validate(flow.ValidateUPN),
		huh.NewInput().Title("Password").
			Description("Used once to check the account with Microsoft; never stored.").
			EchoMode(huh.EchoModePassword).Value(&s.password).
			Validate(func(p string) error {
				if p == "" {
					return errors.New("enter the password")
				}
				return nil
			}),
	))
	return s.form.Init()
}

func (s *adminScreen) update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case adminVerifiedMsg:
		return s.verified(msg)
	case spinner.TickMsg:
		if !s.verifying {
			return nil
		}
		var cmd tea.Cmd
		s.spin, cmd = s.spin.Update(msg)
		return cmd
	case tea.KeyPressMsg:
		if key.Matches(msg, s.c.keys.Back) {
			if s.verifying {
				s.cancel()
				s.verifying = false
				return s.newForm()
			}
			return s.c.backFrom(flow.StepAdmin)
		}
		if s.verifying {
			return nil
		}
	}
	if s.verifying || s.form == nil {
		return nil
	}
	var cmd tea.Cmd
	s.form, cmd = updateForm(s.form, msg)
	if s.form.State == huh.StateCompleted {
		return s.verify()
	}
	return cmd
}

// verify starts the check. The password is copied into the command and
// wiped from the screen and the form before Update returns.
func (s *adminScreen) verify() tea.Cmd {
	login, password := strings.TrimSpace(s.c.answers.AdminLogin), s.password
	s.password, s.form = "", nil
	ctx, cancel := context.WithCancel(s.c.ctx)
	s.cancel, s.verifying, s.err = cancel, true, ""
	s.gen++
	gen, backend := s.gen, s.c.backend
	check := func() tea.Msg {
		defer cancel()
		admin, err := backend.VerifyAdmin(ctx, login, password)
		return adminVerifiedMsg{gen: gen, admin: admin, err: err}
	}
	return tea.Batch(check, s.spin.Tick)
}

func (s *adminScreen) verified(msg adminVerifiedMsg) tea.Cmd {
	if msg.gen != s.gen || !s.verifying {
		return nil // cancelled meanwhile
	}
	s.verifying = false
	if msg.err != nil {
		s.err = sanitize(flow.Explain(msg.err))
		return s.newForm()
	}
	a := &s.c.answers
	a.AdminUPN = msg.admin.UPN
	if a.AdminUPN == "" {
		a.AdminUPN = a.AdminLogin
	}
	if a.Domain == "" {
		if _, d, ok := strings.Cut(a.AdminUPN, "@"); ok {
			a.Domain = strings.ToLower(d)
		}
	}
	return s.c.forward(flow.StepAdmin)
}

func (s *adminScreen) view() string {
	st := s.c.styles
	intro := "Sign in as a Global administrator of your Microsoft 365 account, so we can\ncheck it is yours.\n\n"
	if s.verifying {
		return intro + strings.TrimSpace(s.spin.View()) + " Checking the account with Microsoft…"
	}
	if s.err != "" {
		intro += st.Error.Width(s.c.bodyWidth()).Render(s.err) + "\n\n"
	}
	return intro + s.form.View()
}
