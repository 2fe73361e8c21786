package http_test

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/mod/sumdb/tlog"

	"parley"
	"parley/ledger"
	"parley/talks"
)

// ledgerPost posts a message as user directly through the service and
// returns the sequence number of its event.
func (e *env) ledgerPost(t *testing.T, user, room, text string) int64 {
	t.Helper()
	m, err := e.Talks.Post(ctx(), e.U(user), e.TalksID, room, talks.NewMessage{Text: text})
	if err != nil {
		t.Fatal(err)
	}
	return m.EventSeq
}

// checkpoint fetches and opens the latest checkpoint as user.
func (e *env) checkpoint(t *testing.T, user string) ledger.Checkpoint {
	t.Helper()
	body := e.must(t, 200, user, "GET", "/api/v1/ledger/checkpoint", nil)
	c, err := ledger.OpenCheckpoint(body, e.Signer.VerifierKey())
	if err != nil {
		t.Fatalf("checkpoint %q: %v", body, err)
	}
	return c
}

// leaves fetches the leaf hashes [start, end) as user.
func (e *env) leaves(t *testing.T, user string, start, end int64) []tlog.Hash {
	t.Helper()
	var out struct{ Leaves []string }
	if err := json.Unmarshal(e.must(t, 200, user, "GET", fmt.Sprintf("/api/v1/ledger/leaves?start=%d&end=%d", start, end), nil), &out); err != nil {
		t.Fatal(err)
	}
	hs := make([]tlog.Hash, len(out.Leaves))
	for i, s := range out.Leaves {
		b, err := base64.StdEncoding.DecodeString(s)
		if err != nil || len(b) != tlog.HashSize {
			t.Fatalf("leaf %d: %q", start+int64(i), s)
		}
		copy(hs[i][:], b)
	}
	return hs
}

// ledgerMessages posts one message in each of three rooms and returns the
// event sequence numbers by room.
func (e *env) ledgerMessages(t *testing.T) map[string]int64 {
	t.Helper()
	return map[string]int64{
		"caucus:israel": e.ledgerPost(t, "israel", "caucus:israel", "our opening position"),
		"caucus:hamas":  e.ledgerPost(t, "hamas", "caucus:hamas", "our reply"),
		"mediators":     e.ledgerPost(t, "qatar", "mediators", "between us"),
	}
}

func TestLedgerCheckpointAndKey(t *testing.T) {
	e := newEnv(t)
	e.ledgerMessages(t)
	var size int64
	if err := e.Store.View(ctx(), func(tx parley.Tx) error {
		var err error
		size, err = tx.LedgerSize(ctx())
		return err
	}); err != nil {
		t.Fatal(err)
	}
	// Shown to every member of some talks: it reveals no room.
	for _, u := range []string{"israel", "hamas", "qatar", "observer"} {
		if c := e.checkpoint(t, u); c.Tree.N != size {
			t.Errorf("as %s: checkpoint of size %d, want %d", u, c.Tree.N, size)
		}
	}
	var k struct {
		VerifierKey string `json:"verifier_key"`
	}
	json.Unmarshal(e.must(t, 200, "israel", "GET", "/api/v1/ledger/key", nil), &k)
	if k.VerifierKey != e.Signer.VerifierKey() {
		t.Errorf("key endpoint: %q, want %q", k.VerifierKey, e.Signer.VerifierKey())
	}
	for _, p := range []string{"checkpoint", "key", "leaves", "proof/inclusion?index=0", "proof/consistency?from=1", "entries/1", "bundle"} {
		e.must(t, 401, "", "GET", "/api/v1/ledger/"+p, nil)
	}
}

func TestLedgerProofs(t *testing.T) {
	e := newEnv(t)
	seqs := e.ledgerMessages(t)
	c1 := e.checkpoint(t, "israel")
	n1 := c1.Tree.N

	t.Run("LeavesRebuildTheCheckpointRoot", func(t *testing.T) {
		hs := e.leaves(t, "observer", 0, n1)
		if int64(len(hs)) != n1 {
			t.Fatalf("%d leaves, want %d", len(hs), n1)
		}
		var log ledger.MemLog
		for _, h := range hs {
			log.Append(h)
		}
		if tree, _ := log.Tree(); tree != c1.Tree {
			t.Fatalf("root of the served leaves differs from the checkpoint")
		}
		// Defaults: the whole log; a sub-range is a slice of it.
		var all struct{ Leaves []string }
		json.Unmarshal(e.must(t, 200, "israel", "GET", "/api/v1/ledger/leaves", nil), &all)
		if int64(len(all.Leaves)) != n1 {
			t.Errorf("leaves without bounds: %d, want %d", len(all.Leaves), n1)
		}
		if sub := e.leaves(t, "israel", 2, 5); len(sub) != 3 || sub[0] != hs[2] || sub[2] != hs[4] {
			t.Errorf("leaves [2,5) differ from the full listing")
		}
		if got := e.leaves(t, "israel", n1, n1); len(got) != 0 {
			t.Errorf("empty range: %d leaves", len(got))
		}
	})

	t.Run("Inclusion", func(t *testing.T) {
		hs := e.leaves(t, "israel", 0, n1)
		for _, i := range []int64{0, 1, n1 / 2, seqs["caucus:hamas"] - 1, n1 - 1} {
			for _, q := range []string{fmt.Sprintf("index=%d&size=%d", i, n1), fmt.Sprintf("index=%d", i)} {
				var p ledger.InclusionProof
				if err := json.Unmarshal(e.must(t, 200, "israel", "GET", "/api/v1/ledger/proof/inclusion?"+q, nil), &p); err != nil {
					t.Fatal(err)
				}
				if err := ledger.VerifyInclusion(p, hs[i], c1.Tree); err != nil {
					t.Errorf("%s: %v", q, err)
				}
				if i != 0 && ledger.VerifyInclusion(p, hs[0], c1.Tree) == nil {
					t.Errorf("%s: proof also holds for leaf 0", q)
				}
			}
		}
	})

	t.Run("Consistency", func(t *testing.T) {
		e.ledgerPost(t, "israel", "caucus:israel", "later")
		e.ledgerPost(t, "envoy", "mediators", "later still")
		c2 := e.checkpoint(t, "hamas")
		if c2.Tree.N != n1+2 {
			t.Fatalf("size %d after two posts, want %d", c2.Tree.N, n1+2)
		}
		for _, from := range []int64{1, n1 / 2, n1, c2.Tree.N} {
			body := e.must(t, 200, "observer", "GET", fmt.Sprintf("/api/v1/ledger/proof/consistency?from=%d&to=%d", from, c2.Tree.N), nil)
			p, err := ledger.ParseConsistencyProof(body)
			if err != nil {
				t.Fatal(err)
			}
			old := c2.Tree
			if from != c2.Tree.N {
				var log ledger.MemLog
				for _, h := range e.leaves(t, "observer", 0, from) {
					log.Append(h)
				}
				old, _ = log.Tree()
			}
			if err := ledger.CheckConsistency(p, old, c2.Tree); err != nil {
				t.Errorf("from %d: %v", from, err)
			}
		}
		// The JSON served is a proof file for parley verify --old --new.
		body := e.must(t, 200, "observer", "GET", fmt.Sprintf("/api/v1/ledger/proof/consistency?from=%d", n1), nil)
		p, err := ledger.ParseConsistencyProof(body)
		if err != nil {
			t.Fatal(err)
		}
		if err := ledger.VerifyConsistency(c1.Note, c2.Note, p, e.Signer.VerifierKey()); err != nil {
			t.Errorf("checkpoint before and after: %v", err)
		}
	})

	t.Run("BadParameters", func(t *testing.T) {
		size := e.checkpoint(t, "israel").Tree.N
		for _, q := range []string{
			"leaves?start=x",
			"leaves?start=-1",
			"leaves?end=1.5",
			"leaves?start=3&end=2",
			fmt.Sprintf("leaves?end=%d", size+1),
			"proof/inclusion?index=abc",
			fmt.Sprintf("proof/inclusion?index=%d", size),
			"proof/inclusion?index=3&size=3",
			fmt.Sprintf("proof/inclusion?index=0&size=%d", size+1),
			"proof/consistency?from=5&to=4",
			fmt.Sprintf("proof/consistency?from=1&to=%d", size+1),
			"proof/consistency?from=one",
			"entries/0",
			"entries/x",
		} {
			e.must(t, 400, "israel", "GET", "/api/v1/ledger/"+q, nil)
		}
		e.must(t, 404, "israel", "GET", fmt.Sprintf("/api/v1/ledger/entries/%d", size+1), nil)
		// From the empty tree the proof is empty, as RFC 6962 has it.
		var p ledger.ConsistencyProof
		json.Unmarshal(e.must(t, 200, "israel", "GET", "/api/v1/ledger/proof/consistency?from=0", nil), &p)
		if p.From != 0 || len(p.Hashes) != 0 {
			t.Errorf("proof from the empty tree: %+v", p)
		}
	})
}

func TestLedgerEntries(t *testing.T) {
	e := newEnv(t)
	seqs := e.ledgerMessages(t)
	c := e.checkpoint(t, "israel")
	hs := e.leaves(t, "israel", 0, c.Tree.N)
	for _, tc := range []struct {
		user, room string
		want       int
	}{
		{"israel", "caucus:israel", 200},
		{"israel2", "caucus:israel", 200},
		{"qatar", "caucus:israel", 200},
		{"hamas", "caucus:israel", 404},
		{"observer", "caucus:israel", 404},
		{"outsider", "caucus:israel", 404},
		{"israel", "caucus:hamas", 404},
		{"hamas", "caucus:hamas", 200},
		{"israel", "mediators", 404},
		{"envoy", "mediators", 200},
	} {
		seq := seqs[tc.room]
		body := e.must(t, tc.want, tc.user, "GET", fmt.Sprintf("/api/v1/ledger/entries/%d", seq), nil)
		if tc.want != 200 {
			if strings.Contains(string(body), tc.room) {
				t.Errorf("%s reading %s: refusal names the room: %s", tc.user, tc.room, body)
			}
			continue
		}
		// The entry has a bundle entry's shape, proof included.
		var le ledger.Entry
		if err := json.Unmarshal(body, &le); err != nil {
			t.Fatal(err)
		}
		if le.Index != seq-1 || le.Record.Index != seq-1 || le.Record.Room != tc.room {
			t.Errorf("%s: entry %d: %+v", tc.user, seq, le.Record)
		}
		if err := ledger.VerifyInclusion(le.Proof, ledger.LeafHash(le.Salt, le.Canonical), c.Tree); err != nil {
			t.Errorf("%s: entry %d does not prove against the checkpoint: %v", tc.user, seq, err)
		}
		leaf, err := ledger.EventLeaf(le.Index, le.Salt, le.Canonical)
		if err != nil {
			t.Fatal(err)
		}
		if leaf != hs[le.Index] {
			t.Errorf("%s: salt and canonical bytes of %d do not give the served leaf", tc.user, seq)
		}
	}
}

func TestLedgerBundle(t *testing.T) {
	e := newEnv(t)
	seqs := e.ledgerMessages(t)
	key := e.Signer.VerifierKey()
	allowed := map[string][]string{
		"israel":   {"", "plenary", "caucus:israel"},
		"hamas":    {"", "plenary", "caucus:hamas"},
		"observer": {"", "briefing"},
		"qatar":    {"", "plenary", "caucus:israel", "caucus:hamas", "mediators", "briefing"},
	}
	for user, rooms := range allowed {
		body := e.must(t, 200, user, "GET", "/api/v1/ledger/bundle", nil)
		b, err := ledger.ParseBundle(body)
		if err != nil {
			t.Fatalf("%s: %v", user, err)
		}
		if err := ledger.VerifyBundle(b, key); err != nil {
			t.Errorf("%s: %v", user, err)
		}
		seen := map[int64]bool{}
		for _, en := range b.Entries {
			seen[en.Index+1] = true
			ok := false
			for _, r := range rooms {
				ok = ok || en.Record.Room == r
			}
			if !ok {
				t.Errorf("%s's bundle holds log index %d of room %q", user, en.Index, en.Record.Room)
			}
			if en.Record.Talks != e.TalksID {
				t.Errorf("%s's bundle holds log index %d outside the talks (%q)", user, en.Index, en.Record.Talks)
			}
		}
		for room, seq := range seqs {
			want := false
			for _, r := range rooms {
				want = want || r == room
			}
			if seen[seq] != want {
				t.Errorf("%s's bundle: has the %s message = %v, want %v", user, room, seen[seq], want)
			}
		}
	}
	// Not a member of any talks: no ledger at all.
	for _, u := range []string{"outsider", "operator"} {
		e.must(t, 404, u, "GET", "/api/v1/ledger/bundle", nil)
	}
}

// TestEventStreamUnderGroupCommit checks that concurrent writers, whose
// commands may share one transaction and publish in any order, still reach
// a subscriber exactly once and in sequence order: the stream skips what
// it has sent and catches up from the store when an event arrives early.
func TestEventStreamUnderGroupCommit(t *testing.T) {
	e := newEnv(t)
	s := e.openStream(t, "qatar", e.lastSeq(t), "?talks="+e.TalksID)
	const writers, each = 6, 8
	who := []struct{ user, room string }{{"israel", "caucus:israel"}, {"hamas", "caucus:hamas"}, {"qatar", "mediators"}, {"envoy", "mediators"}, {"israel2", "caucus:israel"}, {"qatar", "briefing"}}
	var (
		mu   sync.Mutex
		want = map[int64]bool{}
		wg   sync.WaitGroup
	)
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				m, err := e.Talks.Post(ctx(), e.U(who[w].user), e.TalksID, who[w].room, talks.NewMessage{Text: fmt.Sprintf("w%d m%d", w, i)})
				if err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				want[m.EventSeq] = true
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	got := s.collect(500 * time.Millisecond)
	var last int64
	for _, ev := range got {
		if ev.ID <= last {
			t.Fatalf("event %d after %d: the stream went backwards or repeated", ev.ID, last)
		}
		last = ev.ID
		delete(want, ev.ID)
	}
	if len(want) != 0 {
		t.Errorf("%d posted events never reached the stream: %v", len(want), want)
	}
}
