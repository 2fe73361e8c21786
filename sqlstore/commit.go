package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"

	"parley"
)

// Group commit. Every write waits for an fsync (synchronous=FULL), so
// writers that arrive while a commit is in flight are run together in the
// next transaction and share its fsync and its checkpoint. The first caller
// to find no commit in flight leads: it takes everything queued, runs each
// fn under its own savepoint, signs one checkpoint, commits, wakes the
// others and hands the lead to the first caller that queued meanwhile.

// request is one Update call.
type request struct {
	ctx    context.Context
	fn     func(parley.Tx) error
	events []parley.Event
	err    error
	// ran is set once fn was started (or found cancelled): a request whose
	// batch failed before it ran is put back in the queue, not failed.
	ran bool
	// panicked holds what fn panicked with, re-raised in the caller.
	panicked any
	// lead is set before wake is closed when this caller must lead the
	// next batch instead of returning.
	lead bool
	// wake is closed when the request is done or must lead.
	wake chan struct{}
}

// Update runs fn in a write transaction and returns the events it appended
// once the transaction holding them has committed.
//
// Concurrent calls may share one transaction and one checkpoint: each fn
// runs under its own savepoint, so a fn that returns an error leaves no
// writes behind and only its caller gets the error; if the commit fails,
// every caller in the transaction gets an error and no events. Events are
// numbered in commit order. A call whose ctx is done before its fn starts
// returns ctx.Err() without running fn.
func (s *Store) Update(ctx context.Context, fn func(parley.Tx) error) ([]parley.Event, error) {
	r := &request{ctx: ctx, fn: fn, wake: make(chan struct{})}
	s.mu.Lock()
	s.queue = append(s.queue, r)
	lead := !s.busy
	s.busy = true
	s.mu.Unlock()
	if !lead {
		<-r.wake
		lead = r.lead
	}
	if lead {
		s.lead()
	}
	if r.panicked != nil {
		panic(r.panicked)
	}
	return r.events, r.err
}

// lead commits the queued calls (the leader's own first), wakes their
// callers and passes the lead on, or clears busy when nobody is waiting.
func (s *Store) lead() {
	s.mu.Lock()
	n := len(s.queue)
	if s.maxBatch > 0 && n > s.maxBatch {
		n = s.maxBatch
	}
	batch := s.queue[:n:n]
	s.queue = append([]*request(nil), s.queue[n:]...)
	s.mu.Unlock()

	committed := false
	var again []*request // requests of a failed batch that never ran
	defer func() {
		if !committed { // the commit machinery panicked: fail the batch
			for _, r := range batch {
				r.events, r.err = nil, errors.New("update: transaction aborted")
			}
			again = nil
		}
		s.mu.Lock()
		s.queue = append(again, s.queue...)
		if len(s.queue) > 0 {
			s.queue[0].lead = true
			close(s.queue[0].wake)
		} else {
			s.busy = false
		}
		s.mu.Unlock()
		for _, r := range batch[1:] {
			if !slices.Contains(again, r) {
				close(r.wake)
			}
		}
	}()
	if err := s.commit(batch); err != nil {
		for _, r := range batch {
			if !r.ran {
				again = append(again, r)
				continue
			}
			if r.err == nil {
				r.err = err
			}
			r.events = nil
		}
	}
	committed = true
}

// commit runs batch in one transaction. An error means nothing was
// committed.
func (s *Store) commit(batch []*request) error {
	// The transaction belongs to the whole batch: no single caller's
	// cancellation may roll it back.
	ctx := context.WithoutCancel(batch[0].ctx)
	sqlTx, err := s.dialect.BeginWrite(ctx, s.db)
	if err != nil {
		return s.formatError(err, "begin")
	}
	defer sqlTx.Rollback()
	b := &txBatch{}
	var last int64
	for _, r := range batch {
		if err := s.run(ctx, sqlTx, b, r); err != nil {
			return err
		}
		for _, e := range r.events {
			last = max(last, e.Seq)
		}
	}
	if last > 0 && s.Seal != nil {
		if err := s.Seal(ctx, s.batchTx(sqlTx, b)); err != nil {
			return err
		}
	}
	if a, ok := s.dialect.(Announcer); ok && last > 0 {
		if err := a.Announce(ctx, sqlTx, last); err != nil {
			return s.formatError(err, "announce")
		}
	}
	if err := sqlTx.Commit(); err != nil {
		return s.formatError(err, "commit")
	}
	s.scopes.committed(b)
	return nil
}

// batchTx returns a Tx on a batch's transaction.
func (s *Store) batchTx(sqlTx *sql.Tx, b *txBatch) *Tx {
	return &Tx{tx: sqlTx, d: s.dialect, stmts: s.stmts, scopes: s.scopes, batch: b, shared: true}
}

// run runs one call's fn under a savepoint, rolling its writes back if it
// fails. An error means the transaction itself is no longer usable.
func (s *Store) run(ctx context.Context, sqlTx *sql.Tx, b *txBatch, r *request) error {
	r.ran = true
	if r.err = r.ctx.Err(); r.err != nil {
		return nil
	}
	if _, err := sqlTx.ExecContext(ctx, `SAVEPOINT fn`); err != nil {
		return s.formatError(err, "savepoint")
	}
	tx := s.batchTx(sqlTx, b)
	size, sized := b.size, b.sized
	if r.err = call(r, tx); r.err != nil {
		b.size, b.sized = size, sized // the log as before fn
		if _, err := sqlTx.ExecContext(ctx, `ROLLBACK TO fn`); err != nil {
			// The engine rolled the whole transaction back (SQLite does
			// on a full disk): the batch fails, with fn's own error when
			// it says why and when to retry.
			if parley.Retryable(r.err) {
				return r.err
			}
			return s.formatError(err, "rollback to savepoint")
		}
	} else {
		r.events = tx.events
	}
	if _, err := sqlTx.ExecContext(ctx, `RELEASE fn`); err != nil {
		return s.formatError(err, "release savepoint")
	}
	return nil
}

// call runs r.fn, turning a panic into an error here and a panic in r's
// own goroutine later.
func call(r *request, tx *Tx) (err error) {
	defer func() {
		if p := recover(); p != nil {
			r.panicked = p
			err = fmt.Errorf("update panicked: %v", p)
		}
	}()
	return r.fn(tx)
}
