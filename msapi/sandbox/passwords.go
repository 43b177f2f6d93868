package sandbox

import (
	"errors"
	"fmt"
	"strings"
)

// ErrUnknownUser is returned by SetPassword for a login no seeded tenant has.
var ErrUnknownUser = errors.New("no such sandbox user")

// SetPassword gives a seeded user of a small demo tenant a new password, so a
// test can sign in with a secret that appears nowhere else and then search
// every output for it. Call it before the sandbox serves requests: the
// directories are read without locks.
func (s *Sandbox) SetPassword(login, password string) error {
	_, dom, _ := strings.Cut(login, "@")
	t, ok := s.catalog.tenantByDomain(dom)
	if !ok {
		return fmt.Errorf("set password of %s: %w", login, ErrUnknownUser)
	}
	d, ok := t.Dir.(*listDirectory)
	if !ok {
		return fmt.Errorf("set password of %s: the directory of %s is generated, not seeded", login, t.initial())
	}
	i, ok := d.upns[strings.ToLower(login)]
	if !ok {
		return fmt.Errorf("set password of %s: %w", login, ErrUnknownUser)
	}
	d.users[i].Password = password
	return nil
}
