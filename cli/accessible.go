package cli

import (
	"cmp"
	"context"
	"fmt"

	"onboard/flow"
	"onboard/ui"
	"onboard/ui/plain"
)

// runAccessible asks the wizard's questions as plain line prompts, in the
// same mode (customer or agent) the full-screen wizard would run.
func runAccessible(ctx context.Context, opts ui.Options) error {
	popts := plain.Options{Backend: opts.Backend, Catalog: opts.Catalog, Provider: opts.Provider,
		Mode: opts.Mode, Agent: opts.Agent, Locale: opts.Locale,
		In: opts.Input, Out: opts.Output, OpenURL: openURL, Poll: opts.PollInterval, Now: opts.Now}
	if err := plain.Run(ctx, popts); err != nil {
		return fmt.Errorf("accessible %s sign-up: %w", cmp.Or(opts.Mode, flow.ModeCustomer), err)
	}
	return nil
}
