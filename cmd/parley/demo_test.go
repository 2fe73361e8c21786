package main

import (
	"database/sql"
	"path/filepath"
	"strings"
	"testing"
)

// TestDemoRefusesOtherData: the demo, whose password is public, never
// loads into a data directory that holds real accounts.
func TestDemoRefusesOtherData(t *testing.T) {
	dir := t.TempDir()
	if _, errs, code := cliRun(t, "admin", "users", "--data", dir); code != 1 {
		t.Fatalf("users on an empty dir: %d %q", code, errs)
	}
	// A real deployment: made by serve, with one account.
	a, err := openApp(t.Context(), dir, "", true)
	if err != nil {
		t.Fatal(err)
	}
	a.Close()
	if out, errs, code := cliRun(t, "admin", "add-user", "--data", dir, "--user", "chief", "--password", "a real secret password", "--admin"); code != 0 {
		t.Fatalf("add-user: %d %q %q", code, out, errs)
	}
	for _, args := range [][]string{{"demo", "--data", dir}, {"serve", "--demo", "--addr", "127.0.0.1:0", "--data", dir}} {
		out, errs, code := cliRun(t, args...)
		if code != 1 || !strings.Contains(errs, "holds other data") || strings.Contains(out, demoPassword) {
			t.Fatalf("%v: %d\n%s\n%s", args, code, out, errs)
		}
	}
	out, _, _ := cliRun(t, "admin", "users", "--data", dir)
	if strings.Count(strings.TrimSpace(out), "\n") != 1 {
		t.Fatalf("accounts after the refused demo:\n%s", out)
	}
}

// TestDemoListsEveryLogin: every account of the demo is printed with the
// logins.
func TestDemoListsEveryLogin(t *testing.T) {
	out, errs, code := cliRun(t, "demo", "--data", t.TempDir())
	if code != 0 {
		t.Fatalf("demo: %d %s", code, errs)
	}
	for _, name := range []string{"al-thani", "witkoff", "netanyahu", "barnea", "hamas-office", "transition", "operator"} {
		if !strings.Contains(out, "  "+name+" ") {
			t.Errorf("login %s is not printed:\n%s", name, out)
		}
	}
}

// TestCommandLineShowsCause: an operator sees why a command failed, not
// "internal error".
func TestCommandLineShowsCause(t *testing.T) {
	dir := t.TempDir()
	if _, errs, code := cliRun(t, "demo", "--data", dir); code != 0 {
		t.Fatal(errs)
	}
	db, err := sql.Open("sqlite", "file:"+filepath.Join(dir, dbFile))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`DROP TABLE sessions`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	_, errs, code := cliRun(t, "admin", "token", "--data", dir, "--user", "barnea")
	if code != 1 || !strings.Contains(errs, "no such table: sessions") || strings.Contains(errs, "internal error") {
		t.Fatalf("token on a broken database: %d %q", code, errs)
	}
}
