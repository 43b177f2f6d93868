package store

import (
	"context"
	"errors"
	"testing"
	"time"

	"onboard/flow"
)

func TestDrafts(t *testing.T) {
	db, clk := openTest(t)
	ctx := context.Background()
	d := flow.Draft{Code: "K7Q2", Terminal: "kiosk-1", Mode: "self", Step: "details",
		Data: []byte(`{"company":"Contoso"}`), ExpiresAt: t0.Add(time.Hour)}
	if err := db.SaveDraft(ctx, d); err != nil {
		t.Fatal(err)
	}
	got, err := db.LoadDraft(ctx, "K7Q2")
	if err != nil || string(got.Data) != string(d.Data) || got.Step != "details" || !got.UpdatedAt.Equal(t0) {
		t.Fatalf("LoadDraft = %+v, %v", got, err)
	}
	// Upsert by code: the later save replaces the answers.
	clk.advance(time.Minute)
	d.Step, d.Data = "admin", []byte(`{"company":"Contoso Ltd"}`)
	if err := db.SaveDraft(ctx, d); err != nil {
		t.Fatal(err)
	}
	if got, _ := db.LoadDraft(ctx, "K7Q2"); got.Step != "admin" || !got.UpdatedAt.Equal(t0.Add(time.Minute)) {
		t.Errorf("after upsert = %+v", got)
	}
	if _, err := db.LoadDraft(ctx, "NONE"); !errors.Is(err, flow.ErrNotFound) {
		t.Errorf("missing draft: %v", err)
	}
	clk.advance(time.Hour)
	if _, err := db.LoadDraft(ctx, "K7Q2"); !errors.Is(err, flow.ErrDraftExpired) {
		t.Errorf("expired draft: %v, want ErrDraftExpired", err)
	}
	if err := db.SaveDraft(ctx, flow.Draft{Code: "X"}); err == nil {
		t.Error("draft without expiry accepted")
	}
}

func TestLatestDraftAndPurge(t *testing.T) {
	db, clk := openTest(t)
	ctx := context.Background()
	save := func(code, terminal string, ttl time.Duration) {
		t.Helper()
		if err := db.SaveDraft(ctx, flow.Draft{Code: code, Terminal: terminal, ExpiresAt: clk.t.Add(ttl)}); err != nil {
			t.Fatal(err)
		}
		clk.advance(time.Minute)
	}
	save("OLD", "kiosk-1", 24*time.Hour)
	save("NEW", "kiosk-1", 5*time.Minute) // newest, but expires soon
	save("ELSE", "kiosk-2", 24*time.Hour)

	got, err := db.LatestDraft(ctx, "kiosk-1")
	if err != nil || got.Code != "NEW" {
		t.Fatalf("LatestDraft = %+v, %v; want NEW", got, err)
	}
	clk.advance(5 * time.Minute)
	if got, _ := db.LatestDraft(ctx, "kiosk-1"); got.Code != "OLD" {
		t.Errorf("after NEW expired: %q, want OLD", got.Code)
	}
	if _, err := db.LatestDraft(ctx, "kiosk-9"); !errors.Is(err, flow.ErrNotFound) {
		t.Errorf("no drafts: %v", err)
	}
	n, err := db.PurgeDrafts(ctx, clk.t)
	if err != nil || n != 1 {
		t.Errorf("PurgeDrafts = %d, %v; want 1", n, err)
	}
	if _, err := db.LoadDraft(ctx, "NEW"); !errors.Is(err, flow.ErrNotFound) {
		t.Errorf("purged draft: %v", err)
	}
	if err := db.DeleteDraft(ctx, "OLD"); err != nil {
		t.Fatal(err)
	}
	if err := db.DeleteDraft(ctx, "OLD"); err != nil {
		t.Errorf("deleting again: %v", err)
	}
	if _, err := db.LoadDraft(ctx, "OLD"); !errors.Is(err, flow.ErrNotFound) {
		t.Errorf("deleted draft: %v", err)
	}
}
