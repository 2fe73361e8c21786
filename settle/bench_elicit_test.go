package settle_test

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"parley/settle"
)

// elicitCheckpoints are the question counts at which the accuracy is
// measured.
var elicitCheckpoints = []int{0, 5, 10, 15, 20, 30, 40, 60}

// BenchmarkElicitation measures how many questions elicitation needs for
// an accurate frontier. On 10 random two-party domains (5 issues × 4
// options, opposed interests) the first party's profile is elicited from
// truthful answers while the second's is known; at each checkpoint the
// frontier of the estimate and the known profile is computed and judged
// with the true profiles: igd is the mean distance from each true
// frontier point to the nearest point of the estimated frontier (in true
// utilities), nash the distance from the estimate's Nash package to the
// true Nash point. "adaptive" asks the Elicitor's questions, "random"
// random pairs (the baseline, in the same run).
func BenchmarkElicitation(b *testing.B) {
	for _, mode := range []string{"adaptive", "random"} {
		b.Run(mode, func(b *testing.B) {
			var igd, nash []float64
			for b.Loop() {
				igd, nash = elicitCurve(b, mode == "adaptive", 10)
			}
			for k, q := range elicitCheckpoints {
				b.ReportMetric(igd[k], fmt.Sprintf("igd@%dq", q))
				b.ReportMetric(nash[k], fmt.Sprintf("nash@%dq", q))
			}
		})
	}
}

// elicitCurve returns the mean igd and Nash error at each checkpoint.
func elicitCurve(tb testing.TB, adaptive bool, instances int) (igd, nash []float64) {
	ctx := context.Background()
	igd = make([]float64, len(elicitCheckpoints))
	nash = make([]float64, len(elicitCheckpoints))
	for inst := range instances {
		r := rand.New(rand.NewPCG(uint64(inst), 77))
		d, ps := settle.Generate(r, 2, 5, 4, true)
		for _, p := range ps {
			p.Reservation = 0
		}
		truth, err := settle.New(d, ps...)
		if err != nil {
			tb.Fatal(err)
		}
		tst, err := truth.Settle(ctx)
		if err != nil {
			tb.Fatal(err)
		}
		e, err := settle.NewElicitor(d, uint64(inst))
		if err != nil {
			tb.Fatal(err)
		}
		asked := 0
		for k, q := range elicitCheckpoints {
			for ; asked < q; asked++ {
				var a, b settle.Package
				if adaptive {
					a, b = e.Next()
				} else {
					a, b = randomPackage(r, d), randomPackage(r, d)
				}
				if err := e.Answer(a, b, truth.Utility(0, a) > truth.Utility(0, b)); err != nil {
					tb.Fatal(err)
				}
			}
			est, err := settle.New(d, e.Estimate().Profile, ps[1])
			if err != nil {
				tb.Fatal(err)
			}
			est0, err := est.Settle(ctx)
			if err != nil {
				tb.Fatal(err)
			}
			var pts [][]float64
			for _, pt := range est0.Frontier.Points {
				u, _ := truth.Utilities(pt.Package)
				pts = append(pts, u)
			}
			sum := 0.0
			for _, pt := range tst.Frontier.Points {
				best := math.Inf(1)
				for _, u := range pts {
					best = math.Min(best, settle.Distance(pt.Utilities, u))
				}
				sum += best
			}
			igd[k] += sum / float64(tst.Frontier.Len()) / float64(instances)
			u, _ := truth.Utilities(est0.Nash.Package)
			nash[k] += settle.Distance(u, tst.Nash.Utilities) / float64(instances)
		}
	}
	return igd, nash
}

func randomPackage(r *rand.Rand, d *settle.Domain) settle.Package {
	pkg := make(settle.Package, len(d.Issues))
	for i := range pkg {
		pkg[i] = r.IntN(d.Issues[i].Len())
	}
	return pkg
}
