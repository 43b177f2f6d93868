package cli

import (
	"context"
	"errors"
	"fmt"

	"onboard/ui"
	"onboard/ui/plain"
)

// runAccessible asks the wizard's questions as plain line prompts.
func runAccessible(ctx context.Context, opts ui.Options) error {
	b, ok := opts.Backend.(plain.Backend)
	if !ok {
		return errors.New("accessible mode: the backend cannot run a sign-up")
	}
	popts := plain.Options{Backend: b, Catalog: opts.Catalog, Provider: opts.Provider,
		In: opts.Input, Out: opts.Output, OpenURL: openURL, Poll: opts.PollInterval}
	if err := plain.Run(ctx, popts); err != nil {
		return fmt.Errorf("accessible sign-up: %w", err)
	}
	return nil
}
