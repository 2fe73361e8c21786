package sqlite

import (
	"context"
	"fmt"
	"strings"

	"golang.org/x/mod/sumdb/tlog"

	"parley"
	"parley/ledger"
)

// CheckpointFunc signs a checkpoint note for a tree.
type CheckpointFunc func(t tlog.Tree) ([]byte, error)

// AppendEvent numbers e, salts and canonicalises it, stores it and the tree
// hashes its leaf adds, all in the current transaction.
func (t *Tx) AppendEvent(ctx context.Context, e *parley.Event) error {
	if t.readOnly {
		return fmt.Errorf("sqlite: append event: read-only transaction")
	}
	size, err := t.LedgerSize(ctx)
	if err != nil {
		return err
	}
	e.Seq = size + 1
	e.Time = e.Time.UTC()
	salt, err := ledger.NewSalt()
	if err != nil {
		return err
	}
	canon, err := ledger.Canonical(ledger.Record{Index: size, Time: e.Time, Kind: e.Kind, Talks: e.Talks, Room: e.Room, Actor: e.Actor, Data: e.Data})
	if err != nil {
		return fmt.Errorf("sqlite: append event: %w", err)
	}
	first, hashes, err := ledger.Append(size, ledger.LeafHash(salt, canon), t)
	if err != nil {
		return err
	}
	if _, err := t.exec(ctx, `INSERT INTO events (seq, time, kind, talks_id, room, actor, data, salt, canonical) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		e.Seq, fmtTime(e.Time), e.Kind, e.Talks, e.Room, e.Actor, string(e.Data), salt[:], canon); err != nil {
		return fmt.Errorf("sqlite: append event: %w", err)
	}
	for i, h := range hashes {
		if _, err := t.exec(ctx, `INSERT INTO ledger_hashes (idx, hash) VALUES (?, ?)`, first+int64(i), h[:]); err != nil {
			return fmt.Errorf("sqlite: append event: hash: %w", err)
		}
	}
	t.events = append(t.events, *e)
	return nil
}

// signCheckpoint signs and stores a checkpoint for the current tree.
func (t *Tx) signCheckpoint(ctx context.Context, sign CheckpointFunc) error {
	size, err := t.LedgerSize(ctx)
	if err != nil {
		return err
	}
	root, err := ledger.TreeHash(size, t)
	if err != nil {
		return err
	}
	note, err := sign(tlog.Tree{N: size, Hash: root})
	if err != nil {
		return fmt.Errorf("sqlite: checkpoint: %w", err)
	}
	if _, err := t.exec(ctx, `INSERT OR REPLACE INTO checkpoints (size, note) VALUES (?, ?)`, size, string(note)); err != nil {
		return fmt.Errorf("sqlite: checkpoint: %w", err)
	}
	return nil
}

// ReadHashes implements tlog.HashReader over the stored tree hashes. A
// proof's hashes come back from one indexed query.
func (t *Tx) ReadHashes(indexes []int64) ([]tlog.Hash, error) {
	out := make([]tlog.Hash, len(indexes))
	ctx := context.Background()
	for start := 0; start < len(indexes); start += 500 {
		chunk := indexes[start:min(start+500, len(indexes))]
		args := make([]any, len(chunk))
		for i, idx := range chunk {
			args[i] = idx
		}
		rows, err := t.query(ctx, `SELECT idx, hash FROM ledger_hashes WHERE idx IN (?`+strings.Repeat(",?", len(chunk)-1)+`)`, args...)
		if err != nil {
			return nil, fmt.Errorf("sqlite: read hashes: %w", err)
		}
		found := make(map[int64][]byte, len(chunk))
		for rows.Next() {
			var idx int64
			var b []byte
			if err := rows.Scan(&idx, &b); err != nil {
				rows.Close()
				return nil, fmt.Errorf("sqlite: read hashes: %w", err)
			}
			found[idx] = b
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("sqlite: read hashes: %w", err)
		}
		for i, idx := range chunk {
			b, ok := found[idx]
			if !ok {
				return nil, fmt.Errorf("sqlite: read hash %d: not stored", idx)
			}
			if len(b) != tlog.HashSize {
				return nil, fmt.Errorf("sqlite: read hash %d: %d bytes", idx, len(b))
			}
			copy(out[start+i][:], b)
		}
	}
	return out, nil
}

// LedgerSize returns the number of events in the log.
func (t *Tx) LedgerSize(ctx context.Context) (int64, error) {
	var n int64
	if err := t.queryRow(ctx, `SELECT COALESCE(MAX(seq), 0) FROM events`).Scan(&n); err != nil {
		return 0, fmt.Errorf("sqlite: ledger size: %w", err)
	}
	return n, nil
}

const eventCols = `seq, time, kind, talks_id, room, actor, data, salt, canonical`

func scanEntry(row interface{ Scan(...any) error }) (parley.LedgerEntry, error) {
	var le parley.LedgerEntry
	var at, data string
	var salt []byte
	e := &le.Event
	if err := row.Scan(&e.Seq, &at, &e.Kind, &e.Talks, &e.Room, &e.Actor, &data, &salt, &le.Canonical); err != nil {
		return le, err
	}
	e.Time, e.Data = parseTime(at), []byte(data)
	copy(le.Salt[:], salt)
	return le, nil
}

// EventsAfter returns up to limit events after seq, in order.
func (t *Tx) EventsAfter(ctx context.Context, after int64, limit int) ([]parley.Event, error) {
	rows, err := t.query(ctx, `SELECT `+eventCols+` FROM events WHERE seq > ? ORDER BY seq LIMIT ?`, after, limit)
	if err != nil {
		return nil, fmt.Errorf("sqlite: events: %w", err)
	}
	defer rows.Close()
	var out []parley.Event
	for rows.Next() {
		le, err := scanEntry(rows)
		if err != nil {
			return nil, fmt.Errorf("sqlite: events: %w", err)
		}
		out = append(out, le.Event)
	}
	return out, rows.Err()
}

// LedgerEntries returns the events with the given sequence numbers, in
// ascending order; a missing one is ENOTFOUND.
func (t *Tx) LedgerEntries(ctx context.Context, seqs []int64) ([]parley.LedgerEntry, error) {
	out := make([]parley.LedgerEntry, 0, len(seqs))
	for start := 0; start < len(seqs); start += 500 {
		chunk := seqs[start:min(start+500, len(seqs))]
		args := make([]any, len(chunk))
		for i, s := range chunk {
			args[i] = s
		}
		rows, err := t.query(ctx, `SELECT `+eventCols+` FROM events WHERE seq IN (?`+strings.Repeat(",?", len(chunk)-1)+`) ORDER BY seq`, args...)
		if err != nil {
			return nil, fmt.Errorf("sqlite: ledger entries: %w", err)
		}
		for rows.Next() {
			le, err := scanEntry(rows)
			if err != nil {
				rows.Close()
				return nil, fmt.Errorf("sqlite: ledger entries: %w", err)
			}
			out = append(out, le)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("sqlite: ledger entries: %w", err)
		}
	}
	if len(out) != len(seqs) {
		return nil, parley.Errorf(parley.ENOTFOUND, "event not found")
	}
	return out, nil
}

// LatestCheckpoint returns the newest signed checkpoint.
func (t *Tx) LatestCheckpoint(ctx context.Context) ([]byte, error) {
	var note string
	if err := t.queryRow(ctx, `SELECT note FROM checkpoints ORDER BY size DESC LIMIT 1`).Scan(&note); err != nil {
		return nil, notFound("checkpoint", err)
	}
	return []byte(note), nil
}
