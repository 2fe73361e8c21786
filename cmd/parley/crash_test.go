package main

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"testing"

	"parley"
	"parley/talks"
)

// TestCrashKeepsLedgerWhole kills a process in the middle of concurrent
// writes and checks that every message it acknowledged survived and that
// the ledger, its tree and its checkpoint still agree.
func TestCrashKeepsLedgerWhole(t *testing.T) {
	if os.Getenv("PARLEY_CRASH_WRITER") != "" {
		t.Skip("runs as the writer of the parent test")
	}
	dir := t.TempDir()
	if _, errs, code := cliRun(t, "demo", "--data", dir); code != 0 {
		t.Fatalf("demo: %s", errs)
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestCrashWriter$", "-test.count=1")
	cmd.Env = append(os.Environ(), "PARLEY_CRASH_WRITER="+dir)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var acked []int64
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		if n, ok := strings.CutPrefix(sc.Text(), "acked "); ok {
			seq, _ := strconv.ParseInt(n, 10, 64)
			acked = append(acked, seq)
			if len(acked) == 200 {
				cmd.Process.Kill() // no clean shutdown: as a crash
				break
			}
		}
	}
	cmd.Wait()
	if len(acked) < 200 {
		t.Fatalf("writer acknowledged only %d messages before it stopped", len(acked))
	}

	ctx := context.Background()
	a, err := openApp(ctx, dir, "", false)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	size, err := a.talks.CheckLedger(ctx)
	if err != nil {
		t.Fatalf("ledger after the crash: %v", err)
	}
	err = a.store.View(ctx, func(tx parley.Tx) error {
		for _, seq := range acked {
			if seq > size {
				return fmt.Errorf("acknowledged event %d is beyond the log (%d)", seq, size)
			}
			if _, err := tx.LedgerEntries(ctx, []int64{seq}); err != nil {
				return fmt.Errorf("acknowledged event %d lost: %v", seq, err)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if out, errs, code := cliRun(t, "admin", "ledger-check", "--data", dir); code != 0 {
		t.Fatalf("ledger-check after the crash: %s %s", out, errs)
	}
}

// TestCrashWriter is the child of TestCrashKeepsLedgerWhole: it posts from
// four goroutines until it is killed, printing each acknowledged event.
func TestCrashWriter(t *testing.T) {
	dir := os.Getenv("PARLEY_CRASH_WRITER")
	if dir == "" {
		t.Skip("only runs as the child of TestCrashKeepsLedgerWhole")
	}
	ctx := context.Background()
	a, err := openApp(ctx, dir, "", false)
	if err != nil {
		t.Fatal(err)
	}
	var u *parley.User
	var talksID string
	a.store.View(ctx, func(tx parley.Tx) error {
		u, _ = tx.UserByName(ctx, "al-thani")
		all, _ := tx.ListTalks(ctx)
		talksID = all[0].ID
		return nil
	})
	var mu sync.Mutex
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				m, err := a.talks.Post(ctx, u, talksID, parley.RoomMediators, talks.NewMessage{Text: fmt.Sprintf("writer %d message %d", w, i), Disclosure: parley.MediatorOnly})
				if err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				fmt.Printf("acked %d\n", m.EventSeq)
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
}
