package ui

import (
	"unicode/utf8"

	tea "charm.land/bubbletea/v2"
)

// maxPaste bounds one paste: no field takes more (the longest, an e-mail
// address, takes 254), and a 1 MB paste must not stall the input widgets.
const maxPaste = 1024

// boundPaste cuts an oversized paste to maxPaste characters and says so
// under the screen, rather than hanging on it or dropping it silently.
func (m *Model) boundPaste(p tea.PasteMsg) tea.PasteMsg {
	if len(p.Content) <= maxPaste || utf8.RuneCountInString(p.Content) <= maxPaste {
		m.pasteWarn = ""
		return p
	}
	cut, n := 0, 0
	for i := range p.Content {
		if n == maxPaste {
			cut = i
			break
		}
		n++
	}
	m.pasteWarn = m.c.t("PasteTooLong", "N", m.c.loc.Number(utf8.RuneCountInString(p.Content)), "Max", m.c.loc.Number(maxPaste))
	p.Content = p.Content[:cut]
	return p
}
