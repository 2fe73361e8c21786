package ledger_test

import (
	"bytes"
	"math/rand/v2"
	"sync"
	"testing"

	"golang.org/x/mod/sumdb/tlog"

	"parley/ledger"
)

const (
	benchSize  = 1 << 20 // leaves in the shared benchmark log
	benchEvery = 1024    // every benchEvery-th leaf is a real event
)

var (
	benchOnce sync.Once
	benchLog  *ledger.MemLog
)

// benchItem returns the stored event for a real-event index.
func benchItem(tb testing.TB, i int64) ledger.Item {
	c, err := ledger.Canonical(testRecord(i))
	if err != nil {
		tb.Fatal(err)
	}
	return ledger.Item{Salt: testSalt(i), Canonical: c}
}

// millionLeaves returns a log of 2^20 leaves, built once per test binary.
func millionLeaves(b *testing.B) *ledger.MemLog {
	b.Helper()
	benchOnce.Do(func() {
		log := new(ledger.MemLog)
		for i := range int64(benchSize) {
			leaf := leafBytes(i)
			if i%benchEvery == 0 {
				it := benchItem(b, i)
				leaf = ledger.LeafHash(it.Salt, it.Canonical)
			}
			if _, err := log.Append(leaf); err != nil {
				b.Fatal(err)
			}
		}
		benchLog = log
	})
	return benchLog
}

func perSecond(b *testing.B, unit string) {
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), unit)
}

// BenchmarkAppend measures tree maintenance alone: stored hashes for one
// leaf, in memory.
func BenchmarkAppend(b *testing.B) {
	log := new(ledger.MemLog)
	var i int64
	for b.Loop() {
		if _, err := log.Append(leafBytes(i)); err != nil {
			b.Fatal(err)
		}
		i++
	}
	perSecond(b, "events/s")
}

// BenchmarkAppendEvent adds what the store does per event before its
// insert: canonical encoding, a fresh salt and the leaf hash.
func BenchmarkAppendEvent(b *testing.B) {
	log := new(ledger.MemLog)
	r := testRecord(1)
	var i int64
	for b.Loop() {
		r.Index = i
		c, err := ledger.Canonical(r)
		if err != nil {
			b.Fatal(err)
		}
		salt, err := ledger.NewSalt()
		if err != nil {
			b.Fatal(err)
		}
		if _, err := log.Append(ledger.LeafHash(salt, c)); err != nil {
			b.Fatal(err)
		}
		i++
	}
	perSecond(b, "events/s")
}

// BenchmarkProveInclusion proves random leaves in a tree of 2^20 leaves.
func BenchmarkProveInclusion(b *testing.B) {
	log := millionLeaves(b)
	rng := rand.New(rand.NewPCG(1, 2))
	for b.Loop() {
		if _, err := ledger.ProveInclusion(rng.Int64N(benchSize), benchSize, log); err != nil {
			b.Fatal(err)
		}
	}
	perSecond(b, "proofs/s")
}

// BenchmarkProveInclusionParallel is BenchmarkProveInclusion on all CPUs.
func BenchmarkProveInclusionParallel(b *testing.B) {
	log := millionLeaves(b)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		rng := rand.New(rand.NewPCG(rand.Uint64(), 2))
		for pb.Next() {
			if _, err := ledger.ProveInclusion(rng.Int64N(benchSize), benchSize, log); err != nil {
				b.Error(err)
				return
			}
		}
	})
	perSecond(b, "proofs/s")
}

// BenchmarkProveConsistency proves random older sizes against 2^20 leaves.
func BenchmarkProveConsistency(b *testing.B) {
	log := millionLeaves(b)
	rng := rand.New(rand.NewPCG(3, 4))
	for b.Loop() {
		if _, err := ledger.ProveConsistency(1+rng.Int64N(benchSize-1), benchSize, log); err != nil {
			b.Fatal(err)
		}
	}
	perSecond(b, "proofs/s")
}

// BenchmarkTreeHash computes the root of 2^20 leaves from stored hashes.
func BenchmarkTreeHash(b *testing.B) {
	log := millionLeaves(b)
	for b.Loop() {
		if _, err := ledger.TreeHash(benchSize-1, log); err != nil {
			b.Fatal(err)
		}
	}
	perSecond(b, "roots/s")
}

// BenchmarkVerifyBundle verifies a 100-entry bundle against a checkpoint of
// 2^20 leaves: signature, decoding, view comparison and proofs.
func BenchmarkVerifyBundle(b *testing.B) {
	log := millionLeaves(b)
	s := testSigner(b, testOrigin, "bench")
	tree, err := log.Tree()
	if err != nil {
		b.Fatal(err)
	}
	cp, err := s.Checkpoint(tree)
	if err != nil {
		b.Fatal(err)
	}
	var items []ledger.Item
	for i := int64(0); i < 100; i++ {
		items = append(items, benchItem(b, i*benchEvery*10))
	}
	bundle, err := ledger.NewBundle(cp, s.VerifierKey(), items, log)
	if err != nil {
		b.Fatal(err)
	}
	var buf bytes.Buffer
	if err := bundle.WriteJSON(&buf); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(buf.Len()))
	for b.Loop() {
		parsed, err := ledger.ParseBundle(buf.Bytes())
		if err != nil {
			b.Fatal(err)
		}
		if err := ledger.VerifyBundle(parsed, s.VerifierKey()); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N*len(items))/b.Elapsed().Seconds(), "entries/s")
}

// BenchmarkCheck recomputes a whole 2^16-leaf log as ledger-check does.
func BenchmarkCheck(b *testing.B) {
	const n = 1 << 16
	log := new(ledger.MemLog)
	for i := range int64(n) {
		if _, err := log.Append(leafBytes(i)); err != nil {
			b.Fatal(err)
		}
	}
	leaves := func(i int64) (tlog.Hash, error) { return leafBytes(i), nil }
	for b.Loop() {
		if err := ledger.Check(leaves, n, log); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N*n)/b.Elapsed().Seconds(), "leaves/s")
}
