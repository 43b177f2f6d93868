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
// Answers has no password field, so a draft never holds one. The store
// keeps saves from going backwards: one without an order id never
// overwrites a draft that has one, and none is kept for a finished order.
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
		OrderID: a.OrderID, Data: data, UpdatedAt: now, ExpiresAt: now.Add(s.draftTTL())}
	if err := s.Store.SaveDraft(ctx, d); err != nil {
		return Draft{}, fmt.Errorf("save draft %s: %w", code, err)
	}
	return d, nil
}

// LoadDraft returns the step to continue at and the answers saved under
// code: the step ResumeStep decides from the order's status. ErrNotFound
// (also for a draft of a finished or cancelled order, which is dropped), or
// ErrDraftExpired when it is too old.
func (s *Service) LoadDraft(ctx context.Context, code string) (StepID, Answers, error) {
	step, a, _, err := s.ResumeStep(ctx, code)
	return step, a, err
}

// ResumeStep opens the draft saved under code and decides where the
// sign-up continues: with no order yet, at the saved step; with an order,
// where its status says (waiting for the invitation: consent; awaiting
// payment: review and pay; paid, provisioning or failed: processing, so a
// paid order is never offered for payment again). A draft of a completed or
// cancelled order is dropped and reported as ErrNotFound.
func (s *Service) ResumeStep(ctx context.Context, code string) (StepID, Answers, Order, error) {
	c, ok := NormalizeDraftCode(code)
	if !ok {
		return "", Answers{}, Order{}, fmt.Errorf("draft %q: %w", code, ErrNotFound)
	}
	d, err := s.Store.LoadDraft(ctx, c)
	if errors.Is(err, ErrNotFound) {
		// The store hides a draft of a finished order; it goes for good.
		if derr := s.Store.DeleteDraft(ctx, c); derr != nil {
			return "", Answers{}, Order{}, fmt.Errorf("drop draft %s: %w", c, derr)
		}
	}
	if err != nil {
		return "", Answers{}, Order{}, fmt.Errorf("load draft %s: %w", c, err)
	}
	step, a, err := s.decodeDraft(d)
	if err != nil {
		return "", Answers{}, Order{}, err
	}
	if a.OrderID == "" {
		return step, a, Order{}, nil
	}
	o, err := s.Store.GetOrder(ctx, a.OrderID)
	if errors.Is(err, ErrNotFound) {
		// The order is gone (another database?): what was answered stays,
		// the order is made again from it at the consent step.
		a.OrderID = ""
		return clampBeforeOrder(step), a, Order{}, nil
	}
	if err != nil {
		return "", Answers{}, Order{}, fmt.Errorf("resume draft %s: order %s: %w", c, a.OrderID, err)
	}
	if o.Status.Final() {
		if err := s.DropDraft(ctx, c); err != nil {
			return "", Answers{}, Order{}, err
		}
		return "", Answers{}, Order{}, fmt.Errorf("draft %s: order %s is %s: %w", c, o.Number, o.Status, ErrNotFound)
	}
	return resumeStepOf(o, a), a, o, nil
}

// resumeStepOf is where a sign-up whose order exists continues.
func resumeStepOf(o Order, a Answers) StepID {
	switch o.Status {
	case StatusPaid, StatusProvisioning, StatusFailed:
		return StepProcessing
	case StatusAwaitingPayment:
		return StepReview
	}
	if a.Account == AccountNew {
		return StepReview // the new-account step is idempotent and shows the account
	}
	return StepConsent
}

// clampBeforeOrder moves a step past the order's creation back to the
// consent step, where the order is created.
func clampBeforeOrder(step StepID) StepID {
	switch step {
	case StepLicenses, StepAccount, StepDetails, StepAgreement, StepAdmin:
		return step
	}
	return StepConsent
}

// SavesDraft reports whether entering step in mode saves a draft: a
// customer's sign-up once something was answered (from the account choice)
// until review; an agent's from the customer's account until the order is
// created (a crash on the invitation step must not lose what the agent
// typed). Payment, processing and done have nothing left to resume by a
// draft (the order itself carries on).
func SavesDraft(mode Mode, step StepID) bool {
	switch mode {
	case ModeCustomer:
		switch step {
		case StepAccount, StepDetails, StepAgreement, StepAdmin, StepConsent, StepReview:
			return true
		}
	case ModeAgent:
		switch step {
		case StepSubdomain, StepDetails, StepAgreement, StepInvitation, StepCreate:
			return true
		}
	}
	return false
}

// maxStaleDrafts bounds how many drafts of finished orders LatestDraft
// drops in one call before it gives up looking.
const maxStaleDrafts = 8

// LatestDraft is the newest unexpired draft saved on terminal whose order,
// if any, is not finished; false when none. Drafts of finished or
// cancelled orders met on the way are dropped.
func (s *Service) LatestDraft(ctx context.Context, terminal string) (Draft, bool, error) {
	for range maxStaleDrafts {
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
		finished, err := s.draftFinished(ctx, d)
		if err != nil {
			return Draft{}, false, fmt.Errorf("latest draft on %s: %w", terminal, err)
		}
		if !finished {
			return d, true, nil
		}
		if err := s.DropDraft(ctx, d.Code); err != nil {
			return Draft{}, false, fmt.Errorf("latest draft on %s: %w", terminal, err)
		}
	}
	return Draft{}, false, nil
}

// draftFinished reports whether d belongs to a completed or cancelled
// order (its OrderID, or the one in its answers for a draft saved before
// drafts had the column).
func (s *Service) draftFinished(ctx context.Context, d Draft) (bool, error) {
	id := d.OrderID
	if id == "" {
		var a Answers
		if json.Unmarshal(d.Data, &a) == nil {
			id = a.OrderID
		}
	}
	if id == "" {
		return false, nil
	}
	o, err := s.Store.GetOrder(ctx, id)
	if errors.Is(err, ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("order %s of draft %s: %w", id, d.Code, err)
	}
	return o.Status.Final(), nil
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

// Answers decodes what d holds, to say what a saved sign-up is (company,
// licenses, step) before it is resumed. It checks nothing: ResumeStep does.
func (d Draft) Answers() (Answers, error) {
	var a Answers
	if err := json.Unmarshal(d.Data, &a); err != nil {
		return Answers{}, fmt.Errorf("decode draft %s: %w", d.Code, err)
	}
	return a, nil
}
