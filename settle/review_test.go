package settle_test

import (
	"context"
	"errors"
	"fmt"
	"math"
	"testing"
	"time"

	"parley/settle"
)

// TestSimulateNeverBelowReservation: a party whose reservation value is
// above anything it can get must not end in an "agreement".
func TestSimulateNeverBelowReservation(t *testing.T) {
	d := &settle.Domain{Issues: []settle.Issue{{Name: "x", Options: []string{"a", "b"}}}}
	p0 := &settle.Profile{Name: "p0", Weights: map[string]float64{"x": 1}, Scores: map[string]settle.Scoring{"x": {Options: map[string]float64{"a": 0.8, "b": 0}}}, Reservation: 0.9}
	p1 := &settle.Profile{Name: "p1", Weights: map[string]float64{"x": 1}, Scores: map[string]settle.Scoring{"x": {Options: map[string]float64{"a": 0.5, "b": 1}}}}
	s, err := settle.New(d, p0, p1)
	if err != nil {
		t.Fatal(err)
	}
	st := settled(t, s)
	for _, pair := range [][2]settle.Strategy{{settle.Boulware, settle.Conceder}, {settle.Conceder, settle.Boulware}, {settle.Linear, settle.TitForTat{}}} {
		for _, proto := range []settle.Protocol{settle.AlternatingOffers, settle.SingleText} {
			res := simulate(t, s, st, settle.SimConfig{Agents: pair, Rounds: 100, Protocol: proto})
			if res.Agreement {
				t.Errorf("%s %s vs %s: agreement %v below p0's reservation", proto, pair[0].Name(), pair[1].Name(), res.Outcome.Utilities)
			}
		}
	}
	if _, err := s.Simulate(context.Background(), st, settle.SimConfig{Agents: [2]settle.Strategy{settle.Linear, settle.Linear}, Rounds: math.MaxInt64 / 2}); err == nil {
		t.Error("an absurd round count was accepted")
	}
}

// TestFrontierTooLarge: exactly opposed interests put every package on the
// frontier; past MaxFrontier the engine says so instead of exhausting memory.
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

// TestFrontierCancellable: a long n-party filter stops when its context
// does. Four parties take the pairwise filter (three have a sweep fast
// enough to finish this case in well under a second); unstopped, it would
// run for tens of seconds on these 2^17 mutually undominated points.
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
