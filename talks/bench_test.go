package talks_test

import (
	"bytes"
	"math/rand/v2"
	"testing"

	"parley"
	"parley/internal/fixture"
	"parley/scenario"
	"parley/settle"
	"parley/talks"
)

// seedTalks loads the seed scenario and returns the deployment, the talks
// id and the Qatari mediator.
func seedTalks(b *testing.B) (*fixture.Env, string, *parley.User) {
	b.Helper()
	env := fixture.Open(b)
	f, err := scenario.Parse(scenario.Seed)
	if err != nil {
		b.Fatal(err)
	}
	res, err := scenario.Load(ctx, env.Talks, f, fixture.Password)
	if err != nil {
		b.Fatal(err)
	}
	u, err := env.Talks.User(ctx, nil, "al-thani")
	if err != nil {
		b.Fatal(err)
	}
	return env, res.TalksID, u
}

// BenchmarkSettlementSeed is the mediators' settlement view of the seed
// talks (7 issues, 4 981 500 packages, both profiles shared), through the
// service: authorisation, domain and profiles read from the store, the
// exact frontier and the bargaining solutions, every proposal scored.
func BenchmarkSettlementSeed(b *testing.B) {
	env, id, u := seedTalks(b)
	for b.Loop() {
		sv, err := env.Talks.Settlement(ctx, u, id)
		if err != nil || !sv.Complete {
			b.Fatal(sv, err)
		}
	}
}

// BenchmarkSettlementSeedUncached is BenchmarkSettlementSeed with the
// engine's caches emptied before each view: the domain and profiles parsed
// and the frontier computed again, as for the first view after a change.
func BenchmarkSettlementSeedUncached(b *testing.B) {
	env, id, u := seedTalks(b)
	for b.Loop() {
		talks.ClearEngineCache()
		if _, err := env.Talks.Settlement(ctx, u, id); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkImproveSeed is the improvements over the seed talks' latest
// proposal.
func BenchmarkImproveSeed(b *testing.B) {
	env, id, u := seedTalks(b)
	sv, err := env.Talks.Settlement(ctx, u, id)
	if err != nil {
		b.Fatal(err)
	}
	last := sv.Proposals[len(sv.Proposals)-1].ID
	for b.Loop() {
		if _, err := env.Talks.Improve(ctx, u, id, last); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSettlement1e12 is the settlement view on a domain of 10^12
// packages (12 issues of 10 options, opposed random profiles), through the
// service, as BenchmarkSettlementSeed.
func BenchmarkSettlement1e12(b *testing.B) {
	e := fixture.New(b)
	d, ps := settle.Generate(rand.New(rand.NewPCG(12, 12)), 2, 12, 10, true)
	var buf bytes.Buffer
	if err := settle.WriteDomain(&buf, d, settle.YAML); err != nil {
		b.Fatal(err)
	}
	if _, err := e.Talks.SetDomain(ctx, e.U("qatar"), e.TalksID, talks.NewDomain{Source: buf.String()}); err != nil {
		b.Fatal(err)
	}
	for i, u := range []string{"israel", "hamas"} {
		buf.Reset()
		ps[i].Reservation = 0.2
		if err := settle.WriteProfile(&buf, ps[i], d, settle.YAML); err != nil {
			b.Fatal(err)
		}
		if _, err := e.Talks.PutProfile(ctx, e.U(u), e.TalksID, talks.NewProfile{Source: buf.String()}); err != nil {
			b.Fatal(err)
		}
		if _, err := e.Talks.SetConsent(ctx, e.U(u), e.TalksID, true); err != nil {
			b.Fatal(err)
		}
	}
	sv, err := e.Talks.Settlement(ctx, e.U("qatar"), e.TalksID)
	if err != nil || !sv.Complete || sv.Outcomes != "1000000000000" {
		b.Fatal(sv, err)
	}
	b.Run("cached", func(b *testing.B) {
		b.ReportMetric(float64(sv.FrontierSize), "frontier-points")
		for b.Loop() {
			if _, err := e.Talks.Settlement(ctx, e.U("qatar"), e.TalksID); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("uncached", func(b *testing.B) {
		b.ReportMetric(float64(sv.FrontierSize), "frontier-points")
		for b.Loop() {
			talks.ClearEngineCache()
			if _, err := e.Talks.Settlement(ctx, e.U("qatar"), e.TalksID); err != nil {
				b.Fatal(err)
			}
		}
	})
}
