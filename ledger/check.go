package ledger

import (
	"fmt"

	"golang.org/x/mod/sumdb/tlog"
)

// Check recomputes the whole tree of size leaves and compares it with the
// stored hashes in r. leaves(i) must recompute leaf i from the stored event
// (EventLeaf does that). The first difference is reported with its leaf
// index, e.g. "ledger: index 5: stored leaf hash differs from recomputed
// event hash". Check needs no memory beyond one leaf's hashes: by the time
// leaf i is checked, every stored hash it builds on has already been
// compared.
func Check(leaves func(i int64) (tlog.Hash, error), size int64, r tlog.HashReader) error {
	if size < 0 {
		return fmt.Errorf("ledger: check: negative size %d", size)
	}
	for i := range size {
		leaf, err := leaves(i)
		if err != nil {
			return fmt.Errorf("ledger: check: %w", trimPrefix(err))
		}
		want, err := tlog.StoredHashesForRecordHash(i, leaf, r)
		if err != nil {
			return fmt.Errorf("ledger: index %d: %w", i, err)
		}
		first := tlog.StoredHashIndex(0, i)
		indexes := make([]int64, len(want))
		for k := range indexes {
			indexes[k] = first + int64(k)
		}
		got, err := r.ReadHashes(indexes)
		if err != nil {
			return fmt.Errorf("ledger: index %d: reading stored hashes: %w", i, err)
		}
		if len(got) != len(want) {
			return fmt.Errorf("ledger: index %d: read %d stored hashes, want %d", i, len(got), len(want))
		}
		if got[0] != want[0] {
			return fmt.Errorf("ledger: index %d: stored leaf hash differs from recomputed event hash", i)
		}
		for k := 1; k < len(want); k++ {
			if got[k] != want[k] {
				return fmt.Errorf("ledger: index %d: stored tree hash at level %d differs from recomputed hash", i, k)
			}
		}
	}
	return nil
}
