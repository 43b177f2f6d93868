package ui

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"onboard/flow"
	"onboard/i18n"
)

// licensesScreen is the catalog as a table: seats per offer with +/- or
// typed digits, and the running total.
type licensesScreen struct {
	c      *common
	cursor int
	seats  []int
	terms  []int // per offer, the index of the chosen term in its Terms
	typing bool  // digits typed since the cursor moved replace the count
	err    string
	saving bool // flow is changing the order's lines
	// before are the order's lines as chosen, kept while changing them:
	// esc (or a payment made meanwhile) leaves the order with them.
	before []flow.LineChoice
}

// linesChangedMsg: flow changed the order's lines (or refused; order is
// then the order as it is, when it could be read).
type linesChangedMsg struct {
	order flow.Order
	lines []flow.LineChoice
	err   error
}

// termKey changes the term of a product sold with several.
var termKey = key.NewBinding(key.WithKeys("t"), key.WithHelp("t", "term"))

func newLicensesScreen(c *common) *licensesScreen {
	n := len(c.catalog.Offers)
	return &licensesScreen{c: c, seats: make([]int, n), terms: make([]int, n)}
}

func (s *licensesScreen) step() flow.StepID { return flow.StepLicenses }
func (s *licensesScreen) title() string     { return s.c.t("LicensesTitle") }
func (s *licensesScreen) help() []key.Binding {
	k := s.c.keys
	if s.c.changeLines {
		// Saving and going back first: they are what this visit is for,
		// and the keys last in the list give way on a narrow footer.
		keys := []key.Binding{s.c.helpKey("enter", "enter", "KeyUpdateOrder"), s.c.helpKey("esc", "esc", "KeyBackToReview"), k.Move, k.Inc}
		if len(s.seats) > 0 && len(s.c.catalog.Offers[s.cursor].Terms) > 1 {
			keys = append(keys, s.c.helpKey("t", "t", "KeyTerm"))
		}
		return append(keys, k.Quit)
	}
	// ctrl+l is shown with the languages on the screen itself, in all of
	// them: whoever cannot read this one finds it there.
	if len(s.seats) > 0 && len(s.c.catalog.Offers[s.cursor].Terms) > 1 {
		return []key.Binding{k.Move, k.Inc, s.c.helpKey("t", "t", "KeyTerm"), k.Next, k.PayOrder, k.Quit}
	}
	return []key.Binding{k.Move, k.Inc, k.Next, k.PayOrder, k.Quit}
}

// languages reports whether the customer may switch languages here: a
// customer (an agent's language is the agent's LANG), with more than one.
func (s *licensesScreen) languages() bool {
	return !s.c.agentMode() && len(i18n.Languages()) > 1
}

// nextLanguage switches to the language after the current one.
func (s *licensesScreen) nextLanguage() {
	langs := i18n.Languages()
	for i, l := range langs {
		if l.Tag == s.c.loc.Lang() {
			s.c.setLang(langs[(i+1)%len(langs)].Tag)
			return
		}
	}
	s.c.setLang(langs[0].Tag)
}

// languageLine is the short list of languages, each in its own name, the
// one spoken marked: "Language · Sprache · Langue: ‹English› Deutsch Français".
func (s *licensesScreen) languageLine() string {
	st := s.c.styles
	var names, labels []string
	for _, l := range i18n.Languages() {
		labels = append(labels, i18n.New(l.Tag).T("LanguageLabel"))
		if l.Tag == s.c.loc.Lang() {
			names = append(names, st.Cursor.Render("‹"+l.Name+"›"))
		} else {
			names = append(names, " "+l.Name+" ")
		}
	}
	// "Language · Sprache · Langue": the word in every language offered.
	return st.Subtle.Render(strings.Join(labels, " · ")+" (ctrl+l):") + " " + strings.Join(names, " ")
}

// enter loads the seat counts from the answers (a resumed draft or a
// return from a later step).
func (s *licensesScreen) enter() tea.Cmd {
	s.typing, s.err, s.saving = false, "", false
	if s.c.changeLines {
		s.before = append([]flow.LineChoice(nil), s.c.answers.Lines...)
	}
	for i, o := range s.c.catalog.Offers {
		s.seats[i], s.terms[i] = 0, 0
		for _, l := range s.c.answers.Lines {
			if l.OfferID == o.ID {
				s.seats[i] = l.Seats
				for j, t := range o.Terms {
					if t.Key() == l.Term {
						s.terms[i] = j
					}
				}
			}
		}
	}
	return nil
}

// term is the term chosen for offer i.
func (s *licensesScreen) term(i int) flow.Term {
	o := s.c.catalog.Offers[i]
	if len(o.Terms) == 0 {
		return o.DefaultTerm()
	}
	return o.Terms[s.terms[i]%len(o.Terms)]
}

func (s *licensesScreen) update(msg tea.Msg) tea.Cmd {
	if m, ok := msg.(linesChangedMsg); ok {
		return s.changed(m)
	}
	kp, ok := msg.(tea.KeyPressMsg)
	if !ok || len(s.seats) == 0 || s.saving {
		return nil
	}
	k := s.c.keys
	switch {
	case s.c.changeLines && key.Matches(kp, k.Back):
		// The order stays as it was: the review shows it again.
		s.c.changeLines = false
		s.c.answers.Lines = s.before
		return s.c.goTo(s.c.screenOf(flow.StepReview), false)
	case key.Matches(kp, k.Up):
		s.move(-1)
	case key.Matches(kp, k.Down):
		s.move(1)
	case key.Matches(kp, k.Inc):
		s.set(s.seats[s.cursor] + 1)
	case key.Matches(kp, k.Dec):
		s.set(s.seats[s.cursor] - 1)
	case kp.Code == tea.KeyBackspace:
		s.set(s.seats[s.cursor] / 10)
		s.typing = true
	case len(kp.Text) == 1 && kp.Text[0] >= '0' && kp.Text[0] <= '9':
		s.typeDigit(int(kp.Text[0] - '0'))
	case kp.String() == "ctrl+l" && s.languages():
		s.nextLanguage()
		s.err = ""
	case key.Matches(kp, termKey) && len(s.c.catalog.Offers[s.cursor].Terms) > 1:
		s.terms[s.cursor] = (s.terms[s.cursor] + 1) % len(s.c.catalog.Offers[s.cursor].Terms)
		s.c.answers.Lines = s.lines()
	case key.Matches(kp, k.Next):
		return s.submit()
	case key.Matches(kp, k.PayOrder) && !s.c.changeLines:
		return s.c.goTo(statePayOrder, false)
	}
	return nil
}

func (s *licensesScreen) move(d int) {
	s.cursor = min(max(s.cursor+d, 0), len(s.seats)-1)
	s.typing = false
}

func (s *licensesScreen) typeDigit(d int) {
	n := d
	if s.typing {
		n = s.seats[s.cursor]*10 + d
	}
	s.typing = true
	s.set(n)
}

// set clamps n to 0..MaxSeats (0 means "not chosen") and stores it.
func (s *licensesScreen) set(n int) {
	o := s.c.catalog.Offers[s.cursor]
	if o.MaxSeats > 0 && n > o.MaxSeats {
		n = o.MaxSeats
	}
	s.seats[s.cursor] = max(n, 0)
	s.err = ""
	s.c.answers.Lines = s.lines()
}

func (s *licensesScreen) lines() []flow.LineChoice {
	var out []flow.LineChoice
	for i, n := range s.seats {
		if n > 0 {
			c := flow.LineChoice{OfferID: s.c.catalog.Offers[i].ID, Seats: n}
			if o := s.c.catalog.Offers[i]; len(o.Terms) > 1 && s.terms[i] > 0 {
				c.Term = s.term(i).Key() // "" keeps the default
			}
			out = append(out, c)
		}
	}
	return out
}

func (s *licensesScreen) submit() tea.Cmd {
	s.c.answers.Lines = s.lines()
	if len(s.c.answers.Lines) == 0 {
		s.err = s.c.t("LicensesChooseOne")
		return nil
	}
	for i, n := range s.seats {
		o := s.c.catalog.Offers[i]
		if err := flow.ValidateSeats(o, n); n > 0 && err != nil {
			s.err = fmt.Sprintf("%s: %s.", sanitizeN(o.Name, 40), s.c.loc.Error(err))
			s.cursor = i
			return nil
		}
	}
	if s.c.changeLines {
		return s.changeOrder()
	}
	return s.c.forward(flow.StepLicenses)
}

// changeOrder asks flow to change the order's lines; the sign-up then goes
// on where flow says (back to the review).
func (s *licensesScreen) changeOrder() tea.Cmd {
	s.saving, s.err = true, ""
	ctx, b, id, lines := s.c.ctx, s.c.backend, s.c.order.ID, s.c.answers.Lines
	return func() tea.Msg {
		o, err := b.ChangeLines(ctx, id, lines)
		if err != nil {
			// Paid meanwhile (or cancelled elsewhere): go on with the order as it is.
			o, _ = b.GetOrder(ctx, id)
		}
		return linesChangedMsg{order: o, lines: lines, err: err}
	}
}

func (s *licensesScreen) changed(msg linesChangedMsg) tea.Cmd {
	if !s.saving {
		return nil
	}
	s.saving = false
	if msg.err != nil && (!errors.Is(msg.err, flow.ErrAlreadyPaid) || msg.order.ID == "") {
		s.err = s.c.t("LicensesChangeFailed", "Why", explained(s.c.explain(msg.err)))
		return nil
	}
	s.c.changeLines = false
	if msg.err != nil {
		// Paid on the old page a moment ago: that payment stands.
		s.c.answers.Lines = s.before
		return s.c.continueOrder(msg.order, true)
	}
	s.c.order, s.c.answers.Lines = msg.order, msg.lines
	return s.c.forward(flow.StepLicenses)
}

func (s *licensesScreen) view() string {
	st := s.c.styles
	cat := s.c.catalog
	if len(cat.Offers) == 0 {
		return st.Error.Render(s.c.t("LicensesNoneOnOffer", "Provider", sanitizeN(s.c.provider, 40)))
	}
	names := []string{s.c.t("LicensesProduct")}
	for _, o := range cat.Offers {
		names = append(names, sanitize(o.Name))
	}
	nameW := nameColumn(s.c.bodyWidth()-43, names...)
	row := func(name, price, seats, total string) string {
		return fmt.Sprintf("  %s %14s %8s %16s", padCells(name, nameW), price, seats, total)
	}
	var b strings.Builder
	if s.c.changeLines {
		b.WriteString(st.Subtle.Width(s.c.bodyWidth()).Render(s.c.t("LicensesChangeIntro", "Number", sanitizeN(s.c.order.Number, 30))) + "\n\n")
	} else if s.c.agentMode() {
		b.WriteString(s.c.t("LicensesIntroAgent") + "\n\n") // the agent asks on the customer's behalf
	} else {
		b.WriteString(s.c.t("LicensesIntro") + "\n\n")
	}
	b.WriteString(st.TableHead.Render(row(s.c.t("LicensesProduct"), s.c.t("LicensesSeatMonth"), s.c.t("LicensesSeats"), s.c.t("LicensesPerMonth"))) + "\n")
	first, last := s.window()
	for i := first; i < last; i++ {
		o := cat.Offers[i]
		cur := offerCurrency(o, cat)
		seats := strconv.Itoa(s.seats[i])
		if i == s.cursor {
			seats = "‹" + seats + "›"
		}
		price := s.term(i).UnitPrice
		line := row(sanitize(o.Name), s.c.money(price, cur), seats, s.c.money(price*int64(s.seats[i]), cur))
		switch {
		case i == s.cursor:
			line = st.Cursor.Render("›" + line[1:])
		case s.seats[i] > 0:
			line = st.Selected.Render(line)
		}
		b.WriteString(line + "\n")
	}
	if last < len(cat.Offers) || first > 0 {
		b.WriteString(st.Subtle.Render("  "+s.c.t("LicensesWindow", "First", first+1, "Last", last, "N", len(cat.Offers))) + "\n")
	}
	total := s.c.answers.Total(cat)
	b.WriteString("\n" + st.Total.Render("  "+s.c.t("LicensesTotal", "Total", s.c.money(total, cat.Currency))) + "\n")
	o := cat.Offers[s.cursor]
	if d := o.DescriptionIn(s.c.loc.Lang()); d != "" {
		b.WriteString("\n" + st.Subtle.Width(s.c.bodyWidth()).Render(sanitize(d)) + "\n")
	}
	b.WriteString(st.Subtle.Render(s.c.t("LicensesSeatRange", "Name", sanitizeN(o.Name, 40), "Min", o.MinSeats, "Max", o.MaxSeats)))
	t := s.term(s.cursor)
	termLine := s.c.t("LicensesTermLine", "Term", t.LabelIn(s.c.loc),
		"Price", s.c.money(t.PricePerTerm(), offerCurrency(o, cat)), "Period", t.PeriodIn(s.c.loc))
	if n := len(o.Terms); n > 1 {
		termLine += " " + s.c.t("LicensesMoreTerms", "N", n)
	}
	b.WriteString("\n" + st.Subtle.Width(s.c.bodyWidth()).Render(termLine))
	switch {
	case s.saving:
		b.WriteString("\n\n" + s.c.t("LicensesChanging"))
	case s.err != "":
		b.WriteString("\n\n" + st.Error.Width(s.c.bodyWidth()).Render(s.err))
	}
	if s.languages() {
		b.WriteString("\n\n" + s.languageLine())
	}
	return b.String()
}

// window is the range of offers shown, keeping the cursor visible.
func (s *licensesScreen) window() (first, last int) {
	rows := max(s.c.bodyHeight()-13, 3)
	n := len(s.c.catalog.Offers)
	if n <= rows {
		return 0, n
	}
	first = min(max(s.cursor-rows/2, 0), n-rows)
	return first, first + rows
}

func offerCurrency(o flow.Offer, cat flow.Catalog) string {
	if o.Currency != "" {
		return o.Currency
	}
	return cat.Currency
}
