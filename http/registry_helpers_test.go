package http_test

import (
	"encoding/json"
	"strconv"
	"sync"
	"testing"
	"time"

	"parley"
	parleyhttp "parley/http"
	"parley/internal/fixture"
	"parley/ledger"
)

// newQuietEnv is newEnv without the event streams' frequent heartbeats:
// the tests of people and promises keep a stream open for every role while
// they run, and a heartbeat checks the stream's credentials each time.
func newQuietEnv(t testing.TB) *env {
	t.Helper()
	return newEnvConfig(t, func(s *parleyhttp.Server, _ string) { s.HeartbeatEvery = time.Hour })
}

// members are the fixture's roles that have a bearer token.
var members = []string{"qatar", "envoy", "israel", "israel2", "hamas", "observer", "operator", "outsider"}

// articleDay is the seed article's "today": 425 days after 7 October 2023.
var articleDay = time.Date(2024, 12, 5, 12, 0, 0, 0, time.UTC)

// fixClock sets the service clock to the article's day and returns it.
func (e *env) fixClock() *fixture.Clock {
	c := &fixture.Clock{T: articleDay}
	e.Talks.Now = c.Now
	return c
}

// bundleRecords returns the events in user's ledger bundle, checking that
// the bundle verifies.
func (e *env) bundleRecords(t *testing.T, user string) []ledger.Record {
	t.Helper()
	b := e.bundleOf(t, user)
	out := make([]ledger.Record, len(b.Entries))
	for i, en := range b.Entries {
		out[i] = en.Record
	}
	return out
}

// streamed returns the events a stream carried until it was quiet; it
// may run in a goroutine of its own.
func streamed(t *testing.T, s *stream) []parley.Event {
	var out []parley.Event
	for _, ev := range s.collect(300 * time.Millisecond) {
		var pe parley.Event
		if err := json.Unmarshal([]byte(ev.Data), &pe); err != nil {
			t.Errorf("event %d: %v", ev.ID, err)
			continue
		}
		out = append(out, pe)
	}
	return out
}

// openStreams opens an event stream from the start for every member role.
func (e *env) openStreams(t *testing.T) map[string]*stream {
	streams := map[string]*stream{}
	for _, r := range members {
		streams[r] = e.openStream(t, r, 0, "")
	}
	return streams
}

// checkReadPaths checks that the events satisfying match reach exactly the
// roles in want, on the event stream and in the ledger bundle.
func (e *env) checkReadPaths(t *testing.T, streams map[string]*stream, want map[string]bool, what string, match func(kind, room string) bool) {
	t.Helper()
	// Collect every stream at once: each waits for a quiet spell.
	got := make([][]parley.Event, len(members))
	var wg sync.WaitGroup
	for i, r := range members {
		wg.Add(1)
		go func() { defer wg.Done(); got[i] = streamed(t, streams[r]) }()
	}
	wg.Wait()
	var seq int64
	for i, r := range members {
		n := 0
		for _, ev := range got[i] {
			if match(ev.Kind, ev.Room) {
				n++
			}
		}
		if (n > 0) != want[r] {
			t.Errorf("%s on %s's event stream: %d, want some: %v", what, r, n, want[r])
		}
		n = 0
		for _, rec := range e.bundleRecords(t, r) {
			if match(rec.Kind, rec.Room) {
				n++
				seq = rec.Index + 1
			}
		}
		if (n > 0) != want[r] {
			t.Errorf("%s in %s's ledger bundle: %d, want some: %v", what, r, n, want[r])
		}
	}
	// One of those events, asked for by its seq: 404 to whoever may not
	// see it, as for a missing one.
	if seq == 0 {
		t.Fatalf("no event of %s to ask for", what)
	}
	for _, r := range members {
		code := 404
		if want[r] {
			code = 200
		}
		if got, _ := e.do(t, r, "GET", "/api/v1/ledger/entries/"+strconv.FormatInt(seq, 10), nil); got != code {
			t.Errorf("%s: %s's ledger entry %d: %d, want %d", what, r, seq, got, code)
		}
	}
}

// decodeJSON decodes a response body into v.
func decodeJSON(t *testing.T, b []byte, v any) {
	t.Helper()
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("decode %s: %v", b, err)
	}
}
