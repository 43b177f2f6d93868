package ui

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os/signal"
	"reflect"
	"runtime/debug"
	"strings"
	"syscall"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"onboard/internal/kioskpin"
)

// KioskOptions configure the wizard for an unattended terminal.
type KioskOptions struct {
	Options // the wizard inside the kiosk; Now is the kiosk's clock too

	// VerifyPIN checks the provider's admin PIN; nil means the kiosk cannot
	// be left from the keyboard at all.
	VerifyPIN func(pin string) bool
	// Idle is how long a sign-up may sit untouched before it is wiped
	// (default 120s); Warn is the countdown shown before that (default 30s).
	Idle time.Duration
	Warn time.Duration
	// WaitIdle replaces Idle while the sign-up waits on the customer's
	// phone (sign-in, invitation, approval, payment: 3-D Secure and an MFA
	// prompt take minutes); default 10m, never shorter than Idle.
	WaitIdle time.Duration
	// DoneReturn is how long the Done screen stays (default 15s).
	DoneReturn time.Duration
	// DropDrafts deletes the draft of a sign-up wiped for idleness; false
	// keeps it in the store, but the kiosk never greets anyone with a
	// draft. A finished sign-up's draft is always deleted.
	DropDrafts bool
	DropDraft  func(ctx context.Context, code string) error
	// Tick is how often the countdowns are re-checked (default 1s).
	Tick time.Duration
	// Logger receives panics with their stack traces (default slog.Default()).
	Logger *slog.Logger
	// Lockout counts wrong admin PINs and locks the prompt, escalating;
	// kept in a file it survives a restart (default: in memory).
	Lockout *kioskpin.Lockout
}

// Kiosk defaults.
const (
	DefaultKioskIdle       = 120 * time.Second
	DefaultKioskWaitIdle   = 10 * time.Minute
	DefaultKioskWarn       = 30 * time.Second
	DefaultKioskDoneReturn = 15 * time.Second
	// pinLockAfter wrong PINs in a row lock the prompt for pinLockFor, and
	// every further one for twice as long (kioskpin.LockFor).
	pinLockAfter = kioskpin.FreeTries
	pinLockFor   = kioskpin.FirstLock
	maxPINLength = 64
)

// Kiosk wraps the wizard for unattended terminals: no way out without the
// admin PIN, an idle reset, a return to the start after Done, and panics
// that restart the sign-up instead of printing a stack trace. A reset
// replaces the inner model, so the answers are gone from memory.
type Kiosk struct {
	opts  KioskOptions
	ctx   context.Context
	inner *Model
	gen   int // the inner model's generation; messages of older ones are dropped
	size  tea.WindowSizeMsg
	style Styles

	lastInput time.Time
	onPhone   bool      // the sign-up waited on the customer's phone at the last look
	dirty     bool      // someone touched this sign-up since the last reset
	doneAt    time.Time // when Done was first shown, zero before
	crashed   bool      // View panicked: reset at the next tick

	pin     *pinPrompt
	exiting bool // the right PIN was entered: let the quit through
}

type (
	kioskTickMsg struct{}
	// innerMsg carries a message of the inner model's generation gen.
	innerMsg struct {
		gen int
		msg tea.Msg
	}
	innerQuitMsg      struct{ gen int }
	innerInterruptMsg struct{ gen int }
	innerPanicMsg     struct {
		gen   int
		value any
		stack []byte
	}
	draftDroppedMsg struct {
		code string
		err  error
	}
)

// NewKiosk builds the kiosk around a fresh wizard.
func NewKiosk(opts KioskOptions) *Kiosk {
	if opts.Idle <= 0 {
		opts.Idle = DefaultKioskIdle
	}
	if opts.WaitIdle <= 0 {
		opts.WaitIdle = DefaultKioskWaitIdle
	}
	opts.WaitIdle = max(opts.WaitIdle, opts.Idle)
	// The countdown takes at most the last third of the idle time: a warning
	// as long as kiosk_idle would show all the time and swallow keys.
	if opts.Warn <= 0 || opts.Warn > opts.Idle/3 {
		opts.Warn = min(DefaultKioskWarn, opts.Idle/3)
	}
	if opts.DoneReturn <= 0 {
		opts.DoneReturn = DefaultKioskDoneReturn
	}
	if opts.Tick <= 0 {
		opts.Tick = time.Second
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.Lockout == nil {
		opts.Lockout, _ = kioskpin.OpenLockout("", opts.Now())
	}
	k := &Kiosk{opts: opts, ctx: context.Background(),
		size: tea.WindowSizeMsg{Width: minWidth, Height: minHeight}}
	k.inner = k.newInner()
	k.style = k.inner.c.styles
	k.lastInput = opts.Now()
	return k
}

func (k *Kiosk) newInner() *Model {
	m := New(k.opts.Options)
	m.c.ctx = k.ctx
	m.kiosk = true
	return m
}

// Init starts the wizard and the countdown clock.
func (k *Kiosk) Init() tea.Cmd {
	return tea.Batch(k.guard(k.inner.Init()), k.tick())
}

func (k *Kiosk) tick() tea.Cmd {
	return tea.Tick(k.opts.Tick, func(time.Time) tea.Msg { return kioskTickMsg{} })
}

// Filter is the program's message filter in kiosk mode: an interrupt (a
// SIGINT that got through) asks for the PIN, suspending is never done, and
// quitting only happens after the right PIN.
func (k *Kiosk) Filter(_ tea.Model, msg tea.Msg) tea.Msg {
	switch msg.(type) {
	case tea.InterruptMsg:
		if k.exiting {
			return msg
		}
		return innerInterruptMsg{gen: k.gen}
	case tea.SuspendMsg:
		return nil
	case tea.QuitMsg:
		if !k.exiting {
			return nil
		}
	}
	return msg
}

// Update handles the kiosk's own keys and timers and passes the rest on.
func (k *Kiosk) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		k.size = msg
	case kioskTickMsg:
		return k, tea.Batch(k.onTick(), k.tick())
	case innerMsg:
		if msg.gen != k.gen {
			return k, nil // a reply for a sign-up that was wiped
		}
		return k, k.forward(msg.msg)
	case innerQuitMsg:
		if msg.gen != k.gen {
			return k, nil
		}
		return k, k.reset("finished")
	case innerInterruptMsg:
		return k, k.openPIN()
	case innerPanicMsg:
		if msg.gen != k.gen {
			return k, nil
		}
		k.logPanic("command", msg.value, msg.stack)
		return k, k.reset("panic")
	case pinCheckedMsg:
		return k, k.pinChecked(msg)
	case draftDroppedMsg:
		if msg.err != nil {
			k.opts.Logger.Warn("kiosk: draft not deleted", "draft", msg.code, "error", msg.err.Error())
		}
		return k, nil
	case tea.KeyPressMsg:
		return k, k.key(msg)
	case tea.PasteMsg:
		k.touch()
		if k.pin != nil {
			return k, k.pin.update(msg)
		}
	case tea.MouseClickMsg, tea.MouseWheelMsg:
		k.touch()
	}
	return k, k.forward(msg)
}

// forward passes msg to the inner model; a panic there restarts it.
func (k *Kiosk) forward(msg tea.Msg) (cmd tea.Cmd) {
	defer func() {
		if r := recover(); r != nil {
			k.logPanic("update", r, debug.Stack())
			cmd = k.reset("panic")
		}
	}()
	_, cmd = k.inner.Update(msg)
	if k.inner.startErr != nil {
		// Nothing works without the backend: end, and let the service
		// manager restart the kiosk.
		k.exiting = true
		return tea.Quit
	}
	if k.inner.Finished() && k.doneAt.IsZero() {
		k.doneAt = k.opts.Now()
	}
	return k.guard(cmd)
}

// isExitKey: the keys that quit, suspend or kill a terminal program.
func isExitKey(msg tea.KeyPressMsg) bool {
	if msg.Mod == tea.ModCtrl && (msg.Code == 'c' || msg.Code == 'z' || msg.Code == '\\') {
		return true
	}
	switch msg.String() {
	case "ctrl+c", "ctrl+z", "ctrl+\\":
		return true
	}
	return false
}

func (k *Kiosk) key(msg tea.KeyPressMsg) tea.Cmd {
	warned := k.countdown() != ""
	k.touch()
	switch {
	case k.pin != nil:
		return k.pin.key(msg, k)
	case isExitKey(msg):
		return k.openPIN()
	case warned && !k.inner.Finished():
		return nil // the key only says "still here"; it must not type
	case msg.Code == tea.KeyEscape && msg.Mod == 0 && k.inner.AtFirstScreen() && !k.inner.OverlayShown():
		return k.openPIN()
	}
	return k.forward(msg)
}

func (k *Kiosk) touch() {
	k.lastInput = k.opts.Now()
	k.dirty = true
}

func (k *Kiosk) onTick() tea.Cmd {
	if k.crashed {
		return k.reset("panic")
	}
	now := k.opts.Now()
	if waits := k.inner.WaitsOnThePhone(); waits != k.onPhone {
		k.onPhone = waits
		if !waits {
			// What the customer did on their phone moved the sign-up on:
			// they are there, and its idle time starts again.
			k.lastInput = now
		}
	}
	switch {
	case k.pin != nil:
		if now.Sub(k.lastInput) >= k.opts.Idle {
			k.pin = nil // a half-typed PIN must not wait for the next passer-by
		}
	case k.inner.Finished() && now.Sub(k.doneShownSince()) >= k.opts.DoneReturn:
		return k.reset("done")
	case k.idleReset() && now.Sub(k.lastInput) >= k.idle():
		return k.reset("idle")
	}
	return nil
}

// doneShownSince is when the Done countdown started: a key on Done restarts it.
func (k *Kiosk) doneShownSince() time.Time {
	if k.lastInput.After(k.doneAt) {
		return k.lastInput
	}
	return k.doneAt
}

// idle is how long this sign-up may sit untouched now: longer while the
// customer acts on their phone.
func (k *Kiosk) idle() time.Duration {
	if k.inner.WaitsOnThePhone() {
		return k.opts.WaitIdle
	}
	return k.opts.Idle
}

// idleReset says whether idleness wipes this sign-up: not an untouched
// one (nothing to wipe) and not while an order is being processed.
func (k *Kiosk) idleReset() bool { return k.dirty && !k.inner.Busy() }

// countdown is the notice of an imminent reset, "" when none is due.
func (k *Kiosk) countdown() string {
	if k.pin != nil {
		return ""
	}
	now := k.opts.Now()
	if k.inner.Finished() {
		left := k.opts.DoneReturn - now.Sub(k.doneShownSince())
		return k.inner.c.t("KioskReturning", "Seconds", seconds(left))
	}
	left := k.idle() - now.Sub(k.lastInput)
	if !k.idleReset() || left > k.opts.Warn {
		return ""
	}
	return k.inner.c.t("KioskStillThere", "Seconds", seconds(left))
}

func seconds(d time.Duration) string {
	return fmt.Sprintf("%d s", max(int((d+time.Second-1)/time.Second), 0))
}

// reset wipes the sign-up: a new inner model (the old one, with the
// answers, is dropped) and, by policy, its draft.
func (k *Kiosk) reset(reason string) tea.Cmd {
	old := k.inner
	finished := old.Finished() || reason == "finished" || reason == "done"
	k.gen++
	k.inner = k.newInner()
	k.lastInput, k.dirty, k.doneAt = k.opts.Now(), false, time.Time{}
	k.pin, k.crashed = nil, false
	k.opts.Logger.Info("kiosk: sign-up reset", "reason", reason)
	cmds := []tea.Cmd{k.guard(k.inner.Init()), k.forward(k.size)}
	// The old wizard's draft ends either way, so a save still in flight
	// cannot write after the wipe; it is deleted after Done, and after an
	// idle wipe by policy.
	var drop func(context.Context, string) error
	if finished || k.opts.DropDrafts {
		drop = k.opts.DropDraft
		if drop == nil && old.c.backend != nil {
			drop = old.c.backend.DropDraft
		}
	}
	cmds = append(cmds, old.endDrafts(drop))
	return tea.Batch(cmds...)
}

func (k *Kiosk) logPanic(where string, value any, stack []byte) {
	k.opts.Logger.Error("kiosk: recovered from a panic; the sign-up restarts",
		"in", where, "panic", fmt.Sprint(value), "stack", string(stack))
}

// guard wraps an inner command: its messages are tagged with the current
// generation, quitting restarts the sign-up, interrupting asks for the PIN,
// suspending is dropped, and a panic restarts instead of crashing.
func (k *Kiosk) guard(cmd tea.Cmd) tea.Cmd { return guardAt(k.gen, cmd) }

// guardAt runs off the UI loop, so it reads nothing of the kiosk.
func guardAt(gen int, cmd tea.Cmd) tea.Cmd {
	if cmd == nil {
		return nil
	}
	return func() (msg tea.Msg) {
		defer func() {
			if r := recover(); r != nil {
				msg = innerPanicMsg{gen: gen, value: r, stack: debug.Stack()}
			}
		}()
		return tag(gen, cmd())
	}
}

var teaPkg = reflect.TypeFor[tea.QuitMsg]().PkgPath()

func tag(gen int, msg tea.Msg) tea.Msg {
	switch msg := msg.(type) {
	case nil:
		return nil
	case tea.QuitMsg:
		return innerQuitMsg{gen: gen}
	case tea.InterruptMsg:
		return innerInterruptMsg{gen: gen}
	case tea.SuspendMsg:
		return nil
	case tea.BatchMsg:
		out := make(tea.BatchMsg, len(msg))
		for i, c := range msg {
			out[i] = guardAt(gen, c)
		}
		return out
	}
	if cmds, ok := sequenceCmds(msg); ok {
		for i, c := range cmds {
			cmds[i] = guardAt(gen, c)
		}
		return tea.Sequence(cmds...)()
	}
	if t := reflect.TypeOf(msg); t.PkgPath() == teaPkg {
		return msg // the program's own requests (clipboard, title, …)
	}
	return innerMsg{gen: gen, msg: msg}
}

// sequenceCmds unpacks tea.Sequence's unexported message, a slice of Cmds.
func sequenceCmds(msg tea.Msg) ([]tea.Cmd, bool) {
	v := reflect.ValueOf(msg)
	if v.Kind() != reflect.Slice || v.Type().Elem() != reflect.TypeFor[tea.Cmd]() {
		return nil, false
	}
	out := make([]tea.Cmd, v.Len())
	for i := range out {
		out[i], _ = v.Index(i).Interface().(tea.Cmd)
	}
	return out, true
}

// View is the wizard's view with the countdown in place of its footer, or
// the PIN prompt. A panic shows a neutral notice; the next tick restarts.
func (k *Kiosk) View() (v tea.View) {
	defer func() {
		if r := recover(); r != nil {
			k.logPanic("view", r, debug.Stack())
			k.crashed = true
			v = k.frame(k.inner.c.t("KioskOneMoment"), "")
		}
	}()
	if k.crashed {
		return k.frame(k.inner.c.t("KioskOneMoment"), "")
	}
	if k.pin != nil {
		return k.frame(k.pin.view(k.style, k.inner.c), k.inner.c.t("KioskStaff"))
	}
	inner := k.inner.View()
	if note := k.countdown(); note != "" {
		inner.Content = replaceLastLine(inner.Content, k.style.Warning.Bold(true).Render(ansi.Truncate(note, max(k.size.Width-2, 1), "…")))
	}
	inner.AltScreen = true
	return inner
}

func (k *Kiosk) frame(body, title string) tea.View {
	v := tea.NewView(k.style.App.Render(body))
	v.AltScreen = true
	v.WindowTitle = title
	if title == "" {
		v.WindowTitle = k.inner.c.provider
	}
	return v
}

func replaceLastLine(s, line string) string {
	i := strings.LastIndexByte(strings.TrimRight(s, "\n"), '\n')
	if i < 0 {
		return line
	}
	// Keep the App style's left margin: it is the only thing before the text.
	last := ansi.Strip(s[i+1:])
	indent := len(last) - len(strings.TrimLeft(last, " "))
	if indent > 2 {
		indent = 1
	}
	return s[:i+1] + strings.Repeat(" ", indent) + line
}

// RunKiosk shows the wizard in kiosk mode until the admin PIN closes it
// (nil) or ctx ends (SIGTERM from systemd does that in the CLI). Ctrl+C,
// Ctrl+Z and Ctrl+\ arrive as keys in raw mode; the signals they would send
// are ignored as well, for the moments the terminal is not raw.
func RunKiosk(ctx context.Context, opts KioskOptions) error {
	if opts.Backend == nil {
		return ErrNoBackend
	}
	if opts.Remote == nil { // a served kiosk's keys never reach this process as signals
		signal.Ignore(syscall.SIGINT, syscall.SIGQUIT, syscall.SIGTSTP)
		defer signal.Reset(syscall.SIGINT, syscall.SIGQUIT, syscall.SIGTSTP)
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	k := NewKiosk(opts)
	k.ctx = ctx
	k.inner.c.ctx = ctx
	p := tea.NewProgram(k, append(opts.programOptions(ctx), tea.WithFilter(k.Filter), tea.WithoutSignalHandler())...)
	opts.forwardResizes(ctx, p)
	_, err := p.Run()
	switch {
	case err == nil && k.inner.startErr != nil:
		return fmt.Errorf("start: %w", k.inner.startErr)
	case err == nil:
		return nil
	case ctx.Err() != nil && errors.Is(err, context.Canceled), errors.Is(err, tea.ErrProgramKilled) && ctx.Err() != nil:
		return nil // stopped from outside (SIGTERM): a normal end for a service
	}
	return fmt.Errorf("run kiosk: %w", err)
}
