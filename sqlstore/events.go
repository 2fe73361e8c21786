package sqlstore

import (
	"context"
	"fmt"
	"strings"

	"golang.org/x/mod/sumdb/tlog"

	"parley"
)

// InsertEntry stores one event as the ledger holds it.
func (t *Tx) InsertEntry(ctx context.Context, le *parley.LedgerEntry) error {
	if t.readOnly {
		return fmt.Errorf("sqlstore: insert event: read-only transaction")
	}
	e := &le.Event
	if _, err := t.exec(ctx, `INSERT INTO events (seq, time, kind, talks_id, room, actor, data, salt, canonical) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		e.Seq, fmtTime(e.Time), e.Kind, e.Talks, e.Room, e.Actor, string(e.Data), le.Salt[:], le.Canonical); err != nil {
		return t.formatError(err, "insert event")
	}
	t.events = append(t.events, *e)
	if b := t.batch; b != nil && b.sized {
		b.size = max(b.size, e.Seq)
	}
	return nil
}

// InsertHashes stores tree hashes at consecutive stored-hash indexes, in
// one statement (an append adds one to about forty).
func (t *Tx) InsertHashes(ctx context.Context, first int64, hashes []tlog.Hash) error {
	if len(hashes) == 0 {
		return nil
	}
	vals := make([]any, 0, 2*len(hashes))
	for i, h := range hashes {
		vals = append(vals, first+int64(i), h[:])
	}
	if _, err := t.exec(ctx, `INSERT INTO ledger_hashes (idx, hash) VALUES (?, ?)`+strings.Repeat(`, (?, ?)`, len(hashes)-1), vals...); err != nil {
		return t.formatError(err, "insert hash")
	}
	return nil
}

// InsertCheckpoint stores a signed checkpoint.
func (t *Tx) InsertCheckpoint(ctx context.Context, size int64, note []byte) error {
	if _, err := t.exec(ctx, `INSERT INTO checkpoints (size, note) VALUES (?, ?) ON CONFLICT (size) DO UPDATE SET note = excluded.note`, size, string(note)); err != nil {
		return t.formatError(err, "insert checkpoint")
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
		rows, err := t.query(ctx, `SELECT idx, hash FROM ledger_hashes WHERE idx IN (?`+strings.Repeat(",?", len(chunk)-1)+`)`, args(chunk)...)
		if err != nil {
			return nil, t.formatError(err, "read hashes")
		}
		found := make(map[int64][]byte, len(chunk))
		for rows.Next() {
			var idx int64
			var b []byte
			if err := rows.Scan(&idx, &b); err != nil {
				rows.Close()
				return nil, t.formatError(err, "read hashes")
			}
			found[idx] = b
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, t.formatError(err, "read hashes")
		}
		for i, idx := range chunk {
			b, ok := found[idx]
			if !ok {
				return nil, fmt.Errorf("sqlstore: read hash %d: not stored", idx)
			}
			if len(b) != tlog.HashSize {
				return nil, fmt.Errorf("sqlstore: read hash %d: %d bytes", idx, len(b))
			}
			copy(out[start+i][:], b)
		}
	}
	return out, nil
}

// args turns int64s into query arguments.
func args(xs []int64) []any {
	out := make([]any, len(xs))
	for i, x := range xs {
		out[i] = x
	}
	return out
}

// LedgerSize returns the number of events in the log.
// A write transaction reads it once and then keeps count of what it
// appends (it holds the log's write lock).
func (t *Tx) LedgerSize(ctx context.Context) (int64, error) {
	if b := t.batch; b != nil && b.sized {
		return b.size, nil
	}
	var n int64
	if err := t.queryRow(ctx, `SELECT COALESCE(MAX(seq), 0) FROM events`).Scan(&n); err != nil {
		return 0, t.formatError(err, "ledger size")
	}
	if b := t.batch; b != nil {
		b.size, b.sized = n, true
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
		return nil, t.formatError(err, "events")
	}
	defer rows.Close()
	out := []parley.Event{}
	for rows.Next() {
		le, err := scanEntry(rows)
		if err != nil {
			return nil, t.formatError(err, "events")
		}
		out = append(out, le.Event)
	}
	return out, t.formatError(rows.Err(), "events")
}

// EventsOfKind returns the talks' events of one kind, in order.
func (t *Tx) EventsOfKind(ctx context.Context, talksID, kind string) ([]parley.Event, error) {
	rows, err := t.query(ctx, `SELECT `+eventCols+` FROM events WHERE talks_id = ? AND kind = ? ORDER BY seq`, talksID, kind)
	if err != nil {
		return nil, t.formatError(err, "events")
	}
	defer rows.Close()
	out := []parley.Event{}
	for rows.Next() {
		le, err := scanEntry(rows)
		if err != nil {
			return nil, t.formatError(err, "events")
		}
		out = append(out, le.Event)
	}
	return out, t.formatError(rows.Err(), "events")
}

// LedgerEntries returns the events with the given sequence numbers, in
// ascending order; a missing one is ENOTFOUND.
func (t *Tx) LedgerEntries(ctx context.Context, seqs []int64) ([]parley.LedgerEntry, error) {
	out := make([]parley.LedgerEntry, 0, len(seqs))
	for start := 0; start < len(seqs); start += 500 {
		chunk := seqs[start:min(start+500, len(seqs))]
		rows, err := t.query(ctx, `SELECT `+eventCols+` FROM events WHERE seq IN (?`+strings.Repeat(",?", len(chunk)-1)+`) ORDER BY seq`, args(chunk)...)
		if err != nil {
			return nil, t.formatError(err, "ledger entries")
		}
		for rows.Next() {
			le, err := scanEntry(rows)
			if err != nil {
				rows.Close()
				return nil, t.formatError(err, "ledger entries")
			}
			out = append(out, le)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, t.formatError(err, "ledger entries")
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
		return nil, t.notFound("checkpoint", err)
	}
	return []byte(note), nil
}
