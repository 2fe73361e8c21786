package settle

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"sort"
	"sync"
	"sync/atomic"
	"time"
)

// BuiltinAgents returns the agents a tournament runs by default: Boulware,
// linear, Conceder and tit-for-tat.
func BuiltinAgents() []Strategy {
	return []Strategy{Boulware, Linear, Conceder, TitForTat{}}
}

// Scenario is one domain with its parties' profiles, ready for a
// tournament.
type Scenario struct {
	// Name identifies the scenario in results.
	Name string
	// Space holds the domain and the profiles, in role order.
	Space *Space
}

// TournamentConfig configures RunTournament.
type TournamentConfig struct {
	// Agents are the competing strategies; their names must differ. Every
	// ordered pair of distinct agents meets on each two-party scenario,
	// every ordered triple on each three-party one (so every agent plays
	// every role).
	Agents []Strategy
	// Rounds is the deadline in rounds (each party moves once per round);
	// 0 means 1000.
	Rounds int
	// Sample is the number of random packages added to each scenario's
	// bids besides the Pareto frontier and each party's best package; 0
	// means 1000, negative means none.
	Sample int
	// Seed seeds the samples.
	Seed uint64
	// Budget bounds the exact frontier of non-linear scenarios (see
	// ParetoWithin); 0 means no limit.
	Budget time.Duration
	// Workers is the number of sessions run at once; 0 means GOMAXPROCS.
	Workers int
	// Progress, when set, is called after each session with the number
	// done and the total; calls may come from several goroutines, one at a
	// time.
	Progress func(done, total int)
}

// Session is one negotiation of a tournament.
type Session struct {
	// Scenario names the scenario.
	Scenario string
	// Agents names the agent in each role, in party order.
	Agents []string
	// Agreement reports whether every party accepted an offer before the
	// deadline.
	Agreement bool
	// Round is the round the negotiation ended in.
	Round int
	// Time is the normalised time of the end, round/(rounds+1) as Genius's
	// discrete timeline counts it; 1 when the deadline passed.
	Time float64
	// Offers counts the offers made.
	Offers int
	// Utilities are the parties' undiscounted utilities of the agreement,
	// or their reservation values without one.
	Utilities []float64
	// Discounted are the utilities discounted at the end: u·δ^Time, the
	// reservation value discounted likewise when there is no agreement.
	Discounted []float64
	// Welfare is the sum of the discounted utilities.
	Welfare float64
	// NashDistance is the Euclidean distance from Utilities to the Nash
	// point; NaN when no package is individually rational.
	NashDistance float64
	// FrontierDistance is the distance from Utilities to the nearest
	// Pareto-frontier point.
	FrontierDistance float64
}

// AgentScore sums up one agent's sessions.
type AgentScore struct {
	// Agent names the agent.
	Agent string
	// Sessions counts the sessions it took part in.
	Sessions int
	// Agreements counts those that ended in agreement.
	Agreements int
	// AgreementRate is Agreements / Sessions.
	AgreementRate float64
	// MeanUtility is the mean of its discounted utility: ANAC's individual
	// score.
	MeanUtility float64
	// MeanNashDistance is the mean distance of the outcomes to the Nash
	// point, over sessions that have one.
	MeanNashDistance float64
	// MeanFrontierDistance is the mean distance of the outcomes to the
	// Pareto frontier.
	MeanFrontierDistance float64
	// MeanWelfare is the mean social welfare (sum of every party's
	// discounted utility) of its sessions: ANAC's social-welfare score.
	MeanWelfare float64
}

// TournamentResult is the outcome of RunTournament.
type TournamentResult struct {
	// Sessions lists every negotiation, scenario by scenario.
	Sessions []Session
	// Scores holds one entry per agent, best mean utility first.
	Scores []AgentScore
	// Offers counts every offer made.
	Offers int64
	// Elapsed is the wall-clock time of the negotiations (frontiers
	// excluded).
	Elapsed time.Duration
}

// tScenario is a scenario prepared for its sessions: bids, frontier, Nash.
type tScenario struct {
	sc    *Scenario
	st    *Settlement
	bids  *nbids
	resv  []float64
	delta []float64
}

// nbids is what agents can offer in a scenario: packages with every
// party's utility and, per party, the packages sorted by its own utility.
type nbids struct {
	pkgs  []Package
	u     [][]float64
	order [][]int32
	own   [][]float64
}

// choose returns the bid with the lowest own utility ≥ target (the best
// when none reaches it); among equals, the best for the others.
func (b *nbids) choose(p int, target float64) int32 {
	own := b.own[p]
	i := sort.SearchFloat64s(own, target)
	if i == len(own) {
		i = len(own) - 1
	}
	for i+1 < len(own) && own[i+1] == own[i] {
		i++
	}
	return b.order[p][i]
}

// prepare computes a scenario's frontier and settlement and its bids: the
// frontier, each party's best package and a seeded random sample.
func prepare(ctx context.Context, sc *Scenario, cfg TournamentConfig, k int) (*tScenario, error) {
	s := sc.Space
	st, err := s.SettleWithin(ctx, cfg.Budget)
	if err != nil {
		return nil, fmt.Errorf("settle: tournament: scenario %s: %w", sc.Name, err)
	}
	np := s.Parties()
	b := &nbids{}
	add := func(pkg Package) {
		u := make([]float64, np)
		for p := range u {
			u[p] = s.Utility(p, pkg)
		}
		b.pkgs = append(b.pkgs, pkg)
		b.u = append(b.u, u)
	}
	for _, pt := range st.Frontier.Points {
		add(pt.Package)
	}
	for p := range np {
		best, _ := s.Best(p)
		add(best)
	}
	sample := cfg.Sample
	if sample == 0 {
		sample = 1000
	}
	r := rand.New(rand.NewPCG(cfg.Seed, uint64(k)))
	for range max(sample, 0) {
		pkg := make(Package, len(s.Domain.Issues))
		for i := range pkg {
			pkg[i] = r.IntN(s.Domain.Issues[i].Len())
		}
		add(pkg)
	}
	b.order = make([][]int32, np)
	b.own = make([][]float64, np)
	for p := range np {
		o := make([]int32, len(b.pkgs))
		for i := range o {
			o[i] = int32(i)
		}
		others := func(x int32) float64 {
			t := 0.0
			for q, v := range b.u[x] {
				if q != p {
					t += v
				}
			}
			return t
		}
		slices.SortStableFunc(o, func(x, y int32) int {
			if c := cmp.Compare(b.u[x][p], b.u[y][p]); c != 0 {
				return c
			}
			// Equal for me: the one better for the others last, so that
			// the lowest bid meeting a target is the others' best.
			return cmp.Compare(others(y), others(x))
		})
		b.order[p] = o
		b.own[p] = make([]float64, len(o))
		for i, x := range o {
			b.own[p][i] = b.u[x][p]
		}
	}
	ts := &tScenario{sc: sc, st: st, bids: b}
	for p := range np {
		ts.resv = append(ts.resv, s.Reservation(p))
		ts.delta = append(ts.delta, s.Profiles[p].DiscountFactor())
	}
	return ts, nil
}

// RunTournament runs every ordered pair (two-party scenarios) or triple
// (three-party ones) of distinct agents on every scenario under the
// stacked alternating offers protocol with a deadline in rounds and
// Genius's discounting, and scores the agents.
func RunTournament(ctx context.Context, scenarios []*Scenario, cfg TournamentConfig) (*TournamentResult, error) {
	if len(cfg.Agents) < 2 {
		return nil, fmt.Errorf("settle: tournament: need at least two agents")
	}
	names := map[string]bool{}
	for _, a := range cfg.Agents {
		if names[a.Name()] {
			return nil, fmt.Errorf("settle: tournament: agent %s appears twice", a.Name())
		}
		names[a.Name()] = true
	}
	if cfg.Rounds < 0 || cfg.Rounds > MaxRounds {
		return nil, fmt.Errorf("settle: tournament: rounds must be in 1..%d", MaxRounds)
	}
	if cfg.Rounds == 0 {
		cfg.Rounds = 1000
	}
	if cfg.Sample > MaxSample {
		return nil, fmt.Errorf("settle: tournament: at most %d sampled packages", MaxSample)
	}
	type job struct {
		sc    *tScenario
		roles []int
	}
	var jobs []job
	for k, sc := range scenarios {
		np := sc.Space.Parties()
		if np < 2 || np > 3 {
			return nil, fmt.Errorf("settle: tournament: scenario %s has %d parties (want 2 or 3)", sc.Name, np)
		}
		if np > len(cfg.Agents) {
			return nil, fmt.Errorf("settle: tournament: scenario %s has %d parties but there are only %d agents", sc.Name, np, len(cfg.Agents))
		}
		ts, err := prepare(ctx, sc, cfg, k)
		if err != nil {
			return nil, err
		}
		for _, roles := range permutations(len(cfg.Agents), np) {
			jobs = append(jobs, job{ts, roles})
		}
	}
	res := &TournamentResult{Sessions: make([]Session, len(jobs))}
	workers := cmp.Or(cfg.Workers, runtime.GOMAXPROCS(0))
	var next, offers atomic.Int64
	var mu sync.Mutex
	done := 0
	var wg sync.WaitGroup
	start := time.Now()
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				j := int(next.Add(1) - 1)
				if j >= len(jobs) || ctx.Err() != nil {
					return
				}
				agents := make([]Strategy, len(jobs[j].roles))
				for p, a := range jobs[j].roles {
					agents[p] = cfg.Agents[a]
				}
				res.Sessions[j] = negotiate(jobs[j].sc, agents, cfg.Rounds)
				offers.Add(int64(res.Sessions[j].Offers))
				mu.Lock()
				done++
				if cfg.Progress != nil {
					cfg.Progress(done, len(jobs))
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("settle: tournament: %w", err)
	}
	res.Elapsed = time.Since(start)
	res.Offers = offers.Load()
	res.Scores = score(cfg.Agents, res.Sessions)
	return res, nil
}

// permutations lists the ordered k-tuples of distinct indices below n.
func permutations(n, k int) [][]int {
	var out [][]int
	cur := make([]int, 0, k)
	used := make([]bool, n)
	var rec func()
	rec = func() {
		if len(cur) == k {
			out = append(out, slices.Clone(cur))
			return
		}
		for i := range n {
			if !used[i] {
				used[i] = true
				cur = append(cur, i)
				rec()
				cur = cur[:len(cur)-1]
				used[i] = false
			}
		}
	}
	rec()
	return out
}

// negotiate runs one session of stacked alternating offers: the parties
// move in turn; a party accepts the standing offer when it is worth at
// least its own next bid (AC_next), or on the very last turn anything at
// least its reservation value, and never less than that; otherwise it
// makes its bid the standing offer. The offer is agreed once every other
// party has accepted it in a row. Time in round r is r/(rounds+1).
func negotiate(ts *tScenario, agents []Strategy, rounds int) Session {
	b := ts.bids
	np := len(agents)
	views := make([]View, np)
	for p := range np {
		own := b.own[p]
		views[p] = View{Max: own[len(own)-1], Min: min(max(ts.resv[p], own[0]), own[len(own)-1])}
		views[p].Last = views[p].Max
	}
	ses := Session{Scenario: ts.sc.Name, Agents: make([]string, np)}
	for p, a := range agents {
		ses.Agents[p] = a.Name()
	}
	standing, accepts := int32(-1), 0
	agreed := int32(-1)
	ses.Time = 1
loop:
	for r := 1; r <= rounds; r++ {
		t := float64(r) / float64(rounds+1)
		ses.Round = r
		for p := range np {
			v := &views[p]
			target := agents[p].Target(t, v)
			v.Last = target
			x := b.choose(p, target)
			final := r == rounds && p == np-1
			if standing >= 0 {
				uo := b.u[standing][p]
				if uo >= ts.resv[p] && (uo >= b.u[x][p] || final) {
					if accepts++; accepts == np-1 {
						agreed, ses.Time = standing, t
						break loop
					}
					continue
				}
			}
			if final {
				break loop
			}
			standing, accepts = x, 0
			ses.Offers++
			for q := range np {
				if q != p {
					o := &views[q]
					o.OpponentPrev, o.OpponentLast = o.OpponentLast, b.u[x][p]
					o.OpponentOffers++
				}
			}
		}
	}
	ses.Utilities = make([]float64, np)
	ses.Discounted = make([]float64, np)
	ses.Agreement = agreed >= 0
	for p := range np {
		u := ts.resv[p]
		if ses.Agreement {
			u = b.u[agreed][p]
		}
		ses.Utilities[p] = u
		ses.Discounted[p] = u * math.Pow(ts.delta[p], ses.Time)
		ses.Welfare += ses.Discounted[p]
	}
	ses.FrontierDistance = ts.st.Frontier.Distance(ses.Utilities)
	ses.NashDistance = math.NaN()
	if ts.st.Nash != nil {
		ses.NashDistance = Distance(ses.Utilities, ts.st.Nash.Utilities)
	}
	return ses
}

// score sums up the sessions per agent, best mean utility first.
func score(agents []Strategy, sessions []Session) []AgentScore {
	idx := map[string]int{}
	out := make([]AgentScore, len(agents))
	nash := make([]int, len(agents))
	for k, a := range agents {
		idx[a.Name()] = k
		out[k].Agent = a.Name()
	}
	for _, s := range sessions {
		for p, name := range s.Agents {
			a := &out[idx[name]]
			a.Sessions++
			if s.Agreement {
				a.Agreements++
			}
			a.MeanUtility += s.Discounted[p]
			a.MeanFrontierDistance += s.FrontierDistance
			a.MeanWelfare += s.Welfare
			if !math.IsNaN(s.NashDistance) {
				a.MeanNashDistance += s.NashDistance
				nash[idx[name]]++
			}
		}
	}
	for k := range out {
		a := &out[k]
		if a.Sessions > 0 {
			n := float64(a.Sessions)
			a.AgreementRate = float64(a.Agreements) / n
			a.MeanUtility /= n
			a.MeanFrontierDistance /= n
			a.MeanWelfare /= n
		}
		if nash[k] > 0 {
			a.MeanNashDistance /= float64(nash[k])
		} else {
			a.MeanNashDistance = math.NaN()
		}
	}
	slices.SortStableFunc(out, func(x, y AgentScore) int { return cmp.Compare(y.MeanUtility, x.MeanUtility) })
	return out
}
