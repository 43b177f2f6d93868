package cli

import (
	"errors"

	tea "charm.land/bubbletea/v2"

	"onboard/flow"
)

// Exit codes, documented in the README.
const (
	ExitOK          = 0
	ExitError       = 1
	ExitUsage       = 2
	ExitNotFound    = 3
	ExitConflict    = 4 // the order is not in a state that allows this
	ExitInterrupted = 130
)

// usageError marks bad flags or arguments.
type usageError struct{ error }

func (e usageError) Unwrap() error { return e.error }

// ExitCode maps an error to the process's exit code.
func ExitCode(err error) int {
	var ue usageError
	switch {
	case err == nil:
		return ExitOK
	case errors.Is(err, tea.ErrInterrupted):
		return ExitInterrupted
	case errors.As(err, &ue):
		return ExitUsage
	case errors.Is(err, flow.ErrNotFound):
		return ExitNotFound
	case errors.Is(err, flow.ErrIllegalTransition), errors.Is(err, flow.ErrConflict), errors.Is(err, flow.ErrAlreadyPaid),
		errors.Is(err, flow.ErrLeaseHeld), errors.Is(err, flow.ErrBoughtSomething),
		errors.Is(err, flow.ErrOpenOrder), errors.Is(err, flow.ErrTenantTaken):
		return ExitConflict
	default:
		return ExitError
	}
}
