package sqlite_test

import (
	"context"
	"database/sql"
	"testing"
)

// TestDurabilitySettings checks that every pooled connection runs in WAL
// mode with synchronous=FULL, so that a commit is on disk when Update
// returns.
func TestDurabilitySettings(t *testing.T) {
	s := mustOpen(t)
	ctx := context.Background()
	var conns []*sql.Conn
	for range 4 { // hold several at once, so that they are distinct
		c, err := s.DB().Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		conns = append(conns, c)
	}
	for i, c := range conns {
		var mode string
		var sync int
		if err := c.QueryRowContext(ctx, `PRAGMA journal_mode`).Scan(&mode); err != nil {
			t.Fatal(err)
		}
		if err := c.QueryRowContext(ctx, `PRAGMA synchronous`).Scan(&sync); err != nil {
			t.Fatal(err)
		}
		if mode != "wal" || sync != 2 {
			t.Errorf("connection %d: journal_mode=%s synchronous=%d, want wal and 2 (FULL)", i, mode, sync)
		}
	}
}
