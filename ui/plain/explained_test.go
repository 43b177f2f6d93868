package plain

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"onboard/i18n"
	"onboard/msapi"
)

// What Run ends with is said in flow's plain words, never as the chain of
// calls (no AADSTS codes or trace ids); callers still branch on the cause.
func TestRunEndsInPlainWords(t *testing.T) {
	chain := fmt.Errorf("verify administrator a@b.com: verify administrator: sign in: AADSTS50126 Trace ID 1234: %w", msapi.ErrBadCredentials)
	s := &session{loc: i18n.New("")}
	err := s.explained(chain)
	if strings.Contains(err.Error(), "AADSTS") || strings.Contains(err.Error(), "verify administrator") {
		t.Errorf("Run's error is the raw chain: %q", err)
	}
	if !errors.Is(err, msapi.ErrBadCredentials) {
		t.Error("the cause is lost")
	}
	for _, plain := range []error{nil, context.Canceled, ErrInputEnded, fmt.Errorf("order ORD-1 stays open: %w", ErrStopped)} {
		if got := s.explained(plain); got != plain {
			t.Errorf("explained(%v) = %v, want it as it is", plain, got)
		}
	}
}
