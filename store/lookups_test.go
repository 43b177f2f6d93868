package store

import (
	"context"
	"testing"
	"time"
)

// Failed look-ups count per actor within the window asked; notes older
// than a day go as new ones come.
func TestFailedLookups(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db *DB, _ *testClock) {
		ctx := context.Background()
		at := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
		for _, d := range []time.Duration{-25 * time.Hour, -10 * time.Minute, -time.Minute, 0} {
			if err := db.RecordFailedLookup(ctx, "kiosk:shop-1", at.Add(d)); err != nil {
				t.Fatal(err)
			}
		}
		if err := db.RecordFailedLookup(ctx, "kiosk:shop-2", at); err != nil {
			t.Fatal(err)
		}
		if n, err := db.FailedLookups(ctx, "kiosk:shop-1", at.Add(-15*time.Minute)); err != nil || n != 3 {
			t.Errorf("in 15 minutes: %d, %v, want 3", n, err)
		}
		var all int
		if err := db.sql.QueryRowContext(ctx, `SELECT COUNT(*) FROM lookup_failures`).Scan(&all); err != nil || all != 4 {
			t.Errorf("%d notes kept, %v, want 4 (the day-old one dropped)", all, err)
		}
	})
}
