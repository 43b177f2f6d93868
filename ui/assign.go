package ui

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"onboard/flow"
)

type (
	// usersPageMsg is a page of the search gen; more: it continues the list.
	usersPageMsg struct {
		gen  int
		more bool
		page flow.UserPage
		err  error
	}
	// countDueMsg: the search gen was left alone long enough to count it.
	countDueMsg  struct{ gen int }
	userCountMsg struct {
		gen, n int
		err    error
	}
	tenantCountMsg   struct{ n int }
	assignedCountMsg struct {
		sku string
		n   int
	}
	licensesAssignedMsg struct {
		skuID string
		ids   []string
		err   error
	}
)

// countDelay is how long the search must stay unchanged before its
// matches are counted: counting a broad search of a million users takes
// longer than typing the next letter.
const countDelay = 150 * time.Millisecond

// assignScreen hands the newly bought licenses to imported users. Built for
// tenants of a million users: the search runs in the database (an index
// filled by the import), a page at a time in import order, more pages are
// loaded as the cursor nears the end, and matches are counted apart once
// typing pauses. Only the visible rows are drawn.
type assignScreen struct {
	c        *common
	search   textinput.Model
	query    string         // the search the list shows
	gen      int            // the search under way; older results are dropped
	users    []flow.User    // matches loaded so far, in import order
	next     int64          // where the next page starts; 0 when none
	more     bool           // a next page is being loaded
	matches  int            // users matching query; -1 while counting
	total    int            // users of the tenant; -1 until counted
	holders  map[string]int // per SKU (lower case): users holding it
	cursor   int            // index into users
	offset   int            // first user shown
	lines    []flow.OrderLine
	line     int
	selected []map[string]bool // per line: user id → chosen
	loading  bool
	held     []tea.KeyPressMsg // list keys pressed while the list was loading
	saving   bool
	finished bool
	cancel   context.CancelFunc
	running  context.Context    // the search under way's; cancelled by the next
	stop     context.CancelFunc // cancels running
	count    context.CancelFunc // the count under way
	note     string
	err      string
}

func newAssignScreen(c *common) *assignScreen {
	ti := textinput.New()
	ti.Prompt = c.t("AssignSearch")
	ti.Placeholder = c.t("AssignPlaceholder")
	ti.SetWidth(40)
	return &assignScreen{c: c, search: ti, cancel: func() {}, stop: func() {}, count: func() {}}
}

func (s *assignScreen) step() flow.StepID { return flow.StepDone }
func (s *assignScreen) title() string     { return s.c.t("AssignTitle") }
func (s *assignScreen) help() []key.Binding {
	k := s.c.keys
	if s.finished {
		return []key.Binding{k.Finish, k.Quit}
	}
	keys := []key.Binding{k.Toggle, k.Save, k.Finish, k.Back, k.Move}
	if len(s.lines) > 1 {
		keys = append(keys, k.NextSku)
	}
	return keys
}

func (s *assignScreen) enter() tea.Cmd {
	s.lines = s.c.result.Bought
	s.selected = make([]map[string]bool, len(s.lines))
	for i := range s.selected {
		s.selected[i] = map[string]bool{}
	}
	s.line, s.finished, s.note, s.err, s.held = 0, false, "", "", nil
	s.search.SetValue("")
	s.cancel()
	s.stop()
	s.count()
	ctx, cancel := context.WithCancel(s.c.ctx)
	s.cancel = cancel
	s.total, s.holders, s.users = -1, map[string]int{}, nil
	b, tenant := s.c.backend, s.c.order.TenantID
	cmds := []tea.Cmd{s.search.Focus(), s.setQuery(""), func() tea.Msg {
		n, err := b.CountMatchingUsers(ctx, tenant, "")
		if err != nil {
			return nil // the total is left out; the list works without it
		}
		return tenantCountMsg{n: n}
	}}
	for _, l := range s.lines {
		sku := strings.ToLower(l.SkuID)
		cmds = append(cmds, func() tea.Msg {
			n, err := b.CountAssigned(ctx, tenant, sku)
			if err != nil {
				return nil // seats are checked again when saving
			}
			return assignedCountMsg{sku: sku, n: n}
		})
	}
	return tea.Batch(cmds...)
}

// pageSize is users loaded per page: a screen and a half. Small pages are
// found within fewer rows; the next loads as the cursor nears the end.
func (s *assignScreen) pageSize() int { return s.rows() + s.rows()/2 }

// setQuery starts a new search for q: its first page at once, its count
// once typing pauses.
func (s *assignScreen) setQuery(q string) tea.Cmd {
	s.gen++
	s.query = q
	s.loading, s.more, s.matches = true, false, -1
	if q == "" {
		s.matches = s.total // everyone: counted once, when the screen opened
	}
	s.count()
	// A search typed over is stopped, not left to finish: on a tenant of a
	// million users a broad one would hold a core the next keystroke needs.
	s.stop()
	s.running, s.stop = context.WithCancel(s.c.ctx)
	gen := s.gen
	return tea.Batch(s.fetch(false), tea.Tick(countDelay, func(time.Time) tea.Msg { return countDueMsg{gen: gen} }))
}

// fetch loads the first page of the current search, or the next one.
func (s *assignScreen) fetch(more bool) tea.Cmd {
	ctx, b, tenant := s.running, s.c.backend, s.c.order.TenantID
	q := flow.UserQuery{Text: s.query, Limit: s.pageSize()}
	if more {
		q.After = s.next
		s.more = true
	}
	gen := s.gen
	return func() tea.Msg {
		p, err := b.SearchUsers(ctx, tenant, q)
		return usersPageMsg{gen: gen, more: more, page: p, err: err}
	}
}

// countMatches counts the current search's matches, cancelled by the next.
func (s *assignScreen) countMatches() tea.Cmd {
	if s.query == "" && s.total >= 0 {
		s.matches = s.total
		return nil
	}
	ctx, cancel := context.WithCancel(s.c.ctx)
	s.count = cancel
	b, tenant, gen, q := s.c.backend, s.c.order.TenantID, s.gen, s.query
	return func() tea.Msg {
		n, err := b.CountMatchingUsers(ctx, tenant, q)
		return userCountMsg{gen: gen, n: n, err: err}
	}
}

func (s *assignScreen) gotPage(msg usersPageMsg) {
	if msg.gen != s.gen {
		return // a search typed over since
	}
	s.loading, s.more = false, false
	if msg.err != nil {
		s.err = s.c.t("AssignLoadFailed", "Why", explained(s.c.explain(msg.err)))
		return
	}
	if msg.more {
		s.users = append(s.users, msg.page.Users...)
	} else {
		s.users, s.cursor, s.offset = msg.page.Users, 0, 0
	}
	s.next = msg.page.Next
	if s.next == 0 && s.matches < 0 {
		s.matches = len(s.users) // the whole result is loaded: no need to count
	}
}

func (s *assignScreen) sku() string {
	if len(s.lines) == 0 {
		return ""
	}
	return s.lines[s.line].SkuID
}

// limit is how many more users may get the current line's license: the
// seats bought for its SKU, less users who already hold it.
func (s *assignScreen) limit() int {
	sku, seats := s.sku(), 0
	for _, l := range s.lines {
		if strings.EqualFold(l.SkuID, sku) {
			seats += l.Quantity
		}
	}
	return max(seats-s.holders[strings.ToLower(sku)], 0)
}

func hasSku(u flow.User, sku string) bool {
	return slices.ContainsFunc(u.SkuIDs, func(s string) bool { return strings.EqualFold(s, sku) })
}

func (s *assignScreen) update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case usersPageMsg:
		s.gotPage(msg)
		return s.replayHeld()
	case countDueMsg:
		if msg.gen == s.gen && s.matches < 0 {
			return s.countMatches()
		}
		return nil
	case userCountMsg:
		if msg.gen == s.gen && msg.err == nil {
			s.matches = msg.n
		}
		return nil
	case tenantCountMsg:
		s.total = msg.n
		if s.query == "" && s.matches < 0 {
			s.matches = msg.n
		}
		return nil
	case assignedCountMsg:
		s.holders[msg.sku] = msg.n
		return nil
	case licensesAssignedMsg:
		return s.gotAssigned(msg)
	case tea.KeyPressMsg:
		return s.key(msg)
	case tea.PasteMsg:
		var cmd tea.Cmd
		s.search, cmd = s.search.Update(msg)
		return tea.Batch(cmd, s.searchChanged())
	}
	return nil
}

// searchChanged starts a search when the text typed changed.
func (s *assignScreen) searchChanged() tea.Cmd {
	if v := s.search.Value(); v != s.query {
		return s.setQuery(v)
	}
	return nil
}

func (s *assignScreen) key(msg tea.KeyPressMsg) tea.Cmd {
	k := s.c.keys
	switch {
	case key.Matches(msg, k.Finish):
		return tea.Quit
	case key.Matches(msg, k.Back):
		if s.search.Value() != "" {
			s.search.SetValue("")
			return s.searchChanged()
		}
		s.cancel()
		s.stop()
		s.count()
		return s.c.goTo(stateDone, false)
	case s.saving || s.finished:
		return nil
	case s.loading && isListKey(msg, k):
		// Keys typed before the list arrived act on it once it has: a
		// person who knows the screen does not wait for it to draw.
		s.held = append(s.held, msg)
		return nil
	case key.Matches(msg, k.Up):
		return s.moveCursor(-1)
	case key.Matches(msg, k.Down):
		return s.moveCursor(1)
	case msg.Code == tea.KeyPgUp:
		return s.moveCursor(-s.rows())
	case msg.Code == tea.KeyPgDown:
		return s.moveCursor(s.rows())
	case key.Matches(msg, k.Toggle):
		s.toggle()
	case key.Matches(msg, k.NextSku):
		s.line = (s.line + 1) % max(len(s.lines), 1)
		s.note, s.err = "", ""
	case key.Matches(msg, k.Save):
		return s.save()
	default:
		var cmd tea.Cmd
		s.search, cmd = s.search.Update(msg)
		return tea.Batch(cmd, s.searchChanged())
	}
	return nil
}

func isListKey(msg tea.KeyPressMsg, k KeyMap) bool {
	return key.Matches(msg, k.Up, k.Down, k.Toggle, k.NextSku, k.Save) ||
		msg.Code == tea.KeyPgUp || msg.Code == tea.KeyPgDown
}

// replayHeld applies the list keys held while loading, in order, once the
// list is there.
func (s *assignScreen) replayHeld() tea.Cmd {
	if s.loading || len(s.held) == 0 {
		return nil
	}
	held := s.held
	s.held = nil
	var cmds []tea.Cmd
	for _, k := range held {
		cmds = append(cmds, s.key(k))
	}
	return tea.Batch(cmds...)
}

// moveCursor moves within the loaded users and loads the next page when
// the cursor nears their end.
func (s *assignScreen) moveCursor(d int) tea.Cmd {
	if len(s.users) == 0 || s.loading {
		return nil
	}
	s.cursor = min(max(s.cursor+d, 0), len(s.users)-1)
	rows := s.rows()
	if s.cursor < s.offset {
		s.offset = s.cursor
	} else if s.cursor >= s.offset+rows {
		s.offset = s.cursor - rows + 1
	}
	if s.next != 0 && !s.more && s.cursor+rows >= len(s.users) {
		return s.fetch(true)
	}
	return nil
}

func (s *assignScreen) toggle() {
	if len(s.users) == 0 || len(s.lines) == 0 || s.loading {
		return
	}
	u := s.users[s.cursor]
	sel := s.selected[s.line]
	s.err = ""
	switch {
	case hasSku(u, s.sku()):
		s.err = s.c.t("AssignAlreadyHas", "Name", sanitizeN(u.DisplayName, 40))
	case sel[u.ID]:
		delete(sel, u.ID)
	case len(sel) >= s.limit():
		s.err = s.c.n("AssignAllChosen", s.limit())
	default:
		sel[u.ID] = true
	}
}

func (s *assignScreen) save() tea.Cmd {
	if len(s.lines) == 0 {
		return nil
	}
	sel := s.selected[s.line]
	if len(sel) == 0 {
		s.err = s.c.t("AssignChooseOne")
		return nil
	}
	ids := make([]string, 0, len(sel))
	for id := range sel {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	s.saving, s.err, s.note = true, "", ""
	ctx, b, order, sku := s.c.ctx, s.c.backend, s.c.order.ID, s.sku()
	return func() tea.Msg {
		return licensesAssignedMsg{skuID: sku, ids: ids, err: b.AssignLicenses(ctx, order, sku, ids)}
	}
}

func (s *assignScreen) gotAssigned(msg licensesAssignedMsg) tea.Cmd {
	s.saving = false
	if msg.err != nil {
		if errors.Is(msg.err, flow.ErrNotEnoughSeats) {
			s.err = s.c.t("AssignNotEnough")
		} else {
			s.err = s.c.t("AssignFailed", "Why", explained(s.c.explain(msg.err)))
		}
		return nil
	}
	chosen := map[string]bool{}
	for _, id := range msg.ids {
		chosen[id] = true
	}
	for i := range s.users {
		if chosen[s.users[i].ID] {
			s.users[i].SkuIDs = append(slices.Clip(s.users[i].SkuIDs), msg.skuID)
		}
	}
	s.holders[strings.ToLower(msg.skuID)] += len(msg.ids)
	s.selected[s.line] = map[string]bool{}
	s.c.assigned += len(msg.ids)
	s.note = s.c.n("AssignDone", len(msg.ids))
	if s.limit() == 0 && s.allDone() {
		s.finished = true
	}
	return nil
}

func (s *assignScreen) allDone() bool {
	for i := range s.lines {
		saved := s.line
		s.line = i
		left := s.limit()
		s.line = saved
		if left > 0 {
			return false
		}
	}
	return true
}

// rows is how many users fit on screen.
func (s *assignScreen) rows() int { return max(s.c.bodyHeight()-7, 1) }

func (s *assignScreen) view() string {
	st := s.c.styles
	if len(s.lines) == 0 {
		return s.c.t("AssignNone")
	}
	l := s.lines[s.line]
	var b strings.Builder
	if len(s.lines) > 1 {
		fmt.Fprintf(&b, "%d/%d ", s.line+1, len(s.lines))
	}
	b.WriteString(s.c.t("AssignHeading", "Name", st.Title.Render(sanitizeN(l.Name, 40)), "Chosen", len(s.selected[s.line]),
		"Free", s.limit()-len(s.selected[s.line]), "Of", l.Quantity))
	b.WriteString("\n\n" + s.search.View() + "\n\n")
	switch {
	case s.loading && len(s.users) == 0:
		b.WriteString(st.Subtle.Render(s.c.t("AssignLoading")))
		return b.String()
	case s.finished:
		b.WriteString(st.Success.Render("✓ " + s.c.t("AssignAllAssigned")))
		return b.String()
	}
	b.WriteString(s.userRows())
	fmt.Fprintf(&b, "\n%s", st.Subtle.Render(s.c.t("AssignCount", "Matches", s.countOrEllipsis(s.matches), "Total", s.countOrEllipsis(s.total))))
	switch {
	case s.saving:
		b.WriteString("   " + s.c.t("AssignAssigning"))
	case s.err != "":
		b.WriteString("   " + st.Error.Render(s.err))
	case s.note != "":
		b.WriteString("   " + st.Success.Render(s.note))
	}
	return b.String()
}

// userRows draws only the rows on screen.
func (s *assignScreen) userRows() string {
	st := s.c.styles
	rows, w := s.rows(), s.c.bodyWidth()
	sel, sku := s.selected[s.line], s.sku()
	end := min(s.offset+rows, len(s.users))
	var b strings.Builder
	for i := s.offset; i < end; i++ {
		u := s.users[i]
		box := "[ ]"
		switch {
		case hasSku(u, sku):
			box = "[✓]"
		case sel[u.ID]:
			box = "[x]"
		}
		line := ansi.Truncate(fmt.Sprintf("  %s %s %s", box,
			padCells(sanitizeN(u.DisplayName, 60), 28), sanitizeN(u.UPN, 80)), w, "…")
		switch {
		case i == s.cursor:
			line = st.Cursor.Render("›" + line[1:])
		case hasSku(u, sku):
			line = st.Disabled.Render(line)
		case sel[u.ID]:
			line = st.Selected.Render(line)
		}
		b.WriteString(line + "\n")
	}
	for i := end - s.offset; i < rows; i++ {
		b.WriteString("\n")
	}
	return b.String()
}

// countOrEllipsis is n, or "…" while it is being counted.
func (s *assignScreen) countOrEllipsis(n int) string {
	if n < 0 {
		return "…"
	}
	return s.c.loc.Number(n)
}

// padCells cuts or pads s to exactly w terminal cells (names may hold wide
// characters, which %-*s would misalign).
func padCells(s string, w int) string {
	s = ansi.Truncate(s, w, "…")
	return s + strings.Repeat(" ", max(w-ansi.StringWidth(s), 0))
}
