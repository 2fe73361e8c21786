package postgres_test

import (
	"testing"

	"parley/postgres/pgtest"
	"parley/sqlstore"
	"parley/sqlstore/storetest"
)

// TestConformance runs the store conformance suite on PostgreSQL; it is
// skipped when PARLEY_TEST_POSTGRES is unset.
func TestConformance(t *testing.T) {
	if pgtest.DSN() == "" {
		t.Skip(pgtest.SkipMessage)
	}
	storetest.Run(t, func(t testing.TB) *sqlstore.Store { return pgtest.Open(t) })
}
