package sqlite_test

import (
	"context"
	"errors"
	"parley/sqlite"
	"path/filepath"
	"testing"

	"parley"
)

// TestFormatErrorByCode: a constraint violation is recognised by the
// driver's result code, not by words in a message.
func TestFormatErrorByCode(t *testing.T) {
	lookalike := errors.New("UNIQUE constraint failed: users.name")
	if got := (sqlite.Dialect{}).Code(lookalike); got != "" {
		t.Fatalf("an error that only says UNIQUE: %q", got)
	}
	s := mustOpen(t)
	ctx := context.Background()
	u := &parley.User{ID: "u_1", Name: "same", DisplayName: "Same"}
	add := func(id string) error {
		_, err := s.Update(ctx, func(tx parley.Tx) error {
			u.ID = id
			return tx.CreateUser(ctx, u)
		})
		return err
	}
	if err := add("u_1"); err != nil {
		t.Fatal(err)
	}
	err := add("u_2")
	if parley.ErrorCode(err) != parley.ECONFLICT || parley.ErrorMessage(err) != `user name "same" is taken` {
		t.Fatalf("duplicate name: %v", err)
	}
	err = add("u_1")
	if parley.ErrorCode(err) != parley.ECONFLICT {
		t.Fatalf("duplicate id: %v", err)
	}
}

// TestStorageFullCode: past its size cap the store answers ESTORAGEFULL for
// writes and keeps answering reads.
func TestStorageFullCode(t *testing.T) {
	ctx := context.Background()
	s, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "p.db"), sqlite.MaxSize(512<<10))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var werr error
	for i := 0; i < 1000 && werr == nil; i++ {
		_, werr = s.Update(ctx, func(tx parley.Tx) error {
			return tx.PutSetting(ctx, "filler", string(make([]byte, 8<<10))+string(rune('a'+i%26)))
		})
		if werr == nil {
			_, werr = s.Update(ctx, func(tx parley.Tx) error {
				return tx.PutSetting(ctx, "filler-"+string(rune('a'+i%26))+string(rune('a'+i/26%26)), string(make([]byte, 8<<10)))
			})
		}
	}
	if parley.ErrorCode(werr) != parley.ESTORAGEFULL {
		t.Fatalf("writing past the cap: %v", werr)
	}
	if err := s.View(ctx, func(tx parley.Tx) error { _, err := tx.Setting(ctx, "filler"); return err }); err != nil {
		t.Fatalf("reading when full: %v", err)
	}
}
