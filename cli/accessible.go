package cli

import (
	"cmp"
	"context"
	"errors"
	"fmt"

	"onboard/flow"
	"onboard/ui"
	"onboard/ui/plain"
)

// runAccessible asks the wizard's questions as plain line prompts, in the
// same mode (customer or agent) the full-screen wizard would run.
func runAccessible(ctx context.Context, opts ui.Options) error {
	b, ok := opts.Backend.(plain.Backend)
	if !ok {
		return errors.New("accessible mode: the backend cannot run a sign-up")
	}
	popts := plain.Options{Backend: b, Catalog: opts.Catalog, Provider: opts.Provider,
		Mode: opts.Mode, Agent: opts.Agent,
		In: opts.Input, Out: opts.Output, OpenURL: openURL, Poll: opts.PollInterval, Now: opts.Now}
	if err := plain.Run(ctx, popts); err != nil {
		return fmt.Errorf("accessible %s sign-up: %w", cmp.Or(opts.Mode, flow.ModeCustomer), err)
	}
	return nil
}
