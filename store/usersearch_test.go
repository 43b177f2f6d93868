package store

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"onboard/flow"
)

func searchIDs(t *testing.T, db *DB, tenant, text string, limit int) []string {
	t.Helper()
	var ids []string
	q := flow.UserQuery{Text: text, Limit: limit}
	for {
		p, err := db.SearchUsers(context.Background(), tenant, q)
		if err != nil {
			t.Fatal(err)
		}
		if len(p.Users) > limit {
			t.Fatalf("page of %d, limit %d", len(p.Users), limit)
		}
		for _, u := range p.Users {
			ids = append(ids, u.ID)
		}
		if p.Next == 0 {
			return ids
		}
		q.After = p.Next
	}
}

func TestSearchUsersByWordsInImportOrder(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db *DB, _ *testClock) {
		ctx := context.Background()
		var us []flow.User
		for i := range 5000 {
			first := []string{"Abigail", "Adam", "Zoe"}[i%3]
			us = append(us, flow.User{ID: fmt.Sprintf("u%04d", i), DisplayName: first + " Adams",
				UPN: fmt.Sprintf("%s.adams%d@x.example", first, i)})
		}
		us[4321].DisplayName, us[4321].UPN = "Élodie Ørsted", "elodie@x.example"
		if err := db.SaveUsers(ctx, "t1", us); err != nil {
			t.Fatal(err)
		}
		if err := db.SaveUsers(ctx, "t2", []flow.User{{ID: "o1", DisplayName: "Abigail Other", UPN: "abigail@y"}}); err != nil {
			t.Fatal(err)
		}
		cases := []struct {
			text string
			want int
		}{
			{"", 5000},
			{"ab", 1667},                 // a word being typed: Abigail
			{"abigail ", 1667},           // a whole word
			{"ADAM", 4999},               // Adam, Adams, adams123; not the renamed one
			{"adam ", 1666},              // the whole word only
			{"zoe adams4", 1 + 11 + 111}, // zoe.adams4, 4x, 4xx (i%3 == 2)
			{"adams4321", 0},             // renamed
			{"élodie", 1},
			{"ørsted", 1},
			{"nobody", 0},
			{"abigail other", 0}, // another tenant's
		}
		for _, c := range cases {
			ids := searchIDs(t, db, "t1", c.text, 17)
			n, err := db.CountMatchingUsers(ctx, "t1", c.text)
			if err != nil {
				t.Fatal(err)
			}
			if c.text == "zoe adams4" {
				c.want = 0
				for i := range 5000 {
					if i%3 == 2 && i != 4321 && fmt.Sprint(i)[0] == '4' {
						c.want++
					}
				}
			}
			if len(ids) != c.want || n != c.want {
				t.Errorf("%q: %d found, %d counted, want %d", c.text, len(ids), n, c.want)
			}
			for i := 1; i < len(ids); i++ {
				if ids[i] <= ids[i-1] {
					t.Fatalf("%q: %s after %s: not in import order", c.text, ids[i], ids[i-1])
				}
			}
		}
		// A re-saved user is found by the new name only.
		if err := db.SaveUsers(ctx, "t1", []flow.User{{ID: "u0000", DisplayName: "Quentin Blake", UPN: "qb@x.example"}}); err != nil {
			t.Fatal(err)
		}
		if got := searchIDs(t, db, "t1", "quentin", 5); len(got) != 1 || got[0] != "u0000" {
			t.Errorf("renamed user found as %v", got)
		}
		if n, _ := db.CountMatchingUsers(ctx, "t1", "abigail"); n != 1666 {
			t.Errorf("old name still counted: %d", n)
		}
	})
}

func TestUserImportResumesAtItsPosition(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db *DB, _ *testClock) {
		ctx := context.Background()
		page := func(from, n int) []flow.User {
			var us []flow.User
			for i := from; i < from+n; i++ {
				us = append(us, flow.User{ID: fmt.Sprintf("u%06d", i), DisplayName: fmt.Sprintf("User %d", i), UPN: fmt.Sprintf("u%d@x", i)})
			}
			return us
		}
		im, err := db.BeginUserImport(ctx, "o1", "t1")
		if err != nil {
			t.Fatal(err)
		}
		if err := im.Add(ctx, page(0, minImportTx), "link-1"); err != nil { // commits: a full transaction
			t.Fatal(err)
		}
		if err := im.Add(ctx, page(minImportTx, 10), "link-2"); err != nil { // stays pending
			t.Fatal(err)
		}
		im.Close() // a crash: the pending users are lost, the position is link-1
		im, err = db.BeginUserImport(ctx, "o1", "t1")
		if err != nil {
			t.Fatal(err)
		}
		if next, complete := im.Position(); next != "link-1" || complete || im.Saved() != minImportTx {
			t.Fatalf("resumed at %q complete=%v saved=%d", next, complete, im.Saved())
		}
		if err := im.Add(ctx, page(minImportTx, 10), ""); err != nil {
			t.Fatal(err)
		}
		if err := im.Finish(ctx); err != nil {
			t.Fatal(err)
		}
		im.Close()
		if n, _ := db.CountUsers(ctx, "t1"); n != minImportTx+10 {
			t.Fatalf("%d users, want %d", n, minImportTx+10)
		}
		if n, _ := db.CountMatchingUsers(ctx, "t1", "user"); n != minImportTx+10 {
			t.Fatalf("%d users searchable", n)
		}
		im, _ = db.BeginUserImport(ctx, "o1", "t1")
		if _, complete := im.Position(); !complete {
			t.Fatal("a finished import is not complete")
		}
		im.Close()
		// Another order's import of the tenant replaces its users.
		im, _ = db.BeginUserImport(ctx, "o2", "t1")
		if err := im.Add(ctx, page(5, 3), ""); err != nil {
			t.Fatal(err)
		}
		if err := im.Finish(ctx); err != nil {
			t.Fatal(err)
		}
		im.Close()
		if n, _ := db.CountMatchingUsers(ctx, "t1", ""); n != 3 {
			t.Fatalf("%d users after a new import of 3", n)
		}
		if n, _ := db.CountMatchingUsers(ctx, "t1", "user"); n != 3 {
			t.Fatalf("%d searchable after a new import of 3", n)
		}
		checkKeyTable(t, db) // the earlier import's keys went with its users
	})
}

// A user Graph lists twice (on two pages, or twice in one page, as pages
// shift under a changing directory) is stored and found once, as first seen.
func TestUserImportStoresAUserListedTwiceOnce(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db *DB, _ *testClock) {
		// The second listing in the same transaction as the first, and
		// in the next one.
		t.Run("one transaction", func(t *testing.T) { importListedTwice(t, db, "t1", false) })
		t.Run("after a commit", func(t *testing.T) { importListedTwice(t, db, "t2", true) })
	})
}

func importListedTwice(t *testing.T, db *DB, tenant string, commitBetween bool) {
	t.Helper()
	ctx := context.Background()
	im, err := db.BeginUserImport(ctx, "o-"+tenant, tenant)
	if err != nil {
		t.Fatal(err)
	}
	defer im.Close()
	first := []flow.User{{ID: "u1", UPN: "ada@x", DisplayName: "Ada Lovelace"}, {ID: "u2", UPN: "bob@x", DisplayName: "Bob Marley"}}
	if err := im.Add(ctx, first, "link-1"); err != nil {
		t.Fatal(err)
	}
	if commitBetween {
		if err := im.Commit(ctx); err != nil {
			t.Fatal(err)
		}
	}
	again := []flow.User{{ID: "u2", UPN: "bob2@x", DisplayName: "Bob Renamed"}, {ID: "u3", UPN: "cy@x", DisplayName: "Cy Twombly"},
		{ID: "u3", UPN: "cy@x", DisplayName: "Cy Twombly"}}
	for i := 0; i < batchRows; i++ { // a full statement too, not only the short tail
		again = append(again, flow.User{ID: fmt.Sprintf("v%03d", i%50), UPN: fmt.Sprintf("v%d@x", i), DisplayName: "Vera"})
	}
	if err := im.Add(ctx, again, ""); err != nil {
		t.Fatal(err)
	}
	if err := im.Finish(ctx); err != nil {
		t.Fatal(err)
	}
	if n, _ := db.CountUsers(ctx, tenant); n != 53 {
		t.Errorf("%d users stored, want 53", n)
	}
	if got := searchIDs(t, db, tenant, "bob", 5); len(got) != 1 || got[0] != "u2" {
		t.Errorf("bob found as %v", got)
	}
	if n, _ := db.CountMatchingUsers(ctx, tenant, "renamed"); n != 0 {
		t.Errorf("the second listing replaced the first: %d match", n)
	}
	if n, _ := db.CountMatchingUsers(ctx, tenant, "vera"); n != 50 {
		t.Errorf("%d Veras searchable, want 50", n)
	}
	checkKeyTable(t, db)
}

// checkKeyTable fails unless SQLite's tenant_user_keys lists every
// tenant_users row, under its key, and nothing else.
func checkKeyTable(t *testing.T, db *DB) {
	t.Helper()
	if db.postgres {
		return
	}
	var users, keys, unkeyed int
	if err := db.sql.QueryRowContext(context.Background(), `SELECT
		(SELECT COUNT(*) FROM tenant_users), (SELECT COUNT(*) FROM tenant_user_keys),
		(SELECT COUNT(*) FROM tenant_users u WHERE NOT EXISTS
			(SELECT 1 FROM tenant_user_keys k WHERE k.user_key = u.user_key AND k.id = u.id))`).
		Scan(&users, &keys, &unkeyed); err != nil {
		t.Fatal(err)
	}
	if keys != users || unkeyed != 0 {
		t.Errorf("%d users, %d keys, %d users without their key", users, keys, unkeyed)
	}
}

func TestCountHoldersCountsEachUserOnce(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db *DB, _ *testClock) {
		ctx := context.Background()
		us := []flow.User{
			{ID: "u1", SkuIDs: []string{"SKU-A", "sku-b"}},
			{ID: "u2", SkuIDs: []string{"sku-b"}},
			{ID: "u3", SkuIDs: []string{"sku-c"}},
			{ID: "u4"},
		}
		if err := db.SaveUsers(ctx, "t1", us); err != nil {
			t.Fatal(err)
		}
		if n, err := db.CountHolders(ctx, "t1", []string{"sku-a", "SKU-B"}); err != nil || n != 2 {
			t.Fatalf("holders of a or b = %d, %v; want 2 (u1 once, u2)", n, err)
		}
		if n, err := db.CountAssigned(ctx, "t1", "SKU-b"); err != nil || n != 2 {
			t.Fatalf("holders of b = %d, %v", n, err)
		}
	})
}

func TestFirstUsersByUPNWithSkus(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db *DB, _ *testClock) {
		ctx := context.Background()
		us := []flow.User{{ID: "c", UPN: "carol@x"}, {ID: "a", UPN: "alice@x"}, {ID: "b", UPN: "bob@x"}}
		if err := db.SaveUsers(ctx, "t1", us); err != nil {
			t.Fatal(err)
		}
		if err := db.AddAssignments(ctx, "t1", "sku-1", []string{"b"}, flow.AuditEvent{Actor: agent, OrderID: "o1"}); err != nil {
			t.Fatal(err)
		}
		got, err := db.FirstUsers(ctx, "t1", 2)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 2 || got[0].ID != "a" || got[1].ID != "b" || len(got[1].SkuIDs) != 1 || got[1].SkuIDs[0] != "sku-1" {
			t.Fatalf("first 2 users = %+v, want alice, then bob with sku-1", got)
		}
		if all, err := db.FirstUsers(ctx, "t1", 0); err != nil || len(all) != 3 {
			t.Fatalf("all users = %d, %v; want 3", len(all), err)
		}
	})
}

// A search that adds to one whose probe missed goes to the index at once
// and finds what it finds when probed; one that does not add to it probes.
func TestNarrowedSearchSkipsTheProbeAndFindsTheSame(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db *DB, _ *testClock) {
		ctx := context.Background()
		var us []flow.User
		for i := range 5000 {
			us = append(us, flow.User{ID: fmt.Sprintf("u%04d", i), DisplayName: fmt.Sprintf("User %d", i),
				UPN: fmt.Sprintf("user%d@x.example", i)})
		}
		if err := db.SaveUsers(ctx, "t1", us); err != nil {
			t.Fatal(err)
		}
		// Among the first probeRows users only user45 and user450–459.
		if got := searchIDs(t, db, "t1", "user45", 17); len(got) != 1+10+100 {
			t.Fatalf("user45: %d found", len(got))
		}
		if !db.misses.skip("t1", "user456") || db.misses.skip("t1", "user4") || db.misses.skip("t2", "user456") {
			t.Fatal("the missed search is not remembered for its tenant and its narrowings only")
		}
		for _, text := range []string{"user456", "user4567", "user4 ", "user4"} {
			narrowed := searchIDs(t, db, "t1", text, 17)
			db.misses = probeMisses{}
			if probed := searchIDs(t, db, "t1", text, 17); !slices.Equal(narrowed, probed) {
				t.Errorf("%q: %v without the probe, %v with it", text, narrowed, probed)
			}
			searchIDs(t, db, "t1", "user45", 17) // missed again
		}
	})
}
