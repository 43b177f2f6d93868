package ui

import (
	"context"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"

	"onboard/flow"
	"onboard/i18n"
)

// Layout: a header line and a blank line above the body, a blank line and
// the key help below it.
const (
	headerHeight = 2
	footerHeight = 2
	minWidth     = 80
	minHeight    = 24
)

// common is what every screen shares: size, styles, keys, the backend and
// the answers collected so far (one copy, so going back keeps them).
type common struct {
	ctx      context.Context
	width    int
	height   int
	styles   Styles
	keys     KeyMap
	backend  Backend
	browser  Browser
	catalog  flow.Catalog
	loc      *i18n.Localizer // the language screens speak (setLang)
	provider string
	country  string // chosen first on the details (Options.Country)
	terminal string
	now      func() time.Time
	poll     time.Duration

	answers flow.Answers
	order   flow.Order
	result  flow.Result
	// assigned counts the new licenses assigned on the assign screen since
	// result was set: the summary says so instead of "assign them now".
	assigned int
	// lookedUp: the order was found past its payment by its number and e-mail
	// (ctrl+o): it shows what was done, not the tenant's users
	// (flow.LookupMayAssign).
	lookedUp bool
	agent    agentState // agent mode only
	// changeLines: the licenses screen was opened from the review to change
	// the lines of this sign-up's order, not to choose them before one exists.
	changeLines bool

	next *goMsg // a screen change asked for during this Update
}

// t is the catalog message id in the screens' language, its placeholders
// filled from pairs of name and value.
func (c *common) t(id string, kv ...any) string { return c.loc.T(id, kv...) }

// n is the plural message id for count.
func (c *common) n(id string, count int, kv ...any) string { return c.loc.N(id, count, kv...) }

// explain is flow.Explain in the screens' language.
func (c *common) explain(err error) string { return flow.ExplainIn(c.loc, err) }

// money is an amount as the screens' language writes it.
func (c *common) money(minor int64, cur string) string {
	return flow.FormatMoneyIn(c.loc.Lang(), minor, sanitizeN(cur, 3))
}

// setLang switches the screens to lang (an i18n tag) and, for a customer,
// records it as the sign-up's language (kept with the draft, given to
// Microsoft). The keys' help follows.
func (c *common) setLang(lang string) {
	c.loc = i18n.New(lang)
	c.keys = keyMapIn(c.loc)
	c.agent.keys = agentKeysIn(c.loc)
	if c.answers.Mode != flow.ModeAgent {
		c.answers.Language = c.loc.Lang()
	}
}

// bodyWidth and bodyHeight are the space a screen may draw in.
func (c *common) bodyWidth() int  { return max(c.width-2, 0) }
func (c *common) bodyHeight() int { return max(c.height-headerHeight-footerHeight, 0) }

// screen is one step of the wizard.
type screen interface {
	// enter is called each time the screen becomes the active one.
	enter() tea.Cmd
	update(msg tea.Msg) tea.Cmd
	view() string
	help() []key.Binding
	// step is the flow step the header counts ("Step n of m").
	step() flow.StepID
	title() string
}

// goMsg is a move to another screen; forward moves save a draft.
type goMsg struct {
	to      state
	forward bool
}

// goTo asks the root to switch screens as soon as the current Update
// returns, so no message reaches a screen that is already done.
func (c *common) goTo(s state, forward bool) tea.Cmd {
	c.next = &goMsg{to: s, forward: forward}
	return nil
}

func newSpinner() spinner.Model { return spinner.New(spinner.WithSpinner(spinner.Dot)) }

// spinnerMark is the spinner's current frame without its padding.
func spinnerMark(s spinner.Model) string { return strings.TrimSpace(s.View()) }
