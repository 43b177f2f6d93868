package plain

import (
	"errors"
	"strconv"
	"strings"
	"unicode"

	"onboard/flow"
)

// assignPage is how many users one listing reads out: few enough to keep
// in mind, as numbers to choose by.
const assignPage = 10

// assign offers to give the licenses just bought to the tenant's users, so
// "assign them now" comes with a way to do it: per product, the users are
// listed a page at a time with numbers, searched by part of a name (flow's
// user search, as the full-screen assign screen does), and chosen by
// number or login.
func (s *session) assign(res flow.Result) error {
	if res.NewAccount || len(res.Bought) == 0 {
		return nil
	}
	later := s.t("PlainAssignLater")
	if s.in.ended() { // piped answers that stop here: the order is done
		s.say("%s", later)
		return nil
	}
	now, err := s.confirm(s.t("PlainAssignNow"), true)
	if errors.Is(err, ErrInputEnded) {
		err, now = nil, false // the order is done; answers ending here skip this
	}
	if err != nil || !now {
		if err == nil {
			s.say("%s", later)
		}
		return err
	}
	total, err := s.Backend.CountMatchingUsers(s.ctx, s.order.TenantID, "")
	if err != nil {
		s.sayT("PlainUsersNotListed", "Why", clean(s.explain(err), maxExplained))
		return nil
	}
	s.sayT("PlainAssignHow", "Page", assignPage)
	for _, l := range res.Bought {
		p := &picker{s: s, line: l, total: total, chosen: map[string]flow.User{}}
		if err := p.run(); err != nil {
			return err
		}
	}
	return nil
}

// picker chooses the users who get one product's licenses.
type picker struct {
	s     *session
	line  flow.OrderLine
	total int // users of the tenant

	// The listing read out last, which numbers refer to.
	text  string
	first int // the number of its first user
	users []flow.User
	next  int64 // flow's After for the page after it; 0: the last

	chosen map[string]flow.User // by id
	order  []string             // ids in the order chosen
}

func (p *picker) name() string { return clean(p.line.Name, 80) }

func (p *picker) run() error {
	s := p.s
	s.sayT("PlainAssignProduct", "Name", p.name(), "Licenses", s.loc.N("LicensesN", p.line.Quantity),
		"Users", s.loc.N("UsersN", p.total))
	if p.total == 0 {
		return nil // no one to give them to; said in the line above
	}
	if err := p.list("", 0, 1); err != nil {
		return err
	}
	for {
		var entry string
		title := s.t("PlainAssignPrompt", "Name", p.name(), "Chosen", len(p.order), "Seats", p.line.Quantity)
		if err := s.form(s.input(title, &entry, nil)); err != nil {
			return err
		}
		entry = strings.TrimSpace(entry)
		var err error
		switch {
		case entry == "":
			if done, err := p.save(); done || err != nil {
				return err
			}
		case entry == "+":
			if p.next == 0 {
				s.sayT("PlainAssignNoMore")
				continue
			}
			err = p.list(p.text, p.next, p.first+len(p.users))
		case entry == "*":
			err = p.list("", 0, 1)
		case numbers(entry):
			p.pick(entry)
		case strings.Contains(entry, "@"):
			err = p.logins(entry)
		default:
			err = p.list(entry, 0, 1)
		}
		if err != nil {
			s.sayT("PlainUsersNotListed", "Why", clean(s.explain(err), maxExplained))
		}
	}
}

// list reads out one page of the users matching text, from after, numbered
// from first.
func (p *picker) list(text string, after int64, first int) error {
	s := p.s
	page, err := s.Backend.SearchUsers(s.ctx, s.order.TenantID, flow.UserQuery{Text: text, After: after, Limit: assignPage})
	if err != nil {
		return err
	}
	total := p.total
	if text != "" {
		if total, err = s.Backend.CountMatchingUsers(s.ctx, s.order.TenantID, text); err != nil {
			return err
		}
	}
	shown := clean(text, 100)
	if len(page.Users) == 0 {
		s.sayT("PlainAssignNoMatch", "Text", shown)
		return nil // the listing before stays the one numbers refer to
	}
	p.text, p.first, p.users, p.next = text, first, page.Users, page.Next
	from, to := s.loc.Number(first), s.loc.Number(first+len(page.Users)-1)
	if text == "" {
		s.sayT("PlainAssignPage", "From", from, "To", to, "Total", s.loc.Number(total))
	} else {
		s.sayT("PlainAssignMatches", "Text", shown, "From", from, "To", to, "Total", s.loc.Number(total))
	}
	for i, u := range page.Users {
		line := s.t("PlainAssignUser", "N", first+i, "Name", clean(u.DisplayName, 80), "Login", clean(u.UPN, 100))
		switch {
		case p.chosen[u.ID].ID != "":
			line += " " + s.t("PlainAssignIsChosen")
		case hasSku(u, p.line.SkuID):
			line += " " + s.t("PlainAssignHasIt")
		}
		s.say("%s", line)
	}
	if p.next != 0 {
		s.sayT("PlainAssignMore")
	}
	return nil
}

func hasSku(u flow.User, sku string) bool {
	for _, x := range u.SkuIDs {
		if strings.EqualFold(x, sku) {
			return true
		}
	}
	return false
}

// numbers reports whether entry is only numbers (and commas or spaces).
func numbers(entry string) bool {
	return strings.IndexFunc(entry, func(r rune) bool { return !unicode.IsDigit(r) && r != ',' && !unicode.IsSpace(r) }) < 0
}

// pick chooses the users of the listing by their numbers; a number chosen
// already takes that user back.
func (p *picker) pick(entry string) {
	s := p.s
	var added, removed []string
	for _, f := range strings.FieldsFunc(entry, func(r rune) bool { return r == ',' || unicode.IsSpace(r) }) {
		n, err := strconv.Atoi(f)
		i := n - p.first
		if err != nil || i < 0 || i >= len(p.users) {
			s.sayT("PlainAssignBadNumber", "N", clean(f, 12), "From", p.first, "To", p.first+len(p.users)-1)
			return // nothing of a line with a wrong number is taken
		}
	}
	after := len(p.order)
	for _, f := range strings.FieldsFunc(entry, func(r rune) bool { return r == ',' || unicode.IsSpace(r) }) {
		n, _ := strconv.Atoi(f)
		if p.chosen[p.users[n-p.first].ID].ID != "" {
			after--
		} else {
			after++
		}
	}
	if !p.fits(after) {
		return
	}
	for _, f := range strings.FieldsFunc(entry, func(r rune) bool { return r == ',' || unicode.IsSpace(r) }) {
		n, _ := strconv.Atoi(f)
		u := p.users[n-p.first]
		if p.chosen[u.ID].ID != "" {
			p.unchoose(u.ID)
			removed = append(removed, clean(u.DisplayName, 80))
			continue
		}
		p.choose(u)
		added = append(added, clean(u.DisplayName, 80))
	}
	p.sayChanges(added, removed)
}

// fits says whether n chosen users fit the line's licenses; a line that
// would choose more is refused whole, as the full-screen list refuses the
// user one too many, instead of being found out only when saving.
func (p *picker) fits(n int) bool {
	if n <= p.line.Quantity {
		return true
	}
	p.s.sayT("PlainAssignTooMany", "Name", p.name(), "Seats", p.line.Quantity)
	return false
}

func (p *picker) choose(u flow.User) {
	if p.chosen[u.ID].ID == "" {
		p.chosen[u.ID] = u
		p.order = append(p.order, u.ID)
	}
}

func (p *picker) unchoose(id string) {
	delete(p.chosen, id)
	for i, x := range p.order {
		if x == id {
			p.order = append(p.order[:i], p.order[i+1:]...)
			break
		}
	}
}

func (p *picker) sayChanges(added, removed []string) {
	if len(added) > 0 {
		p.s.sayT("PlainAssignChose", "Names", strings.Join(added, ", "))
	}
	if len(removed) > 0 {
		p.s.sayT("PlainAssignTookBack", "Names", strings.Join(removed, ", "))
	}
}

// logins chooses users by their logins, typed with commas; one unknown
// login and none of the line is taken.
func (p *picker) logins(entry string) error {
	var found []flow.User
	var unknown []string
	for _, login := range strings.Split(entry, ",") {
		login = strings.ToLower(strings.TrimSpace(login))
		if login == "" {
			continue
		}
		u, ok, err := p.byLogin(login)
		if err != nil {
			return err
		}
		if !ok {
			unknown = append(unknown, clean(login, 100))
			continue
		}
		found = append(found, u)
	}
	if len(unknown) > 0 {
		p.s.sayT("PlainNoSuchLogin", "Logins", strings.Join(unknown, ", "))
		return nil
	}
	after := len(p.order)
	for _, u := range found {
		if p.chosen[u.ID].ID == "" {
			after++
		}
	}
	if !p.fits(after) {
		return nil
	}
	var added []string
	for _, u := range found {
		p.choose(u)
		added = append(added, clean(u.DisplayName, 80))
	}
	p.sayChanges(added, nil)
	return nil
}

// byLogin finds a user by login through flow's search (the words of the
// login's name part), never by loading the whole tenant.
func (p *picker) byLogin(login string) (flow.User, bool, error) {
	local, _, _ := strings.Cut(login, "@")
	words := strings.Join(strings.FieldsFunc(local, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }), " ")
	q := flow.UserQuery{Text: words, Limit: 100}
	// Bounded: a login's own words find it in the first pages.
	for range 10 {
		page, err := p.s.Backend.SearchUsers(p.s.ctx, p.s.order.TenantID, q)
		if err != nil {
			return flow.User{}, false, err
		}
		for _, u := range page.Users {
			if strings.EqualFold(u.UPN, login) {
				return u, true, nil
			}
		}
		if page.Next == 0 {
			break
		}
		q.After = page.Next
	}
	return flow.User{}, false, nil
}

// save assigns the chosen users; done false: they are asked again (too
// many for the seats). Nobody chosen skips the product.
func (p *picker) save() (done bool, err error) {
	s := p.s
	if len(p.order) == 0 {
		return true, nil
	}
	for {
		err := s.Backend.AssignLicenses(s.ctx, s.order.ID, p.line.SkuID, p.order)
		switch {
		case err == nil:
			s.say("%s", s.loc.N("PlainAssigned", len(p.order), "Name", p.name()))
			return true, nil
		case errors.Is(err, flow.ErrNotEnoughSeats):
			s.say("%s", s.loc.N("PlainTooManyUsers", p.line.Quantity))
			return false, nil
		}
		s.sayT("PlainAssignFailed", "Why", clean(s.explain(err), maxExplained))
		if again, ferr := s.confirm(s.t("PlainTryAgain"), true); ferr != nil || !again {
			return true, ferr
		}
	}
}
