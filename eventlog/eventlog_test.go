package eventlog_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"golang.org/x/mod/sumdb/tlog"

	"parley"
	"parley/eventlog"
	"parley/ledger"
)

// memTx is the whole of what a storage engine does for the ledger: keep
// rows and hashes and give them back. It computes nothing.
type memTx struct {
	entries []parley.LedgerEntry
	hashes  map[int64]tlog.Hash
	notes   map[int64][]byte
}

func newMemTx() *memTx { return &memTx{hashes: map[int64]tlog.Hash{}, notes: map[int64][]byte{}} }

func (m *memTx) ReadHashes(indexes []int64) ([]tlog.Hash, error) {
	out := make([]tlog.Hash, len(indexes))
	for i, x := range indexes {
		h, ok := m.hashes[x]
		if !ok {
			return nil, parley.Errorf(parley.ENOTFOUND, "hash %d", x)
		}
		out[i] = h
	}
	return out, nil
}

func (m *memTx) LedgerSize(context.Context) (int64, error) { return int64(len(m.entries)), nil }

func (m *memTx) InsertEntry(_ context.Context, le *parley.LedgerEntry) error {
	m.entries = append(m.entries, *le)
	return nil
}

func (m *memTx) InsertHashes(_ context.Context, first int64, hs []tlog.Hash) error {
	for i, h := range hs {
		m.hashes[first+int64(i)] = h
	}
	return nil
}

func (m *memTx) LedgerEntries(_ context.Context, seqs []int64) ([]parley.LedgerEntry, error) {
	var out []parley.LedgerEntry
	for _, s := range seqs {
		if s < 1 || s > int64(len(m.entries)) {
			return nil, parley.Errorf(parley.ENOTFOUND, "event not found")
		}
		out = append(out, m.entries[s-1])
	}
	return out, nil
}

func (m *memTx) EventsAfter(_ context.Context, after int64, limit int) ([]parley.Event, error) {
	var out []parley.Event
	for _, le := range m.entries[min(after, int64(len(m.entries))):] {
		if len(out) == limit {
			break
		}
		out = append(out, le.Event)
	}
	return out, nil
}

func (m *memTx) InsertCheckpoint(_ context.Context, size int64, note []byte) error {
	m.notes[size] = note
	return nil
}

func (m *memTx) LatestCheckpoint(context.Context) ([]byte, error) {
	var best int64 = -1
	for n := range m.notes {
		best = max(best, n)
	}
	if best < 0 {
		return nil, parley.Errorf(parley.ENOTFOUND, "no checkpoint")
	}
	return m.notes[best], nil
}

var _ parley.LedgerTx = (*memTx)(nil)

// TestAnyStorageKeepsTheLedger: with nothing but persistence from the store,
// appended events check out, a bundle verifies offline, and an edited row
// is caught at its index.
func TestAnyStorageKeepsTheLedger(t *testing.T) {
	ctx := context.Background()
	skey, vkey, err := ledger.GenerateKey("parley.test/eventlog")
	if err != nil {
		t.Fatal(err)
	}
	signer, err := ledger.NewSigner(skey)
	if err != nil {
		t.Fatal(err)
	}
	tx := newMemTx()
	seal := eventlog.Sealer(signer)
	for i := range 37 {
		data, _ := json.Marshal(map[string]int{"n": i})
		e := &parley.Event{Time: time.Date(2024, 12, 5, 9, 0, i, 0, time.FixedZone("AST", 3*3600)), Kind: "test.event", Talks: "t_1", Room: "mediators", Data: data}
		if err := eventlog.Append(ctx, tx, e); err != nil {
			t.Fatal(err)
		}
		if e.Seq != int64(i+1) || e.Time.Location() != time.UTC {
			t.Fatalf("appended as seq %d at %v", e.Seq, e.Time)
		}
		if i%5 == 4 {
			if err := seal(ctx, tx); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := seal(ctx, tx); err != nil {
		t.Fatal(err)
	}
	if n, err := eventlog.Check(ctx, tx, vkey, nil); err != nil || n != 37 {
		t.Fatalf("check: %d %v", n, err)
	}
	b, err := eventlog.Bundle(ctx, tx, vkey, []int64{1, 20, 37}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := ledger.VerifyBundle(b, vkey); err != nil {
		t.Fatalf("bundle: %v", err)
	}
	// The stored leaf hash of each entry is the one Leaf recomputes.
	for i := range tx.entries {
		leaf, err := eventlog.Leaf(&tx.entries[i])
		if err != nil || leaf != tx.hashes[tlog.StoredHashIndex(0, int64(i))] {
			t.Fatalf("entry %d: leaf %v, %v", i, leaf, err)
		}
	}
	tx.entries[19].Event.Data = json.RawMessage(`{"n":999}`)
	if _, err := eventlog.Check(ctx, tx, vkey, nil); err == nil || !strings.Contains(err.Error(), "index 19:") {
		t.Fatalf("an edited row: %v", err)
	}
}
