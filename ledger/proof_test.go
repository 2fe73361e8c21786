package ledger_test

import (
	"crypto/sha256"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/mod/sumdb/tlog"

	"parley/ledger"
)

// rfc6962Root computes the root of leaves by the RFC 6962 definition, as a
// reference independent of stored hashes.
func rfc6962Root(leaves []tlog.Hash) tlog.Hash {
	switch len(leaves) {
	case 0:
		return sha256.Sum256(nil)
	case 1:
		return leaves[0]
	}
	k := 1
	for k*2 < len(leaves) {
		k *= 2
	}
	return tlog.NodeHash(rfc6962Root(leaves[:k]), rfc6962Root(leaves[k:]))
}

func TestLeafHash(t *testing.T) {
	salt := testSalt(1)
	c := []byte(`{"v":1}`)
	h := sha256.New()
	h.Write([]byte{0})
	h.Write(salt[:])
	h.Write(c)
	var want tlog.Hash
	h.Sum(want[:0])
	if got := ledger.LeafHash(salt, c); got != want {
		t.Errorf("LeafHash = %v, want SHA-256(0x00||salt||canonical) = %v", got, want)
	}
	if got := tlog.RecordHash(append(salt[:], c...)); got != want {
		t.Errorf("tlog.RecordHash(salt||canonical) = %v, want %v", got, want)
	}
}

func TestAppendStoredHashes(t *testing.T) {
	stored := map[int64]tlog.Hash{}
	r := tlog.HashReaderFunc(func(idx []int64) ([]tlog.Hash, error) {
		out := make([]tlog.Hash, len(idx))
		for i, x := range idx {
			h, ok := stored[x]
			if !ok {
				t.Fatalf("read of unwritten stored hash %d", x)
			}
			out[i] = h
		}
		return out, nil
	})
	var leaves []tlog.Hash
	for n := range int64(70) {
		leaf := leafBytes(n)
		leaves = append(leaves, leaf)
		first, hashes, err := ledger.Append(n, leaf, r)
		if err != nil {
			t.Fatal(err)
		}
		if first != tlog.StoredHashIndex(0, n) {
			t.Fatalf("Append(%d) first = %d, want %d", n, first, tlog.StoredHashIndex(0, n))
		}
		if hashes[0] != leaf {
			t.Fatalf("Append(%d) first hash is not the leaf", n)
		}
		for k, h := range hashes {
			stored[first+int64(k)] = h
		}
		if int64(len(stored)) != tlog.StoredHashCount(n+1) {
			t.Fatalf("after %d leaves: %d stored hashes, want %d", n+1, len(stored), tlog.StoredHashCount(n+1))
		}
		got, err := ledger.TreeHash(n+1, r)
		if err != nil {
			t.Fatal(err)
		}
		if want := rfc6962Root(leaves); got != want {
			t.Fatalf("TreeHash(%d) = %v, want RFC 6962 root %v", n+1, got, want)
		}
	}
	if _, _, err := ledger.Append(-1, tlog.Hash{}, r); err == nil {
		t.Error("Append(-1) succeeded")
	}
}

func TestEmptyTreeHash(t *testing.T) {
	got, err := ledger.TreeHash(0, new(ledger.MemLog))
	if err != nil {
		t.Fatal(err)
	}
	if want := tlog.Hash(sha256.Sum256(nil)); got != want {
		t.Errorf("TreeHash(0) = %v, want SHA-256 of the empty string", got)
	}
}

func TestProofsAllSizes(t *testing.T) {
	const maxN = 33
	log := new(ledger.MemLog)
	var trees []tlog.Tree // trees[n] has size n
	var leaves []tlog.Hash
	trees = append(trees, tlog.Tree{N: 0, Hash: sha256.Sum256(nil)})
	for n := range int64(maxN) {
		leaves = append(leaves, leafBytes(n))
		if _, err := log.Append(leafBytes(n)); err != nil {
			t.Fatal(err)
		}
		tr, err := log.Tree()
		if err != nil {
			t.Fatal(err)
		}
		if tr.Hash != rfc6962Root(leaves) {
			t.Fatalf("size %d: root differs from RFC 6962 reference", n+1)
		}
		trees = append(trees, tr)
	}
	for size := int64(1); size <= maxN; size++ {
		for i := range size {
			p, err := ledger.ProveInclusion(i, size, log)
			if err != nil {
				t.Fatal(err)
			}
			if err := ledger.VerifyInclusion(p, leafBytes(i), trees[size]); err != nil {
				t.Fatalf("inclusion %d in %d: %v", i, size, err)
			}
			if err := ledger.VerifyInclusion(p, leafBytes(i+1), trees[size]); err == nil {
				t.Fatalf("inclusion %d in %d: wrong leaf accepted", i, size)
			}
			if len(p.Hashes) > 0 {
				bad := p
				bad.Hashes = append([]tlog.Hash(nil), p.Hashes...)
				bad.Hashes[len(bad.Hashes)-1][0] ^= 1
				if err := ledger.VerifyInclusion(bad, leafBytes(i), trees[size]); err == nil {
					t.Fatalf("inclusion %d in %d: altered proof accepted", i, size)
				}
			}
		}
		if _, err := ledger.ProveInclusion(size, size, log); err == nil {
			t.Fatalf("ProveInclusion(%d, %d) succeeded", size, size)
		}
	}
	for to := int64(0); to <= maxN; to++ {
		for from := int64(0); from <= to; from++ {
			p, err := ledger.ProveConsistency(from, to, log)
			if err != nil {
				t.Fatal(err)
			}
			if err := ledger.CheckConsistency(p, trees[from], trees[to]); err != nil {
				t.Fatalf("consistency %d..%d: %v", from, to, err)
			}
			if from > 0 && from < to {
				bad := p
				bad.Hashes = append([]tlog.Hash(nil), p.Hashes...)
				bad.Hashes[0][0] ^= 1
				if err := ledger.CheckConsistency(bad, trees[from], trees[to]); err == nil {
					t.Fatalf("consistency %d..%d: altered proof accepted", from, to)
				}
				if err := ledger.CheckConsistency(p, trees[from-1], trees[to]); err == nil {
					t.Fatalf("consistency %d..%d: accepted against tree %d", from, to, from-1)
				}
			}
		}
	}
	if _, err := ledger.ProveConsistency(5, 4, log); err == nil {
		t.Error("ProveConsistency(5, 4) succeeded")
	}
}

func TestCheckConsistencyForkAndOrder(t *testing.T) {
	a, b := buildLog(t, 5), buildLog(t, 5)
	b.add(t, testRecord(5), testSalt(99))
	a.add(t, testRecord(5), testSalt(5))
	ta, _ := a.log.Tree()
	tb, _ := b.log.Tree()
	err := ledger.CheckConsistency(ledger.ConsistencyProof{}, ta, tb)
	if err == nil || !strings.Contains(err.Error(), "log forked") {
		t.Errorf("same size, different roots: err = %v, want log forked", err)
	}
	small, _ := ledger.TreeHash(3, a.log)
	err = ledger.CheckConsistency(ledger.ConsistencyProof{}, ta, tlog.Tree{N: 3, Hash: small})
	if err == nil || !strings.Contains(err.Error(), "larger") {
		t.Errorf("old larger than new: err = %v", err)
	}
	p, err := ledger.ProveConsistency(3, 6, a.log)
	if err != nil {
		t.Fatal(err)
	}
	p.From = 2
	if err := ledger.CheckConsistency(p, tlog.Tree{N: 3, Hash: small}, ta); err == nil || !strings.Contains(err.Error(), "sizes 2 to 6") {
		t.Errorf("mismatched proof sizes: err = %v", err)
	}
}

func TestProofText(t *testing.T) {
	tl := buildLog(t, 21)
	p, err := ledger.ProveConsistency(7, 21, tl.log)
	if err != nil {
		t.Fatal(err)
	}
	text := ledger.FormatProof(p.Hashes)
	got, err := ledger.ParseConsistencyProof(text)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(ledger.ConsistencyProof{Hashes: p.Hashes}, got); diff != "" {
		t.Errorf("text round trip (-want +got):\n%s", diff)
	}
	for name, in := range map[string]string{
		"BadBase64":   "not base64!\n",
		"ShortHash":   "AAAA\n",
		"JSONTrailer": `{"from":1,"to":2,"hashes":[]} x`,
		"JSONUnknown": `{"from":1,"to":2,"hashes":[],"extra":1}`,
		"JSONOrder":   `{"from":3,"to":2,"hashes":[]}`,
	} {
		if _, err := ledger.ParseConsistencyProof([]byte(in)); err == nil {
			t.Errorf("%s: ParseConsistencyProof(%q) succeeded", name, in)
		}
	}
}

func TestConsistencyFromEmptyTree(t *testing.T) {
	empty := tlog.Hash(sha256.Sum256(nil))
	bogus := tlog.Hash{1}
	n := tlog.Tree{N: 3, Hash: tlog.Hash{9}}
	if err := ledger.CheckConsistency(ledger.ConsistencyProof{}, tlog.Tree{N: 0, Hash: empty}, n); err != nil {
		t.Fatalf("from the empty tree: %v", err)
	}
	if err := ledger.CheckConsistency(ledger.ConsistencyProof{}, tlog.Tree{N: 0, Hash: bogus}, n); err == nil {
		t.Fatal("size 0 with a bogus root accepted")
	}
	if err := ledger.CheckConsistency(ledger.ConsistencyProof{}, tlog.Tree{N: 0, Hash: bogus}, tlog.Tree{N: 0, Hash: empty}); err == nil {
		t.Fatal("two size-0 trees with different roots accepted")
	}
	if _, err := ledger.ParseConsistencyProof([]byte(`{"from":1,"to":2,"hashes":[]}}`)); err == nil {
		t.Fatal("trailing data after a JSON proof accepted")
	}
}
