package talks_test

import (
	"context"
	"errors"
	"iter"
	"testing"
	"time"

	"parley"
	"parley/auth"
	"parley/internal/fixture"
	"parley/talks"
)

// busyBus always holds one more event than its reader has taken: a bus
// under a steady load of commits the reader may not see.
type busyBus struct{}

func (busyBus) Publish([]parley.Event) {}
func (busyBus) Changed() <-chan struct{} {
	ch := make(chan struct{})
	close(ch)
	return ch
}
func (busyBus) Since(after int64) ([]*parley.Event, bool) {
	return []*parley.Event{{Seq: after + 1, Kind: parley.EventUserCreated}}, true
}

// TestRevokedStreamEndsUnderLoad: a stream whose credential is revoked
// ends even while events keep coming, not only when the bus is quiet.
func TestRevokedStreamEndsUnderLoad(t *testing.T) {
	e := fixture.New(t)
	svc := talks.New(e.Store, busyBus{})
	svc.Hub = auth.NewHub()
	start, err := svc.LastSeq(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// stop is called only once the stream returned: a stream that never
	// does is left behind, and the test fails.
	next, stop := iter.Pull2(svc.Stream(ctx, e.U("israel"), talks.StreamOptions{After: start}))
	done := make(chan error, 1)
	go func() {
		for {
			_, err, ok := next()
			if err != nil || !ok {
				done <- err
				return
			}
		}
	}()
	time.Sleep(50 * time.Millisecond)
	svc.Hub.Revoke(e.U("israel").ID, "")
	select {
	case err := <-done:
		stop()
		if !errors.Is(err, talks.ErrRevoked) {
			t.Fatalf("the stream ended with %v, not as revoked", err)
		}
	case <-time.After(3 * time.Second):
		t.Fatal("a revoked stream went on while events kept coming")
	}
}

// TestHeartbeatUnderLoad: the heartbeat, at which the consumer checks its
// credentials, comes even while events keep coming.
func TestHeartbeatUnderLoad(t *testing.T) {
	e := fixture.New(t)
	svc := talks.New(e.Store, busyBus{})
	start, err := svc.LastSeq(ctx)
	if err != nil {
		t.Fatal(err)
	}
	sctx, cancel := context.WithCancel(ctx)
	defer cancel()
	beat := make(chan struct{})
	go func() {
		for d, err := range svc.Stream(sctx, e.U("israel"), talks.StreamOptions{After: start, Idle: 20 * time.Millisecond}) {
			if err == nil && d.Seq == 0 {
				close(beat)
				return
			}
		}
	}()
	select {
	case <-beat:
	case <-time.After(5 * time.Second):
		t.Fatal("no heartbeat while events kept coming")
	}
}
