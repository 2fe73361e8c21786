package settle_test

import (
	"context"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"parley/settle"
)

// scenarioOf builds a scenario from a generated space.
func scenarioOf(tb testing.TB, name string, d *settle.Domain, ps []*settle.Profile) *settle.Scenario {
	tb.Helper()
	s, err := settle.New(d, ps...)
	if err != nil {
		tb.Fatal(err)
	}
	return &settle.Scenario{Name: name, Space: s}
}

func TestTournament(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	d2, p2 := settle.Generate(r, 2, 4, 5, true)
	for _, p := range p2 {
		p.Discount = 0.5
	}
	d3, p3 := settle.Generate(r, 3, 4, 4, true)
	dn, pn := settle.GenerateNonlinear(r, settle.NonlinearConfig{Issues: 6, Rectangles: 12, Reservation: true, Discount: true})
	scenarios := []*settle.Scenario{scenarioOf(t, "two", d2, p2), scenarioOf(t, "three", d3, p3), scenarioOf(t, "nonlinear", dn, pn)}
	agents := settle.BuiltinAgents()
	const rounds = 200
	var calls int
	res, err := settle.RunTournament(context.Background(), scenarios, settle.TournamentConfig{
		Agents: agents, Rounds: rounds, Sample: 200, Seed: 1, Progress: func(done, total int) { calls++ },
	})
	if err != nil {
		t.Fatal(err)
	}
	// 4 agents: 12 ordered pairs on each two-party scenario, 24 ordered
	// triples on the three-party one.
	if len(res.Sessions) != 12+24+12 || calls != len(res.Sessions) {
		t.Fatalf("%d sessions, %d progress calls; want 48", len(res.Sessions), calls)
	}
	roles := map[string]map[string]int{} // agent → scenario → sessions
	var offers int64
	for _, s := range res.Sessions {
		offers += int64(s.Offers)
		sc := scenarios[0]
		for _, c := range scenarios {
			if c.Name == s.Scenario {
				sc = c
			}
		}
		seen := map[string]bool{}
		for p, a := range s.Agents {
			if seen[a] {
				t.Errorf("%s: agent %s plays two roles", s.Scenario, a)
			}
			seen[a] = true
			if roles[a] == nil {
				roles[a] = map[string]int{}
			}
			roles[a][s.Scenario]++
			res := sc.Space.Reservation(p)
			delta := sc.Space.Profiles[p].DiscountFactor()
			if s.Agreement && s.Utilities[p] < res {
				t.Errorf("%s %v: party %d agreed at %v below its reservation %v", s.Scenario, s.Agents, p, s.Utilities[p], res)
			}
			if !s.Agreement && s.Utilities[p] != res {
				t.Errorf("%s %v: no agreement but utility %v, want the reservation %v", s.Scenario, s.Agents, s.Utilities[p], res)
			}
			if want := s.Utilities[p] * math.Pow(delta, s.Time); math.Abs(s.Discounted[p]-want) > 1e-12 {
				t.Errorf("%s: discounted %v, want %v·%v^%v", s.Scenario, s.Discounted[p], s.Utilities[p], delta, s.Time)
			}
		}
		if s.Agreement && s.Time != float64(s.Round)/(rounds+1) || !s.Agreement && s.Time != 1 {
			t.Errorf("%s: round %d time %v (agreement %v)", s.Scenario, s.Round, s.Time, s.Agreement)
		}
	}
	for a, per := range roles {
		if per["two"] != 6 || per["three"] != 18 || per["nonlinear"] != 6 {
			t.Errorf("agent %s sessions per scenario %v; want 6, 18, 6", a, per)
		}
	}
	if offers != res.Offers || res.Offers == 0 {
		t.Errorf("offers %d, sessions add up to %d", res.Offers, offers)
	}
	if len(res.Scores) != len(agents) {
		t.Fatalf("%d scores", len(res.Scores))
	}
	for k, sc := range res.Scores {
		if sc.Sessions != 30 || sc.AgreementRate != float64(sc.Agreements)/30 {
			t.Errorf("%s: %d sessions, rate %v for %d agreements", sc.Agent, sc.Sessions, sc.AgreementRate, sc.Agreements)
		}
		if k > 0 && sc.MeanUtility > res.Scores[k-1].MeanUtility {
			t.Errorf("scores not sorted by mean utility")
		}
	}
}

// TestTournamentDiscount: two parties who both like the same package best
// agree on it at once: the second party accepts the first offer, in round
// 1, at time 1/(rounds+1), and each utility is discounted by δ to that
// power.
func TestTournamentDiscount(t *testing.T) {
	d := &settle.Domain{Issues: []settle.Issue{{Name: "x", Options: []string{"a", "b"}}}}
	mk := func(name string, delta float64) *settle.Profile {
		return &settle.Profile{Name: name, Discount: delta, Weights: map[string]float64{"x": 1}, Scores: map[string]settle.Scoring{"x": {Options: map[string]float64{"a": 1, "b": 0.2}}}}
	}
	sc := scenarioOf(t, "same", d, []*settle.Profile{mk("p", 0.5), mk("q", 0.25)})
	res, err := settle.RunTournament(context.Background(), []*settle.Scenario{sc}, settle.TournamentConfig{Agents: []settle.Strategy{settle.Boulware, settle.Conceder}, Rounds: 9, Sample: -1})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range res.Sessions {
		if !s.Agreement || s.Round != 1 || s.Offers != 1 || s.Time != 0.1 {
			t.Fatalf("%+v", s)
		}
		if math.Abs(s.Discounted[0]-math.Pow(0.5, 0.1)) > 1e-12 || math.Abs(s.Discounted[1]-math.Pow(0.25, 0.1)) > 1e-12 {
			t.Errorf("discounted %v, want 0.5^0.1 and 0.25^0.1", s.Discounted)
		}
		if s.Welfare != s.Discounted[0]+s.Discounted[1] || s.NashDistance != 0 || s.FrontierDistance != 0 {
			t.Errorf("welfare %v, Nash distance %v, frontier distance %v", s.Welfare, s.NashDistance, s.FrontierDistance)
		}
	}
}

// TestTournamentBoulware: against the others, Boulware earns more than
// Conceder on a scenario of opposed interests without discount.
func TestTournamentBoulware(t *testing.T) {
	d, ps := settle.Generate(rand.New(rand.NewPCG(3, 3)), 2, 5, 5, true)
	for _, p := range ps {
		p.Reservation = 0
	}
	res, err := settle.RunTournament(context.Background(), []*settle.Scenario{scenarioOf(t, "opposed", d, ps)}, settle.TournamentConfig{Agents: settle.BuiltinAgents(), Rounds: 500})
	if err != nil {
		t.Fatal(err)
	}
	mean := map[string]float64{}
	for _, s := range res.Scores {
		mean[s.Agent] = s.MeanUtility
	}
	if mean[settle.Boulware.Name()] <= mean[settle.Conceder.Name()] {
		t.Errorf("mean utilities %v: Boulware should beat Conceder", mean)
	}
}

func TestTournamentBadConfig(t *testing.T) {
	d, ps := settle.Generate(rand.New(rand.NewPCG(1, 1)), 3, 2, 2, false)
	three := scenarioOf(t, "three", d, ps)
	for _, c := range []struct {
		agents []settle.Strategy
		sc     *settle.Scenario
		want   string
	}{
		{[]settle.Strategy{settle.Boulware}, three, "need at least two agents"},
		{[]settle.Strategy{settle.Boulware, settle.Boulware, settle.Linear}, three, "appears twice"},
		{[]settle.Strategy{settle.Boulware, settle.Linear}, three, "has 3 parties but there are only 2 agents"},
	} {
		_, err := settle.RunTournament(context.Background(), []*settle.Scenario{c.sc}, settle.TournamentConfig{Agents: c.agents})
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("err = %v, want %q", err, c.want)
		}
	}
}
