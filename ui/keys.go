package ui

import "charm.land/bubbles/v2/key"

// KeyMap is every key the wizard reacts to; the footer help is drawn from it.
// Screens with a text input in focus only use ctrl+… and non-printing keys so
// typing never triggers an action.
type KeyMap struct {
	Quit     key.Binding
	Back     key.Binding
	Demo     key.Binding
	Next     key.Binding
	Up       key.Binding
	Down     key.Binding
	Inc      key.Binding
	Dec      key.Binding
	Open     key.Binding
	Reopen   key.Binding
	Copy     key.Binding
	Cancel   key.Binding
	QR       key.Binding
	Retry    key.Binding
	Toggle   key.Binding
	Save     key.Binding
	NextSku  key.Binding
	Resume   key.Binding
	StartNew key.Binding
	Assign   key.Binding
	Finish   key.Binding
	PayOrder key.Binding
	// Move is Up and Down in one entry, for the footer.
	Move key.Binding
}

// DefaultKeyMap is the key map of the wizard.
func DefaultKeyMap() KeyMap {
	return KeyMap{
		Quit:     key.NewBinding(key.WithKeys("ctrl+c"), key.WithHelp("ctrl+c", "quit")),
		Back:     key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "back")),
		Demo:     key.NewBinding(key.WithKeys("ctrl+d", "f2"), key.WithHelp("ctrl+d", "demo accounts")),
		Next:     key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "continue")),
		Up:       key.NewBinding(key.WithKeys("up", "ctrl+p"), key.WithHelp("↑", "up")),
		Down:     key.NewBinding(key.WithKeys("down", "ctrl+n"), key.WithHelp("↓", "down")),
		Inc:      key.NewBinding(key.WithKeys("+", "=", "right"), key.WithHelp("+/-", "seats")),
		Dec:      key.NewBinding(key.WithKeys("-", "left"), key.WithHelp("-", "fewer")),
		Open:     key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "open page")),
		Reopen:   key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "reopen")),
		Copy:     key.NewBinding(key.WithKeys("c", "ctrl+y"), key.WithHelp("c", "copy link")),
		Cancel:   key.NewBinding(key.WithKeys("x"), key.WithHelp("x", "stop")),
		QR:       key.NewBinding(key.WithKeys("q"), key.WithHelp("q", "big QR")),
		Retry:    key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "retry")),
		Toggle:   key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "select")),
		Save:     key.NewBinding(key.WithKeys("ctrl+s"), key.WithHelp("ctrl+s", "save")),
		NextSku:  key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", "next license")),
		Resume:   key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "resume")),
		StartNew: key.NewBinding(key.WithKeys("n"), key.WithHelp("n", "start over")),
		Assign:   key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "assign licenses")),
		Finish:   key.NewBinding(key.WithKeys("ctrl+q"), key.WithHelp("ctrl+q", "finish")),
		Move:     key.NewBinding(key.WithKeys("up", "down"), key.WithHelp("↑/↓", "move")),
		PayOrder: key.NewBinding(key.WithKeys("ctrl+o"), key.WithHelp("ctrl+o", "pay an order")),
	}
}
