package talks

import (
	"context"
	"errors"
	"time"

	"parley"
	"parley/settle"
)

// MaxFrontierShown bounds the frontier points a view carries; a larger
// frontier is sampled evenly, its two ends kept.
const MaxFrontierShown = 400

// SettlementView is the mediators' settlement view: built only from the
// profiles the parties consented to share with them.
type SettlementView struct {
	Domain   string            `json:"domain"`
	Outcomes string            `json:"outcomes"`
	Parties  []SettlementParty `json:"parties"`
	// Complete is set when every party shares a profile that fits the
	// domain: only then are the frontier and the solutions computed.
	Complete bool `json:"complete"`
	// FrontierSize is the number of distinct frontier points; Frontier
	// holds at most MaxFrontierShown of them.
	FrontierSize int     `json:"frontier_size"`
	Frontier     []Point `json:"frontier"`
	// NoAgreement is set when no package gives every party at least its
	// reservation value.
	NoAgreement      bool   `json:"no_agreement"`
	Nash             *Point `json:"nash,omitempty"`
	KalaiSmorodinsky *Point `json:"kalai_smorodinsky,omitempty"`
	Egalitarian      *Point `json:"egalitarian,omitempty"`
	// Proposals lists every proposal with each sharing party's score.
	Proposals []ProposalView `json:"proposals"`
}

// SettlementParty is a party in the settlement view. Only a party that
// consented shows anything beyond its name.
type SettlementParty struct {
	PartyRef
	Consent bool `json:"consent"`
	// Shared is set when the party consented and has a profile that fits
	// the domain; Profile and Reservation are shown then.
	Shared      bool         `json:"shared"`
	Reservation *float64     `json:"reservation,omitempty"`
	Profile     *ProfileBody `json:"profile,omitempty"`
	// Problem says, for a consenting party, why its profile is not used.
	Problem string `json:"problem,omitempty"`
}

// Point is a package with its utility for each party, by delegation id.
type Point struct {
	Package   map[string]string  `json:"package"`
	Utilities map[string]float64 `json:"utilities"`
}

// settlementBase is what the mediators' settlement computations share.
type settlementBase struct {
	domain  *settle.Domain
	rec     *parley.Domain
	parties []SettlementParty
	shared  []*partyProfile
	space   *settle.Space
}

// point describes an outcome of the joint space.
func (b *settlementBase) point(pkg settle.Package, u []float64) Point {
	p := Point{Package: b.domain.Bid(pkg), Utilities: map[string]float64{}}
	for i, pp := range b.shared {
		p.Utilities[pp.party.ID] = u[i]
	}
	return p
}

// outcome describes a settle outcome, nil for nil.
func (b *settlementBase) outcome(o *settle.Outcome) *Point {
	if o == nil {
		return nil
	}
	p := b.point(o.Package, o.Utilities)
	return &p
}

// loadSettlement checks the mediator rule and gathers the shared
// profiles; the joint space is compiled when every party shares one.
func loadSettlement(ctx context.Context, tx parley.Tx, sc *scope) (*settlementBase, error) {
	if !sc.isMediator() {
		return nil, parley.Errorf(parley.ENOTFOUND, "settlement not found")
	}
	d, rec, err := loadDomain(ctx, tx, sc)
	if err != nil {
		return nil, err
	}
	consented, shared, err := sharedProfiles(ctx, tx, sc, d)
	if err != nil {
		return nil, err
	}
	b := &settlementBase{domain: d, rec: rec, shared: shared}
	byID := map[string]*partyProfile{}
	for _, pp := range shared {
		byID[pp.party.ID] = pp
	}
	for _, party := range sc.parties() {
		sp := SettlementParty{PartyRef: PartyRef{ID: party.ID, Slug: party.Slug, Name: party.Name}}
		if row := consented[party.ID]; row != nil {
			sp.Consent = true
			if pp := byID[party.ID]; pp != nil {
				r := pp.profile.Reservation
				sp.Shared, sp.Reservation, sp.Profile = true, &r, profileBody(pp.profile)
			} else if _, problem := parseProfile(d, row); problem != "" {
				sp.Problem = problem
			}
		}
		b.parties = append(b.parties, sp)
	}
	if len(shared) > 0 && len(shared) == len(b.parties) {
		profiles := make([]*settle.Profile, len(shared))
		for i, pp := range shared {
			profiles[i] = pp.profile
		}
		if b.space, err = settle.New(d, profiles...); err != nil {
			return nil, err
		}
	}
	return b, nil
}

// frontier returns the Pareto frontier of the joint space, computed once
// for the same domain and profiles.
func (b *settlementBase) frontier(ctx context.Context) (*settle.Frontier, error) {
	sources := []string{b.rec.Source}
	for _, pp := range b.shared {
		sources = append(sources, pp.row.Source)
	}
	f, err := cachedFrontier(ctx, b.space, sources)
	return f, settleErr(err)
}

// settleErr maps the engine's refusals to application errors.
func settleErr(err error) error {
	if errors.Is(err, settle.ErrFrontierTooLarge) {
		return parley.Errorf(parley.ECONFLICT, "the Pareto frontier of this domain is too large to compute")
	}
	return err
}

// sample returns at most max of the frontier's points, evenly spaced, the
// two ends included.
func sample(pts []settle.Outcome, max int) []settle.Outcome {
	if len(pts) <= max {
		return pts
	}
	out := make([]settle.Outcome, 0, max)
	for i := range max {
		out = append(out, pts[i*(len(pts)-1)/(max-1)])
	}
	return out
}

// Settlement returns the mediators' settlement view.
func (s *Service) Settlement(ctx context.Context, actor *parley.User, talksID string) (*SettlementView, error) {
	var v *SettlementView
	err := s.query(ctx, actor, talksID, func(tx parley.Tx, sc *scope) error {
		b, err := loadSettlement(ctx, tx, sc)
		if err != nil {
			return err
		}
		v = &SettlementView{Domain: b.domain.Name, Outcomes: domainView(b.domain, b.rec).Outcomes, Parties: b.parties, Frontier: []Point{}, Proposals: []ProposalView{}}
		ms, err := visibleProposals(ctx, tx, sc)
		if err != nil {
			return err
		}
		sco := &scorer{domain: b.domain, shared: b.shared}
		for _, m := range ms {
			v.Proposals = append(v.Proposals, sco.view(m))
		}
		if b.space == nil {
			return nil
		}
		v.Complete = true
		f, err := b.frontier(ctx)
		if err != nil {
			return err
		}
		st := b.space.Solve(f)
		v.FrontierSize = st.Frontier.Len()
		for _, o := range sample(st.Frontier.Points, MaxFrontierShown) {
			v.Frontier = append(v.Frontier, b.point(o.Package, o.Utilities))
		}
		v.NoAgreement = st.NoAgreement
		v.Nash, v.KalaiSmorodinsky, v.Egalitarian = b.outcome(st.Nash), b.outcome(st.KalaiSmorodinsky), b.outcome(st.Egalitarian)
		return nil
	})
	return v, err
}

// ImprovementView lists the Pareto improvements over a proposal.
type ImprovementView struct {
	Proposal string `json:"proposal"`
	Base     Point  `json:"base"`
	// Optimal is set when the proposal is already Pareto optimal.
	Optimal bool `json:"optimal"`
	// Count is the number of improving frontier points; Improvements holds
	// at most MaxFrontierShown of them.
	Count        int     `json:"count"`
	Improvements []Point `json:"improvements"`
	// Nash is the improvement maximising the product of gains.
	Nash *Point `json:"nash,omitempty"`
}

// Improve returns the Pareto improvements over a proposal the mediator can
// see; it needs every party's shared profile.
func (s *Service) Improve(ctx context.Context, actor *parley.User, talksID, proposal string) (*ImprovementView, error) {
	var v *ImprovementView
	err := s.query(ctx, actor, talksID, func(tx parley.Tx, sc *scope) error {
		b, err := loadSettlement(ctx, tx, sc)
		if err != nil {
			return err
		}
		m, err := tx.Message(ctx, talksID, proposal)
		if parley.ErrorCode(err) == parley.ENOTFOUND || err == nil && (m.Proposal == nil || !sc.canRead(m.Room)) {
			return parley.Errorf(parley.ENOTFOUND, "proposal not found")
		}
		if err != nil {
			return err
		}
		if b.space == nil {
			return parley.Errorf(parley.ECONFLICT, "improvements need the profiles of every party, shared with the mediators")
		}
		pkg, err := checkPackage(b.domain, m.Proposal.Package)
		if err != nil {
			return err
		}
		f, err := b.frontier(ctx)
		if err != nil {
			return err
		}
		im, err := b.space.Improve(f, pkg)
		if err != nil {
			return err
		}
		v = &ImprovementView{Proposal: m.ID, Base: b.point(pkg, im.Base.Utilities), Optimal: im.Optimal(), Count: len(im.Improvements),
			Improvements: []Point{}, Nash: b.outcome(im.Nash)}
		for _, o := range sample(im.Improvements, MaxFrontierShown) {
			v.Improvements = append(v.Improvements, b.point(o.Package, o.Utilities))
		}
		return nil
	})
	return v, err
}

// DanceView is the negotiation dance: the proposals each party made over
// time, with the utilities the reader may know.
type DanceView struct {
	// Scored names the parties whose utilities the moves carry.
	Scored   []PartyRef    `json:"scored"`
	Series   []DanceSeries `json:"series"`
	Frontier []Point       `json:"frontier"`
	Nash     *Point        `json:"nash,omitempty"`
}

// DanceSeries is one party's proposals, oldest first.
type DanceSeries struct {
	Party PartyRef    `json:"party"`
	Moves []DanceMove `json:"moves"`
}

// DanceMove is one proposal in the dance.
type DanceMove struct {
	Message   string             `json:"message"`
	CreatedAt time.Time          `json:"created_at"`
	Package   map[string]string  `json:"package"`
	Utilities map[string]float64 `json:"utilities"`
}

// Dance returns the negotiation dance. A mediator sees every party's
// proposals, scored by every shared profile, with the frontier and the
// Nash point once every party shares one; a party sees only its own
// proposals, scored by its own profile.
func (s *Service) Dance(ctx context.Context, actor *parley.User, talksID string) (*DanceView, error) {
	var v *DanceView
	err := s.query(ctx, actor, talksID, func(tx parley.Tx, sc *scope) error {
		if !sc.canReadText() {
			return parley.Errorf(parley.ENOTFOUND, "dance not found")
		}
		d, rec, err := loadDomain(ctx, tx, sc)
		if err != nil {
			return err
		}
		var scoring []*partyProfile
		var b *settlementBase
		if sc.isMediator() {
			if b, err = loadSettlement(ctx, tx, sc); err != nil {
				return err
			}
			scoring = b.shared
		} else {
			b = &settlementBase{domain: d, rec: rec}
			own, err := ownProfile(ctx, tx, sc, d)
			if err != nil {
				return err
			}
			if own != nil {
				scoring = []*partyProfile{own}
			}
		}
		v = &DanceView{Scored: []PartyRef{}, Series: []DanceSeries{}, Frontier: []Point{}}
		for _, pp := range scoring {
			v.Scored = append(v.Scored, PartyRef{ID: pp.party.ID, Slug: pp.party.Slug, Name: pp.party.Name})
		}
		ms, err := visibleProposals(ctx, tx, sc)
		if err != nil {
			return err
		}
		for _, party := range sc.positionsFor() {
			ds := DanceSeries{Party: PartyRef{ID: party.ID, Slug: party.Slug, Name: party.Name}, Moves: []DanceMove{}}
			for _, m := range ms {
				if m.Delegation != party.ID || m.Relay != nil {
					continue
				}
				pkg, err := d.Package(m.Proposal.Package)
				if err != nil {
					continue
				}
				mv := DanceMove{Message: m.ID, CreatedAt: m.CreatedAt, Package: d.Bid(pkg), Utilities: map[string]float64{}}
				for _, pp := range scoring {
					mv.Utilities[pp.party.ID] = pp.score(pkg)
				}
				ds.Moves = append(ds.Moves, mv)
			}
			v.Series = append(v.Series, ds)
		}
		if b.space == nil {
			return nil
		}
		f, err := b.frontier(ctx)
		if err != nil {
			return err
		}
		st := b.space.Solve(f)
		for _, o := range sample(st.Frontier.Points, MaxFrontierShown) {
			v.Frontier = append(v.Frontier, b.point(o.Package, o.Utilities))
		}
		v.Nash = b.outcome(st.Nash)
		return nil
	})
	return v, err
}
