package server

import (
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	gossh "golang.org/x/crypto/ssh"
)

func newKey(t *testing.T) (gossh.PublicKey, string) {
	t.Helper()
	pub, _, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	pk, err := gossh.NewPublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	return pk, strings.TrimSpace(string(gossh.MarshalAuthorizedKey(pk)))
}

func writeKeys(t *testing.T, text string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "keys")
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestKeysMapKeysToRoles: each line gives its key a role and a name;
// comments, blank lines and the key's own comment are ignored; a key not in
// the file is unknown.
func TestKeysMapKeysToRoles(t *testing.T) {
	kiosk, kioskLine := newKey(t)
	agent, agentLine := newKey(t)
	stranger, _ := newKey(t)
	keys, err := LoadKeys(writeKeys(t, "# role name key\n\nkiosk shop-1 "+kioskLine+" kiosk@shop-1\n  agent  alice  "+agentLine+"\n"))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		key  gossh.PublicKey
		want Identity
		ok   bool
	}{
		{kiosk, Identity{Role: RoleKiosk, Name: "shop-1"}, true},
		{agent, Identity{Role: RoleAgent, Name: "alice"}, true},
		{stranger, Identity{}, false},
		{nil, Identity{}, false},
	} {
		if got, ok := keys.Lookup(tc.key); got != tc.want || ok != tc.ok {
			t.Errorf("Lookup = %+v %v, want %+v %v", got, ok, tc.want, tc.ok)
		}
	}
}

// TestKeysFileErrors: a bad line is refused with its line number; a missing
// file is no keys.
func TestKeysFileErrors(t *testing.T) {
	_, line := newKey(t)
	for _, tc := range []struct{ text, want string }{
		{"admin bob " + line + "\n", `line 1: role "admin"`},
		{"# ok\nkiosk " + line + "\n", "line 2: want: role name"},
		{"kiosk shop-1 ssh-ed25519 not-base64\n", "line 1: public key"},
	} {
		_, err := LoadKeys(writeKeys(t, tc.text))
		if !errors.Is(err, ErrKeysFile) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: %v, want ErrKeysFile with %q", tc.text, err, tc.want)
		}
	}
	keys, err := LoadKeys(filepath.Join(t.TempDir(), "none"))
	if err != nil {
		t.Fatal(err)
	}
	if pk, _ := newKey(t); pk != nil {
		if _, ok := keys.Lookup(pk); ok {
			t.Fatal("a key is known without a keys file")
		}
	}
}
