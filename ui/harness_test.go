package ui

import (
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"runtime"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"charm.land/bubbles/v2/cursor"
	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"

	"onboard/internal/testworld"
	"onboard/msapi/sandbox"
)

// harness drives the root model synchronously against the real Service:
// every command runs to its message, which is fed back to Update, so a test
// sees the state a real program reaches, whatever the machine's load. Timer
// commands (spinner, cursor blink, poll and kiosk ticks) are never started:
// tests send poll messages themselves when they want a poll.
type harness struct {
	t           *testing.T
	m           *Model
	w           *world
	br          *stubBrowser
	clock       time.Time
	quit        bool
	interrupted bool
	clipboard   string
	// holdGDAP keeps the GDAP screen waiting: pollConsent does not approve
	// the admin relationship for the test.
	holdGDAP bool
}

func newHarness(t *testing.T, setup ...func(*world, *Options)) *harness {
	t.Helper()
	h := &harness{t: t, clock: testEpoch}
	h.w = newWorld(t, func() time.Time { return h.clock })
	h.br = h.w.br
	opts := Options{
		Backend: h.w.svc, Catalog: h.w.svc.Catalog, Browser: h.br, Terminal: "kiosk-1", NoColor: true,
		PollInterval: time.Millisecond, Now: func() time.Time { return h.clock },
	}
	for _, f := range setup {
		f(h.w, &opts)
	}
	h.m = New(opts)
	h.send(tea.WindowSizeMsg{Width: 80, Height: 24})
	h.do(h.m.Init())
	return h
}

func (h *harness) send(msg tea.Msg) {
	h.t.Helper()
	_, cmd := h.m.Update(msg)
	h.do(cmd)
}

func (h *harness) do(cmd tea.Cmd) {
	h.t.Helper()
	queue := []tea.Cmd{cmd}
	for wave := 0; len(queue) > 0; wave++ {
		if wave > 500 {
			h.t.Fatal("commands keep producing commands")
		}
		msgs := runWave(queue)
		queue = nil
		for _, msg := range msgs {
			queue = append(queue, h.handle(msg)...)
		}
	}
}

// handle feeds one message to the model, or unpacks it into commands.
func (h *harness) handle(msg tea.Msg) []tea.Cmd {
	switch msg := msg.(type) {
	case nil:
	case tea.BatchMsg:
		return msg
	case tea.QuitMsg:
		h.quit = true
	case tea.InterruptMsg:
		h.interrupted = true
	case spinner.TickMsg, cursor.BlinkMsg, consentPollMsg, paymentPollMsg:
	default:
		if t := reflect.TypeOf(msg); t.Name() == "setClipboardMsg" {
			h.clipboard = reflect.ValueOf(msg).String()
			return nil
		}
		if cmds, ok := sequence(msg); ok {
			return cmds
		}
		if unexportedCharm(msg) {
			return nil
		}
		_, next := h.m.Update(msg)
		return []tea.Cmd{next}
	}
	return nil
}

// runWave runs commands concurrently, as the program does, and returns
// their messages in order once every one has returned. Timer commands are
// not run (their messages only animate or trigger polls the tests send
// themselves), so no message depends on how fast the machine is.
func runWave(cmds []tea.Cmd) []tea.Msg {
	chans := make([]chan tea.Msg, len(cmds))
	for i, c := range cmds {
		if c == nil || timerCmd(c) {
			continue
		}
		chans[i] = make(chan tea.Msg, 1)
		go func() { chans[i] <- c() }()
	}
	// stuck guards against a command that never returns (a bug): the
	// test fails naming it instead of hanging until the test binary times
	// out. It is no synchronisation: every command is waited for.
	stuck := time.After(stuckAfter)
	var out []tea.Msg
	for i, ch := range chans {
		if ch == nil {
			continue
		}
		select {
		case msg := <-ch:
			out = append(out, msg)
		case <-stuck:
			panic(fmt.Sprintf("command %s did not return within %s", cmdName(cmds[i]), stuckAfter))
		}
	}
	return out
}

const stuckAfter = 2 * time.Minute

// timerCmd is a command that only waits for a timer.
func timerCmd(c tea.Cmd) bool {
	name := cmdName(c)
	for _, p := range []string{"bubbletea/v2.Tick.", "bubbletea/v2.Every.", "bubbles/v2/spinner.", "bubbles/v2/cursor."} {
		if strings.Contains(name, p) {
			return true
		}
	}
	return false
}

func cmdName(c tea.Cmd) string {
	return runtime.FuncForPC(reflect.ValueOf(c).Pointer()).Name()
}

// sequence unpacks tea.Sequence's unexported message (a slice of Cmds).
func sequence(msg tea.Msg) ([]tea.Cmd, bool) {
	v := reflect.ValueOf(msg)
	if v.Kind() != reflect.Slice || v.Type().Elem() != reflect.TypeOf(tea.Cmd(nil)) {
		return nil, false
	}
	out := make([]tea.Cmd, v.Len())
	for i := range out {
		out[i] = v.Index(i).Interface().(tea.Cmd)
	}
	return out, true
}

// unexportedCharm are internal messages of Charm libraries (window size
// requests, blink bookkeeping) that the harness does not emulate.
func unexportedCharm(msg tea.Msg) bool {
	t := reflect.TypeOf(msg)
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	name := t.Name()
	return strings.Contains(t.PkgPath(), "charm") && name != "" && strings.ToLower(name[:1]) == name[:1] &&
		!strings.Contains(t.PkgPath(), "huh")
}

func (h *harness) key(keys ...string) {
	h.t.Helper()
	for _, k := range keys {
		h.send(keyMsg(k))
	}
}

// typeText types s; longer text arrives as a paste (one message instead of
// one per key, which keeps form-heavy tests fast).
func (h *harness) typeText(s string) {
	h.t.Helper()
	if len(s) > 1 && !strings.HasPrefix(s, "/") {
		h.send(tea.PasteMsg{Content: s})
		return
	}
	for _, r := range s {
		h.send(tea.KeyPressMsg{Code: r, Text: string(r)})
	}
}

func keyMsg(k string) tea.KeyPressMsg {
	switch k {
	case "enter":
		return tea.KeyPressMsg{Code: tea.KeyEnter}
	case "esc":
		return tea.KeyPressMsg{Code: tea.KeyEscape}
	case "up":
		return tea.KeyPressMsg{Code: tea.KeyUp}
	case "down":
		return tea.KeyPressMsg{Code: tea.KeyDown}
	case "tab":
		return tea.KeyPressMsg{Code: tea.KeyTab}
	case "shift+tab":
		return tea.KeyPressMsg{Code: tea.KeyTab, Mod: tea.ModShift}
	case "backspace":
		return tea.KeyPressMsg{Code: tea.KeyBackspace}
	case "f2":
		return tea.KeyPressMsg{Code: tea.KeyF2}
	}
	if rest, ok := strings.CutPrefix(k, "ctrl+"); ok {
		return tea.KeyPressMsg{Code: rune(rest[0]), Mod: tea.ModCtrl}
	}
	r := []rune(k)[0]
	return tea.KeyPressMsg{Code: r, Text: k}
}

func (h *harness) view() string {
	return ansi.Strip(h.m.View().Content)
}

func (h *harness) requireView(want string) {
	h.t.Helper()
	if v := h.view(); !strings.Contains(v, want) {
		h.t.Fatalf("view does not show %q:\n%s", want, v)
	}
}

func (h *harness) golden() {
	h.t.Helper()
	lines := strings.Split(h.view(), "\n")
	if len(lines) > 24 {
		h.t.Errorf("view has %d lines, more than 24", len(lines))
	}
	for i, l := range lines {
		if w := ansi.StringWidth(l); w > 80 {
			h.t.Errorf("line %d is %d cells wide, more than 80: %q", i, w, l)
		}
	}
	golden.RequireEqual(h.t, h.maskRandom(h.view()))
}

// goldens compares the view at 80x24 (the test's golden) and at 120x40
// (its "120x40" subtest's golden), then returns to 80x24.
func (h *harness) goldens() {
	h.t.Helper()
	h.golden()
	h.send(tea.WindowSizeMsg{Width: 120, Height: 40})
	h.t.Run("120x40", func(t *testing.T) {
		v := h.view()
		lines := strings.Split(v, "\n")
		if len(lines) > 40 {
			t.Errorf("view has %d lines, more than 40", len(lines))
		}
		for i, l := range lines {
			if w := ansi.StringWidth(l); w > 120 {
				t.Errorf("line %d is %d cells wide, more than 120: %q", i, w, l)
			}
		}
		golden.RequireEqual(t, h.maskRandom(v))
	})
	h.send(tea.WindowSizeMsg{Width: 80, Height: 24})
}

func (h *harness) requireState(s state) {
	h.t.Helper()
	if h.m.state != s {
		h.t.Fatalf("state = %d, want %d\n%s", h.m.state, s, h.view())
	}
}

// Steps through the screens with valid answers.

func (h *harness) chooseLicenses() {
	h.t.Helper()
	h.requireState(stateLicenses)
	h.key("+", "+", "down", "3")
	h.key("enter")
	h.requireState(stateAccount)
}

// typePhoneAndAddress answers the details from the phone on with a
// German number and address.
func (h *harness) typePhoneAndAddress() {
	h.t.Helper()
	h.typeText("030 1234567")
	h.key("enter")
	for _, v := range []string{"Unter den Linden 1", "Berlin", "10117"} {
		h.typeText(v)
		h.key("enter")
	}
}

// typeLookUp answers the look-up of an existing order (ctrl+o).
func (h *harness) typeLookUp(number, email string) {
	h.t.Helper()
	h.typeText(number)
	h.key("enter")
	h.typeText(email)
	h.key("enter")
}

// typeDetails answers the details form, valid, up to the agreement.
func (h *harness) typeDetails() {
	h.t.Helper()
	for _, v := range []string{"Contoso Ltd", "Ada", "Lovelace", "ada@contoso.com"} {
		h.typeText(v)
		h.key("enter")
	}
	h.typeText("/Germ")
	h.key("enter")
	h.typePhoneAndAddress()
	h.requireState(stateAgreement)
}

func (h *harness) fillDetails() {
	h.t.Helper()
	h.key("enter")
	h.requireState(stateDetails)
	h.typeDetails()
	h.key("y")
	h.requireState(stateAdmin)
}

func (h *harness) signIn(password string) {
	h.t.Helper()
	h.signInAs(contosoAdmin, password)
}

// typeSignIn types the login and the password (the password setting).
func (h *harness) typeSignIn(login, password string) {
	h.t.Helper()
	h.typeText(login)
	h.key("enter")
	h.typeText(password)
	h.key("enter")
}

func (h *harness) signInAs(login, password string) {
	h.t.Helper()
	h.typeSignIn(login, password)
	// Security defaults: an administrator with MFA continues on the
	// sign-in page, as a person would, with the demo second factor.
	if strings.Contains(h.view(), "Sign in on Microsoft's page") {
		if err := h.w.ms.MS.ApproveDeviceSignIn(h.code(), login, password, sandbox.MFADemoCode); err != nil {
			h.t.Fatal(err)
		}
		h.pollSignIn()
	}
}

func (h *harness) toConsent() {
	h.t.Helper()
	h.chooseLicenses()
	h.fillDetails()
	h.signIn(contosoPassword)
	h.requireState(stateConsent)
}

func (h *harness) pollConsent() {
	h.t.Helper()
	s := h.m.screens[stateConsent].(*consentScreen)
	h.send(consentPollMsg{gen: s.gen})
	if !h.holdGDAP {
		h.approveGDAP()
	}
}

// approveGDAP approves the order's admin relationship as contoso's Global
// administrator on the approval page when the wizard waits for it, and
// lets the GDAP screen see the approval.
func (h *harness) approveGDAP() {
	h.t.Helper()
	if h.m.state != stateGDAP || h.m.c.order.TenantID == "" {
		return
	}
	login, password := tenantAdmin(h.m.c.order.TenantDomain)
	if err := h.w.ms.MS.ApproveGDAP(h.m.c.order.TenantID, login, password); err != nil && !errors.Is(err, sandbox.ErrGDAPNotPending) {
		h.t.Fatalf("approve GDAP as %s: %v", login, err)
	}
	h.pollGDAP()
}

// tenantAdmin is a demo Global administrator of the tenant with that
// initial domain (contoso's when none matches).
func tenantAdmin(domain string) (login, password string) {
	for _, a := range sandbox.DemoAccounts() {
		if strings.EqualFold(a.Tenant, domain) && a.Role == "Global administrator" {
			return a.Login, a.Password
		}
	}
	return contosoAdmin, contosoPassword
}

func (h *harness) pollPayment() {
	h.t.Helper()
	s := h.m.screens[stateReview].(*reviewScreen)
	h.send(paymentPollMsg{gen: s.gen})
}

// qrGlyphs are the block characters a QR code is drawn with.
const qrGlyphs = "█▀▄"

// maskRandom replaces what differs between runs although the screen is
// right: the sandbox checkout's session id, drawn at random, wherever a
// page opened in the browser shows it (also where the URL wraps onto the
// next line), and so the QR code of a checkout page. The invitation's URL
// and QR code are stable and compared as they are.
func (h *harness) maskRandom(v string) string {
	v = signInCode.ReplaceAllString(v, "Code: XXXXXXXXX")
	v = draftReference.ReplaceAllString(v, "reference XXXX-XXXX")
	for _, u := range h.br.all() {
		id, err := testworld.CheckoutID(u)
		if err != nil || !strings.HasPrefix(u, "http://"+testworld.PayHost) || !strings.Contains(v, id[:8]) {
			continue
		}
		v = maskCheckout(v, id)
	}
	return v
}

// draftReference is a draft's random code on the resume screen.
var draftReference = regexp.MustCompile(`reference [A-Z0-9]{4}-[A-Z0-9]{4}`)

// signInCode is the sandbox's random device sign-in code on screen.
var signInCode = regexp.MustCompile(`Code: [A-Z0-9]{9}`)

// maskCheckout masks checkout id in v, whole or wrapped over two lines.
func maskCheckout(v, id string) string {
	mask := func(s string) string { return strings.Repeat("#", len(s)) }
	v = strings.ReplaceAll(v, id, mask(id))
	lines := strings.Split(v, "\n")
	for i := 0; i+1 < len(lines); i++ {
		for k := len(id) - 1; k > 3; k-- {
			head, tail := id[:k], id[k:]
			j := strings.Index(lines[i], head)
			if j < 0 || strings.TrimSpace(lines[i][j+len(head):]) != "" && !strings.ContainsAny(lines[i][j+len(head):], qrGlyphs) {
				continue
			}
			next := strings.TrimLeft(lines[i+1], " ")
			if !strings.HasPrefix(next, tail) {
				continue
			}
			lines[i] = lines[i][:j] + mask(head) + lines[i][j+len(head):]
			at := len(lines[i+1]) - len(next)
			lines[i+1] = lines[i+1][:at] + mask(tail) + lines[i+1][at+len(tail):]
			break
		}
	}
	for i, l := range lines {
		first, last := strings.IndexAny(l, qrGlyphs), -1
		if first < 0 {
			continue
		}
		for j, r := range l {
			if strings.ContainsRune(qrGlyphs, r) {
				last = j + len(string(r))
			}
		}
		span := l[first:last]
		lines[i] = l[:first] + strings.Repeat("▒", utf8.RuneCountInString(span)) + l[last:]
	}
	return strings.Join(lines, "\n")
}
