package postgres

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net/url"
	"regexp"
)

// schemaName is what WithSchema and TempSchema accept: a plain lower-case
// identifier, so that it needs no quoting anywhere.
var schemaName = regexp.MustCompile(`^[a-z_][a-z0-9_]{0,62}$`)

// WithSchema returns dsn (a postgres:// URL) with search_path set to
// schema, so that every connection made with it uses that schema.
func WithSchema(dsn, schema string) (string, error) {
	if !schemaName.MatchString(schema) {
		return "", fmt.Errorf("postgres: schema %q: want lower-case letters, digits and _", schema)
	}
	u, err := url.Parse(dsn)
	if err != nil || !IsDSN(dsn) {
		return "", fmt.Errorf("postgres: %q is not a postgres:// URL", Redact(dsn))
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String(), nil
}

// TempSchema creates a schema named prefix followed by random hex in the
// database at dsn, and returns a DSN that uses it and a function that drops
// it with everything in it. Tests and parley bench use it to work beside
// real data without touching it.
func TempSchema(ctx context.Context, dsn, prefix string) (string, func() error, error) {
	b := make([]byte, 6)
	rand.Read(b)
	schema := prefix + hex.EncodeToString(b)
	sdsn, err := WithSchema(dsn, schema)
	if err != nil {
		return "", nil, err
	}
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		return "", nil, fmt.Errorf("postgres: open: %w", err)
	}
	if _, err := db.ExecContext(ctx, `CREATE SCHEMA `+schema); err != nil {
		db.Close()
		return "", nil, fmt.Errorf("postgres: create schema: %w", err)
	}
	drop := func() error {
		defer db.Close()
		_, err := db.ExecContext(context.WithoutCancel(ctx), `DROP SCHEMA `+schema+` CASCADE`)
		return err
	}
	return sdsn, drop, nil
}

// Redact returns dsn with its password, if any, replaced, for messages and
// logs.
func Redact(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil || u.User == nil {
		return dsn
	}
	if _, ok := u.User.Password(); ok {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	return u.String()
}
