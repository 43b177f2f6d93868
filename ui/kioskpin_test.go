package ui

import (
	"path/filepath"
	"testing"
	"time"

	"onboard/internal/kioskpin"
)

// The wrong-PIN count is the lock-out file's: a restarted kiosk is still
// locked, and the next wrong PIN locks it twice as long.
func TestKioskPINLockSurvivesRestartAndEscalates(t *testing.T) {
	path := filepath.Join(t.TempDir(), "lockout.json")
	open := func(h *kioskHarness, o *KioskOptions) {
		l, err := kioskpin.OpenLockout(path, h.clock)
		if err != nil {
			t.Fatal(err)
		}
		o.Lockout = l
	}
	h := newKioskHarness(t, open)
	h.key("ctrl+c")
	for range pinLockAfter {
		h.typeText("0000")
		h.key("enter")
	}
	h.requireView("try again in 60 s")

	restarted := newKioskHarness(t, open)
	restarted.clock = h.clock
	restarted.key("ctrl+c")
	restarted.typeText("2468")
	restarted.key("enter")
	restarted.requireView("Too many wrong PINs")
	if restarted.quit {
		t.Fatal("a restart lifted the lock")
	}
	restarted.clock = restarted.clock.Add(pinLockFor)
	restarted.typeText("0000")
	restarted.key("enter")
	restarted.requireView("try again in 2 min")
	restarted.clock = restarted.clock.Add(2 * pinLockFor)
	restarted.typeText("2468")
	restarted.key("enter")
	if !restarted.quit {
		t.Fatal("the right PIN after the lock did not close the kiosk")
	}
}

// kiosk_idle of 30 s or less must leave time without the warning: the
// countdown takes at most the last third of it.
func TestKioskShortIdleWarnsOnlyAtTheEnd(t *testing.T) {
	for _, idle := range []time.Duration{10 * time.Second, 30 * time.Second, 45 * time.Second} {
		k := NewKiosk(KioskOptions{Idle: idle})
		if k.opts.Warn > idle/3 || k.opts.Warn <= 0 {
			t.Errorf("idle %v: warning %v, want at most %v", idle, k.opts.Warn, idle/3)
		}
	}
	if k := NewKiosk(KioskOptions{}); k.opts.Warn != DefaultKioskWarn {
		t.Errorf("default warning %v, want %v", k.opts.Warn, DefaultKioskWarn)
	}
}
