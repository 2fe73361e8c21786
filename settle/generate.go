package settle

import (
	"fmt"
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
