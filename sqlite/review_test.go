package sqlite_test

import (
	"context"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"parley"
	"parley/sqlite"
)

// TestOtherProcessWritesMidBatch: a second store on the same file (as the
// CLI opens) commits between a batch's first read and its first write; the
// batch waits for the lock instead of failing.
func TestOtherProcessWritesMidBatch(t *testing.T) {
	srv, _ := MustOpen(t)
	path := filepath.Join(filepath.Dir(dbPath(t, srv)), "parley.db")
	cli, err := sqlite.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer cli.Close()
	ctx := context.Background()
	cliDone := make(chan error, 1)
	_, err = srv.Update(ctx, func(tx parley.Tx) error {
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
}

// dbPath finds the store's database file.
func dbPath(t *testing.T, s *sqlite.Store) string {
	var seq int
	var name, file string
	if err := s.DB().QueryRow(`PRAGMA database_list`).Scan(&seq, &name, &file); err != nil {
		t.Fatal(err)
	}
	return file
}

// TestCancelledCallerLeavesBatchIntact: one caller's context is cancelled
// while its command runs; the other callers of the same transaction still
// commit.
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
			if err := sqlite.Busy(ctx, tx); err != nil {
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

// TestOddPathCharacters: '?', '#' and '%' in a directory name are part of
// the path, and the database is still in WAL mode.
func TestOddPathCharacters(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "a#b?c%41")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	s, err := sqlite.Open(context.Background(), filepath.Join(dir, "parley.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := os.Stat(filepath.Join(dir, "parley.db")); err != nil {
		t.Fatalf("database not where asked: %v", err)
	}
	var mode string
	if err := s.DB().QueryRow(`PRAGMA journal_mode`).Scan(&mode); err != nil || mode != "wal" {
		t.Fatalf("journal mode %q, %v", mode, err)
	}
}
