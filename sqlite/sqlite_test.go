package sqlite_test

import (
	"context"
	"os"
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
