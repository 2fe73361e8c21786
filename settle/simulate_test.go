package settle_test

import (
	"context"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"parley/settle"
)

func settled(tb testing.TB, s *settle.Space) *settle.Settlement {
	tb.Helper()
	st, err := s.Settle(context.Background())
	if err != nil {
		tb.Fatal(err)
	}
	return st
}

func simulate(tb testing.TB, s *settle.Space, st *settle.Settlement, cfg settle.SimConfig) *settle.SimResult {
	tb.Helper()
	res, err := s.Simulate(context.Background(), st, cfg)
	if err != nil {
		tb.Fatal(err)
	}
	return res
}

func TestSimulateAlternatingOffers(t *testing.T) {
	s := mustSpace(t, "ceasefire", "domain.yaml", "side-a.yaml", "side-b.yaml")
	st := settled(t, s)
	for _, pair := range [][2]settle.Strategy{
		{settle.Boulware, settle.Conceder},
		{settle.Conceder, settle.Boulware},
		{settle.Linear, settle.Linear},
		{settle.Boulware, settle.TitForTat{}},
		{settle.TimeDependent{E: 0.05}, settle.TimeDependent{E: 0.05}},
	} {
		res := simulate(t, s, st, settle.SimConfig{Agents: pair, Rounds: 200})
		name := res.Agents[0] + " vs " + res.Agents[1]
		if !res.Agreement {
			t.Errorf("%s: no agreement", name)
			continue
		}
		for p := range 2 {
			if res.Outcome.Utilities[p] < s.Reservation(p) {
				t.Errorf("%s: party %d gets %v below its reservation %v", name, p, res.Outcome.Utilities[p], s.Reservation(p))
			}
		}
		// Agents bid along the frontier, so any agreement lies on it.
		if res.FrontierDistance != 0 {
			t.Errorf("%s: frontier distance %v, want 0", name, res.FrontierDistance)
		}
		if res.Offers > 2*200 || res.Rounds > 200 || res.Rounds < 1 {
			t.Errorf("%s: %d offers in %d rounds", name, res.Offers, res.Rounds)
		}
		u, err := s.Utilities(res.Outcome.Package)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(u, res.Outcome.Utilities); diff != "" {
			t.Errorf("%s: outcome utilities (-package +reported):\n%s", name, diff)
		}
		want := settle.Distance(res.Outcome.Utilities, st.Nash.Utilities)
		if res.NashDistance == nil || *res.NashDistance != want {
			t.Errorf("%s: nash distance %v, want %v", name, res.NashDistance, want)
		}
	}
}

// TestBoulwareGainsAgainstConceder checks the textbook effect: holding firm
// pays against a conceder.
func TestBoulwareGainsAgainstConceder(t *testing.T) {
	s := mustSpace(t, "ceasefire", "domain.yaml", "side-a.yaml", "side-b.yaml")
	st := settled(t, s)
	firm := simulate(t, s, st, settle.SimConfig{Agents: [2]settle.Strategy{settle.Boulware, settle.Conceder}, Rounds: 100})
	soft := simulate(t, s, st, settle.SimConfig{Agents: [2]settle.Strategy{settle.Conceder, settle.Conceder}, Rounds: 100})
	if !(firm.Outcome.Utilities[0] > soft.Outcome.Utilities[0]) {
		t.Errorf("boulware gets %v against a conceder, a conceder gets %v", firm.Outcome.Utilities[0], soft.Outcome.Utilities[0])
	}
}

func TestTitForTatDeadlock(t *testing.T) {
	s := textbook(t, 0.2, 0.2)
	st := settled(t, s)
	res := simulate(t, s, st, settle.SimConfig{Agents: [2]settle.Strategy{settle.TitForTat{}, settle.TitForTat{}}, Rounds: 10})
	// Neither concedes; on the last turn the second party accepts the
	// first party's opening bid (its best: x3y3, 0.35 for the second
	// party, above its reservation of 0.2).
	if !res.Agreement || res.AcceptedBy != 1 || res.Rounds != 10 || res.Offers != 19 {
		t.Fatalf("agreement %v by %d after %d rounds, %d offers", res.Agreement, res.AcceptedBy, res.Rounds, res.Offers)
	}
	if got := s.Domain.FormatPackage(res.Outcome.Package); got != "x=x3, y=y3" {
		t.Errorf("agreement %s, want x=x3, y=y3", got)
	}
}

func TestSimulateNoAgreement(t *testing.T) {
	s := textbook(t, 0.5, 0.5)
	st := settled(t, s)
	for _, p := range []settle.Protocol{settle.AlternatingOffers, settle.SingleText} {
		res := simulate(t, s, st, settle.SimConfig{Agents: [2]settle.Strategy{settle.Conceder, settle.Conceder}, Rounds: 20, Protocol: p})
		if res.Agreement || res.NashDistance != nil {
			t.Errorf("%s: agreement %v, nash distance %v; want none", p, res.Agreement, res.NashDistance)
		}
		if diff := cmp.Diff([]float64{0.5, 0.5}, res.Outcome.Utilities); diff != "" {
			t.Errorf("%s: utilities without agreement (-want +got):\n%s", p, diff)
		}
	}
}

func TestSimulateSingleText(t *testing.T) {
	s := mustSpace(t, "ceasefire", "domain.yaml", "side-a.yaml", "side-b.yaml")
	st := settled(t, s)
	res := simulate(t, s, st, settle.SimConfig{Agents: [2]settle.Strategy{settle.Linear, settle.Linear}, Rounds: 500, Protocol: settle.SingleText})
	if !res.Agreement || res.AcceptedBy != -1 {
		t.Fatalf("agreement %v accepted by %d", res.Agreement, res.AcceptedBy)
	}
	if res.FrontierDistance != 0 {
		t.Errorf("single text agreement off the frontier by %v", res.FrontierDistance)
	}
	for p := range 2 {
		if res.Outcome.Utilities[p] < s.Reservation(p) {
			t.Errorf("party %d below reservation", p)
		}
	}
	// Two very firm agents refuse every text until the mediator has
	// worked inward to the Nash point (the last of the st.Rational texts)
	// and then accept it near the deadline.
	firm := settle.TimeDependent{E: 0.01}
	res = simulate(t, s, st, settle.SimConfig{Agents: [2]settle.Strategy{firm, firm}, Rounds: 1000, Protocol: settle.SingleText})
	if !res.Agreement || res.Rounds < st.Rational || *res.NashDistance != 0 {
		t.Errorf("firm agents: agreement %v after %d rounds (%d texts), nash distance %v; want the Nash point", res.Agreement, res.Rounds, st.Rational, *res.NashDistance)
	}
	if diff := cmp.Diff(st.Nash.Package, res.Outcome.Package); diff != "" {
		t.Errorf("firm agents' agreement (-nash +got):\n%s", diff)
	}
}

func TestSimulateSample(t *testing.T) {
	s := mustSpace(t, "ceasefire", "domain.yaml", "side-a.yaml", "side-b.yaml")
	st := settled(t, s)
	res := simulate(t, s, st, settle.SimConfig{Agents: [2]settle.Strategy{settle.Linear, settle.Conceder}, Rounds: 100, Sample: 200, Seed: 9})
	if !res.Agreement {
		t.Fatal("no agreement")
	}
	// Brute-force distance to the frontier.
	want := math.Inf(1)
	for _, pt := range st.Frontier.Points {
		want = min(want, math.Hypot(pt.Utilities[0]-res.Outcome.Utilities[0], pt.Utilities[1]-res.Outcome.Utilities[1]))
	}
	if math.Abs(res.FrontierDistance-want) > 1e-12 {
		t.Errorf("frontier distance %v, want %v", res.FrontierDistance, want)
	}
	again := simulate(t, s, st, settle.SimConfig{Agents: [2]settle.Strategy{settle.Linear, settle.Conceder}, Rounds: 100, Sample: 200, Seed: 9})
	if diff := cmp.Diff(res.Outcome.Package, again.Outcome.Package); diff != "" {
		t.Errorf("same seed, different outcome:\n%s", diff)
	}
}

func TestSimulateTimeDeadline(t *testing.T) {
	s := textbook(t, 0, 0)
	st := settled(t, s)
	now := time.Unix(0, 0)
	clock := func() time.Time { now = now.Add(time.Millisecond); return now }
	res := simulate(t, s, st, settle.SimConfig{
		Agents: [2]settle.Strategy{settle.TitForTat{}, settle.TitForTat{}},
		Time:   100 * time.Millisecond,
		Now:    clock,
	})
	// Each turn reads the clock once; the turn that sees t ≥ 1 is final.
	if res.Rounds < 40 || res.Rounds > 60 || !res.Agreement {
		t.Errorf("rounds %d, agreement %v", res.Rounds, res.Agreement)
	}
}

func TestParseStrategy(t *testing.T) {
	cases := []struct {
		spec, name, err string
	}{
		{"boulware", "boulware(e=0.2)", ""},
		{"Conceder", "conceder(e=2)", ""},
		{"linear", "linear(e=1)", ""},
		{"boulware:0.05", "boulware(e=0.05)", ""},
		{"time:3", "conceder(e=3)", ""},
		{"tft", "tit-for-tat", ""},
		{"time", "", "needs an exponent"},
		{"conceder:-1", "", "positive"},
		{"greedy", "", "unknown agent"},
		{"tft:2", "", "no parameter"},
	}
	for _, c := range cases {
		st, err := settle.ParseStrategy(c.spec)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("%s: err = %v, want %q", c.spec, err, c.err)
			}
			continue
		}
		if err != nil || st.Name() != c.name {
			t.Errorf("%s: %v, %v; want %s", c.spec, st, err, c.name)
		}
	}
}

func TestTimeDependentTarget(t *testing.T) {
	v := &settle.View{Max: 1, Min: 0.2}
	cases := []struct {
		e, t, want float64
	}{
		{1, 0.5, 0.6},
		{2, 0.25, 0.6},    // 1 - 0.25^(1/2) = 0.5
		{0.5, 0.5, 0.8},   // 1 - 0.5^2 = 0.75
		{0.2, 0, 1},       // starts at Max
		{0.2, 1, 0.2},     // ends at Min
		{5, 0.03125, 0.6}, // 0.03125^(1/5) = 0.5
	}
	for _, c := range cases {
		if got := (settle.TimeDependent{E: c.e}).Target(c.t, v); math.Abs(got-c.want) > 1e-12 {
			t.Errorf("e=%v t=%v: target %v, want %v", c.e, c.t, got, c.want)
		}
	}
}

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
