package main

import (
	"context"
	"encoding/base64"
	"fmt"
	"path/filepath"

	"parley"
	"parley/ledger"
	"parley/postgres"
	"parley/sqlstore"
	"parley/talks"
)

// runCopy copies a SQLite deployment into an empty PostgreSQL database and
// proves the ledger came across intact.
func runCopy(ctx context.Context, m *Main, args []string) error {
	fs := m.newFlagSet("admin copy", "--from DIR --to postgres://…")
	from := fs.String("from", "", "the SQLite deployment's data `directory`")
	to := fs.String("to", "", "an empty PostgreSQL database `URL`")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *from == "" || *to == "" || fs.NArg() > 0 {
		fmt.Fprintln(m.Stderr, "parley admin copy: --from DIR and --to postgres://… are required")
		return errUsage
	}
	if !postgres.IsDSN(*to) {
		return fmt.Errorf("--to %q: want a postgres:// or postgresql:// URL", postgres.Redact(*to))
	}
	src := &deployment{data: *from}
	a, err := src.open(ctx, "", false)
	if err != nil {
		return err
	}
	defer a.Close()
	dst, err := postgres.Open(ctx, *to)
	if err != nil {
		return err
	}
	defer dst.Close()
	counts, err := sqlstore.Copy(ctx, dst, a.store)
	if err != nil {
		return fmt.Errorf("copy: %s", parley.ErrorDetail(err))
	}
	var rows int64
	for _, c := range counts {
		rows += c.Rows
		fmt.Fprintf(m.Stdout, "  %-16s %8d rows\n", c.Table, c.Rows)
	}
	fmt.Fprintf(m.Stdout, "copied %d rows of %d tables from %s to %s\n", rows, len(counts), src.where(), postgres.Redact(*to))

	// The copy's ledger: the same events and tree, checked from scratch
	// on both sides, and every checkpoint ever signed verifies against it.
	copied := talks.New(dst, nil)
	copied.VerifierKey = a.signer.VerifierKey()
	n, err := a.talks.CheckLedger(ctx)
	if err != nil {
		return &exitError{code: 1, err: fmt.Errorf("ledger-check of %s: %w", src.where(), err)}
	}
	if n2, err := copied.CheckLedger(ctx); err != nil || n2 != n {
		return &exitError{code: 1, err: fmt.Errorf("ledger-check of the copy: %d events (the source has %d): %v", n2, n, err)}
	}
	root, checked, err := verifyCheckpoints(ctx, a.store, dst, a.signer.VerifierKey())
	if err != nil {
		return &exitError{code: 1, err: fmt.Errorf("the copy's ledger: %w", err)}
	}
	fmt.Fprintf(m.Stdout, "ledger ok on both: %d events, root %s; all %d checkpoints of the source verify against the copy\n", n, root, checked)
	fmt.Fprintf(m.Stdout, "serve it with: parley serve --db URL --ledger-key-file %s\n", filepath.Join(*from, ledger.KeyFile))
	return nil
}

// verifyCheckpoints checks that every checkpoint stored in src is signed
// with vkey for the tree dst holds at its size, and that dst's latest
// checkpoint extends it (a consistency proof computed from dst). It
// returns dst's root hash and how many checkpoints it checked.
func verifyCheckpoints(ctx context.Context, src, dst *sqlstore.Store, vkey string) (string, int, error) {
	rows, err := src.DB().QueryContext(ctx, `SELECT size, note FROM checkpoints ORDER BY size`)
	if err != nil {
		return "", 0, err
	}
	type cp struct {
		size int64
		note []byte
	}
	var cps []cp
	for rows.Next() {
		var c cp
		var note string
		if err := rows.Scan(&c.size, &note); err != nil {
			rows.Close()
			return "", 0, err
		}
		c.note = []byte(note)
		cps = append(cps, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return "", 0, err
	}
	var root string
	err = dst.View(ctx, func(tx parley.Tx) error {
		size, err := tx.LedgerSize(ctx)
		if err != nil {
			return err
		}
		h, err := ledger.TreeHash(size, tx)
		if err != nil {
			return err
		}
		root = base64.StdEncoding.EncodeToString(h[:])
		if size == 0 {
			return nil
		}
		latest, err := tx.LatestCheckpoint(ctx)
		if err != nil {
			return err
		}
		for _, c := range cps {
			old, err := ledger.OpenCheckpoint(c.note, vkey)
			if err != nil {
				return fmt.Errorf("checkpoint %d: %w", c.size, err)
			}
			at, err := ledger.TreeHash(c.size, tx)
			if err != nil {
				return err
			}
			if old.Tree.N != c.size || old.Tree.Hash != at {
				return fmt.Errorf("checkpoint %d does not match the copy's tree at that size", c.size)
			}
			p, err := ledger.ProveConsistency(c.size, size, tx)
			if err != nil {
				return err
			}
			if err := ledger.VerifyConsistency(c.note, latest, p, vkey); err != nil {
				return fmt.Errorf("checkpoint %d: %w", c.size, err)
			}
		}
		return nil
	})
	return root, len(cps), err
}
