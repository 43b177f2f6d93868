package bench

import (
	"context"
	"flag"
	"testing"
	"time"

	"onboard/flow"
	"onboard/internal/testworld"
	"onboard/msapi/partnercenter"
	"onboard/msapi/sandbox"
)

var long = flag.Bool("long", false, "run the long tests (a 1M-user import under faults)")

// TestImportResumesUnderFaults100k imports 100,000 users while 30 % of
// Microsoft's answers are 503s and the client gives up after two attempts,
// so the import fails again and again: each retry continues after the last
// committed batch (the next link is stored with it) instead of listing the
// tenant from the start, and in the end every user is stored exactly once.
func TestImportResumesUnderFaults100k(t *testing.T) { importUnderFaults(t, 100_000) }

// TestImportResumesUnderFaults1M is the same for 1,000,000 users (-long).
func TestImportResumesUnderFaults1M(t *testing.T) {
	if !*long {
		t.Skip("a 1M-user import: run with -long")
	}
	importUnderFaults(t, 1_000_000)
}

func importUnderFaults(t *testing.T, users int) {
	ctx := context.Background()
	m := testworld.NewMicrosoft(t, sandbox.Options{NorthwindUsers: users})
	svc, db := m.Service(t, "")
	o, err := m.SignUp(ctx, svc, testworld.Answers(northwindDomain, northwindAdmin, "m365-business-premium", 10), northwindPass)
	if err != nil {
		t.Fatal(err)
	}
	svc.MS = m.Client(t, func(c *partnercenter.Config) {
		c.MaxAttempts, c.BaseBackoff, c.MaxBackoff = 2, time.Millisecond, time.Millisecond
	})
	m.MS.SetFaults(sandbox.Faults{ErrorRate: 0.3, Seed: 17})

	attempts, listed, resumed := 0, 0, 0
	for ; attempts < 500; attempts++ {
		first, last := -1, 0
		_, err := svc.Process(ctx, o.ID, func(p flow.Progress) {
			if p.Step != "users" {
				return
			}
			if first < 0 {
				first = p.Done
			}
			last = p.Done
		})
		if first > 0 {
			resumed++
		}
		if first >= 0 {
			listed += last - first
		}
		if err == nil {
			break
		}
		if _, err := svc.Retry(ctx, o.ID); err != nil {
			t.Fatalf("retry %d: %v", attempts, err)
		}
	}
	got, err := svc.GetOrder(ctx, o.ID)
	if err != nil || got.Status != flow.StatusCompleted {
		t.Fatalf("after %d attempts the order is %s (%v)", attempts+1, got.Status, err)
	}
	n, err := db.CountUsers(ctx, got.TenantID)
	if err != nil || n != users {
		t.Fatalf("%d users stored, want %d (%v)", n, users, err)
	}
	// user_key is unique: n distinct users of the tenant's n are stored once each.
	if c, err := db.CountMatchingUsers(ctx, got.TenantID, ""); err != nil || c != users {
		t.Fatalf("%d users searchable, want %d (%v)", c, users, err)
	}
	t.Logf("%d attempts, %d resumed after a committed batch, %d users listed in all", attempts+1, resumed, listed)
	if attempts == 0 || resumed == 0 {
		t.Fatalf("the faults never made the import resume (%d attempts)", attempts+1)
	}
	// Listing from the start on every retry would list the first batches
	// again and again; resuming lists each user once (a failed listing
	// keeps the whole pages it fetched), give or take a page lost with a
	// failed save.
	if listed > users+users/10 {
		t.Fatalf("listed %d users for %d: retries start over", listed, users)
	}
}
