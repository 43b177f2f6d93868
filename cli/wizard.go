package cli

import (
	"os"
	"path/filepath"

	"github.com/pkg/browser"
	"github.com/spf13/cobra"

	"onboard/msapi/sandbox"
	"onboard/ui"
)

// runWizard opens the full-screen wizard on the configured environment.
func runWizard(cmd *cobra.Command, g *globals) error {
	cfg, err := g.config(cmd)
	if err != nil {
		return err
	}
	e, err := openEnv(cmd.Context(), cfg)
	if err != nil {
		return err
	}
	defer e.close()
	opts := ui.Options{
		Backend:  e.svc,
		Catalog:  e.svc.Catalog,
		Provider: cfg.Get("provider"),
		Terminal: terminalName(),
		NoColor:  os.Getenv("NO_COLOR") != "",
	}
	if cfg.Get("microsoft") == "sandbox" {
		opts.Sandbox = true
		for _, a := range sandbox.DemoAccounts() {
			opts.DemoAccounts = append(opts.DemoAccounts, ui.DemoAccount(a))
		}
	}
	return ui.Run(cmd.Context(), opts)
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

// openURL opens a URL in the user's browser without letting the browser's
// own output reach the terminal.
func openURL(u string) error {
	browser.Stdout, browser.Stderr = nil, nil
	return browser.OpenURL(u)
}
