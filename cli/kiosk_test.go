package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"onboard/config"
	"onboard/internal/kioskpin"
)

func TestKioskSetPINWritesAHashKeepingTheFile(t *testing.T) {
	file := filepath.Join(t.TempDir(), "config.toml")
	if err := os.WriteFile(file, []byte("# shop 4\nprovider = \"Acme\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	var out, errOut bytes.Buffer
	g := &globals{flags: map[string]*string{}}
	cmd := newRoot(g)
	cmd.SetArgs([]string{"--config", file, "kiosk", "set-pin"})
	cmd.SetIn(strings.NewReader("24681357\n24681357\n"))
	cmd.SetOut(&out)
	cmd.SetErr(&errOut)
	if err := cmd.ExecuteContext(context.Background()); err != nil {
		t.Fatalf("set-pin: %v\n%s", err, errOut.String())
	}
	raw, _ := os.ReadFile(file)
	fi, _ := os.Stat(file)
	if fi.Mode().Perm() != 0o600 || !strings.HasPrefix(string(raw), "# shop 4\nprovider = \"Acme\"\n") || strings.Contains(string(raw), "24681357") {
		t.Fatalf("mode %v, file:\n%s", fi.Mode().Perm(), raw)
	}
	cfg, err := config.Load(file, func(string) string { return "" }, nil)
	if err != nil || !kioskpin.Verify(cfg.Get("kiosk_pin_hash"), "24681357") {
		t.Fatalf("stored hash does not verify: %v", err)
	}

	cmd = newRoot(&globals{flags: map[string]*string{}})
	cmd.SetArgs([]string{"--config", file, "kiosk", "set-pin"})
	cmd.SetIn(strings.NewReader("11112222\n11113333\n"))
	cmd.SetOut(&out)
	cmd.SetErr(&errOut)
	if err := cmd.ExecuteContext(context.Background()); err == nil {
		t.Fatal("differing PINs accepted")
	}
	if again, _ := os.ReadFile(file); !bytes.Equal(again, raw) {
		t.Fatal("a failed set-pin changed the file")
	}
}

func TestAccessibleWanted(t *testing.T) {
	empty := filepath.Join(t.TempDir(), "empty.toml")
	if err := os.WriteFile(empty, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(empty, func(string) string { return "" }, nil)
	if err != nil {
		t.Fatal(err)
	}
	for env, want := range map[string]bool{"TERM=dumb": true, "ACCESSIBLE=1": true, "ACCESSIBLE=0": false, "TERM=xterm": false} {
		k, v, _ := strings.Cut(env, "=")
		if got := accessibleWanted(cfg, func(s string) string { return map[string]string{k: v}[s] }); got != want {
			t.Errorf("%s: accessible %v", env, got)
		}
	}
}

func TestKioskDropsDraftsThroughTheLazyBackend(t *testing.T) {
	var b any = &lazyBackend{}
	if _, ok := b.(interface {
		DropDraft(ctx context.Context, code string) error
	}); !ok {
		t.Fatal("the wizard's backend cannot drop drafts: kiosk_drafts = drop would do nothing")
	}
}
