package sqlstore_test

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"golang.org/x/mod/sumdb/tlog"

	"parley"
	"parley/eventlog"
	"parley/ledger"
	"parley/postgres"
	"parley/postgres/pgtest"
	"parley/sqlite"
	"parley/sqlstore"
)

// MustOpen opens a store on a fresh database, with a signing key, and
// returns it with the key's verifier key. The engine is SQLite, or
// PostgreSQL when PARLEY_TEST_POSTGRES is set.
func MustOpen(tb testing.TB) (*sqlstore.Store, string) {
	s, _, vkey := mustOpenTwo(tb)
	return s, vkey
}

// mustOpenTwo is MustOpen, also returning a function that opens a second
// store on the same database, as another process or node would.
func mustOpenTwo(tb testing.TB) (*sqlstore.Store, func() *sqlstore.Store, string) {
	tb.Helper()
	ctx := context.Background()
	var open func() (*sqlstore.Store, error)
	if pgtest.DSN() != "" {
		dsn := pgtest.Schema(tb)
		open = func() (*sqlstore.Store, error) { return postgres.Open(ctx, dsn) }
	} else {
		path := filepath.Join(tb.TempDir(), "parley.db")
		open = func() (*sqlstore.Store, error) { return sqlite.Open(ctx, path) }
	}
	s, err := open()
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { s.Close() })
	skey, vkey, err := ledger.GenerateKey("parley.test/sqlite")
	if err != nil {
		tb.Fatal(err)
	}
	signer, err := ledger.NewSigner(skey)
	if err != nil {
		tb.Fatal(err)
	}
	s.Seal = eventlog.Sealer(signer)
	another := func() *sqlstore.Store {
		o, err := open()
		if err != nil {
			tb.Fatal(err)
		}
		tb.Cleanup(func() { o.Close() })
		o.Seal = s.Seal
		return o
	}
	return s, another, vkey
}

// appendEvent appends a test event whose payload carries tag.
func appendEvent(ctx context.Context, tx parley.Tx, tag string) (*parley.Event, error) {
	data, _ := json.Marshal(map[string]string{"tag": tag})
	e := &parley.Event{Time: time.Date(2024, 12, 5, 9, 30, 0, 0, time.UTC), Kind: "test.appended", Talks: "t1", Room: "mediators", Data: data}
	return e, eventlog.Append(ctx, tx, e)
}

// tagOf returns the tag in an event's payload.
func tagOf(tb testing.TB, e parley.Event) string {
	tb.Helper()
	var d struct{ Tag string }
	if err := json.Unmarshal(e.Data, &d); err != nil {
		tb.Fatal(err)
	}
	return d.Tag
}

// allEvents reads the whole log.
func allEvents(tb testing.TB, s *sqlstore.Store) []parley.Event {
	tb.Helper()
	var out []parley.Event
	err := s.View(context.Background(), func(tx parley.Tx) error {
		var err error
		out, err = tx.EventsAfter(context.Background(), 0, 1<<30)
		return err
	})
	if err != nil {
		tb.Fatal(err)
	}
	return out
}

// checkLedger recomputes the whole tree, and checks that every stored
// checkpoint is validly signed and matches the stored tree at its size.
// It returns the number of checkpoints.
func checkLedger(tb testing.TB, s *sqlstore.Store, vkey string) int {
	tb.Helper()
	ctx := context.Background()
	rows, err := s.DB().QueryContext(ctx, `SELECT size, note FROM checkpoints ORDER BY size`)
	if err != nil {
		tb.Fatal(err)
	}
	notes := map[int64]string{}
	for rows.Next() {
		var size int64
		var note string
		if err := rows.Scan(&size, &note); err != nil {
			tb.Fatal(err)
		}
		notes[size] = note
	}
	rows.Close()
	err = s.View(ctx, func(tx parley.Tx) error {
		size, err := tx.LedgerSize(ctx)
		if err != nil {
			return err
		}
		leaves := func(i int64) (tlog.Hash, error) {
			es, err := tx.LedgerEntries(ctx, []int64{i + 1})
			if err != nil {
				return tlog.Hash{}, err
			}
			return eventlog.Leaf(&es[0])
		}
		if err := ledger.Check(leaves, size, tx); err != nil {
			return err
		}
		if size > 0 && notes[size] == "" {
			return fmt.Errorf("no checkpoint for the final size %d", size)
		}
		for n, note := range notes {
			c, err := ledger.OpenCheckpoint([]byte(note), vkey)
			if err != nil {
				return fmt.Errorf("checkpoint %d: %w", n, err)
			}
			root, err := ledger.TreeHash(n, tx)
			if err != nil {
				return err
			}
			if c.Tree.N != n || c.Tree.Hash != root {
				return fmt.Errorf("checkpoint stored for size %d is for size %d or another root", n, c.Tree.N)
			}
		}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	return len(notes)
}
