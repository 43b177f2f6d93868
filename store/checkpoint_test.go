package store

import (
	"context"
	"fmt"
	"os"
	"testing"

	"onboard/flow"
)

// An import stops its connection's own checkpoints (the checkpointer runs
// them on another); the connection goes back to the pool checkpointing
// again, else every later commit on it would leave the WAL to grow.
func TestUserImportGivesItsConnectionBackCheckpointing(t *testing.T) {
	db, _ := openTest(t)
	ctx := context.Background()
	db.sql.SetMaxOpenConns(1) // the import's connection is the one the checks below get
	var us []flow.User
	for i := range minImportTx + 5 {
		us = append(us, flow.User{ID: fmt.Sprintf("u%06d", i), DisplayName: fmt.Sprintf("User %d", i), UPN: fmt.Sprintf("u%d@x", i)})
	}
	im, err := db.BeginUserImport(ctx, "o1", "t1")
	if err != nil {
		t.Fatal(err)
	}
	if err := im.Add(ctx, us, ""); err != nil { // commits: a full transaction
		t.Fatal(err)
	}
	if err := im.Finish(ctx); err != nil {
		t.Fatal(err)
	}
	if err := im.Close(); err != nil {
		t.Fatal(err)
	}
	var pages, cache int
	if err := db.sql.QueryRowContext(ctx, "PRAGMA wal_autocheckpoint").Scan(&pages); err != nil {
		t.Fatal(err)
	}
	if err := db.sql.QueryRowContext(ctx, "PRAGMA cache_size").Scan(&cache); err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(pages) != walAutocheckpoint || cache != -16384 {
		t.Fatalf("after the import the connection checkpoints every %d pages with a cache of %d, want %s and -16384",
			pages, cache, walAutocheckpoint)
	}
	if n, _ := db.CountUsers(ctx, "t1"); n != minImportTx+5 {
		t.Fatalf("%d users stored", n)
	}
}

// The WAL an import grew (its connection does not checkpoint) is emptied
// once the import ends, by the checkpointer, not left at its size.
func TestUserImportLeavesTheWALEmpty(t *testing.T) {
	db, _ := openTest(t)
	ctx := context.Background()
	im, err := db.BeginUserImport(ctx, "o1", "t1")
	if err != nil {
		t.Fatal(err)
	}
	for p := range 3 {
		var us []flow.User
		for i := p * minImportTx; i < (p+1)*minImportTx; i++ {
			us = append(us, flow.User{ID: fmt.Sprintf("u%06d", i), DisplayName: fmt.Sprintf("User %d", i), UPN: fmt.Sprintf("u%d@x", i)})
		}
		if err := im.Add(ctx, us, fmt.Sprint("link-", p)); err != nil {
			t.Fatal(err)
		}
	}
	if err := im.Finish(ctx); err != nil {
		t.Fatal(err)
	}
	wal := db.path + "-wal"
	if st, err := os.Stat(wal); err != nil || st.Size() == 0 {
		t.Fatalf("no WAL written by the import: %v", err)
	}
	if err := im.Close(); err != nil {
		t.Fatal(err)
	}
	db.ckpt.close() // after the checkpoint the import's end asked for
	if st, err := os.Stat(wal); err != nil || st.Size() != 0 {
		t.Fatalf("WAL after the import: %d bytes (%v)", st.Size(), err)
	}
	if n, _ := db.CountUsers(ctx, "t1"); n != 3*minImportTx {
		t.Fatalf("%d users stored", n)
	}
}

// Asking twice before the checkpointer wakes is one checkpoint; closing
// twice (a database closed twice) returns.
func TestCheckpointerCoalescesAndClosesOnce(t *testing.T) {
	db, _ := openTest(t)
	db.ckpt.request()
	db.ckpt.request()
	db.ckpt.close()
	db.ckpt.close()
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
}
