package ui

import (
	"time"

	tea "charm.land/bubbletea/v2"
	"charm.land/huh/v2"
)

// formScreen is a screen that shows a huh form (nil when it has none now).
type formScreen interface{ currentForm() *huh.Form }

func (s *detailsScreen) currentForm() *huh.Form  { return s.form }
func (s *payOrderScreen) currentForm() *huh.Form { return s.form }
func (s *adminScreen) currentForm() *huh.Form    { return s.form }

// typeAhead holds keys typed while a form moves to its next field. huh
// moves focus by a command whose message comes after keys already read:
// a password manager's auto-type (login, Tab, password at once) would put
// the first password characters into the login field. Keys that come
// while the move is under way wait and are replayed once focus moved.
type typeAhead struct {
	moving bool
	gen    int
	form   *huh.Form
	field  huh.Field // focused when the move began
	held   []tea.Msg
}

// typeAheadLimit releases held keys if a move never happens (a field
// that refused its value without saying so): keys are late, never lost.
const typeAheadLimit = 300 * time.Millisecond

type typeAheadExpiredMsg struct{ gen int }

// movesFocus reports whether k may move a form's focus.
func movesFocus(msg tea.Msg) bool {
	k, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return false
	}
	switch k.String() {
	case "enter", "tab", "shift+tab":
		return true
	}
	return false
}

// focusedForm is the active screen's form in progress and its focused field.
func (m *Model) focusedForm() (*huh.Form, huh.Field) {
	fs, ok := m.active().(formScreen)
	if !ok {
		return nil, nil
	}
	f := fs.currentForm()
	if f == nil || f.State != huh.StateNormal {
		return nil, nil
	}
	return f, f.GetFocusedField()
}

// stillMoving: the form and field the move began on are still focused.
func (m *Model) stillMoving() bool {
	f, field := m.focusedForm()
	return f != nil && f == m.ahead.form && field == m.ahead.field
}

// updateTyping passes a key or paste to the active screen, or holds it
// while a form moves; a key that may move the form starts holding.
func (m *Model) updateTyping(msg tea.Msg) tea.Cmd {
	if m.ahead.moving {
		m.ahead.held = append(m.ahead.held, msg)
		return nil
	}
	form, field := m.focusedForm()
	cmd := m.switchScreens(m.active().update(msg))
	cmd = tea.Batch(cmd, m.typed())
	if form == nil || cmd == nil || !movesFocus(msg) {
		return cmd
	}
	m.ahead.form, m.ahead.field = form, field
	if !m.stillMoving() {
		return cmd // moved at once
	}
	m.ahead.moving = true
	m.ahead.gen++
	gen := m.ahead.gen
	return tea.Batch(cmd, tea.Tick(typeAheadLimit, func(time.Time) tea.Msg { return typeAheadExpiredMsg{gen: gen} }))
}

// settle replays the held keys once the move is over (or expired).
func (m *Model) settle(expired bool) tea.Cmd {
	if !m.ahead.moving || (!expired && m.stillMoving()) {
		return nil
	}
	held := m.ahead.held
	m.ahead = typeAhead{gen: m.ahead.gen}
	var cmds []tea.Cmd
	for i, msg := range held {
		cmds = append(cmds, m.updateTyping(msg))
		if m.ahead.moving { // the replay began another move: the rest waits
			m.ahead.held = append(m.ahead.held, held[i+1:]...)
			break
		}
	}
	return tea.Batch(cmds...)
}
