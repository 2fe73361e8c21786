package eventlog

import (
	"context"
	"fmt"

	"golang.org/x/mod/sumdb/tlog"

	"parley"
	"parley/ledger"
)

// StateCheck compares what the server shows for an event's subject (a
// stored message, say) with the event; package talks, which knows what
// events mean, supplies it.
type StateCheck func(ctx context.Context, le *parley.LedgerEntry) error

// checkChunk is how many events Check reads at a time.
const checkChunk = 1000

// Check recomputes every leaf from the stored events and the whole tree
// from the leaves, runs state on each event, and checks the latest
// checkpoint against the recomputed tree. The error names the first bad
// log index; a disagreement between the log and what the server shows is
// reported only once the log itself has checked out. It returns the number
// of events.
func Check(ctx context.Context, tx parley.LedgerTx, verifierKey string, state StateCheck) (int64, error) {
	size, err := tx.LedgerSize(ctx)
	if err != nil {
		return 0, err
	}
	var chunk []parley.LedgerEntry
	var chunkStart int64
	var stateErr error
	leaves := func(i int64) (tlog.Hash, error) {
		if i < chunkStart || i >= chunkStart+int64(len(chunk)) {
			seqs := make([]int64, 0, checkChunk)
			for j := i; j < min(i+checkChunk, size); j++ {
				seqs = append(seqs, j+1)
			}
			var err error
			if chunk, err = tx.LedgerEntries(ctx, seqs); err != nil {
				chunk = nil
				if parley.ErrorCode(err) != parley.ENOTFOUND {
					return tlog.Hash{}, err
				}
				return tlog.Hash{}, fmt.Errorf("ledger: index %d: event missing", firstMissing(ctx, tx, seqs))
			}
			chunkStart = i
		}
		le := &chunk[i-chunkStart]
		leaf, err := Leaf(le)
		if err != nil {
			return tlog.Hash{}, err
		}
		if stateErr == nil && state != nil {
			if err := state(ctx, le); err != nil {
				stateErr = fmt.Errorf("ledger: index %d: %w", i, err)
			}
		}
		return leaf, nil
	}
	if err := ledger.Check(leaves, size, tx); err != nil {
		return size, err
	}
	if stateErr != nil {
		return size, stateErr
	}
	c, err := Latest(ctx, tx, verifierKey)
	if parley.ErrorCode(err) == parley.ENOTFOUND {
		return size, nil
	}
	if err != nil {
		return size, err
	}
	if c.Tree.N > size {
		return size, fmt.Errorf("ledger: index %d: event missing (the latest checkpoint covers %d events)", size, c.Tree.N)
	}
	root, err := ledger.TreeHash(c.Tree.N, tx)
	if err != nil {
		return size, err
	}
	if root != c.Tree.Hash {
		return size, fmt.Errorf("ledger: checkpoint of size %d does not match the recomputed tree", c.Tree.N)
	}
	return size, nil
}

// firstMissing returns the log index of the first of seqs with no event.
func firstMissing(ctx context.Context, tx parley.LedgerTx, seqs []int64) int64 {
	for _, s := range seqs {
		if _, err := tx.LedgerEntries(ctx, []int64{s}); err != nil {
			return s - 1
		}
	}
	return seqs[0] - 1
}

// Bundle proves the events seqs against the latest checkpoint: each one's
// stored columns and what the server shows for it (state) must agree with
// the log, so that the server vouches only for what it would show.
func Bundle(ctx context.Context, tx parley.LedgerTx, verifierKey string, seqs []int64, state StateCheck) (ledger.Bundle, error) {
	note, err := tx.LatestCheckpoint(ctx)
	if err != nil {
		return ledger.Bundle{}, err
	}
	return BundleAt(ctx, tx, verifierKey, note, seqs, state)
}

// BundleAt is Bundle against a given signed checkpoint note (which may
// carry witnesses' cosignatures); every seq must be inside its tree.
func BundleAt(ctx context.Context, tx parley.LedgerTx, verifierKey string, note []byte, seqs []int64, state StateCheck) (ledger.Bundle, error) {
	entries, err := tx.LedgerEntries(ctx, seqs)
	if err != nil {
		return ledger.Bundle{}, err
	}
	items := make([]ledger.Item, len(entries))
	for i := range entries {
		items[i] = ledger.Item{Salt: entries[i].Salt, Canonical: entries[i].Canonical}
	}
	b, err := ledger.NewBundle(note, verifierKey, items, tx)
	if err != nil {
		return ledger.Bundle{}, err
	}
	for i := range entries {
		le := &entries[i]
		if _, err := Leaf(le); err != nil {
			return ledger.Bundle{}, err
		}
		if state != nil {
			if err := state(ctx, le); err != nil {
				return ledger.Bundle{}, fmt.Errorf("ledger: index %d: %w", le.Event.Seq-1, err)
			}
		}
	}
	return b, nil
}

// Size returns the size of the tree the latest checkpoint signs, 0 when
// none was signed yet.
func Size(ctx context.Context, tx parley.LedgerTx, verifierKey string) (int64, error) {
	c, err := Latest(ctx, tx, verifierKey)
	if parley.ErrorCode(err) == parley.ENOTFOUND {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	return c.Tree.N, nil
}
