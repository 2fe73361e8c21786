package sqlite_test

import (
	"testing"

	"parley/sqlstore"
	"parley/sqlstore/storetest"
)

// TestConformance runs the store conformance suite on SQLite.
func TestConformance(t *testing.T) {
	storetest.Run(t, func(t testing.TB) *sqlstore.Store { return mustOpen(t) })
}
