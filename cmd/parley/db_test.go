package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"parley/ledger"
	"parley/postgres/pgtest"
)

// TestPostgresCommands: every command that opens a deployment works on
// PostgreSQL with --db, the ledger key in a data directory or in a file of
// its own.
func TestPostgresCommands(t *testing.T) {
	db := pgtest.Schema(t)
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
