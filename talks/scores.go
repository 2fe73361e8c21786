package talks

import (
	"context"

	"parley"
	"parley/settle"
)

// party is a party's profile as the settlement engine uses it.
type partyProfile struct {
	party   parley.Delegation
	row     *parley.Profile
	profile *settle.Profile
	// space scores packages by this profile alone.
	space *settle.Space
}

// parseProfile reads a stored profile against the domain; a profile that
// no longer fits it (or none) gives nil and the reason.
func parseProfile(d *settle.Domain, row *parley.Profile) (*settle.Profile, string) {
	if row == nil || row.Source == "" {
		return nil, "no profile"
	}
	p, err := cachedProfile(d, row.Source)
	if err != nil {
		return nil, err.Error()
	}
	return p, ""
}

// newPartyProfile compiles a party's profile, or returns nil when it has
// none that fits the domain.
func newPartyProfile(d *settle.Domain, party parley.Delegation, row *parley.Profile) *partyProfile {
	p, _ := parseProfile(d, row)
	if p == nil {
		return nil
	}
	sp, err := settle.New(d, p)
	if err != nil {
		return nil
	}
	return &partyProfile{party: party, row: row, profile: p, space: sp}
}

// score returns the profile's utility of a package.
func (pp *partyProfile) score(pkg settle.Package) float64 { return pp.space.Utility(0, pkg) }

// ownProfile returns the reader's own party's profile, nil for a reader
// who is not a party or whose party has none that fits the domain.
func ownProfile(ctx context.Context, tx parley.Tx, sc *scope, d *settle.Domain) (*partyProfile, error) {
	if sc.kind() != parley.KindParty {
		return nil, nil
	}
	row, err := tx.Profile(ctx, sc.talks.ID, sc.mine.ID)
	if parley.ErrorCode(err) == parley.ENOTFOUND {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return newPartyProfile(d, *sc.mine, row), nil
}

// sharedProfiles returns, for a mediator, the profile rows of every party
// that consented to share with the mediators, and the compiled profiles
// of those that have one fitting the domain, in party order. Nobody else
// gets any: the rows of parties that did not consent are never read into
// a mediator's answer.
func sharedProfiles(ctx context.Context, tx parley.Tx, sc *scope, d *settle.Domain) (map[string]*parley.Profile, []*partyProfile, error) {
	consented := map[string]*parley.Profile{}
	if !sc.isMediator() {
		return consented, nil, nil
	}
	rows, err := tx.Profiles(ctx, sc.talks.ID)
	if err != nil {
		return nil, nil, err
	}
	for i := range rows {
		if rows[i].Consent {
			consented[rows[i].Delegation] = &rows[i]
		}
	}
	var out []*partyProfile
	for _, party := range sc.parties() {
		if row := consented[party.ID]; row != nil && d != nil {
			if pp := newPartyProfile(d, party, row); pp != nil {
				out = append(out, pp)
			}
		}
	}
	return consented, out, nil
}

// scorer scores proposals for one reader: by the reader's own party's
// profile, and for a mediator by every shared profile.
type scorer struct {
	domain *settle.Domain
	own    *partyProfile
	shared []*partyProfile
}

// loadScorer prepares the scores the reader may see.
func loadScorer(ctx context.Context, tx parley.Tx, sc *scope) (*scorer, error) {
	if !sc.canReadText() {
		return &scorer{}, nil
	}
	d, _, err := loadDomain(ctx, tx, sc)
	if parley.ErrorCode(err) == parley.ENOTFOUND {
		return &scorer{}, nil
	}
	if err != nil {
		return nil, err
	}
	sco := &scorer{domain: d}
	if sco.own, err = ownProfile(ctx, tx, sc, d); err != nil {
		return nil, err
	}
	if _, sco.shared, err = sharedProfiles(ctx, tx, sc, d); err != nil {
		return nil, err
	}
	return sco, nil
}

// pkg returns a message's package in the domain, or nil.
func (sco *scorer) pkg(m *parley.Message) settle.Package {
	if sco.domain == nil || m.Proposal == nil {
		return nil
	}
	pkg, err := sco.domain.Package(m.Proposal.Package)
	if err != nil {
		return nil
	}
	return pkg
}

// view returns the proposal with the scores the reader may see.
func (sco *scorer) view(m parley.Message) ProposalView {
	pv := ProposalView{Message: m}
	pkg := sco.pkg(&m)
	if pkg == nil {
		return pv
	}
	if sco.own != nil {
		u := sco.own.score(pkg)
		pv.Score = &u
	}
	if len(sco.shared) > 0 {
		pv.Scores = map[string]float64{}
		for _, pp := range sco.shared {
			pv.Scores[pp.party.ID] = pp.score(pkg)
		}
	}
	return pv
}
