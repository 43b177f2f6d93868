package cli

import (
	"strings"
	"testing"
)

// Bad commands, flags and flag values: a plain message on stderr, nothing on
// stdout, exit 2, and for a mistyped command the closest one.
func TestUsageErrors(t *testing.T) {
	db := isolate(t)
	cases := []struct {
		args []string
		want []string // in stderr
	}{
		{[]string{"orders", "pya", "ORD-000001"}, []string{`unknown command "pya" for "onboard orders"`, "Did you mean this?", "pay"}},
		{[]string{"orders", "lst"}, []string{`unknown command "lst" for "onboard orders"`, "list"}},
		{[]string{"ordrs", "list"}, []string{`unknown command "ordrs" for "onboard"`, "orders"}},
		{[]string{"nosuch"}, []string{`unknown command "nosuch" for "onboard"`}},
		{[]string{"customers", "shw", "x"}, []string{`unknown command "shw" for "onboard customers"`, "show"}},
		{[]string{"completion", "bsh"}, []string{`unknown command "bsh" for "onboard completion"`, "bash"}},
		{[]string{"doctor", "now"}, []string{`unknown command "now" for "onboard doctor"`}},
		{[]string{"kiosk", "set-pn"}, []string{`unknown command "set-pn" for "onboard kiosk"`, "set-pin"}},
		{[]string{"orders", "list", "--nosuch"}, []string{"unknown flag: --nosuch"}},
		{[]string{"orders", "list", "--limt", "3"}, []string{"unknown flag: --limt", "Did you mean this?", "--limit"}},
		{[]string{"orders", "list", "--jsn"}, []string{"unknown flag: --jsn", "--json"}},
		{[]string{"orders", "cancel", "ORD-000001", "--reson", "x"}, []string{"unknown flag: --reson", "--reason"}},
		{[]string{"orders", "list", "--limit", "abc"}, []string{`--limit "abc": not a whole number`}},
		{[]string{"orders", "list", "--json=maybe"}, []string{`--json "maybe": use true or false`}},
		{[]string{"orders", "list", "--since", "yesterday"}, []string{`--since "yesterday": use a duration`}},
		{[]string{"--mode", "robot"}, []string{`--mode "robot": use one of customer, agent`}},
		{[]string{"orders", "list", "--order-flow", "sometimes"}, []string{`--order-flow "sometimes": use one of pay-first`}},
		{[]string{"orders", "show"}, []string{"onboard orders show needs the order number"}},
	}
	for _, c := range cases {
		t.Run(strings.Join(c.args, " "), func(t *testing.T) {
			out, errOut, code := run(t, append(c.args, "--db", db)...)
			if code != ExitUsage {
				t.Errorf("exit %d, want %d", code, ExitUsage)
			}
			if out != "" {
				t.Errorf("stdout should be empty:\n%s", out)
			}
			for _, w := range c.want {
				if !strings.Contains(errOut, w) {
					t.Errorf("stderr lacks %q:\n%s", w, errOut)
				}
			}
			for _, bad := range []string{"strconv.", "--Since", "--Limit", "Onboard", "Unknown", "(from flag)"} {
				if strings.Contains(errOut, bad) {
					t.Errorf("stderr has %q:\n%s", bad, errOut)
				}
			}
		})
	}
}

// A command that only groups others shows its help, on stdout, exit 0.
func TestGroupCommandHelp(t *testing.T) {
	isolate(t)
	out, errOut, code := run(t, "orders")
	if code != ExitOK || errOut != "" || !strings.Contains(out, "approve") {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, out, errOut)
	}
}
