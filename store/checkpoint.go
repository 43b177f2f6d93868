package store

import (
	"context"
	"database/sql"
	"sync"
	"sync/atomic"
	"time"
)

// walAutocheckpoint is the WAL size, in pages, at which a connection's
// commit copies the WAL into the database file (dsnParams).
const walAutocheckpoint = "10000"

// checkpointTimeout bounds one background checkpoint: a passive one never
// waits for locks and a truncating one waits for them at most busy_timeout,
// so only a stalled disk makes either take long.
const checkpointTimeout = time.Minute

// checkpointer copies the WAL into the database file on its own goroutine
// and connection while an import keeps writing. An import's connection does
// not checkpoint at its commits: at a million users the checkpoints its
// commits ran (copying pages, syncing the file) were an eighth of the
// import, all of it on the one goroutine every user waits for. A passive
// checkpoint neither waits for nor blocks the writer, so here it runs on
// the other core. The WAL cannot restart while the import writes, so it
// grows to what the import wrote; when the import ends, a truncating
// checkpoint empties it (later commits' own checkpoints were seen to leave
// a grown WAL at its size).
type checkpointer struct {
	db       *sql.DB
	kick     chan struct{}
	stop     chan struct{}
	done     chan struct{}
	once     sync.Once
	truncate atomic.Bool // the next checkpoint truncates the WAL
}

func startCheckpointer(db *sql.DB) *checkpointer {
	c := &checkpointer{db: db, kick: make(chan struct{}, 1), stop: make(chan struct{}), done: make(chan struct{})}
	go c.run()
	return c
}

// request asks for a passive checkpoint soon; one already asked for
// covers it.
func (c *checkpointer) request() {
	select {
	case c.kick <- struct{}{}:
	default:
	}
}

// requestTruncate asks for a checkpoint that also empties the WAL: it
// waits for readers and holds off writers while it copies what is left.
func (c *checkpointer) requestTruncate() {
	c.truncate.Store(true)
	c.request()
}

func (c *checkpointer) run() {
	defer close(c.done)
	for {
		select {
		case <-c.stop:
			select {
			case <-c.kick: // asked for before the store closed
				c.checkpoint()
			default:
			}
			return
		case <-c.kick:
			c.checkpoint()
		}
	}
}

func (c *checkpointer) checkpoint() {
	mode := "PASSIVE"
	if c.truncate.Swap(false) {
		mode = "TRUNCATE"
	}
	ctx, cancel := context.WithTimeout(context.Background(), checkpointTimeout)
	defer cancel()
	// A failed checkpoint leaves the frames to the next one, or to the
	// next commit of a connection that checkpoints itself.
	var busy, log, done int
	_ = c.db.QueryRowContext(ctx, "PRAGMA wal_checkpoint("+mode+")").Scan(&busy, &log, &done)
}

// close stops the goroutine after the checkpoint under way, if any; the
// database may be closed twice.
func (c *checkpointer) close() {
	c.once.Do(func() { close(c.stop) })
	<-c.done
}
