// Package pgtest gives tests a fresh PostgreSQL store of their own when
// PARLEY_TEST_POSTGRES names a database (a postgres:// URL); .ci/postgres.sh
// starts one.
package pgtest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver

	"parley/postgres"
	"parley/sqlstore"
)

// EnvVar names the environment variable holding the test database's DSN.
const EnvVar = "PARLEY_TEST_POSTGRES"

// DSN returns the test database's DSN, "" when none is configured.
func DSN() string { return os.Getenv(EnvVar) }

// Schema creates an empty schema for one test, dropped when it ends, and
// returns a DSN whose connections use it.
func Schema(tb testing.TB) string {
	tb.Helper()
	dsn := DSN()
	if dsn == "" {
		tb.Skip(EnvVar + " is not set: no PostgreSQL to test against (.ci/postgres.sh starts one)")
	}
	b := make([]byte, 6)
	rand.Read(b)
	schema := "t_" + hex.EncodeToString(b)
	admin, err := sql.Open("pgx", dsn)
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := admin.Exec(`CREATE SCHEMA ` + schema); err != nil {
		admin.Close()
		tb.Fatalf("pgtest: %v", err)
	}
	tb.Cleanup(func() {
		admin.Exec(`DROP SCHEMA ` + schema + ` CASCADE`)
		admin.Close()
	})
	u, err := url.Parse(dsn)
	if err != nil {
		tb.Fatalf("pgtest: %s: %v", EnvVar, err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// Open returns a migrated store in a schema of the test's own.
func Open(tb testing.TB) *sqlstore.Store {
	tb.Helper()
	s, err := postgres.Open(context.Background(), Schema(tb))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { s.Close() })
	return s
}
