package flow

import (
	"context"
	"errors"
	"testing"
)

func TestDropDraft(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, PolicyPayFirst)
	d, err := e.s.SaveDraft(ctx, "", "kiosk-7", StepDetails, validAnswers(ModeCustomer))
	if err != nil {
		t.Fatal(err)
	}
	if err := e.s.DropDraft(ctx, d.Code); err != nil {
		t.Fatal(err)
	}
	if _, _, err := e.s.LoadDraft(ctx, d.Code); !errors.Is(err, ErrNotFound) {
		t.Fatalf("load after drop: %v", err)
	}
	if _, ok, _ := e.s.LatestDraft(ctx, "kiosk-7"); ok {
		t.Fatal("the dropped draft is still offered on its terminal")
	}
	if err := e.s.DropDraft(ctx, d.Code); err != nil {
		t.Fatalf("dropping twice: %v", err)
	}
}
