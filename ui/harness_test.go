package ui

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"charm.land/bubbles/v2/cursor"
	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"
)

// harness drives the root model synchronously: every command runs to its
// message, which is fed back to Update, so a test sees the state a real
// program reaches. Animation ticks (spinner, cursor blink) and poll timers
// are dropped: tests send poll messages themselves when they want a poll.
type harness struct {
	t           *testing.T
	m           *Model
	fb          *fakeBackend
	br          *stubBrowser
	clock       time.Time
	quit        bool
	interrupted bool
	clipboard   string
}

// cmdBudget abandons commands that only wait for a timer (cursor blink);
// every backend call of the fake returns at once.
const cmdBudget = 30 * time.Millisecond

func newHarness(t *testing.T, setup ...func(*fakeBackend, *Options)) *harness {
	t.Helper()
	h := &harness{t: t, fb: newFakeBackend(), br: &stubBrowser{}}
	h.clock = h.fb.now
	opts := Options{
		Backend: h.fb, Catalog: testCatalog, Browser: h.br, Terminal: "kiosk-1", NoColor: true,
		PollInterval: time.Millisecond, Now: func() time.Time { return h.clock },
	}
	for _, f := range setup {
		f(h.fb, &opts)
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

// runWave runs commands concurrently and returns, in order, the messages of
// those done within cmdBudget; the rest only wait for timers.
func runWave(cmds []tea.Cmd) []tea.Msg {
	chans := make([]chan tea.Msg, len(cmds))
	for i, c := range cmds {
		if c == nil {
			continue
		}
		chans[i] = make(chan tea.Msg, 1)
		go func() { chans[i] <- c() }()
	}
	deadline := time.After(cmdBudget)
	expired := false
	var out []tea.Msg
	for _, ch := range chans {
		if ch == nil {
			continue
		}
		if expired {
			select {
			case msg := <-ch:
				out = append(out, msg)
			default:
			}
			continue
		}
		select {
		case msg := <-ch:
			out = append(out, msg)
		case <-deadline:
			expired = true
		}
	}
	return out
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
	golden.RequireEqual(h.t, h.view())
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

// typeDetails answers the details form, valid, up to the agreement.
func (h *harness) typeDetails() {
	h.t.Helper()
	for _, v := range []string{"Contoso Ltd", "Ada", "Lovelace", "ada@contoso.com"} {
		h.typeText(v)
		h.key("enter")
	}
	h.typeText("/Germ")
	h.key("enter")
	h.typeText("030 1234567")
	h.key("enter")
	for _, v := range []string{"Unter den Linden 1", "Berlin", "10117", ""} {
		h.typeText(v)
		h.key("enter")
	}
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
	h.typeText("admin@contoso.onmicrosoft.com")
	h.key("enter")
	h.typeText(password)
	h.key("enter")
}

func (h *harness) toConsent() {
	h.t.Helper()
	h.chooseLicenses()
	h.fillDetails()
	h.signIn(h.fb.adminPassword)
	h.requireState(stateConsent)
}

func (h *harness) pollConsent() {
	h.t.Helper()
	s := h.m.screens[stateConsent].(*consentScreen)
	h.send(consentPollMsg{gen: s.gen})
}

func (h *harness) pollPayment() {
	h.t.Helper()
	s := h.m.screens[stateReview].(*reviewScreen)
	h.send(paymentPollMsg{gen: s.gen})
}
