package cli

import (
	"io"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"
)

// shortIDs are the random customer ids' first characters a terminal shows.
var shortIDs = regexp.MustCompile(`(?m)^[0-9a-f]{8}  `)

// onTerminal makes the commands see a terminal of the given width.
func onTerminal(t *testing.T, width int) {
	t.Helper()
	old := terminalOf
	terminalOf = func(io.Writer) (bool, int) { return true, width }
	t.Cleanup(func() { terminalOf = old })
}

// On an 80-column terminal every line fits: tables cut the customer and
// tenant with "…", never the order number, state, total or date, and the
// audit detail wraps under its line.
func TestTablesFitTheTerminal(t *testing.T) {
	db := isolate(t)
	seedOrders(t, db)
	onTerminal(t, 80)
	t.Setenv("ONBOARD_PAGER", "cat")
	for _, c := range []struct {
		name string
		args []string
	}{
		{"orders-list", []string{"orders", "list"}},
		{"orders-show", []string{"orders", "show", "ORD-000001"}},
		{"customers-list", []string{"customers", "list"}},
		{"customers-show", []string{"customers", "show", "fabrikam.onmicrosoft.com", "--users", "3"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			out, errOut, code := run(t, append(c.args, "--db", db)...)
			if code != ExitOK {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			for _, line := range strings.Split(out, "\n") {
				if w := ansi.StringWidth(line); w > 80 {
					t.Errorf("%d columns: %q", w, line)
				}
			}
			// The tenant is read whole: the least useful columns gave way.
			if !strings.Contains(out, "  fabrikam.onmicrosoft.com") {
				t.Errorf("the tenant is cut:\n%s", out)
			}
			golden.RequireEqual(t, shortIDs.ReplaceAll(stable([]byte(out)), []byte("<short>  ")))
		})
	}
	// The audit's state changes are read whole: one that does not fit the
	// line goes under it, never cut.
	out, _, _ := run(t, "orders", "show", "ORD-000001", "--db", db)
	if !strings.Contains(out, "awaiting_consent→awaiting_payment") {
		t.Errorf("orders show cut a state change:\n%s", out)
	}
	// Wide enough, every column is there.
	onTerminal(t, 140)
	for _, c := range []struct{ args, want []string }{
		{[]string{"orders", "list"}, []string{"CUSTOMER", "Fabrikam Inc", "2026-11-24 09:30"}},
		{[]string{"customers", "list"}, []string{"CONTACT", "E-MAIL", "Ada Lovelace"}},
	} {
		out, _, _ := run(t, append(c.args, "--db", db)...)
		for _, w := range c.want {
			if !strings.Contains(out, w) {
				t.Errorf("%v at 140 columns: no %q:\n%s", c.args, w, out)
			}
		}
	}
	onTerminal(t, 80)
	// config fits too (its paths are the temp dir's: no golden).
	out, _, _ = run(t, "config", "--db", db)
	for _, line := range strings.Split(out, "\n") {
		if w := ansi.StringWidth(line); w > 80 {
			t.Errorf("config: %d columns: %q", w, line)
		}
	}
	// Whole in JSON, whatever the terminal.
	out, _, _ = run(t, "orders", "show", "ORD-000001", "--json", "--db", db)
	if !strings.Contains(out, "Microsoft Customer Agreement of fabrikam.onmicrosoft.com recorded with Microsoft: accepted by Ada Lovelace") {
		t.Errorf("--json cut the audit detail:\n%s", out)
	}
}

// Piped, a list is tab-separated values without a header, nothing cut (gh).
func TestListsArePlainWhenPiped(t *testing.T) {
	db := isolate(t)
	seedOrders(t, db)
	out, _, code := run(t, "orders", "list", "--db", db)
	if code != ExitOK || !strings.HasPrefix(out, "ORD-000002\tawaiting_payment\tContoso Ltd\tcontoso.onmicrosoft.com\t") {
		t.Fatalf("exit %d:\n%s", code, out)
	}
}

// Long output on a terminal goes through the pager; --json never does.
func TestPager(t *testing.T) {
	db := isolate(t)
	seedOrders(t, db)
	onTerminal(t, 80)
	t.Setenv("ONBOARD_PAGER", "tr a-z A-Z")
	out, errOut, code := run(t, "orders", "list", "--db", db)
	if code != ExitOK || !strings.Contains(out, "ORD-000001  COMPLETED") {
		t.Fatalf("not paged: exit %d\n%s%s", code, out, errOut)
	}
	if out, _, _ := run(t, "orders", "list", "--json", "--db", db); !strings.Contains(out, `"status": "completed"`) {
		t.Fatalf("--json went through the pager:\n%s", out)
	}
}

func TestPagerCommand(t *testing.T) {
	less := func(string) (string, error) { return "/usr/bin/less", nil }
	none := func(string) (string, error) { return "", io.EOF }
	env := func(kv ...string) func(string) string {
		return func(k string) string {
			for i := 0; i+1 < len(kv); i += 2 {
				if kv[i] == k {
					return kv[i+1]
				}
			}
			return ""
		}
	}
	for _, c := range []struct {
		getenv func(string) string
		look   func(string) (string, error)
		want   string
	}{
		{env(), less, "less -FRX"},
		{env(), none, ""},
		{env("PAGER", "most"), less, "most"},
		{env("PAGER", "most", "ONBOARD_PAGER", "less -S"), less, "less -S"},
		{env("PAGER", "cat"), less, ""},
	} {
		if got := pagerCommand(c.getenv, c.look); got != c.want {
			t.Errorf("pagerCommand = %q, want %q", got, c.want)
		}
	}
}

// Quitting the pager before the end (its end of the pipe closed) is not
// an error: the rest of the output is dropped.
func TestPagerQuitEarly(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	r.Close()
	defer w.Close()
	p := &pagerPipe{w: w}
	for range 2 {
		if n, err := p.Write([]byte("ORD-000001\n")); n != 11 || err != nil {
			t.Fatalf("write after the pager quit: %d, %v", n, err)
		}
	}
}

// An empty list piped prints no values; the sentence goes to stderr.
func TestEmptyListPiped(t *testing.T) {
	db := isolate(t)
	for _, args := range [][]string{{"orders", "list"}, {"customers", "list"}} {
		out, errOut, code := run(t, append(args, "--db", db)...)
		if code != ExitOK || out != "" || !strings.HasPrefix(errOut, "No ") {
			t.Errorf("%v: exit %d, stdout %q, stderr %q", args, code, out, errOut)
		}
	}
}
