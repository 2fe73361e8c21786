package talks

import (
	"context"
	"encoding/json"
	"fmt"

	"golang.org/x/mod/sumdb/tlog"

	"parley"
	"parley/eventlog"
	"parley/ledger"
)

// MaxLeaves is the most leaf hashes one Leaves call returns.
const MaxLeaves = 1000

// ledgerKey returns the verifier key, or ENOTFOUND when the deployment
// keeps no signed ledger.
func (s *Service) ledgerKey() (string, error) {
	if s.VerifierKey == "" {
		return "", parley.Errorf(parley.ENOTFOUND, "this server keeps no signed ledger")
	}
	return s.VerifierKey, nil
}

// LedgerKey returns the verifier key members pass to parley verify.
func (s *Service) LedgerKey(ctx context.Context, actor *parley.User) (string, error) {
	if err := s.checkLedgerReader(ctx, actor); err != nil {
		return "", err
	}
	return s.ledgerKey()
}

// checkLedgerReader lets only members of some talks (within what their
// credential reaches) see the ledger: its size and growth say when and how
// much people talk, which is nobody else's business, administrators
// included. A nil actor is the system.
func (s *Service) checkLedgerReader(ctx context.Context, actor *parley.User) error {
	if actor == nil {
		return nil
	}
	return s.Store.View(ctx, func(tx parley.Tx) error {
		ms, err := tx.Memberships(ctx, actor.ID)
		if err != nil {
			return err
		}
		for _, m := range ms {
			if actor.Grant.AllowsTalks(m.TalksID) {
				return nil
			}
		}
		return parley.Errorf(parley.ENOTFOUND, "the ledger is shown to members of talks only")
	})
}

// Checkpoint returns the latest signed checkpoint note, with the
// cosignatures witnesses returned for it.
func (s *Service) Checkpoint(ctx context.Context, actor *parley.User) ([]byte, error) {
	if err := s.checkLedgerReader(ctx, actor); err != nil {
		return nil, err
	}
	var note []byte
	err := s.ledgerView(ctx, actor, func(tx parley.Tx, size int64) error {
		var err error
		note, err = cosigned(ctx, tx, size)
		return err
	})
	return note, err
}

// LastSeq returns the seq of the newest event: a stream that should show
// only what comes after a page was read starts after it.
func (s *Service) LastSeq(ctx context.Context) (int64, error) {
	var n int64
	err := s.Store.View(ctx, func(tx parley.Tx) error {
		var err error
		n, err = tx.LedgerSize(ctx)
		return err
	})
	return n, err
}

// ledgerView runs fn with the size of the tree the latest checkpoint
// signs, for a member of some talks. Tree hashes reveal nothing of any
// room; their number reveals activity, so proofs and leaves reach no
// further than the published checkpoint, which is signed at a fixed
// cadence.
func (s *Service) ledgerView(ctx context.Context, actor *parley.User, fn func(tx parley.Tx, size int64) error) error {
	if err := s.checkLedgerReader(ctx, actor); err != nil {
		return err
	}
	key, err := s.ledgerKey()
	if err != nil {
		return err
	}
	return s.Store.View(ctx, func(tx parley.Tx) error {
		size, err := eventlog.Size(ctx, tx, key)
		if err != nil {
			return err
		}
		if size == 0 {
			return parley.Errorf(parley.ENOTFOUND, "no checkpoint is signed yet")
		}
		return fn(tx, size)
	})
}

// checkSize checks a tree size asked for against the log; 0 means the
// whole log.
func checkSize(name string, n, size int64) (int64, error) {
	switch {
	case n < 0:
		return 0, parley.Errorf(parley.EINVALID, "%s must not be negative", name)
	case n == 0:
		return size, nil
	case n > size:
		return 0, parley.Errorf(parley.EINVALID, "%s=%d is beyond the log size %d", name, n, size)
	}
	return n, nil
}

// InclusionProof proves that leaf index is in the tree of the given size
// (0: the whole log).
func (s *Service) InclusionProof(ctx context.Context, actor *parley.User, index, size int64) (ledger.InclusionProof, error) {
	var p ledger.InclusionProof
	err := s.ledgerView(ctx, actor, func(tx parley.Tx, logSize int64) error {
		n, err := checkSize("size", size, logSize)
		if err != nil {
			return err
		}
		if index < 0 || index >= n {
			return parley.Errorf(parley.EINVALID, "index must be between 0 and %d", n-1)
		}
		p, err = ledger.ProveInclusion(index, n, tx)
		return err
	})
	return p, err
}

// ConsistencyProof proves that the tree of size to (0: the whole log)
// extends the tree of size from.
func (s *Service) ConsistencyProof(ctx context.Context, actor *parley.User, from, to int64) (ledger.ConsistencyProof, error) {
	var p ledger.ConsistencyProof
	err := s.ledgerView(ctx, actor, func(tx parley.Tx, logSize int64) error {
		n, err := checkSize("to", to, logSize)
		if err != nil {
			return err
		}
		if from < 0 || from > n {
			return parley.Errorf(parley.EINVALID, "from must be between 0 and %d", n)
		}
		p, err = ledger.ProveConsistency(from, n, tx)
		return err
	})
	return p, err
}

// Leaves returns the leaf hashes [start, end) (end 0: the whole log), at
// most MaxLeaves of them.
func (s *Service) Leaves(ctx context.Context, actor *parley.User, start, end int64) ([]tlog.Hash, error) {
	var out []tlog.Hash
	err := s.ledgerView(ctx, actor, func(tx parley.Tx, logSize int64) error {
		n, err := checkSize("end", end, logSize)
		if err != nil {
			return err
		}
		if start < 0 || start > n {
			return parley.Errorf(parley.EINVALID, "start must be between 0 and %d", n)
		}
		if n-start > MaxLeaves {
			if end != 0 {
				return parley.Errorf(parley.EINVALID, "at most %d leaves at a time", MaxLeaves)
			}
			n = start + MaxLeaves
		}
		out, err = ledger.Leaves(start, n, tx)
		return err
	})
	return out, err
}

// Bundle gathers every event the user may read, with salts and inclusion
// proofs against the latest signed checkpoint, for offline verification.
func (s *Service) Bundle(ctx context.Context, user *parley.User) (ledger.Bundle, error) {
	return s.BundleCosigned(ctx, user, 0)
}

// BundleCosigned is Bundle against the newest checkpoint that witnesses
// cosigned at least min times (the latest for 0), cosignatures included,
// so that parley verify --quorum can check them.
func (s *Service) BundleCosigned(ctx context.Context, user *parley.User, min int) (ledger.Bundle, error) {
	if err := s.checkLedgerReader(ctx, user); err != nil {
		return ledger.Bundle{}, err
	}
	key, err := s.ledgerKey()
	if err != nil {
		return ledger.Bundle{}, err
	}
	if min < 0 || min > MaxWitnesses {
		return ledger.Bundle{}, parley.Errorf(parley.EINVALID, "cosigned must be between 0 and %d", MaxWitnesses)
	}
	var size int64
	var note []byte
	if err := s.Store.View(ctx, func(tx parley.Tx) error {
		var err error
		if min > 0 {
			size, err = tx.CosignedSize(ctx, min)
			if parley.ErrorCode(err) == parley.ENOTFOUND {
				return parley.Errorf(parley.ENOTFOUND, "no checkpoint has %d cosignatures yet", min)
			}
		} else {
			size, err = eventlog.Size(ctx, tx, key)
		}
		if err != nil || size == 0 {
			return err
		}
		note, err = cosigned(ctx, tx, size)
		return err
	}); err != nil {
		return ledger.Bundle{}, err
	}
	if size == 0 {
		return ledger.Bundle{}, parley.Errorf(parley.ENOTFOUND, "the ledger is empty")
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
		var err error
		b, err = eventlog.BundleAt(ctx, tx, key, note, seqs, checkState(tx))
		return err
	})
	return b, err
}

// LedgerEntry returns one event as a bundle holds it (salt, canonical bytes
// and an inclusion proof against the latest checkpoint), if the user may
// read it; otherwise ENOTFOUND, as for a room the user may not see.
func (s *Service) LedgerEntry(ctx context.Context, user *parley.User, seq int64) (*ledger.Entry, error) {
	key, err := s.ledgerKey()
	if err != nil {
		return nil, err
	}
	var e *parley.Event
	var size int64
	err = s.Store.View(ctx, func(tx parley.Tx) error {
		var err error
		if size, err = eventlog.Size(ctx, tx, key); err != nil {
			return err
		}
		got, err := tx.LedgerEntries(ctx, []int64{seq})
		if err != nil {
			return err
		}
		e = &got[0].Event
		return nil
	})
	if err != nil {
		return nil, err
	}
	ok, err := s.NewFilter(user).Visible(ctx, e)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, parley.Errorf(parley.ENOTFOUND, "event not found")
	}
	if seq > size {
		return nil, parley.Errorf(parley.ECONFLICT, "event %d is in no signed checkpoint yet; checkpoints are signed at a fixed cadence, try again shortly", seq)
	}
	var b ledger.Bundle
	err = s.Store.View(ctx, func(tx parley.Tx) error {
		var err error
		b, err = eventlog.Bundle(ctx, tx, key, []int64{seq}, checkState(tx))
		return err
	})
	if err != nil {
		return nil, err
	}
	return &b.Entries[0], nil
}

// CheckLedger recomputes every leaf from the stored events and the whole
// tree from the leaves, checks the latest checkpoint against it, and checks
// that each stored message agrees with the event that recorded it. The
// error names the first bad log index. It returns the number of events.
func (s *Service) CheckLedger(ctx context.Context) (int64, error) {
	var size int64
	err := s.Store.View(ctx, func(tx parley.Tx) error {
		var err error
		size, err = eventlog.Check(ctx, tx, s.VerifierKey, checkState(tx))
		return err
	})
	return size, err
}

// checkState returns the check that what the server shows for an event's
// subject agrees with the event: a posted message's stored text, room,
// author and disclosure, and a relay's recorded source.
func checkState(tx parley.Tx) eventlog.StateCheck {
	return func(ctx context.Context, le *parley.LedgerEntry) error {
		e := &le.Event
		switch e.Kind {
		case parley.EventMessagePosted:
			var m parley.Message
			if err := json.Unmarshal(e.Data, &m); err != nil {
				return fmt.Errorf("message event does not decode: %w", err)
			}
			got, err := tx.Message(ctx, e.Talks, m.ID)
			if parley.ErrorCode(err) == parley.ENOTFOUND {
				return fmt.Errorf("message %s recorded by this event is missing", m.ID)
			}
			if err != nil {
				return err
			}
			if !sameMessage(got, &m, e) {
				return fmt.Errorf("stored message %s differs from the event that recorded it", m.ID)
			}
		case parley.EventTextVersion:
			return checkTextVersion(ctx, tx, e)
		case parley.EventRelayRecorded:
			var link parley.RelayRecorded
			if err := json.Unmarshal(e.Data, &link); err != nil {
				return fmt.Errorf("relay event does not decode: %w", err)
			}
			got, err := tx.Message(ctx, e.Talks, link.Message)
			if err != nil && parley.ErrorCode(err) != parley.ENOTFOUND {
				return err
			}
			if err != nil || got.Relay == nil {
				return fmt.Errorf("relayed message %s recorded by this event is missing", link.Message)
			}
			r := got.Relay
			if got.Room != link.Room || r.Mode != link.Mode || r.Attribution != link.Attribution ||
				r.SourceRoom != link.SourceRoom || r.SourceMessage != link.SourceMessage || r.SourceAuthor != link.SourceAuthor || r.SourceDelegation != link.SourceDelegation {
				return fmt.Errorf("stored relay of %s differs from the event that recorded it", link.Message)
			}
		}
		return nil
	}
}

// sameMessage reports whether a stored message shows what the event that
// recorded it says: its text, room, numbers, author, disclosure and time,
// and for a relay how it was passed on and from whom, as its readers see it.
func sameMessage(got, m *parley.Message, e *parley.Event) bool {
	if got.Room != e.Room || got.Text != m.Text || got.Author != m.Author || got.Delegation != m.Delegation ||
		got.Disclosure != m.Disclosure || got.EventSeq != e.Seq || got.RoomSeq != m.RoomSeq || !got.CreatedAt.Equal(m.CreatedAt) ||
		!sameProposal(got.Proposal, m.Proposal) {
		return false
	}
	if (got.Relay == nil) != (m.Relay == nil) {
		return false
	}
	if r, w := redact(got, false).Relay, m.Relay; r != nil {
		return r.Mode == w.Mode && r.Attribution == w.Attribution && r.From == w.From
	}
	return true
}
