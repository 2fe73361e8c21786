package ledger_test

import (
	"errors"
	"strings"
	"testing"

	"parley/ledger"
)

func newWitness(t *testing.T, name string) (*ledger.Cosigner, string) {
	t.Helper()
	skey, vkey, err := ledger.GenerateWitnessKey(name)
	if err != nil {
		t.Fatal(err)
	}
	c, err := ledger.NewCosigner(skey)
	if err != nil {
		t.Fatal(err)
	}
	return c, vkey
}

func TestWitnessFollowsAndCosigns(t *testing.T) {
	tl := buildLog(t, 5)
	w := &ledger.Witness{LogKey: tl.signer.VerifierKey()}
	cs, vkey := newWitness(t, "witness.israel.example")
	cp1 := tl.checkpoint(t)
	c1, err := w.Advance(cp1, ledger.ConsistencyProof{})
	if err != nil {
		t.Fatal(err)
	}
	line, err := cs.Cosign(c1)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(line, "— witness.israel.example ") {
		t.Fatalf("cosignature line %q", line)
	}
	if err := ledger.CheckCosignature(cp1, line, vkey); err != nil {
		t.Fatal(err)
	}
	// The same line on another checkpoint does not verify.
	for range 3 {
		tl.add(t, testRecord(tl.log.Size()), testSalt(tl.log.Size()))
	}
	cp2 := tl.checkpoint(t)
	if err := ledger.CheckCosignature(cp2, line, vkey); err == nil {
		t.Fatal("a cosignature verified on another checkpoint")
	}
	p, err := ledger.ProveConsistency(5, 8, tl.log)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Advance(cp2, p); err != nil {
		t.Fatalf("an extension refused: %v", err)
	}
	if w.Latest.Tree.N != 8 {
		t.Fatalf("latest size %d", w.Latest.Tree.N)
	}
	// Quorum: two witnesses cosign, a bundle's checkpoint carries both.
	cs2, vkey2 := newWitness(t, "witness.hamas.example")
	_, vkey3 := newWitness(t, "witness.unused.example")
	l1, _ := cs.Cosign(*w.Latest)
	l2, _ := cs2.Cosign(*w.Latest)
	both := ledger.AttachCosignatures(cp2, []string{l1, l2})
	if _, err := ledger.OpenCheckpoint(both, tl.signer.VerifierKey()); err != nil {
		t.Fatalf("cosignatures break the log's own verification: %v", err)
	}
	for _, c := range []struct {
		keys   []string
		quorum int
		ok     bool
	}{
		{[]string{vkey, vkey2}, 2, true},
		{[]string{vkey, vkey2, vkey3}, 2, true},
		{[]string{vkey, vkey2, vkey3}, 3, false},
		{[]string{vkey, vkey}, 2, false}, // one key twice counts once
		{[]string{vkey3}, 1, false},
	} {
		n, err := ledger.VerifyWitnesses(both, tl.signer.VerifierKey(), c.keys, c.quorum)
		if (err == nil) != c.ok {
			t.Errorf("keys %d, quorum %d: %d cosignatures, %v", len(c.keys), c.quorum, n, err)
		}
	}
	// A forged line under a known witness's name is an error.
	forged := ledger.AttachCosignatures(cp2, []string{l1[:len(l1)-6] + "AAAA=\n"})
	if _, err := ledger.VerifyWitnesses(forged, tl.signer.VerifierKey(), []string{vkey}, 1); err == nil {
		t.Error("a forged cosignature counted")
	}
}

func TestWitnessRefusesAFork(t *testing.T) {
	honest := buildLog(t, 6)
	w := &ledger.Witness{LogKey: honest.signer.VerifierKey()}
	if _, err := w.Advance(honest.checkpoint(t), ledger.ConsistencyProof{}); err != nil {
		t.Fatal(err)
	}
	// The same key signs another history of the same size, and a longer
	// one that does not extend the first.
	forked := buildLog(t, 5)
	forked.signer = honest.signer
	r := testRecord(5)
	r.Room = "caucus:other"
	forked.add(t, r, testSalt(5))
	if _, err := w.Advance(forked.checkpoint(t), ledger.ConsistencyProof{}); !errors.Is(err, ledger.ErrFork) {
		t.Fatalf("same size, other root: %v", err)
	}
	forked.add(t, testRecord(6), testSalt(6))
	p, err := ledger.ProveConsistency(6, 7, forked.log)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Advance(forked.checkpoint(t), p); !errors.Is(err, ledger.ErrFork) {
		t.Fatalf("longer fork: %v", err)
	}
	// A rollback is refused too.
	short := buildLog(t, 3)
	short.signer = honest.signer
	if _, err := w.Advance(short.checkpoint(t), ledger.ConsistencyProof{}); !errors.Is(err, ledger.ErrFork) {
		t.Fatalf("rollback: %v", err)
	}
	if w.Latest.Tree.N != 6 {
		t.Errorf("a refused checkpoint moved the witness to size %d", w.Latest.Tree.N)
	}
}
