package settle_test

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"parley/settle"
)

// tiedSpace returns a random space whose scores come from a coarse grid, so
// that many packages share utility vectors and ties are exercised; ranges
// with piecewise-linear scores are mixed in.
func tiedSpace(tb testing.TB, r *rand.Rand, parties int) *settle.Space {
	tb.Helper()
	d := &settle.Domain{Name: "tied"}
	ni := 1 + r.IntN(5)
	for i := range ni {
		is := settle.Issue{Name: fmt.Sprintf("i%d", i)}
		if r.IntN(4) == 0 {
			is.Range = &settle.Range{Low: int64(r.IntN(5)), Step: int64(1 + r.IntN(3))}
			is.Range.High = is.Range.Low + is.Range.Step*int64(r.IntN(5))
		} else {
			for o := range 1 + r.IntN(5) {
				is.Options = append(is.Options, fmt.Sprintf("o%d", o))
			}
		}
		d.Issues = append(d.Issues, is)
	}
	grid := []float64{0, 0.25, 0.5, 0.75, 1}
	var ps []*settle.Profile
	for p := range parties {
		pr := &settle.Profile{Name: fmt.Sprintf("p%d", p), Weights: map[string]float64{}, Scores: map[string]settle.Scoring{}}
		for i, is := range d.Issues {
			pr.Weights[is.Name] = 1 / float64(ni)
			if i == ni-1 && ni > 1 {
				pr.Weights[is.Name] = 1 - float64(ni-1)/float64(ni)
			}
			if is.Range != nil {
				pr.Scores[is.Name] = settle.Scoring{Points: []settle.Point2{
					{X: float64(is.Range.Low), Score: grid[r.IntN(5)]},
					{X: float64(is.Range.High) + 1, Score: grid[r.IntN(5)]},
				}}
				continue
			}
			sc := map[string]float64{}
			for _, o := range is.Options {
				sc[o] = grid[r.IntN(5)]
			}
			pr.Scores[is.Name] = settle.Scoring{Options: sc}
		}
		ps = append(ps, pr)
	}
	s, err := settle.New(d, ps...)
	if err != nil {
		tb.Fatal(err)
	}
	return s
}

// randomSpace returns a random space with continuous scores (few ties).
func randomSpace(tb testing.TB, r *rand.Rand, parties int) *settle.Space {
	tb.Helper()
	d, ps := settle.Generate(r, parties, 1+r.IntN(6), 1+r.IntN(6), r.IntN(2) == 0)
	s, err := settle.New(d, ps...)
	if err != nil {
		tb.Fatal(err)
	}
	return s
}

type point struct {
	U     []float64
	Count uint64
}

func points(f *settle.Frontier) []point {
	var ps []point
	for _, o := range f.Points {
		ps = append(ps, point{o.Utilities, o.Count})
	}
	return ps
}

func equal(a, b []float64) bool {
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func dominates(a, b []float64) bool {
	strict := false
	for i := range a {
		if a[i] < b[i] {
			return false
		}
		if a[i] > b[i] {
			strict = true
		}
	}
	return strict
}

// TestFrontierProperties checks, on random enumerable spaces with and
// without ties and for 2 to 4 parties, that merge and enumeration give
// exactly the same frontier (bit-identical utilities and package counts),
// that every frontier point is undominated, that every package is
// dominated by or equal to a frontier point, and that the counts are right.
func TestFrontierProperties(t *testing.T) {
	ctx := context.Background()
	r := rand.New(rand.NewPCG(7, 11))
	for trial := range 300 {
		parties := 2 + trial%3
		var s *settle.Space
		if trial%2 == 0 {
			s = tiedSpace(t, r, parties)
		} else {
			s = randomSpace(t, r, parties)
		}
		merged, err := s.Pareto(ctx)
		if err != nil {
			t.Fatal(err)
		}
		enum, err := s.ParetoByEnumeration(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(points(enum), points(merged)); diff != "" {
			t.Fatalf("trial %d: merge and enumeration differ (-enum +merge):\n%s", trial, diff)
		}
		for _, o := range merged.Points {
			u, err := s.Utilities(o.Package)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(o.Utilities, u); diff != "" {
				t.Fatalf("trial %d: package %v does not reach its point (-point +package):\n%s", trial, o.Package, diff)
			}
		}
		counts := make([]uint64, merged.Len())
		var total uint64
		err = s.Enumerate(func(pkg settle.Package, u []float64) bool {
			total++
			covered := false
			for k, o := range merged.Points {
				if dominates(u, o.Utilities) {
					t.Fatalf("trial %d: package %v %v dominates frontier point %v", trial, pkg, u, o.Utilities)
				}
				if equal(u, o.Utilities) {
					counts[k]++
					covered = true
				} else if dominates(o.Utilities, u) {
					covered = true
				}
			}
			if !covered {
				t.Fatalf("trial %d: package %v %v is neither on nor below the frontier", trial, pkg, u)
			}
			return true
		})
		if err != nil {
			t.Fatal(err)
		}
		for k, o := range merged.Points {
			if counts[k] != o.Count {
				t.Fatalf("trial %d: point %v has %d packages, frontier says %d", trial, o.Utilities, counts[k], o.Count)
			}
		}
		if got := s.Size().Uint64(); got != total {
			t.Fatalf("trial %d: enumerated %d packages, size %d", trial, total, got)
		}
	}
}

// TestFrontierLarge solves a 10^12-package two-party domain exactly and
// checks the result against an independent property: no frontier point is
// dominated by another, and both parties' best packages are on it.
func TestFrontierLarge(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	d, ps := settle.Generate(r, 2, 12, 10, true)
	s, err := settle.New(d, ps...)
	if err != nil {
		t.Fatal(err)
	}
	if got := s.Size().String(); got != "1000000000000" {
		t.Fatalf("size = %s", got)
	}
	f, err := s.Pareto(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for k := 1; k < f.Len(); k++ {
		a, b := f.Points[k-1].Utilities, f.Points[k].Utilities
		if !(a[0] > b[0] && a[1] < b[1]) {
			t.Fatalf("points %d and %d are not a strict staircase: %v %v", k-1, k, a, b)
		}
	}
	_, best0 := s.Best(0)
	_, best1 := s.Best(1)
	if got := f.Points[0].Utilities[0]; got != best0 {
		t.Errorf("first frontier point gives party 1 %v, best is %v", got, best0)
	}
	if got := f.Points[f.Len()-1].Utilities[1]; got != best1 {
		t.Errorf("last frontier point gives party 2 %v, best is %v", got, best1)
	}
}

func TestBestWorst(t *testing.T) {
	s := mustSpace(t, "party", "domain.json", "host.json", "guest.json")
	pkg, u := s.Best(0)
	if got, want := s.Domain.FormatPackage(pkg), "drinks=beer, food=chips, guests=10, music=playlist"; got != want {
		t.Errorf("host's best = %s, want %s", got, want)
	}
	// 0.3*0.9 + 0.3*1 + 0.15*1 + 0.25*1 = 0.97
	if u < 0.97-1e-12 || u > 0.97+1e-12 {
		t.Errorf("host's best utility = %v, want 0.97", u)
	}
	pkg, u = s.Worst(1)
	if got, want := s.Domain.FormatPackage(pkg), "drinks=juice, food=chips, guests=10, music=playlist"; got != want {
		t.Errorf("guest's worst = %s, want %s", got, want)
	}
	// 0.2*0.1 + 0.35*0 + 0.15*0 + 0.3*0.1 = 0.05
	if u < 0.05-1e-12 || u > 0.05+1e-12 {
		t.Errorf("guest's worst utility = %v, want 0.05", u)
	}
}

func newRand(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)) }

func TestFrontierTooLarge(t *testing.T) {
	old := settle.MaxFrontier
	settle.MaxFrontier = 5000
	defer func() { settle.MaxFrontier = old }()
	for _, parties := range []int{2, 3} {
		d := &settle.Domain{}
		weights := map[string]float64{}
		var sum float64
		for i := range 5 {
			name := fmt.Sprintf("i%d", i)
			is := settle.Issue{Name: name}
			for o := range 10 {
				is.Options = append(is.Options, fmt.Sprint(o))
			}
			d.Issues = append(d.Issues, is)
			weights[name] = math.Sqrt(float64(2 + i*3))
			sum += weights[name]
		}
		for k := range weights {
			weights[k] /= sum
		}
		var ps []*settle.Profile
		for p := range parties {
			pr := &settle.Profile{Name: fmt.Sprint("p", p), Weights: weights, Scores: map[string]settle.Scoring{}}
			for _, is := range d.Issues {
				sc := map[string]float64{}
				for o, opt := range is.Options {
					v := float64(o) / 9
					if p == 1 {
						v = 1 - v
					}
					if p == 2 {
						v = 0.5
					}
					sc[opt] = v
				}
				pr.Scores[is.Name] = settle.Scoring{Options: sc}
			}
			ps = append(ps, pr)
		}
		s, err := settle.New(d, ps...)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.Pareto(context.Background()); !errors.Is(err, settle.ErrFrontierTooLarge) {
			t.Errorf("%d parties: Pareto error %v, want ErrFrontierTooLarge", parties, err)
		}
		if _, err := s.ParetoByEnumeration(context.Background()); !errors.Is(err, settle.ErrFrontierTooLarge) {
			t.Errorf("%d parties: enumeration error %v, want ErrFrontierTooLarge", parties, err)
		}
	}
}

func TestFrontierCancellable(t *testing.T) {
	d := &settle.Domain{Issues: []settle.Issue{{Name: "r", Range: &settle.Range{Low: 0, High: 1 << 17, Step: 1}}}}
	lin := func(name string, a, b float64) *settle.Profile {
		return &settle.Profile{Name: name, Weights: map[string]float64{"r": 1}, Scores: map[string]settle.Scoring{"r": {Points: []settle.Point2{{X: 0, Score: a}, {X: 1 << 17, Score: b}}}}}
	}
	s, err := settle.New(d, lin("a", 0, 1), lin("b", 1, 0), lin("c", 0.5, 0.5), lin("d", 0.25, 0.75))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err = s.Pareto(ctx)
	if err == nil || time.Since(start) > 5*time.Second {
		t.Fatalf("Pareto with a 100 ms deadline: %v after %v", err, time.Since(start))
	}
}
