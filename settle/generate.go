package settle

import (
	"cmp"
	"fmt"
	"math"
	"math/rand/v2"
)

// Generate returns a random domain with the given number of issues, each
// with the given number of discrete options, and one random profile per
// party. Weights are uniform draws normalised to sum to 1; scores are
// uniform in [0,1]. With opposed set, the second party's scores are
// 1 minus the first party's plus noise, which makes the parties' interests
// conflict and the frontier larger. It is meant for tests, benchmarks and
// demonstrations.
func Generate(r *rand.Rand, parties, issues, options int, opposed bool) (*Domain, []*Profile) {
	d := &Domain{Name: fmt.Sprintf("random-%dx%d", issues, options)}
	for i := range issues {
		is := Issue{Name: fmt.Sprintf("issue%02d", i)}
		for o := range options {
			is.Options = append(is.Options, fmt.Sprintf("o%d", o))
		}
		d.Issues = append(d.Issues, is)
	}
	var ps []*Profile
	for p := range parties {
		pr := &Profile{
			Name:    fmt.Sprintf("party%d", p+1),
			Weights: map[string]float64{},
			Scores:  map[string]Scoring{},
		}
		ws := make([]float64, issues)
		sum := 0.0
		for i := range ws {
			ws[i] = r.Float64() + 0.01
			sum += ws[i]
		}
		rest := 1.0
		for i, is := range d.Issues {
			w := ws[i] / sum
			if i == issues-1 {
				w = max(rest, 0)
			}
			rest -= w
			pr.Weights[is.Name] = w
			sc := map[string]float64{}
			for _, o := range is.Options {
				v := r.Float64()
				if opposed && p == 1 {
					prev := ps[0].Scores[is.Name].Options[o]
					v = min(max(1-prev+0.2*(r.Float64()-0.5), 0), 1)
				}
				sc[o] = v
			}
			pr.Scores[is.Name] = Scoring{Options: sc}
		}
		pr.Reservation = 0.3 * r.Float64()
		ps = append(ps, pr)
	}
	return d, ps
}

// NonlinearConfig shapes the domains GenerateNonlinear draws, after the
// ANAC 2014 non-linear domains: integer issues 0..9 and, per profile,
// including hyper-rectangles of 3 or 4 issues with integer utilities.
type NonlinearConfig struct {
	// Issues is the number of integer issues.
	Issues int
	// Values is the number of values per issue (0..Values-1); 0 means 10.
	Values int
	// Rectangles is the number of rectangles per profile; 0 means twice
	// the number of issues.
	Rectangles int
	// Parties is the number of profiles; 0 means 2.
	Parties int
	// Reservation gives each party a reservation value drawn from
	// [0.3, 0.7); otherwise 0.
	Reservation bool
	// Discount gives each party a discount factor drawn from [0.5, 1).
	Discount bool
	// MinWidth is the fewest values a rectangle's interval covers; 0 means
	// 30% of the values (rounded up). Narrower intervals make rectangles
	// conflict more and the frontier harder to prove.
	MinWidth int
}

// GenerateNonlinear returns a random non-linear domain and its profiles.
// Each rectangle bounds 3 or 4 distinct issues (fewer if the domain has
// fewer) by a random interval covering 30% to 100% of the values, and is
// worth 1..100. As in most ANAC 2014
// profiles, maxutility is below the best bid's value for two profiles in
// three (between 93% and 100% of it), so the best bids are capped at 1.
func GenerateNonlinear(r *rand.Rand, cfg NonlinearConfig) (*Domain, []*Profile) {
	vals := cmp.Or(cfg.Values, 10)
	rects := cmp.Or(cfg.Rectangles, 2*cfg.Issues)
	parties := cmp.Or(cfg.Parties, 2)
	d := &Domain{Name: fmt.Sprintf("nonlinear-%dx%d", cfg.Issues, vals)}
	for i := range cfg.Issues {
		d.Issues = append(d.Issues, Issue{Name: fmt.Sprintf("issue%d", i+1), Range: &Range{Low: 0, High: int64(vals - 1)}})
	}
	var ps []*Profile
	for p := range parties {
		nl := &Nonlinear{Aggregation: AggregateSum}
		total := 0.0
		for range rects {
			k := min(3+r.IntN(2), cfg.Issues)
			rect := Rectangle{Utility: float64(1 + r.IntN(100))}
			for _, i := range r.Perm(cfg.Issues)[:k] {
				// Widths from 30% of the values to all of them: the best
				// bid then meets about 80% of the rectangles' total
				// utility, as in ANAC 2014 (30 issues, profile 1: 2435
				// from 60 rectangles worth 1..100).
				minW := cmp.Or(cfg.MinWidth, (3*vals+9)/10)
				minW = min(max(minW, 1), vals)
				w := minW + r.IntN(vals-minW+1)
				lo := int64(r.IntN(vals - w + 1))
				rect.Bounds = append(rect.Bounds, Bound{Issue: d.Issues[i].Name, Min: lo, Max: lo + int64(w) - 1})
			}
			total += rect.Utility
			nl.Rectangles = append(nl.Rectangles, rect)
		}
		pr := &Profile{Name: fmt.Sprintf("profile-%d", p+1), Weights: map[string]float64{}, Scores: map[string]Scoring{}, Nonlinear: nl}
		// Find the best value with a maximum no value reaches, then cap.
		nl.Max = total
		if s, err := New(d, pr); err == nil {
			best, u := s.Best(0)
			_ = best
			top := math.Round(u * total)
			nl.Max = top
			if r.IntN(3) != 0 {
				nl.Max = math.Max(1, math.Floor(top*(0.93+0.07*r.Float64())))
			}
		}
		if cfg.Reservation {
			pr.Reservation = 0.3 + 0.4*r.Float64()
		}
		if cfg.Discount {
			pr.Discount = 0.5 + 0.5*r.Float64()
		}
		ps = append(ps, pr)
	}
	return d, ps
}
