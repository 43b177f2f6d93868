package ui

import (
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
)

// pinPrompt asks staff for the admin PIN that closes the kiosk. The PIN is
// masked, checked off the UI loop (the hash is slow on purpose), and a run
// of wrong PINs locks the prompt for a while.
type pinPrompt struct {
	input    textinput.Model
	checking bool
	err      string
}

// pinCheckedMsg is the verdict on a PIN; the PIN itself is not kept.
type pinCheckedMsg struct{ ok bool }

func newPINPrompt() *pinPrompt {
	ti := textinput.New()
	ti.EchoMode = textinput.EchoPassword
	ti.EchoCharacter = '•'
	ti.CharLimit = maxPINLength
	ti.Prompt = "PIN: "
	ti.SetWidth(30)
	ti.Focus()
	return &pinPrompt{input: ti}
}

// kioskLock is the wrong-PIN bookkeeping, kept across prompts so closing
// and reopening the prompt does not reset it.
type kioskLock struct {
	failures int
	until    time.Time
}

func (k *Kiosk) openPIN() tea.Cmd {
	if k.pin == nil {
		k.pin = newPINPrompt()
	}
	return nil
}

func (p *pinPrompt) update(msg tea.Msg) tea.Cmd {
	if p.checking {
		return nil
	}
	var cmd tea.Cmd
	p.input, cmd = p.input.Update(msg)
	return cmd
}

func (p *pinPrompt) key(msg tea.KeyPressMsg, k *Kiosk) tea.Cmd {
	switch {
	case msg.Code == tea.KeyEscape:
		k.pin = nil
		return nil
	case isExitKey(msg):
		return nil
	case msg.Code == tea.KeyEnter:
		return p.submit(k)
	}
	return p.update(msg)
}

func (p *pinPrompt) submit(k *Kiosk) tea.Cmd {
	if p.checking || p.input.Value() == "" {
		return nil
	}
	if left := k.lock.until.Sub(k.opts.Now()); left > 0 {
		p.err = fmt.Sprintf("Too many wrong PINs. Try again in %s.", seconds(left))
		p.input.SetValue("")
		return nil
	}
	verify, pin := k.opts.VerifyPIN, p.input.Value()
	p.input.SetValue("")
	if verify == nil {
		p.err = "No admin PIN is set: run `onboard kiosk set-pin` on this machine."
		return nil
	}
	p.checking, p.err = true, ""
	return func() tea.Msg { return pinCheckedMsg{ok: verify(pin)} }
}

func (k *Kiosk) pinChecked(msg pinCheckedMsg) tea.Cmd {
	if msg.ok {
		k.exiting = true
		k.opts.Logger.Info("kiosk: closed with the admin PIN")
		return tea.Quit
	}
	k.lock.failures++
	k.opts.Logger.Warn("kiosk: wrong admin PIN", "failures", k.lock.failures)
	if k.lock.failures%pinLockAfter == 0 {
		k.lock.until = k.opts.Now().Add(pinLockFor)
	}
	if k.pin != nil {
		k.pin.checking = false
		k.pin.err = "Wrong PIN."
	}
	return nil
}

func (p *pinPrompt) view(st Styles) string {
	var b strings.Builder
	b.WriteString(st.Title.Render("Staff only") + "\n\n")
	b.WriteString("Enter the admin PIN to close the kiosk.\n\n")
	b.WriteString(p.input.View() + "\n\n")
	switch {
	case p.checking:
		b.WriteString(st.Subtle.Render("Checking…") + "\n\n")
	case p.err != "":
		b.WriteString(st.Error.Render(p.err) + "\n\n")
	}
	b.WriteString(st.Subtle.Render("esc  back to the sign-up"))
	return b.String()
}
