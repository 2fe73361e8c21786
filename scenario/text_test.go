package scenario_test

import (
	"context"
	"testing"

	"parley"
	"parley/internal/fixture"
	"parley/scenario"
	"parley/talks"
)

// TestSeedNegotiation checks that the seed scenario shows, out of the box,
// a clause × party matrix with carried-over positions, a diff with moved,
// changed and added clauses, a frontier, and an improvement suggestion.
func TestSeedNegotiation(t *testing.T) {
	env := fixture.Open(t)
	ctx := context.Background()
	f, err := scenario.Parse(scenario.Seed)
	if err != nil {
		t.Fatal(err)
	}
	res, err := scenario.Load(ctx, env.Talks, f, fixture.Password)
	if err != nil {
		t.Fatal(err)
	}
	user := func(name string) *parley.User {
		u, err := env.Talks.User(ctx, nil, name)
		if err != nil {
			t.Fatal(err)
		}
		return u
	}
	id, mediator := res.TalksID, user("al-thani")

	tv, err := env.Talks.Text(ctx, mediator, id, 0)
	if err != nil || tv.Version != 3 || tv.Status != talks.TextDraft || len(tv.Clauses) != 9 {
		t.Fatalf("text: %+v, %v", tv, err)
	}
	m, err := env.Talks.Positions(ctx, mediator, id, 0)
	if err != nil || len(m.Parties) != 2 {
		t.Fatalf("matrix: %+v, %v", m, err)
	}
	carried, filled := 0, 0
	for _, c := range m.Clauses {
		for _, p := range c.Positions {
			filled++
			if p.Carried {
				carried++
			}
		}
	}
	if filled < 10 || carried < 5 {
		t.Errorf("matrix: %d positions, %d carried over", filled, carried)
	}
	d, err := env.Talks.Diff(ctx, user("barnea"), id, 2, 3)
	if err != nil {
		t.Fatal(err)
	}
	changes := map[string]int{}
	moved := 0
	for _, c := range d.Clauses {
		changes[c.Change]++
		if c.Moved {
			moved++
		}
	}
	if changes[talks.ClauseAdded] != 1 || changes[talks.ClauseChanged] != 2 || moved != 1 {
		t.Errorf("diff 2→3: %v, %d moved", changes, moved)
	}
	sv, err := env.Talks.Settlement(ctx, mediator, id)
	if err != nil || !sv.Complete || sv.NoAgreement || sv.FrontierSize < 10 || sv.Nash == nil || len(sv.Proposals) < 6 {
		t.Fatalf("settlement: complete %v, frontier %d, %d proposals, %v", sv.Complete, sv.FrontierSize, len(sv.Proposals), err)
	}
	last := sv.Proposals[len(sv.Proposals)-1]
	im, err := env.Talks.Improve(ctx, mediator, id, last.ID)
	if err != nil || im.Optimal || im.Nash == nil {
		t.Fatalf("improvement over the latest proposal: %+v, %v", im, err)
	}
	// Hamas uploaded its profile while withdrawn.
	hp, err := env.Talks.Profile(ctx, user("hamas-office"), id)
	if err != nil || !hp.HasProfile || !hp.Consent || hp.Format != "geniusweb" || hp.Problem != "" {
		t.Fatalf("Hamas's profile: %+v, %v", hp, err)
	}
	if _, err := env.Talks.CheckLedger(ctx); err != nil {
		t.Fatal(err)
	}
}
