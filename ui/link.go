package ui

import (
	"onboard/flow"
	"strings"

	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
)

// browserOpenedMsg reports how opening a link went.
type browserOpenedMsg struct {
	url string
	err error
}

// link is a web page the customer must open: shown as text and a QR code,
// opened in the browser on request, copied with OSC 52. Opening may fail
// (SSH, a kiosk without a browser); the URL and QR stay either way.
type link struct {
	c      *common
	url    string
	qr     string
	status string
	failed bool
	bigQR  bool
}

func (l *link) set(url string) {
	l.url, l.status, l.failed, l.bigQR = url, "", false, false
	l.qr = ""
	if qr, err := renderQR(url); err == nil {
		l.qr = qr
	}
}

// loaded takes a fetched invitation link and returns the error to show
// instead, if it could not be fetched.
func (l *link) loaded(msg inviteURLMsg) string {
	if msg.err != nil {
		return "The invitation link could not be loaded. " + sanitize(flow.Explain(msg.err)) + " Press r to try again."
	}
	l.set(msg.url)
	return ""
}

func (l *link) open() tea.Cmd {
	url, b := l.url, l.c.browser
	l.status, l.failed = "Opening your browser…", false
	return func() tea.Msg { return browserOpenedMsg{url: url, err: b.Open(url)} }
}

func (l *link) opened(msg browserOpenedMsg) {
	if msg.url != l.url {
		return
	}
	if msg.err != nil {
		l.status, l.failed = "The browser could not be opened here. Scan the QR code with your phone, or open the link on another device.", true
		return
	}
	l.status = "Opened in your browser. Finish there, then come back here."
}

func (l *link) copy() tea.Cmd {
	l.status, l.failed = "Link copied to the clipboard (if your terminal allows it).", false
	return tea.SetClipboard(l.url)
}

// view draws text beside the QR code when both fit, else the text with a
// hint that q shows the code on its own.
func (l *link) view(text string) string {
	st := l.c.styles
	w, h := l.c.bodyWidth(), l.c.bodyHeight()
	url := st.URL.Render(sanitizeN(l.url, 2000))
	status := ""
	if l.status != "" {
		style := st.Subtle
		if l.failed {
			style = st.Warning
		}
		status = "\n\n" + style.Render(l.status)
	}
	if l.bigQR {
		return l.qr + "\n" + st.Subtle.Render("Scan with your phone's camera. Press q to go back.")
	}
	qrW, qrH := lipgloss.Width(l.qr), lipgloss.Height(l.qr)
	if l.qr != "" && qrW+30 <= w && qrH <= h {
		left := lipgloss.NewStyle().Width(w - qrW - 2).Render(text + "\n\n" + url + status)
		return lipgloss.JoinHorizontal(lipgloss.Top, left, "  ", l.qr)
	}
	hint := ""
	if l.qr != "" {
		hint = "\n" + st.Subtle.Render("Press q to show a QR code for your phone.")
	}
	return lipgloss.NewStyle().Width(w).Render(text+"\n\n"+url+status) + hint
}

func wrapText(s string, w int) string {
	return lipgloss.NewStyle().Width(w).Render(strings.TrimSpace(s))
}
