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
	// Locale is the language the wizard starts in (an i18n tag: the
	// provider's locale, a kiosk's kiosk_locale, an agent's LANG); "" is
	// English. A customer switches on the first screen (ctrl+l).
	Locale string
	// Country is chosen first on the details (the provider's country
	// setting: most customers are there); "" leaves the list at its top.
	Country string

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

	// Remote, when set, is a terminal other than the process's own (an SSH
	// session): the program draws on it, takes its sizes, and leaves the
	// process's signals alone.
	Remote *RemoteTerminal
}

// RemoteTerminal is a terminal the wizard is served to.
type RemoteTerminal struct {
	Width, Height int
	Environ       []string                 // the session's environment, TERM included
	Resize        <-chan tea.WindowSizeMsg // the window's new sizes; closed or ignored after the program ends
}

// programOptions are the options every wizard program gets: the context,
// the streams and, served remotely, the remote terminal's size.
func (o Options) programOptions(ctx context.Context) []tea.ProgramOption {
	// 120 fps halves the wait for the renderer's first tick, so the first
	// frame reaches a kiosk sooner; frames are diffs, so this costs little.
	popts := []tea.ProgramOption{tea.WithContext(ctx), tea.WithFPS(120)}
	if o.Input != nil {
		popts = append(popts, tea.WithInput(o.Input))
	}
	if o.Output != nil {
		popts = append(popts, tea.WithOutput(o.Output))
	}
	if r := o.Remote; r != nil {
		popts = append(popts, tea.WithEnvironment(r.Environ), tea.WithWindowSize(r.Width, r.Height), tea.WithoutSignalHandler())
	}
	return popts
}

// forwardResizes sends the remote terminal's new sizes to p until ctx ends.
func (o Options) forwardResizes(ctx context.Context, p *tea.Program) {
	if o.Remote == nil || o.Remote.Resize == nil {
		return
	}
	go func() {
		for {
			select {
			case <-ctx.Done():
				return
			case w, ok := <-o.Remote.Resize:
				if !ok {
					return
				}
				p.Send(w)
			}
		}
	}()
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
	p := tea.NewProgram(m, opts.programOptions(ctx)...)
	opts.forwardResizes(ctx, p)
	if _, err := p.Run(); err != nil {
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
