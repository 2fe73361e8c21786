package talks_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"parley"
	"parley/internal/fixture"
	"parley/talks"
)

// BenchmarkPost measures the command path: validate, load the actor's
// scope, number the message, append its event to the ledger (canonical
// bytes, salt, leaf and tree hashes), store it, sign a checkpoint per
// commit, sync to disk and publish. writers=N posts from N goroutines at
// once, sharing commits.
func BenchmarkPost(b *testing.B) {
	text := strings.Repeat("w", 200)
	for _, writers := range []int{1, 64} {
		b.Run(fmt.Sprintf("writers=%d", writers), func(b *testing.B) {
			e := fixture.New(b)
			users := []string{"israel", "hamas", "qatar"}
			rooms := []string{"caucus:israel", "caucus:hamas", "mediators"}
			var next atomic.Int64
			var wg sync.WaitGroup
			b.ResetTimer()
			for w := range writers {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for next.Add(1) <= int64(b.N) {
						if _, err := e.Talks.Post(ctx, e.U(users[w%3]), e.TalksID, rooms[w%3], talks.NewMessage{Text: text}); err != nil {
							b.Error(err)
							return
						}
					}
				}()
			}
			wg.Wait()
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "posts/s")
		})
	}
}

// BenchmarkScope measures a read that only authorises: the actor's scope
// in the talks and the rooms it may read (GET .../rooms).
func BenchmarkScope(b *testing.B) {
	e := fixture.New(b)
	u := e.U("israel")
	b.ResetTimer()
	for b.Loop() {
		if _, err := e.Talks.Rooms(ctx, u, e.TalksID); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkFanOut measures delivering events to many live streams, each
// consumed as the HTTP handler consumes it: one event is published and the
// clock runs until every stream (the mediator's: each sees it) took it.
// ns/op is the latency of one event to all streams.
func BenchmarkFanOut(b *testing.B) {
	for _, streams := range []int{1, 100, 1000} {
		b.Run(fmt.Sprintf("streams=%d", streams), func(b *testing.B) {
			e := fixture.New(b)
			sctx, cancel := context.WithCancel(ctx)
			defer cancel()
			start, err := e.Talks.LastSeq(ctx)
			if err != nil {
				b.Fatal(err)
			}
			var got, want atomic.Int64
			all := make(chan struct{}, 1)
			var done sync.WaitGroup
			for range streams {
				done.Add(1)
				go func() {
					defer done.Done()
					for _, err := range e.Talks.Stream(sctx, e.U("qatar"), talks.StreamOptions{After: start}) {
						if err != nil {
							return
						}
						if got.Add(1) == want.Load() {
							all <- struct{}{}
						}
					}
				}()
			}
			ev := parley.Event{Kind: parley.EventMessagePosted, Talks: e.TalksID, Room: parley.RoomMediators, Data: []byte(`{}`)}
			b.ResetTimer()
			for i := range b.N {
				ev.Seq = start + int64(i) + 1
				want.Store(int64(streams) * int64(i+1))
				e.Bus.Publish([]parley.Event{ev})
				<-all
			}
			b.StopTimer()
			b.ReportMetric(float64(b.N)*float64(streams)/b.Elapsed().Seconds(), "deliveries/s")
			cancel()
			done.Wait()
		})
	}
}
