// Package pgtest gives tests a fresh PostgreSQL store of their own when
// PARLEY_TEST_POSTGRES names a database (a postgres:// URL); .ci/postgres.sh
// starts one.
package pgtest

import (
	"context"
	"os"
	"testing"

	"parley/postgres"
	"parley/sqlstore"
)

// EnvVar names the environment variable holding the test database's DSN.
const EnvVar = "PARLEY_TEST_POSTGRES"

// DSN returns the test database's DSN, "" when none is configured.
func DSN() string { return os.Getenv(EnvVar) }

// SkipMessage is why a test that needs PostgreSQL is skipped without it.
const SkipMessage = EnvVar + " is not set: no PostgreSQL to test against (.ci/postgres.sh starts one)"

// Schema creates an empty schema for one test, dropped when it ends, and
// returns a DSN whose connections use it. Without PARLEY_TEST_POSTGRES the
// test is skipped.
func Schema(tb testing.TB) string {
	tb.Helper()
	dsn := DSN()
	if dsn == "" {
		tb.Skip(SkipMessage)
	}
	sdsn, drop, err := postgres.TempSchema(context.Background(), dsn, "t_")
	if err != nil {
		tb.Fatalf("pgtest: %v", err)
	}
	tb.Cleanup(func() { drop() })
	return sdsn
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
