package sqlstore_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"parley"
	"parley/sqlite"
	"parley/sqlstore"
)

func TestUpdate(t *testing.T) {
	ctx := context.Background()

	t.Run("ReturnsEventsAfterCommit", func(t *testing.T) {
		s, vkey := MustOpen(t)
		evs, err := s.Update(ctx, func(tx parley.Tx) error {
			for _, tag := range []string{"a", "b"} {
				if _, err := appendEvent(ctx, tx, tag); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if len(evs) != 2 || evs[0].Seq != 1 || evs[1].Seq != 2 {
			t.Fatalf("events %+v, want seqs 1 and 2", evs)
		}
		if got := allEvents(t, s); len(got) != 2 {
			t.Fatalf("stored %d events, want 2", len(got))
		}
		if n := checkLedger(t, s, vkey); n != 1 {
			t.Errorf("%d checkpoints, want 1", n)
		}
	})

	t.Run("ErrorRollsBackOnlyThatCall", func(t *testing.T) {
		s, vkey := MustOpen(t)
		boom := errors.New("boom")
		_, err := s.Update(ctx, func(tx parley.Tx) error {
			if _, err := appendEvent(ctx, tx, "lost"); err != nil {
				return err
			}
			return boom
		})
		if err != boom {
			t.Fatalf("err = %v, want the fn's own error", err)
		}
		if got := allEvents(t, s); len(got) != 0 {
			t.Fatalf("a failed update left %d events", len(got))
		}
		if _, err := s.Update(ctx, func(tx parley.Tx) error { _, err := appendEvent(ctx, tx, "kept"); return err }); err != nil {
			t.Fatal(err)
		}
		if got := allEvents(t, s); len(got) != 1 || got[0].Seq != 1 || tagOf(t, got[0]) != "kept" {
			t.Fatalf("events after failure and success: %+v", got)
		}
		checkLedger(t, s, vkey)
	})

	t.Run("CanceledBeforeStartDoesNotRun", func(t *testing.T) {
		s, _ := MustOpen(t)
		cctx, cancel := context.WithCancel(ctx)
		cancel()
		ran := false
		_, err := s.Update(cctx, func(tx parley.Tx) error { ran = true; return nil })
		if !errors.Is(err, context.Canceled) || ran {
			t.Fatalf("err = %v, ran = %v; want context.Canceled and fn not run", err, ran)
		}
	})

	t.Run("PanicReachesItsCaller", func(t *testing.T) {
		s, vkey := MustOpen(t)
		func() {
			defer func() {
				if p := recover(); p != "kaboom" {
					t.Fatalf("recovered %v, want kaboom", p)
				}
			}()
			s.Update(ctx, func(tx parley.Tx) error {
				appendEvent(ctx, tx, "lost")
				panic("kaboom")
			})
		}()
		if _, err := s.Update(ctx, func(tx parley.Tx) error { _, err := appendEvent(ctx, tx, "after"); return err }); err != nil {
			t.Fatalf("store unusable after a panic: %v", err)
		}
		if got := allEvents(t, s); len(got) != 1 || tagOf(t, got[0]) != "after" {
			t.Fatalf("events %+v", got)
		}
		checkLedger(t, s, vkey)
	})

	t.Run("CommitFailureFailsWholeBatch", func(t *testing.T) {
		s, vkey := MustOpen(t)
		seal := s.Seal
		s.Seal = func(ctx context.Context, tx parley.LedgerTx) error {
			if n, err := tx.LedgerSize(ctx); err != nil || n > 1 {
				return errors.New("signer offline")
			}
			return seal(ctx, tx)
		}
		started, queued := make(chan struct{}), make(chan struct{})
		var wg sync.WaitGroup
		wg.Add(1)
		go func() { // the leader of the first batch holds it open
			defer wg.Done()
			_, err := s.Update(ctx, func(tx parley.Tx) error {
				close(started)
				<-queued
				_, err := appendEvent(ctx, tx, "first")
				return err
			})
			if err != nil {
				t.Errorf("first: %v", err)
			}
		}()
		<-started
		errs := make([]error, 3)
		evs := make([][]parley.Event, 3)
		for i := range errs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				evs[i], errs[i] = s.Update(ctx, func(tx parley.Tx) error { _, err := appendEvent(ctx, tx, fmt.Sprint(i)); return err })
			}()
		}
		for sqlstore.QueueLen(s) < 3 {
			runtime.Gosched()
		}
		close(queued)
		wg.Wait()
		for i := range errs {
			if errs[i] == nil || !strings.Contains(errs[i].Error(), "signer offline") || evs[i] != nil {
				t.Errorf("call %d in the failed batch: events %v, err %v", i, evs[i], errs[i])
			}
		}
		if got := allEvents(t, s); len(got) != 1 || tagOf(t, got[0]) != "first" {
			t.Fatalf("events %+v, want only the first batch's", got)
		}
		s.Seal = seal
		evs0, err := s.Update(ctx, func(tx parley.Tx) error { _, err := appendEvent(ctx, tx, "next"); return err })
		if err != nil || evs0[0].Seq != 2 {
			t.Fatalf("after a failed batch: %v, %v", evs0, err)
		}
		checkLedger(t, s, vkey)
	})

	t.Run("ConcurrentWritersSomeFailing", func(t *testing.T) {
		s, vkey := MustOpen(t)
		const writers, each = 16, 12
		var (
			wg      sync.WaitGroup
			mu      sync.Mutex
			want    = map[string]int64{} // tag → seq returned to its caller
			errFail = errors.New("refused")
		)
		for w := range writers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range each {
					tag := fmt.Sprintf("w%d-%d", w, i)
					fail := (w+i)%4 == 0
					evs, err := s.Update(ctx, func(tx parley.Tx) error {
						// Two events per call, so that a failed call
						// has something to roll back.
						for _, suffix := range []string{"", "+"} {
							if _, err := appendEvent(ctx, tx, tag+suffix); err != nil {
								return err
							}
						}
						if fail {
							return errFail
						}
						return nil
					})
					if fail {
						if err != errFail || evs != nil {
							t.Errorf("%s: got %v, %v; want its own error and no events", tag, evs, err)
						}
						continue
					}
					if err != nil || len(evs) != 2 || evs[1].Seq != evs[0].Seq+1 {
						t.Errorf("%s: events %+v, err %v", tag, evs, err)
						continue
					}
					// Returned means committed: a new read sees it.
					var seen []parley.Event
					s.View(ctx, func(tx parley.Tx) error {
						var err error
						seen, err = tx.EventsAfter(ctx, evs[0].Seq-1, 1)
						return err
					})
					if len(seen) != 1 || tagOf(t, seen[0]) != tag {
						t.Errorf("%s: not readable after Update returned: %+v", tag, seen)
					}
					mu.Lock()
					want[tag] = evs[0].Seq
					mu.Unlock()
				}
			}()
		}
		wg.Wait()
		got := allEvents(t, s)
		if len(got) != 2*len(want) {
			t.Fatalf("stored %d events, want %d (two per successful call)", len(got), 2*len(want))
		}
		for i, e := range got {
			if e.Seq != int64(i+1) {
				t.Fatalf("event %d has seq %d: not contiguous", i, e.Seq)
			}
			tag := tagOf(t, e)
			if i%2 == 1 {
				if tag != tagOf(t, got[i-1])+"+" {
					t.Fatalf("seq %d: %q does not follow its call's first event", e.Seq, tag)
				}
				continue
			}
			if seq, ok := want[tag]; !ok || seq != e.Seq {
				t.Fatalf("seq %d holds %q, returned to its caller as seq %d (ok=%v)", e.Seq, tag, seq, ok)
			}
		}
		n := checkLedger(t, s, vkey)
		t.Logf("%d successful calls committed with %d checkpoints", len(want), n)
	})
}

// TestOtherProcessWritesMidBatch: a second store on the same database (the
// CLI in another process, or another node) commits between a batch's first
// read and its first write; the batch waits for the lock instead of failing,
// and the log stays one.
func TestOtherProcessWritesMidBatch(t *testing.T) {
	srv, another, vkey := mustOpenTwo(t)
	cli := another()
	ctx := context.Background()
	cliDone := make(chan error, 1)
	_, err := srv.Update(ctx, func(tx parley.Tx) error {
		if _, err := tx.LedgerSize(ctx); err != nil {
			return err
		}
		go func() {
			_, err := cli.Update(ctx, func(tx parley.Tx) error {
				_, err := appendEvent(ctx, tx, "cli")
				return err
			})
			cliDone <- err
		}()
		time.Sleep(50 * time.Millisecond)
		_, err := appendEvent(ctx, tx, "server")
		return err
	})
	if err != nil {
		t.Fatalf("server batch: %v", err)
	}
	if err := <-cliDone; err != nil {
		t.Fatalf("cli write: %v", err)
	}
	if n := len(allEvents(t, srv)); n != 2 {
		t.Fatalf("%d events, want 2", n)
	}
	checkLedger(t, srv, vkey)
}

func TestCancelledCallerLeavesBatchIntact(t *testing.T) {
	s, vkey := MustOpen(t)
	block := make(chan struct{})
	started := make(chan struct{})
	// Occupy the leader so the next calls queue into one batch.
	go s.Update(context.Background(), func(tx parley.Tx) error {
		close(started)
		<-block
		return nil
	})
	<-started
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	var goodErr error
	wg.Add(2)
	go func() {
		defer wg.Done()
		_, goodErr = s.Update(context.Background(), func(tx parley.Tx) error {
			_, err := appendEvent(context.Background(), tx, "good")
			return err
		})
	}()
	time.Sleep(20 * time.Millisecond)
	go func() {
		defer wg.Done()
		s.Update(ctx, func(tx parley.Tx) error {
			if _, err := appendEvent(ctx, tx, "cancelled"); err != nil {
				return err
			}
			// Cancelled in the middle of a long statement.
			time.AfterFunc(5*time.Millisecond, cancel)
			if err := sqlstore.Busy(ctx, tx); err != nil {
				return err
			}
			return ctx.Err()
		})
	}()
	time.Sleep(20 * time.Millisecond)
	close(block)
	wg.Wait()
	if goodErr != nil {
		t.Fatalf("the uncancelled caller failed: %v", goodErr)
	}
	tags := map[string]int{}
	for _, e := range allEvents(t, s) {
		tags[tagOf(t, e)]++
	}
	if tags["good"] != 1 || tags["cancelled"] != 0 {
		t.Fatalf("events by tag: %v", tags)
	}
	checkLedger(t, s, vkey)
}

// TestFullDiskInABatch: when the engine rolls the whole transaction back
// (SQLite does on a full disk), every caller in the batch gets the full
// disk's own error, not an internal one, and callers whose command never
// ran are retried in the next transaction instead of failed.
func TestFullDiskInABatch(t *testing.T) {
	ctx := context.Background()
	s, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "p.db"), sqlite.MaxSize(1<<20))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	big := strings.Repeat("x", 40<<10)
	put := func(ctx context.Context, key string) error {
		_, err := s.Update(ctx, func(tx parley.Tx) error { return tx.PutSetting(ctx, key, big) })
		return err
	}
	// Fill the store up.
	for i := 0; ; i++ {
		if err := put(ctx, fmt.Sprint("fill-", i)); err != nil {
			if parley.ErrorCode(err) != parley.ESTORAGEFULL {
				t.Fatalf("filling: %v", err)
			}
			break
		}
	}
	started, release := make(chan struct{}), make(chan struct{})
	go s.Update(ctx, func(tx parley.Tx) error { close(started); <-release; return nil })
	<-started
	errs := make([]error, 3)
	var wg sync.WaitGroup
	for i := range errs {
		wg.Add(1)
		go func() { defer wg.Done(); errs[i] = put(ctx, fmt.Sprint("queued-", i)) }()
	}
	for sqlstore.QueueLen(s) < 3 {
		runtime.Gosched()
	}
	close(release)
	wg.Wait()
	for i, err := range errs {
		if parley.ErrorCode(err) != parley.ESTORAGEFULL {
			t.Errorf("caller %d in a batch on a full disk: %v", i, err)
		}
	}
	// The store still works for what fits.
	if _, err := s.Update(ctx, func(tx parley.Tx) error { return tx.PutSetting(ctx, "small", "x") }); err != nil && parley.ErrorCode(err) != parley.ESTORAGEFULL {
		t.Fatalf("after: %v", err)
	}
}
