package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
)

// batchRows is how many rows one multi-row statement carries: large enough
// to amortise the per-statement cost, small enough for any parameter limit.
const batchRows = 100

// batch runs a statement of the form prefix + n row groups + suffix over
// many rows, batchRows at a time, through a statement prepared once per
// transaction; the last short batch gets its own statement.
type batch struct {
	tx     *sql.Tx
	prefix string // e.g. "INSERT INTO t (a, b) VALUES "
	group  string // one row's placeholders, e.g. "(?, ?)"
	sep    string // between groups, e.g. ", "
	suffix string // e.g. " ON CONFLICT … DO NOTHING"
	width  int    // parameters per row
	full   *sql.Stmt
}

func (b *batch) query(rows int) string {
	groups := make([]string, rows)
	for i := range groups {
		groups[i] = b.group
	}
	return b.prefix + strings.Join(groups, b.sep) + b.suffix
}

// exec runs the statement over args, width parameters per row.
func (b *batch) exec(ctx context.Context, args []any) error {
	per := batchRows * b.width
	for len(args) >= per {
		if b.full == nil {
			st, err := b.tx.PrepareContext(ctx, b.query(batchRows))
			if err != nil {
				return fmt.Errorf("prepare batch: %w", err)
			}
			b.full = st
		}
		if _, err := b.full.ExecContext(ctx, args[:per]...); err != nil {
			return err
		}
		args = args[per:]
	}
	if len(args) == 0 {
		return nil
	}
	_, err := b.tx.ExecContext(ctx, b.query(len(args)/b.width), args...)
	return err
}

func (b *batch) close() {
	if b.full != nil {
		b.full.Close()
	}
}
