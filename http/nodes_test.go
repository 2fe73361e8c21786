package http_test

import (
	"fmt"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	parleyhttp "parley/http"
	"parley/internal/fixture"
	"parley/postgres/pgtest"
)

// node starts a second server on e's database, as a second parley serve
// behind the same proxy; tokens are in the database, so they are shared.
func (e *env) node(t *testing.T) *env {
	t.Helper()
	fx := e.Env.Node(t)
	s := parleyhttp.NewServer(fx.Talks, fx.Auth)
	s.HeartbeatEvery = 50 * time.Millisecond
	logs := &fixture.Buffer{}
	s.Log = slog.New(slog.NewTextHandler(logs, nil))
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	return &env{Env: fx, srv: srv, tokens: e.tokens, logs: logs}
}

// TestEventStreamAcrossNodes: messages posted through node a and node b
// reach a stream on node b in ledger order without loss; a client that
// reconnects with Last-Event-ID to node a gets exactly what followed; a
// party's stream on another node carries only its own rooms.
func TestEventStreamAcrossNodes(t *testing.T) {
	if pgtest.DSN() == "" {
		t.Skip("several nodes need PostgreSQL's notifications: " + pgtest.SkipMessage)
	}
	a := newEnv(t)
	b := a.node(t)
	start, err := a.Talks.LastSeq(ctx())
	if err != nil {
		t.Fatal(err)
	}
	med := b.openStream(t, "qatar", start, "")
	party := b.openStream(t, "israel", start, "")
	const n = 10
	for i := range n {
		node := a
		if i%2 == 1 {
			node = b
		}
		node.must(t, 201, "hamas", "POST", node.talks("/rooms/caucus:hamas/messages"), map[string]string{"text": fmt.Sprint("hamas ", i)})
		node.must(t, 201, "israel", "POST", node.talks("/rooms/caucus:israel/messages"), map[string]string{"text": fmt.Sprint("israel ", i)})
	}
	got := med.until(t, 2*n)
	for i, ev := range got {
		if ev.ID != start+int64(i)+1 || ev.Kind != "message.posted" {
			t.Fatalf("event %d on node b: id %d %s, want %d: out of order, repeated or missed", i, ev.ID, ev.Kind, start+int64(i)+1)
		}
	}
	for _, ev := range party.until(t, n) {
		if !strings.Contains(ev.Data, `"room":"caucus:israel"`) {
			t.Fatalf("israel's stream on node b carried %s", ev.Data)
		}
	}
	// Resume on the other node from the middle.
	resumed := a.openStream(t, "qatar", got[n-1].ID, "").until(t, n)
	for i, ev := range resumed {
		if ev.ID != got[n+i].ID {
			t.Fatalf("resumed event %d on node a: id %d, want %d", i, ev.ID, got[n+i].ID)
		}
	}
}

// until reads n events or fails after a while.
func (s *stream) until(t *testing.T, n int) []sseEvent {
	t.Helper()
	var got []sseEvent
	timeout := time.After(15 * time.Second)
	for len(got) < n {
		select {
		case ev, ok := <-s.events:
			if !ok {
				t.Fatalf("stream ended after %d events, want %d", len(got), n)
			}
			got = append(got, ev)
		case <-timeout:
			t.Fatalf("%d events, want %d", len(got), n)
		}
	}
	return got
}

// lastSeq is the seq of the newest event, from which a test's stream
// starts so that no history needs draining.
func (e *env) lastSeq(t *testing.T) int64 {
	t.Helper()
	n, err := e.Talks.LastSeq(ctx())
	if err != nil {
		t.Fatal(err)
	}
	return n
}
