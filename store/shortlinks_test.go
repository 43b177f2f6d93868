package store

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"onboard/flow"
)

// TestShortLinks: a link is found by its code; saving one again for the
// same order and purpose keeps the first code and takes the new target and
// expiry; another purpose or order gets its own.
func TestShortLinks(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db *DB, _ *testClock) {
		ctx := context.Background()
		if _, err := db.ShortLink(ctx, "0123456789"); !errors.Is(err, flow.ErrNotFound) {
			t.Fatalf("unknown code: %v, want ErrNotFound", err)
		}
		first := flow.ShortLink{Code: "aaaaaaaaaa", OrderID: "o-1", Purpose: flow.LinkGDAP,
			Target: "https://admin.example/rel-1", ExpiresAt: t0.Add(time.Hour)}
		got, err := db.SaveShortLink(ctx, first)
		if err != nil || got.Code != first.Code || got.Target != first.Target || !got.CreatedAt.Equal(t0) || !got.ExpiresAt.Equal(first.ExpiresAt) {
			t.Fatalf("first save: %+v, %v", got, err)
		}
		again := first
		again.Code, again.Target, again.ExpiresAt = "bbbbbbbbbb", "https://admin.example/rel-2", t0.Add(2*time.Hour)
		if got, err = db.SaveShortLink(ctx, again); err != nil || got.Code != first.Code || got.Target != again.Target || !got.ExpiresAt.Equal(again.ExpiresAt) {
			t.Fatalf("second save: %+v, %v; want code %s with the new target and expiry", got, err, first.Code)
		}
		if _, err := db.ShortLink(ctx, again.Code); !errors.Is(err, flow.ErrNotFound) {
			t.Fatalf("the second save's code was stored: %v", err)
		}
		if byOrder, err := db.ShortLinkFor(ctx, "o-1", flow.LinkGDAP); err != nil || byOrder.Code != first.Code {
			t.Fatalf("by order: %+v, %v", byOrder, err)
		}
		if _, err := db.ShortLinkFor(ctx, "o-9", flow.LinkGDAP); !errors.Is(err, flow.ErrNotFound) {
			t.Fatalf("of an order without one: %v, want ErrNotFound", err)
		}
		stored, err := db.ShortLink(ctx, first.Code)
		if err != nil || stored.OrderID != "o-1" || stored.Purpose != flow.LinkGDAP || stored.Target != again.Target {
			t.Fatalf("by code: %+v, %v", stored, err)
		}
		for _, other := range []flow.ShortLink{
			{Code: "cccccccccc", OrderID: "o-1", Purpose: flow.LinkInvitation, Target: "https://invite.example", ExpiresAt: t0.Add(time.Hour)},
			{Code: "dddddddddd", OrderID: "o-2", Purpose: flow.LinkGDAP, Target: "https://admin.example/rel-3", ExpiresAt: t0.Add(time.Hour)},
		} {
			if got, err := db.SaveShortLink(ctx, other); err != nil || got.Code != other.Code {
				t.Fatalf("%s of %s: %+v, %v; want its own code", other.Purpose, other.OrderID, got, err)
			}
		}
	})
}

// TestShortLinkSavedOnceUnderRace: terminals showing the same order's
// link at once all get one code.
func TestShortLinkSavedOnceUnderRace(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db *DB, _ *testClock) {
		ctx := context.Background()
		codes := make([]string, 8)
		var wg sync.WaitGroup
		for i := range codes {
			wg.Go(func() {
				l, err := db.SaveShortLink(ctx, flow.ShortLink{Code: string(rune('a'+i)) + "000000000", OrderID: "o-1",
					Purpose: flow.LinkGDAP, Target: "https://admin.example/rel-1", ExpiresAt: t0.Add(time.Hour)})
				if err != nil {
					t.Error(err)
				}
				codes[i] = l.Code
			})
		}
		wg.Wait()
		for _, c := range codes {
			if c != codes[0] {
				t.Fatalf("codes %v: want one", codes)
			}
		}
	})
}
