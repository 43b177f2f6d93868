// Package cli is onboard's command line: flags, configuration and the wiring
// of Microsoft, payments, storage and the terminal UI. It holds no business
// rules; those live in package flow.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"runtime/debug"
	"strings"

	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/fang"
	"github.com/spf13/cobra"

	"onboard/config"
	"onboard/internal/safetext"
)

// globals are the flags every command shares.
type globals struct {
	configFile string
	flags      map[string]*string // config key → flag value, only those the user set count
	flagOf     map[string]string  // config key → its flag's name, where not flagName(key)
	served     *served            // set for commands run over SSH by `onboard serve`
	forced     map[string]string  // config key → value a command implies (`onboard kiosk`: kiosk = true)
	version    string
	logCloser  io.Closer
	// afterTUI is the error a full-screen wizard ended with, kept from
	// fang: on an error fang asks the terminal its background colour, and
	// that question raced the finished program's input reader for the
	// answer and hung the exit (Ctrl+C, 1 run in 30).
	afterTUI error
}

// tui runs a full-screen command and keeps its error for Run to report.
func (g *globals) tui(err error) error {
	g.afterTUI = err
	return nil
}

// Main runs the command line and returns the exit code.
func Main(ctx context.Context, version string, args []string) int {
	return Run(ctx, version, args, os.Stdout, os.Stderr)
}

// Run runs the command line with the given output streams: results and
// machine-readable output on stdout, messages on stderr.
func Run(ctx context.Context, version string, args []string, stdout, stderr io.Writer) int {
	g := &globals{flags: map[string]*string{}, version: version}
	root := newRoot(g)
	root.SetArgs(args)
	root.SetOut(stdout)
	root.SetErr(stderr)
	err := fang.Execute(ctx, root, fang.WithVersion(buildVersion(version, debug.ReadBuildInfo)), fang.WithoutManpage(),
		fang.WithErrorHandler(reportError))
	if err == nil && g.afterTUI != nil {
		err = g.afterTUI
		reportError(stderr, errorStyles(), err)
	}
	if g.logCloser != nil {
		if err != nil {
			slog.Error("exit", "error", err.Error(), "code", ExitCode(err))
		}
		g.logCloser.Close()
	}
	return ExitCode(err)
}

func newRoot(g *globals) *cobra.Command {
	root := &cobra.Command{
		Use:   "onboard",
		Short: "Register a customer's existing Microsoft 365 account with your CSP practice",
		Long: "onboard is a terminal wizard: the customer picks licenses, proves they are a Global\n" +
			"administrator, accepts your partner invitation in a browser and pays; the order is then\n" +
			"processed: the tenant is linked, trials converted or subscriptions bought, users and domains imported.\n\n" +
			"With no configuration it runs on a built-in sandbox Microsoft and sandbox payments.",
		SilenceUsage:  true,
		SilenceErrors: true,
		Args:          noSubcommandArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return g.tui(runWizard(cmd, g))
		},
	}
	pf := root.PersistentFlags()
	pf.StringVar(&g.configFile, "config", "", "config file (default "+config.DefaultFile()+")")
	g.bind(pf.StringP, "db", "", "the database: a SQLite file (default: XDG data directory) or a postgres:// URL")
	g.bind(pf.StringP, "agent", "", "agent name for the audit trail (default: OS user); on the wizard it means --mode agent")
	g.bind(pf.StringP, "order_flow", "", "order flow: pay-first, process-immediately or manual-approval")
	g.bind(pf.StringP, "microsoft", "", "Microsoft backend: sandbox or partner-center")
	g.bind(pf.StringP, "sandbox_addr", "", "address of the in-process sandbox (default 127.0.0.1:0)")
	g.bind(pf.StringP, "gdap_group", "", "the partner's security group given the roles of the GDAP admin relationship (off: not requested; empty: not requested with Microsoft, the seeded group with the sandbox)")
	// The wizard's own flags are the root's alone: they mean nothing to
	// `orders list` or `completion bash`, whose help should not offer them.
	lf := root.Flags()
	g.bind(lf.StringP, "mode", "", "who runs the wizard: customer or agent")
	g.bind(lf.StringP, "kiosk", "", "kiosk mode: full screen, leave only with the admin PIN (see `onboard kiosk`)")
	g.bind(lf.StringP, "accessible", "", "plain line prompts for screen readers (also ACCESSIBLE=1, TERM=dumb)")
	lf.Lookup("kiosk").NoOptDefVal = "true"
	lf.Lookup("accessible").NoOptDefVal = "true"
	root.SetFlagErrorFunc(flagError)
	root.AddCommand(newSandboxCmd(g), newDemoCmd(g), newConfigCmd(g), newOrdersCmd(g), newCustomersCmd(g), newDoctorCmd(g), newKioskCmd(g), newPartnerCmd(g))
	root.AddCommand(newCatalogCmd(g), newManCmd(), newWorkerCmd(g))
	root.AddCommand(newServeCmd(g))
	root.InitDefaultHelpCmd()
	root.InitDefaultCompletionCmd() // now rather than on Execute, so strictGroups covers `completion bsh`
	strictGroups(root)
	addExamples(root)
	return root
}

// reportError prints an error as fang does, but nothing for Ctrl+C (the
// person pressed it, and the exit code (130) says it), and the message as
// written: fang capitalises its first word, which turns a flag such as
// --since into "--Since" and the command name into "Onboard".
// errorStyles are fang's error styles in the terminal's own ANSI colours,
// made without asking the terminal anything (see globals.afterTUI).
func errorStyles() fang.Styles {
	cs := fang.AnsiColorScheme(lipgloss.LightDark(true))
	return fang.Styles{
		ErrorText: lipgloss.NewStyle().MarginLeft(2),
		ErrorHeader: lipgloss.NewStyle().Foreground(cs.ErrorHeader[0]).Background(cs.ErrorHeader[1]).
			Bold(true).Padding(0, 1).Margin(1).MarginLeft(2).SetString("ERROR"),
	}
}

func reportError(w io.Writer, styles fang.Styles, err error) {
	if errors.Is(err, tea.ErrInterrupted) {
		return
	}
	// Arguments are echoed in messages: never their control characters
	// (a U+202E reorders the line, a U+009B starts a terminal command).
	msg := safetext.Lines(strings.TrimRight(err.Error(), "\n"))
	if msg == "" {
		msg = "failed"
	}
	if r := msg[len(msg)-1]; r != '.' && r != '?' && r != '!' && !strings.Contains(msg, "\n") {
		msg += "."
	}
	text := styles.ErrorText.UnsetTransform()
	fmt.Fprintln(w, styles.ErrorHeader.String())
	fmt.Fprintln(w, text.Render(msg))
	fmt.Fprintln(w)
	var ue usageError
	if errors.As(err, &ue) {
		fmt.Fprintln(w, text.Render("Try --help for usage."))
		fmt.Fprintln(w)
	}
}

type stringFlagFunc func(name, short, value, usage string) *string

// bind declares a flag for a config key; only flags the user sets override.
func (g *globals) bind(def stringFlagFunc, key, short, usage string) {
	name := flagName(key)
	g.flags[key] = def(name, short, "", usage)
}

func flagName(key string) string {
	b := []byte(key)
	for i := range b {
		if b[i] == '_' {
			b[i] = '-'
		}
	}
	return string(b)
}

// config resolves the configuration with the flags the user set.
func (g *globals) config(cmd *cobra.Command) (*config.Config, error) {
	if g.served != nil { // over SSH the server's configuration holds, not the caller's flags
		return g.served.cfg, nil
	}
	set := map[string]string{}
	for key, v := range g.flags {
		name := flagName(key)
		if n, ok := g.flagOf[key]; ok {
			name = n
		}
		if f := cmd.Flags().Lookup(name); f != nil && f.Changed {
			set[key] = *v
		}
	}
	for key, v := range g.forced {
		set[key] = v
	}
	cfg, err := config.Load(g.configFile, os.Getenv, set)
	if err != nil {
		return nil, configFlagError(err)
	}
	if g.logCloser == nil {
		lc, err := openLog(cfg)
		if err != nil {
			return nil, err
		}
		g.logCloser = lc
		slog.Info("start", "command", cmd.CommandPath(), "version", g.version)
	}
	return cfg, nil
}
