// Package sqlite implements parley.Store on an embedded SQLite database.
package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"net/url"
	"sort"
	"sync"
	"time"

	"parley"

	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

//go:embed migrations/*.sql
var migrations embed.FS

// Store is a parley.Store on one SQLite file in WAL mode with
// synchronous=FULL, so a committed transaction survives a crash.
type Store struct {
	db *sql.DB
	// Seal, when set, runs at the end of every write transaction that
	// appended events (it signs a checkpoint: see package eventlog).
	Seal parley.Sealer

	// mu guards the group commit state (see commit.go).
	mu sync.Mutex
	// queue holds the Update calls waiting for the next transaction.
	queue []*request
	// busy is set while a leader is committing; queue is empty unless busy.
	busy bool
	// maxBatch bounds the calls per transaction; 0 means no bound.
	maxBatch int
}

var _ parley.Store = (*Store)(nil)

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
	// The path is escaped so that '?', '#' or '%' in a directory name are
	// part of the file name, not URI syntax.
	db, err := sql.Open("sqlite", "file:"+(&url.URL{Path: path}).EscapedPath()+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("sqlite: open: %w", err)
	}
	db.SetMaxOpenConns(8)
	s := &Store{db: db}
	if err := s.migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return s, nil
}

// Close closes the database.
func (s *Store) Close() error { return s.db.Close() }

func (s *Store) migrate(ctx context.Context) error {
	if _, err := s.db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS migrations (name TEXT PRIMARY KEY)`); err != nil {
		return fmt.Errorf("sqlite: migrate: %w", err)
	}
	names, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil {
		return fmt.Errorf("sqlite: migrate: %w", err)
	}
	sort.Strings(names)
	for _, name := range names {
		if err := s.migrateFile(ctx, name); err != nil {
			return fmt.Errorf("sqlite: migrate %s: %w", name, err)
		}
	}
	return nil
}

func (s *Store) migrateFile(ctx context.Context, name string) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM migrations WHERE name = ?`, name).Scan(&n); err != nil {
		return err
	}
	if n > 0 {
		return nil
	}
	body, err := migrations.ReadFile(name)
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, string(body)); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO migrations (name) VALUES (?)`, name); err != nil {
		return err
	}
	return tx.Commit()
}

// View runs fn in a read-only transaction.
func (s *Store) View(ctx context.Context, fn func(parley.Tx) error) error {
	sqlTx, err := s.db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return formatError(err, "begin")
	}
	defer sqlTx.Rollback()
	return fn(&Tx{tx: sqlTx, readOnly: true})
}

// Tx is a parley.Tx on an SQLite transaction.
type Tx struct {
	tx       *sql.Tx
	readOnly bool
	// shared marks a write transaction that several callers' commands
	// share: one caller's cancelled context must not interrupt a statement,
	// since SQLite would then roll back everyone's work.
	shared bool
	events []parley.Event
}

var _ parley.Tx = (*Tx)(nil)

// stmtCtx is the context statements run under.
func (t *Tx) stmtCtx(ctx context.Context) context.Context {
	if t.shared {
		return context.WithoutCancel(ctx)
	}
	return ctx
}

func (t *Tx) exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return t.tx.ExecContext(t.stmtCtx(ctx), query, args...)
}

func (t *Tx) query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return t.tx.QueryContext(t.stmtCtx(ctx), query, args...)
}

func (t *Tx) queryRow(ctx context.Context, query string, args ...any) *sql.Row {
	return t.tx.QueryRowContext(t.stmtCtx(ctx), query, args...)
}

const timeFormat = time.RFC3339Nano

func fmtTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(timeFormat)
}

func parseTime(s string) time.Time {
	if s == "" {
		return time.Time{}
	}
	t, _ := time.Parse(timeFormat, s)
	return t
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
