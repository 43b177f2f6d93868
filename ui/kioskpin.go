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
	if left := k.opts.Lockout.Locked(k.opts.Now()); left > 0 {
		p.err = k.inner.c.t("PinLocked", "Left", lockLeft(left))
		p.input.SetValue("")
		return nil
	}
	verify, pin := k.opts.VerifyPIN, p.input.Value()
	p.input.SetValue("")
	if verify == nil {
		p.err = k.inner.c.t("PinNotSet")
		return nil
	}
	p.checking, p.err = true, ""
	return func() tea.Msg { return pinCheckedMsg{ok: verify(pin)} }
}

func (k *Kiosk) pinChecked(msg pinCheckedMsg) tea.Cmd {
	if msg.ok {
		k.exiting = true
		if err := k.opts.Lockout.Succeed(); err != nil {
			k.opts.Logger.Warn("kiosk: PIN lock-out not cleared", "error", err.Error())
		}
		k.opts.Logger.Info("kiosk: closed with the admin PIN")
		return tea.Quit
	}
	lock, err := k.opts.Lockout.Fail(k.opts.Now())
	k.opts.Logger.Warn("kiosk: wrong admin PIN", "failures", k.opts.Lockout.Failures(), "locked", lock.String())
	if err != nil {
		k.opts.Logger.Error("kiosk: PIN lock-out not kept", "error", err.Error())
	}
	if k.pin != nil {
		k.pin.checking = false
		k.pin.err = k.inner.c.t("PinWrong")
		if lock > 0 {
			k.pin.err = k.inner.c.t("PinWrongLocked", "Left", lockLeft(lock))
		}
	}
	return nil
}

// lockLeft is a lock's remaining time in words: seconds under two
// minutes, then minutes, then hours.
func lockLeft(d time.Duration) string {
	switch {
	case d < 2*time.Minute:
		return seconds(d)
	case d < 2*time.Hour:
		return fmt.Sprintf("%d min", int((d+time.Minute-1)/time.Minute))
	}
	return fmt.Sprintf("%d h", int((d+time.Hour-1)/time.Hour))
}

func (p *pinPrompt) view(st Styles, c *common) string {
	var b strings.Builder
	b.WriteString(st.Title.Render(c.t("PinTitle")) + "\n\n")
	b.WriteString(wrapText(c.t("PinEnter"), c.bodyWidth()) + "\n\n")
	b.WriteString(p.input.View() + "\n\n")
	switch {
	case p.checking:
		b.WriteString(st.Subtle.Render(c.t("PinChecking")) + "\n\n")
	case p.err != "":
		b.WriteString(st.Error.Width(c.bodyWidth()).Render(p.err) + "\n\n")
	}
	b.WriteString(st.Subtle.Render(c.t("PinBack")))
	return b.String()
}
