package cli

import (
	"bufio"
	"context"
	"os"
	"regexp"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/spf13/cobra"
)

// The wizard's flags are the root's: not in `completion bash --help` or
// any other subcommand's help, and refused there.
func TestWizardFlagsOnlyOnTheRoot(t *testing.T) {
	isolate(t)
	root, _, _ := run(t, "--help")
	for _, f := range []string{"--kiosk", "--mode", "--accessible", "--db", "--agent"} {
		if !strings.Contains(root, f) {
			t.Errorf("onboard --help lacks %s", f)
		}
	}
	for _, args := range [][]string{{"completion", "bash", "--help"}, {"orders", "list", "--help"}, {"customers", "show", "--help"}} {
		out, _, _ := run(t, args...)
		for _, f := range []string{"--kiosk", "--mode", "--accessible"} {
			if regexp.MustCompile(`(?m)^\s+` + f + `\b`).MatchString(out) {
				t.Errorf("%v offers the wizard's %s:\n%s", args, f, out)
			}
		}
		if !strings.Contains(out, "--db") {
			t.Errorf("%v lacks the shared --db", args)
		}
	}
	if _, _, code := run(t, "orders", "list", "--kiosk"); code != ExitUsage {
		t.Errorf("orders list --kiosk: exit %d, want 2", code)
	}
}

// Every command's help leads with an example (after the usage line).
func TestEveryCommandHasAnExample(t *testing.T) {
	isolate(t)
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		if c.Hidden {
			return
		}
		if c.Example == "" {
			t.Errorf("%q has no example", c.CommandPath())
		}
		args := append(strings.Fields(c.CommandPath())[1:], "--help")
		out, _, code := run(t, args...)
		ex, flags := strings.Index(out, "EXAMPLES"), strings.Index(out, "FLAGS")
		if code != ExitOK || ex < 0 || (flags >= 0 && flags < ex) {
			t.Errorf("onboard %v: exit %d, examples at %d, flags at %d", args, code, ex, flags)
		}
		for _, s := range c.Commands() {
			walk(s)
		}
	}
	g := &globals{flags: map[string]*string{}}
	walk(newRoot(g))
}

func TestBuildVersion(t *testing.T) {
	info := func(version string, settings ...string) func() (*debug.BuildInfo, bool) {
		return func() (*debug.BuildInfo, bool) {
			bi := &debug.BuildInfo{Main: debug.Module{Path: "onboard", Version: version}}
			for i := 0; i+1 < len(settings); i += 2 {
				bi.Settings = append(bi.Settings, debug.BuildSetting{Key: settings[i], Value: settings[i+1]})
			}
			return bi, true
		}
	}
	for _, c := range []struct {
		linked string
		read   func() (*debug.BuildInfo, bool)
		want   string
	}{
		{"v1.4.0", info("(devel)"), "v1.4.0"},
		{"dev", info("v1.2.0"), "v1.2.0"}, // go install onboard@v1.2.0
		{"dev", info("(devel)", "vcs.revision", "4c23f45d8020b2da690e8030eca580e1d9381f87", "vcs.modified", "true"), "dev (4c23f45d8020, modified)"},
		{"dev", info("v0.0.0-20261126101336-4c23f45d8020+dirty", "vcs.revision", "4c23f45d8020b2da690e8030eca580e1d9381f87"),
			"v0.0.0-20261126101336-4c23f45d8020+dirty"},
		{"dev", func() (*debug.BuildInfo, bool) { return nil, false }, "dev"},
	} {
		if got := buildVersion(c.linked, c.read); got != c.want {
			t.Errorf("buildVersion(%q) = %q, want %q", c.linked, got, c.want)
		}
	}
}

func TestManPage(t *testing.T) {
	isolate(t)
	out, errOut, code := run(t, "man")
	if code != ExitOK || !strings.HasPrefix(out, ".TH ONBOARD 1") || !strings.Contains(out, "List, show, pay, approve, cancel and retry orders") {
		t.Fatalf("onboard man: exit %d %s\n%.300s", code, errOut, out)
	}
}

// Arguments are echoed in errors without their control characters: a
// U+202E would reorder the line, a U+009B start a terminal command.
func TestErrorsNeverEchoControlCharacters(t *testing.T) {
	db := isolate(t)
	for _, args := range [][]string{
		{"orders", "show", "ORD-\u202e1000\u009b2J\x1b]52;c;eA==\a"},
		{"orders", "l\u202est"},
		{"customers", "show", "Evil\u009b31m Corp"},
		{"orders", "list", "--status", "x\u202e"},
		{"orders", "list", "--sin\u009bce", "1d"},
	} {
		_, errOut, code := run(t, append(args, "--db", db)...)
		if code == ExitOK {
			t.Errorf("%q succeeded", args)
		}
		if strings.ContainsAny(errOut, "\u202e\u009b\x1b\a") {
			t.Errorf("%q: stderr echoes control characters: %q", args, errOut)
		}
	}
}

// --agent on the wizard asks for the agent's wizard; with --mode customer
// it contradicts itself.
func TestAgentFlagMeansAgentMode(t *testing.T) {
	isolate(t)
	_, errOut, code := run(t, "--agent", "Sam", "--mode", "customer")
	if code != ExitUsage || !strings.Contains(errOut, `--agent "Sam" is for --mode agent`) {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	g := &globals{flags: map[string]*string{}}
	root := newRoot(g)
	if err := root.ParseFlags([]string{"--agent", "Sam"}); err != nil {
		t.Fatal(err)
	}
	if err := agentImpliesMode(root, g); err != nil || g.forced["mode"] != "agent" {
		t.Fatalf("--agent Sam: mode %q (%v), want agent", g.forced["mode"], err)
	}
}

// Without a terminal the wizard says what works instead of Bubble Tea's
// "could not open TTY".
func TestWizardWithoutTerminal(t *testing.T) {
	isolate(t)
	old := terminalAttached
	terminalAttached = func() bool { return false }
	t.Cleanup(func() { terminalAttached = old })
	for _, args := range [][]string{nil, {"--agent", "Sam"}, {"--kiosk"}, {"kiosk"}} {
		_, errOut, code := run(t, args...)
		if code != ExitUsage || !strings.Contains(errOut, "onboard --accessible") || strings.Contains(errOut, "bubbletea") {
			t.Errorf("onboard %v without a terminal: exit %d: %s", args, code, errOut)
		}
	}
}

// --sandbox-addr off loopback prints the warning `onboard sandbox` prints.
func TestSandboxAddrExposureWarning(t *testing.T) {
	db := isolate(t)
	seedOrders(t, db)
	for addr, warn := range map[string]bool{"0.0.0.0:0": true, "127.0.0.1:0": false} {
		_, errOut, _ := run(t, "orders", "approve", "ORD-000001", "--sandbox-addr", addr, "--db", db)
		if got := strings.Contains(errOut, "reachable from other machines") && strings.Contains(errOut, "--sandbox-addr 127.0.0.1:0"); got != warn {
			t.Errorf("--sandbox-addr %s: warned %v, want %v:\n%s", addr, got, warn, errOut)
		}
	}
}

// Every exit code in the README's table is what the program does.
func TestExitCodesAsTheREADMESays(t *testing.T) {
	db := isolate(t)
	seedOrders(t, db)
	f, err := os.Open("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	examples := map[int][][]string{
		ExitOK:       {{"orders", "list"}, {"customers", "show", "fabrikam.onmicrosoft.com"}},
		ExitError:    {{"orders", "list", "--db", "/proc/no/such/dir/onboard.db"}},
		ExitUsage:    {{"orders", "lst"}, {"orders", "list", "--limit", "abc"}, {"orders", "show"}, {"--mode", "robot"}},
		ExitNotFound: {{"orders", "show", "ORD-999999"}, {"customers", "show", "nobody.example"}},
		ExitConflict: {{"orders", "cancel", "ORD-000001"}, {"orders", "approve", "ORD-000001"}},
	}
	row := regexp.MustCompile(`^\| (\d+) \|`)
	seen := map[int]bool{}
	in := false
	for s := bufio.NewScanner(f); s.Scan(); {
		line := s.Text()
		if strings.HasPrefix(line, "## ") {
			in = line == "## Exit codes"
		}
		m := row.FindStringSubmatch(line)
		if !in || m == nil {
			continue
		}
		code, _ := strconv.Atoi(m[1])
		seen[code] = true
		if code == ExitInterrupted {
			if ExitCode(tea.ErrInterrupted) != code || ExitCode(context.Canceled) == code {
				t.Errorf("Ctrl+C does not exit %d", code)
			}
			continue
		}
		if len(examples[code]) == 0 {
			t.Errorf("the README's exit code %d is not tested", code)
		}
		for _, args := range examples[code] {
			if !slices.Contains(args, "--db") {
				args = append(args, "--db", db)
			}
			if _, errOut, got := run(t, args...); got != code {
				t.Errorf("onboard %v: exit %d, the README says %d (%s)", args, got, code, errOut)
			}
		}
	}
	for code := range examples {
		if !seen[code] {
			t.Errorf("exit code %d is missing from the README's table", code)
		}
	}
}

// fang writes the first word of a flag's description in title case, so a
// description must not begin with an acronym: "GDAP" would read "Gdap".
func TestFlagDescriptionsDoNotStartWithAnAcronym(t *testing.T) {
	for _, args := range [][]string{{"--help"}, {"serve", "--help"}} {
		out, _, _ := run(t, args...)
		if !strings.Contains(out, "--gdap-group") && args[0] == "--help" {
			t.Fatalf("onboard %v shows no --gdap-group:\n%s", args, out)
		}
		for _, w := range []string{"Gdap", "Http ", "Ssh "} {
			if strings.Contains(out, w) {
				t.Errorf("onboard %v says %q:\n%s", args, w, out)
			}
		}
	}
}
