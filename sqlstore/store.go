// Package sqlstore implements parley.Store over database/sql, once, for
// every SQL engine parley runs on: the queries, the row mapping, group
// commit and migrations. What differs between engines (placeholders, error
// codes, how a writer takes the log's lock) is stated by a Dialect, in one
// small place per engine: packages sqlite and postgres.
package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"io/fs"
	"sort"
	"strings"
	"sync"
	"time"

	"parley"
)

// Dialect is what one SQL engine does differently.
type Dialect interface {
	// Name names the engine in errors, e.g. "sqlite".
	Name() string
	// Rebind turns a query written with ? placeholders into the engine's.
	Rebind(query string) string
	// Code returns the parley error code a driver error stands for
	// (ECONFLICT for a violated uniqueness constraint, ENOTFOUND for a
	// violated foreign key, ESTORAGEFULL, EUNAVAILABLE), or "" when it
	// stands for none of them.
	Code(err error) string
	// BeginWrite starts a write transaction holding the write lock of the
	// log, so that writers, on this node or any other, append one at a time.
	BeginWrite(ctx context.Context, db *sql.DB) (*sql.Tx, error)
	// ReadOptions are the options of a read-only transaction: one
	// consistent snapshot for all its statements.
	ReadOptions() *sql.TxOptions
	// Like is the operator that matches text case-insensitively.
	Like() string
}

// Announcer is implemented by a dialect whose engine can tell other nodes
// that events were committed: Announce runs inside the write transaction
// that appended events up to lastSeq, so that the announcement is sent if,
// and when, it commits (PostgreSQL's NOTIFY).
type Announcer interface {
	Announce(ctx context.Context, tx *sql.Tx, lastSeq int64) error
}

// Store is a parley.Store on a database/sql handle.
type Store struct {
	db      *sql.DB
	dialect Dialect
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
	// applied lists the migrations this Open applied.
	applied []string
	// stmts holds the prepared statements (stmts.go).
	stmts *stmtCache
	// scopes caches the rows that authorise (scopecache.go).
	scopes *scopeCache
}

var _ parley.Store = (*Store)(nil)

// New returns a store on db, after applying the migrations in dir of
// migrations (ordered .sql files, each applied once, in a transaction).
func New(ctx context.Context, db *sql.DB, d Dialect, migrations fs.FS, dir string) (*Store, error) {
	s := &Store{db: db, dialect: d}
	if err := s.migrate(ctx, migrations, dir); err != nil {
		return nil, err
	}
	s.stmts, s.scopes = newStmtCache(db), newScopeCache()
	return s, nil
}

// Close closes the database.
func (s *Store) Close() error {
	s.stmts.close()
	return s.db.Close()
}

// DB returns the database handle, for maintenance commands and tests that
// look under the store.
func (s *Store) DB() *sql.DB { return s.db }

// Dialect returns the engine's dialect.
func (s *Store) Dialect() Dialect { return s.dialect }

// Applied lists the migrations that opening this store applied, oldest
// first; none when the database was up to date.
func (s *Store) Applied() []string { return s.applied }

// Migrations lists every migration the database has had, oldest first.
func (s *Store) Migrations(ctx context.Context) ([]string, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT name FROM migrations ORDER BY name`)
	if err != nil {
		return nil, s.formatError(err, "migrations")
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, s.formatError(err, "migrations")
		}
		out = append(out, n)
	}
	return out, s.formatError(rows.Err(), "migrations")
}

func (s *Store) migrate(ctx context.Context, migrations fs.FS, dir string) error {
	name := s.dialect.Name()
	if _, err := s.db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS migrations (name TEXT PRIMARY KEY)`); err != nil {
		return fmt.Errorf("%s: migrate: %w", name, err)
	}
	files, err := fs.Glob(migrations, dir+"/*.sql")
	if err != nil {
		return fmt.Errorf("%s: migrate: %w", name, err)
	}
	sort.Strings(files)
	for _, f := range files {
		if err := s.migrateFile(ctx, migrations, f); err != nil {
			return fmt.Errorf("%s: migrate %s: %w", name, f, err)
		}
	}
	return nil
}

// migrateFile applies one migration unless it was applied before; the
// write lock makes concurrent starts (several nodes) apply it once.
func (s *Store) migrateFile(ctx context.Context, migrations fs.FS, file string) error {
	tx, err := s.dialect.BeginWrite(ctx, s.db)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	base := file[strings.LastIndexByte(file, '/')+1:]
	var n int
	if err := tx.QueryRowContext(ctx, s.dialect.Rebind(`SELECT COUNT(*) FROM migrations WHERE name = ?`), base).Scan(&n); err != nil {
		return err
	}
	if n > 0 {
		return nil
	}
	body, err := fs.ReadFile(migrations, file)
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, string(body)); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, s.dialect.Rebind(`INSERT INTO migrations (name) VALUES (?)`), base); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return err
	}
	s.applied = append(s.applied, base)
	return nil
}

// View runs fn in a read-only transaction.
func (s *Store) View(ctx context.Context, fn func(parley.Tx) error) error {
	sqlTx, err := s.db.BeginTx(ctx, s.dialect.ReadOptions())
	if err != nil {
		return s.formatError(err, "begin")
	}
	defer sqlTx.Rollback()
	return fn(&Tx{tx: sqlTx, d: s.dialect, stmts: s.stmts, scopes: s.scopes, readOnly: true})
}

// Tx is a parley.Tx on an SQL transaction.
type Tx struct {
	tx       *sql.Tx
	d        Dialect
	stmts    *stmtCache
	readOnly bool
	// shared marks a write transaction that several callers' commands
	// share: one caller's cancelled context must not interrupt a statement,
	// since that would roll back everyone's work.
	shared bool
	events []parley.Event
	// scopes is the store's scope cache; batch is shared by the commands
	// of a write transaction; viewSize is a read transaction's log size,
	// once read (viewSized).
	scopes    *scopeCache
	batch     *txBatch
	viewSize  int64
	viewSized bool
}

var _ parley.Tx = (*Tx)(nil)

// stmtCtx is the context statements run under.
func (t *Tx) stmtCtx(ctx context.Context) context.Context {
	if t.shared {
		return context.WithoutCancel(ctx)
	}
	return ctx
}

// prepared returns the transaction's copy of query's prepared statement,
// or nil to run the text.
func (t *Tx) prepared(ctx context.Context, query string) *sql.Stmt {
	if st := t.stmts.get(query); st != nil {
		return t.tx.StmtContext(ctx, st)
	}
	return nil
}

func (t *Tx) exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	t.noteWrite(query)
	ctx, query = t.stmtCtx(ctx), t.d.Rebind(query)
	if st := t.prepared(ctx, query); st != nil {
		return st.ExecContext(ctx, args...)
	}
	return t.tx.ExecContext(ctx, query, args...)
}

func (t *Tx) query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	ctx, query = t.stmtCtx(ctx), t.d.Rebind(query)
	if st := t.prepared(ctx, query); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return t.tx.QueryContext(ctx, query, args...)
}

func (t *Tx) queryRow(ctx context.Context, query string, args ...any) *sql.Row {
	ctx, query = t.stmtCtx(ctx), t.d.Rebind(query)
	if st := t.prepared(ctx, query); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return t.tx.QueryRowContext(ctx, query, args...)
}

// timeFormat is fixed-width UTC with nanoseconds, so that stored times sort
// as text in every engine.
const timeFormat = "2006-01-02T15:04:05.000000000Z"

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
	t, _ := time.Parse(time.RFC3339Nano, s)
	return t
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
