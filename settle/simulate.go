package settle

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"sort"
	"time"
)

// Protocol names a negotiation protocol for Simulate.
type Protocol string

// The protocols Simulate runs.
const (
	// AlternatingOffers is the stacked alternating offers protocol: the
	// parties take turns; on its turn an agent accepts the standing offer
	// or makes a counter-offer.
	AlternatingOffers Protocol = "alternating-offers"
	// SingleText is the mediator's single negotiating text: a mediator
	// proposes frontier packages, working inward from the extremes
	// towards the Nash point, and the talks end when both parties accept
	// the current text.
	SingleText Protocol = "single-text"
)

// SimConfig configures a simulated two-party negotiation.
type SimConfig struct {
	// Agents holds the two parties' strategies.
	Agents [2]Strategy
	// Protocol is AlternatingOffers (the default) or SingleText.
	Protocol Protocol
	// Rounds is the deadline in rounds (one offer by each party, or one
	// mediator text); used when Time is zero. Zero means 1000.
	Rounds int
	// Time, when positive, is the deadline in wall-clock time.
	Time time.Duration
	// Sample, when positive, makes agents bid from this many random
	// packages (plus each party's best) instead of along the Pareto
	// frontier, so agreements can fall short of the frontier.
	Sample int
	// Seed seeds the random sample.
	Seed uint64
	// Now returns the current time; nil means time.Now.
	Now func() time.Time
}

// SimResult reports a simulated negotiation.
type SimResult struct {
	// Protocol is the protocol that ran.
	Protocol Protocol
	// Agents names the two strategies.
	Agents [2]string
	// Agreement reports whether the parties agreed before the deadline.
	Agreement bool
	// Outcome is the agreed package and its utilities; without agreement
	// its Package is nil and its Utilities are the disagreement values.
	Outcome Outcome
	// AcceptedBy is the party that accepted (-1 for single-text
	// agreements and for no agreement).
	AcceptedBy int
	// Rounds is the number of rounds started.
	Rounds int
	// Offers is the number of offers (or texts) made.
	Offers int
	// FrontierDistance is the Euclidean distance in utility space from the
	// outcome to the nearest Pareto-frontier point.
	FrontierDistance float64
	// NashDistance is the distance from the outcome to the Nash point;
	// nil when no agreement is individually rational.
	NashDistance *float64
	// Elapsed is the wall-clock duration of the simulation.
	Elapsed time.Duration
}

// bids is what the agents can offer: candidate packages with utilities, and
// per agent the candidates sorted by its own utility, ascending.
type bids struct {
	pkgs  []Package
	u     [][2]float64
	order [2][]int32
	own   [2][]float64
}

func (b *bids) sortFor(p int) {
	o := make([]int32, len(b.u))
	for i := range o {
		o[i] = int32(i)
	}
	slices.SortStableFunc(o, func(x, y int32) int {
		switch a, c := b.u[x][p], b.u[y][p]; {
		case a < c:
			return -1
		case a > c:
			return 1
		}
		// Equal for me: prefer the one better for the opponent last, so
		// that the lowest bid meeting a target is the opponent's best.
		switch a, c := b.u[x][1-p], b.u[y][1-p]; {
		case a > c:
			return -1
		case a < c:
			return 1
		}
		return 0
	})
	b.order[p] = o
	b.own[p] = make([]float64, len(o))
	for i, k := range o {
		b.own[p][i] = b.u[k][p]
	}
}

// choose returns the candidate with the lowest own utility ≥ target (the
// best one when none reaches it).
func (b *bids) choose(p int, target float64) int32 {
	own := b.own[p]
	i := sort.SearchFloat64s(own, target)
	if i == len(own) {
		i = len(own) - 1
	}
	// Among bids of equal utility for me, take the one best for the opponent.
	for i+1 < len(own) && own[i+1] == own[i] {
		i++
	}
	return b.order[p][i]
}

// Simulation bounds, so that a typo cannot run for ever or exhaust memory.
const (
	MaxRounds = 1_000_000_000
	MaxSample = 10_000_000
)

// Simulate runs a two-party negotiation between cfg.Agents on s, using the
// frontier and Nash point of st (from Settle or Solve).
func (s *Space) Simulate(ctx context.Context, st *Settlement, cfg SimConfig) (*SimResult, error) {
	if s.Parties() != 2 {
		return nil, fmt.Errorf("settle: simulate: need 2 parties, have %d", s.Parties())
	}
	if cfg.Agents[0] == nil || cfg.Agents[1] == nil {
		return nil, fmt.Errorf("settle: simulate: two agents needed")
	}
	if cfg.Rounds < 0 || cfg.Time < 0 || cfg.Sample < 0 {
		return nil, fmt.Errorf("settle: simulate: negative deadline or sample")
	}
	if cfg.Rounds > MaxRounds || cfg.Sample > MaxSample {
		return nil, fmt.Errorf("settle: simulate: at most %d rounds and %d sampled packages", MaxRounds, MaxSample)
	}
	if cfg.Rounds == 0 {
		cfg.Rounds = 1000
	}
	if cfg.Protocol == "" {
		cfg.Protocol = AlternatingOffers
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	b := s.candidates(st.Frontier, cfg)
	res := &SimResult{Protocol: cfg.Protocol, AcceptedBy: -1}
	for p := range 2 {
		res.Agents[p] = cfg.Agents[p].Name()
	}
	var views [2]View
	for p := range 2 {
		own := b.own[p]
		views[p] = View{Max: own[len(own)-1], Min: max(s.Reservation(p), own[0])}
		views[p].Min = min(views[p].Min, views[p].Max)
		views[p].Last = views[p].Max
	}
	start := cfg.Now()
	clock := func(k, turns int) (t float64, final bool) {
		if cfg.Time > 0 {
			t = float64(cfg.Now().Sub(start)) / float64(cfg.Time)
			return min(t, 1), t >= 1
		}
		return float64(k) / float64(turns), k == turns-1
	}
	agreed := int32(-1)
	var err error
	switch cfg.Protocol {
	case AlternatingOffers:
		// With no package acceptable to both, nothing is offered: every
		// offer would be below someone's reservation value.
		if !st.NoAgreement {
			agreed, err = s.alternate(ctx, b, cfg, &views, clock, res)
		}
	case SingleText:
		agreed, err = s.singleText(ctx, b, st, cfg, &views, clock, res)
	default:
		return nil, fmt.Errorf("settle: simulate: unknown protocol %q", cfg.Protocol)
	}
	if err != nil {
		return nil, fmt.Errorf("settle: simulate: %w", err)
	}
	res.Elapsed = cfg.Now().Sub(start)
	if agreed >= 0 {
		res.Agreement = true
		pkg := b.pkgs[agreed]
		res.Outcome = s.outcome(slices.Clone(pkg), []int64{s.fixed(0, pkg), s.fixed(1, pkg)}, 1)
	} else {
		res.Outcome = Outcome{Utilities: []float64{s.Disagreement(0), s.Disagreement(1)}}
	}
	res.FrontierDistance = st.Frontier.Distance(res.Outcome.Utilities)
	if st.Nash != nil {
		d := Distance(res.Outcome.Utilities, st.Nash.Utilities)
		res.NashDistance = &d
	}
	return res, nil
}

// candidates builds the bid lists: the frontier, or a seeded random sample.
func (s *Space) candidates(f *Frontier, cfg SimConfig) *bids {
	b := &bids{}
	add := func(pkg Package) {
		b.pkgs = append(b.pkgs, pkg)
		b.u = append(b.u, [2]float64{s.Utility(0, pkg), s.Utility(1, pkg)})
	}
	if cfg.Sample > 0 {
		r := rand.New(rand.NewPCG(cfg.Seed, 0x5eed))
		for p := range 2 {
			best, _ := s.Best(p)
			add(best)
		}
		for range cfg.Sample {
			pkg := make(Package, len(s.Domain.Issues))
			for i := range pkg {
				pkg[i] = r.IntN(s.Domain.Issues[i].Len())
			}
			add(pkg)
		}
	} else {
		for _, pt := range f.Points {
			add(pt.Package)
		}
	}
	b.sortFor(0)
	b.sortFor(1)
	return b
}

// alternate runs stacked alternating offers. On its turn an agent computes
// its next bid; it accepts the standing offer when that is worth at least
// as much to it as its own next bid (AC_next) or, on the final turn, when it
// beats its reservation value; otherwise it makes its bid.
func (s *Space) alternate(ctx context.Context, b *bids, cfg SimConfig, views *[2]View, clock func(int, int) (float64, bool), res *SimResult) (int32, error) {
	turns := 2 * cfg.Rounds
	standing := int32(-1)
	resv := [2]float64{s.Reservation(0), s.Reservation(1)}
	for k := 0; ; k++ {
		if k&4095 == 4095 {
			if err := ctx.Err(); err != nil {
				return -1, err
			}
		}
		me := k & 1
		t, final := clock(k, turns)
		res.Rounds = k/2 + 1
		v := &views[me]
		target := cfg.Agents[me].Target(t, v)
		v.Last = target
		x := b.choose(me, target)
		if standing >= 0 {
			uo := b.u[standing][me]
			// Never below the reservation value, whatever the agent's
			// target: walking away is always better.
			if uo >= resv[me] && (uo >= b.u[x][me] || final) {
				res.AcceptedBy = me
				return standing, nil
			}
		}
		if final {
			return -1, nil
		}
		res.Offers++
		standing = x
		o := &views[1-me]
		o.OpponentPrev, o.OpponentLast = o.OpponentLast, b.u[x][me]
		o.OpponentOffers++
	}
}

// singleText runs the mediator's single negotiating text over the
// individually rational frontier points, ordered from the extremes inward
// to the Nash point; each party accepts a text worth at least its current
// target, or on the final round any text beating its reservation value.
func (s *Space) singleText(ctx context.Context, b *bids, st *Settlement, cfg SimConfig, views *[2]View, clock func(int, int) (float64, bool), res *SimResult) (int32, error) {
	if st.NoAgreement {
		return -1, nil
	}
	// Texts come from the frontier, whatever the agents bid from.
	f := st.Frontier
	var ir []int
	nash := -1
	for k := range f.Points {
		if s.rational(f.Points[k].fixed) {
			if st.Nash != nil && slices.Equal(f.Points[k].fixed, st.Nash.fixed) {
				nash = len(ir)
			}
			ir = append(ir, k)
		}
	}
	var seq []int
	for i, j := 0, len(ir)-1; i <= j; {
		if nash-i >= j-nash {
			seq = append(seq, ir[i])
			i++
		} else {
			seq = append(seq, ir[j])
			j--
		}
	}
	// The loop emits the Nash point last; keep proposing it.
	resv := [2]float64{s.Reservation(0), s.Reservation(1)}
	texts := make([]Package, len(seq))
	us := make([][2]float64, len(seq))
	for i, k := range seq {
		texts[i] = f.Points[k].Package
		us[i] = [2]float64{f.Points[k].Utilities[0], f.Points[k].Utilities[1]}
	}
	for k := 0; ; k++ {
		if k&4095 == 4095 {
			if err := ctx.Err(); err != nil {
				return -1, err
			}
		}
		t, final := clock(k, cfg.Rounds)
		res.Rounds = k + 1
		res.Offers++
		i := min(k, len(seq)-1)
		ok := true
		for p := range 2 {
			target := cfg.Agents[p].Target(t, &views[p])
			views[p].Last = target
			if us[i][p] < target && !(final && us[i][p] >= resv[p]) {
				ok = false
			}
		}
		if ok {
			b.pkgs = append(b.pkgs, texts[i])
			return int32(len(b.pkgs) - 1), nil
		}
		if final {
			return -1, nil
		}
	}
}
