package flow_test

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"testing"
	"time"

	"onboard/flow"
)

// Reproductions 2, 8 and 11 of issue 11 (drafts), against the real
// flow.Service, the sandbox Microsoft and checkout, and SQLite.

const (
	contosoDomain   = "contoso.onmicrosoft.com"
	contosoAdmin    = "admin@contoso.onmicrosoft.com"
	contosoPassword = "Contoso-Admin-1"
)

// draftingSignUp walks a customer's sign-up on terminal, saving the draft
// at every step as the wizard does, up to a paid order. It returns the
// draft's code and the order.
func (w *world) draftingSignUp(t *testing.T, terminal string) (string, flow.Order) {
	t.Helper()
	ctx := context.Background()
	a := answers(contosoDomain, contosoAdmin, "m365-business-basic", 2)
	var code string
	save := func(step flow.StepID) {
		t.Helper()
		d, err := w.svc.SaveDraft(ctx, code, terminal, step, a)
		if err != nil {
			t.Fatalf("save draft at %s: %v", step, err)
		}
		code = d.Code
	}
	for _, step := range []flow.StepID{flow.StepAccount, flow.StepDetails, flow.StepAgreement, flow.StepAdmin} {
		save(step)
	}
	if _, err := w.svc.VerifyAdmin(ctx, a.AdminLogin, contosoPassword); err != nil {
		t.Fatal(err)
	}
	o, err := w.Consent(ctx, w.svc, a, contosoPassword)
	if err != nil {
		t.Fatal(err)
	}
	a.OrderID = o.ID
	save(flow.StepConsent)
	save(flow.StepReview)
	if o, err = w.PayOrder(ctx, w.svc, o.ID); err != nil {
		t.Fatal(err)
	}
	return code, o
}

// rawDB opens the world's SQLite file behind the store's back, to plant
// what an older version (or a lost race) could have left.
func (w *world) rawDB(t *testing.T) *sql.DB {
	t.Helper()
	raw, err := sql.Open("sqlite", "file:"+w.dbPath+"?_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { raw.Close() })
	return raw
}

// TestRepro02FinishedSignUpLeavesNoDraft: a completed sign-up's draft
// greeted the next person "Welcome back", and Enter made a second order.
func TestRepro02FinishedSignUpLeavesNoDraft(t *testing.T) {
	w := newWorld(t, flow.PolicyPayFirst)
	ctx := context.Background()
	code, o := w.draftingSignUp(t, "kiosk-1")
	if _, err := w.svc.Process(ctx, o.ID, nil); err != nil {
		t.Fatal(err)
	}
	if d, ok, err := w.svc.LatestDraft(ctx, "kiosk-1"); err != nil || ok {
		t.Fatalf("after the sign-up completed: draft %s offered (%v)", d.Code, err)
	}
	if _, _, err := w.svc.LoadDraft(ctx, code); !errors.Is(err, flow.ErrNotFound) {
		t.Errorf("LoadDraft of the completed sign-up: %v, want ErrNotFound", err)
	}

	// A save racing the completion (the wizard's last save) brings nothing
	// back.
	a := answers(contosoDomain, contosoAdmin, "m365-business-basic", 2)
	a.OrderID = o.ID
	if _, err := w.svc.SaveDraft(ctx, code, "kiosk-1", flow.StepReview, a); err != nil {
		t.Fatal(err)
	}
	if d, ok, err := w.svc.LatestDraft(ctx, "kiosk-1"); err != nil || ok {
		t.Fatalf("a late save of the completed order is offered: %s (%v)", d.Code, err)
	}

	// A stale draft pointing at the completed order, written behind the
	// store's back, is never returned and is dropped.
	now := time.Now().UTC()
	if _, err := w.rawDB(t).ExecContext(ctx, `INSERT INTO drafts
		(code, terminal, mode, step, data, updated_at, expires_at, order_id)
		VALUES ('STAL-EDRA', 'kiosk-1', 'customer', 'review', ?, ?, ?, ?)`,
		`{"OrderID":"`+o.ID+`"}`, now.Format(time.RFC3339Nano), now.Add(time.Hour).Format(time.RFC3339Nano), o.ID); err != nil {
		t.Fatal(err)
	}
	if d, ok, err := w.svc.LatestDraft(ctx, "kiosk-1"); err != nil || ok {
		t.Fatalf("stale draft of a completed order offered: %s (%v)", d.Code, err)
	}
	if _, _, _, err := w.svc.ResumeStep(ctx, "STAL-EDRA"); !errors.Is(err, flow.ErrNotFound) {
		t.Errorf("resuming a stale draft of a completed order: %v, want ErrNotFound", err)
	}

	// No second order was made for the tenant.
	orders, err := w.db.ListOrders(ctx, flow.OrderFilter{})
	if err != nil || len(orders) != 1 {
		t.Errorf("orders after the sign-up: %d, %v; want 1", len(orders), err)
	}
}

// TestRepro08DraftSavesNeverGoBack: the draft at the consent step, saved
// 2 ms after the order was created, lost the order id; after a crash during
// processing the resume asked to pay again, for a new order.
func TestRepro08DraftSavesNeverGoBack(t *testing.T) {
	w := newWorld(t, flow.PolicyPayFirst)
	ctx := context.Background()
	code, o := w.draftingSignUp(t, "kiosk-1")

	// The stale save of the admin step, without the order id, lands last.
	stale := answers(contosoDomain, contosoAdmin, "m365-business-basic", 2)
	if _, err := w.svc.SaveDraft(ctx, code, "kiosk-1", flow.StepAdmin, stale); err != nil {
		t.Fatal(err)
	}
	d, ok, err := w.svc.LatestDraft(ctx, "kiosk-1")
	if err != nil || !ok || d.Code != code || d.OrderID != o.ID {
		t.Fatalf("after a stale save: draft %s at %s of order %q (%v, %v); want %s of order %s",
			d.Code, d.Step, d.OrderID, ok, err, code, o.ID)
	}

	// The wizard dies after payment; the customer resumes.
	step, a, got, err := w.svc.ResumeStep(ctx, code)
	if err != nil {
		t.Fatal(err)
	}
	if step != flow.StepProcessing || got.ID != o.ID || a.OrderID != o.ID {
		t.Fatalf("resume after payment: step %s, order %s (answers %s); want processing of %s",
			step, got.ID, a.OrderID, o.ID)
	}
	if step, _, err := w.svc.LoadDraft(ctx, code); err != nil || step != flow.StepProcessing {
		t.Errorf("LoadDraft after payment: %s, %v; want processing", step, err)
	}

	// Processing the resumed order finishes it; no second order, no draft.
	if _, err := w.svc.Process(ctx, got.ID, nil); err != nil {
		t.Fatal(err)
	}
	orders, err := w.db.ListOrders(ctx, flow.OrderFilter{})
	if err != nil || len(orders) != 1 || orders[0].Status != flow.StatusCompleted {
		t.Errorf("orders after the resume: %+v, %v; want the one order, completed", orders, err)
	}
	if _, ok, _ := w.svc.LatestDraft(ctx, "kiosk-1"); ok {
		t.Error("a draft is left after the resumed order completed")
	}
}

// TestResumeStepFollowsTheOrder: where a resumed sign-up continues is
// decided by its order's status, not by the step the draft was saved at.
func TestResumeStepFollowsTheOrder(t *testing.T) {
	w := newWorld(t, flow.PolicyPayFirst)
	ctx := context.Background()
	a := answers(contosoDomain, contosoAdmin, "m365-business-basic", 2)
	d, err := w.svc.SaveDraft(ctx, "", "t", flow.StepDetails, a)
	if err != nil {
		t.Fatal(err)
	}
	if step, _, o, err := w.svc.ResumeStep(ctx, d.Code); err != nil || step != flow.StepDetails || o.ID != "" {
		t.Errorf("without an order: %s, %s, %v; want details", step, o.ID, err)
	}
	if _, err := w.svc.VerifyAdmin(ctx, a.AdminLogin, contosoPassword); err != nil {
		t.Fatal(err)
	}
	o, err := w.svc.CreateOrder(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	a.OrderID = o.ID
	if _, err := w.svc.SaveDraft(ctx, d.Code, "t", flow.StepReview, a); err != nil {
		t.Fatal(err)
	}
	if step, _, _, err := w.svc.ResumeStep(ctx, d.Code); err != nil || step != flow.StepConsent {
		t.Errorf("awaiting consent: %s, %v; want consent", step, err)
	}
	if _, err := w.svc.Cancel(ctx, o.ID, "changed my mind"); err != nil {
		t.Fatal(err)
	}
	if _, _, _, err := w.svc.ResumeStep(ctx, d.Code); !errors.Is(err, flow.ErrNotFound) {
		t.Errorf("after cancelling: %v, want ErrNotFound", err)
	}
}

// TestRepro11KioskNextCustomerSeesNothing: the kiosk wiped a resumed
// sign-up by a code it never had, and after a restart greeted the next
// person with the previous one's details.
func TestRepro11KioskNextCustomerSeesNothing(t *testing.T) {
	w := newWorld(t, flow.PolicyPayFirst)
	ctx := context.Background()
	a := answers(contosoDomain, contosoAdmin, "m365-business-basic", 2)
	first, err := w.svc.SaveDraft(ctx, "", "kiosk-1", flow.StepDetails, a)
	if err != nil {
		t.Fatal(err)
	}
	// The customer comes back and resumes; the wizard keeps the resumed
	// code, so its next save hits the same draft.
	d, ok, err := w.svc.LatestDraft(ctx, "kiosk-1")
	if err != nil || !ok || d.Code != first.Code {
		t.Fatalf("LatestDraft = %s, %v, %v; want %s", d.Code, ok, err, first.Code)
	}
	if _, _, _, err := w.svc.ResumeStep(ctx, d.Code); err != nil {
		t.Fatal(err)
	}
	if again, err := w.svc.SaveDraft(ctx, d.Code, "kiosk-1", flow.StepAgreement, a); err != nil || again.Code != d.Code {
		t.Fatalf("save after resuming: %s, %v; want %s", again.Code, err, d.Code)
	}
	// The idle wipe drops it, by the code as a person would type it too.
	typed := strings.ToLower(strings.ReplaceAll(d.Code, "-", " "))
	if err := w.svc.DropDraft(ctx, typed); err != nil {
		t.Fatal(err)
	}
	if d, ok, err := w.svc.LatestDraft(ctx, "kiosk-1"); err != nil || ok {
		t.Fatalf("after the wipe: draft %s (%v) for the next customer", d.Code, err)
	}

	// The next customer finishes a sign-up; the kiosk restarts (a new
	// Service on the same database): nothing of theirs is offered.
	_, o := w.draftingSignUp(t, "kiosk-1")
	if _, err := w.svc.Process(ctx, o.ID, nil); err != nil {
		t.Fatal(err)
	}
	restarted, _ := w.Service(t, w.dbPath)
	if d, ok, err := restarted.LatestDraft(ctx, "kiosk-1"); err != nil || ok {
		t.Fatalf("after a restart: draft %s (%v) offered to the next customer", d.Code, err)
	}
}
