package talks

import (
	"context"
	"fmt"

	"golang.org/x/mod/sumdb/tlog"

	"parley"
	"parley/ledger"
)

// Bundle gathers every event the user may read, with salts and inclusion
// proofs against the latest signed checkpoint, for offline verification.
func (s *Service) Bundle(ctx context.Context, user *parley.User, verifierKey string) (ledger.Bundle, error) {
	var cp []byte
	var size int64
	err := s.Store.View(ctx, func(tx parley.Tx) error {
		var err error
		if cp, err = tx.LatestCheckpoint(ctx); err != nil {
			return err
		}
		c, err := ledger.OpenCheckpoint(cp, verifierKey)
		if err != nil {
			return err
		}
		size = c.Tree.N
		return nil
	})
	if err != nil {
		return ledger.Bundle{}, err
	}
	f := s.NewFilter(user)
	var seqs []int64
	for cursor := int64(0); cursor < size; {
		evs, cur, err := s.Events(ctx, f, cursor, 1000)
		if err != nil {
			return ledger.Bundle{}, err
		}
		for _, e := range evs {
			if e.Seq <= size {
				seqs = append(seqs, e.Seq)
			}
		}
		if cur == cursor {
			break
		}
		cursor = cur
	}
	var b ledger.Bundle
	err = s.Store.View(ctx, func(tx parley.Tx) error {
		entries, err := tx.LedgerEntries(ctx, seqs)
		if err != nil {
			return err
		}
		items := make([]ledger.Item, len(entries))
		for i, le := range entries {
			items[i] = ledger.Item{Salt: le.Salt, Canonical: le.Canonical}
		}
		if b, err = ledger.NewBundle(cp, verifierKey, items, tx); err != nil {
			return err
		}
		// The bundle proves what the ledger holds; the server vouches for
		// it only if what it shows is the same.
		for _, le := range entries {
			if err := checkEntry(le); err != nil {
				return fmt.Errorf("ledger: index %d: %w", le.Event.Seq-1, err)
			}
			if err := checkState(ctx, tx, &le.Event); err != nil {
				return fmt.Errorf("ledger: index %d: %w", le.Event.Seq-1, err)
			}
		}
		return nil
	})
	return b, err
}

// LedgerEntry returns one event with its salt, if the user may read it;
// otherwise ENOTFOUND, as for a room the user may not see.
func (s *Service) LedgerEntry(ctx context.Context, user *parley.User, seq int64) (*parley.LedgerEntry, error) {
	var le *parley.LedgerEntry
	err := s.Store.View(ctx, func(tx parley.Tx) error {
		got, err := tx.LedgerEntries(ctx, []int64{seq})
		if err != nil {
			return err
		}
		le = &got[0]
		return nil
	})
	if err != nil {
		return nil, parley.Errorf(parley.ENOTFOUND, "event not found")
	}
	ok, err := s.NewFilter(user).Visible(ctx, &le.Event)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, parley.Errorf(parley.ENOTFOUND, "event not found")
	}
	return le, nil
}

// LedgerView runs fn with read access to the tree hashes and the latest
// checkpoint. Tree hashes reveal nothing of any room, so any signed-in user
// may read them.
func (s *Service) LedgerView(ctx context.Context, fn func(size int64, cp []byte, r tlog.HashReader) error) error {
	return s.Store.View(ctx, func(tx parley.Tx) error {
		size, err := tx.LedgerSize(ctx)
		if err != nil {
			return err
		}
		cp, err := tx.LatestCheckpoint(ctx)
		if err != nil && parley.ErrorCode(err) != parley.ENOTFOUND {
			return err
		}
		return fn(size, cp, tx)
	})
}
