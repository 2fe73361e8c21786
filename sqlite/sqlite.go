// Package sqlite runs parley's store (package sqlstore) on an embedded
// SQLite database: the file, its pragmas, its migrations, and the dialect
// that says how SQLite differs.
package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"net/url"
	"os"
	"strings"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"parley"
	"parley/sqlstore"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Store is a parley.Store on one SQLite file in WAL mode with
// synchronous=FULL, so a committed transaction survives a crash.
type Store = sqlstore.Store

// Option configures a store at Open.
type Option func(*options)

type options struct {
	maxPages int64
}

// pageSize is SQLite's default page size, in which MaxSize is counted.
const pageSize = 4096

// MaxSize caps the database file at about bytes: past it, writes fail with
// ESTORAGEFULL while reads go on, as on a full disk. 0 means no cap.
func MaxSize(bytes int64) Option {
	return func(o *options) { o.maxPages = (bytes + pageSize - 1) / pageSize }
}

// Open opens (creating if needed) the database at path and migrates it.
func Open(ctx context.Context, path string, opts ...Option) (*Store, error) {
	var o options
	for _, f := range opts {
		f(&o)
	}
	q := url.Values{}
	for _, p := range []string{"journal_mode(WAL)", "synchronous(FULL)", "busy_timeout(10000)", "foreign_keys(1)"} {
		q.Add("_pragma", p)
	}
	if o.maxPages > 0 {
		q.Add("_pragma", fmt.Sprintf("max_page_count(%d)", o.maxPages))
	}
	// Writers take the write lock when they begin (read-only transactions
	// do not), so that a write in another process between a batch's first
	// read and first write waits instead of failing the batch.
	q.Set("_txlock", "immediate")
	if err := private(path); err != nil {
		return nil, err
	}
	// The path is escaped so that '?', '#' or '%' in a directory name are
	// part of the file name, not URI syntax.
	db, err := sql.Open("sqlite", "file:"+(&url.URL{Path: path}).EscapedPath()+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("sqlite: open: %w", err)
	}
	// Keep every connection open: opening one runs the pragmas and reads
	// the schema, and drops its prepared statements.
	db.SetMaxOpenConns(8)
	db.SetMaxIdleConns(8)
	s, err := sqlstore.New(ctx, db, Dialect{}, migrations, "migrations")
	if err != nil {
		db.Close()
		return nil, err
	}
	return s, nil
}

// private makes the database file (created if need be) and its WAL and
// shared-memory files readable by their owner only: they hold every room.
// SQLite creates the other two with the database file's mode.
func private(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return fmt.Errorf("sqlite: open: %w", err)
	}
	f.Close()
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		if fi, err := os.Stat(p); err == nil && fi.Mode().Perm()&0o077 != 0 {
			if err := os.Chmod(p, fi.Mode().Perm()&0o700); err != nil {
				return fmt.Errorf("sqlite: restrict %s to its owner: %w", p, err)
			}
		}
	}
	return nil
}

// Dialect is how SQLite differs from the SQL package sqlstore writes.
type Dialect struct{}

// Name names the engine.
func (Dialect) Name() string { return "sqlite" }

// Rebind keeps ? placeholders: SQLite's own.
func (Dialect) Rebind(query string) string { return query }

// Like is SQLite's LIKE, which ignores the case of ASCII letters.
func (Dialect) Like() string { return "LIKE" }

// ReadOptions: SQLite's read transactions see one snapshot.
func (Dialect) ReadOptions() *sql.TxOptions { return &sql.TxOptions{ReadOnly: true} }

// BeginWrite begins an IMMEDIATE transaction (the DSN's _txlock), which
// takes the database's write lock at once.
func (Dialect) BeginWrite(ctx context.Context, db *sql.DB) (*sql.Tx, error) {
	return db.BeginTx(ctx, nil)
}

// Code reads SQLite's result code: a uniqueness or primary key violation is
// ECONFLICT, a foreign key violation ENOTFOUND, SQLITE_FULL (a full disk, or the MaxSize cap) ESTORAGEFULL,
// SQLITE_BUSY or SQLITE_LOCKED past the busy timeout EUNAVAILABLE.
func (Dialect) Code(err error) string {
	var se *sqlite.Error
	if !errors.As(err, &se) {
		return ""
	}
	switch code := se.Code(); {
	case code == sqlite3.SQLITE_CONSTRAINT_UNIQUE || code == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
		return parley.ECONFLICT
	case code == sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY:
		return parley.ENOTFOUND
	case code&0xff == sqlite3.SQLITE_FULL:
		return parley.ESTORAGEFULL
	case code&0xff == sqlite3.SQLITE_BUSY || code&0xff == sqlite3.SQLITE_LOCKED:
		return parley.EUNAVAILABLE
	}
	return ""
}

// Tables lists the database's tables with their columns and the tables
// their foreign keys refer to (for sqlstore.Copy).
func (Dialect) Tables(ctx context.Context, db *sql.DB) ([]sqlstore.Table, error) {
	rows, err := db.QueryContext(ctx, `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`)
	if err != nil {
		return nil, err
	}
	var names []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			rows.Close()
			return nil, err
		}
		names = append(names, n)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	var out []sqlstore.Table
	for _, n := range names {
		t := sqlstore.Table{Name: n}
		rows, err := db.QueryContext(ctx, `SELECT name, type FROM pragma_table_info(?) ORDER BY cid`, n)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var c, typ string
			if err := rows.Scan(&c, &typ); err != nil {
				rows.Close()
				return nil, err
			}
			t.Columns = append(t.Columns, sqlstore.Column{Name: c, Binary: strings.Contains(strings.ToUpper(typ), "BLOB")})
		}
		rows.Close()
		rows, err = db.QueryContext(ctx, `SELECT DISTINCT "table" FROM pragma_foreign_key_list(?)`, n)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var r string
			if err := rows.Scan(&r); err != nil {
				rows.Close()
				return nil, err
			}
			t.Refs = append(t.Refs, r)
		}
		rows.Close()
		out = append(out, t)
	}
	return out, nil
}
