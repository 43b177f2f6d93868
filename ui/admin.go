package ui

import (
	"context"
	"errors"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"
	"charm.land/huh/v2"

	"onboard/flow"
)

type (
	adminVerifiedMsg struct {
		gen   int
		admin flow.Admin
		err   error
	}
	signInStartedMsg struct {
		gen    int
		signIn flow.SignIn
		err    error
	}
	signInPollMsg    struct{ gen int }
	signInCheckedMsg struct {
		gen   int
		admin flow.Admin
		done  bool
		err   error
	}
)

// adminPhase is where the administrator screen stands.
type adminPhase int

const (
	adminForm     adminPhase = iota // typing the login (and the password, with the password setting)
	adminStarting                   // asking Microsoft for a sign-in code, or checking the password
	adminCode                       // showing the code and the page, waiting for the sign-in
)

// adminScreen asks for the Global administrator's login and has the
// administrator sign in on Microsoft's page: it shows the code, the link
// and a QR code, opens the browser where it can and waits until Microsoft
// reports the sign-in. With the provider's password setting it asks the
// password instead; the password lives only in the form and the verifying
// command.
type adminScreen struct {
	c            *common
	form         *huh.Form
	password     string
	askPassword  bool
	phase        adminPhase
	spin         spinner.Model
	ctx          context.Context // the running round's
	cancel       context.CancelFunc
	gen          int
	err          string
	errLogin     string // the login err refused: retyping it clears err
	note         string // why the sign-in moved to Microsoft's page
	signIn       flow.SignIn
	link         link
	started      time.Time
	waitingCheck bool
}

func newAdminScreen(c *common) *adminScreen {
	return &adminScreen{c: c, spin: newSpinner(), cancel: func() {}, link: link{c: c}}
}

func (s *adminScreen) step() flow.StepID { return flow.StepAdmin }
func (s *adminScreen) title() string     { return s.c.t("AdminTitle") }
func (s *adminScreen) help() []key.Binding {
	k := s.c.keys
	switch s.phase {
	case adminStarting:
		return []key.Binding{s.c.helpKey("esc", "esc", "KeyCancel"), k.Quit}
	case adminCode:
		if s.signIn.Browser {
			return []key.Binding{k.Open, k.Copy, s.c.helpKey("d", "d", "KeyUseCode"), s.c.helpKey("esc", "esc", "KeyChangeLogin"), k.Quit}
		}
		return s.c.withoutOpen([]key.Binding{k.Open, k.Reopen, k.Copy, s.c.helpKey("esc", "esc", "KeyChangeLogin"), k.Quit, k.QR})
	}
	return []key.Binding{
		s.c.helpKey("enter", "enter", "KeyNext"),
		s.c.helpKey("shift+tab", "shift+tab", "KeyPrevious"),
		k.Back, k.Quit,
	}
}

func (s *adminScreen) enter() tea.Cmd {
	s.stop()
	s.askPassword, s.err = false, "" // a refusal from an earlier visit no longer applies
	return s.newForm()
}

func (s *adminScreen) newForm() tea.Cmd {
	s.phase, s.password = adminForm, ""
	fields := []huh.Field{
		huh.NewInput().Title(s.c.t("AdminLoginField")).
			Description(s.c.t("AdminLoginNote")).
			Value(&s.c.answers.AdminLogin).Validate(s.c.valid(flow.ValidateUPN)),
	}
	if s.askPassword {
		// The provider's password setting: the login is typed already.
		fields = []huh.Field{huh.NewInput().Title(s.c.t("AdminPasswordField")).
			Description(s.c.t("AdminPasswordNote", "Login", sanitizeN(s.c.answers.AdminLogin, 60))).
			EchoMode(huh.EchoModePassword).Value(&s.password).
			Validate(func(p string) error {
				if p == "" {
					return errors.New(s.c.t("AdminEnterPassword"))
				}
				return nil
			})}
	}
	s.form = s.c.newForm(huh.NewGroup(fields...))
	return s.form.Init()
}

// stop ends whatever is in flight; its replies are then ignored.
func (s *adminScreen) stop() {
	s.cancel()
	s.note = ""
	s.gen++
	s.waitingCheck = false
}

func (s *adminScreen) update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case adminVerifiedMsg:
		return s.verified(msg)
	case signInStartedMsg:
		return s.codeStarted(msg)
	case signInCheckedMsg:
		return s.checked(msg)
	case signInPollMsg:
		if msg.gen != s.gen || s.phase != adminCode || s.waitingCheck {
			return nil
		}
		return s.check(s.signIn.ID)
	case browserOpenedMsg:
		s.link.opened(msg)
		return nil
	case spinner.TickMsg:
		if s.phase == adminForm {
			return nil
		}
		var cmd tea.Cmd
		s.spin, cmd = s.spin.Update(msg)
		return cmd
	case tea.KeyPressMsg:
		if cmd, handled := s.key(msg); handled {
			return cmd
		}
	}
	if s.phase != adminForm || s.form == nil {
		return nil
	}
	var cmd tea.Cmd
	s.form, cmd = updateForm(s.form, msg)
	if s.err != "" && !s.askPassword && strings.TrimSpace(s.c.answers.AdminLogin) != s.errLogin {
		s.err = "" // the refused login was retyped
	}
	if s.form.State == huh.StateCompleted {
		if s.askPassword {
			return s.verify()
		}
		return s.start()
	}
	return cmd
}

// useCode switches a browser sign-in that cannot finish on this computer
// to the device code (a code and a link for any device).
var useCode = key.NewBinding(key.WithKeys("d"), key.WithHelp("d", "use a code instead"))

func (s *adminScreen) key(msg tea.KeyPressMsg) (tea.Cmd, bool) {
	k := s.c.keys
	if key.Matches(msg, k.Back) {
		if s.phase != adminForm {
			s.stop()
			s.askPassword = false
			return s.newForm(), true
		}
		if s.askPassword {
			s.askPassword, s.err = false, ""
			return s.newForm(), true
		}
		s.err = ""
		return s.c.backFrom(flow.StepAdmin), true
	}
	if s.phase == adminStarting {
		return nil, true
	}
	if s.phase != adminCode {
		return nil, false
	}
	switch {
	case s.signIn.Browser && key.Matches(msg, useCode):
		return s.startWith(flow.SignInDeviceCode), true
	case key.Matches(msg, k.QR):
		s.link.bigQR = !s.link.bigQR && s.link.qr != ""
	case key.Matches(msg, k.Open), key.Matches(msg, k.Reopen):
		return s.link.open(), true
	case key.Matches(msg, k.Copy):
		return s.link.copy(), true
	}
	return nil, true
}

// start asks Microsoft for a sign-in code for the login.
func (s *adminScreen) start() tea.Cmd { return s.startWith("") }

// startWith starts the sign-in with method ("" for the provider's setting).
func (s *adminScreen) startWith(method string) tea.Cmd {
	login := strings.TrimSpace(s.c.answers.AdminLogin)
	s.form, s.err = nil, ""
	ctx := s.begin()
	if method != "" {
		ctx = flow.WithSignInMethod(ctx, method)
	}
	gen, backend := s.gen, s.c.backend
	return tea.Batch(func() tea.Msg {
		in, err := backend.StartAdminSignIn(ctx, login)
		return signInStartedMsg{gen: gen, signIn: in, err: err}
	}, s.spin.Tick)
}

// begin opens a new round: the last one is cancelled.
func (s *adminScreen) begin() context.Context {
	s.stop()
	ctx, cancel := context.WithCancel(s.c.ctx)
	s.ctx, s.cancel, s.phase = ctx, cancel, adminStarting
	return ctx
}

func (s *adminScreen) codeStarted(msg signInStartedMsg) tea.Cmd {
	if msg.gen != s.gen {
		return nil
	}
	switch {
	case msg.err != nil:
		s.refuse(msg.err)
		return s.newForm()
	case msg.signIn.AskPassword:
		s.askPassword = true
		return s.newForm()
	case msg.signIn.UserCode == "" && !msg.signIn.Browser:
		return s.check(msg.signIn.ID) // nothing to sign in to (verification is off)
	}
	return s.showCode(msg.signIn)
}

// showCode shows the code and the page and waits for the sign-in.
func (s *adminScreen) showCode(in flow.SignIn) tea.Cmd {
	s.signIn, s.phase, s.started = in, adminCode, s.c.now()
	// A browser sign-in returns to this machine's loopback address:
	// another device cannot finish it, so no QR code.
	s.link.localOnly = in.Browser
	s.link.set(in.URL)
	return tea.Batch(s.link.open(), s.pollLater(), s.spin.Tick)
}

// pollLater asks for the next check after the poll interval.
func (s *adminScreen) pollLater() tea.Cmd {
	gen := s.gen
	return tea.Tick(s.c.poll, func(time.Time) tea.Msg { return signInPollMsg{gen: gen} })
}

// check waits a few seconds in the backend for the sign-in to finish.
func (s *adminScreen) check(id string) tea.Cmd {
	ctx, gen, backend := s.ctx, s.gen, s.c.backend
	s.waitingCheck = true
	return func() tea.Msg {
		adm, done, err := backend.CheckAdminSignIn(ctx, id)
		return signInCheckedMsg{gen: gen, admin: adm, done: done, err: err}
	}
}

func (s *adminScreen) checked(msg signInCheckedMsg) tea.Cmd {
	if msg.gen != s.gen {
		return nil
	}
	s.waitingCheck = false
	if !msg.done && msg.err == nil {
		return s.pollLater()
	}
	if msg.err != nil {
		s.stop()
		s.refuse(msg.err)
		return s.newForm()
	}
	return s.accept(msg.admin)
}

// verify checks the password (the provider's password setting). The
// password is copied into the command and wiped from the screen and the
// form before Update returns.
func (s *adminScreen) verify() tea.Cmd {
	login, password := strings.TrimSpace(s.c.answers.AdminLogin), s.password
	s.password, s.form, s.err = "", nil, ""
	ctx := s.begin()
	gen, backend := s.gen, s.c.backend
	check := func() tea.Msg {
		admin, err := backend.VerifyAdmin(ctx, login, password)
		return adminVerifiedMsg{gen: gen, admin: admin, err: err}
	}
	return tea.Batch(check, s.spin.Tick)
}

func (s *adminScreen) verified(msg adminVerifiedMsg) tea.Cmd {
	if msg.gen != s.gen || s.phase != adminStarting {
		return nil // cancelled meanwhile
	}
	var need *flow.SignInRequired
	if errors.As(msg.err, &need) {
		s.askPassword = false
		s.note = explained(s.c.explain(msg.err))
		return s.showCode(need.SignIn)
	}
	if msg.err != nil {
		s.refuse(msg.err)
		return s.newForm()
	}
	return s.accept(msg.admin)
}

// refuse shows why Microsoft refused the login, until it is retyped.
func (s *adminScreen) refuse(err error) {
	s.err = explained(s.c.explain(err))
	s.errLogin = strings.TrimSpace(s.c.answers.AdminLogin)
}

// accept records the verified administrator and moves on.
func (s *adminScreen) accept(admin flow.Admin) tea.Cmd {
	s.stop()
	s.phase = adminForm
	a := &s.c.answers
	a.AdminUPN = admin.UPN
	if a.AdminUPN == "" {
		a.AdminUPN = a.AdminLogin
	}
	a.TenantID = admin.TenantID
	if a.Domain == "" {
		if _, d, ok := strings.Cut(a.AdminUPN, "@"); ok {
			a.Domain = strings.ToLower(d)
		}
	}
	return s.c.forward(flow.StepAdmin)
}

func (s *adminScreen) view() string {
	st := s.c.styles
	intro := s.c.t("AdminIntro") + "\n\n"
	switch s.phase {
	case adminStarting:
		return intro + strings.TrimSpace(s.spin.View()) + " " + s.c.t("AdminAsking")
	case adminCode:
		login := sanitizeN(s.c.answers.AdminLogin, 80)
		text := st.Title.Render(s.c.t("AdminCodeTitle")) + "\n\n" +
			s.c.t("AdminCodeText", "Login", login) + "\n\n" +
			s.c.t("AdminCode") + " " + st.Title.Render(sanitizeN(s.signIn.UserCode, 40))
		if s.signIn.Browser {
			text = st.Title.Render(s.c.t("AdminBrowserTitle")) + "\n\n" + s.c.t("AdminBrowserText", "Login", login)
		}
		if s.note != "" {
			text = st.Warning.Render(s.note) + "\n\n" + text
		}
		text += "\n\n" + waitLine(s.spin, s.c.t("AdminWaiting"), s.c.now().Sub(s.started))
		return s.link.view(text)
	}
	if s.err != "" {
		intro += st.Error.Width(s.c.bodyWidth()).Render(s.err) + "\n\n"
	}
	return s.c.formView(intro, s.form)
}
