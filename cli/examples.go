package cli

import "github.com/spf13/cobra"

// examples are the commands' help examples, by command path, kept in one
// place so every command's help leads with one (TestEveryCommandHasAnExample).
// A command that sets its own Example keeps it.
var examples = map[string]string{
	"onboard": "  onboard  # the wizard, for a customer\n" +
		"  onboard --agent sam  # the wizard for a support agent (--agent means --mode agent)\n" +
		"  onboard orders list --status awaiting_payment",
	"onboard sandbox":               "  onboard sandbox --addr 127.0.0.1:8099",
	"onboard demo":                  "  onboard demo reset",
	"onboard demo reset":            "  onboard demo reset",
	"onboard config":                "  onboard config\n  onboard config --json | jq -r '.[] | select(.key == \"db\") | .value'",
	"onboard orders":                "  onboard orders list --status awaiting_payment,failed\n  onboard orders show ORD-000001",
	"onboard orders show":           "  onboard orders show ORD-000001\n  onboard orders show ORD-000001 --json",
	"onboard orders pay":            "  onboard orders pay ORD-000001\n  onboard orders pay ORD-000001 --no-browser",
	"onboard orders approve":        "  onboard orders approve ORD-000001",
	"onboard orders cancel":         "  onboard orders cancel ORD-000001 --reason \"customer asked by phone\"",
	"onboard orders retry":          "  onboard orders retry ORD-000001",
	"onboard customers":             "  onboard customers list\n  onboard customers show fabrikam.onmicrosoft.com",
	"onboard customers list":        "  onboard customers list --since 7d\n  onboard customers list --json",
	"onboard customers show":        "  onboard customers show fabrikam.onmicrosoft.com\n  onboard customers show \"Fabrikam\"\n  onboard customers show ORD-000001",
	"onboard doctor":                "  onboard doctor\n  onboard doctor --json",
	"onboard kiosk":                 "  onboard kiosk set-pin\n  onboard kiosk",
	"onboard kiosk set-pin":         "  onboard kiosk set-pin",
	"onboard partner":               "  onboard partner login",
	"onboard partner login":         "  onboard partner login",
	"onboard catalog":               "  onboard catalog sync --country US --out catalog.json",
	"onboard catalog sync":          "  onboard catalog sync --country US --out catalog.json",
	"onboard man":                   "  onboard man > ~/.local/share/man/man1/onboard.1",
	"onboard completion":            "  onboard completion bash > ~/.local/share/bash-completion/completions/onboard",
	"onboard completion bash":       "  onboard completion bash > ~/.local/share/bash-completion/completions/onboard",
	"onboard completion zsh":        "  onboard completion zsh > \"${fpath[1]}/_onboard\"",
	"onboard completion fish":       "  onboard completion fish > ~/.config/fish/completions/onboard.fish",
	"onboard completion powershell": "  onboard completion powershell | Out-String | Invoke-Expression",
	"onboard help":                  "  onboard help orders list",
	"onboard worker":                "  onboard worker --db postgres://onboard@db.internal/onboard",
}

// addExamples sets the examples on cmd and its subcommands.
func addExamples(cmd *cobra.Command) {
	if cmd.Example == "" {
		cmd.Example = examples[cmd.CommandPath()]
	}
	for _, c := range cmd.Commands() {
		addExamples(c)
	}
}
