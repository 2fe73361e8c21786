package ledger_test

import (
	"testing"

	"parley/ledger"
)

// FuzzOpenCheckpoint: no checkpoint note, however malformed, makes
// verification panic, and one it accepts names a tree of a sane size and
// the key's origin.
func FuzzOpenCheckpoint(f *testing.F) {
	tl := buildLog(f, 3)
	f.Add(tl.checkpoint(f))
	f.Add([]byte("parley.test/log\n3\nAAAA\n\n— parley.test/log AAAA\n"))
	f.Add([]byte("\n\n\n"))
	key := tl.signer.VerifierKey()
	f.Fuzz(func(t *testing.T, note []byte) {
		c, err := ledger.OpenCheckpoint(note, key)
		if err != nil {
			return
		}
		if c.Tree.N < 0 || c.Origin != tl.signer.Origin() {
			t.Fatalf("accepted a checkpoint of size %d, origin %q", c.Tree.N, c.Origin)
		}
	})
}

// FuzzCosignatures: a cosignature line, and a checkpoint carrying
// signature lines, from anyone: no panic, and nothing verifies that the
// witness did not sign.
func FuzzCosignatures(f *testing.F) {
	tl := buildLog(f, 4)
	cp := tl.checkpoint(f)
	skey, vkey, err := ledger.GenerateWitnessKey("witness.fuzz")
	if err != nil {
		f.Fatal(err)
	}
	cs, _ := ledger.NewCosigner(skey)
	c, err := ledger.OpenCheckpoint(cp, tl.signer.VerifierKey())
	if err != nil {
		f.Fatal(err)
	}
	line, err := cs.Cosign(c)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(line, []byte(string(cp)+line))
	f.Add("— witness.fuzz AAAA\n", cp)
	f.Add("", []byte("x"))
	f.Fuzz(func(t *testing.T, l string, note []byte) {
		if ledger.CheckCosignature(cp, l, vkey) == nil && l != line {
			// Another valid line would need the witness's key: only a
			// re-encoding of the same signature can pass.
			if len(l) != len(line) {
				t.Fatalf("a line the witness did not write verifies: %q", l)
			}
		}
		n, err := ledger.VerifyWitnesses(note, tl.signer.VerifierKey(), []string{vkey}, 1)
		if err == nil && n < 1 {
			t.Fatalf("quorum met with %d cosignatures", n)
		}
	})
}

// FuzzParseConsistencyProof: proof files in either form never panic the
// parser, and what it accepts never verifies a fork.
func FuzzParseConsistencyProof(f *testing.F) {
	tl := buildLog(f, 7)
	old, _ := tl.log.Tree()
	for range 3 {
		tl.add(f, testRecord(tl.log.Size()), testSalt(tl.log.Size()))
	}
	n, _ := tl.log.Tree()
	p, err := ledger.ProveConsistency(old.N, n.N, tl.log)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(ledger.FormatProof(p.Hashes))
	f.Add([]byte(`{"from":7,"to":10,"hashes":[]}`))
	f.Add([]byte("not base64\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		q, err := ledger.ParseConsistencyProof(data)
		if err != nil {
			return
		}
		forked := n
		forked.Hash[0] ^= 1
		if ledger.CheckConsistency(q, old, forked) == nil {
			t.Fatalf("a proof verified a changed root")
		}
	})
}
