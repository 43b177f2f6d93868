package cli

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/mattn/go-runewidth"
	"github.com/spf13/cobra"

	"onboard/flow"
	"onboard/msapi/sandbox"
	"onboard/ui"
)

// runWizard opens the full-screen wizard on the configured environment.
func runWizard(cmd *cobra.Command, g *globals) error {
	// The first frame draws box and ellipsis characters, whose width table
	// takes ~13 ms to build: build it on the other core meanwhile.
	go runewidth.RuneWidth('─')
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
	if cfg.Get("mode") == string(flow.ModeAgent) {
		opts.Mode, opts.Agent = flow.ModeAgent, agentActor(cfg).Name
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
