package flow

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// draftAlphabet has no look-alikes (0/O, 1/I/L, 5/S, 8/B, 2/Z, U/V) so a
// code read off a screen or a receipt is typed right.
const draftAlphabet = "ACDEFGHJKMNPQRTWXY34679"

const draftCodeLen = 8

// newDraftCode returns a code like "K7QM-4XPA".
func newDraftCode() string {
	// Rejection sampling keeps every letter equally likely.
	limit := byte(256 / len(draftAlphabet) * len(draftAlphabet))
	b := make([]byte, 0, draftCodeLen)
	var buf [16]byte
	for len(b) < draftCodeLen {
		rand.Read(buf[:]) // never returns an error (crypto/rand since Go 1.24)
		for _, x := range buf {
			if x < limit && len(b) < draftCodeLen {
				b = append(b, draftAlphabet[int(x)%len(draftAlphabet)])
			}
		}
	}
	return string(b[:4]) + "-" + string(b[4:])
}

// NormalizeDraftCode turns what a person typed ("k7qm 4xpa", "K7QM4XPA")
// into the stored form "K7QM-4XPA"; false when it cannot be a code.
func NormalizeDraftCode(s string) (string, bool) {
	if len(s) > 32 {
		return "", false
	}
	var b strings.Builder
	for _, r := range strings.ToUpper(s) {
		switch {
		case r == '-' || r == ' ':
		case strings.ContainsRune(draftAlphabet, r):
			b.WriteRune(r)
		default:
			return "", false
		}
	}
	c := b.String()
	if len(c) != draftCodeLen {
		return "", false
	}
	return c[:4] + "-" + c[4:], true
}

// SaveDraft saves the answers at step under code (a new code when "").
// Answers has no password field, so a draft never holds one.
func (s *Service) SaveDraft(ctx context.Context, code, terminal string, step StepID, a Answers) (Draft, error) {
	if code == "" {
		code = newDraftCode()
	} else if c, ok := NormalizeDraftCode(code); ok {
		code = c
	} else {
		return Draft{}, fmt.Errorf("draft code %q: %w", code, ErrNotFound)
	}
	data, err := json.Marshal(a)
	if err != nil {
		return Draft{}, fmt.Errorf("encode draft %s: %w", code, err)
	}
	now := s.now()
	d := Draft{Code: code, Terminal: terminal, Mode: string(a.Mode), Step: string(step),
		Data: data, UpdatedAt: now, ExpiresAt: now.Add(s.draftTTL())}
	if err := s.Store.SaveDraft(ctx, d); err != nil {
		return Draft{}, fmt.Errorf("save draft %s: %w", code, err)
	}
	return d, nil
}

// LoadDraft returns the step and answers saved under code: ErrNotFound, or
// ErrDraftExpired when it is too old.
func (s *Service) LoadDraft(ctx context.Context, code string) (StepID, Answers, error) {
	c, ok := NormalizeDraftCode(code)
	if !ok {
		return "", Answers{}, fmt.Errorf("draft %q: %w", code, ErrNotFound)
	}
	d, err := s.Store.LoadDraft(ctx, c)
	if err != nil {
		return "", Answers{}, fmt.Errorf("load draft %s: %w", c, err)
	}
	return s.decodeDraft(d)
}

// LatestDraft is the newest unexpired draft saved on terminal; false when none.
func (s *Service) LatestDraft(ctx context.Context, terminal string) (Draft, bool, error) {
	d, err := s.Store.LatestDraft(ctx, terminal)
	if errors.Is(err, ErrNotFound) || errors.Is(err, ErrDraftExpired) {
		return Draft{}, false, nil
	}
	if err != nil {
		return Draft{}, false, fmt.Errorf("latest draft on %s: %w", terminal, err)
	}
	if !s.now().Before(d.ExpiresAt) {
		return Draft{}, false, nil
	}
	return d, true, nil
}

func (s *Service) decodeDraft(d Draft) (StepID, Answers, error) {
	if !s.now().Before(d.ExpiresAt) {
		return "", Answers{}, fmt.Errorf("draft %s: %w", d.Code, ErrDraftExpired)
	}
	var a Answers
	if err := json.Unmarshal(d.Data, &a); err != nil {
		return "", Answers{}, fmt.Errorf("decode draft %s: %w", d.Code, err)
	}
	return StepID(d.Step), a, nil
}
