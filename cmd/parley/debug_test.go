package main

import (
	"context"
	"testing"
)

// TestDebugOnLoopbackOnly: the debug endpoints (profiles, with no sign-in)
// are refused on any address but this machine's.
func TestDebugOnLoopbackOnly(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	for _, addr := range []string{"0.0.0.0:0", ":0", "[::]:0", "192.0.2.1:0", "example.com:0", "nonsense"} {
		if _, err := startDebug(ctx, addr); err == nil {
			t.Errorf("debug endpoints served on %s", addr)
		}
	}
	for _, addr := range []string{"127.0.0.1:0", "localhost:0", "[::1]:0"} {
		if _, err := startDebug(ctx, addr); err != nil && addr != "[::1]:0" {
			t.Errorf("%s: %v", addr, err)
		}
	}
}
