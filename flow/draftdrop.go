package flow

import (
	"context"
	"fmt"
)

// DropDraft deletes the draft saved under code: a kiosk wipes the draft of
// a sign-up abandoned there, so the next stranger cannot resume it.
// Deleting a draft that is gone already is not an error.
func (s *Service) DropDraft(ctx context.Context, code string) error {
	if c, ok := NormalizeDraftCode(code); ok {
		code = c // "k7qm 4xpa" deletes "K7QM-4XPA"
	}
	if err := s.Store.DeleteDraft(ctx, code); err != nil {
		return fmt.Errorf("drop draft %s: %w", code, err)
	}
	return nil
}
