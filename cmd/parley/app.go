package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"parley/auth"
	"parley/eventlog"
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

// openApp opens (creating when create is set) the data directory dir. The
// ledger key is created for origin (or the default origin) at first start;
// an explicit origin must match an existing key's.
func openApp(ctx context.Context, dir, origin string, create bool, opts ...sqlite.Option) (*app, error) {
	if !create {
		if _, err := os.Stat(filepath.Join(dir, dbFile)); err != nil {
			return nil, fmt.Errorf("no parley data in %s (run 'parley serve --data %s' or 'parley demo --data %s' first)", dir, dir, dir)
		}
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("data dir: %w", err)
	}
	if _, err := os.Stat(filepath.Join(dir, ledger.KeyFile)); origin == "" && errors.Is(err, fs.ErrNotExist) {
		origin = defaultOrigin
	}
	signer, err := ledger.LoadOrCreateSigner(dir, origin)
	if err != nil {
		return nil, err
	}
	store, err := sqlite.Open(ctx, filepath.Join(dir, dbFile), opts...)
	if err != nil {
		return nil, err
	}
	store.Seal = eventlog.Sealer(signer)
	bus := talks.NewBus()
	ts := talks.New(store, bus)
	ts.VerifierKey = signer.VerifierKey()
	ts.Sealer = store.Seal
	as := auth.New(store)
	ts.Hub = as.Hub
	return &app{store: store, signer: signer, bus: bus, talks: ts, auth: as}, nil
}

func (a *app) Close() error { return a.store.Close() }

// dbFile is the SQLite database inside the data directory.
const dbFile = "parley.db"
