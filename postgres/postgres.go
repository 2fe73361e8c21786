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
	db.SetMaxIdleConns(16) // each connection keeps its prepared statements
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

// Announce sends a notification on the schema's channel (see Channel),
// carrying lastSeq: PostgreSQL delivers it to every listening node when
// the transaction commits, and never if it rolls back.
func (Dialect) Announce(ctx context.Context, tx *sql.Tx, lastSeq int64) error {
	_, err := tx.ExecContext(ctx, `SELECT pg_notify('parley:' || current_schema(), $1)`, strconv.FormatInt(lastSeq, 10))
	return err
}

// Code reads PostgreSQL's SQLSTATE: 23505 (unique violation) is ECONFLICT;
// 23503 (foreign key violation) ENOTFOUND; 53100 (disk full) ESTORAGEFULL;
// 22021 and 22P05 (input that is not valid text) EINVALID; lost
// connections, shutdowns, too many
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
		case pe.Code == "22021", pe.Code == "22P05":
			return parley.EINVALID // bytes that are not text in the database's encoding
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

// Tables lists the schema's tables with their columns and the tables their
// foreign keys refer to (for sqlstore.Copy).
func (Dialect) Tables(ctx context.Context, db *sql.DB) ([]sqlstore.Table, error) {
	rows, err := db.QueryContext(ctx, `SELECT c.table_name, c.column_name, c.data_type
		FROM information_schema.columns c JOIN information_schema.tables t
		ON t.table_schema = c.table_schema AND t.table_name = c.table_name
		WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE'
		ORDER BY c.table_name, c.ordinal_position`)
	if err != nil {
		return nil, err
	}
	var out []sqlstore.Table
	index := map[string]int{}
	for rows.Next() {
		var table, col, typ string
		if err := rows.Scan(&table, &col, &typ); err != nil {
			rows.Close()
			return nil, err
		}
		i, ok := index[table]
		if !ok {
			i = len(out)
			index[table] = i
			out = append(out, sqlstore.Table{Name: table})
		}
		out[i].Columns = append(out[i].Columns, sqlstore.Column{Name: col, Binary: typ == "bytea"})
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows, err = db.QueryContext(ctx, `SELECT DISTINCT c.relname, f.relname FROM pg_constraint k
		JOIN pg_class c ON c.oid = k.conrelid JOIN pg_class f ON f.oid = k.confrelid
		WHERE k.contype = 'f' AND c.relnamespace = current_schema()::regnamespace`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var table, ref string
		if err := rows.Scan(&table, &ref); err != nil {
			return nil, err
		}
		if i, ok := index[table]; ok {
			out[i].Refs = append(out[i].Refs, ref)
		}
	}
	return out, rows.Err()
}
