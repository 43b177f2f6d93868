package kioskpin

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestLockForEscalates(t *testing.T) {
	want := []time.Duration{0, 0, 0, 0, time.Minute, 2 * time.Minute, 4 * time.Minute, 8 * time.Minute}
	for i, w := range want {
		if got := LockFor(i + 1); got != w {
			t.Errorf("LockFor(%d) = %v, want %v", i+1, got, w)
		}
	}
	if got := LockFor(100); got != MaxLock {
		t.Errorf("LockFor(100) = %v, want the cap %v", got, MaxLock)
	}
}

// A 4-digit PIN (10,000 candidates) takes far longer than a year to guess.
func TestLockoutMakesGuessingAPINSlow(t *testing.T) {
	var total time.Duration
	for n := 1; n <= 10_000; n++ {
		total += LockFor(n)
	}
	if total < 365*24*time.Hour {
		t.Fatalf("10,000 guesses cost only %v of locks", total)
	}
}

func TestLockoutSurvivesARestart(t *testing.T) {
	path := filepath.Join(t.TempDir(), "lockout.json")
	now := time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)
	l, err := OpenLockout(path, now)
	if err != nil {
		t.Fatal(err)
	}
	for range FreeTries - 1 {
		if d, err := l.Fail(now); d != 0 || err != nil {
			t.Fatalf("an early wrong PIN locked for %v (%v)", d, err)
		}
	}
	if d, err := l.Fail(now); d != FirstLock || err != nil {
		t.Fatalf("wrong PIN %d locked for %v (%v), want %v", FreeTries, d, err, FirstLock)
	}
	again, err := OpenLockout(path, now) // the kiosk restarted
	if err != nil {
		t.Fatal(err)
	}
	if got := again.Locked(now.Add(10 * time.Second)); got != 50*time.Second {
		t.Fatalf("after a restart the lock has %v left, want 50s", got)
	}
	if d, _ := again.Fail(now.Add(time.Minute)); d != 2*FirstLock {
		t.Fatalf("the next wrong PIN after a restart locks for %v, want %v", d, 2*FirstLock)
	}
	if err := again.Succeed(); err != nil {
		t.Fatal(err)
	}
	cleared, _ := OpenLockout(path, now)
	if cleared.Failures() != 0 || cleared.Locked(now) != 0 {
		t.Fatalf("the right PIN did not clear the count: %d failures", cleared.Failures())
	}
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("lock-out file mode: %v %v", fi, err)
	}
}

// Emptying or corrupting the file must not lift a lock.
func TestLockoutCorruptFileLocks(t *testing.T) {
	path := filepath.Join(t.TempDir(), "lockout.json")
	if err := os.WriteFile(path, []byte("{not json"), 0o600); err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	l, err := OpenLockout(path, now)
	if err == nil {
		t.Fatal("a corrupt lock-out file read without an error")
	}
	if l.Locked(now) != FirstLock {
		t.Fatalf("a corrupt lock-out file left the prompt open (%v)", l.Locked(now))
	}
}
