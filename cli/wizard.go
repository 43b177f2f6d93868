package cli

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/mattn/go-runewidth"
	"github.com/spf13/cobra"
	"golang.org/x/term"

	"onboard/config"
	"onboard/flow"
	"onboard/msapi/sandbox"
	"onboard/ui"
)

// runWizard opens the full-screen wizard on the configured environment.
func runWizard(cmd *cobra.Command, g *globals) error {
	// The first frame draws box and ellipsis characters, whose width table
	// takes ~13 ms to build: build it on the other core meanwhile.
	go runewidth.RuneWidth('─')
	if err := agentImpliesMode(cmd, g); err != nil {
		return err
	}
	cfg, err := g.config(cmd)
	if err != nil {
		return err
	}
	// Refused before the first screen, not after it (see refuseSandboxPayments).
	if err := refuseSandboxPayments(cfg); err != nil {
		return err
	}
	cat, err := loadCatalog(cfg.Get("catalog"))
	if err != nil {
		return err
	}
	if err := needTerminal(cfg); err != nil {
		return err
	}
	if err := knownCountry(cfg); err != nil {
		return err
	}
	warnInProcessExposure(cmd.ErrOrStderr(), cfg)
	// The first screen needs only the catalog: draw it while the database
	// opens and the sandbox starts.
	var e *env
	backend := connectInBackground(func() (*flow.Service, error) {
		var err error
		if e, err = openEnv(cmd.Context(), cfg, cat); err != nil {
			return nil, err
		}
		go resumeInterrupted(cmd.Context(), e.svc)
		return e.svc, nil
	})
	defer func() {
		if <-backend.ready; e != nil {
			e.close()
		}
	}()
	opts := ui.Options{
		Backend:  backend,
		Ready:    backend.wait,
		Catalog:  cat,
		Provider: cfg.Get("provider"),
		Terminal: terminalName(),
		NoColor:  os.Getenv("NO_COLOR") != "",
	}
	opts.Locale, opts.Country = cfg.Locale(), cfg.Get("country")
	if cfg.Get("mode") == string(flow.ModeAgent) {
		opts.Mode, opts.Agent = flow.ModeAgent, agentActor(cfg).Name
		opts.Locale = agentLocale(os.Getenv)
	}
	// With a real Microsoft the checkout is still the sandbox's (allowed
	// for a test partner): the badge says so.
	opts.SandboxPayments = cfg.Get("payment") == "sandbox"
	if cfg.Get("microsoft") == "sandbox" {
		opts.Sandbox = true
		for _, a := range sandbox.DemoAccounts() {
			opts.DemoAccounts = append(opts.DemoAccounts, ui.DemoAccount(a))
		}
	}
	return runFrontEnd(cmd.Context(), cfg, opts)
}

// agentImpliesMode: naming the agent on the wizard's command line is
// asking for the agent's wizard, so --agent sam means --mode agent; with
// --mode customer it contradicts itself and is refused. (An agent name in
// the config file alone does not switch modes: it names the actor of the
// orders commands too.)
func agentImpliesMode(cmd *cobra.Command, g *globals) error {
	agent, mode := cmd.Flags().Lookup("agent"), cmd.Flags().Lookup("mode")
	if agent == nil || !agent.Changed {
		return nil
	}
	if mode != nil && mode.Changed && mode.Value.String() != string(flow.ModeAgent) {
		return usageError{fmt.Errorf("--agent %q is for --mode agent, not --mode %q: drop one of them",
			agent.Value.String(), mode.Value.String())}
	}
	if g.forced == nil {
		g.forced = map[string]string{}
	}
	g.forced["mode"] = string(flow.ModeAgent)
	return nil
}

// errNoTerminal is the full-screen wizard's refusal without a terminal.
var errNoTerminal = errors.New("the wizard needs a terminal and none is attached: run `onboard --accessible` " +
	"for line prompts, or a command such as `onboard orders list` (see onboard --help)")

// needTerminal refuses to start the full-screen wizard or the kiosk
// without a terminal, saying what works instead, rather than Bubble Tea's
// "could not open TTY". The accessible prompts need none.
func needTerminal(cfg *config.Config) error {
	if accessibleWanted(cfg, os.Getenv) && !cfg.Bool("kiosk") {
		return nil
	}
	if !terminalAttached() {
		return usageError{errNoTerminal}
	}
	return nil
}

// terminalAttached reports whether the wizard can read keys: stdin is a
// terminal, or the process has a controlling one (where Bubble Tea reads
// keys when stdin is not a terminal). Tests replace it.
var terminalAttached = func() bool {
	if term.IsTerminal(int(os.Stdin.Fd())) {
		return true
	}
	tty, err := os.Open("/dev/tty")
	if err != nil {
		return false
	}
	tty.Close()
	return true
}

// terminalName identifies this terminal, so an unfinished draft is offered
// again on the same one: the controlling tty when there is one.
func terminalName() string {
	if p, err := os.Readlink("/proc/self/fd/0"); err == nil && filepath.IsAbs(p) {
		host, _ := os.Hostname()
		return host + ":" + p
	}
	host, _ := os.Hostname()
	return host
}

// openURL opens a URL in the user's browser as the wizard does.
func openURL(u string) error { return ui.SystemBrowser{}.Open(u) }

// resumeInterrupted finishes, in the background, the orders whose
// processing died with an earlier process (a crash, a kill, a power cut):
// their finished steps are not repeated. The system is the actor.
func resumeInterrupted(ctx context.Context, svc *flow.Service) {
	ctx = flow.WithActor(ctx, flow.Actor{Kind: flow.ActorSystem, Name: "resume"})
	orders, err := svc.ResumeInterrupted(ctx)
	for _, o := range orders {
		slog.Info("resumed interrupted order", "order", o.Number, "status", string(o.Status))
	}
	if err != nil && ctx.Err() == nil {
		slog.Warn("resuming interrupted orders", "error", err.Error())
	}
}

// knownCountry refuses a country setting flow has no country for (config
// checks only that it is two letters).
func knownCountry(cfg *config.Config) error {
	if c := cfg.Get("country"); c != "" {
		if _, ok := flow.CountryByCode(c); !ok {
			return fmt.Errorf("country = %q: not a country onboard knows; use an ISO 3166 code such as DE", c)
		}
	}
	return nil
}
