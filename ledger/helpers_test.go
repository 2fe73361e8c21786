package ledger_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"flag"
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"

	"parley/ledger"
)

var update = flag.Bool("update", false, "rewrite golden files in testdata")

const testOrigin = "parley.example/test"

// seedBytes returns n deterministic bytes derived from label.
func seedBytes(label string, n int) []byte {
	var out []byte
	for i := 0; len(out) < n; i++ {
		h := sha256.Sum256(fmt.Appendf(nil, "%s/%d", label, i))
		out = append(out, h[:]...)
	}
	return out[:n]
}

// testSigner returns a deterministic signer for origin, named by label.
func testSigner(tb testing.TB, origin, label string) *ledger.Signer {
	tb.Helper()
	skey, _, err := note.GenerateKey(bytes.NewReader(seedBytes(label, 32)), origin)
	if err != nil {
		tb.Fatal(err)
	}
	s, err := ledger.NewSigner(skey)
	if err != nil {
		tb.Fatal(err)
	}
	return s
}

// testSalt returns a deterministic salt for index i.
func testSalt(i int64) ledger.Salt {
	var s ledger.Salt
	copy(s[:], seedBytes(fmt.Sprintf("salt/%d", i), ledger.SaltSize))
	return s
}

var rooms = []string{"caucus:israel", "caucus:hamas", "mediators", "plenary", "briefing", ""}

// testRecord returns a plausible event for index i.
func testRecord(i int64) ledger.Record {
	data, _ := json.Marshal(map[string]any{
		"text":       fmt.Sprintf("message %d <relayable> & more", i),
		"disclosure": "relayable",
		"n":          i,
	})
	return ledger.Record{
		Index: i,
		Time:  time.Date(2024, 12, 5, 10, 0, 0, 0, time.UTC).Add(time.Duration(i) * 1500 * time.Millisecond),
		Kind:  "message.posted",
		Talks: "gaza-2024",
		Room:  rooms[i%int64(len(rooms))],
		Actor: fmt.Sprintf("user-%d", i%7),
		Data:  data,
	}
}

// testLog is a log built in memory with its stored events.
type testLog struct {
	log    *ledger.MemLog
	items  []ledger.Item
	signer *ledger.Signer
}

// buildLog appends n deterministic events.
func buildLog(tb testing.TB, n int64) *testLog {
	tb.Helper()
	tl := &testLog{log: new(ledger.MemLog), signer: testSigner(tb, testOrigin, "log")}
	for i := range n {
		tl.add(tb, testRecord(i), testSalt(i))
	}
	return tl
}

// add appends one event; the record's index must be the next one unless the
// test is building a tampered log on purpose.
func (tl *testLog) add(tb testing.TB, r ledger.Record, salt ledger.Salt) {
	tb.Helper()
	c, err := ledger.Canonical(r)
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := tl.log.Append(ledger.LeafHash(salt, c)); err != nil {
		tb.Fatal(err)
	}
	tl.items = append(tl.items, ledger.Item{Salt: salt, Canonical: c})
}

// checkpoint signs the current tree.
func (tl *testLog) checkpoint(tb testing.TB) []byte {
	tb.Helper()
	t, err := tl.log.Tree()
	if err != nil {
		tb.Fatal(err)
	}
	cp, err := tl.signer.Checkpoint(t)
	if err != nil {
		tb.Fatal(err)
	}
	return cp
}

// bundle exports the given log indices against the current checkpoint.
func (tl *testLog) bundle(tb testing.TB, indices ...int64) ledger.Bundle {
	tb.Helper()
	var items []ledger.Item
	for _, i := range indices {
		items = append(items, tl.items[i])
	}
	b, err := ledger.NewBundle(tl.checkpoint(tb), tl.signer.VerifierKey(), items, tl.log)
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

// leafFunc recomputes leaves from the stored items, as a store would.
func (tl *testLog) leafFunc() func(int64) (tlog.Hash, error) {
	return func(i int64) (tlog.Hash, error) {
		if i >= int64(len(tl.items)) {
			return tlog.Hash{}, fmt.Errorf("ledger: index %d: no such event", i)
		}
		it := tl.items[i]
		return ledger.EventLeaf(i, it.Salt, it.Canonical)
	}
}

// compactJSON compares JSON payloads by their compacted bytes.
var compactJSON = cmp.Transformer("compact", func(m json.RawMessage) string {
	var b bytes.Buffer
	if err := json.Compact(&b, m); err != nil {
		return "invalid: " + string(m)
	}
	return b.String()
})

// leafBytes returns a distinct leaf hash for i without building events.
func leafBytes(i int64) tlog.Hash {
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], uint64(i))
	return tlog.RecordHash(b[:])
}
