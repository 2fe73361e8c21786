package sqlstore_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"parley"
	"parley/eventlog"
	"parley/ledger"
	"parley/sqlstore"
)

// benchEvent is a message-sized event (about 300 bytes canonical).
func benchEvent(i int64) *parley.Event {
	data, _ := json.Marshal(map[string]any{
		"id": fmt.Sprintf("m_%016d", i), "talks_id": "t_benchmarktalks0", "room": "caucus:israel",
		"author": "u_benchmarkauthor", "disclosure": "relayable",
		"text": "Phase one: a six-week ceasefire, 33 hostages released, aid trucks daily.",
	})
	return &parley.Event{Time: time.Unix(1733390000+i, 0), Kind: parley.EventMessagePosted, Talks: "t_benchmarktalks0", Room: "caucus:israel", Actor: "u_benchmarkauthor", Data: data}
}

// sequentialRate is the events/s of the one-writer run, measured earlier
// in the same BenchmarkAppendDurable run, for the speed-up ratios.
var sequentialRate float64

// BenchmarkAppendDurable appends one event per Store.Update on a database
// file with synchronous=FULL: every Update returns only after an fsync.
// "writers=1" is the sequential baseline; with more writers, group commit
// shares transactions, fsyncs and checkpoints. "nobatch" runs the same
// writers with one call per transaction, as without group commit.
func BenchmarkAppendDurable(b *testing.B) {
	for _, tc := range []struct {
		writers int
		noBatch bool
	}{{1, false}, {4, false}, {16, false}, {64, false}, {16, true}} {
		name := fmt.Sprintf("writers=%d", tc.writers)
		if tc.noBatch {
			name += "/nobatch"
		}
		b.Run(name, func(b *testing.B) {
			s, _ := MustOpen(b)
			if tc.noBatch {
				sqlstore.SetMaxBatch(s, 1)
			}
			ctx := context.Background()
			var next atomic.Int64
			var commits int64
			var wg sync.WaitGroup
			b.ResetTimer()
			for range tc.writers {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for {
						i := next.Add(1)
						if i > int64(b.N) {
							return
						}
						_, err := s.Update(ctx, func(tx parley.Tx) error { return eventlog.Append(ctx, tx, benchEvent(i)) })
						if err != nil {
							b.Error(err)
							return
						}
					}
				}()
			}
			wg.Wait()
			b.StopTimer()
			rate := float64(b.N) / b.Elapsed().Seconds()
			b.ReportMetric(rate, "events/s")
			if err := s.DB().QueryRow(`SELECT COUNT(*) FROM checkpoints`).Scan(&commits); err != nil {
				b.Fatal(err)
			}
			b.ReportMetric(float64(b.N)/float64(commits), "events/commit")
			if tc.writers == 1 {
				sequentialRate = rate
			} else if sequentialRate > 0 {
				b.ReportMetric(rate/sequentialRate, "x-sequential")
			}
		})
	}
}

// benchStoreSize is the log size built for the proof benchmarks;
// PARLEY_BENCH_LEAVES overrides it (1000000 takes about 40 s to build).
var benchStoreSize = int64(100_000)

func init() {
	if n, err := strconv.ParseInt(os.Getenv("PARLEY_BENCH_LEAVES"), 10, 64); err == nil && n > 1 {
		benchStoreSize = n
	}
}

// BenchmarkProveStore measures proofs served from the database, each in
// its own read transaction as the API does, against a log of
// benchStoreSize events built in one transaction of eventlog.Append calls.
func BenchmarkProveStore(b *testing.B) {
	s, _ := MustOpen(b)
	ctx := context.Background()
	start := time.Now()
	if _, err := s.Update(ctx, func(tx parley.Tx) error {
		for i := range benchStoreSize {
			if err := eventlog.Append(ctx, tx, benchEvent(i)); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		b.Fatal(err)
	}
	b.Logf("built %d events in %v", benchStoreSize, time.Since(start).Round(time.Millisecond))
	prove := func(b *testing.B, r *rand.Rand, consistency bool) {
		err := s.View(ctx, func(tx parley.Tx) error {
			var err error
			if consistency {
				_, err = ledger.ProveConsistency(1+r.Int64N(benchStoreSize-1), benchStoreSize, tx)
			} else {
				_, err = ledger.ProveInclusion(r.Int64N(benchStoreSize), benchStoreSize, tx)
			}
			return err
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	b.Run("inclusion", func(b *testing.B) {
		r := rand.New(rand.NewPCG(1, 2))
		for b.Loop() {
			prove(b, r, false)
		}
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "proofs/s")
	})
	b.Run("inclusion-parallel", func(b *testing.B) {
		var seed atomic.Uint64
		b.RunParallel(func(pb *testing.PB) {
			r := rand.New(rand.NewPCG(seed.Add(1), 2))
			for pb.Next() {
				prove(b, r, false)
			}
		})
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "proofs/s")
	})
	b.Run("consistency", func(b *testing.B) {
		r := rand.New(rand.NewPCG(3, 4))
		for b.Loop() {
			prove(b, r, true)
		}
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "proofs/s")
	})
}
