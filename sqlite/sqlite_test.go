package sqlite_test

import (
	"context"
	"os"
	"parley"
	"path/filepath"
	"testing"

	"parley/sqlite"
)

// mustOpen opens a store on a fresh file.
func mustOpen(t testing.TB) *sqlite.Store {
	t.Helper()
	s, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "parley.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestOddPathCharacters(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "a#b?c%41")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	s, err := sqlite.Open(context.Background(), filepath.Join(dir, "parley.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := os.Stat(filepath.Join(dir, "parley.db")); err != nil {
		t.Fatalf("database not where asked: %v", err)
	}
	var mode string
	if err := s.DB().QueryRow(`PRAGMA journal_mode`).Scan(&mode); err != nil || mode != "wal" {
		t.Fatalf("journal mode %q, %v", mode, err)
	}
}

// TestDatabaseIsPrivate: the database and its WAL are readable by their
// owner only, even in a directory others can read and from a file that
// was not.
func TestDatabaseIsPrivate(t *testing.T) {
	dir := t.TempDir()
	os.Chmod(dir, 0o755)
	path := filepath.Join(dir, "parley.db")
	for _, pre := range []bool{false, true} {
		if pre {
			os.Chmod(path, 0o644)
		}
		s, err := sqlite.Open(context.Background(), path)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.Update(context.Background(), func(tx parley.Tx) error { return tx.PutSetting(context.Background(), "x", "y") }); err != nil {
			t.Fatal(err)
		}
		for _, p := range []string{path, path + "-wal"} {
			fi, err := os.Stat(p)
			if err != nil {
				t.Fatal(err)
			}
			if fi.Mode().Perm()&0o077 != 0 {
				t.Errorf("%s has mode %04o (file made loose before: %v)", filepath.Base(p), fi.Mode().Perm(), pre)
			}
		}
		s.Close()
	}
}
