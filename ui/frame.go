package ui

import (
	"fmt"
	"slices"
	"strings"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"onboard/flow"
)

var demoScrollKey = key.NewBinding(key.WithKeys("up", "down", "pgup", "pgdown"), key.WithHelp("↑/↓", "scroll"))

func (c *common) demoScrollKey() key.Binding {
	k := demoScrollKey
	k.SetHelp("↑/↓", c.t("KeyScroll"))
	return k
}

func (m *Model) render() string {
	c := m.c
	if m.tooSmall() {
		return c.t("TooSmall", "Need", fmt.Sprintf("%dx%d", minWidth, minHeight), "Now", fmt.Sprintf("%dx%d", c.width, c.height))
	}
	scr := m.active()
	body, keys := scr.view(), scr.help()
	if m.showDemo {
		body, keys = m.demoPanel(), []key.Binding{c.keys.Demo, c.keys.Back, c.keys.Quit}
		if m.demoScrollable() {
			keys = append([]key.Binding{c.demoScrollKey()}, keys...)
		}
	} else if m.draftWarn != "" {
		body += "\n\n" + c.styles.Warning.Render(m.draftWarn)
	}
	if m.pasteWarn != "" && !m.showDemo {
		body = c.styles.Warning.Width(c.bodyWidth()).Render(m.pasteWarn) + "\n\n" + body
	}
	lines := []string{m.header(scr), ""}
	lines = append(lines, fitLines(body, c.bodyWidth(), c.bodyHeight())...)
	lines = append(lines, "", m.footer(keys))
	return c.styles.App.Render(strings.Join(lines, "\n"))
}

// fitLines cuts or pads s to exactly h lines of at most w cells, so a
// screen can never push the header or footer off.
func fitLines(s string, w, h int) []string {
	lines := strings.Split(s, "\n")
	if len(lines) > h {
		lines = lines[:h]
	}
	for i, l := range lines {
		lines[i] = ansi.Truncate(l, w, "…")
	}
	for len(lines) < h {
		lines = append(lines, "")
	}
	return lines
}

func (m *Model) header(scr screen) string {
	c := m.c
	step, short := "", ""
	if n, of := flow.PathNumber(c.answers.Mode, c.answers.Account, scr.step()); n > 0 {
		step, short = c.t("StepNofM", "N", n, "Of", of), fmt.Sprintf("%d/%d", n, of)
	}
	// The screen's title and the badges stay whole: what gives way, in
	// turn, is the provider's name (down to a few cells), the words of the
	// step counter ("3/8"), the provider's name altogether, then the
	// agent's name in the AGENT badge.
	var line string
	for _, v := range []struct {
		step        string
		minProvider int
		agentName   bool
	}{
		{step, minProviderCells, true}, {short, minProviderCells, true}, {short, 0, true}, {short, 0, false},
	} {
		var fits bool
		if line, fits = m.headerLine(scr.title(), v.step, v.minProvider, v.agentName); fits {
			break
		}
	}
	return line
}

// headerLine is the header with the step counter step, the provider's name
// cut to no fewer than minProvider cells (0: left out) and the agent's name
// or not; fits reports whether the title fits whole.
func (m *Model) headerLine(title, step string, minProvider int, agentName bool) (line string, fits bool) {
	c := m.c
	st := c.styles
	right := st.Step.Render("  ") + st.Title.Render(title)
	if step != "" {
		right = st.Step.Render("  "+step) + right
	}
	badge := c.agentBadge(agentName)
	if m.sandbox {
		badge = strings.TrimSpace(badge + " " + st.Badge.Render("SANDBOX"))
	} else if m.sandboxPay {
		badge = strings.TrimSpace(badge + " " + st.Badge.Render("SANDBOX PAYMENTS"))
	}
	room := c.bodyWidth()
	if badge != "" {
		room -= lipgloss.Width(badge) + 1
	}
	left := ""
	if minProvider > 0 {
		provider := sanitizeN(c.provider, 30)
		w := room - lipgloss.Width(right)
		fits = w >= min(minProvider, ansi.StringWidth(provider))
		if w < ansi.StringWidth(provider) {
			provider = ansi.Truncate(provider, max(w, minProvider), "…")
		}
		left = st.Provider.Render(provider) + right
	} else {
		left = st.Title.Render(title)
		if step != "" {
			left = st.Step.Render(step+"  ") + left
		}
		fits = lipgloss.Width(left) <= room
	}
	left = ansi.Truncate(left, max(room, 0), "…")
	if badge == "" {
		return left, fits
	}
	gap := max(c.bodyWidth()-lipgloss.Width(left)-lipgloss.Width(badge), 1)
	return left + strings.Repeat(" ", gap) + badge, fits
}

// minProviderCells is the least of the provider's name the header keeps.
const minProviderCells = 8

// footer shows the keys that fit, ending with quit (but in a kiosk): the least
// important keys (last in the list) give way first.
func (m *Model) footer(keys []key.Binding) string {
	quit := m.c.keys.Quit
	keys = slices.DeleteFunc(slices.Clone(keys), func(b key.Binding) bool {
		return slices.Equal(b.Keys(), quit.Keys())
	})
	last := []key.Binding{quit}
	if m.kiosk {
		last = nil // a kiosk is left only with the provider's PIN: offer no quit
	}
	if m.demoAvailable() && !m.showDemo {
		// The demo accounts are what a sales demo needs at every step: the
		// key stays when the screen's own keys give way.
		last = append([]key.Binding{m.c.keys.Demo}, last...)
	}
	for len(keys) > 0 && lipgloss.Width(m.helpLine(append(keys, last...))) > m.c.bodyWidth() {
		keys = keys[:len(keys)-1]
	}
	return ansi.Truncate(m.helpLine(append(keys, last...)), m.c.bodyWidth(), "…")
}

func (m *Model) helpLine(keys []key.Binding) string {
	h := help.New()
	h.Styles.ShortKey = m.c.styles.Footer.Bold(true)
	h.Styles.ShortDesc = m.c.styles.Footer
	h.Styles.ShortSeparator = m.c.styles.Footer
	h.Styles.Ellipsis = m.c.styles.Footer
	return h.ShortHelpView(keys)
}

// demoPanel lists the sandbox's demo sign-ins for sales staff. A list
// longer than the panel scrolls (m.demoTop is its first line shown).
func (m *Model) demoPanel() string {
	st := m.c.styles
	lines := m.demoLines()
	room := max(m.c.bodyHeight()-2, 1) // the panel's border takes two lines
	m.demoTop = min(max(m.demoTop, 0), max(len(lines)-room, 0))
	shown := lines[m.demoTop:min(m.demoTop+room, len(lines))]
	if m.demoTop > 0 {
		shown[0] = st.Subtle.Render("↑ " + m.c.t("NMore", "N", m.demoTop))
	}
	if rest := len(lines) - m.demoTop - len(shown); rest > 0 {
		shown[len(shown)-1] = st.Subtle.Render("↓ " + m.c.t("NMore", "N", rest+1))
	}
	return st.Panel.Width(m.c.bodyWidth()).Render(strings.Join(shown, "\n"))
}

// demoScrollable reports whether the demo list is longer than the panel.
func (m *Model) demoScrollable() bool {
	return len(m.demoLines()) > max(m.c.bodyHeight()-2, 1)
}

// demoLines: one line per account (login, password, role), and its note
// under it when the terminal has the room, so every account shows at 80x24.
func (m *Model) demoLines() []string {
	st := m.c.styles
	inner := m.c.bodyWidth() - 4 // the panel's border and padding
	withNotes := 2*len(m.demo)+4 <= m.c.bodyHeight()
	var b strings.Builder
	b.WriteString(st.Title.Render(m.c.t("DemoAccountsTitle")) + "\n\n")
	for _, d := range m.demo {
		line := fmt.Sprintf("%-33s %-17s %s", sanitizeN(d.Login, 33), sanitizeN(d.Password, 17), st.Subtle.Render(sanitizeN(d.Role, 30)))
		b.WriteString(ansi.Truncate(line, inner, "…") + "\n")
		if withNotes && d.Note != "" {
			b.WriteString(ansi.Truncate("  "+st.Subtle.Render(sanitizeN(d.Note, 200)), inner, "…") + "\n")
		}
	}
	return strings.Split(strings.TrimRight(b.String(), "\n"), "\n")
}
