package ui

import (
	"errors"
	"strings"

	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"onboard/flow"
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
	c   *common
	url string // shown and encoded: the short link when flow gives one
	// full is the page itself, opened and copied ("": url): this
	// computer's browser needs no detour through the short link.
	full   string
	qr     string
	status string
	failed bool
	bigQR  bool
	// localOnly: only a browser on this computer can finish the page (the
	// sign-in returns to a loopback address here): no QR code.
	localOnly bool
}

func (l *link) set(url string) { l.setLink(flow.Link{URL: url}) }

// setLink shows fl as flow says to show it (its short link, if any).
func (l *link) setLink(fl flow.Link) {
	url := fl.Shown()
	l.url, l.status, l.failed, l.bigQR = url, "", false, false
	l.full = fl.URL
	l.qr = ""
	if l.localOnly {
		return
	}
	if qr, err := renderQR(url); err == nil {
		l.qr = qr
	}
}

// loaded takes a fetched invitation link and returns the error to show
// instead, if it could not be fetched.
func (l *link) loaded(msg inviteURLMsg) string {
	if msg.err != nil {
		return l.c.t("LinkLoadFailed", "Why", explained(l.c.explain(msg.err)))
	}
	l.setLink(msg.link)
	return ""
}

// target is the page itself: what opening and copying use.
func (l *link) target() string {
	if l.full != "" {
		return l.full
	}
	return l.url
}

func (l *link) open() tea.Cmd {
	url, b := l.target(), l.c.browser
	l.status, l.failed = l.c.t("LinkOpening"), false
	return func() tea.Msg { return browserOpenedMsg{url: url, err: b.Open(url)} }
}

func (l *link) opened(msg browserOpenedMsg) {
	if msg.url != l.target() {
		return
	}
	switch {
	case errors.Is(msg.err, ErrBrowserOff) && !l.localOnly:
		// Nothing was meant to open here (a kiosk): the screen already
		// says to scan the code, so there is no failure to report.
		l.status, l.failed = "", false
		return
	case msg.err != nil && l.localOnly:
		// A link only this computer can finish (the sign-in returns to a
		// loopback address here): no phone, no other device.
		l.status, l.failed = l.c.t("LinkNoBrowserLocal"), true
		return
	case msg.err != nil:
		l.status, l.failed = l.c.t("LinkNoBrowser"), true
		return
	}
	l.status = l.c.t("LinkOpened")
}

func (l *link) copy() tea.Cmd {
	l.status, l.failed = l.c.t("LinkCopied"), false
	return tea.SetClipboard(l.target())
}

// view draws text beside the QR code when both fit, else the text with a
// hint that q shows the code on its own. The link is an OSC 8 hyperlink on
// a line of its own, never wrapped: a link broken over lines cannot be
// copied from the screen (one too long for the line is shortened with …,
// and its hyperlink, c and the QR code still carry it whole).
func (l *link) view(text string) string {
	st := l.c.styles
	w, h := l.c.bodyWidth(), l.c.bodyHeight()
	if l.bigQR {
		code := bigQR(l.url, w, h-1)
		if cw, ch := lipgloss.Width(code), lipgloss.Height(code); cw > w || ch > h-1 {
			// A code cut at the edge scans as nothing: say what the
			// terminal needs instead (a long link, such as Microsoft's
			// admin relationship approval, needs about 27 rows).
			return wrapText(l.c.t("LinkQRTooBig", "Cols", max(cw+2, l.c.width), "Rows", ch+1+l.c.height-h), w)
		}
		return code + "\n" + st.Subtle.Render(l.c.t("LinkScan"))
	}
	// block is the text, the link and the status in a column cw wide.
	block := func(cw int, withURL bool) string {
		out := lipgloss.NewStyle().Width(cw).Render(text)
		if withURL {
			out += "\n\n" + hyperlink(st, l.url, cw)
		}
		if l.status != "" {
			style := st.Subtle
			if l.failed {
				style = st.Warning
			}
			out += "\n\n" + style.Width(cw).Render(l.status)
		}
		return out
	}
	qrW, qrH := lipgloss.Width(l.qr), lipgloss.Height(l.qr)
	if l.qr != "" && qrW+30 <= w && qrH <= h {
		colW := w - qrW - 2
		if ansi.StringWidth(sanitizeN(l.url, 2000)) <= colW {
			return lipgloss.JoinHorizontal(lipgloss.Top, block(colW, true), "  ", l.qr)
		}
		if qrH+2 <= h {
			// Too long for the column beside the code: under both, full width.
			return lipgloss.JoinHorizontal(lipgloss.Top, block(colW, false), "  ", l.qr) + "\n\n" + hyperlink(st, l.url, w)
		}
	}
	hint := ""
	if l.qr != "" {
		id := "LinkQRHint"
		if l.c.agentMode() {
			id = "LinkQRHintAgent" // the agent shows it to the customer
		}
		hint = "\n" + st.Subtle.Render(l.c.t(id))
	}
	return block(w, true) + hint
}

// hyperlink draws url on one line of at most w cells as an OSC 8 link.
func hyperlink(st Styles, url string, w int) string {
	clean := sanitizeN(url, 2000)
	return ansi.SetHyperlink(clean) + st.URL.Render(ansi.Truncate(clean, w, "…")) + ansi.ResetHyperlink()
}

func wrapText(s string, w int) string {
	return lipgloss.NewStyle().Width(w).Render(strings.TrimSpace(s))
}
