package store

import (
	"context"
	"errors"
	"testing"
	"time"

	"onboard/flow"
)

func TestDrafts(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db *DB, clk *testClock) {
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
	})
}

func TestLatestDraftAndPurge(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db *DB, clk *testClock) {
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
	})
}

// knownMigrations is the schema version a fresh Open reaches.
func knownMigrations(t *testing.T) int {
	t.Helper()
	ms, err := loadMigrations(migrationFiles, dialectSQLite)
	if err != nil {
		t.Fatal(err)
	}
	return len(ms)
}

// A stale save without the order id, arriving after the save that has it,
// must not overwrite it (issue 11, reproduction 8).
func TestSaveDraftNeverLosesTheOrder(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db *DB, clk *testClock) {
		ctx := context.Background()
		o := mustOrder(t, db, mustCustomer(t, db).ID, flow.StatusAwaitingConsent)
		withOrder := flow.Draft{Code: "K7QM-4XPA", Terminal: "kiosk-1", Step: "consent", OrderID: o.ID,
			Data: []byte(`{"OrderID":"` + o.ID + `"}`), ExpiresAt: t0.Add(time.Hour)}
		if err := db.SaveDraft(ctx, withOrder); err != nil {
			t.Fatal(err)
		}
		clk.advance(2 * time.Millisecond)
		stale := flow.Draft{Code: "K7QM-4XPA", Terminal: "kiosk-1", Step: "admin",
			Data: []byte(`{"OrderID":""}`), ExpiresAt: t0.Add(time.Hour)}
		if err := db.SaveDraft(ctx, stale); err != nil {
			t.Fatal(err)
		}
		got, err := db.LoadDraft(ctx, "K7QM-4XPA")
		if err != nil || got.OrderID != o.ID || got.Step != "consent" || string(got.Data) != string(withOrder.Data) {
			t.Fatalf("after a stale save: %+v, %v; want the draft of order %s at consent", got, err, o.ID)
		}
		// A save with the order id still moves the draft on.
		withOrder.Step = "review"
		if err := db.SaveDraft(ctx, withOrder); err != nil {
			t.Fatal(err)
		}
		if got, _ := db.LoadDraft(ctx, "K7QM-4XPA"); got.Step != "review" {
			t.Errorf("step after a save with the order = %q, want review", got.Step)
		}
	})
}

// An order reaching completed or cancelled takes its drafts with it, in the
// transition's transaction; a draft of a finished order is never returned
// nor saved again (issue 11, reproduction 2).
func TestFinishedOrderLeavesNoDraft(t *testing.T) {
	for _, to := range []flow.OrderStatus{flow.StatusCompleted, flow.StatusCancelled} {
		t.Run(string(to), func(t *testing.T) {
			forEachBackend(t, func(t *testing.T, db *DB, _ *testClock) {
				ctx := context.Background()
				from := flow.StatusProvisioning
				if to == flow.StatusCancelled {
					from = flow.StatusAwaitingPayment
				}
				o := mustOrder(t, db, mustCustomer(t, db).ID, from)
				other := mustOrder(t, db, mustCustomer(t, db).ID, from)
				for code, id := range map[string]string{"MINE": o.ID, "OTHER": other.ID, "NONE": ""} {
					if err := db.SaveDraft(ctx, flow.Draft{Code: code, Terminal: "kiosk-1", OrderID: id,
						ExpiresAt: t0.Add(time.Hour)}); err != nil {
						t.Fatal(err)
					}
				}
				if err := db.TransitionOrder(ctx, o.ID, from, to, "", flow.AuditEvent{Actor: agent}); err != nil {
					t.Fatal(err)
				}
				var n int
				if err := db.sql.QueryRowContext(ctx, `SELECT COUNT(*) FROM drafts WHERE code = 'MINE'`).Scan(&n); err != nil || n != 0 {
					t.Errorf("drafts of the %s order left: %d, %v", to, n, err)
				}
				for _, code := range []string{"OTHER", "NONE"} {
					if _, err := db.LoadDraft(ctx, code); err != nil {
						t.Errorf("draft %s of another order: %v", code, err)
					}
				}
				// A late save for the finished order writes nothing.
				if err := db.SaveDraft(ctx, flow.Draft{Code: "LATE", Terminal: "kiosk-2", OrderID: o.ID,
					ExpiresAt: t0.Add(time.Hour)}); err != nil {
					t.Fatal(err)
				}
				if _, err := db.LoadDraft(ctx, "LATE"); !errors.Is(err, flow.ErrNotFound) {
					t.Errorf("late save of a %s order: %v, want ErrNotFound", to, err)
				}
				if _, err := db.LatestDraft(ctx, "kiosk-2"); !errors.Is(err, flow.ErrNotFound) {
					t.Errorf("latest draft of kiosk-2: %v, want ErrNotFound", err)
				}
			})
		})
	}
}

// A draft that points at a finished order (written before this rule, or
// behind the store's back) is never returned.
func TestStaleDraftOfFinishedOrderHidden(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db *DB, clk *testClock) {
		ctx := context.Background()
		o := mustOrder(t, db, mustCustomer(t, db).ID, flow.StatusCompleted)
		if err := db.SaveDraft(ctx, flow.Draft{Code: "OLDER", Terminal: "kiosk-1", ExpiresAt: t0.Add(time.Hour)}); err != nil {
			t.Fatal(err)
		}
		clk.advance(time.Minute)
		if _, err := db.sql.ExecContext(ctx, `INSERT INTO drafts (code, terminal, step, data, updated_at, expires_at, order_id)
		VALUES ('STALE', 'kiosk-1', 'consent', '{}', ?, ?, ?)`,
			formatTime(clk.t), formatTime(t0.Add(time.Hour)), o.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := db.LoadDraft(ctx, "STALE"); !errors.Is(err, flow.ErrNotFound) {
			t.Errorf("LoadDraft of a completed order's draft: %v, want ErrNotFound", err)
		}
		if got, err := db.LatestDraft(ctx, "kiosk-1"); err != nil || got.Code != "OLDER" {
			t.Errorf("LatestDraft = %q, %v; want OLDER (STALE is of a completed order)", got.Code, err)
		}
	})
}

// Drafts saved before drafts had an order_id column get it from their
// answers, and those of finished orders go with the migration.
func TestMigrateDraftsLearnTheirOrder(t *testing.T) {
	ctx := context.Background()
	path, raw := migratedTo(t, 2)
	const at = "2026-01-01T00:00:00.000000000Z"
	for _, q := range []string{
		`INSERT INTO customers (id, company_name, created_at) VALUES ('c1', 'Fabrikam', '` + at + `')`,
		`INSERT INTO orders (id, number, customer_id, status, created_at, updated_at)
			VALUES ('o-open', 'ORD-000001', 'c1', 'provisioning', '` + at + `', '` + at + `'),
			       ('o-done', 'ORD-000002', 'c1', 'completed', '` + at + `', '` + at + `')`,
		`INSERT INTO drafts (code, data, updated_at, expires_at) VALUES
			('OPEN', '{"OrderID":"o-open"}', '` + at + `', '2099-01-01T00:00:00.000000000Z'),
			('DONE', '{"OrderID":"o-done"}', '` + at + `', '2099-01-01T00:00:00.000000000Z'),
			('NONE', '{"OrderID":""}', '` + at + `', '2099-01-01T00:00:00.000000000Z'),
			('JUNK', 'not json', '` + at + `', '2099-01-01T00:00:00.000000000Z')`,
	} {
		if _, err := raw.ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	db := openUpgraded(t, path, raw)
	want := map[string]string{"OPEN": "o-open", "NONE": "", "JUNK": ""}
	for code, id := range want {
		if d, err := db.LoadDraft(ctx, code); err != nil || d.OrderID != id {
			t.Errorf("draft %s after migration: order %q, %v; want %q", code, d.OrderID, err, id)
		}
	}
	var n int
	if err := db.sql.QueryRowContext(ctx, `SELECT COUNT(*) FROM drafts WHERE code = 'DONE'`).Scan(&n); err != nil || n != 0 {
		t.Errorf("draft of the completed order after migration: %d rows, %v", n, err)
	}
}
