package ui

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"onboard/flow"
)

// assignWith returns an assign screen over n users with 5 seats to give.
func assignWith(n int) *assignScreen {
	c := &common{width: 80, height: 24, styles: NewStyles(true), keys: DefaultKeyMap()}
	c.result.Bought = []flow.OrderLine{{Name: "Microsoft 365 Business Premium", SkuID: "sku-bp", Quantity: 5}}
	s := newAssignScreen(c)
	s.lines = c.result.Bought
	s.selected = []map[string]bool{{}}
	s.search.Focus()
	s.setUsers(makeUsers(n))
	return s
}

func TestAssignFilterNarrowsAndWidens(t *testing.T) {
	s := assignWith(100_000)
	for _, r := range "user01234" {
		s.update(tea.KeyPressMsg{Code: r, Text: string(r)})
	}
	if len(s.matches) != 10 { // user012340 … user012349
		t.Fatalf("matches = %d, want 10", len(s.matches))
	}
	for _, i := range s.matches {
		if u := s.users[i].UPN; !strings.Contains(u, "user01234") {
			t.Fatalf("match %s does not contain the query", u)
		}
	}
	s.update(tea.KeyPressMsg{Code: tea.KeyBackspace})
	if len(s.matches) != 100 {
		t.Fatalf("after backspace matches = %d, want 100", len(s.matches))
	}
	s.update(tea.PasteMsg{Content: "USER 099999"}) // display name, any case
	if len(s.matches) != 0 {
		t.Fatalf("query %q matches %d", s.search.Value(), len(s.matches))
	}
}

func TestAssignDrawsOnlyVisibleRows(t *testing.T) {
	s := assignWith(100_000)
	for range 30 {
		s.update(tea.KeyPressMsg{Code: tea.KeyDown})
	}
	v := ansi.Strip(s.view())
	if want := "› [ ] User 000030"; !strings.Contains(v, want) {
		t.Fatalf("cursor row %q not visible:\n%s", want, v)
	}
	if strings.Contains(v, "User 000000 ") {
		t.Fatal("rows scrolled off are still drawn")
	}
	if n := strings.Count(v, "\n") + 1; n > 24 {
		t.Fatalf("view has %d lines", n)
	}
}

func TestAssignSkipsUsersWhoHaveTheLicense(t *testing.T) {
	s := assignWith(10)
	s.users[0].SkuIDs = []string{"SKU-BP"}
	if got := s.limit(); got != 4 {
		t.Fatalf("limit = %d, want 5 seats less the 1 user who holds it", got)
	}
	s.update(tea.KeyPressMsg{Code: tea.KeyEnter})
	if len(s.selected[0]) != 0 || s.err == "" {
		t.Fatal("a user who already has the license was selected")
	}
}

// BenchmarkAssignSearchKeystroke is one typed character (Update and View)
// over 100,000 users: the first keystroke scans everyone, later ones narrow.
func BenchmarkAssignSearchKeystroke(b *testing.B) {
	s := assignWith(100_000)
	keys := []tea.KeyPressMsg{{Code: 'u', Text: "u"}, {Code: tea.KeyBackspace}}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		s.update(keys[i%2])
		_ = s.view()
	}
}
