package store

import (
	"context"
	"database/sql"
	"sync"
	"time"
)

// walAutocheckpoint is the WAL size, in pages, at which a connection's
// commit copies the WAL into the database file (dsnParams).
const walAutocheckpoint = "10000"

// checkpointTimeout bounds one background checkpoint: a passive one never
// waits for locks, so only a stalled disk makes it take long.
const checkpointTimeout = time.Minute

// checkpointer copies the WAL into the database file on its own goroutine
// and connection while an import keeps writing. An import's connection does
// not checkpoint at its commits: at a million users the checkpoints its
// commits ran (copying pages, syncing the file) were an eighth of the
// import, all of it on the one goroutine every user waits for. A passive
// checkpoint neither waits for nor blocks the writer, so here it runs on
// the other core. The WAL cannot restart while the import writes, so it
// grows to what the import wrote; journal_size_limit (dsnParams) truncates
// it once a later transaction restarts it.
type checkpointer struct {
	db   *sql.DB
	kick chan struct{}
	stop chan struct{}
	done chan struct{}
	once sync.Once
}

func startCheckpointer(db *sql.DB) *checkpointer {
	c := &checkpointer{db: db, kick: make(chan struct{}, 1), stop: make(chan struct{}), done: make(chan struct{})}
	go c.run()
	return c
}

// request asks for a checkpoint soon; one already asked for covers it.
func (c *checkpointer) request() {
	select {
	case c.kick <- struct{}{}:
	default:
	}
}

func (c *checkpointer) run() {
	defer close(c.done)
	for {
		select {
		case <-c.stop:
			return
		case <-c.kick:
		}
		ctx, cancel := context.WithTimeout(context.Background(), checkpointTimeout)
		// A failed passive checkpoint leaves the frames to the next one,
		// or to the next commit of a connection that checkpoints itself.
		_, _ = c.db.ExecContext(ctx, "PRAGMA wal_checkpoint(PASSIVE)")
		cancel()
	}
}

// close stops the goroutine after the checkpoint under way, if any; the
// database may be closed twice.
func (c *checkpointer) close() {
	c.once.Do(func() { close(c.stop) })
	<-c.done
}
