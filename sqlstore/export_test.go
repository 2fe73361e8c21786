package sqlstore

import (
	"context"

	"parley"
)

// QueueLen reports how many Update calls wait for the next transaction.
func QueueLen(s *Store) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.queue)
}

// SetMaxBatch bounds the calls per transaction; 1 turns group commit off.
func SetMaxBatch(s *Store, n int) { s.maxBatch = n }

// Busy runs a writing statement that takes a while, under ctx, in tx.
func Busy(ctx context.Context, tx parley.Tx) error {
	_, err := tx.(*Tx).exec(ctx, `INSERT INTO checkpoints (size, note) WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x+1 FROM c WHERE x < 60000) SELECT -x, 'busy' FROM c`)
	return err
}
