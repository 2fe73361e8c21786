package settle_test

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"parley/settle"
)

// randomFunction returns a random nested utility function over the
// integer issues of d.
func randomFunction(r *rand.Rand, d *settle.Domain, depth int, integer bool) settle.Function {
	aggs := []settle.Aggregation{"", settle.AggregateSum, settle.AggregateMin, settle.AggregateMax}
	f := settle.Function{Weight: float64(r.IntN(5) - 1), Aggregation: aggs[r.IntN(len(aggs))]}
	if !integer {
		f.Weight = r.Float64()*3 - 1
	}
	// A min or max with no parts is worth Genius's start value, ±(2^31−1),
	// which is out of range for these profiles: give it a part.
	for range 1 + r.IntN(3) {
		f.Rectangles = append(f.Rectangles, randomRectangle(r, d, integer))
	}
	if depth < 2 && r.IntN(3) == 0 {
		f.Functions = append(f.Functions, randomFunction(r, d, depth+1, integer))
	}
	return f
}

func randomRectangle(r *rand.Rand, d *settle.Domain, integer bool) settle.Rectangle {
	rect := settle.Rectangle{Utility: float64(r.IntN(21) - 5), Exclude: r.IntN(4) == 0}
	if !integer {
		rect.Utility = r.Float64()*20 - 5
	}
	for _, is := range d.Issues {
		if is.Range == nil || r.IntN(2) == 0 {
			continue
		}
		lo := is.Range.Low - 1 + int64(r.IntN(int(is.Range.High-is.Range.Low)+3))
		hi := lo + int64(r.IntN(3)) - 1
		rect.Bounds = append(rect.Bounds, settle.Bound{Issue: is.Name, Min: lo, Max: hi})
	}
	return rect
}

// randomNonlinearSpace returns a small space of 2 or 3 parties in which
// some profiles have hyper-rectangles (sum, min or max; including and
// excluding; nested with any weights), some a linear part too, some only a
// capped or plain linear profile.
func randomNonlinearSpace(tb testing.TB, r *rand.Rand, parties int) *settle.Space {
	tb.Helper()
	d := &settle.Domain{Name: "random-nonlinear"}
	for i := range 1 + r.IntN(4) {
		is := settle.Issue{Name: fmt.Sprintf("i%d", i)}
		if r.IntN(4) == 0 {
			is.Options = []string{"a", "b", "c"}[:1+r.IntN(3)]
		} else {
			low := int64(r.IntN(3))
			is.Range = &settle.Range{Low: low, High: low + int64(r.IntN(4))}
		}
		d.Issues = append(d.Issues, is)
	}
	var ps []*settle.Profile
	for p := range parties {
		pr := &settle.Profile{Name: fmt.Sprintf("p%d", p), Weights: map[string]float64{}, Scores: map[string]settle.Scoring{}}
		kind := r.IntN(4)
		if kind == 0 || r.IntN(2) == 0 {
			// A linear part (scores on a coarse grid so ties occur).
			for _, is := range d.Issues {
				if kind != 0 && r.IntN(2) == 0 {
					continue
				}
				pr.Weights[is.Name] = float64(r.IntN(5)) / 4 / float64(len(d.Issues))
				sc := map[string]float64{}
				for o := range is.Len() {
					sc[is.Label(o)] = float64(r.IntN(5)) / 4
				}
				pr.Scores[is.Name] = settle.Scoring{Options: sc}
			}
			pr.Capped = r.IntN(2) == 0
		}
		if kind == 0 {
			// Plain linear: weights must sum to 1 unless capped.
			sum := 0.0
			for _, w := range pr.Weights {
				sum += w
			}
			if sum == 0 || !pr.Capped {
				for k := range pr.Weights {
					pr.Weights[k] = 1 / float64(len(d.Issues))
				}
			}
		} else {
			integer := r.IntN(2) == 0
			top := randomFunction(r, d, 0, integer)
			pr.Nonlinear = &settle.Nonlinear{Max: float64(1 + r.IntN(30)), Aggregation: top.Aggregation, Rectangles: top.Rectangles, Functions: top.Functions}
			if !integer {
				pr.Nonlinear.Max = 0.5 + 20*r.Float64()
			}
		}
		ps = append(ps, pr)
	}
	s, err := settle.New(d, ps...)
	if err != nil {
		tb.Fatal(err)
	}
	return s
}

// TestBranchAndBoundAgainstEnumeration: on random small spaces with
// non-linear profiles the branch and bound finds exactly the utility
// vectors of the enumerated frontier, each with a package that has them.
func TestBranchAndBoundAgainstEnumeration(t *testing.T) {
	ctx := context.Background()
	r := rand.New(rand.NewPCG(14, 2014))
	for n := range 600 {
		parties := 2 + n%2
		s := randomNonlinearSpace(t, r, parties)
		want, err := s.ParetoByEnumeration(ctx)
		if err != nil {
			t.Fatal(err)
		}
		got, err := s.Pareto(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(vectors(want), vectors(got)); diff != "" {
			t.Fatalf("case %d (%d parties, method %s): frontier (-enumeration +%s):\n%s", n, parties, got.Method, got.Method, diff)
		}
		if !got.Exact || got.Gap != 0 {
			t.Errorf("case %d: exact %v gap %v", n, got.Exact, got.Gap)
		}
		for _, pt := range got.Points {
			u, err := s.Utilities(pt.Package)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(pt.Utilities, u); diff != "" {
				t.Fatalf("case %d: package %v has utilities (-listed +actual):\n%s", n, pt.Package, diff)
			}
		}
		for p := range parties {
			best, ub := s.Best(p)
			worst, uw := s.Worst(p)
			lo, hi := math.Inf(1), math.Inf(-1)
			if err := s.Enumerate(func(_ settle.Package, u []float64) bool {
				lo, hi = min(lo, u[p]), max(hi, u[p])
				return true
			}); err != nil {
				t.Fatal(err)
			}
			if ub != hi || uw != lo || s.Utility(p, best) != hi || s.Utility(p, worst) != lo {
				t.Fatalf("case %d party %d: best %v worst %v, enumeration %v..%v", n, p, ub, uw, lo, hi)
			}
		}
	}
}

// vectors lists a frontier's utility vectors.
func vectors(f *settle.Frontier) [][]float64 {
	var out [][]float64
	for _, pt := range f.Points {
		out = append(out, pt.Utilities)
	}
	return out
}

// TestBranchAndBoundBudget: a search stopped by its budget says so and
// bounds what it may have missed; the points it returns are real.
func TestBranchAndBoundBudget(t *testing.T) {
	d, ps := settle.GenerateNonlinear(rand.New(rand.NewPCG(3, 4)), settle.NonlinearConfig{Issues: 30, Rectangles: 60})
	s, err := settle.New(d, ps...)
	if err != nil {
		t.Fatal(err)
	}
	f, err := s.ParetoWithin(context.Background(), time.Nanosecond)
	if err != nil {
		t.Fatal(err)
	}
	if f.Exact || f.Gap <= 0 || f.Gap > 1 || f.Len() == 0 {
		t.Fatalf("exact %v, gap %v, %d points", f.Exact, f.Gap, f.Len())
	}
	for _, pt := range f.Points {
		u, err := s.Utilities(pt.Package)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(pt.Utilities, u); diff != "" {
			t.Fatalf("package %v (-listed +actual):\n%s", pt.Package, diff)
		}
	}
}
