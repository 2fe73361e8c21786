package settle_test

import (
	"math/rand/v2"
	"testing"

	"parley/settle"
)

// elicitDomain is a small domain with a known profile to elicit.
func elicitDomain() (*settle.Domain, *settle.Profile) {
	d := &settle.Domain{Name: "elicit"}
	weights := []float64{0.5, 0.3, 0.15, 0.05}
	scores := [][]float64{{0, 0.4, 1}, {1, 0, 0.7}, {0.2, 1, 0}, {0, 1, 0.5}}
	p := &settle.Profile{Name: "truth", Weights: map[string]float64{}, Scores: map[string]settle.Scoring{}}
	for i := range weights {
		is := settle.Issue{Name: string(rune('a' + i)), Options: []string{"x", "y", "z"}}
		d.Issues = append(d.Issues, is)
		p.Weights[is.Name] = weights[i]
		sc := map[string]float64{}
		for o, v := range scores[i] {
			sc[is.Options[o]] = v
		}
		p.Scores[is.Name] = settle.Scoring{Options: sc}
	}
	return d, p
}

// agreement is the share of random pairs of packages that est orders as
// truth does (pairs truth finds equal are skipped).
func agreement(t *testing.T, d *settle.Domain, truth, est *settle.Profile) float64 {
	t.Helper()
	s, err := settle.New(d, truth, est)
	if err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(9, 9))
	same, n := 0, 0
	for range 500 {
		a, b := make(settle.Package, len(d.Issues)), make(settle.Package, len(d.Issues))
		for i := range a {
			a[i], b[i] = r.IntN(3), r.IntN(3)
		}
		dt := s.Utility(0, a) - s.Utility(0, b)
		de := s.Utility(1, a) - s.Utility(1, b)
		if dt == 0 {
			continue
		}
		n++
		if dt*de > 0 {
			same++
		}
	}
	return float64(same) / float64(n)
}

// TestElicitLearns: truthful answers to the elicitor's questions teach it
// the party's preferences and most important issue, and it grows surer.
func TestElicitLearns(t *testing.T) {
	d, truth := elicitDomain()
	s, err := settle.New(d, truth)
	if err != nil {
		t.Fatal(err)
	}
	e, err := settle.NewElicitor(d, 1)
	if err != nil {
		t.Fatal(err)
	}
	before := e.Estimate()
	prior := agreement(t, d, truth, before.Profile)
	for range 25 {
		a, b := e.Next()
		if err := e.Answer(a, b, s.Utility(0, a) > s.Utility(0, b)); err != nil {
			t.Fatal(err)
		}
	}
	after := e.Estimate()
	got := agreement(t, d, truth, after.Profile)
	if after.Questions != 25 || got < 0.9 || got <= prior {
		t.Errorf("after %d questions the estimate orders %.0f%% of pairs as the party does (%.0f%% before); want ≥ 90%%", after.Questions, 100*got, 100*prior)
	}
	w := after.Weights[0]
	if w.Issue != "a" || w.Mean < 0.35 || w.Mean > 0.65 || w.Low > 0.5 || w.High < 0.5 {
		t.Errorf("issue a (weight 0.5): estimate %+v", w)
	}
	for i, b := range before.Weights {
		if after.Weights[i].StdDev >= b.StdDev {
			t.Errorf("issue %s: uncertainty %v not below the prior's %v", b.Issue, after.Weights[i].StdDev, b.StdDev)
		}
	}
	if _, err := settle.New(d, after.Profile); err != nil {
		t.Errorf("the estimate is not a valid profile: %v", err)
	}
}

func TestElicitBadInput(t *testing.T) {
	d, _ := elicitDomain()
	e, err := settle.NewElicitor(d, 1)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.Answer(settle.Package{0, 0}, settle.Package{0, 0, 0, 0}, true); err == nil {
		t.Error("short package accepted")
	}
	if err := e.Answer(settle.Package{0, 0, 0, 3}, settle.Package{0, 0, 0, 0}, true); err == nil {
		t.Error("option out of range accepted")
	}
	big := &settle.Domain{Issues: []settle.Issue{{Name: "x", Range: &settle.Range{Low: 0, High: 100}}}}
	if _, err := settle.NewElicitor(big, 1); err == nil {
		t.Error("a 101-value issue accepted")
	}
}
