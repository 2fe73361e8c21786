// Package postgres runs parley's store (package sqlstore) on PostgreSQL
// through pgx: the connection, its migrations, and the dialect that says
// how PostgreSQL differs. Several parley nodes may share one database.
package postgres

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver

	"parley"
	"parley/sqlstore"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Open connects to the database at dsn (a postgres:// URL or key=value
// string) and migrates it.
func Open(ctx context.Context, dsn string) (*sqlstore.Store, error) {
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		return nil, fmt.Errorf("postgres: open: %w", err)
	}
	db.SetMaxOpenConns(16)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("postgres: connect: %w", err)
	}
	s, err := sqlstore.New(ctx, db, Dialect{}, migrations, "migrations")
	if err != nil {
		db.Close()
		return nil, err
	}
	return s, nil
}

// IsDSN reports whether s names a PostgreSQL database rather than a
// directory.
func IsDSN(s string) bool {
	return strings.HasPrefix(s, "postgres://") || strings.HasPrefix(s, "postgresql://")
}

// Dialect is how PostgreSQL differs from the SQL package sqlstore writes.
type Dialect struct{}

// Name names the engine.
func (Dialect) Name() string { return "postgres" }

// Rebind numbers the ? placeholders $1, $2, … outside quoted text.
func (Dialect) Rebind(query string) string {
	if !strings.Contains(query, "?") {
		return query
	}
	var b strings.Builder
	b.Grow(len(query) + 8)
	n, quoted := 0, false
	for i := 0; i < len(query); i++ {
		c := query[i]
		switch {
		case c == '\'':
			quoted = !quoted
		case c == '?' && !quoted:
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}

// Like is ILIKE, PostgreSQL's case-insensitive LIKE.
func (Dialect) Like() string { return "ILIKE" }

// ReadOptions: a read-only transaction sees one snapshot (REPEATABLE READ);
// PostgreSQL's default would give each statement its own.
func (Dialect) ReadOptions() *sql.TxOptions {
	return &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true}
}

// BeginWrite begins a transaction and takes the log's write lock, a
// transaction-scoped advisory lock named by the schema: writers of every
// node append one at a time, so the tree never forks and no index is used
// twice. It is released at commit or rollback.
func (Dialect) BeginWrite(ctx context.Context, db *sql.DB) (*sql.Tx, error) {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(hashtext('parley:' || current_schema()))`); err != nil {
		tx.Rollback()
		return nil, err
	}
	return tx, nil
}

// Code reads PostgreSQL's SQLSTATE: 23505 (unique violation) is ECONFLICT;
// 23503 (foreign key violation) ENOTFOUND;
// 53100 (disk full) ESTORAGEFULL; lost connections, shutdowns, too many
// connections, serialization failures and deadlocks EUNAVAILABLE.
func (Dialect) Code(err error) string {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch {
		case pe.Code == "23505":
			return parley.ECONFLICT
		case pe.Code == "23503":
			return parley.ENOTFOUND
		case pe.Code == "53100":
			return parley.ESTORAGEFULL
		case strings.HasPrefix(pe.Code, "08"), strings.HasPrefix(pe.Code, "57P"), pe.Code == "53300", pe.Code == "40001", pe.Code == "40P01":
			return parley.EUNAVAILABLE
		}
		return ""
	}
	var ne net.Error
	if errors.As(err, &ne) || errors.Is(err, sql.ErrConnDone) {
		return parley.EUNAVAILABLE
	}
	return ""
}
