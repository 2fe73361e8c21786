package talks

import (
	"context"
	"log/slog"
	"math/rand/v2"
	"time"

	"parley"
	"parley/eventlog"
)

// Seal signs a checkpoint of the log if it grew since the latest one,
// through the store's write path, and reports whether it did. With Cover
// set, it first appends between 0 and Cover cover events (shown to
// nobody), so that the log's growth between two checkpoints says less of
// how much people talked.
//
// Run at a fixed cadence (RunSealer) instead of at every commit, it lets
// nobody time another caucus's messages from the checkpoints: they move
// once per period, whatever happened in it.
func (s *Service) Seal(ctx context.Context) (bool, error) {
	if s.Sealer == nil {
		return false, parley.Errorf(parley.ENOTFOUND, "this server keeps no signed ledger")
	}
	sealed := false
	err := s.update(ctx, func(tx parley.Tx) error {
		for range s.cover() {
			if _, err := s.emit(ctx, tx, "", "", "", parley.EventLedgerCover, struct{}{}); err != nil {
				return err
			}
		}
		size, err := tx.LedgerSize(ctx)
		if err != nil {
			return err
		}
		signed, err := eventlog.Size(ctx, tx, s.VerifierKey)
		if err != nil || size == signed {
			return err
		}
		sealed = true
		return s.Sealer(ctx, tx)
	})
	return sealed, err
}

// cover returns how many cover events to add now.
func (s *Service) cover() int {
	if s.Cover <= 0 {
		return 0
	}
	return rand.IntN(s.Cover + 1)
}

// RunSealer seals every period until ctx is done, logging failures (a
// full disk, say) and trying again at the next tick.
func (s *Service) RunSealer(ctx context.Context, every time.Duration, log *slog.Logger) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if _, err := s.Seal(ctx); err != nil && ctx.Err() == nil {
				log.Warn("sealing a checkpoint", "err", err)
			}
		}
	}
}
