package server

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"os"
	"strings"

	gossh "golang.org/x/crypto/ssh"
)

// Role is what a key may do on the server.
type Role string

const (
	// RoleKiosk runs the kiosk wizard only; it cannot reach the commands.
	RoleKiosk Role = "kiosk"
	// RoleAgent runs the agent wizard and the commands.
	RoleAgent Role = "agent"
	// RoleAnonymous is a key the provider does not know, let in for
	// customer self-service when serve_allow_anonymous is set.
	RoleAnonymous Role = "anonymous"
)

// Identity is who a session is: a role and the name the audit trail uses.
type Identity struct {
	Role Role
	Name string
}

// ErrKeysFile: a line of the keys file does not parse.
var ErrKeysFile = errors.New("keys file")

// Keys maps public keys to identities. The file has one key per line:
//
//	# role  name     public key (as in authorized_keys)
//	kiosk   shop-1   ssh-ed25519 AAAAC3Nza… shop-1@kiosk
//	agent   alice    ssh-ed25519 AAAAC3Nza… alice@desk
type Keys struct {
	byKey map[string]Identity // key: the wire form of the public key
}

// LoadKeys reads a keys file. A missing file is no keys: every key is
// unknown (anonymous self-service only, when allowed).
func LoadKeys(path string) (*Keys, error) {
	k := &Keys{byKey: map[string]Identity{}}
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return k, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read keys file %s: %w", path, err)
	}
	return k, k.parse(path, b)
}

func (k *Keys) parse(path string, b []byte) error {
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Fields(line)
		if len(f) < 4 {
			return fmt.Errorf("%w %s line %d: want: role name key-type key [comment]", ErrKeysFile, path, n)
		}
		role := Role(f[0])
		if role != RoleKiosk && role != RoleAgent {
			return fmt.Errorf("%w %s line %d: role %q: use kiosk or agent", ErrKeysFile, path, n, f[0])
		}
		pk, _, _, _, err := gossh.ParseAuthorizedKey([]byte(strings.Join(f[2:], " ")))
		if err != nil {
			return fmt.Errorf("%w %s line %d: public key: %v", ErrKeysFile, path, n, err)
		}
		k.byKey[string(pk.Marshal())] = Identity{Role: role, Name: f[1]}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("read keys file %s: %w", path, err)
	}
	return nil
}

// Lookup is the identity of a public key.
func (k *Keys) Lookup(pk gossh.PublicKey) (Identity, bool) {
	if pk == nil {
		return Identity{}, false
	}
	id, ok := k.byKey[string(pk.Marshal())]
	return id, ok
}
