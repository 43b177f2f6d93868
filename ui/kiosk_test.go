package ui

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"charm.land/bubbles/v2/cursor"
	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"onboard/flow"
)

// kioskHarness drives a Kiosk like harness drives a Model, passing every
// message through the kiosk's program filter. Ticks are sent by the test
// after moving the clock; the real tick timers are abandoned by runWave.
type kioskHarness struct {
	t     *testing.T
	k     *Kiosk
	w     *world
	clock time.Time
	quit  bool
	log   bytes.Buffer
	// panicNext makes the next look at the Service's clock panic: a real
	// runtime panic inside a backend call.
	panicNext atomic.Bool
}

func newKioskHarness(t *testing.T, setup ...func(*kioskHarness, *KioskOptions)) *kioskHarness {
	t.Helper()
	h := &kioskHarness{t: t, clock: testEpoch}
	h.w = newWorld(t, func() time.Time {
		if h.panicNext.CompareAndSwap(true, false) {
			var m map[string]int
			m["boom"]++ // a nil map write
		}
		return h.clock
	})
	opts := KioskOptions{
		Options: Options{Backend: h.w.svc, Catalog: h.w.svc.Catalog, Browser: h.w.br, Terminal: "kiosk-1",
			NoColor: true, PollInterval: time.Millisecond, Now: func() time.Time { return h.clock }},
		VerifyPIN: func(pin string) bool { return pin == "2468" },
		Logger:    slog.New(slog.NewTextHandler(&h.log, nil)),
		DropDraft: h.w.svc.DropDraft,
	}
	for _, f := range setup {
		f(h, &opts)
	}
	h.k = NewKiosk(opts)
	h.send(tea.WindowSizeMsg{Width: 80, Height: 24})
	h.do(h.k.Init())
	return h
}

func (h *kioskHarness) send(msg tea.Msg) {
	h.t.Helper()
	if msg = h.k.Filter(h.k, msg); msg == nil {
		return
	}
	if _, ok := msg.(tea.QuitMsg); ok {
		h.quit = true
		return
	}
	_, cmd := h.k.Update(msg)
	h.do(cmd)
}

func (h *kioskHarness) do(cmd tea.Cmd) {
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

func (h *kioskHarness) handle(msg tea.Msg) []tea.Cmd {
	if im, ok := msg.(innerMsg); ok {
		switch im.msg.(type) {
		case spinner.TickMsg, cursor.BlinkMsg, consentPollMsg, paymentPollMsg:
			return nil
		}
	}
	switch msg := msg.(type) {
	case nil, kioskTickMsg:
	case tea.BatchMsg:
		return msg
	default:
		if cmds, ok := sequence(msg); ok {
			return cmds
		}
		if unexportedCharm(msg) {
			return nil
		}
		if msg = h.k.Filter(h.k, msg); msg == nil {
			return nil
		}
		if _, ok := msg.(tea.QuitMsg); ok {
			h.quit = true
			return nil
		}
		_, next := h.k.Update(msg)
		return []tea.Cmd{next}
	}
	return nil
}

func (h *kioskHarness) key(keys ...string) {
	h.t.Helper()
	for _, k := range keys {
		h.send(keyMsg(k))
	}
}

func (h *kioskHarness) typeText(s string) {
	h.t.Helper()
	for _, r := range s {
		h.send(tea.KeyPressMsg{Code: r, Text: string(r)})
	}
}

// wait moves the clock and lets the kiosk's tick look at it.
func (h *kioskHarness) wait(d time.Duration) {
	h.t.Helper()
	h.clock = h.clock.Add(d)
	h.send(kioskTickMsg{})
}

func (h *kioskHarness) view() string { return ansi.Strip(h.k.View().Content) }

func (h *kioskHarness) requireView(want string) {
	h.t.Helper()
	if v := h.view(); !strings.Contains(v, want) {
		h.t.Fatalf("view does not show %q:\n%s", want, v)
	}
}

func (h *kioskHarness) refuteView(unwanted string) {
	h.t.Helper()
	if v := h.view(); strings.Contains(v, unwanted) {
		h.t.Fatalf("view shows %q:\n%s", unwanted, v)
	}
}

// draftKept reports whether the store still holds the draft code.
func (h *kioskHarness) draftKept(code string) bool {
	h.t.Helper()
	_, _, err := h.w.svc.LoadDraft(context.Background(), code)
	if errors.Is(err, flow.ErrNotFound) {
		return false
	}
	if err != nil {
		h.t.Fatalf("load draft %s: %v", code, err)
	}
	return true
}

func TestKioskExitKeysAskForThePIN(t *testing.T) {
	for _, k := range []tea.KeyPressMsg{
		{Code: 'c', Mod: tea.ModCtrl},
		{Code: 'z', Mod: tea.ModCtrl},
		{Code: '\\', Mod: tea.ModCtrl},
		{Code: tea.KeyEscape},
	} {
		t.Run(k.String(), func(t *testing.T) {
			h := newKioskHarness(t)
			h.requireView("Microsoft 365 Business Premium")
			h.send(k)
			h.requireView("Enter the admin PIN")
			if h.quit {
				t.Fatal("the kiosk quit without the PIN")
			}
			h.key("esc")
			h.refuteView("Enter the admin PIN")
			h.requireView("Microsoft 365 Business Premium")
		})
	}
}

// Esc on the demo accounts' overlay closes it, as its help says; it does
// not ask for the staff PIN (tried by hand at a kiosk).
func TestKioskEscClosesTheDemoOverlay(t *testing.T) {
	h := newKioskHarness(t)
	h.k.inner.showDemo = true
	h.key("esc")
	h.refuteView("Enter the admin PIN")
	if h.k.inner.showDemo {
		t.Fatal("the overlay stayed open")
	}
}

func TestKioskWrongPINStaysRightPINQuits(t *testing.T) {
	h := newKioskHarness(t)
	h.key("ctrl+c")
	h.typeText("1111")
	h.refuteView("1111") // masked
	h.key("enter")
	h.requireView("Wrong PIN.")
	if h.quit {
		t.Fatal("a wrong PIN closed the kiosk")
	}
	h.key("ctrl+c", "ctrl+z") // inside the prompt they do nothing
	h.typeText("2468")
	h.key("enter")
	if !h.quit {
		t.Fatalf("the right PIN did not close the kiosk:\n%s", h.view())
	}
	if strings.Contains(h.log.String(), "2468") || strings.Contains(h.log.String(), "1111") {
		t.Fatalf("a PIN reached the log:\n%s", h.log.String())
	}
}

func TestKioskLocksAfterWrongPINs(t *testing.T) {
	var checks atomic.Int32
	h := newKioskHarness(t, func(_ *kioskHarness, o *KioskOptions) {
		o.VerifyPIN = func(pin string) bool { checks.Add(1); return pin == "2468" }
	})
	h.key("ctrl+c")
	for range pinLockAfter {
		h.typeText("0000")
		h.key("enter")
	}
	h.typeText("2468")
	h.key("enter")
	h.requireView("Too many wrong PINs")
	if h.quit || checks.Load() != pinLockAfter {
		t.Fatalf("locked prompt checked a PIN: quit=%v checks=%d", h.quit, checks.Load())
	}
	h.clock = h.clock.Add(pinLockFor)
	h.typeText("2468")
	h.key("enter")
	if !h.quit {
		t.Fatal("the right PIN after the lock did not close the kiosk")
	}
}

func TestKioskFilterNeverSuspendsOrQuitsWithoutPIN(t *testing.T) {
	h := newKioskHarness(t)
	if msg := h.k.Filter(h.k, tea.SuspendMsg{}); msg != nil {
		t.Fatalf("suspend passed the filter: %#v", msg)
	}
	if msg := h.k.Filter(h.k, tea.QuitMsg{}); msg != nil {
		t.Fatalf("quit passed the filter without the PIN: %#v", msg)
	}
	h.send(tea.InterruptMsg{}) // SIGINT from outside
	h.requireView("Enter the admin PIN")
	if h.quit {
		t.Fatal("an interrupt closed the kiosk")
	}
}

func TestKioskIdleCountdownThenWipe(t *testing.T) {
	h := newKioskHarness(t, func(_ *kioskHarness, o *KioskOptions) { o.DropDrafts = true })
	h.key("+", "+", "enter") // licenses chosen: a draft is saved on the account step
	if h.k.inner.state != stateAccount || h.k.inner.DraftCode() == "" {
		t.Fatalf("state %d, draft %q", h.k.inner.state, h.k.inner.DraftCode())
	}
	code := h.k.inner.DraftCode()

	h.wait(89 * time.Second)
	h.refuteView("Are you still there?")
	h.wait(2 * time.Second)
	h.requireView("Are you still there? Resetting in 29 s — press any key")

	before := h.k.inner.state
	h.key("down") // "still here": dismisses the warning and nothing else
	h.refuteView("Are you still there?")
	if h.k.inner.state != before {
		t.Fatal("the key that dismissed the warning acted on the screen")
	}

	old := h.k.inner
	h.wait(DefaultKioskIdle)
	if h.k.inner == old {
		t.Fatal("the idle kiosk kept the same model, answers and all")
	}
	if len(h.k.inner.c.answers.Lines) != 0 {
		t.Fatalf("after the reset: lines %v", h.k.inner.c.answers.Lines)
	}
	h.refuteView("Are you still there?")
	if h.draftKept(code) {
		t.Fatalf("draft %s kept after the idle wipe", code)
	}
}

// TestKioskIdleWipeWelcomesNobodyBack: the next person starts afresh, not
// at "Welcome back" with the previous customer's draft.
func TestKioskIdleWipeWelcomesNobodyBack(t *testing.T) {
	// Reproduction 11: the reset raced the next sign-up's draft lookup
	// against the old draft's deletion. A kiosk now offers no draft at all,
	// and the reset ends the old draft under the sign-up's save lock.
	h := newKioskHarness(t, func(_ *kioskHarness, o *KioskOptions) { o.DropDrafts = true })
	h.key("+", "+", "enter")
	h.wait(DefaultKioskIdle)
	if h.k.inner.state != stateLicenses {
		t.Fatalf("after the wipe the next person sees:\n%s", h.view())
	}
}

func TestKioskIdleKeepsDraftsByPolicy(t *testing.T) {
	h := newKioskHarness(t)
	h.key("+", "enter")
	code := h.k.inner.DraftCode()
	h.wait(DefaultKioskIdle)
	if h.k.inner.c.answers.Lines != nil && len(h.k.inner.c.answers.Lines) != 0 {
		t.Fatal("answers survived the reset")
	}
	if code == "" || !h.draftKept(code) {
		t.Fatalf("draft %q dropped under the keep policy", code)
	}
}

// TestKioskWaitingOnThePhoneIsGivenLonger: a customer accepting the
// invitation or paying on their phone touches no key on the kiosk for
// minutes; the sign-up is kept for kiosk_wait_idle, not kiosk_idle.
func TestKioskWaitingOnThePhoneIsGivenLonger(t *testing.T) {
	h := newKioskHarness(t)
	h.key("+", "enter")
	before := h.k.inner
	h.k.inner.state = stateConsent
	h.wait(DefaultKioskIdle + time.Second)
	if h.k.inner != before {
		t.Fatal("a sign-up waiting for the invitation's acceptance was wiped after kiosk_idle")
	}
	h.wait(DefaultKioskWaitIdle - DefaultKioskIdle - 31*time.Second)
	if !strings.Contains(h.k.countdown(), "Are you still there?") {
		t.Fatalf("no warning 30 s before kiosk_wait_idle: %q", h.k.countdown())
	}
	h.wait(31 * time.Second)
	if h.k.inner == before {
		t.Fatal("a sign-up left waiting was kept past kiosk_wait_idle")
	}
}

// TestKioskPhoneActionRestartsTheIdleTime: once the customer's action on
// their phone moves the sign-up on (say to the review after approving on
// the admin center), kiosk_idle counts from then, not from the last key
// pressed before the wait (tried at a kiosk: the review was wiped seconds
// after it appeared).
func TestKioskPhoneActionRestartsTheIdleTime(t *testing.T) {
	h := newKioskHarness(t)
	h.key("+", "enter")
	before := h.k.inner
	h.k.inner.state = stateConsent
	h.wait(3 * DefaultKioskIdle)
	h.k.inner.state = stateAgreement // moved on by the approval
	h.wait(time.Second)
	h.wait(DefaultKioskIdle - 31*time.Second)
	if h.k.inner != before || strings.Contains(h.k.countdown(), "Resetting") {
		t.Fatalf("the screen after the wait was wiped or warned at once: %q", h.k.countdown())
	}
	h.wait(31 * time.Second)
	if h.k.inner == before {
		t.Fatal("kiosk_idle after the wait never wiped the sign-up")
	}
}

func TestKioskUntouchedFirstScreenIsNotReset(t *testing.T) {
	h := newKioskHarness(t)
	first := h.k.inner
	h.wait(10 * DefaultKioskIdle)
	h.refuteView("Are you still there?")
	if h.k.inner != first {
		t.Fatal("an untouched first screen was reset")
	}
}

func TestKioskReturnsToStartAfterDone(t *testing.T) {
	h := newKioskHarness(t)
	h.key("+", "enter")
	code := h.k.inner.DraftCode()
	h.k.inner.state = stateDone
	h.k.inner.c.order = flow.Order{Number: "1001", Status: flow.StatusAwaitingPayment}
	h.send(tea.WindowSizeMsg{Width: 80, Height: 24})
	h.requireView("Thank you! Your order is in.")
	h.wait(5 * time.Second)
	h.requireView("Returning to the start in 10 s")
	h.wait(10 * time.Second)
	// Not stateLicenses: the new sign-up may still find the old draft
	// (see TestKioskIdleWipeWelcomesNobodyBack).
	if h.k.inner.Finished() || h.k.inner.state == stateDone {
		t.Fatalf("still on Done 15 s later:\n%s", h.view())
	}
	// A finished sign-up leaves nothing to resume, whatever the policy.
	if h.draftKept(code) {
		t.Fatalf("draft %s kept after the sign-up finished", code)
	}
}

func TestKioskFinishOnDoneRestartsInsteadOfQuitting(t *testing.T) {
	h := newKioskHarness(t)
	h.k.inner.state = stateDone
	h.k.inner.c.order = flow.Order{Number: "1001", Status: flow.StatusAwaitingPayment}
	old := h.k.inner
	h.key("enter") // Done's "finish" is tea.Quit for the plain wizard
	if h.quit {
		t.Fatal("finishing the sign-up closed the kiosk")
	}
	if h.k.inner == old || h.k.inner.state != stateLicenses {
		t.Fatalf("finishing did not start over:\n%s", h.view())
	}
}

func TestKioskBackendPanicRestartsWithoutTrace(t *testing.T) {
	// A kiosk looks for no draft at start; the first backend call is the
	// draft saved on the way to the account step, and it panics.
	h := newKioskHarness(t)
	h.key("+")
	h.panicNext.Store(true)
	h.key("enter")
	if h.panicNext.Load() {
		t.Fatal("the backend was not called")
	}
	h.requireView("Microsoft 365 Business Premium") // restarted at the first screen
	if v := h.view(); strings.Contains(v, "goroutine") || strings.Contains(v, "panic") {
		t.Fatalf("the screen shows the panic:\n%s", v)
	}
	log := h.log.String()
	if !strings.Contains(log, "recovered from a panic") || !strings.Contains(log, "goroutine") {
		t.Fatalf("the panic and its stack are not in the log:\n%s", log)
	}
}

// panicScreen panics when it is drawn or gets a key.
type panicScreen struct{ inView bool }

func (s *panicScreen) enter() tea.Cmd      { return nil }
func (s *panicScreen) help() []key.Binding { return nil }
func (s *panicScreen) step() flow.StepID   { return flow.StepLicenses }
func (s *panicScreen) title() string       { return "Broken" }
func (s *panicScreen) update(msg tea.Msg) tea.Cmd {
	if _, ok := msg.(tea.KeyPressMsg); ok && !s.inView {
		panic("update broke")
	}
	return nil
}

func (s *panicScreen) view() string {
	if s.inView {
		panic("view broke")
	}
	return "fine"
}

func TestKioskUpdateAndViewPanicsRestart(t *testing.T) {
	h := newKioskHarness(t)
	broken := h.k.inner
	broken.screens[stateLicenses] = &panicScreen{}
	h.key("x")
	if h.k.inner == broken || h.k.inner.state != stateLicenses {
		t.Fatal("a panic in Update did not restart the sign-up")
	}

	broken = h.k.inner
	broken.screens[stateLicenses] = &panicScreen{inView: true}
	v := h.view()
	if strings.Contains(v, "view broke") || !strings.Contains(v, "starting over") {
		t.Fatalf("view after a panic:\n%s", v)
	}
	h.send(kioskTickMsg{})
	if h.k.inner == broken {
		t.Fatal("a panic in View did not restart the sign-up at the next tick")
	}
	h.requireView("Microsoft 365 Business Premium")
	if n := strings.Count(h.log.String(), "recovered from a panic"); n != 2 {
		t.Fatalf("%d panics logged, want 2", n)
	}
}

func TestKioskDropsRepliesForAWipedSignUp(t *testing.T) {
	h := newKioskHarness(t)
	h.key("+", "enter")
	h.wait(DefaultKioskIdle)
	stale := innerMsg{gen: h.k.gen - 1, msg: draftSavedMsg{draft: flow.Draft{Code: "OLDC-ODE1"}}}
	h.send(stale)
	if h.k.inner.DraftCode() == "OLDC-ODE1" {
		t.Fatal("a reply for the wiped sign-up reached the new one")
	}
}

// TestKioskFooterOffersNoQuit: strangers at a kiosk are not told about a
// key that only opens the PIN prompt.
func TestKioskFooterOffersNoQuit(t *testing.T) {
	k := NewKiosk(KioskOptions{Options: Options{Backend: newWorld(t, nil).svc, Catalog: flow.DefaultCatalog()}})
	if v := k.inner.View().Content; strings.Contains(v, "quit") {
		t.Fatalf("the kiosk footer offers quit:\n%s", v)
	}
	if v := New(Options{Backend: newWorld(t, nil).svc, Catalog: flow.DefaultCatalog()}).View().Content; !strings.Contains(v, "quit") {
		t.Fatalf("the wizard footer lost quit:\n%s", v)
	}
}
