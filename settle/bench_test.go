package settle_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"runtime"
	"testing"
	"time"

	"parley/settle"
)

// benchSpace returns a two-party domain of issues × 10 options with
// opposed interests (the harder case: larger frontiers).
func benchSpace(tb testing.TB, issues int) *settle.Space {
	tb.Helper()
	d, ps := settle.Generate(rand.New(rand.NewPCG(1, 2)), 2, issues, 10, true)
	s, err := settle.New(d, ps...)
	if err != nil {
		tb.Fatal(err)
	}
	return s
}

// BenchmarkEnumerate measures how fast Enumerate visits packages of a
// 10^6-package two-party domain, computing both utilities of each.
func BenchmarkEnumerate(b *testing.B) {
	s := benchSpace(b, 6)
	var sink float64
	n := 0
	b.ResetTimer()
	for b.Loop() {
		err := s.Enumerate(func(_ settle.Package, u []float64) bool {
			sink += u[0] - u[1]
			n++
			return true
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "outcomes/s")
	if sink == 0.5 {
		b.Log(sink)
	}
}

// BenchmarkFrontier measures the exact frontier plus the Nash, KS,
// egalitarian and utilitarian points (Settle) on 10^6, 10^9, 10^12 and 10^24
// packages. The 10^6 case also times frontier-by-enumeration once as a
// baseline and reports the speed-up; enumeration is a sub-benchmark of its
// own too. alloc-MiB/op (bytes allocated per run) bounds the peak heap.
func BenchmarkFrontier(b *testing.B) {
	ctx := context.Background()
	for _, c := range []struct {
		name   string
		issues int
	}{{"1e6", 6}, {"1e9", 9}, {"1e12", 12}, {"1e24", 24}} {
		b.Run(c.name, func(b *testing.B) {
			s := benchSpace(b, c.issues)
			var base time.Duration
			if c.name == "1e6" {
				start := time.Now()
				if _, err := s.ParetoByEnumeration(ctx); err != nil {
					b.Fatal(err)
				}
				base = time.Since(start)
			}
			runtime.GC()
			var m0, m1 runtime.MemStats
			runtime.ReadMemStats(&m0)
			var st *settle.Settlement
			b.ResetTimer()
			for b.Loop() {
				var err error
				if st, err = s.Settle(ctx); err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
			runtime.ReadMemStats(&m1)
			perOp := b.Elapsed().Seconds() / float64(b.N)
			b.ReportMetric(float64(st.Frontier.Len()), "frontier")
			b.ReportMetric(float64(m1.TotalAlloc-m0.TotalAlloc)/float64(b.N)/(1<<20), "alloc-MiB/op")
			b.ReportMetric(float64(m1.Sys)/(1<<20), "sys-MiB")
			if base > 0 {
				b.ReportMetric(base.Seconds()/perOp, "x-faster-than-enumeration")
			}
		})
	}
	b.Run("1e6-enumeration", func(b *testing.B) {
		s := benchSpace(b, 6)
		for b.Loop() {
			if _, err := s.ParetoByEnumeration(ctx); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(1e6*float64(b.N)/b.Elapsed().Seconds(), "outcomes/s")
	})
}

// BenchmarkSimulate measures offers per second in stacked alternating
// offers between a Boulware and a Conceder agent bidding along the frontier
// of a 10^12-package domain, with a deadline of 100000 rounds.
func BenchmarkSimulate(b *testing.B) {
	s := benchSpace(b, 12)
	st, err := s.Settle(context.Background())
	if err != nil {
		b.Fatal(err)
	}
	cfg := settle.SimConfig{
		Agents: [2]settle.Strategy{settle.TimeDependent{E: 0.02}, settle.TimeDependent{E: 0.02}},
		Rounds: 100000,
	}
	offers := 0
	for b.Loop() {
		res, err := s.Simulate(context.Background(), st, cfg)
		if err != nil {
			b.Fatal(err)
		}
		offers += res.Offers
	}
	b.ReportMetric(float64(offers)/b.Elapsed().Seconds(), "offers/s")
}

// BenchmarkFrontier3 measures the exact three-party frontier plus the
// Nash, KS, egalitarian and utilitarian points on 10^3 to 10^12 packages
// (3 to 12 issues of 10 options): the first two parties' interests are
// opposed, the third's drawn independently. The 10^6 case also times the
// frontier by enumeration once, in the same run, as a baseline.
func BenchmarkFrontier3(b *testing.B) {
	ctx := context.Background()
	for issues := 3; issues <= 12; issues++ {
		b.Run(fmt.Sprintf("1e%d", issues), func(b *testing.B) {
			d, ps := settle.Generate(rand.New(rand.NewPCG(1, 2)), 3, issues, 10, true)
			s, err := settle.New(d, ps...)
			if err != nil {
				b.Fatal(err)
			}
			var base time.Duration
			if issues == 6 {
				start := time.Now()
				if _, err := s.ParetoByEnumeration(ctx); err != nil {
					b.Fatal(err)
				}
				base = time.Since(start)
			}
			var st *settle.Settlement
			for b.Loop() {
				if st, err = s.Settle(ctx); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(st.Frontier.Len()), "frontier")
			if base > 0 {
				b.ReportMetric(base.Seconds()/(b.Elapsed().Seconds()/float64(b.N)), "x-faster-than-enumeration")
			}
		})
	}
}

// BenchmarkTournament measures negotiation speed in a tournament: the four
// built-in agents meet in every ordered pair on four two-party domains of
// 10^6 to 10^12 packages, and in every ordered triple on a three-party
// 10^6 domain, with a deadline of 10 000 rounds and discounting. Frontiers
// are computed before the timer starts.
func BenchmarkTournament(b *testing.B) {
	var scs []*settle.Scenario
	for _, issues := range []int{6, 8, 10, 12} {
		d, ps := settle.Generate(rand.New(rand.NewPCG(uint64(issues), 2)), 2, issues, 10, true)
		for _, p := range ps {
			p.Discount = 0.9
		}
		s, err := settle.New(d, ps...)
		if err != nil {
			b.Fatal(err)
		}
		scs = append(scs, &settle.Scenario{Name: d.Name, Space: s})
	}
	d, ps := settle.Generate(rand.New(rand.NewPCG(3, 2)), 3, 6, 10, true)
	s, err := settle.New(d, ps...)
	if err != nil {
		b.Fatal(err)
	}
	scs = append(scs, &settle.Scenario{Name: "three", Space: s})
	cfg := settle.TournamentConfig{Agents: settle.BuiltinAgents(), Rounds: 10000}
	var offers int64
	var elapsed time.Duration
	for b.Loop() {
		res, err := settle.RunTournament(context.Background(), scs, cfg)
		if err != nil {
			b.Fatal(err)
		}
		offers += res.Offers
		elapsed += res.Elapsed
	}
	b.ReportMetric(float64(offers)/elapsed.Seconds(), "offers/s")
}
