package settle_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"parley/settle"
)

// nonlinearSpace returns a generated ANAC-2014-shaped two-party space.
func nonlinearSpace(tb testing.TB, seed uint64, cfg settle.NonlinearConfig) *settle.Space {
	tb.Helper()
	d, ps := settle.GenerateNonlinear(rand.New(rand.NewPCG(seed, 2014)), cfg)
	s, err := settle.New(d, ps...)
	if err != nil {
		tb.Fatal(err)
	}
	return s
}

// BenchmarkNonlinear measures the exact frontier plus the Nash, KS,
// egalitarian and utilitarian points of the twelve 2014-shaped domains:
// 10, 30 and 40 integer issues of 10 values with 20, 60 and 80 rectangles
// of 3 or 4 issues per profile, two seeds each, without and with
// reservation values. It reports the frontier's size, the search nodes and
// whether the search finished (exact = 1) within its 60 s budget. The
// 6-issue case also times enumeration once, in the same run, as a
// baseline.
func BenchmarkNonlinear(b *testing.B) {
	ctx := context.Background()
	for _, issues := range []int{10, 30, 40} {
		for _, rv := range []bool{false, true} {
			for seed := uint64(1); seed <= 2; seed++ {
				name := fmt.Sprintf("%dissues/rv=%v/seed=%d", issues, rv, seed)
				b.Run(name, func(b *testing.B) {
					s := nonlinearSpace(b, seed, settle.NonlinearConfig{Issues: issues, Rectangles: 2 * issues, Reservation: rv})
					benchSettleWithin(b, ctx, s, 60*time.Second, 0)
				})
			}
		}
	}
	b.Run("6issues", func(b *testing.B) {
		s := nonlinearSpace(b, 1, settle.NonlinearConfig{Issues: 6, Rectangles: 12})
		start := time.Now()
		if _, err := s.ParetoByEnumeration(ctx); err != nil {
			b.Fatal(err)
		}
		benchSettleWithin(b, ctx, s, 0, time.Since(start))
	})
}

// BenchmarkNonlinearConflict is the stress case: intervals as narrow as
// one value, so rectangles conflict far more than in the 2014 domains
// (the best bid meets about half the rectangles' utility instead of about
// 80%).
func BenchmarkNonlinearConflict(b *testing.B) {
	for _, issues := range []int{10, 30, 40} {
		b.Run(fmt.Sprintf("%dissues", issues), func(b *testing.B) {
			s := nonlinearSpace(b, 1, settle.NonlinearConfig{Issues: issues, Rectangles: 2 * issues, MinWidth: 1})
			benchSettleWithin(b, context.Background(), s, 60*time.Second, 0)
		})
	}
}

func benchSettleWithin(b *testing.B, ctx context.Context, s *settle.Space, budget, baseline time.Duration) {
	var st *settle.Settlement
	for b.Loop() {
		var err error
		if st, err = s.SettleWithin(ctx, budget); err != nil {
			b.Fatal(err)
		}
	}
	f := st.Frontier
	b.ReportMetric(float64(f.Len()), "frontier")
	b.ReportMetric(float64(f.Nodes), "nodes")
	exact := 0.0
	if f.Exact {
		exact = 1
	}
	b.ReportMetric(exact, "exact")
	b.ReportMetric(f.Gap, "gap")
	if baseline > 0 {
		b.ReportMetric(baseline.Seconds()/(b.Elapsed().Seconds()/float64(b.N)), "x-faster-than-enumeration")
	}
}
