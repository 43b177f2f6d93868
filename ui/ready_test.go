package ui

import (
	"context"
	"errors"
	"testing"

	tea "charm.land/bubbletea/v2"

	"onboard/flow"
)

var errNoDatabase = errors.New("open database: disk full")

// TestStartupFailureEndsTheWizard: when what the wizard runs on cannot
// start, the wizard ends with that error instead of failing step by step.
func TestStartupFailureEndsTheWizard(t *testing.T) {
	h := newHarness(t, func(_ *world, o *Options) {
		o.Ready = func(context.Context) error { return errNoDatabase }
	})
	if !errors.Is(h.m.startErr, errNoDatabase) {
		t.Fatalf("startErr = %v", h.m.startErr)
	}
	ok := newHarness(t, func(_ *world, o *Options) {
		o.Ready = func(context.Context) error { return nil }
	})
	if ok.m.startErr != nil {
		t.Fatalf("a good start ended the wizard: %v", ok.m.startErr)
	}
	ok.requireState(stateLicenses)
}

func TestKioskEndsWhenItCannotStart(t *testing.T) {
	k := NewKiosk(KioskOptions{Options: Options{Backend: newWorld(t, nil).svc, Catalog: flow.DefaultCatalog(),
		Ready: func(context.Context) error { return errNoDatabase }}})
	cmd := k.forward(readyMsg{err: errNoDatabase})
	if cmd == nil || !k.exiting {
		t.Fatal("the kiosk kept running without its backend")
	}
	if _, ok := cmd().(tea.QuitMsg); !ok {
		t.Fatal("the kiosk did not quit")
	}
}
