package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"sort"
	"strings"

	"parley"
)

// Table describes one table, as an Introspector reads it.
type Table struct {
	Name    string
	Columns []Column
	// Refs names the tables this one's foreign keys refer to.
	Refs []string
}

// Column is one column of a table.
type Column struct {
	Name string
	// Binary is set for blob columns (BLOB, BYTEA).
	Binary bool
}

// Introspector is implemented by a dialect that can list a database's
// tables, which Copy needs on both sides.
type Introspector interface {
	Tables(ctx context.Context, db *sql.DB) ([]Table, error)
}

// TableCount is how many rows Copy copied into a table.
type TableCount struct {
	Table string
	Rows  int64
}

// copyBatch is how many rows one INSERT carries.
const copyBatch = 200

// Copy copies every row of every table of src into dst, generically:
// each table's rows, parents before the tables that refer to them, in one
// write transaction of dst that holds the log's write lock. Both databases
// must have had the same migrations, and dst must be empty (ECONFLICT
// otherwise); src is read in one snapshot. Values are copied as they are,
// so the events, their salts and canonical bytes, the tree hashes and the
// signed checkpoints arrive unchanged.
func Copy(ctx context.Context, dst, src *Store) ([]TableCount, error) {
	tables, err := sameSchema(ctx, dst, src)
	if err != nil {
		return nil, err
	}
	tx, err := dst.dialect.BeginWrite(ctx, dst.db)
	if err != nil {
		return nil, dst.formatError(err, "copy: begin")
	}
	defer tx.Rollback()
	for _, t := range tables {
		var n int64
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM `+quote(t.Name)).Scan(&n); err != nil {
			return nil, dst.formatError(err, "copy: count "+t.Name)
		}
		if n > 0 {
			return nil, parley.Errorf(parley.ECONFLICT, "the target database is not empty: table %s holds %d rows; copy only into an empty database", t.Name, n)
		}
	}
	rtx, err := src.db.BeginTx(ctx, src.dialect.ReadOptions())
	if err != nil {
		return nil, src.formatError(err, "copy: begin")
	}
	defer rtx.Rollback()
	var counts []TableCount
	for _, t := range tables {
		n, err := copyTable(ctx, tx, rtx, dst.dialect, t)
		if err != nil {
			return nil, fmt.Errorf("copy %s: %w", t.Name, err)
		}
		counts = append(counts, TableCount{Table: t.Name, Rows: n})
	}
	if err := tx.Commit(); err != nil {
		return nil, dst.formatError(err, "copy: commit")
	}
	return counts, nil
}

// sameSchema checks that dst and src have had the same migrations and have
// the same tables and columns, and returns dst's tables (but the
// migrations table) in dependency order.
func sameSchema(ctx context.Context, dst, src *Store) ([]Table, error) {
	dm, err := dst.Migrations(ctx)
	if err != nil {
		return nil, err
	}
	sm, err := src.Migrations(ctx)
	if err != nil {
		return nil, err
	}
	if !slices.Equal(dm, sm) {
		return nil, fmt.Errorf("copy: the databases are at different migrations (%s: %v; %s: %v): run the same parley version on both", src.dialect.Name(), sm, dst.dialect.Name(), dm)
	}
	read := func(s *Store) (map[string]Table, error) {
		in, ok := s.dialect.(Introspector)
		if !ok {
			return nil, fmt.Errorf("copy: %s cannot list its tables", s.dialect.Name())
		}
		ts, err := in.Tables(ctx, s.db)
		if err != nil {
			return nil, s.formatError(err, "copy: list tables")
		}
		m := map[string]Table{}
		for _, t := range ts {
			if t.Name != "migrations" {
				m[t.Name] = t
			}
		}
		return m, nil
	}
	dt, err := read(dst)
	if err != nil {
		return nil, err
	}
	st, err := read(src)
	if err != nil {
		return nil, err
	}
	for name, t := range st {
		d, ok := dt[name]
		if !ok {
			return nil, fmt.Errorf("copy: table %s is not in the %s database", name, dst.dialect.Name())
		}
		if !slices.Equal(columnNames(t), columnNames(d)) {
			return nil, fmt.Errorf("copy: table %s has columns %v in %s and %v in %s", name, columnNames(t), src.dialect.Name(), columnNames(d), dst.dialect.Name())
		}
	}
	if len(dt) != len(st) {
		return nil, fmt.Errorf("copy: the %s database has tables the %s database has not", dst.dialect.Name(), src.dialect.Name())
	}
	return dependencyOrder(dt)
}

func columnNames(t Table) []string {
	out := make([]string, len(t.Columns))
	for i, c := range t.Columns {
		out[i] = c.Name
	}
	sort.Strings(out)
	return out
}

// dependencyOrder sorts tables so that every table comes after the tables
// it refers to, and otherwise by name.
func dependencyOrder(tables map[string]Table) ([]Table, error) {
	names := make([]string, 0, len(tables))
	for n := range tables {
		names = append(names, n)
	}
	sort.Strings(names)
	var out []Table
	state := map[string]int{} // 1: visiting, 2: done
	var visit func(n string) error
	visit = func(n string) error {
		switch state[n] {
		case 1:
			return fmt.Errorf("copy: the foreign keys of table %s form a cycle", n)
		case 2:
			return nil
		}
		state[n] = 1
		refs := slices.Clone(tables[n].Refs)
		sort.Strings(refs)
		for _, r := range refs {
			if _, ok := tables[r]; ok && r != n {
				if err := visit(r); err != nil {
					return err
				}
			}
		}
		state[n] = 2
		out = append(out, tables[n])
		return nil
	}
	for _, n := range names {
		if err := visit(n); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// copyTable copies one table's rows, copyBatch at a time.
func copyTable(ctx context.Context, dst, src *sql.Tx, d Dialect, t Table) (int64, error) {
	cols := make([]string, len(t.Columns))
	for i, c := range t.Columns {
		cols[i] = quote(c.Name)
	}
	list := strings.Join(cols, ", ")
	rows, err := src.QueryContext(ctx, `SELECT `+list+` FROM `+quote(t.Name))
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	row := "(" + strings.TrimSuffix(strings.Repeat("?, ", len(cols)), ", ") + ")"
	var n int64
	var args []any
	flush := func() error {
		if len(args) == 0 {
			return nil
		}
		k := len(args) / len(cols)
		q := `INSERT INTO ` + quote(t.Name) + ` (` + list + `) VALUES ` + strings.TrimSuffix(strings.Repeat(row+", ", k), ", ")
		if _, err := dst.ExecContext(ctx, d.Rebind(q), args...); err != nil {
			return err
		}
		n += int64(k)
		args = args[:0]
		return nil
	}
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return n, err
		}
		for i, c := range t.Columns {
			vals[i] = convert(vals[i], c.Binary)
		}
		args = append(args, vals...)
		if len(args) >= copyBatch*len(cols) {
			if err := flush(); err != nil {
				return n, err
			}
		}
	}
	if err := rows.Err(); err != nil {
		return n, err
	}
	return n, flush()
}

// convert gives a value the Go type its target column takes: bytes for a
// blob column, a string for a text one (SQLite may hand back either).
func convert(v any, binary bool) any {
	switch x := v.(type) {
	case string:
		if binary {
			return []byte(x)
		}
	case []byte:
		if !binary {
			return string(x)
		}
		return slices.Clone(x)
	}
	return v
}

// quote quotes an identifier for every engine.
func quote(name string) string { return `"` + strings.ReplaceAll(name, `"`, `""`) + `"` }
