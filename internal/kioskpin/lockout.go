package kioskpin

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"sync"
	"time"

	"onboard/internal/atomicfile"
)

// The lock-out after wrong PINs: FreeTries in a row are allowed, the next
// locks the prompt for FirstLock, and every wrong PIN after that doubles
// the lock, up to MaxLock. A 4-digit PIN then takes years, not the 17
// hours five tries a minute allowed.
const (
	FreeTries = 5
	FirstLock = time.Minute
	MaxLock   = 24 * time.Hour
)

// LockFor is how long the prompt stays locked after the given number of
// wrong PINs in a row: 0 for the first FreeTries-1, then 1 min, 2 min,
// 4 min… at most MaxLock.
func LockFor(failures int) time.Duration {
	if failures < FreeTries {
		return 0
	}
	d := FirstLock
	for range failures - FreeTries {
		if d *= 2; d >= MaxLock {
			return MaxLock
		}
	}
	return d
}

// Lockout counts wrong PINs and keeps the count in a file, so restarting
// the kiosk (pulling the plug) neither resets the count nor lifts a lock.
// Its methods are safe for concurrent use. A Lockout with no path keeps
// the count in memory only.
type Lockout struct {
	mu    sync.Mutex
	path  string
	state lockState
}

type lockState struct {
	Failures int       `json:"failures"`
	Until    time.Time `json:"until,omitzero"`
}

// OpenLockout reads the lock-out kept at path (a missing file: none yet).
// An unreadable or corrupt file counts as FreeTries wrong PINs, locked
// from now: tampering with it must not lift a lock.
func OpenLockout(path string, now time.Time) (*Lockout, error) {
	l := &Lockout{path: path}
	if path == "" {
		return l, nil
	}
	b, err := os.ReadFile(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return l, nil
	case err != nil:
		l.state = lockState{Failures: FreeTries, Until: now.Add(LockFor(FreeTries))}
		return l, fmt.Errorf("read the PIN lock-out %s: %w", path, err)
	}
	if err := json.Unmarshal(b, &l.state); err != nil || l.state.Failures < 0 {
		l.state = lockState{Failures: FreeTries, Until: now.Add(LockFor(FreeTries))}
		return l, fmt.Errorf("read the PIN lock-out %s: not a lock-out record", path)
	}
	return l, nil
}

// Locked is how long the prompt stays locked from now (0: not locked).
func (l *Lockout) Locked(now time.Time) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	return max(l.state.Until.Sub(now), 0)
}

// Failures is the number of wrong PINs in a row.
func (l *Lockout) Failures() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.state.Failures
}

// Fail records a wrong PIN and returns the lock it earns (0: none). The
// record is kept even when it cannot be written; the error says so.
func (l *Lockout) Fail(now time.Time) (time.Duration, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.state.Failures++
	d := LockFor(l.state.Failures)
	if d > 0 {
		l.state.Until = now.Add(d)
	}
	return d, l.save()
}

// Succeed clears the count after the right PIN.
func (l *Lockout) Succeed() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.state = lockState{}
	return l.save()
}

func (l *Lockout) save() error {
	if l.path == "" {
		return nil
	}
	b, err := json.Marshal(l.state)
	if err != nil {
		return err
	}
	if err := atomicfile.Write(l.path, b); err != nil {
		return fmt.Errorf("keep the PIN lock-out in %s: %w", l.path, err)
	}
	return nil
}
