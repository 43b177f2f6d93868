package ui

import (
	"errors"
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"onboard/flow"
)

// openOrder offers, when the Microsoft account already has an open order,
// to continue with that order or cancel it and make a new one: the wizard
// never makes a second one silently (flow refuses it anyway).
type openOrder struct {
	c       *common
	order   *flow.Order // the open order offered; nil when none
	busy    bool        // cancelling
	err     string
	replace func() tea.Cmd // makes the new order once the open one is cancelled
}

// openOrderKeys: c continues with the open order, x cancels it.
var openOrderKeys = struct{ Continue, Replace key.Binding }{
	Continue: key.NewBinding(key.WithKeys("c"), key.WithHelp("c", "continue that order")),
	Replace:  key.NewBinding(key.WithKeys("x"), key.WithHelp("x", "cancel it, make a new one")),
}

type openOrderCancelledMsg struct {
	order flow.Order
	err   error
}

// offer reports whether err is flow's refusal of a second open order and,
// if so, shows the open order.
func (p *openOrder) offer(err error) bool {
	var oe *flow.OpenOrderError
	if !errors.As(err, &oe) {
		return false
	}
	o := oe.Order
	p.order, p.busy, p.err = &o, false, ""
	return true
}

func (p *openOrder) active() bool { return p.order != nil }

func (p *openOrder) help() []key.Binding {
	return []key.Binding{p.c.helpKey("c", "c", "KeyContinueOrder"), p.c.helpKey("x", "x", "KeyReplaceOrder"), p.c.keys.Back, p.c.keys.Quit}
}

// key handles c and x; handled is false for other keys.
func (p *openOrder) key(msg tea.KeyPressMsg) (cmd tea.Cmd, handled bool) {
	if p.busy {
		return nil, true
	}
	switch {
	case key.Matches(msg, openOrderKeys.Continue):
		o := *p.order
		p.order = nil
		p.c.answers.OrderID = o.ID
		return p.c.continueOrder(o, true), true
	case key.Matches(msg, openOrderKeys.Replace):
		p.busy, p.err = true, ""
		ctx, b, id := p.c.ctx, p.c.backend, p.order.ID
		return func() tea.Msg {
			o, err := b.Cancel(ctx, id, "replaced by a new sign-up for the same Microsoft account")
			return openOrderCancelledMsg{order: o, err: err}
		}, true
	}
	return nil, false
}

// cancelled continues after x: a new order, or why the old one stays.
func (p *openOrder) cancelled(msg openOrderCancelledMsg) tea.Cmd {
	p.busy = false
	if msg.err != nil {
		p.err = explained(p.c.explain(msg.err))
		return nil
	}
	p.order = nil
	p.c.answers.OrderID = ""
	return p.replace()
}

func (p *openOrder) view() string {
	st, o := p.c.styles, p.order
	var lines []string
	for _, l := range o.Lines {
		lines = append(lines, fmt.Sprintf("%d × %s", l.Quantity, sanitizeN(l.Name, 60)))
	}
	text := st.Warning.Render(p.c.t("OpenOrderHeading")) + "\n\n" +
		p.c.t("OpenOrderLine", "Number", sanitizeN(o.Number, 30), "Status", p.c.t("Status"+string(o.Status)),
			"Lines", strings.Join(lines, ", "), "Total", p.c.money(o.Total(), o.Currency)) + "\n\n" +
		p.c.t("OpenOrderHow")
	switch {
	case p.busy:
		text += "\n\n" + st.Subtle.Render(p.c.t("OpenOrderCancelling", "Number", sanitizeN(o.Number, 30)))
	case p.err != "":
		text += "\n\n" + st.Error.Render(p.err)
	}
	return wrapText(text, p.c.bodyWidth())
}
