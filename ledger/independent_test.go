package ledger_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"golang.org/x/mod/sumdb/tlog"

	"parley/ledger"
	"parley/ledger/internal/minverify"
)

// TestIndependentVerifier checks bundles made by package ledger with a
// verifier written only from RFC 6962/9162 and the signed-note format.
func TestIndependentVerifier(t *testing.T) {
	for _, n := range []int64{1, 2, 3, 8, 13, 64, 100} {
		tl := buildLog(t, n)
		var idx []int64
		for i := int64(0); i < n; i += 1 + i/3 {
			idx = append(idx, i)
		}
		idx = append(idx, n-1)
		if len(idx) > 1 && idx[len(idx)-2] == n-1 {
			idx = idx[:len(idx)-1]
		}
		var buf bytes.Buffer
		if err := tl.bundle(t, idx...).WriteJSON(&buf); err != nil {
			t.Fatal(err)
		}
		entries, size, err := minverify.VerifyBundle(buf.Bytes(), tl.signer.VerifierKey())
		if err != nil {
			t.Fatalf("size %d: independent verifier: %v\n%s", n, err, buf.Bytes())
		}
		if entries != len(idx) || size != uint64(n) {
			t.Errorf("size %d: verified %d entries at size %d, want %d at %d", n, entries, size, len(idx), n)
		}
	}
}

func TestIndependentVerifierRejects(t *testing.T) {
	tl := buildLog(t, 30)
	key := tl.signer.VerifierKey()
	b := tl.bundle(t, 4, 9, 29)
	for name, mod := range map[string]func(b *ledger.Bundle){
		"EditCanonical": func(b *ledger.Bundle) {
			b.Entries[1].Canonical = bytes.Replace(b.Entries[1].Canonical, []byte("message 9"), []byte("message 1"), 1)
		},
		"EditSalt":  func(b *ledger.Bundle) { b.Entries[0].Salt[3] ^= 4 },
		"Swap":      func(b *ledger.Bundle) { b.Entries[0], b.Entries[1] = b.Entries[1], b.Entries[0] },
		"MoveIndex": func(b *ledger.Bundle) { b.Entries[2].Index, b.Entries[2].Proof.Index = 28, 28 },
		"Forged": func(b *ledger.Bundle) {
			tr, _ := tl.log.Tree()
			cp, _ := testSigner(t, testOrigin, "attacker").Checkpoint(tr)
			b.Checkpoint = string(cp)
		},
		"AlteredSize": func(b *ledger.Bundle) { b.Checkpoint = strings.Replace(b.Checkpoint, "\n30\n", "\n31\n", 1) },
	} {
		t.Run(name, func(t *testing.T) {
			c := b
			c.Entries = append([]ledger.Entry(nil), b.Entries...)
			mod(&c)
			data, err := json.Marshal(c)
			if err != nil {
				t.Fatal(err)
			}
			if _, _, err := minverify.VerifyBundle(data, key); err == nil {
				t.Error("independent verifier accepted a tampered bundle")
			}
			if err := ledger.VerifyBundle(c, key); err == nil {
				t.Error("ledger.VerifyBundle accepted a tampered bundle")
			}
		})
	}
}

// TestIndependentConsistency checks ledger consistency proofs for all pairs
// of sizes up to 40 with the RFC 9162 algorithm.
func TestIndependentConsistency(t *testing.T) {
	const maxN = 40
	tl := &testLog{log: new(ledger.MemLog), signer: testSigner(t, testOrigin, "log")}
	k, err := minverify.ParseKey(tl.signer.VerifierKey())
	if err != nil {
		t.Fatal(err)
	}
	roots := [][32]byte{minverify.EmptyRoot()}
	for i := range int64(maxN) {
		tl.add(t, testRecord(i), testSalt(i))
		c, err := minverify.OpenCheckpoint(tl.checkpoint(t), k)
		if err != nil {
			t.Fatal(err)
		}
		roots = append(roots, c.Root)
	}
	toArrays := func(h []tlog.Hash) [][32]byte {
		out := make([][32]byte, len(h))
		for i := range h {
			out[i] = h[i]
		}
		return out
	}
	for to := int64(0); to <= maxN; to++ {
		for from := int64(0); from <= to; from++ {
			p, err := ledger.ProveConsistency(from, to, tl.log)
			if err != nil {
				t.Fatal(err)
			}
			if err := minverify.VerifyConsistency(uint64(from), uint64(to), roots[from], roots[to], toArrays(p.Hashes)); err != nil {
				t.Fatalf("%d to %d: %v", from, to, err)
			}
			if from > 0 && from < to {
				if err := minverify.VerifyConsistency(uint64(from), uint64(to), roots[from-1], roots[to], toArrays(p.Hashes)); err == nil {
					t.Fatalf("%d to %d: wrong old root accepted", from, to)
				}
			}
		}
	}
}

// FuzzVerifyBundle feeds arbitrary bundle JSON to ParseBundle and
// VerifyBundle. Neither may panic, and whatever ledger accepts the
// independent verifier must accept too.
func FuzzVerifyBundle(f *testing.F) {
	tl := buildLog(f, 12)
	key := tl.signer.VerifierKey()
	for _, idx := range [][]int64{{}, {0}, {3, 7, 11}} {
		var buf bytes.Buffer
		if err := tl.bundle(f, idx...).WriteJSON(&buf); err != nil {
			f.Fatal(err)
		}
		f.Add(buf.Bytes())
	}
	f.Add([]byte(`{"format":"parley-ledger-bundle/v1","entries":[{"index":-1}]}`))
	f.Add([]byte(`{"format":"parley-ledger-bundle/v1","checkpoint":"x\n\n— x AAAA\n"}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		b, err := ledger.ParseBundle(data)
		if err != nil {
			return
		}
		if err := ledger.VerifyBundle(b, key); err != nil {
			return
		}
		if _, _, err := minverify.VerifyBundle(data, key); err != nil {
			t.Fatalf("ledger accepted a bundle the independent verifier rejects: %v", err)
		}
	})
}
