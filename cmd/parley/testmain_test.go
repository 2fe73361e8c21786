package main

import (
	"os"
	"testing"
)

// TestMain runs the tests, or, when a test re-executes the test binary as
// the parley command (selfCommand sets PARLEY_AS_MAIN), parley itself,
// hashing passwords cheaply as the tests do.
func TestMain(m *testing.M) {
	if os.Getenv("PARLEY_AS_MAIN") == "1" {
		useCheapArgon()
		main()
		return
	}
	os.Exit(m.Run())
}
