package talks

import (
	"context"
	"encoding/json"
	"fmt"

	"golang.org/x/mod/sumdb/tlog"

	"parley"
	"parley/ledger"
)

// CheckLedger recomputes every leaf from the stored events and the whole
// tree from the leaves, checks the latest checkpoint against it, and checks
// that each stored message agrees with the event that recorded it. The
// error names the first bad log index. It returns the number of events.
func (s *Service) CheckLedger(ctx context.Context, verifierKey string) (int64, error) {
	var size int64
	err := s.Store.View(ctx, func(tx parley.Tx) error {
		var err error
		if size, err = tx.LedgerSize(ctx); err != nil {
			return err
		}
		var chunk []parley.LedgerEntry
		var chunkStart int64
		// The first disagreement between what the server shows and the log;
		// reported only once the log itself has checked out.
		var stateErr error
		leaves := func(i int64) (tlog.Hash, error) {
			if i < chunkStart || i >= chunkStart+int64(len(chunk)) {
				seqs := make([]int64, 0, 1000)
				for j := i; j < min(i+1000, size); j++ {
					seqs = append(seqs, j+1)
				}
				if chunk, err = tx.LedgerEntries(ctx, seqs); err != nil {
					chunk = nil
					return tlog.Hash{}, fmt.Errorf("ledger: index %d: event missing", firstMissing(ctx, tx, seqs))
				}
				chunkStart = i
			}
			le := chunk[i-chunkStart]
			if err := checkEntry(le); err != nil {
				return tlog.Hash{}, fmt.Errorf("ledger: index %d: %w", i, err)
			}
			if stateErr == nil {
				if err := checkState(ctx, tx, &le.Event); err != nil {
					stateErr = fmt.Errorf("ledger: index %d: %w", i, err)
				}
			}
			return ledger.EventLeaf(i, le.Salt, le.Canonical)
		}
		if err := ledger.Check(leaves, size, tx); err != nil {
			return err
		}
		if stateErr != nil {
			return stateErr
		}
		cp, err := tx.LatestCheckpoint(ctx)
		if parley.ErrorCode(err) == parley.ENOTFOUND {
			return nil
		}
		if err != nil {
			return err
		}
		c, err := ledger.OpenCheckpoint(cp, verifierKey)
		if err != nil {
			return err
		}
		if c.Tree.N > size {
			return fmt.Errorf("ledger: index %d: event missing (the latest checkpoint covers %d events)", size, c.Tree.N)
		}
		root, err := ledger.TreeHash(c.Tree.N, tx)
		if err != nil {
			return err
		}
		if root != c.Tree.Hash {
			return fmt.Errorf("ledger: checkpoint of size %d does not match the recomputed tree", c.Tree.N)
		}
		return nil
	})
	return size, err
}

// firstMissing returns the log index of the first of seqs with no event.
func firstMissing(ctx context.Context, tx parley.Tx, seqs []int64) int64 {
	for _, s := range seqs {
		if _, err := tx.LedgerEntries(ctx, []int64{s}); err != nil {
			return s - 1
		}
	}
	return seqs[0] - 1
}

// checkEntry checks that the event columns the server reads agree with the
// canonical bytes the leaf commits to, so that editing either is caught.
func checkEntry(le parley.LedgerEntry) error {
	r, err := ledger.DecodeCanonical(le.Canonical)
	if err != nil {
		return err
	}
	e := le.Event
	want, err := ledger.Canonical(ledger.Record{Index: e.Seq - 1, Time: e.Time, Kind: e.Kind, Talks: e.Talks, Room: e.Room, Actor: e.Actor, Data: e.Data})
	if err != nil {
		return fmt.Errorf("stored event does not encode: %w", err)
	}
	if string(want) != string(le.Canonical) || r.Index != e.Seq-1 {
		return fmt.Errorf("stored event differs from the canonical bytes its leaf commits to")
	}
	return nil
}

// checkState checks that what the server shows for an event's subject
// agrees with the event: a posted message's stored text, room, author and
// disclosure, and a relay's recorded source.
func checkState(ctx context.Context, tx parley.Tx, e *parley.Event) error {
	switch e.Kind {
	case parley.EventMessagePosted:
		var m parley.Message
		if err := json.Unmarshal(e.Data, &m); err != nil {
			return fmt.Errorf("message event does not decode: %w", err)
		}
		got, err := tx.Message(ctx, e.Talks, m.ID)
		if err != nil {
			return fmt.Errorf("message %s recorded by this event is missing", m.ID)
		}
		if got.Room != e.Room || got.Text != m.Text || got.Author != m.Author || got.Delegation != m.Delegation ||
			got.Disclosure != m.Disclosure || got.EventSeq != e.Seq {
			return fmt.Errorf("stored message %s differs from the event that recorded it", m.ID)
		}
	case parley.EventRelayRecorded:
		var link struct {
			Message          string `json:"message"`
			SourceRoom       string `json:"source_room"`
			SourceMessage    string `json:"source_message"`
			SourceAuthor     string `json:"source_author"`
			SourceDelegation string `json:"source_delegation"`
		}
		if err := json.Unmarshal(e.Data, &link); err != nil {
			return fmt.Errorf("relay event does not decode: %w", err)
		}
		got, err := tx.Message(ctx, e.Talks, link.Message)
		if err != nil || got.Relay == nil {
			return fmt.Errorf("relayed message %s recorded by this event is missing", link.Message)
		}
		r := got.Relay
		if r.SourceRoom != link.SourceRoom || r.SourceMessage != link.SourceMessage || r.SourceAuthor != link.SourceAuthor || r.SourceDelegation != link.SourceDelegation {
			return fmt.Errorf("stored relay of %s differs from the event that recorded it", link.Message)
		}
	}
	return nil
}
