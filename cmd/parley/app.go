package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"parley/auth"
	"parley/ledger"
	"parley/sqlite"
	"parley/talks"
)

// defaultOrigin names the ledger of a deployment that sets no --origin.
const defaultOrigin = "parley.local/ledger"

// app is an opened data directory: the store, the ledger key and services.
type app struct {
	store  *sqlite.Store
	signer *ledger.Signer
	bus    *talks.Bus
	talks  *talks.Service
	auth   *auth.Service
}

// openApp opens (creating when create is set) the data directory dir.
func openApp(ctx context.Context, dir, origin string, create bool) (*app, error) {
	if !create {
		if _, err := os.Stat(filepath.Join(dir, dbFile)); err != nil {
			return nil, fmt.Errorf("no parley data in %s (run 'parley serve --data %s' or 'parley demo --data %s' first)", dir, dir, dir)
		}
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("data dir: %w", err)
	}
	signer, err := loadSigner(dir, origin)
	if err != nil {
		return nil, err
	}
	store, err := sqlite.Open(ctx, filepath.Join(dir, dbFile))
	if err != nil {
		return nil, err
	}
	store.Checkpoint = signer.Checkpoint
	bus := talks.NewBus()
	return &app{store: store, signer: signer, bus: bus, talks: talks.New(store, bus), auth: auth.New(store, bus)}, nil
}

func (a *app) Close() error { return a.store.Close() }

// dbFile is the SQLite database inside the data directory.
const dbFile = "parley.db"

// loadSigner reads the ledger key of dir, creating one for origin (or the
// default origin) at first start. An explicit origin must match the key's.
func loadSigner(dir, origin string) (*ledger.Signer, error) {
	b, err := os.ReadFile(filepath.Join(dir, ledger.KeyFile))
	if errors.Is(err, fs.ErrNotExist) {
		if origin == "" {
			origin = defaultOrigin
		}
		return ledger.LoadOrCreateSigner(dir, origin)
	}
	if err != nil {
		return nil, fmt.Errorf("ledger key: %w", err)
	}
	s, err := ledger.NewSigner(string(b))
	if err != nil {
		return nil, err
	}
	if origin != "" && origin != s.Origin() {
		return nil, fmt.Errorf("the ledger key in %s is for origin %q, not %q", dir, s.Origin(), origin)
	}
	return s, nil
}
