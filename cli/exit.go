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

// unchangedError marks a command that found nothing to change: approving
// an approved order, cancelling a cancelled one. It exits 4, like a
// transition the order's state does not allow.
type unchangedError struct{ error }

func (e unchangedError) Unwrap() error { return e.error }

// ExitCode maps an error to the process's exit code.
func ExitCode(err error) int {
	var ue usageError
	var un unchangedError
	switch {
	case err == nil:
		return ExitOK
	case errors.Is(err, tea.ErrInterrupted):
		return ExitInterrupted
	case errors.As(err, &ue):
		return ExitUsage
	case errors.As(err, &un):
		return ExitConflict
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
