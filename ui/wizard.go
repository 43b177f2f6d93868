// Package ui is the terminal wizard customers use at kiosks and sales staff
// in demos: one Bubble Tea program, one root model with an explicit state,
// one screen per step.
package ui

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	tea "charm.land/bubbletea/v2"

	"onboard/flow"
)

// Options configure the wizard.
type Options struct {
	Backend      Backend
	Catalog      flow.Catalog // the provider's offers (flow.Service.Catalog)
	Provider     string       // shown in the header; defaults to Catalog.Provider
	Sandbox      bool         // shows the SANDBOX badge and allows the demo panel
	DemoAccounts []DemoAccount
	Browser      Browser // default: the system browser, its output silenced
	Terminal     string  // this terminal's name, the key of its drafts
	Input        io.Reader
	Output       io.Writer
	NoColor      bool // plain styles; NO_COLOR in the environment does the same
	// Mode is who drives the wizard: a customer (default) or a support
	// agent registering a customer on their behalf.
	Mode  flow.Mode
	Agent string // the agent's name, shown in agent mode's header badge

	// PollInterval is how often consent and payment are checked (default 2s).
	PollInterval time.Duration
	// Ready, when set, reports whether what the wizard runs on started (the
	// backend connects behind the first screen); its error ends the wizard
	// and Run returns it.
	Ready func(ctx context.Context) error
	// Now is the clock for elapsed times (default time.Now).
	Now func() time.Time

	// SandboxPayments, with a real Microsoft (Sandbox false), shows the
	// SANDBOX PAYMENTS badge: the checkout takes test cards only.
	SandboxPayments bool
}

// ErrNoBackend is returned by Run when Options.Backend is nil.
var ErrNoBackend = errors.New("ui: no backend")

// Run shows the wizard until the customer finishes or quits. Ctrl+C returns
// tea.ErrInterrupted (exit code 130 by convention).
func Run(ctx context.Context, opts Options) error {
	if opts.Backend == nil {
		return ErrNoBackend
	}
	m := New(opts)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	m.c.ctx = ctx
	// 120 fps halves the wait for the renderer's first tick, so the first
	// frame reaches a kiosk sooner; frames are diffs, so this costs little.
	popts := []tea.ProgramOption{tea.WithContext(ctx), tea.WithFPS(120)}
	if opts.Input != nil {
		popts = append(popts, tea.WithInput(opts.Input))
	}
	if opts.Output != nil {
		popts = append(popts, tea.WithOutput(opts.Output))
	}
	if _, err := tea.NewProgram(m, popts...).Run(); err != nil {
		if errors.Is(err, tea.ErrInterrupted) {
			return err
		}
		return fmt.Errorf("run wizard: %w", err)
	}
	if m.startErr != nil {
		return fmt.Errorf("start: %w", m.startErr)
	}
	return nil
}
