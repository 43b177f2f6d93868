package ui

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"onboard/flow"
)

type (
	usersLoadedMsg struct {
		users []flow.User
		err   error
	}
	licensesAssignedMsg struct {
		skuID string
		ids   []string
		err   error
	}
)

// assignScreen hands the newly bought licenses to imported users. Built for
// tenants of 100,000 users: the filter narrows the previous matches while
// the query grows, and only the visible rows are drawn.
type assignScreen struct {
	c        *common
	search   textinput.Model
	users    []flow.User
	hay      []string // lower-case "display name upn" per user, for the filter
	query    string
	matches  []int // indexes into users
	cursor   int   // index into matches
	offset   int   // first match shown
	lines    []flow.OrderLine
	line     int
	selected []map[string]bool // per line: user id → chosen
	loading  bool
	saving   bool
	finished bool
	cancel   context.CancelFunc
	note     string
	err      string
}

func newAssignScreen(c *common) *assignScreen {
	ti := textinput.New()
	ti.Prompt = "Search: "
	ti.Placeholder = "name or login"
	ti.SetWidth(40)
	return &assignScreen{c: c, search: ti, cancel: func() {}}
}

func (s *assignScreen) step() flow.StepID { return flow.StepDone }
func (s *assignScreen) title() string     { return "Assign licenses" }
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
	s.line, s.finished, s.note, s.err = 0, false, "", ""
	s.search.SetValue("")
	s.query = ""
	s.loading = true
	s.cancel()
	ctx, cancel := context.WithCancel(s.c.ctx)
	s.cancel = cancel
	b, tenant := s.c.backend, s.c.order.TenantID
	return tea.Batch(s.search.Focus(), func() tea.Msg {
		us, err := b.ListUsers(ctx, tenant)
		return usersLoadedMsg{users: us, err: err}
	})
}

// setUsers indexes the users for the filter.
func (s *assignScreen) setUsers(us []flow.User) {
	s.users = us
	s.hay = make([]string, len(us))
	for i, u := range us {
		s.hay[i] = strings.ToLower(u.DisplayName + " " + u.UPN)
	}
	s.query = "\x00" // force a full filter
	s.filter("")
}

// filter narrows the current matches when q extends the previous query
// (typing), and scans everyone otherwise (deleting, pasting).
func (s *assignScreen) filter(q string) {
	q = strings.ToLower(strings.TrimSpace(q))
	if q == s.query {
		return
	}
	var from []int
	if s.query != "\x00" && strings.HasPrefix(q, s.query) {
		from = s.matches
	}
	s.query = q
	out := make([]int, 0, min(len(s.users), 1024))
	if from == nil {
		for i, h := range s.hay {
			if q == "" || strings.Contains(h, q) {
				out = append(out, i)
			}
		}
	} else {
		for _, i := range from {
			if strings.Contains(s.hay[i], q) {
				out = append(out, i)
			}
		}
	}
	s.matches, s.cursor, s.offset = out, 0, 0
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
	for _, u := range s.users {
		if hasSku(u, sku) {
			seats--
		}
	}
	return max(seats, 0)
}

func hasSku(u flow.User, sku string) bool {
	return slices.ContainsFunc(u.SkuIDs, func(s string) bool { return strings.EqualFold(s, sku) })
}

func (s *assignScreen) update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case usersLoadedMsg:
		s.loading = false
		if msg.err != nil {
			s.err = "The users could not be loaded. " + sanitize(flow.Explain(msg.err)) + " Press esc and try again later."
			return nil
		}
		s.setUsers(msg.users)
		return nil
	case licensesAssignedMsg:
		return s.assigned(msg)
	case tea.KeyPressMsg:
		return s.key(msg)
	case tea.PasteMsg:
		var cmd tea.Cmd
		s.search, cmd = s.search.Update(msg)
		s.filter(s.search.Value())
		return cmd
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
			s.filter("")
			return nil
		}
		s.cancel()
		return s.c.goTo(stateDone, false)
	case s.loading || s.saving || s.finished:
		return nil
	case key.Matches(msg, k.Up):
		s.moveCursor(-1)
	case key.Matches(msg, k.Down):
		s.moveCursor(1)
	case msg.Code == tea.KeyPgUp:
		s.moveCursor(-s.rows())
	case msg.Code == tea.KeyPgDown:
		s.moveCursor(s.rows())
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
		s.filter(s.search.Value())
		return cmd
	}
	return nil
}

func (s *assignScreen) moveCursor(d int) {
	if len(s.matches) == 0 {
		return
	}
	s.cursor = min(max(s.cursor+d, 0), len(s.matches)-1)
	rows := s.rows()
	if s.cursor < s.offset {
		s.offset = s.cursor
	} else if s.cursor >= s.offset+rows {
		s.offset = s.cursor - rows + 1
	}
}

func (s *assignScreen) toggle() {
	if len(s.matches) == 0 || len(s.lines) == 0 {
		return
	}
	u := s.users[s.matches[s.cursor]]
	sel := s.selected[s.line]
	s.err = ""
	switch {
	case hasSku(u, s.sku()):
		s.err = sanitizeN(u.DisplayName, 40) + " already has this license."
	case sel[u.ID]:
		delete(sel, u.ID)
	case len(sel) >= s.limit():
		s.err = fmt.Sprintf("All %d licenses are chosen. Unselect someone first.", s.limit())
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
		s.err = "Choose at least one user with Enter first."
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

func (s *assignScreen) assigned(msg licensesAssignedMsg) tea.Cmd {
	s.saving = false
	if msg.err != nil {
		if errors.Is(msg.err, flow.ErrNotEnoughSeats) {
			s.err = "There are not enough licenses left for everyone chosen. Unselect some users and save again."
		} else {
			s.err = "The licenses could not be assigned. " + sanitize(flow.Explain(msg.err)) + " Press ctrl+s to try again."
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
	s.selected[s.line] = map[string]bool{}
	s.c.assigned += len(msg.ids)
	s.note = fmt.Sprintf("%d licenses assigned.", len(msg.ids))
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
		return "No new licenses to assign."
	}
	l := s.lines[s.line]
	var b strings.Builder
	if len(s.lines) > 1 {
		fmt.Fprintf(&b, "%d/%d ", s.line+1, len(s.lines))
	}
	fmt.Fprintf(&b, "%s: %d chosen, %d of %d free",
		st.Title.Render(sanitizeN(l.Name, 40)), len(s.selected[s.line]), s.limit()-len(s.selected[s.line]), l.Quantity)
	b.WriteString("\n\n" + s.search.View() + "\n\n")
	switch {
	case s.loading:
		b.WriteString(st.Subtle.Render("Loading users…"))
		return b.String()
	case s.finished:
		b.WriteString(st.Success.Render("✓ All new licenses are assigned. Press ctrl+q to finish."))
		return b.String()
	}
	b.WriteString(s.userRows())
	fmt.Fprintf(&b, "\n%s", st.Subtle.Render(fmt.Sprintf("%s of %s users", flow.FormatCount(len(s.matches)), flow.FormatCount(len(s.users)))))
	switch {
	case s.saving:
		b.WriteString("   Assigning…")
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
	end := min(s.offset+rows, len(s.matches))
	var b strings.Builder
	for i := s.offset; i < end; i++ {
		u := s.users[s.matches[i]]
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

// padCells cuts or pads s to exactly w terminal cells (names may hold wide
// characters, which %-*s would misalign).
func padCells(s string, w int) string {
	s = ansi.Truncate(s, w, "…")
	return s + strings.Repeat(" ", max(w-ansi.StringWidth(s), 0))
}
