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

func (m *Model) render() string {
	c := m.c
	if m.tooSmall() {
		return fmt.Sprintf("Terminal too small: need at least %dx%d (now %dx%d)\n\nMake the window larger to continue.",
			minWidth, minHeight, c.width, c.height)
	}
	scr := m.active()
	body, keys := scr.view(), scr.help()
	if m.showDemo {
		body, keys = m.demoPanel(), []key.Binding{c.keys.Demo, c.keys.Back, c.keys.Quit}
	} else if m.draftWarn != "" {
		body += "\n\n" + c.styles.Warning.Render(m.draftWarn)
	}
	if m.pasteWarn != "" && !m.showDemo {
		body = c.styles.Warning.Width(c.bodyWidth()).Render(m.pasteWarn) + "\n\n" + body
	}
	if m.demoAvailable() && !m.showDemo {
		keys = append(keys, c.keys.Demo)
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
	st := c.styles
	left := st.Provider.Render(sanitizeN(c.provider, 30))
	if n, of := flow.PathNumber(c.answers.Mode, c.answers.Account, scr.step()); n > 0 {
		left += st.Step.Render(fmt.Sprintf("  Step %d of %d", n, of))
	}
	left += st.Step.Render("  ") + st.Title.Render(scr.title())
	badge := c.agentBadge()
	if m.sandbox {
		badge = strings.TrimSpace(badge + " " + st.Badge.Render("SANDBOX"))
	} else if m.sandboxPay {
		badge = strings.TrimSpace(badge + " " + st.Badge.Render("SANDBOX PAYMENTS"))
	}
	if badge == "" {
		return ansi.Truncate(left, c.bodyWidth(), "…")
	}
	left = ansi.Truncate(left, max(c.bodyWidth()-lipgloss.Width(badge)-1, 0), "…")
	gap := max(c.bodyWidth()-lipgloss.Width(left)-lipgloss.Width(badge), 1)
	return left + strings.Repeat(" ", gap) + badge
}

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

// demoPanel lists the sandbox's demo sign-ins for sales staff.
func (m *Model) demoPanel() string {
	st := m.c.styles
	var b strings.Builder
	b.WriteString(st.Title.Render("Demo accounts (sandbox only)") + "\n\n")
	for _, d := range m.demo {
		fmt.Fprintf(&b, "%s  %s\n", st.Text.Bold(true).Render(sanitizeN(d.Tenant, 30)), st.Subtle.Render(sanitizeN(d.Role, 30)))
		fmt.Fprintf(&b, "  login     %s\n  password  %s\n", sanitizeN(d.Login, 60), sanitizeN(d.Password, 40))
		if d.Note != "" {
			fmt.Fprintf(&b, "  %s\n", st.Subtle.Render(sanitizeN(d.Note, 70)))
		}
	}
	return st.Panel.Width(m.c.bodyWidth()).Render(strings.TrimRight(b.String(), "\n"))
}
