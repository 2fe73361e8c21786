package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"

	"parley"
	"parley/auth"
	"parley/eventlog"
	"parley/ledger"
	"parley/postgres"
	"parley/sqlite"
	"parley/sqlstore"
	"parley/talks"
)

// defaultOrigin names the ledger of a deployment that sets no --origin.
const defaultOrigin = "parley.local/ledger"

// dbFile is the SQLite database inside the data directory.
const dbFile = "parley.db"

// settingVerifierKey records, in the database, the verifier key of the
// ledger key that signs its checkpoints, so that a node started with
// another key (a second node that made its own) is refused.
const settingVerifierKey = "ledger:verifier_key"

// deployment says where a deployment's data lives: the database (SQLite in
// the data directory, or PostgreSQL) and the ledger key.
type deployment struct {
	// data is the data directory: the SQLite database, unless db is set,
	// and the ledger key, unless keyFile is set.
	data string
	// db is a PostgreSQL URL; "" means SQLite in data.
	db string
	// keyFile is the ledger signing key; "" means data/ledger.key.
	keyFile string
	// maxSize caps a SQLite database, in bytes (0: no cap).
	maxSize int64
	// log receives what runs in the background reports (nil: nothing).
	log *slog.Logger
}

// deploymentFlags adds --data, --db and --ledger-key-file to fs.
func deploymentFlags(fs *flag.FlagSet) *deployment {
	d := &deployment{}
	fs.StringVar(&d.data, "data", "./parley-data", "data `directory`: the SQLite database (unless --db) and the ledger key (unless --ledger-key-file)")
	fs.StringVar(&d.db, "db", os.Getenv("PARLEY_DB"), "PostgreSQL database `URL` (postgres://…; default $PARLEY_DB); without it, SQLite in --data")
	fs.StringVar(&d.keyFile, "ledger-key-file", "", "ledger signing key `file` (mode 0600), shared by every node of a deployment (default DIR/ledger.key)")
	return d
}

// where names the database for messages, without a password.
func (d *deployment) where() string {
	if d.db != "" {
		return postgres.Redact(d.db)
	}
	return filepath.Join(d.data, dbFile)
}

// keyPath is the ledger key file.
func (d *deployment) keyPath() string {
	if d.keyFile != "" {
		return d.keyFile
	}
	return filepath.Join(d.data, ledger.KeyFile)
}

// openStore opens and migrates the database; unless create is set, a
// SQLite data directory must exist already.
func (d *deployment) openStore(ctx context.Context, create bool) (*sqlstore.Store, error) {
	if d.db != "" {
		if !postgres.IsDSN(d.db) {
			return nil, fmt.Errorf("--db %q: want a postgres:// or postgresql:// URL (SQLite lives in --data DIR)", postgres.Redact(d.db))
		}
		if d.maxSize != 0 {
			return nil, errors.New("--max-db-size caps a SQLite database; PostgreSQL has its own quotas")
		}
		return postgres.Open(ctx, d.db)
	}
	if !create {
		if _, err := os.Stat(filepath.Join(d.data, dbFile)); err != nil {
			return nil, fmt.Errorf("no parley data in %s (run 'parley serve --data %s' or 'parley demo --data %s' first)", d.data, d.data, d.data)
		}
	}
	if err := os.MkdirAll(d.data, 0o700); err != nil {
		return nil, fmt.Errorf("data dir: %w", err)
	}
	return sqlite.Open(ctx, filepath.Join(d.data, dbFile), sqlite.MaxSize(d.maxSize))
}

// app is an opened deployment: the store, the ledger key and services.
type app struct {
	store  *sqlstore.Store
	signer *ledger.Signer
	bus    parley.EventBus
	talks  *talks.Service
	auth   *auth.Service
	// stop stops what runs beside the store (the PostgreSQL bus).
	stop func() error
}

// openApp opens (creating when create is set) the SQLite deployment in the
// data directory dir; see deployment.open.
func openApp(ctx context.Context, dir, origin string, create bool) (*app, error) {
	d := &deployment{data: dir}
	return d.open(ctx, origin, create)
}

// open opens the deployment. The ledger key is created for origin (or the
// default origin) at first start when create is set; an explicit origin
// must match an existing key's. A key other than the one that signed the
// database's checkpoints is refused, before a new one is written.
func (d *deployment) open(ctx context.Context, origin string, create bool) (*app, error) {
	store, err := d.openStore(ctx, create)
	if err != nil {
		return nil, err
	}
	a, err := d.openServices(ctx, store, origin, create)
	if err != nil {
		store.Close()
		return nil, err
	}
	return a, nil
}

func (d *deployment) openServices(ctx context.Context, store *sqlstore.Store, origin string, create bool) (*app, error) {
	path := d.keyPath()
	_, statErr := os.Stat(path)
	missing := errors.Is(statErr, fs.ErrNotExist)
	if missing {
		var recorded string
		err := store.View(ctx, func(tx parley.Tx) error {
			var err error
			recorded, err = tx.Setting(ctx, settingVerifierKey)
			return err
		})
		switch {
		case err == nil:
			return nil, fmt.Errorf("ledger key %s is missing, and %s is signed by the key %s: give every node that key with --ledger-key-file", path, d.where(), recorded)
		case parley.ErrorCode(err) != parley.ENOTFOUND:
			return nil, err
		case !create:
			return nil, fmt.Errorf("ledger key %s is missing (run 'parley serve' once, or give --ledger-key-file)", path)
		}
		if origin == "" {
			origin = defaultOrigin
		}
	}
	signer, err := ledger.LoadOrCreateSignerFile(path, origin)
	if err != nil {
		return nil, err
	}
	if err := bindKey(ctx, store, signer, d.where(), path); err != nil {
		return nil, err
	}
	store.Seal = eventlog.Sealer(signer)
	a := &app{store: store, signer: signer, bus: talks.NewBus()}
	if d.db != "" {
		// Several nodes may share the database: events committed on any
		// of them reach this node's streams.
		pb := postgres.NewBus(store, d.db, a.bus)
		pb.Log = d.log
		if err := pb.Start(ctx); err != nil {
			return nil, err
		}
		a.bus, a.stop = pb, pb.Close
	}
	a.talks = talks.New(store, a.bus)
	a.talks.VerifierKey = signer.VerifierKey()
	a.talks.Sealer = store.Seal
	a.auth = auth.New(store)
	a.talks.Hub = a.auth.Hub
	return a, nil
}

// bindKey records the signer's verifier key in the database the first
// time, and refuses a signer whose key differs from the recorded one.
func bindKey(ctx context.Context, store *sqlstore.Store, signer *ledger.Signer, where, path string) error {
	var recorded string
	_, err := store.Update(ctx, func(tx parley.Tx) error {
		v, err := tx.Setting(ctx, settingVerifierKey)
		if parley.ErrorCode(err) == parley.ENOTFOUND {
			v, err = signer.VerifierKey(), tx.PutSetting(ctx, settingVerifierKey, signer.VerifierKey())
		}
		recorded = v
		return err
	})
	if err != nil {
		return fmt.Errorf("ledger key: %s", parley.ErrorDetail(err))
	}
	if recorded != signer.VerifierKey() {
		return fmt.Errorf("ledger key %s (%s) is not the key that signs %s (%s): every node of a deployment needs the same key (--ledger-key-file)", path, signer.VerifierKey(), where, recorded)
	}
	return nil
}

// Close stops the bus and closes the store.
func (a *app) Close() error {
	if a.stop != nil {
		a.stop()
	}
	return a.store.Close()
}
