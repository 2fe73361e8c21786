package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"parley/internal/fixture"
)

// TestFullDisk runs the server on a small filesystem of its own (a tmpfs,
// which needs root), fills it, and checks that writes answer 507 with a
// Retry-After while reads go on, that nothing acknowledged is lost, and that
// the server recovers by itself once space returns.
func TestFullDisk(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("mounting a small filesystem needs root; the database size cap (TestStorageFull in package http) covers the same path without it")
	}
	mnt := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=64m", "tmpfs", mnt).CombinedOutput(); err != nil {
		t.Skipf("cannot mount a tmpfs here (%v: %s)", err, out)
	}
	t.Cleanup(func() { exec.Command("umount", "-l", mnt).Run() })
	dir := filepath.Join(mnt, "data")
	if _, errs, code := cliRun(t, "demo", "--data", dir); code != 0 {
		t.Fatalf("demo: %s", errs)
	}
	// Fill the filesystem up to 2 MiB of free space, half a MiB of which is
	// ballast that can be given back later.
	var st syscall.Statfs_t
	if err := syscall.Statfs(mnt, &st); err != nil {
		t.Fatal(err)
	}
	if free := int64(st.Bavail) * int64(st.Bsize); free > 2<<20 {
		if err := os.WriteFile(filepath.Join(mnt, "filler"), make([]byte, free-2<<20), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	ballast := filepath.Join(mnt, "ballast")
	if err := os.WriteFile(ballast, make([]byte, 512<<10), 0o600); err != nil {
		t.Fatal(err)
	}
	var out, errb fixture.Buffer
	m := &Main{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- m.Run(ctx, []string{"serve", "--demo", "--addr", "127.0.0.1:0", "--data", dir}) }()
	t.Cleanup(func() {
		cancel()
		<-done
	})
	re := regexp.MustCompile(`listening on (http://127\.0\.0\.1:\d+)`)
	var base string
	for deadline := time.Now().Add(20 * time.Second); base == "" && time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if mm := re.FindStringSubmatch(out.String()); mm != nil {
			base = mm[1]
		}
	}
	if base == "" {
		t.Fatalf("server did not start: %s", errb.String())
	}
	tok, _, code := cliRun(t, "admin", "token", "--data", dir, "--user", "barnea")
	if code != 0 {
		t.Fatal("token")
	}
	tok = strings.TrimSpace(tok)
	var talks struct{ Talks []struct{ ID string } }
	get := func(path string) (int, []byte) {
		req, _ := http.NewRequest("GET", base+path, nil)
		req.Header.Set("Authorization", "Bearer "+tok)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, b
	}
	_, body := get("/api/v1/talks")
	json.Unmarshal(body, &talks)
	msgs := "/api/v1/talks/" + talks.Talks[0].ID + "/rooms/caucus:israel/messages"
	post := func(i int) (int, string) {
		req, _ := http.NewRequest("POST", base+msgs, strings.NewReader(fmt.Sprintf(`{"text":"%d %s"}`, i, strings.Repeat("w", 60<<10))))
		req.Header.Set("Authorization", "Bearer "+tok)
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		return resp.StatusCode, resp.Header.Get("Retry-After")
	}
	var page struct{ Messages []struct{ Text string } }
	_, body = get(msgs + "?limit=200")
	json.Unmarshal(body, &page)
	before := len(page.Messages)
	acked := 0
	full := false
	for i := 0; i < 200 && !full; i++ {
		switch code, retry := post(i); code {
		case 201:
			acked++
		case 507, 503:
			if retry == "" {
				t.Fatalf("%d without Retry-After", code)
			}
			full = true
		default:
			t.Fatalf("post %d on a filling disk: %d", i, code)
		}
	}
	if !full {
		t.Fatal("the disk never filled")
	}
	if code, _ := get(msgs + "?limit=200"); code != 200 {
		t.Fatalf("reading on a full disk: %d", code)
	}
	if err := os.Remove(ballast); err != nil {
		t.Fatal(err)
	}
	recovered := false
	for i := 0; i < 20 && !recovered; i++ {
		if code, _ := post(1000 + i); code == 201 {
			recovered = true
			acked++
		} else {
			time.Sleep(100 * time.Millisecond)
		}
	}
	if !recovered {
		t.Fatal("no write succeeded after space returned")
	}
	_, body = get(msgs + "?limit=200")
	json.Unmarshal(body, &page)
	if n := len(page.Messages) - before; n != acked {
		t.Fatalf("%d posts stored, %d acknowledged", n, acked)
	}
	if out, errs, code := cliRun(t, "admin", "ledger-check", "--data", dir); code != 0 {
		t.Fatalf("ledger-check after a full disk: %s %s", out, errs)
	}
	if strings.Contains(errb.String(), "level=ERROR") {
		t.Errorf("a full disk was logged as an internal error:\n%s", errb.String())
	}
}
