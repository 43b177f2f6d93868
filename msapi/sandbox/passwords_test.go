package sandbox_test

import (
	"errors"
	"testing"

	"onboard/msapi/sandbox"
)

func TestSetPassword(t *testing.T) {
	sb, err := sandbox.New(sandbox.Options{NorthwindUsers: 3})
	if err != nil {
		t.Fatal(err)
	}
	if err := sb.SetPassword("admin@fabrikam.onmicrosoft.com", "Only-In-This-Test-1"); err != nil {
		t.Fatal(err)
	}
	if err := sb.AcceptInvitation("admin@fabrikam.onmicrosoft.com", "Fabrikam-Admin-1"); !errors.Is(err, sandbox.ErrInvalidCredentials) {
		t.Fatalf("old password still accepted: %v", err)
	}
	if err := sb.AcceptInvitation("admin@fabrikam.onmicrosoft.com", "Only-In-This-Test-1"); err != nil {
		t.Fatalf("new password refused: %v", err)
	}
	if err := sb.SetPassword("nobody@fabrikam.onmicrosoft.com", "x"); !errors.Is(err, sandbox.ErrUnknownUser) {
		t.Errorf("unknown user: %v", err)
	}
	if err := sb.SetPassword("admin@nowhere.example", "x"); !errors.Is(err, sandbox.ErrUnknownUser) {
		t.Errorf("unknown tenant: %v", err)
	}
	if err := sb.SetPassword("admin@northwind.onmicrosoft.com", "x"); err == nil {
		t.Error("generated directory accepted a password")
	}
}
