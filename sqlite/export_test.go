package sqlite

// QueueLen reports how many Update calls wait for the next transaction.
func QueueLen(s *Store) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.queue)
}

// SetMaxBatch bounds the calls per transaction; 1 turns group commit off.
func SetMaxBatch(s *Store, n int) { s.maxBatch = n }
