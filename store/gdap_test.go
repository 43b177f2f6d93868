package store

import (
	"context"
	"errors"
	"testing"
	"time"

	"onboard/flow"
)

// TestGDAPRecords: one admin relationship per tenant (any case of its id),
// updated in place as it moves on.
func TestGDAPRecords(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db *DB, _ *testClock) {
		ctx := context.Background()
		if _, err := db.GDAPForTenant(ctx, "T-1"); !errors.Is(err, flow.ErrNotFound) {
			t.Fatalf("before any request: %v, want ErrNotFound", err)
		}
		g := flow.GDAPRecord{TenantID: "T-1", RelationshipID: "rel-1", Status: "approvalPending", URL: "https://admin.example/rel-1"}
		if err := db.SaveGDAP(ctx, g); err != nil {
			t.Fatal(err)
		}
		end := time.Date(2028, 3, 1, 10, 0, 0, 0, time.UTC)
		g.Status, g.Assigned, g.EndAt = "active", true, end
		if err := db.SaveGDAP(ctx, g); err != nil {
			t.Fatal(err)
		}
		got, err := db.GDAPForTenant(ctx, "t-1")
		if err != nil || got.RelationshipID != "rel-1" || got.Status != "active" || !got.Assigned || !got.EndAt.Equal(end) || got.URL != g.URL {
			t.Fatalf("stored %+v, %v", got, err)
		}
	})
}
