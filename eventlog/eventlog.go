// Package eventlog is the one place where a parley event becomes a ledger
// entry: it numbers, salts and canonicalises the event, computes the tree
// hashes its leaf adds, signs checkpoints, checks the whole log and builds
// bundles. Stores only persist what it computes and read it back (as
// golang.org/x/mod/sumdb/tlog leaves persistence to its caller), so every
// storage engine shares this code and none holds a copy of it.
package eventlog

import (
	"context"
	"fmt"

	"golang.org/x/mod/sumdb/tlog"

	"parley"
	"parley/ledger"
)

// Record maps an event to the ledger record its leaf commits to. This is
// the only such mapping: appending, checking and bundling all use it.
func Record(e *parley.Event) ledger.Record {
	return ledger.Record{Index: e.Seq - 1, Time: e.Time, Kind: e.Kind, Talks: e.Talks, Room: e.Room, Actor: e.Actor, Data: e.Data}
}

// Append numbers e as the next event of the log, salts and canonicalises
// it, and has tx store it together with the tree hashes its leaf adds. e.Seq
// and e.Time (in UTC) are set on return.
func Append(ctx context.Context, tx parley.LedgerTx, e *parley.Event) error {
	size, err := tx.LedgerSize(ctx)
	if err != nil {
		return err
	}
	e.Seq = size + 1
	e.Time = e.Time.UTC()
	salt, err := ledger.NewSalt()
	if err != nil {
		return err
	}
	canon, err := ledger.Canonical(Record(e))
	if err != nil {
		return fmt.Errorf("eventlog: append %s: %w", e.Kind, err)
	}
	first, hashes, err := ledger.Append(size, ledger.LeafHash(salt, canon), tx)
	if err != nil {
		return err
	}
	if err := tx.InsertEntry(ctx, &parley.LedgerEntry{Event: *e, Salt: salt, Canonical: canon}); err != nil {
		return err
	}
	return tx.InsertHashes(ctx, first, hashes)
}

// Leaf checks that a stored entry's event columns agree with the canonical
// bytes its leaf commits to, and that those are the canonical bytes of the
// event at its position, and returns its leaf hash. Editing either the
// columns the server reads or the canonical bytes is caught here.
func Leaf(le *parley.LedgerEntry) (tlog.Hash, error) {
	index := le.Event.Seq - 1
	want, err := ledger.Canonical(Record(&le.Event))
	if err != nil {
		return tlog.Hash{}, fmt.Errorf("ledger: index %d: stored event does not encode: %w", index, err)
	}
	if string(want) != string(le.Canonical) {
		return tlog.Hash{}, fmt.Errorf("ledger: index %d: stored event differs from the canonical bytes its leaf commits to", index)
	}
	return ledger.EventLeaf(index, le.Salt, le.Canonical)
}

// Sealer returns the sealer a store calls before committing a write
// transaction: it signs a checkpoint of the whole tree with signer and has
// the transaction store it.
func Sealer(signer *ledger.Signer) parley.Sealer {
	return func(ctx context.Context, tx parley.LedgerTx) error {
		size, err := tx.LedgerSize(ctx)
		if err != nil {
			return err
		}
		root, err := ledger.TreeHash(size, tx)
		if err != nil {
			return err
		}
		note, err := signer.Checkpoint(tlog.Tree{N: size, Hash: root})
		if err != nil {
			return err
		}
		return tx.InsertCheckpoint(ctx, size, note)
	}
}

// Latest returns the latest checkpoint, verified with verifierKey.
func Latest(ctx context.Context, tx parley.LedgerTx, verifierKey string) (ledger.Checkpoint, error) {
	note, err := tx.LatestCheckpoint(ctx)
	if err != nil {
		return ledger.Checkpoint{}, err
	}
	return ledger.OpenCheckpoint(note, verifierKey)
}
