package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"parley"
	"parley/postgres/pgtest"
	"parley/talks"
)

// crashKills is how many times TestCrashOverHTTP kills the server.
const crashKills = 20

// TestCrashOverHTTP runs parley serve as a subprocess while 16 clients post
// over HTTP, kills it (SIGKILL) at random moments 20 times, restarting it
// each time on the same data directory, and then checks that every
// acknowledged message is there exactly once, that no message is there
// twice, that admin ledger-check passes, and that an event stream resumed
// with Last-Event-ID from an early event carries every later message event
// once, in order.
//
// It takes 10 to 40 s; PARLEY_SKIP_CRASH=1 leaves it out (CI runs it in a
// step of its own without the race detector, whose server takes several
// times longer to start, see .ci/run).
func TestCrashOverHTTP(t *testing.T) {
	skipCrash(t)
	crashOverHTTP(t, "")
}

// TestCrashOverHTTPPostgres is TestCrashOverHTTP with the server on
// PostgreSQL (when PARLEY_TEST_POSTGRES is set).
func TestCrashOverHTTPPostgres(t *testing.T) {
	skipCrash(t)
	crashOverHTTP(t, pgtest.Schema(t))
}

// skipCrash skips a crash test with -short or PARLEY_SKIP_CRASH.
func skipCrash(t *testing.T) {
	if testing.Short() {
		t.Skip("kills and restarts a server 20 times; skipped with -short")
	}
	if os.Getenv("PARLEY_SKIP_CRASH") != "" {
		t.Skip("PARLEY_SKIP_CRASH is set: CI runs this test in a step of its own")
	}
}

// crashOverHTTP runs the crash test on SQLite in a data directory, or on
// the PostgreSQL database db.
func crashOverHTTP(t *testing.T, db string) {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	seed := uint64(time.Now().UnixNano())
	t.Logf("random seed %d", seed)
	rng := rand.New(rand.NewPCG(seed, seed>>1))

	dir := t.TempDir()
	d := &deployment{data: dir, db: db}
	useCheapArgon()
	admin, err := adminToken(ctx, d)
	if err != nil {
		t.Fatal(err)
	}
	args := []string{"--data", dir, "--passwords", "--limits-scale", "100000"}
	if db != "" {
		args = append(args, "--db", db)
	}
	var logs []*localServer
	start := func() *localServer {
		t.Helper()
		srv, err := startServer(ctx, args...)
		if err != nil {
			t.Fatal(err)
		}
		logs = append(logs, srv)
		return srv
	}
	srv := start()
	hc := &http.Client{Timeout: 30 * time.Second}
	api := &apiClient{base: srv.url, hc: hc}
	bt, err := setupTalks(ctx, api, admin, 4)
	if err != nil {
		t.Fatal(err)
	}
	var base atomic.Pointer[string]
	base.Store(&srv.url)

	// The clients: each posts texts of its own, never the same one twice,
	// and keeps those the server acknowledged (201) with their events.
	type ack struct {
		room     int
		eventSeq int64
		id       string
	}
	var (
		mu       sync.Mutex
		acked    = map[string]ack{}
		failures atomic.Int64
		unexpect = map[string]int{}
		stop     atomic.Bool
		wg       sync.WaitGroup
	)
	for c := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			room := c % len(bt.Rooms)
			tr := &http.Transport{MaxIdleConnsPerHost: 1}
			defer tr.CloseIdleConnections()
			pc := &http.Client{Transport: tr, Timeout: 10 * time.Second}
			for i := 0; !stop.Load() && ctx.Err() == nil; i++ {
				text := fmt.Sprintf("crash client %d message %d", c, i)
				body, _ := json.Marshal(map[string]string{"text": text})
				u := *base.Load() + "/api/v1/talks/" + bt.ID + "/rooms/" + url.PathEscape(bt.Rooms[room]) + "/messages"
				req, _ := http.NewRequestWithContext(ctx, "POST", u, bytes.NewReader(body))
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("Authorization", "Bearer "+bt.Parties[room])
				resp, err := pc.Do(req)
				if err != nil {
					// The server died under it: not acknowledged, perhaps
					// written. The next message is another text.
					failures.Add(1)
					time.Sleep(20 * time.Millisecond)
					continue
				}
				b, err := io.ReadAll(resp.Body)
				resp.Body.Close()
				if err != nil {
					failures.Add(1)
					continue
				}
				if resp.StatusCode != http.StatusCreated {
					mu.Lock()
					unexpect[fmt.Sprintf("%d %s", resp.StatusCode, bytes.TrimSpace(b))]++
					mu.Unlock()
					continue
				}
				var m parley.Message
				if err := json.Unmarshal(b, &m); err != nil || m.Text != text || m.EventSeq == 0 {
					t.Errorf("acknowledgement of %q: %v %s", text, err, b)
					continue
				}
				mu.Lock()
				acked[text] = ack{room: room, eventSeq: m.EventSeq, id: m.ID}
				mu.Unlock()
			}
		}()
	}

	// Kill the server at random moments, restarting it each time.
	ackedAt := func() int { mu.Lock(); defer mu.Unlock(); return len(acked) }
	for k := range crashKills {
		// Once writes go through again (or after 5 s), at a random moment
		// within the next half second.
		for n, t0 := ackedAt(), time.Now(); ackedAt() == n && time.Since(t0) < 5*time.Second; {
			time.Sleep(5 * time.Millisecond)
		}
		time.Sleep(time.Duration(rng.IntN(500)) * time.Millisecond)
		srv.cmd.Process.Kill()
		<-srv.done
		t.Logf("kill %d: %d acknowledged so far", k+1, ackedAt())
		srv = start()
		base.Store(&srv.url)
	}
	time.Sleep(300 * time.Millisecond)
	stop.Store(true)
	wg.Wait()
	defer srv.stop()
	if len(unexpect) > 0 {
		t.Errorf("answers other than 201: %v", unexpect)
	}
	if len(acked) < 5*crashKills {
		t.Fatalf("only %d messages acknowledged over %d restarts", len(acked), crashKills)
	}
	t.Logf("%d messages acknowledged; %d posts failed while the server was down or dying", len(acked), failures.Load())

	// Read every room back: each acknowledged message once, with the id and
	// event it was acknowledged with; no text twice.
	api.base = srv.url
	seen := map[string]int{}
	var msgEvents []int64
	for r, room := range bt.Rooms {
		after := int64(0)
		for {
			var page talks.Page
			path := fmt.Sprintf("/api/v1/talks/%s/rooms/%s/messages?after=%d&limit=200", bt.ID, url.PathEscape(room), after)
			if _, err := api.call(ctx, bt.Parties[r], "GET", path, nil, &page); err != nil {
				t.Fatal(err)
			}
			for _, m := range page.Messages {
				seen[m.Text]++
				msgEvents = append(msgEvents, m.EventSeq)
				if a, ok := acked[m.Text]; ok && (a.id != m.ID || a.eventSeq != m.EventSeq || a.room != r) {
					t.Errorf("%q acknowledged as %s (event %d) in room %d, read back as %s (event %d) in %s", m.Text, a.id, a.eventSeq, a.room, m.ID, m.EventSeq, room)
				}
				after = m.RoomSeq
			}
			if page.Next == "" {
				break
			}
		}
	}
	for text, n := range seen {
		if n != 1 {
			t.Errorf("%q is there %d times", text, n)
		}
	}
	lost := 0
	for text := range acked {
		if seen[text] == 0 {
			lost++
			if lost <= 5 {
				t.Errorf("acknowledged %q is lost", text)
			}
		}
	}
	if lost > 0 {
		t.Fatalf("%d of %d acknowledged messages lost", lost, len(acked))
	}

	// An event stream resumed from an early event carries every later
	// message once, in order, and then goes on live.
	checkResumedStream(ctx, t, srv.url, bt, msgEvents)

	srv.stop()
	for _, s := range logs {
		if lines := s.errorLines(); len(lines) > 0 {
			t.Errorf("a server logged %d errors; the first: %s", len(lines), lines[0])
		}
	}
	check := []string{"admin", "ledger-check", "--data", dir}
	if db != "" {
		check = append(check, "--db", db)
	}
	if out, errs, code := cliRun(t, check...); code != 0 {
		t.Fatalf("ledger-check after %d kills: %s %s", crashKills, out, errs)
	}
}

// checkResumedStream opens the mediator's event stream with Last-Event-ID
// set before the earliest message of msgEvents, and checks that it
// delivers each of those message events exactly once, in ledger order,
// with ids that only increase.
func checkResumedStream(ctx context.Context, t *testing.T, base string, bt *benchTalks, msgEvents []int64) {
	t.Helper()
	if len(msgEvents) == 0 {
		t.Fatal("no messages to resume over")
	}
	want := map[int64]bool{}
	from := msgEvents[0]
	for _, s := range msgEvents {
		want[s] = true
		from = min(from, s)
	}
	from-- // the event before the first message: all messages follow it
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", base+"/api/v1/events?talks="+url.QueryEscape(bt.ID), nil)
	req.Header.Set("Authorization", "Bearer "+bt.Mediator)
	req.Header.Set("Last-Event-ID", strconv.FormatInt(from, 10))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("event stream: %s", resp.Status)
	}
	br := bufio.NewReader(resp.Body)
	last, got := from, 0
	var id int64
	for got < len(want) {
		line, err := br.ReadString('\n')
		if err != nil {
			t.Fatalf("event stream ended after %d of %d messages (last id %d): %v", got, len(want), last, err)
		}
		line = strings.TrimRight(line, "\n")
		switch {
		case strings.HasPrefix(line, "id: "):
			id, _ = strconv.ParseInt(strings.TrimPrefix(line, "id: "), 10, 64)
			if id <= last {
				t.Fatalf("event %d after event %d: out of order or twice", id, last)
			}
			last = id
		case line == "event: "+parley.EventMessagePosted:
			if !want[id] {
				t.Fatalf("message event %d is not one of the messages read back", id)
			}
			got++
		}
	}
}
