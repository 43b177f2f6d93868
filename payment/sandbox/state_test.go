package sandbox

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"onboard/payment"
)

func TestStatePersistedAndRestored(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state", "payments.json")
	f := newFixture(t, path)
	paid := f.create("paid-key")
	declined := f.create("declined-key")
	if _, err := f.srv.Pay(paid.ID, "4242 4242 4242 4242"); err != nil {
		t.Fatal(err)
	}
	if _, err := f.srv.Pay(declined.ID, "4000 0000 0000 9995"); err != nil {
		t.Fatal(err)
	}
	before := f.status(paid.ID)

	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if mode := info.Mode().Perm(); mode != 0o600 {
		t.Errorf("state file mode %o, want 600", mode)
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, pan := range []string{"4242424242424242", "4242 4242 4242 4242", "4000000000009995"} {
		if strings.Contains(string(raw), pan) {
			t.Errorf("state file holds the full card number %s", pan)
		}
	}
	if leftovers, _ := filepath.Glob(path + ".tmp-*"); len(leftovers) != 0 {
		t.Errorf("temp files left behind: %v", leftovers)
	}

	// A restarted demo: a new server on the same file.
	g := newFixture(t, path)
	after := g.status(paid.ID)
	if after.State != payment.StatePaid || after.PaymentID != before.PaymentID {
		t.Errorf("restored %+v, want %+v", after, before)
	}
	if st := g.status(declined.ID); st.State != payment.StateDeclined || st.Reason != reasonInsufficient {
		t.Errorf("restored declined = %+v", st)
	}
	if again := g.create("paid-key"); again.ID != paid.ID {
		t.Error("idempotency keys were not restored")
	}
	if _, err := g.srv.Pay(paid.ID, "4242424242424242"); err == nil {
		t.Error("a restored paid checkout was charged again")
	}
}

func TestCorruptStateMovedAside(t *testing.T) {
	path := filepath.Join(t.TempDir(), "payments.json")
	if err := os.WriteFile(path, []byte("{not json"), 0o600); err != nil {
		t.Fatal(err)
	}
	f := newFixture(t, path)
	f.create("k") // the sandbox works, and saves a fresh file
	kept, err := os.ReadFile(path + ".corrupt")
	if err != nil || string(kept) != "{not json" {
		t.Errorf("corrupt state not kept aside: %q, %v", kept, err)
	}
	if _, err := loadState(path); err != nil {
		t.Errorf("new state unreadable: %v", err)
	}
}

func TestStateSaveFailureRollsBack(t *testing.T) {
	// The state directory is a regular file, so every save fails.
	blocker := filepath.Join(t.TempDir(), "not-a-dir")
	if err := os.WriteFile(blocker, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(blocker, "payments.json")
	srv := NewServer(Options{StatePath: path, Now: newTestClock().Now})
	if _, err := srv.create(sampleRequest(), "k", "h"); err == nil {
		t.Fatal("create succeeded although the state could not be saved")
	}
	srv.mu.Lock()
	n, k := len(srv.checkouts), len(srv.byKey)
	srv.mu.Unlock()
	if n != 0 || k != 0 {
		t.Error("an unsaved checkout was kept")
	}
	if err := srv.Reset(); err == nil {
		t.Error("Reset succeeded although the state could not be saved")
	}
}
