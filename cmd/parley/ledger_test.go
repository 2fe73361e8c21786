package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/mod/sumdb/tlog"

	"parley"
	"parley/ledger"
	"parley/talks"
)

// ledgerDemo loads the seed scenario into a fresh data directory and
// returns it with the deployment's verifier key.
func ledgerDemo(t *testing.T) (dir, key string) {
	t.Helper()
	useCheapArgon()
	dir = filepath.Join(t.TempDir(), "data")
	mustParley(t, "demo", "--data", dir)
	key = strings.TrimSpace(mustParley(t, "admin", "ledger-key", "--data", dir))
	return dir, key
}

// mustParley runs a command that must succeed and returns its output.
func mustParley(t *testing.T, args ...string) string {
	t.Helper()
	out, errOut, code := runParley(t, "", args...)
	if code != 0 {
		t.Fatalf("parley %s: exit %d: %s", strings.Join(args, " "), code, errOut)
	}
	return out
}

// failParley runs a command that must exit 1 with every want in its
// error message, and returns that message.
func failParley(t *testing.T, want []string, args ...string) string {
	t.Helper()
	out, errOut, code := runParley(t, "", args...)
	if code != 1 {
		t.Fatalf("parley %s: exit %d, want 1\nstdout: %s\nstderr: %s", strings.Join(args, " "), code, out, errOut)
	}
	t.Logf("parley %s: %s", args[0], strings.TrimSpace(errOut))
	for _, w := range want {
		if !strings.Contains(errOut, w) {
			t.Errorf("parley %s: error %q does not mention %q", strings.Join(args, " "), strings.TrimSpace(errOut), w)
		}
	}
	return errOut
}

// exportBundle exports user's bundle from dir into a file and parses it.
func exportBundle(t *testing.T, dir, user string) (string, ledger.Bundle) {
	t.Helper()
	out := mustParley(t, "export", "--user", user, "--data", dir)
	path := writeTemp(t, user+"-bundle.json", out)
	b, err := ledger.ParseBundle([]byte(out))
	if err != nil {
		t.Fatal(err)
	}
	return path, b
}

// writeTemp writes data to a new file and returns its path.
func writeTemp(t *testing.T, name, data string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// copyData copies a closed data directory. os.CopyFS does not keep file
// modes, so the ledger key is made private again, as parley requires.
func copyData(t *testing.T, dir string) string {
	t.Helper()
	dst := filepath.Join(t.TempDir(), "data")
	if err := os.CopyFS(dst, os.DirFS(dir)); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(filepath.Join(dst, ledger.KeyFile), 0o600); err != nil {
		t.Fatal(err)
	}
	return dst
}

// editDB opens the data directory's database behind parley's back, as
// someone with access to the file would, and runs fn on it.
func editDB(t *testing.T, dir string, fn func(db *sql.DB)) {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+filepath.Join(dir, dbFile))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	fn(db)
}

func mustExec(t *testing.T, db *sql.DB, q string, args ...any) {
	t.Helper()
	if _, err := db.Exec(q, args...); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

// storedEvent is an event row as the database holds it.
type storedEvent struct {
	data      string
	canonical []byte
}

func readEvent(t *testing.T, db *sql.DB, seq int64) storedEvent {
	t.Helper()
	var e storedEvent
	if err := db.QueryRow(`SELECT data, canonical FROM events WHERE seq = ?`, seq).Scan(&e.data, &e.canonical); err != nil {
		t.Fatal(err)
	}
	return e
}

// reencode returns the canonical bytes of c with its index and payload
// replaced (a nil payload keeps the old one).
func reencode(t *testing.T, c []byte, index int64, data string) []byte {
	t.Helper()
	r, err := ledger.DecodeCanonical(c)
	if err != nil {
		t.Fatal(err)
	}
	r.Index = index
	if data != "" {
		r.Data = json.RawMessage(data)
	}
	out, err := ledger.Canonical(r)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// israelSeqs returns the sequence numbers of the messages in Israel's
// caucus, which barnea can read.
func israelSeqs(t *testing.T, dir string) []int64 {
	t.Helper()
	var seqs []int64
	editDB(t, dir, func(db *sql.DB) {
		rows, err := db.Query(`SELECT seq FROM events WHERE room = 'caucus:israel' AND kind = 'message.posted' ORDER BY seq`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		for rows.Next() {
			var s int64
			rows.Scan(&s)
			seqs = append(seqs, s)
		}
	})
	if len(seqs) < 2 {
		t.Fatalf("the seed scenario has %d messages in caucus:israel, want at least 2", len(seqs))
	}
	return seqs
}

// entryAt returns the bundle entry for a log index.
func entryAt(b ledger.Bundle, index int64) (ledger.Entry, bool) {
	for _, e := range b.Entries {
		if e.Index == index {
			return e, true
		}
	}
	return ledger.Entry{}, false
}

// writeBundle writes b to a file.
func writeBundle(t *testing.T, name string, b ledger.Bundle) string {
	t.Helper()
	var buf bytes.Buffer
	if err := b.WriteJSON(&buf); err != nil {
		t.Fatal(err)
	}
	return writeTemp(t, name, buf.String())
}

func TestLedgerExportVerify(t *testing.T) {
	dir, key := ledgerDemo(t)
	if out := mustParley(t, "admin", "ledger-check", "--data", dir); !strings.HasPrefix(out, "ledger ok: ") {
		t.Fatalf("ledger-check: %q", out)
	}
	path, b := exportBundle(t, dir, "barnea")
	c, err := ledger.OpenCheckpoint([]byte(b.Checkpoint), key)
	if err != nil {
		t.Fatal(err)
	}
	want := fmt.Sprintf("bundle ok: %d entries verified against checkpoint of size %d signed by %s\n", len(b.Entries), c.Tree.N, defaultOrigin)
	if out := mustParley(t, "verify", path, "--key", key); out != want {
		t.Errorf("verify: %q, want %q", out, want)
	}
	// barnea (Israel) reads the talks-wide events, Israel's caucus, the
	// plenary, the text, Israel's private room, the captive records (the
	// demo's mediators allowed Israel them) and the two meetings shown to
	// Israel: nothing of Hamas's caucus or private room, the mediators or
	// the briefing.
	sawCaucus, meetings := false, map[string]bool{}
	for _, e := range b.Entries {
		switch room := e.Record.Room; {
		case room == "", room == parley.RoomPlenary, room == parley.RoomRegistry, room == parley.RoomText, room == parley.PrivateRoom("israel"):
		case room == parley.CaucusRoom("israel"):
			sawCaucus = true
		case strings.HasPrefix(room, parley.MeetingRoomPrefix):
			meetings[room] = true
		default:
			t.Errorf("barnea's bundle holds log index %d of room %q", e.Index, e.Record.Room)
		}
	}
	if !sawCaucus || len(meetings) != 2 {
		t.Errorf("barnea's bundle holds Israel's caucus: %v, %d meetings (want 2)", sawCaucus, len(meetings))
	}
	// A verifier key of another deployment does not open it.
	_, other, err := ledger.GenerateKey(defaultOrigin)
	if err != nil {
		t.Fatal(err)
	}
	failParley(t, []string{"no signature by key"}, "verify", path, "--key", other)
}

func TestLedgerTamper(t *testing.T) {
	dir, key := ledgerDemo(t)
	oldPath, old := exportBundle(t, dir, "barnea")
	seqs := israelSeqs(t, dir)
	first, second := seqs[0], seqs[1] // both in barnea's bundle
	at := func(seq int64) string { return fmt.Sprintf("index %d:", seq-1) }
	check := func(t *testing.T, dir string, want ...string) {
		t.Helper()
		failParley(t, want, "admin", "ledger-check", "--data", dir)
	}

	t.Run("DataColumnEdited", func(t *testing.T) {
		d := copyData(t, dir)
		editDB(t, d, func(db *sql.DB) {
			mustExec(t, db, `UPDATE events SET data = ? WHERE seq = ?`, `{"text":"tampered"}`, second)
		})
		check(t, d, at(second), "differs from the canonical bytes its leaf commits to")
		// The server refuses to vouch for a log whose displayed events
		// differ from what the leaves commit to.
		failParley(t, []string{at(second), "differs from the canonical bytes"}, "export", "--user", "barnea", "--data", d)
	})

	t.Run("MessageTextEdited", func(t *testing.T) {
		d := copyData(t, dir)
		editDB(t, d, func(db *sql.DB) {
			mustExec(t, db, `UPDATE messages SET text = 'tampered' WHERE event_seq = ?`, second)
		})
		check(t, d, at(second), "differs from the event that recorded it")
		failParley(t, []string{at(second), "differs from the event that recorded it"}, "export", "--user", "barnea", "--data", d)
	})

	t.Run("RelayAttributionEdited", func(t *testing.T) {
		// An anonymous relay made to look attributed: the server would tell
		// the recipient where the words came from.
		d := copyData(t, dir)
		editDB(t, d, func(db *sql.DB) {
			mustExec(t, db, `UPDATE relays SET attribution = 'attributed', from_delegation = source_delegation WHERE attribution = 'anonymous'`)
		})
		check(t, d, "differs from the event that recorded it")
	})

	t.Run("CanonicalColumnEdited", func(t *testing.T) {
		d := copyData(t, dir)
		var forged []byte
		editDB(t, d, func(db *sql.DB) {
			// A careful forger keeps the columns consistent with each other.
			forged = reencode(t, readEvent(t, db, second).canonical, second-1, `{"text":"tampered"}`)
			mustExec(t, db, `UPDATE events SET data = ?, canonical = ? WHERE seq = ?`, `{"text":"tampered"}`, forged, second)
		})
		check(t, d, at(second), "stored leaf hash differs from recomputed event hash")
		failParley(t, []string{at(second), "stored leaf hash differs"}, "export", "--user", "barnea", "--data", d)
		// Served with the old proof, the edited event fails offline.
		b := old
		b.Entries = append([]ledger.Entry(nil), old.Entries...)
		for i := range b.Entries {
			if b.Entries[i].Index == second-1 {
				rec, err := ledger.DecodeCanonical(forged)
				if err != nil {
					t.Fatal(err)
				}
				b.Entries[i].Canonical, b.Entries[i].Record = forged, rec
				failParley(t, []string{fmt.Sprintf("entry %d (log index %d): inclusion proof does not match checkpoint root", i, second-1)},
					"verify", writeBundle(t, "forged.json", b), "--key", key)
			}
		}
	})

	t.Run("EventDropped", func(t *testing.T) {
		d := copyData(t, dir)
		editDB(t, d, func(db *sql.DB) { mustExec(t, db, `DELETE FROM events WHERE seq = ?`, second) })
		check(t, d, at(second), "event missing")
		// The server can withhold an event, but not deny it: the member's
		// older bundle proves it against the new checkpoint, whose tree
		// still holds its leaf.
		path, b := exportBundle(t, d, "barnea")
		mustParley(t, "verify", path, "--key", key)
		if _, ok := entryAt(b, second-1); ok {
			t.Fatalf("index %d still exported after its row was deleted", second-1)
		}
		c, err := ledger.OpenCheckpoint([]byte(b.Checkpoint), key)
		if err != nil {
			t.Fatal(err)
		}
		e, _ := entryAt(old, second-1)
		if err := ledger.VerifyInclusion(e.Proof, ledger.LeafHash(e.Salt, e.Canonical), c.Tree); err != nil {
			t.Errorf("old entry for index %d against the new checkpoint: %v", second-1, err)
		}
	})

	t.Run("LastEventDropped", func(t *testing.T) {
		d := copyData(t, dir)
		var last int64
		editDB(t, d, func(db *sql.DB) {
			db.QueryRow(`SELECT MAX(seq) FROM events`).Scan(&last)
			mustExec(t, db, `DELETE FROM events WHERE seq = ?`, last)
		})
		check(t, d, at(last), "event missing")
	})

	t.Run("RowsSwapped", func(t *testing.T) {
		d := copyData(t, dir)
		editDB(t, d, func(db *sql.DB) { swapRows(t, db, first, second, false) })
		check(t, d, at(first), "differs from the canonical bytes its leaf commits to")
		failParley(t, []string{at(first), "differs from the canonical bytes"}, "export", "--user", "barnea", "--data", d)
	})

	t.Run("RowsSwappedAndRenumbered", func(t *testing.T) {
		d := copyData(t, dir)
		editDB(t, d, func(db *sql.DB) { swapRows(t, db, first, second, true) })
		check(t, d, at(first), "stored leaf hash differs from recomputed event hash")
		failParley(t, []string{at(first), "stored leaf hash differs"}, "export", "--user", "barnea", "--data", d)
	})

	t.Run("CheckpointOtherKey", func(t *testing.T) {
		d := copyData(t, dir)
		skey, _, err := ledger.GenerateKey(defaultOrigin)
		if err != nil {
			t.Fatal(err)
		}
		other, err := ledger.NewSigner(skey)
		if err != nil {
			t.Fatal(err)
		}
		c, err := ledger.OpenCheckpoint([]byte(old.Checkpoint), key)
		if err != nil {
			t.Fatal(err)
		}
		replaceCheckpoint(t, d, other, c.Tree)
		check(t, d, "no signature by key")
		failParley(t, []string{"no signature by key"}, "export", "--user", "barnea", "--data", d)
	})

	t.Run("CheckpointRootAltered", func(t *testing.T) {
		d := copyData(t, dir)
		signer := dataSigner(t, d)
		c, err := ledger.OpenCheckpoint([]byte(old.Checkpoint), key)
		if err != nil {
			t.Fatal(err)
		}
		c.Tree.Hash[0] ^= 1
		replaceCheckpoint(t, d, signer, c.Tree)
		check(t, d, fmt.Sprintf("checkpoint of size %d does not match the recomputed tree", c.Tree.N))
		// Every proof served against it fails; verify names the first.
		path, _ := exportBundle(t, d, "barnea")
		failParley(t, []string{fmt.Sprintf("entry 0 (log index %d): inclusion proof does not match checkpoint root", old.Entries[0].Index)},
			"verify", path, "--key", key)
	})

	t.Run("CheckpointTextEdited", func(t *testing.T) {
		d := copyData(t, dir)
		var note string
		editDB(t, d, func(db *sql.DB) {
			db.QueryRow(`SELECT note FROM checkpoints ORDER BY size DESC LIMIT 1`).Scan(&note)
			lines := strings.SplitN(note, "\n", 4)
			c, _ := ledger.OpenCheckpoint([]byte(note), key)
			lines[1] = fmt.Sprint(c.Tree.N + 1)
			mustExec(t, db, `UPDATE checkpoints SET note = ? WHERE note = ?`, strings.Join(lines, "\n"), note)
		})
		check(t, d, "does not match its text")
		failParley(t, []string{"does not match its text"}, "export", "--user", "barnea", "--data", d)
	})

	// Nothing above touched the original.
	mustParley(t, "admin", "ledger-check", "--data", dir)
	mustParley(t, "verify", oldPath, "--key", key)
}

// swapRows exchanges the contents of two event rows; with renumber, the
// canonical bytes are re-encoded to name their new positions, as a forger
// reordering the log would have to.
func swapRows(t *testing.T, db *sql.DB, a, b int64, renumber bool) {
	t.Helper()
	cols := `time, kind, talks_id, room, actor, data, salt, canonical`
	type row struct {
		v [8]any
	}
	read := func(seq int64) row {
		var r row
		ptrs := make([]any, 8)
		for i := range ptrs {
			ptrs[i] = &r.v[i]
		}
		if err := db.QueryRow(`SELECT `+cols+` FROM events WHERE seq = ?`, seq).Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		return r
	}
	write := func(seq int64, r row) {
		if renumber {
			r.v[7] = reencode(t, r.v[7].([]byte), seq-1, "")
		}
		mustExec(t, db, `UPDATE events SET time = ?, kind = ?, talks_id = ?, room = ?, actor = ?, data = ?, salt = ?, canonical = ? WHERE seq = ?`,
			append(r.v[:], seq)...)
	}
	ra, rb := read(a), read(b)
	write(a, rb)
	write(b, ra)
}

// dataSigner loads the signing key of a data directory.
func dataSigner(t *testing.T, dir string) *ledger.Signer {
	t.Helper()
	skey, err := os.ReadFile(filepath.Join(dir, ledger.KeyFile))
	if err != nil {
		t.Fatal(err)
	}
	s, err := ledger.NewSigner(string(skey))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// replaceCheckpoint stores a checkpoint for tree signed by signer as the
// latest one.
func replaceCheckpoint(t *testing.T, dir string, signer *ledger.Signer, tree tlog.Tree) {
	t.Helper()
	note, err := signer.Checkpoint(tree)
	if err != nil {
		t.Fatal(err)
	}
	editDB(t, dir, func(db *sql.DB) {
		mustExec(t, db, `INSERT OR REPLACE INTO checkpoints (size, note) VALUES (?, ?)`, tree.N, string(note))
	})
}

// rewriteLog replaces the payload of the event at seq and then rebuilds
// every stored tree hash and re-signs the checkpoint with the deployment's
// own key: a rewrite by someone holding the key, consistent in itself.
func rewriteLog(t *testing.T, dir string, seq int64) {
	t.Helper()
	signer := dataSigner(t, dir)
	editDB(t, dir, func(db *sql.DB) {
		// A thorough forger rewrites the message, its event and its leaf
		// alike, so that the server's own state agrees with the new log.
		var data map[string]any
		if err := json.Unmarshal([]byte(readEvent(t, db, seq).data), &data); err != nil {
			t.Fatal(err)
		}
		data["text"] = "rewritten"
		rewritten, _ := json.Marshal(data)
		forged := reencode(t, readEvent(t, db, seq).canonical, seq-1, string(rewritten))
		mustExec(t, db, `UPDATE events SET data = ?, canonical = ? WHERE seq = ?`, string(rewritten), forged, seq)
		mustExec(t, db, `UPDATE messages SET text = 'rewritten' WHERE event_seq = ?`, seq)
		rows, err := db.Query(`SELECT salt, canonical FROM events ORDER BY seq`)
		if err != nil {
			t.Fatal(err)
		}
		var log ledger.MemLog
		for rows.Next() {
			var salt, canon []byte
			if err := rows.Scan(&salt, &canon); err != nil {
				t.Fatal(err)
			}
			log.Append(ledger.LeafHash(ledger.Salt(salt), canon))
		}
		rows.Close()
		mustExec(t, db, `DELETE FROM ledger_hashes`)
		for i := range tlog.StoredHashCount(log.Size()) {
			h, err := log.ReadHashes([]int64{i})
			if err != nil {
				t.Fatal(err)
			}
			mustExec(t, db, `INSERT INTO ledger_hashes (idx, hash) VALUES (?, ?)`, i, h[0][:])
		}
		tree, err := log.Tree()
		if err != nil {
			t.Fatal(err)
		}
		note, err := signer.Checkpoint(tree)
		if err != nil {
			t.Fatal(err)
		}
		mustExec(t, db, `DELETE FROM checkpoints`)
		mustExec(t, db, `INSERT INTO checkpoints (size, note) VALUES (?, ?)`, tree.N, string(note))
	})
}

// postMessages has barnea post n messages in Israel's caucus.
func postMessages(t *testing.T, dir string, n int) {
	t.Helper()
	ctx := context.Background()
	a, err := openApp(ctx, dir, "", false)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	var u *parley.User
	var all []parley.Talks
	err = a.store.View(ctx, func(tx parley.Tx) error {
		var err error
		if u, err = tx.UserByName(ctx, "barnea"); err != nil {
			return err
		}
		all, err = tx.ListTalks(ctx)
		return err
	})
	if err != nil || len(all) == 0 {
		t.Fatalf("talks %v: %v", all, err)
	}
	for i := range n {
		if _, err := a.talks.Post(ctx, u, all[0].ID, parley.CaucusRoom("israel"), talks.NewMessage{Text: fmt.Sprintf("later message %d", i)}); err != nil {
			t.Fatal(err)
		}
	}
}

// consistencyProof proves from the data directory's store that its tree of
// size to extends its tree of size from, in the text format.
func consistencyProof(t *testing.T, dir string, from, to int64) string {
	t.Helper()
	ctx := context.Background()
	a, err := openApp(ctx, dir, "", false)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	var p ledger.ConsistencyProof
	err = a.store.View(ctx, func(tx parley.Tx) error {
		var err error
		p, err = ledger.ProveConsistency(from, to, tx)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return writeTemp(t, "proof.txt", string(ledger.FormatProof(p.Hashes)))
}

func TestLedgerConsistency(t *testing.T) {
	dir, key := ledgerDemo(t)
	_, b1 := exportBundle(t, dir, "barnea")
	cp1 := writeTemp(t, "cp1.txt", b1.Checkpoint)
	c1, err := ledger.OpenCheckpoint([]byte(b1.Checkpoint), key)
	if err != nil {
		t.Fatal(err)
	}
	fork := copyData(t, dir)

	postMessages(t, dir, 3)
	_, b2 := exportBundle(t, dir, "barnea")
	cp2 := writeTemp(t, "cp2.txt", b2.Checkpoint)
	n2 := c1.Tree.N + 3
	proof := consistencyProof(t, dir, c1.Tree.N, n2)
	want := fmt.Sprintf("consistency ok: checkpoint of size %d extends checkpoint of size %d, both signed by %s\n", n2, c1.Tree.N, defaultOrigin)
	if out := mustParley(t, "verify", "--old", cp1, "--new", cp2, "--proof", proof, "--key", key); out != want {
		t.Errorf("verify: %q, want %q", out, want)
	}
	failParley(t, []string{"larger than new tree"}, "verify", "--old", cp2, "--new", cp1, "--proof", proof, "--key", key)

	// The fork rewrites one old event and re-signs with the real key. It
	// is consistent in itself, so ledger-check on the server passes: only
	// a member holding an older checkpoint can tell.
	seq := israelSeqs(t, fork)[1]
	rewriteLog(t, fork, seq)
	mustParley(t, "admin", "ledger-check", "--data", fork)
	_, f1 := exportBundle(t, fork, "barnea")
	empty := writeTemp(t, "empty.txt", "")
	failParley(t, []string{fmt.Sprintf("two different root hashes for tree size %d: log forked", c1.Tree.N)},
		"verify", "--old", cp1, "--new", writeTemp(t, "fork1.txt", f1.Checkpoint), "--proof", empty, "--key", key)

	postMessages(t, fork, 3)
	_, f2 := exportBundle(t, fork, "barnea")
	failParley(t, []string{fmt.Sprintf("tree of size %d does not extend tree of size %d", n2, c1.Tree.N)},
		"verify", "--old", cp1, "--new", writeTemp(t, "fork2.txt", f2.Checkpoint), "--proof", consistencyProof(t, fork, c1.Tree.N, n2), "--key", key)

	// The member's old bundle and the fork's disagree on the same index,
	// and both are signed: that pair is the evidence.
	o, _ := entryAt(b1, seq-1)
	n, _ := entryAt(f2, seq-1)
	if bytes.Equal(o.Canonical, n.Canonical) {
		t.Errorf("index %d: rewritten event exported unchanged", seq-1)
	}
}

// TestLedgerKeyMustBePrivate: a ledger key others can read is refused by
// every command that loads it, with what to do about it.
func TestLedgerKeyMustBePrivate(t *testing.T) {
	dir := t.TempDir()
	if _, errs, code := cliRun(t, "demo", "--data", dir); code != 0 {
		t.Fatal(errs)
	}
	if err := os.Chmod(filepath.Join(dir, ledger.KeyFile), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"admin", "ledger-key", "--data", dir}, {"export", "--user", "barnea", "--data", dir},
		{"serve", "--addr", "127.0.0.1:0", "--data", dir}} {
		if out, errs, code := cliRun(t, args...); code != 1 || !strings.Contains(errs, "accessible by others") || !strings.Contains(errs, "chmod 600") || out != "" {
			t.Errorf("%v with a world-readable key: %d %q %q", args, code, out, errs)
		}
	}
}
