package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"parley"
	"parley/ledger"
	"parley/postgres"
	"parley/postgres/pgtest"
	"parley/sqlite"
)

// The tests choose their database with --data and --db; a PARLEY_DB in
// the environment (the --db default) must not redirect them.
func init() { os.Unsetenv("PARLEY_DB") }

// TestPostgresCommands: every command that opens a deployment works on
// PostgreSQL with --db, the ledger key in a data directory or in a file of
// its own.
func TestPostgresCommands(t *testing.T) {
	db := pgtest.Schema(t)
	useCheapArgon()
	keys := t.TempDir()

	out, errs, code := cliRun(t, "admin", "migrate", "--db", db)
	if code != 0 || !strings.Contains(out, "applied 001_init.sql") || !strings.Contains(out, "up to date") {
		t.Fatalf("migrate: %d %q %q", code, out, errs)
	}
	if out, _, _ := cliRun(t, "admin", "migrate", "--db", db); strings.Contains(out, "applied") {
		t.Fatalf("second migrate applied again: %q", out)
	}
	// The database exists but no ledger key was made yet: read commands say so.
	if _, errs, code := cliRun(t, "admin", "users", "--db", db, "--data", keys); code != 1 || !strings.Contains(errs, "ledger key") {
		t.Fatalf("users before any key: %d %q", code, errs)
	}
	if out, errs, code := cliRun(t, "demo", "--db", db, "--data", keys); code != 0 || !strings.Contains(out, "hamas-office") {
		t.Fatalf("demo: %d %q %q", code, out, errs)
	}
	if _, err := os.Stat(filepath.Join(keys, dbFile)); err == nil {
		t.Fatal("a SQLite file was made beside the key")
	}
	out = mustParley(t, "admin", "users", "--db", db, "--data", keys)
	if !strings.Contains(out, "barnea") {
		t.Fatalf("users: %q", out)
	}
	if out := mustParley(t, "admin", "ledger-check", "--db", db, "--data", keys); !strings.Contains(out, "ledger ok") {
		t.Fatalf("ledger-check: %q", out)
	}
	vkey := strings.TrimSpace(mustParley(t, "admin", "ledger-key", "--db", db, "--ledger-key-file", filepath.Join(keys, ledger.KeyFile)))
	bundle := writeTemp(t, "bundle.json", mustParley(t, "export", "--user", "barnea", "--db", db, "--data", keys))
	if out := mustParley(t, "verify", bundle, "--key", vkey); !strings.Contains(out, "ok") {
		t.Fatalf("verify: %q", out)
	}

	// A second node that made a key of its own is refused before it signs
	// anything, and so is one without a key.
	other := t.TempDir()
	failParley(t, []string{"is missing", vkey, "--ledger-key-file"}, "serve", "--addr", "127.0.0.1:0", "--db", db, "--data", other)
	if _, err := os.Stat(filepath.Join(other, ledger.KeyFile)); err == nil {
		t.Fatal("a refused node wrote a key")
	}
	if _, _, code := cliRun(t, "demo", "--data", other); code != 0 {
		t.Fatal("demo on SQLite")
	}
	failParley(t, []string{"is not the key that signs", vkey}, "admin", "users", "--db", db, "--ledger-key-file", filepath.Join(other, ledger.KeyFile))

	// The shared key file must be private.
	shared := filepath.Join(t.TempDir(), "shared.key")
	data, err := os.ReadFile(filepath.Join(keys, ledger.KeyFile))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(shared, data, 0o644); err != nil {
		t.Fatal(err)
	}
	failParley(t, []string{"accessible by others", "chmod 600"}, "admin", "ledger-key", "--db", db, "--ledger-key-file", shared)
	os.Chmod(shared, 0o600)
	if got := strings.TrimSpace(mustParley(t, "admin", "ledger-key", "--db", db, "--ledger-key-file", shared)); got != vkey {
		t.Fatalf("ledger-key with the shared file: %q", got)
	}
}

// TestDBFlagErrors: a --db that is not a PostgreSQL URL, or a SQLite cap
// on PostgreSQL, is refused with what to do.
func TestDBFlagErrors(t *testing.T) {
	failParley(t, []string{"want a postgres://"}, "admin", "users", "--db", "/var/lib/parley")
	failParley(t, []string{"want a postgres://"}, "bench", "--db", "mysql://x")
	failParley(t, []string{"--max-db-size caps a SQLite database"}, "serve", "--db", "postgres://nobody@127.0.0.1:1/x", "--max-db-size", "1000000")
	out, errs, code := cliRun(t, "admin", "users", "--db", "postgres://nobody:hunter2@127.0.0.1:1/x?connect_timeout=2")
	if code != 1 || strings.Contains(out+errs, "hunter2") {
		t.Fatalf("unreachable database: %d %q %q", code, out, errs)
	}
}

// TestTwoServeNodes: two parley serve processes on one PostgreSQL database
// with one shared key file: a session made on one works on the other.
func TestTwoServeNodes(t *testing.T) {
	db := pgtest.Schema(t)
	keys := t.TempDir()
	keyFile := filepath.Join(keys, ledger.KeyFile)
	a, _ := startServe(t, "--demo", "--db", db, "--ledger-key-file", keyFile)
	b, out := startServe(t, "--db", db, "--ledger-key-file", keyFile)
	if !strings.Contains(out.String(), "data in postgres://") {
		t.Fatalf("serve output: %q", out.String())
	}
	cookie := login(t, a, "barnea")
	if got := talksTitles(t, b, cookie); len(got) != 1 {
		t.Fatalf("node b with node a's session: %q", got)
	}
}

// TestCopyToPostgres: admin copy moves the demo deployment from SQLite
// into an empty PostgreSQL database with the ledger intact: the same
// events, salts, hashes and checkpoints; ledger-check passes on both; the
// source's checkpoints verify against the copy even after it grew; a
// second copy into the now non-empty database is refused.
func TestCopyToPostgres(t *testing.T) {
	db := pgtest.Schema(t)
	useCheapArgon()
	dir := t.TempDir()
	mustParley(t, "demo", "--data", dir)
	mustParley(t, "admin", "add-user", "--data", dir, "--user", "clerk", "--display", "Clerk", "--password", "a long enough password")
	mustParley(t, "admin", "token", "--data", dir, "--user", "barnea")
	out := mustParley(t, "admin", "copy", "--from", dir, "--to", db)
	if !strings.Contains(out, "ledger ok on both") || !strings.Contains(out, "checkpoints of the source verify against the copy") {
		t.Fatalf("copy: %s", out)
	}
	t.Log(out)

	ctx := context.Background()
	lite, err := sqlite.Open(ctx, filepath.Join(dir, dbFile))
	if err != nil {
		t.Fatal(err)
	}
	defer lite.Close()
	pg, err := postgres.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer pg.Close()
	for _, q := range []string{
		`SELECT seq, time, kind, talks_id, room, actor, data, salt, canonical FROM events ORDER BY seq`,
		`SELECT idx, hash FROM ledger_hashes ORDER BY idx`,
		`SELECT size, note FROM checkpoints ORDER BY size`,
		`SELECT id, name, display_name, admin, password_hash, created_at FROM users ORDER BY id`,
		`SELECT token_hash, id, user_id FROM sessions ORDER BY id`,
		`SELECT id, talks_id, room, seq, text, event_seq FROM messages ORDER BY id`,
		`SELECT message_id, source_message FROM relays ORDER BY message_id`,
		`SELECT name, value FROM settings ORDER BY name`,
	} {
		a, b := dump(t, lite.DB(), q), dump(t, pg.DB(), q)
		if len(a) == 0 {
			t.Errorf("%s: the demo holds %d rows", q, len(a))
		}
		if d := cmp.Diff(a, b); d != "" {
			t.Errorf("%s differs (-sqlite +postgres):\n%s", q, d)
		}
	}
	for _, args := range [][]string{{"--data", dir}, {"--db", db, "--data", dir}} {
		if out := mustParley(t, append([]string{"admin", "ledger-check"}, args...)...); !strings.Contains(out, "ledger ok") {
			t.Fatalf("ledger-check %v: %s", args, out)
		}
	}
	// The copy grows; every checkpoint the SQLite deployment ever signed
	// still verifies against the new log.
	mustParley(t, "admin", "add-user", "--db", db, "--data", dir, "--user", "clerk2", "--display", "Clerk", "--password", "a long enough password")
	vkey := strings.TrimSpace(mustParley(t, "admin", "ledger-key", "--data", dir))
	old := dump(t, lite.DB(), `SELECT size, note FROM checkpoints ORDER BY size`)
	err = pg.View(ctx, func(tx parley.Tx) error {
		size, err := tx.LedgerSize(ctx)
		if err != nil {
			return err
		}
		latest, err := tx.LatestCheckpoint(ctx)
		if err != nil {
			return err
		}
		for _, row := range old {
			n := row[0].(int64)
			p, err := ledger.ProveConsistency(n, size, tx)
			if err != nil {
				return err
			}
			if err := ledger.VerifyConsistency([]byte(row[1].(string)), latest, p, vkey); err != nil {
				return fmt.Errorf("old checkpoint %d against the grown copy: %w", n, err)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	bundle := writeTemp(t, "bundle.json", mustParley(t, "export", "--user", "barnea", "--db", db, "--data", dir))
	mustParley(t, "verify", bundle, "--key", vkey)

	failParley(t, []string{"not empty"}, "admin", "copy", "--from", dir, "--to", db)
	failParley(t, []string{"no parley data"}, "admin", "copy", "--from", t.TempDir(), "--to", db)
}

// dump reads every row of q, with bytes as strings so that rows compare.
func dump(t *testing.T, db *sql.DB, q string) [][]any {
	t.Helper()
	rows, err := db.Query(q)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	var out [][]any
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		for i, v := range vals {
			if b, ok := v.([]byte); ok {
				vals[i] = string(b)
			}
		}
		out = append(out, vals)
	}
	return out
}

// TestBenchPostgres: bench measures the same figures on PostgreSQL, in a
// schema of its own that it drops at the end.
func TestBenchPostgres(t *testing.T) {
	if testing.Short() {
		t.Skip("bench runs real workloads; skipped with -short")
	}
	db := pgtest.Schema(t)
	out, errs, code := cliRun(t, "bench", "--in-process", "--db", db, "--events", "40", "--writers", "4", "--json")
	if code != 0 {
		t.Fatalf("bench: %d %s", code, errs)
	}
	var res []benchResult
	if err := json.Unmarshal([]byte(out), &res); err != nil || len(res) != 9 {
		t.Fatalf("bench output: %v\n%s", err, out)
	}
	for _, r := range res {
		if r.Value <= 0 {
			t.Errorf("%s: %v %s", r.Name, r.Value, r.Unit)
		}
	}
	admin, err := sql.Open("pgx", pgtest.DSN())
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	var left int
	if err := admin.QueryRow(`SELECT COUNT(*) FROM pg_namespace WHERE nspname LIKE 'parley_bench_%'`).Scan(&left); err != nil || left != 0 {
		t.Errorf("%d bench schemas left behind (%v)", left, err)
	}
}
